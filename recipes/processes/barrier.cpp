// processes/barrier: "How to synchronize processes" [book ch.3].
// Shows: a barrier releases its parties together; processes outside it run on their own time.
// Children p1 and p2 wait at a two-party barrier, then, under a shared print lock, print
// "process <name> ----> <wall-clock time>"; p3 and p4 print at once. p1 arrives --skew late,
// so p2 waits for it and both are released at the same moment. --no-barrier lets p2 go ahead.
// Boost 1.81 has no interprocess barrier, so this one is built the classic way in shared memory
// (a managed_shared_memory segment named uniquely for this run): an interprocess_mutex, an
// interprocess_condition and a generation counter. All four children and the parent first meet
// at a five-party start barrier, so their clocks start together. Children write their arrival,
// release and print-lock times into the segment for the parent's checks.
// Book issue: the line starting p3 passes the barrier arguments to a function that takes none.
#include "parcook/children.hpp"
#include "parcook/context.hpp"
#include "processes/support/segment.hpp"

#include <boost/interprocess/managed_shared_memory.hpp>
#include <boost/interprocess/sync/interprocess_condition.hpp>
#include <boost/interprocess/sync/interprocess_mutex.hpp>
#include <boost/interprocess/sync/scoped_lock.hpp>
#include <fmt/chrono.h>
#include <fmt/format.h>
#include <thread>

namespace parcook {
namespace {
namespace ip = boost::interprocess;

// The last party to arrive starts a new generation and wakes the others; waiting on the
// generation (not on the count) makes the barrier reusable and immune to spurious wake-ups.
class ProcessBarrier {
public:
    explicit ProcessBarrier(unsigned parties) : parties_(parties) {}
    bool wait(Duration patience) { // false if the others did not come in time
        ip::scoped_lock lock(mutex_);
        const unsigned generation = generation_;
        if (++arrived_ == parties_) {
            arrived_ = 0;
            ++generation_;
            released_.notify_all();
            return true;
        }
        return released_.wait_for(lock, patience, [&] { return generation_ != generation; });
    }

private:
    ip::interprocess_mutex mutex_;
    ip::interprocess_condition released_;
    const unsigned parties_;
    unsigned arrived_ = 0, generation_ = 0;
};

constexpr int children = 4;                         // p1 .. p4; p1 and p2 meet at the barrier
constexpr auto patience = std::chrono::seconds(10); // no wait here may hang

struct Shared {
    ProcessBarrier start{children + 1}; // the children and the parent
    ProcessBarrier barrier{2};          // p1 and p2
    ip::interprocess_mutex print_lock;
    // Steady-clock nanoseconds, one slot per child.
    std::int64_t arrived[children] = {}, released[children] = {};
    std::int64_t lock_from[children] = {}, lock_to[children] = {};
};

std::int64_t now_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               Stopwatch::clock::now().time_since_epoch())
        .count();
}

struct PartyArgs {
    std::uint32_t index; // p1 is 0
    std::string shm;     // the segment's name
    Duration skew;
    bool use_barrier;
};

void party(Context&, const PartyArgs& args) {
    const std::size_t i = args.index;
    const std::string name = fmt::format("p{}", i + 1);
    ip::managed_shared_memory shm(ip::open_only, args.shm.c_str());
    Shared& s = *shm.find<Shared>("shared").first;
    if (!s.start.wait(patience))
        throw ExitNow{3};
    if (i == 0)
        std::this_thread::sleep_for(args.skew);
    s.arrived[i] = now_ns();
    if (i < 2 && args.use_barrier && !s.barrier.wait(patience))
        throw ExitNow{3};
    s.released[i] = now_ns();
    const auto wall = std::chrono::system_clock::now(); // the book prints datetime.now()
    const auto micros =
        std::chrono::duration_cast<std::chrono::microseconds>(wall.time_since_epoch()).count() %
        1000000;
    ip::scoped_lock lock(s.print_lock);
    s.lock_from[i] = now_ns();
    child_say(name, fmt::format("process {} ----> {:%H:%M:%S}.{:06}", name,
                                std::chrono::floor<std::chrono::seconds>(wall), micros));
    s.lock_to[i] = now_ns();
}

