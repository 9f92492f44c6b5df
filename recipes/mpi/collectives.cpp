// mpi/collectives: what the collectives of mpi/broadcast, scatter, gather, alltoall and reduce
// cost, over message sizes (bytes per rank; doubles for the reductions), as the OSU collective
// benchmarks time them.
// Shows: MPI_Bcast, MPI_Scatter, MPI_Gather, MPI_Alltoall, MPI_Reduce and MPI_Allreduce in a
// back-to-back loop after untimed warm-up calls, between a barrier and MPI_Wtime; the figure is
// the slowest rank's loop time per call. Back-to-back rooted collectives pipeline (the root need
// not wait for the others), so Bcast and Reduce can come out below a ping-pong latency. Each
// result is verified after its timed loop: the root's bytes everywhere, chunk r on rank r, the
// transpose, the closed-form sum. Oversubscribed runs (more ranks than cores) are slow: MPICH
// ranks busy-poll. Not in the book: a companion to its collective recipes.
#include "mpi/mpi.hpp"

#include <functional>

namespace parcook {
namespace {

// The byte rank `from` puts in its block for rank `to`.
unsigned char pattern(int from, int to) {
    return static_cast<unsigned char>(from * 31 + to * 7 + 1);
}

struct Buffers {
    std::vector<unsigned char> send, recv; // P blocks of n bytes
    std::vector<double> dsend, drecv;      // max(1, n / 8) doubles
};

struct Collective {
    std::string name;
    std::function<int(Buffers&, int n)> call;         // one call, returning MPI's code
    std::function<bool(const Buffers&, int n)> holds; // the result on this rank is right
};

// Does block `b` of `buf` hold `byte` everywhere?
bool block_is(const std::vector<unsigned char>& buf, int n, int b, unsigned char byte) {
    const auto begin = buf.begin() + static_cast<std::ptrdiff_t>(b) * n;
    return std::all_of(begin, begin + n, [&](unsigned char c) { return c == byte; });
}

std::vector<Collective> collectives(int rank, int p) {
    const MPI_Comm world = MPI_COMM_WORLD;
    const double sum = p * (p + 1) / 2.0; // the sum over ranks of rank+1
    auto sums = [=](const std::vector<double>& d) {
        for (std::size_t k = 0; k < d.size(); ++k)
            if (d[k] != sum * static_cast<double>(k % 7 + 1))
                return false;
        return true;
    };
    auto all_blocks = [=](const Buffers& b, int n, auto from) {
        for (int s = 0; s < p; ++s)
            if (!block_is(b.recv, n, s, pattern(from(s), rank)))
                return false;
        return true;
    };
    return {
        {"bcast",
         [=](Buffers& b, int n) {
             return MPI_Bcast(rank == 0 ? b.send.data() : b.recv.data(), n, MPI_BYTE, 0, world);
         },
         [=](const Buffers& b, int n) {
             return rank == 0 || block_is(b.recv, n, 0, pattern(0, 0));
         }},
        {"scatter",
         [=](Buffers& b, int n) {
             return MPI_Scatter(b.send.data(), n, MPI_BYTE, b.recv.data(), n, MPI_BYTE, 0, world);
         },
         [=](const Buffers& b, int n) { return block_is(b.recv, n, 0, pattern(0, rank)); }},
        {"gather",
         [=](Buffers& b, int n) { // each rank sends its block for rank 0
             return MPI_Gather(b.send.data(), n, MPI_BYTE, b.recv.data(), n, MPI_BYTE, 0, world);
         },
         [=](const Buffers& b, int n) {
             for (int s = 0; s < p && rank == 0; ++s)
                 if (!block_is(b.recv, n, s, pattern(s, 0)))
                     return false;
             return true;
         }},
        {"alltoall",
         [=](Buffers& b, int n) {
             return MPI_Alltoall(b.send.data(), n, MPI_BYTE, b.recv.data(), n, MPI_BYTE, world);
         },
         [=](const Buffers& b, int n) { return all_blocks(b, n, [](int s) { return s; }); }},
        {"reduce",
         [=](Buffers& b, int) {
             return MPI_Reduce(b.dsend.data(), b.drecv.data(), static_cast<int>(b.dsend.size()),
                               MPI_DOUBLE, MPI_SUM, 0, world);
         },
         [=](const Buffers& b, int) { return rank != 0 || sums(b.drecv); }},
        {"allreduce",
         [=](Buffers& b, int) {
             return MPI_Allreduce(b.dsend.data(), b.drecv.data(), static_cast<int>(b.dsend.size()),
                                  MPI_DOUBLE, MPI_SUM, world);
         },
         [=](const Buffers& b, int) { return sums(b.drecv); }},
    };
}

// Seconds per call: `iterations` calls after `warmup`, the slowest rank's loop.
double seconds_per_call(const Collective& c, Buffers& b, int n, std::int64_t iterations,
                        std::int64_t warmup) {
    for (std::int64_t i = 0; i < warmup; ++i)
        mpi::call(c.call(b, n));
    mpi::call(MPI_Barrier(MPI_COMM_WORLD));
    const double t0 = MPI_Wtime();
    for (std::int64_t i = 0; i < iterations; ++i)
        mpi::call(c.call(b, n));
    double mine = (MPI_Wtime() - t0) / static_cast<double>(iterations), slowest = 0;
    mpi::call(MPI_Allreduce(&mine, &slowest, 1, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD));
    return slowest;
}

void measure_all(mpi::Job& job, Context& ctx) {
    const std::vector<std::uint64_t> sizes =
        mpi::size_list(ctx.text("sizes"), "sizes", std::uint64_t{1} << 26);
    if (ctx.count("iterations") == 0)
        throw UsageError("--iterations: at least 1");
    const int rank = job.rank(), p = job.size();
    const std::uint64_t largest = *std::max_element(sizes.begin(), sizes.end());
    job.require_memory(2.5 * static_cast<double>(largest) * p, "sizes");

    boost::json::array table;
    for (const Collective& c : collectives(rank, p)) {
        bool right = true;
        for (const std::uint64_t bytes : sizes) {
            const int n = static_cast<int>(bytes);
            Buffers b{std::vector<unsigned char>(bytes * p), std::vector<unsigned char>(bytes * p),
                      std::vector<double>(std::max<std::uint64_t>(1, bytes / 8)),
                      std::vector<double>(std::max<std::uint64_t>(1, bytes / 8))};
            for (int to = 0; to < p; ++to)
                std::fill_n(b.send.begin() + static_cast<std::ptrdiff_t>(to) * n, n,
                            pattern(rank, to));
            for (std::size_t k = 0; k < b.dsend.size(); ++k)
                b.dsend[k] = (rank + 1) * static_cast<double>(k % 7 + 1);

            const bool large = bytes > 8192 && !ctx.given("iterations");
            const auto iterations =
                static_cast<std::int64_t>(ctx.count("iterations")) / (large ? 10 : 1);
            const auto warmup =
                static_cast<std::int64_t>(ctx.count("warmup-iterations")) / (large ? 10 : 1);
            const double seconds =
                seconds_per_call(c, b, n, std::max<std::int64_t>(iterations, 1), warmup);
            right = right && c.holds(b, n);
            if (job.root())
                job.say(fmt::format("{:<9} {:>7}  {:10.3f} us per call", c.name,
                                    mpi::size_label(bytes), seconds * 1e6));
            table.push_back({{"op", c.name}, {"bytes", bytes}, {"us", seconds * 1e6}});
            if (bytes == sizes.front())
                ctx.metric(fmt::format("{}_{}", c.name, mpi::size_label(bytes)), seconds * 1e6,
                           "us");
        }
        ctx.check(c.name + ": every rank holds the right result", right,
                  fmt::format("rank {} holds a wrong result", rank));
    }
    if (job.root())
        job.detail("results", std::move(table)); // the table: the record's ranks[0]
    ctx.param("iterations", ctx.count("iterations"));
    ctx.headline(fmt::format("allreduce_{}", mpi::size_label(sizes.front())));
}

} // namespace

extern const Recipe mpi_collectives{
    .group = "mpi",
    .name = "collectives",
    .summary = "time Bcast, Scatter, Gather, Alltoall, Reduce and Allreduce over message sizes",
    .book = "not in the book: times its collective recipes (OSU collective benchmarks style)",
    .options = {text_option("sizes", "8,1KiB,64KiB,1MiB", "bytes per rank, comma-separated"),
                count_option("iterations", "1000",
                             "timed calls per size (a tenth above 8 KiB unless given)"),
                count_option("warmup-iterations", "100", "untimed calls first (idem)")},
    .run = mpi::entry<measure_all>,
    .uses = Uses::none,
    .tour_args = {"--sizes", "8,1KiB", "--iterations", "50", "--warmup-iterations", "5"},
};

} // namespace parcook
