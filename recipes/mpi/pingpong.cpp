// mpi/pingpong: point-to-point latency and bandwidth between two ranks, as OSU Micro-Benchmarks
// define them (osu_latency, osu_bw), over a sweep of message sizes (0 B, then 1 B to 4 MiB).
// Shows: what one message costs. Latency is half the round trip of a blocking ping-pong (MPI_Send
// then MPI_Recv on rank 0, the mirror on rank 1); bandwidth is a window of MPI_Isend bursts (64
// messages in flight, then a small acknowledgement), which keeps the link busy as a streaming
// program would. The ping-pong's size / one-way time is also reported: it is lower, since a
// ping-pong leaves the link idle while each message turns around.
// Measurement: buffers are page-aligned (as OSU's), allocated and touched before timing; each timed
// loop holds nothing but MPI calls (each return code checked as it comes: a failed call ends the
// loop) between a barrier and MPI_Wtime; warm-up iterations are excluded; 1 MB = 1e6 bytes. The
// defaults match the reference C ping-pong (1000 warm-up and 10000 timed round trips, one-way =
// elapsed / (2 iterations)) and osu_bw (window 64, 10 warm-up and 100 timed bursts); above 8 KiB
// they run a tenth of the iterations, as OSU does, unless the counts are given. The slowest rank's
// time counts. Record: latency_8B (us), bandwidth_1MiB and pingpong_bandwidth_1MiB (MB/s) as
// metrics; the per-size table in the detail of rank 0 (ranks[0].sizes). Not in the book: a
// companion to mpi/p2p that answers "how fast".
#include "mpi/mpi.hpp"

#include <cstdlib>
#include <memory>
#include <span>

