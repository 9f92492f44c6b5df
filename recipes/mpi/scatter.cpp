// mpi/scatter: "Collective communication using scatter" [book ch.3].
// Shows: the i-th chunk goes to rank i. Rank 0 holds [1, 2, ..., P] and MPI_Scatter hands element
// r to rank r. --scatterv splits an array of --n elements into near-equal chunks (sizes differ by
// at most one) with MPI_Scatterv, and gathers them back to verify.
// Book issues: its print uses the root's array instead of the received value (a TypeError on the
// other ranks) and the label differs from the code; here each rank prints what it received. The
// book's array [1..10] fails on other than 10 processes ("expecting 3 items, got 10"): kept
// behind --book-array, which exits 2 with that message when P != 10.
#include "mpi/mpi.hpp"

#include <numeric>

namespace parcook {
namespace {

void scatter_one(mpi::Job& job, Context& ctx) {
    std::vector<int> array(job.root() ? static_cast<std::size_t>(job.size()) : 0);
    std::iota(array.begin(), array.end(), 1);
    int received = 0;
    mpi::call(MPI_Scatter(array.data(), 1, MPI_INT, &received, 1, MPI_INT, 0, MPI_COMM_WORLD));
    job.say(fmt::format("process = {} variable shared = {}", job.rank(), received));
    job.detail("received", received);
    ctx.check("rank r receives r+1", received == job.rank() + 1,
              fmt::format("rank {} received {}", job.rank(), received));
}

void scatter_chunks(mpi::Job& job, Context& ctx) {
    const int size = job.size(), rank = job.rank();
    if (ctx.common().n > INT32_MAX)
        throw UsageError("--n: MPI_Scatterv counts are ints (< 2^31)");
    // The root's array and its gathered copy (8 bytes per element), and every rank's chunk.
    ctx.require_memory(12.0 * static_cast<double>(ctx.common().n), "n");
    const auto n = static_cast<int>(ctx.common().n);
    std::vector<int> counts(static_cast<std::size_t>(size)), offsets(counts.size());
    for (int r = 0; r < size; ++r) { // the first n % P ranks get one more
        counts[static_cast<std::size_t>(r)] = n / size + (r < n % size);
        if (r > 0)
            offsets[static_cast<std::size_t>(r)] =
                offsets[static_cast<std::size_t>(r - 1)] + counts[static_cast<std::size_t>(r - 1)];
    }
    std::vector<int> array(job.root() ? static_cast<std::size_t>(n) : 0);
    std::iota(array.begin(), array.end(), 1);
    std::vector<int> chunk(static_cast<std::size_t>(counts[static_cast<std::size_t>(rank)]));
    mpi::call(MPI_Scatterv(array.data(), counts.data(), offsets.data(), MPI_INT, chunk.data(),
                           static_cast<int>(chunk.size()), MPI_INT, 0, MPI_COMM_WORLD));
    job.say(chunk.empty() ? fmt::format("process = {} received nothing", rank)
                          : fmt::format("process = {} received {} items: {} .. {}", rank,
                                        chunk.size(), chunk.front(), chunk.back()));
    job.detail("chunk_size", chunk.size());

    // Verify: the chunk sizes each rank got, and the chunks gathered back in rank order.
    const int mine = static_cast<int>(chunk.size());
    std::vector<int> sizes(job.root() ? static_cast<std::size_t>(size) : 0);
    mpi::call(MPI_Gather(&mine, 1, MPI_INT, sizes.data(), 1, MPI_INT, 0, MPI_COMM_WORLD));
    std::vector<int> back(array.size());
    mpi::call(MPI_Gatherv(chunk.data(), mine, MPI_INT, back.data(), counts.data(), offsets.data(),
                          MPI_INT, 0, MPI_COMM_WORLD));
    if (!job.root())
        return;
    const auto [low, high] = std::minmax_element(sizes.begin(), sizes.end());
    ctx.check("chunk sizes differ by at most 1", *high - *low <= 1,
              fmt::format("sizes {}", fmt::join(sizes, " ")));
    ctx.check("the chunks in rank order make up the array", back == array);
    ctx.field("n", n);
}

void scatter(mpi::Job& job, Context& ctx) {
    if (ctx.flag("book-array") && job.size() != 10)
        throw UsageError(fmt::format("--book-array: expecting {} items, got 10", job.size()));
    if (ctx.flag("scatterv"))
        return scatter_chunks(job, ctx);
    scatter_one(job, ctx);
}

} // namespace

extern const Recipe mpi_scatter{
    .group = "mpi",
    .name = "scatter",
    .summary = "MPI_Scatter: element r of the root's array goes to rank r (or MPI_Scatterv)",
    .book = "Collective communication using scatter [book ch.3]",
    .options = {flag_option("book-array", "scatter the book's [1..10]: needs exactly 10 ranks"),
                flag_option("scatterv",
                            "split --n elements into near-equal chunks (MPI_Scatterv)")},
    .run = mpi::entry<scatter>,
    .uses = Uses::n,
    .defaults = {{"n", "10"}},
};

} // namespace parcook
