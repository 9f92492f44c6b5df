// The mpi group: message passing with MPICH. Its recipes run as ranks started by mpiexec, or
// start it themselves with --np; only rank 0 reports, usage errors included.
#include "parcook/recipe.hpp"

#include <cstdlib>
#include <string_view>

namespace parcook {
namespace {

// Under mpiexec every rank parses the same command line: rank 0 alone reports a usage error.
bool secondary_rank() {
    const char* rank = std::getenv("PMI_RANK");
    return rank && *rank && std::string_view(rank) != "0";
}

} // namespace

extern const Group group_mpi{
    .name = "mpi",
    .summary = "message passing with MPICH: point-to-point, collectives, topologies",
    .position = 3,
    .options = {integer_option("np", 0,
                               "launch this many ranks under mpiexec (0: run as started, e.g. by "
                               "mpiexec -n N parcook ...)",
                               0, 1024)},
    .tour_args = {"--np", "2"},
    .secondary = secondary_rank,
};

} // namespace parcook
