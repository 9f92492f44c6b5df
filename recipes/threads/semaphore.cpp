// threads/semaphore: "Thread synchronization with semaphores" [book ch.2].
// Shows: a semaphore initialised to 0 used as a signal. In each round a consumer announces that
// it waits and blocks in acquire(); a producer sleeps, writes the item, then release()s, which
// wakes the consumer. The item is a plain variable: release/acquire order the write before the
// read. `--deadlock` shows the text's other point: two semaphores of 1 (two mutexes) taken in
// opposite orders by two threads deadlock; try_acquire_for detects it instead of hanging.
// Deviations: the item comes from std::mt19937_64 seeded by --seed; the sleep is --sleep. The
// producer thread starts only after the consumer has said that it waits (the book relies on its
// 10 s sleep for that order), so the trace order holds for any --sleep, 0 included.
#include "parcook/context.hpp"

#include <atomic>
#include <boost/json/value_from.hpp>
#include <fmt/format.h>
#include <latch>
#include <random>
#include <semaphore>
#include <thread>

namespace parcook {
namespace {

void rounds(Context& ctx) {
    const auto rounds = static_cast<int>(ctx.integer("rounds"));
    const Duration sleep = ctx.duration("sleep");
    std::mt19937_64 rng(ctx.common().seed);
    std::uniform_int_distribution<int> item_dist(0, 1000); // randint(0, 1000): both ends

    std::vector<int> produced, consumed;
    for (int r = 0; r < rounds; ++r) {
        std::binary_semaphore item_ready{0};
        int item = -1; // written by the producer before release(), read after acquire()
        std::latch consumer_waits(1);
        std::jthread consumer([&] {
            ctx.say("consumer", "consumer is waiting.");
            consumer_waits.count_down();
            item_ready.acquire();
            consumed.push_back(item);
            ctx.say("consumer", fmt::format("Consumer notify : consumed item number {}", item));
        });
        consumer_waits.wait(); // the producer starts once the consumer has said that it waits
        std::jthread producer([&] {
            std::this_thread::sleep_for(sleep);
            item = item_dist(rng);
            produced.push_back(item);
            ctx.say("producer", fmt::format("producer notify : produced item number {}", item));
            item_ready.release();
        });
    } // both threads of a round are joined here, before the next round starts
    ctx.say("main", "program terminated");

    ctx.field("produced", boost::json::value_from(produced));
    ctx.field("consumed", boost::json::value_from(consumed));
    ctx.check("in every round the consumed number equals the produced one",
              consumed == produced && produced.size() == static_cast<std::size_t>(rounds),
              fmt::format("produced {}, consumed {}", fmt::join(produced, " "),
                          fmt::join(consumed, " ")));
    // The trace must be, round after round: waiting, produced X, consumed X.
    std::vector<std::string> expected, seen;
    for (int r = 0; r < rounds; ++r) {
        expected.push_back("consumer is waiting.");
        expected.push_back(fmt::format("producer notify : produced item number {}", produced[r]));
        expected.push_back(fmt::format("Consumer notify : consumed item number {}", produced[r]));
    }
    for (const TraceLine& line : ctx.result().trace)
        if (line.who != "main")
            seen.push_back(line.text);
    ctx.check("each round: \"consumer is waiting.\" before \"produced\" before \"consumed\"",
              seen == expected, fmt::format("trace: {}", fmt::join(seen, " | ")));
}

// Two threads each hold one semaphore and wait, bounded, for the other's: a deadlock. Neither
// can go on until one gives up at its timeout; the other may then get the semaphore it wanted.
void deadlock(Context& ctx) {
    const Duration timeout = ctx.duration("timeout");
    std::binary_semaphore first{1}, second{1};
    std::latch both_hold_one(2);
    std::atomic<int> timed_out{0};
    auto take = [&](const char* who, std::binary_semaphore& mine, std::binary_semaphore& other,
                    const char* mine_name, const char* other_name) {
        mine.acquire();
        ctx.say(who, fmt::format("acquired {}", mine_name));
        both_hold_one.arrive_and_wait(); // now each holds one and wants the other's
        if (other.try_acquire_for(timeout)) {
            ctx.say(who, fmt::format("acquired {} once the other thread gave up", other_name));
            other.release();
        } else {
            ++timed_out;
            ctx.say(who, fmt::format("waited {} for {}: deadlock, giving up",
                                     format_seconds(to_seconds(timeout)), other_name));
        }
        mine.release();
    };
    Stopwatch sw;
    {
        std::jthread a([&] { take("Thread-1", first, second, "semaphore A", "semaphore B"); });
        std::jthread b([&] { take("Thread-2", second, first, "semaphore B", "semaphore A"); });
    }
    const double seconds = sw.seconds();
    ctx.metric("demo_seconds", seconds, "s");
    ctx.field("timed_out", timed_out.load());
    ctx.check("--deadlock: detected, a thread timed out waiting for the other's semaphore",
              timed_out >= 1, fmt::format("{} of 2 timed out", timed_out.load()));
    ctx.check("--deadlock: detected within the timeout, no hang",
              seconds < 2 * to_seconds(timeout) + 1.0,
              fmt::format("took {:.3f} s for a {:.3f} s timeout", seconds, to_seconds(timeout)));
}

void run(Context& ctx) {
    ctx.flag("deadlock") ? deadlock(ctx) : rounds(ctx);
}

} // namespace

extern const Recipe threads_semaphore{
    .group = "threads",
    .name = "semaphore",
    .summary = "a semaphore of 0 as a signal from producer to consumer; --deadlock with two",
    .book = "Thread synchronization with semaphores [book ch.2]",
    .options = {integer_option("rounds", 5, "producer/consumer rounds", 1, 10000),
                duration_option("sleep", "10s", "producer's sleep before each item"),
                flag_option("deadlock", "two semaphores taken in opposite orders by two threads"),
                duration_option("timeout", "1s",
                                "--deadlock: how long a thread waits for the "
                                "second semaphore before reporting a deadlock")},
    .run = run,
    .uses = Uses::seed,
    .tour_args = {"--sleep", "20ms"},
};

} // namespace parcook