void run(Context& ctx) {
    const Duration skew = ctx.duration("skew"), tolerance = ctx.duration("tolerance");
    const bool use_barrier = !ctx.flag("no-barrier");
    if (skew <= 2 * tolerance)
        throw UsageError("--skew: must be more than twice --tolerance, or the checks cannot "
                         "tell a barrier from none");

    ManagedSegment shm("barrier", 64 * 1024, "");
    Shared& s = *shm.memory.construct<Shared>("shared")();
    std::vector<Child> parties;
    for (std::uint32_t i = 0; i < children; ++i)
        parties.emplace_back(ctx, fmt::format("p{}", i + 1),
                             role_call("party", PartyArgs{i, shm.name(), skew, use_barrier}));
    const bool started = s.start.wait(patience);
    std::vector<int> codes;
    for (Child& c : parties)
        codes.push_back(c.wait());
    ctx.check("all children met the parent at the start barrier", started);
    ctx.check("every child exited with code 0",
              std::all_of(codes.begin(), codes.end(), [](int c) { return c == 0; }),
              fmt::format("exit codes {}", fmt::join(codes, " ")));

    // Times in milliseconds, to the microsecond, after the start barrier opened (the earliest
    // arrival of p2..p4).
    const std::int64_t origin = *std::min_element(s.arrived + 1, s.arrived + children);
    auto ms = [&](std::int64_t ns) { return static_cast<double>((ns - origin) / 1000) / 1e3; };
    const double tol = to_seconds(tolerance) * 1e3, skew_ms = to_seconds(skew) * 1e3;
    const double a1 = ms(s.arrived[0]), r1 = ms(s.released[0]), r2 = ms(s.released[1]);
    const std::string times = fmt::format("p1 arrived {:.3f} ms; released p1 {:.3f}, p2 {:.3f}, "
                                          "p3 {:.3f}, p4 {:.3f} ms",
                                          a1, r1, r2, ms(s.released[2]), ms(s.released[3]));
    if (use_barrier) {
        ctx.check(fmt::format("p1 and p2 are released together (within {} ms)", tol),
                  std::abs(r1 - r2) < tol, times);
        ctx.check("p1 and p2 are released only after p1 arrived", r1 >= a1 && r2 >= a1, times);
    } else {
        ctx.check(fmt::format("without the barrier p2 does not wait: p1 is stamped at least the "
                              "skew ({} ms, less {} ms) later",
                              skew_ms, tol),
                  r1 - r2 >= skew_ms - tol, times);
    }
    ctx.check("p3 and p4 run on their own time: released before p1 arrived",
              ms(s.released[2]) < a1 && ms(s.released[3]) < a1, times);
    std::vector<std::pair<std::int64_t, std::int64_t>> held;
    for (int i = 0; i < children; ++i)
        held.emplace_back(s.lock_from[i], s.lock_to[i]);
    std::sort(held.begin(), held.end());
    bool apart = true;
    for (std::size_t i = 1; i < held.size(); ++i)
        apart = apart && held[i].first >= held[i - 1].second;
    ctx.check("output lines never interleave: the print lock was held by one process at a time",
              apart && ctx.result().trace.size() == children);
    ctx.param("skew_ms", skew_ms);
    ctx.param("barrier", use_barrier);
    ctx.field("p1_arrived_ms", a1);
    ctx.field("released_ms", boost::json::array{r1, r2, ms(s.released[2]), ms(s.released[3])});
    ctx.field("ipc", boost::json::array{shm.name().c_str()});
    ctx.metric("release_gap", std::abs(r1 - r2) * 1e3, "us");
}

} // namespace

extern const Recipe processes_barrier{
    .group = "processes",
    .name = "barrier",
    .summary = "two processes meet at a shared-memory barrier; two others run freely",
    .book = "How to synchronize processes [book ch.3]",
    .options = {duration_option("skew", "200ms", "how late p1 reaches the barrier"),
                duration_option("tolerance", "5ms",
                                "largest gap allowed between p1's and "
                                "p2's release",
                                std::chrono::microseconds(1)),
                flag_option("no-barrier", "p1 and p2 do not wait for each other")},
    .run = run,
    .roles = {{"party", party}},
};

} // namespace parcook
