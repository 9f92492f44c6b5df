// mpi/broadcast: "Collective communication using broadcast" [book ch.3].
// Shows: one root value reaches every rank. Rank 0 sets variable_to_share = 100 (the others hold
// nothing yet) and MPI_Bcast delivers it everywhere; --count n also broadcasts a vector of n
// generated integers, the usual way to share input data.
// Other collectives the book lists (barrier, scatter, gather, reduction) have their own recipes.
#include "mpi/mpi.hpp"

#include "parcook/generator.hpp"

#include <numeric>

namespace parcook {
namespace {

void broadcast(mpi::Job& job, Context& ctx) {
    const std::uint64_t count = ctx.count("count"), seed = ctx.common().seed;
    job.require_memory(8.0 * static_cast<double>(count), "count");

    int variable_to_share = job.root() ? 100 : 0;
    mpi::call(MPI_Bcast(&variable_to_share, 1, MPI_INT, 0, MPI_COMM_WORLD));
    job.say(fmt::format("process = {} variable shared = {}", job.rank(), variable_to_share));
    ctx.check("every rank holds 100", variable_to_share == 100,
              fmt::format("rank {} holds {}", job.rank(), variable_to_share));

    if (count == 0)
        return;
    std::vector<std::uint64_t> vector(count);
    if (job.root())
        for (std::uint64_t i = 0; i < count; ++i)
            vector[i] = draw(seed, i);
    mpi::call(MPI_Bcast(vector.data(), static_cast<int>(count), MPI_UINT64_T, 0, MPI_COMM_WORLD));
    std::uint64_t wrong = 0;
    for (std::uint64_t i = 0; i < count; ++i)
        wrong += vector[i] != draw(seed, i);
    ctx.check("every rank holds the root's vector", wrong == 0,
              fmt::format("rank {}: {} of {} elements differ", job.rank(), wrong, count));
    job.detail("vector_checksum", std::accumulate(vector.begin(), vector.end(), std::uint64_t{0}));
    ctx.field("count", count);
}

} // namespace

extern const Recipe mpi_broadcast{
    .group = "mpi",
    .name = "broadcast",
    .summary = "MPI_Bcast: the root's value (and vector) reaches every rank",
    .book = "Collective communication using broadcast [book ch.3]",
    .options = {count_option("count", "0", "also broadcast a vector of this many integers",
                             INT32_MAX)},
    .run = mpi::entry<broadcast>,
    .uses = Uses::seed,
    .tour_args = {"--count", "1000"},
};

} // namespace parcook
