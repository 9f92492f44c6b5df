// processes/vector-sum: the shared memory-bound workload c = a + b on worker processes
// (COOKBOOK section 4; ports the PyOpenCL vector sum).
// Shows: processes that share memory. a, b and c live in one POSIX shared-memory segment
// (Boost.Interprocess shared_memory_object + mapped_region) that the parent and every worker
// map (processes/support/segment.hpp). Each worker of the pool owns one contiguous block: during
// set-up it fills its part of a and b and first-touches its part of c; on every repetition it adds
// its block and returns a partial checksum through its pipe, and the parent checks c element by
// element at the end. Timing: the workers meet at a spin barrier in the segment so they start a
// repetition together, and each stamps the start and end of its kernel; a repetition takes max(end)
// - min(start). Starting the workers, mapping and first touch are set-up (setup_segment,
// pool_start, setup_fill), and the pipe round trip that starts a repetition is reported as
// round_trip.
#include "parcook/children.hpp"
#include "parcook/context.hpp"
#include "parcook/team.hpp"
#include "parcook/workloads.hpp"
#include "processes/pool.hpp"
#include "processes/support/segment.hpp"

#include <atomic>
#include <fmt/format.h>
#include <sched.h>
#include <thread>
#include <unistd.h>

namespace parcook {
namespace {
namespace bip = boost::interprocess;

// The segment: this header on the first page, then a, b and c, each starting on a page.
struct Header {
    std::atomic<std::uint32_t> arrived{0}, generation{0};
    std::uint32_t parties;
};
static_assert(std::atomic<std::uint32_t>::is_always_lock_free, "atomics across processes");

struct Layout {
    std::uint64_t a, b, c, size; // byte offsets and total size
};
Layout layout(std::uint64_t n) {
    const std::uint64_t page = 4096, array = (n * sizeof(std::int32_t) + page - 1) / page * page;
    return {page, page + array, page + 2 * array, page + 3 * array};
}

// Everything a worker needs to own its block (it travels through the pipe byte for byte).
struct Plan {
    char segment[128];
    std::uint64_t n, seed;
    workload::VectorOp op;
    std::uint32_t workers;
};

// A repetition as one worker saw it.
struct Pass {
    std::int64_t checksum, start_ns, end_ns;
};

// What a worker process keeps between tasks: its mapping and its block.
struct Mine {
    bip::mapped_region region;
    Header* header = nullptr;
    std::int32_t *a = nullptr, *b = nullptr, *c = nullptr;
    std::uint64_t begin = 0, end = 0;
    workload::VectorOp op{1, 1};
};
Mine mine;

std::int64_t now_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               Stopwatch::clock::now().time_since_epoch())
        .count();
}

// Every worker leaves together: the last to arrive opens the next generation. Waiting spins (the
// others are microseconds away), then yields the core so more workers than cores still progress.
void arrive_and_wait(Header& h) {
    const std::uint32_t generation = h.generation.load(std::memory_order_acquire);
    if (h.arrived.fetch_add(1, std::memory_order_acq_rel) + 1 == h.parties) {
        h.arrived.store(0, std::memory_order_relaxed);
        h.generation.store(generation + 1, std::memory_order_release);
        return;
    }
    Stopwatch waiting;
    for (unsigned spins = 0; h.generation.load(std::memory_order_acquire) == generation; ++spins) {
        if (spins < 10000)
            continue;
        std::this_thread::yield();
        if (waiting.seconds() > 10)
            throw std::runtime_error("barrier: a worker never arrived");
    }
}

