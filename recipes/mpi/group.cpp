// The mpi group: message passing with MPICH. Its recipes run as ranks started by mpiexec, or
// start it themselves with --np; only rank 0 reports, usage errors included.
#include "mpi/support/launch.hpp"
#include "parcook/mpi_library.hpp"
#include "parcook/recipe.hpp"

namespace parcook {

extern const Group group_mpi{
    .name = "mpi",
    .summary = "message passing with MPICH: point-to-point, collectives, topologies",
    .position = 3,
    .options = {integer_option("np", 0,
                               "launch this many ranks under mpiexec (0: run as started, e.g. by "
                               "mpiexec -n N parcook ...)",
                               0, 1024)},
    .tour_args = {"--np", "2"},
    // Under mpiexec every rank parses the same command line: rank 0 alone reports usage errors.
    .secondary = mpi::secondary_rank,
    .library = mpi_build_version,
};

} // namespace parcook
