// mpi/hello: "Using the mpi4py Python module" [book ch.3].
// Shows: one program, many ranks. Every process runs this same function; MPI_Comm_rank and
// MPI_Comm_size tell it who it is (0..P-1) and how many there are, MPI_Get_processor_name where.
// Deviations: the book's prints arrive in arbitrary order; here every rank's line is gathered and
// printed by rank 0 in rank order, and rank 0 also gathers (rank, size) to check them.
#include "mpi/mpi.hpp"

namespace parcook {
namespace {

void hello(mpi::Job& job, Context& ctx) {
    int rank = 0, size = 0;
    mpi::call(MPI_Comm_rank(MPI_COMM_WORLD, &rank));
    mpi::call(MPI_Comm_size(MPI_COMM_WORLD, &size));
    job.say(fmt::format("hello world from process {} of {} on {}", rank, size, job.processor()));

    // Rank 0 collects what every rank believes, to verify it.
    const int mine[2] = {rank, size};
    std::vector<int> all(job.root() ? 2 * static_cast<std::size_t>(size) : 0);
    mpi::call(MPI_Gather(mine, 2, MPI_INT, all.data(), 2, MPI_INT, 0, MPI_COMM_WORLD));
    if (!job.root())
        return;
    std::vector<int> seen(static_cast<std::size_t>(size), 0);
    bool sizes_agree = true;
    for (int r = 0; r < size; ++r) {
        const int reported = all[2 * static_cast<std::size_t>(r)];
        if (reported >= 0 && reported < size)
            ++seen[static_cast<std::size_t>(reported)];
        sizes_agree = sizes_agree && all[2 * static_cast<std::size_t>(r) + 1] == size;
    }
    ctx.check("ranks 0..P-1 each reported exactly once",
              std::all_of(seen.begin(), seen.end(), [](int n) { return n == 1; }),
              fmt::format("reports per rank: {}", fmt::join(seen, " ")));
    ctx.check("every rank reports size P", sizes_agree, fmt::format("P = {}", size));
}

} // namespace

extern const Recipe mpi_hello{
    .group = "mpi",
    .name = "hello",
    .summary = "every rank says hello with its rank, the world size and its host",
    .book = "Using the mpi4py Python module [book ch.3]",
    .options = {},
    .run = mpi::entry<hello>,
    .uses = Uses::none,
};

} // namespace parcook
