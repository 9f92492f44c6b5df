// threads/event: "Thread synchronization with an event" [book ch.2].
// Shows: one thread signals, another wakes and takes the item. A producer appends random items
// to a list and sets an Event (mutex + condition variable + flag); the consumer waits for it.
// Default (fixed): the consumer clears the event *before* draining every item under the list's
// mutex, so a set() that comes while it drains leaves the flag up for its next wait: no signal
// is lost, and the producer's "done" ends the consumer. `--book-mode` keeps the book's logic:
// set() followed at once by clear(), a consumer that sleeps before each wait and pops one item
// (the newest). A signal given while the consumer is not blocked in wait() is lost, and items
// pile up: the recipe counts them. Deviations: the book's list is unsynchronized (here it has a
// mutex), and its consumer loops forever (here its waits are bounded and it stops when the
// producer has finished).
#include "parcook/context.hpp"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <fmt/format.h>
#include <mutex>
#include <random>
#include <thread>

namespace parcook {
namespace {

// threading.Event: a flag that threads can wait for.
class Event {
public:
    void set() {
        std::lock_guard lock(mutex_);
        flag_ = true;
        changed_.notify_all();
    }
    void clear() {
        std::lock_guard lock(mutex_);
        flag_ = false;
    }
    void wait() {
        std::unique_lock lock(mutex_);
        changed_.wait(lock, [&] { return flag_; });
    }
    // Returns whether the flag was seen set before the timeout.
    bool wait_for(Duration timeout) {
        std::unique_lock lock(mutex_);
        return changed_.wait_for(lock, timeout, [&] { return flag_; });
    }

private:
    std::mutex mutex_;
    std::condition_variable changed_;
    bool flag_ = false;
};

struct Shared {
    Event event;
    std::mutex mutex; // guards the list and `done`
    std::deque<int> list;
    bool done = false;
    std::vector<int> produced, consumed; // each written by one thread, read after the joins
    std::uint64_t wakeups = 0;           // consumer only
};

void produce(Context& ctx, Shared& s, std::uint64_t items, Duration period, bool book_mode) {
    std::mt19937_64 rng(ctx.common().seed);
    std::uniform_int_distribution<int> item_dist(0, 256); // randint(0, 256): both ends
    for (std::uint64_t i = 0; i < items; ++i) {
        std::this_thread::sleep_for(period);
        const int item = item_dist(rng);
        {
            std::lock_guard lock(s.mutex);
            s.list.push_back(item);
        }
        s.produced.push_back(item);
        ctx.say("producer", fmt::format("item N° {} appended to list by producer", item));
        s.event.set();
        if (book_mode) {
            ctx.say("producer", "event set by producer");
            s.event.clear(); // at once: a consumer not already waiting never sees this signal
            ctx.say("producer", "event cleared by producer");
        }
    }
    {
        std::lock_guard lock(s.mutex);
        s.done = true;
    }
    if (!book_mode)
        s.event.set(); // wakes the fixed consumer for its last drain
}

// Fixed: clear, then drain everything; stop once the producer is done and the list is empty.
void consume(Context& ctx, Shared& s) {
    for (bool done = false; !done;) {
        s.event.wait();
        ++s.wakeups;
        s.event.clear();
        std::lock_guard lock(s.mutex);
        for (; !s.list.empty(); s.list.pop_front()) {
            s.consumed.push_back(s.list.front());
            ctx.say("consumer", fmt::format("{} popped from list by consumer", s.list.front()));
        }
        done = s.done;
    }
}

// The book's consumer: sleep, wait, pop the newest item. Waits are bounded so it can stop.
void consume_book(Context& ctx, Shared& s, Duration period) {
    const Duration bound = 2 * period + std::chrono::milliseconds(10);
    for (;;) {
        std::this_thread::sleep_for(period);
        if (!s.event.wait_for(bound)) {
            std::lock_guard lock(s.mutex);
            if (s.done)
                return;
            continue;
        }
        ++s.wakeups;
        std::lock_guard lock(s.mutex);
        if (s.list.empty())
            continue;
        s.consumed.push_back(s.list.back());
        s.list.pop_back();
        ctx.say("consumer", fmt::format("{} popped from list by consumer", s.consumed.back()));
    }
}

void run(Context& ctx) {
    const std::uint64_t items = ctx.count("items");
    const Duration period = ctx.duration("period");
    const bool book_mode = ctx.flag("book-mode");
    if (items == 0)
        throw UsageError("--items: must be at least 1");
    Shared s;
    {
        std::jthread producer([&] { produce(ctx, s, items, period, book_mode); });
        std::jthread consumer([&] { book_mode ? consume_book(ctx, s, period) : consume(ctx, s); });
    } // both joined: the consumer stopped by itself

    const std::size_t left = s.list.size();
    ctx.field("produced", s.produced.size());
    ctx.field("consumed", s.consumed.size());
    ctx.field("left", left);
    ctx.say("main", fmt::format("{} produced, {} consumed, {} left in the list", s.produced.size(),
                                s.consumed.size(), left));

    std::vector<int> produced = s.produced, consumed = s.consumed;
    std::sort(produced.begin(), produced.end());
    std::sort(consumed.begin(), consumed.end());
    if (!book_mode) {
        ctx.check("consumed items == produced items (as multisets), consumer stopped by itself",
                  produced == consumed && produced.size() == items && left == 0,
                  fmt::format("produced {}, consumed {}, left {}", produced.size(), consumed.size(),
                              left));
        return;
    }
    const std::uint64_t missed = items - std::min(items, s.wakeups);
    ctx.say("main", fmt::format("{} of {} signals woke the consumer, {} were lost", s.wakeups,
                                items, missed));
    ctx.field("wakeups", s.wakeups);
    ctx.field("signals_missed", missed);
    ctx.check("--book-mode: every item accounted for (consumed + left == produced), terminated",
              s.consumed.size() + left == items && s.produced.size() == items,
              fmt::format("produced {}, consumed {}, left {}", s.produced.size(), s.consumed.size(),
                          left));
    ctx.check("--book-mode: lost wake-ups shown (items left unconsumed or signals missed)",
              left > 0 || missed > 0, fmt::format("{} left, {} signals missed", left, missed));
}

} // namespace

extern const Recipe threads_event{
    .group = "threads",
    .name = "event",
    .summary = "an Event signals items from producer to consumer; --book-mode loses wake-ups",
    .book = "Thread synchronization with an event [book ch.2]",
    .options = {count_option("items", "100", "items produced", 1'000'000),
                duration_option("period", "2s", "producer's (and book consumer's) sleep per item"),
                flag_option("book-mode", "set() then clear() at once, sleep-wait-pop consumer "
                                         "(loses wake-ups)")},
    .run = run,
    .uses = Uses::seed,
    .tour_args = {"--items", "10", "--period", "5ms"},
};

} // namespace parcook