namespace parcook {
namespace {

constexpr std::uint64_t large_message = 8192;

// Half the round trip of `iterations` blocking ping-pongs of n bytes, after `warmup` untimed ones.
double one_way_seconds(char* buf, int n, int rank, std::int64_t iterations, std::int64_t warmup) {
    mpi::call(MPI_Barrier(MPI_COMM_WORLD));
    double t0 = 0;
    for (std::int64_t i = 0; i < warmup + iterations; ++i) {
        if (i == warmup) {
            mpi::call(MPI_Barrier(MPI_COMM_WORLD));
            t0 = MPI_Wtime();
        }
        if (rank == 0) {
            mpi::call(MPI_Send(buf, n, MPI_BYTE, 1, 0, MPI_COMM_WORLD));
            mpi::call(MPI_Recv(buf, n, MPI_BYTE, 1, 0, MPI_COMM_WORLD, MPI_STATUS_IGNORE));
        } else {
            mpi::call(MPI_Recv(buf, n, MPI_BYTE, 0, 0, MPI_COMM_WORLD, MPI_STATUS_IGNORE));
            mpi::call(MPI_Send(buf, n, MPI_BYTE, 0, 0, MPI_COMM_WORLD));
        }
    }
    return (MPI_Wtime() - t0) / (2.0 * static_cast<double>(iterations));
}

// Seconds for `iterations` windows of n-byte messages from rank 0 to rank 1, each acknowledged.
double window_seconds(char* buf, int n, int rank, std::vector<MPI_Request>& window,
                      std::int64_t iterations, std::int64_t warmup) {
    const int w = static_cast<int>(window.size());
    int ack = 0;
    mpi::call(MPI_Barrier(MPI_COMM_WORLD));
    double t0 = 0;
    for (std::int64_t i = 0; i < warmup + iterations; ++i) {
        if (i == warmup) {
            mpi::call(MPI_Barrier(MPI_COMM_WORLD));
            t0 = MPI_Wtime();
        }
        if (rank == 0) {
            for (int k = 0; k < w; ++k)
                mpi::call(MPI_Isend(buf, n, MPI_BYTE, 1, 1, MPI_COMM_WORLD, &window[k]));
            mpi::call(MPI_Waitall(w, window.data(), MPI_STATUSES_IGNORE));
            mpi::call(MPI_Recv(&ack, 1, MPI_INT, 1, 2, MPI_COMM_WORLD, MPI_STATUS_IGNORE));
        } else {
            for (int k = 0; k < w; ++k)
                mpi::call(MPI_Irecv(buf, n, MPI_BYTE, 0, 1, MPI_COMM_WORLD, &window[k]));
            mpi::call(MPI_Waitall(w, window.data(), MPI_STATUSES_IGNORE));
            mpi::call(MPI_Send(&ack, 1, MPI_INT, 0, 2, MPI_COMM_WORLD));
        }
    }
    return MPI_Wtime() - t0;
}

double slowest(double seconds) {
    double worst = 0;
    mpi::call(MPI_Allreduce(&seconds, &worst, 1, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD));
    return worst;
}

// The iteration count for a size: a tenth above 8 KiB unless the option was given.
std::int64_t count_for(const Context& ctx, std::string_view option, std::uint64_t bytes) {
    const auto v = static_cast<std::int64_t>(ctx.count(option));
    return bytes > large_message && !ctx.given(option) ? std::max<std::int64_t>(v / 10, 1) : v;
}

std::vector<std::uint64_t> sweep(const Context& ctx) {
    const std::uint64_t max = ctx.bytes("max-size");
    if (!ctx.text("sizes").empty())
        return mpi::size_list(ctx.text("sizes"), "sizes", INT32_MAX);
    std::vector<std::uint64_t> sizes{0};
    for (std::uint64_t s = 1; s <= max; s *= 2)
        sizes.push_back(s);
    return sizes;
}

void pingpong(mpi::Job& job, Context& ctx) {
    const std::vector<std::uint64_t> sizes = sweep(ctx);
    const bool sizes_given = !ctx.text("sizes").empty();
    for (const char* option : {"iterations", "bw-iterations", "window"})
        if (ctx.count(option) == 0)
            throw UsageError(fmt::format("--{}: at least 1", option));
    const int rank = job.rank();
    const std::uint64_t largest = *std::max_element(sizes.begin(), sizes.end());
    job.require_memory(static_cast<double>(largest), sizes_given ? "sizes" : "max-size");
    // Page-aligned as OSU's buffers are, allocated and touched up front.
    const std::size_t page = 4096,
                      length = std::max<std::size_t>(page, (largest + page - 1) / page * page);
    const std::unique_ptr<char, decltype(&std::free)> block(
        static_cast<char*>(std::aligned_alloc(page, length)), &std::free);
    if (!block)
        throw std::bad_alloc();
    const std::span<char> buffer(block.get(), length);
    std::fill(buffer.begin(), buffer.end(), rank == 0 ? 'p' : 'q');
    std::vector<MPI_Request> window(ctx.count("window"));

    boost::json::array table;
    bool intact = true, positive = true;
    for (std::size_t s = 0; s < sizes.size(); ++s) {
        const std::uint64_t bytes = sizes[s];
        const int n = static_cast<int>(bytes);
        // Rank 0 sends a pattern of its own for each size; rank 1 checks what arrived.
        const char pattern = static_cast<char>('a' + s % 26);
        auto refill = [&] { std::fill_n(buffer.begin(), n, rank == 0 ? pattern : '#'); };
        auto arrived = [&] {
            return std::all_of(buffer.begin(), buffer.begin() + n,
                               [&](char c) { return c == pattern; });
        };

        refill();
        const std::int64_t iterations = count_for(ctx, "iterations", bytes);
        const double one_way = slowest(one_way_seconds(buffer.data(), n, rank, iterations,
                                                       count_for(ctx, "warmup-iterations", bytes)));
        intact = intact && arrived();
        positive = positive && one_way > 0;
        boost::json::object row{
            {"bytes", bytes}, {"latency_us", one_way * 1e6}, {"iterations", iterations}};
        std::string line =
            fmt::format("{:>9}  latency {:9.3f} us", mpi::size_label(bytes), one_way * 1e6);
        if (bytes > 0) {
            refill();
            const std::int64_t bursts = count_for(ctx, "bw-iterations", bytes);
            const double elapsed =
                slowest(window_seconds(buffer.data(), n, rank, window, bursts,
                                       count_for(ctx, "bw-warmup-iterations", bytes)));
            intact = intact && arrived();
            positive = positive && elapsed > 0;
            const double bandwidth = static_cast<double>(bytes) *
                                     static_cast<double>(window.size()) *
                                     static_cast<double>(bursts) / elapsed / 1e6;
            const double pingpong_bandwidth = static_cast<double>(bytes) / one_way / 1e6;
            row["pingpong_MBps"] = pingpong_bandwidth;
            row["bandwidth_MBps"] = bandwidth;
            row["bw_iterations"] = bursts;
            line += fmt::format("  bandwidth {:9.1f} MB/s  (ping-pong {:9.1f} MB/s)", bandwidth,
                                pingpong_bandwidth);
            if (bytes == (1u << 20)) {
                ctx.metric("bandwidth_1MiB", bandwidth, "MB/s");
                ctx.metric("pingpong_bandwidth_1MiB", pingpong_bandwidth, "MB/s");
            }
        }
        if (bytes == 8) {
            ctx.metric("latency_8B", one_way * 1e6, "us");
            ctx.headline("latency_8B");
        }
        if (job.root())
            job.say(line);
        table.push_back(std::move(row));
    }
    ctx.check("every message arrived intact", intact,
              fmt::format("rank {} found other bytes than rank 0 sent", rank));
    ctx.check("every loop took a positive time", positive);
    ctx.param("window", window.size());
    ctx.param("iterations", ctx.count("iterations"));
    ctx.param("warmup_iterations", ctx.count("warmup-iterations"));
    if (job.root())
        job.detail("sizes", std::move(table)); // the per-size table: the record's ranks[0]
}

} // namespace

extern const Recipe mpi_pingpong{
    .group = "mpi",
    .name = "pingpong",
    .summary = "OSU-style latency (ping-pong) and bandwidth (windowed) over message sizes",
    .book = "not in the book: measures mpi/p2p's messages (OSU Micro-Benchmarks definitions)",
    .options = {bytes_option("max-size", "4MiB", "largest message of the sweep 0, 1, 2, 4, ...",
                             INT64_C(1) << 30),
                text_option("sizes", "",
                            "explicit message sizes instead of the sweep, e.g. 8,1MiB"),
                count_option("iterations", "10000",
                             "timed round trips per size (a tenth above 8 KiB unless given)"),
                count_option("warmup-iterations", "1000", "untimed round trips first (idem)"),
                count_option("window", "64", "messages in flight per bandwidth burst", 1 << 16),
                count_option("bw-iterations", "100", "timed bursts per size (idem)"),
                count_option("bw-warmup-iterations", "10", "untimed bursts first (idem)")},
    .run = mpi::entry<pingpong, mpi::exactly(2)>,
    .uses = Uses::none,
    .tour_args = {"--sizes", "8,1KiB", "--iterations", "50", "--warmup-iterations", "5",
                  "--bw-iterations", "3", "--bw-warmup-iterations", "1"},
};

} // namespace parcook
