// processes/queue: "How to exchange objects between processes: using queue" [book ch.3].
// Shows: a FIFO between processes; a consumer slower than its producer lets the queue grow.
// The queue is a boost::interprocess::message_queue with a name unique to this run. The
// producer child puts --items seeded numbers in [0, 256], pausing --sleep after each and then
// printing the queue's size; the consumer child pauses 2 x --sleep before each get and --sleep
// after, as in the book. --joinable adds JoinableQueue's task_done()/join(): a count of
// unfinished items in shared memory, and the producer's join() returns only when the consumer
// has processed every item.
// Book issue: its consumer stops as soon as it sees the queue empty, which is a race (a consumer
// that looks before the first put quits at once). Here an end-of-stream message ends it.
#include "parcook/children.hpp"
#include "parcook/context.hpp"
#include "processes/support/segment.hpp"

#include <boost/interprocess/ipc/message_queue.hpp>
#include <boost/interprocess/managed_shared_memory.hpp>
#include <boost/interprocess/sync/interprocess_condition.hpp>
#include <boost/interprocess/sync/interprocess_mutex.hpp>
#include <boost/interprocess/sync/scoped_lock.hpp>
#include <boost/json/value_from.hpp>
#include <fmt/format.h>
#include <optional>
#include <random>
#include <thread>