// In a worker: stay on one core (as threads/vector-sum pins its threads), map the segment, and
// fill a and b and touch c over this worker's block, so its pages are placed near that core.
double prepare(Plan plan) {
    Stopwatch sw;
    cpu_set_t core;
    CPU_ZERO(&core);
    CPU_SET(pool::worker_index() % std::max(1u, std::thread::hardware_concurrency()), &core);
    ::sched_setaffinity(0, sizeof core, &core); // best effort: a refusal only costs speed
    mine.region = Segment::open(plan.segment);
    char* base = static_cast<char*>(mine.region.get_address());
    const Layout l = layout(plan.n);
    mine.header = reinterpret_cast<Header*>(base);
    mine.a = reinterpret_cast<std::int32_t*>(base + l.a);
    mine.b = reinterpret_cast<std::int32_t*>(base + l.b);
    mine.c = reinterpret_cast<std::int32_t*>(base + l.c);
    mine.op = plan.op;
    std::tie(mine.begin, mine.end) = block(plan.n, plan.workers, pool::worker_index());
    workload::vector_fill(plan.seed, mine.a, mine.b, mine.begin, mine.end);
    std::fill(mine.c + mine.begin, mine.c + mine.end, 0);
    return sw.seconds();
}

// In a worker: one repetition of c = op(a, b) over its block, started with the others.
Pass add(std::uint32_t /*repetition*/) {
    if (!mine.header)
        throw std::runtime_error("this worker holds no block (it replaced one that died)");
    arrive_and_wait(*mine.header);
    const std::int64_t start = now_ns();
    const std::int64_t sum =
        workload::vector_kernel(mine.op, mine.a, mine.b, mine.c, mine.begin, mine.end);
    return {sum, start, now_ns()};
}

const pool::Task tasks[] = {pool::task<prepare>(), pool::task<add>()};

void run(Context& ctx) {
    const std::uint64_t n = ctx.common().n;
    const Layout l = layout(n);
    require_shared_memory(static_cast<double>(l.size), "n");

    // Declared in this order so the workers are gone before the segment is removed.
    std::optional<Segment> segment;
    std::optional<ProcessPool> pool;
    Plan plan{{}, n, ctx.common().seed, workload::vector_op(ctx), ctx.common().workers};
    double segment_seconds = 0, fill_seconds = 0;
    ctx.setup([&] {
        Stopwatch sw;
        segment.emplace("vector-sum", l.size, "n"); // pages untouched: the workers place theirs
        fmt::format_to_n(plan.segment, sizeof plan.segment - 1, "{}", segment->name());
        new (segment->address()) Header{{0}, {0}, plan.workers};
        segment_seconds = sw.seconds();
        pool.emplace(ctx, tasks);
        sw.restart();
        pool->broadcast(prepare, plan);
        fill_seconds = sw.seconds();
    });

    // A pass's time is from the first worker's start to the last one's end (their clocks are one
    // system-wide steady clock); the round trip adds the pipes there and back.
    std::vector<double> round_trip;
    std::int64_t checksum = 0;
    unsigned pass = 0;
    try {
        ctx.measure_own([&] {
            Stopwatch sw;
            const std::vector<Pass> passes = pool->broadcast(add, pass++);
            round_trip.push_back(sw.seconds());
            std::int64_t first = INT64_MAX, last = INT64_MIN;
            checksum = 0;
            for (const Pass& p : passes) {
                first = std::min(first, p.start_ns);
                last = std::max(last, p.end_ns);
                checksum += p.checksum;
            }
            return static_cast<double>(last - first) * 1e-9;
        });
    } catch (const std::exception& e) { // a worker died or failed: its block has no sum
        ctx.check("every worker added its block", false, e.what());
        return;
    }
    round_trip.erase(round_trip.begin(), round_trip.begin() + ctx.common().warmup);
    ctx.metric("setup_segment", segment_seconds, "s");
    ctx.metric("pool_start", pool->start_seconds(), "s");
    ctx.metric("setup_fill", fill_seconds, "s");
    ctx.metric("round_trip", Stats::of(round_trip).median, "s");

    const auto* c = reinterpret_cast<const std::int32_t*>(segment->address() + l.c);
    workload::finish_vector_sum(ctx, {pool->size(), pool->size()}, c, checksum);
}

} // namespace

extern const Recipe processes_vector_sum = pool::with_worker_role<tasks>(workload::shared_recipe(
    workload::Shared::vector_sum, "processes",
    "c = a + b in shared memory, one block per worker process (memory-bound)", run, pool::options(),
    Uses::workers));

} // namespace parcook
