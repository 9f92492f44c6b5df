// threads/queue: "Thread communication using a queue" [book ch.2].
// Shows: the queue does the locking. One producer (Thread-1) puts random items, sleeping
// --period between them; three consumers (Thread-2..4) take them and mark each task_done().
// The main thread's join() on the queue returns once every item put has been marked done; then
// it closes the queue, which ends the consumers (get() returns nothing on a closed, drained
// queue), and joins them. A consumer may print an item before the producer's "appended" line:
// the item is in the queue as soon as put() returns. Deviations: the book's consumers loop
// forever, so its program never ends; items come from std::mt19937_64 seeded by --seed.
#include "parcook/blocking_queue.hpp"
#include "parcook/context.hpp"

#include <algorithm>
#include <atomic>
#include <fmt/format.h>
#include <random>
#include <thread>

namespace parcook {
namespace {

void run(Context& ctx) {
    const std::uint64_t items = ctx.count("items");
    const auto consumers = static_cast<unsigned>(ctx.integer("consumers"));
    const Duration period = ctx.duration("period");

    BlockingQueue<int> queue;
    std::vector<int> produced;
    std::vector<std::vector<int>> consumed(consumers); // one list per consumer
    std::atomic<std::uint64_t> marked_done{0};
    std::atomic<unsigned> consumers_ended{0};

    std::vector<std::jthread> threads;
    threads.emplace_back([&] {
        std::mt19937_64 rng(ctx.common().seed);
        std::uniform_int_distribution<int> item_dist(0, 256); // randint(0, 256): both ends
        for (std::uint64_t i = 0; i < items; ++i) {
            const int item = item_dist(rng);
            produced.push_back(item);
            queue.put(item);
            ctx.say("Thread-1", fmt::format("item N°{} appended to queue by Thread-1", item));
            std::this_thread::sleep_for(period);
        }
    });
    for (unsigned k = 0; k < consumers; ++k) {
        threads.emplace_back([&, k, name = fmt::format("Thread-{}", k + 2)] {
            while (std::optional<int> item = queue.get()) {
                consumed[k].push_back(*item);
                ctx.say(name, fmt::format("{} popped from queue by {}", *item, name));
                ++marked_done; // counted before task_done(), so join() must see it
                queue.task_done();
            }
            ++consumers_ended;
        });
    }
    threads.front().join(); // the producer has put every item
    queue.join();           // ... and every item has been marked done
    const std::uint64_t done_at_join = marked_done.load();
    queue.close();
    threads.clear(); // joins the consumers
    ctx.say("main", fmt::format("queue joined after {} task_done() calls; {} consumers ended",
                                done_at_join, consumers_ended.load()));

    std::vector<int> all_consumed;
    boost::json::array per_consumer;
    for (const auto& list : consumed) {
        all_consumed.insert(all_consumed.end(), list.begin(), list.end());
        per_consumer.push_back(list.size());
    }
    ctx.field("produced", produced.size());
    ctx.field("consumed", all_consumed.size());
    ctx.field("per_consumer", per_consumer);
    ctx.field("task_done_at_join", done_at_join);
    ctx.field("consumers_ended", consumers_ended.load());

    std::vector<int> want = produced;
    std::sort(want.begin(), want.end());
    std::sort(all_consumed.begin(), all_consumed.end());
    ctx.check("consumed items == produced items (as multisets), each consumed exactly once",
              want == all_consumed && produced.size() == items,
              fmt::format("produced {}, consumed {}", produced.size(), all_consumed.size()));
    ctx.check("join() returned only after all task_done() calls", done_at_join == items,
              fmt::format("{} of {} marked done when join() returned", done_at_join, items));
    ctx.check("all threads ended", consumers_ended == consumers,
              fmt::format("{} of {} consumers ended", consumers_ended.load(), consumers));
}

} // namespace

extern const Recipe threads_queue{
    .group = "threads",
    .name = "queue",
    .summary = "one producer, three consumers and a blocking queue with task_done()/join()",
    .book = "Thread communication using a queue [book ch.2]",
    .options = {count_option("items", "10", "items the producer puts", 10'000'000),
                integer_option("consumers", 3, "consumer threads", 1, 256),
                duration_option("period", "1s", "producer's sleep after each item")},
    .run = run,
    .uses = Uses::seed,
    .tour_args = {"--period", "5ms"},
};

} // namespace parcook