namespace parcook {
namespace {
namespace ip = boost::interprocess;

constexpr std::int32_t end_of_stream = -1;
constexpr auto put_line = "Process Producer : item ";
constexpr auto got_line = "Process Consumer : item ";
constexpr auto size_line = "The size of queue is ";
constexpr auto join_line = "join() returned: every item was processed";

// JoinableQueue's count of unfinished items (--joinable), in shared memory beside the queue.
struct Unfinished {
    ip::interprocess_mutex mutex;
    ip::interprocess_condition none_left;
    int count = 0;
};

// The book's randint(0, 256), both ends included, from --seed.
std::vector<std::int32_t> items_of(std::uint64_t seed, std::int64_t items) {
    std::mt19937_64 gen(seed);
    std::uniform_int_distribution<std::int32_t> randint(0, 256);
    std::vector<std::int32_t> v(static_cast<std::size_t>(items));
    for (auto& x : v)
        x = randint(gen);
    return v;
}

// What the producer and the consumer are told.
struct ChildArgs {
    std::string queue;
    std::string joinable; // the shared memory with the unfinished count; "" when not joinable
    std::int64_t items;
    std::uint64_t seed;
    Duration sleep;
};

// In a child: the count of unfinished items, when the queue is joinable.
struct Joinable {
    std::optional<ip::managed_shared_memory> shm;
    Unfinished* unfinished = nullptr;
    explicit Joinable(const std::string& name) {
        if (name.empty())
            return;
        shm.emplace(ip::open_only, name.c_str());
        unfinished = shm->find<Unfinished>("unfinished").first;
    }
};

void produce(const ChildArgs& args, ip::message_queue& queue, Unfinished* unfinished) {
    const Duration sleep = args.sleep;
    for (std::int32_t item : items_of(args.seed, args.items)) {
        if (unfinished) {
            ip::scoped_lock lock(unfinished->mutex);
            ++unfinished->count;
        }
        queue.send(&item, sizeof item, 0);
        child_say("producer-1", fmt::format("{}{} appended to queue producer-1", put_line, item));
        std::this_thread::sleep_for(sleep);
        child_say("producer-1", fmt::format("{}{}", size_line, queue.get_num_msg()));
    }
    queue.send(&end_of_stream, sizeof end_of_stream, 0);
    if (unfinished) {
        ip::scoped_lock lock(unfinished->mutex);
        if (!unfinished->none_left.wait_for(lock, 4 * sleep * args.items + std::chrono::seconds(10),
                                            [&] { return unfinished->count == 0; })) {
            child_say("producer-1", "join() timed out: items were left unprocessed");
            throw ExitNow{3};
        }
        child_say("producer-1", join_line);
    }
}

void consume(const ChildArgs& args, ip::message_queue& queue, Unfinished* unfinished) {
    const Duration sleep = args.sleep;
    for (;;) {
        std::this_thread::sleep_for(2 * sleep);
        std::int32_t item = 0;
        ip::message_queue::size_type size = 0;
        unsigned priority = 0;
        const auto deadline =
            std::chrono::system_clock::now() + 2 * sleep + std::chrono::seconds(10);
        if (!queue.timed_receive(&item, sizeof item, size, priority, deadline)) {
            child_say("consumer-2", "nothing arrived in time");
            throw ExitNow{3};
        }
        if (item == end_of_stream)
            break;
        child_say("consumer-2", fmt::format("{}{} popped from by consumer-2", got_line, item));
        std::this_thread::sleep_for(sleep);
        if (unfinished) { // task_done()
            ip::scoped_lock lock(unfinished->mutex);
            if (--unfinished->count == 0)
                unfinished->none_left.notify_all();
        }
    }
    child_say("consumer-2", "end of stream: the queue is empty");
}

void producer(Context&, const ChildArgs& args) {
    ip::message_queue queue(ip::open_only, args.queue.c_str());
    Joinable joinable(args.joinable);
    produce(args, queue, joinable.unfinished);
}

void consumer(Context&, const ChildArgs& args) {
    ip::message_queue queue(ip::open_only, args.queue.c_str());
    Joinable joinable(args.joinable);
    consume(args, queue, joinable.unfinished);
}

// The numbers that follow `prefix` in the lines of `who`.
std::vector<std::int64_t> numbers(Context& ctx, std::string_view who, std::string_view prefix) {
    std::vector<std::int64_t> v;
    for (const TraceLine& line : ctx.result().trace)
        if (line.who == who && line.text.starts_with(prefix))
            v.push_back(std::stoll(line.text.substr(prefix.size())));
    return v;
}

// When the last line that starts with `prefix` was said, or -1.
double last_time(Context& ctx, std::string_view prefix) {
    double t = -1;
    for (const TraceLine& line : ctx.result().trace)
        if (line.text.starts_with(prefix))
            t = std::max(t, line.t);
    return t;
}

void run(Context& ctx) {
    const auto items = ctx.integer("items");
    const bool joinable = ctx.flag("joinable");

    // Every IPC object has a name unique to this run, and is removed on every exit path.
    IpcName queue_name("queue", [](const char* n) { ip::message_queue::remove(n); });
    ip::message_queue queue(ip::create_only, queue_name.c_str(),
                            static_cast<std::size_t>(items) + 1, sizeof(std::int32_t));
    std::optional<ManagedSegment> shm;
    if (joinable) {
        shm.emplace("joinable", 64 * 1024, "");
        shm->memory.construct<Unfinished>("unfinished")();
    }
    const ChildArgs args{queue_name.str(), joinable ? shm->name() : "", items, ctx.common().seed,
                         ctx.duration("sleep")};
    auto start = [&](std::string role, std::string who) {
        return Child(ctx, std::move(who), role_call(std::move(role), args));
    };
    Child producer_process = start("producer", "producer-1");
    Child consumer_process = start("consumer", "consumer-2");
    const int codes[] = {producer_process.wait(), consumer_process.wait()};

    const auto put = numbers(ctx, "producer-1", put_line);
    const auto got = numbers(ctx, "consumer-2", got_line);
    const auto sizes = numbers(ctx, "producer-1", size_line);
    const auto expected = items_of(ctx.common().seed, items);
    ctx.check(fmt::format("the consumer received exactly the {} produced values, in order, then "
                          "stopped",
                          items),
              static_cast<std::int64_t>(put.size()) == items && got == put &&
                  last_time(ctx, "end of stream") >= 0,
              fmt::format("{} put, {} got", put.size(), got.size()));
    ctx.check("the producer put the values drawn from --seed",
              std::equal(put.begin(), put.end(), expected.begin(), expected.end()));
    ctx.check(fmt::format("reported queue sizes stay within [0, {}]", items),
              std::all_of(sizes.begin(), sizes.end(),
                          [&](std::int64_t s) { return s >= 0 && s <= items; }),
              fmt::format("sizes {}", fmt::join(sizes, " ")));
    if (joinable) {
        const double joined = last_time(ctx, join_line), last_got = last_time(ctx, got_line);
        ctx.check("join() returned after the consumer processed the last item",
                  joined >= 0 && joined > last_got,
                  fmt::format("join at {:.4f} s, last get at {:.4f} s", joined, last_got));
    }
    ctx.check("producer and consumer exited with code 0", codes[0] == 0 && codes[1] == 0,
              fmt::format("exit codes {} {}", codes[0], codes[1]));
    ctx.param("items", items);
    ctx.param("joinable", joinable);
    ctx.field("values", boost::json::value_from(put));
    ctx.field("max_size", sizes.empty() ? 0 : *std::max_element(sizes.begin(), sizes.end()));
    boost::json::array names{queue_name.c_str()};
    if (joinable)
        names.emplace_back(shm->name().c_str());
    ctx.field("ipc", names);
}

} // namespace

extern const Recipe processes_queue{
    .group = "processes",
    .name = "queue",
    .summary = "a producer and a slower consumer process exchange items over a message queue",
    .book = "How to exchange objects between processes: using queue [book ch.3]",
    .options = {integer_option("items", 10, "how many items the producer puts", 1, 10000),
                duration_option("sleep", "1s",
                                "producer's pause after each put (the consumer "
                                "pauses twice this before each get, once after)"),
                flag_option("joinable", "JoinableQueue: task_done() per item, join() waits")},
    .run = run,
    .uses = Uses::seed,
    .tour_args = {"--sleep", "5ms", "--joinable"},
    .roles = {{"producer", producer}, {"consumer", consumer}},
};

} // namespace parcook
