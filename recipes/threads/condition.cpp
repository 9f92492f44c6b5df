// threads/condition: "Thread synchronization with a condition" [book ch.2].
// Shows: a bounded buffer. A producer appends items (every --producer-period) and a consumer
// removes them (every --consumer-period, twice as slow in the book) through one mutex and two
// condition variables: the producer waits while the buffer is full ("stop the production!!"),
// the consumer while it is empty ("no item to consume"); each notifies the other after its
// change. Occupancy is recorded under the lock after every change.
// --book-if shows why the wait sits in a `while`: two producers wait with the book's `if` and
// the consumer wakes them with notify_all; both append after one free slot, so occupancy goes
// past the capacity. The run is bounded (every item is consumed) and checks that the overflow
// was seen.
// Deviations: predicate waits in a `while` (the book uses `if`, which breaks on spurious or
// stolen wake-ups: --book-if), and the append/notify sit outside the "full" branch (as printed,
// the book's producer never appends once it has waited: a deadlock).
#include "parcook/context.hpp"

#include <condition_variable>
#include <fmt/format.h>
#include <mutex>
#include <thread>
#include <vector>

namespace parcook {
namespace {

struct BoundedBuffer {
    explicit BoundedBuffer(std::size_t capacity) : capacity(capacity) {}
    const std::size_t capacity;
    std::mutex mutex;
    std::condition_variable not_full, not_empty;
    std::vector<std::uint64_t> items;
    // Observed under the lock after every change.
    std::size_t peak = 0, produced = 0, consumed = 0, producer_waits = 0, consumer_waits = 0;
    bool out_of_bounds = false;

    void observe() {
        peak = std::max(peak, items.size());
        out_of_bounds = out_of_bounds || items.size() > capacity;
    }
};

// book_if: wait at most once (the book's `if`), so a wake-up shared with another producer
// appends to a buffer that is full again.
void produce(Context& ctx, const std::string& who, BoundedBuffer& buf, std::uint64_t count,
             Duration period, bool book_if) {
    for (std::uint64_t i = 1; i <= count; ++i) {
        std::this_thread::sleep_for(period);
        std::unique_lock lock(buf.mutex);
        bool waited = false; // with book_if, the `while` acts as the book's `if`
        while (buf.items.size() >= buf.capacity && !(book_if && waited)) {
            ctx.say(who, fmt::format("items produced are {}", buf.items.size()));
            ctx.say(who, "stop the production!!");
            ++buf.producer_waits;
            buf.not_full.wait(lock);
            waited = true;
        }
        buf.items.push_back(i);
        ++buf.produced;
        buf.observe();
        ctx.say(who, fmt::format("total items produced {}", buf.items.size()));
        buf.not_empty.notify_one();
    }
}

void consume(Context& ctx, BoundedBuffer& buf, std::uint64_t count, Duration period,
             bool notify_all) {
    for (std::uint64_t i = 0; i < count; ++i) {
        std::this_thread::sleep_for(period);
        std::unique_lock lock(buf.mutex);
        while (buf.items.empty()) {
            ctx.say("consumer", "no item to consume");
            ++buf.consumer_waits;
            buf.not_empty.wait(lock);
        }
        buf.items.pop_back();
        ++buf.consumed;
        buf.observe();
        ctx.say("consumer", "consumed 1 item");
        ctx.say("consumer", fmt::format("items to consume are {}", buf.items.size()));
        notify_all ? buf.not_full.notify_all() : buf.not_full.notify_one();
    }
}

void run(Context& ctx) {
    const std::uint64_t items = ctx.count("items");
    const Duration producer_period = ctx.duration("producer-period");
    if (ctx.flag("book-if") && items <= static_cast<std::uint64_t>(ctx.integer("capacity")))
        throw UsageError("--book-if: needs --items above --capacity (the buffer must fill)");
    const bool book_if = ctx.flag("book-if");
    const unsigned producers = book_if ? 2 : 1;
    BoundedBuffer buf(static_cast<std::size_t>(ctx.integer("capacity")));
    {
        std::vector<std::jthread> threads;
        for (unsigned p = 1; p <= producers; ++p)
            threads.emplace_back([&, p] {
                produce(ctx, producers == 1 ? "producer" : fmt::format("producer-{}", p), buf,
                        items, producer_period, book_if);
            });
        threads.emplace_back([&] {
            consume(ctx, buf, producers * items, ctx.duration("consumer-period"), book_if);
        });
    }

    ctx.field("produced", buf.produced);
    ctx.field("consumed", buf.consumed);
    ctx.field("final_size", buf.items.size());
    ctx.field("peak", buf.peak);
    ctx.field("producer_waits", buf.producer_waits);
    ctx.field("consumer_waits", buf.consumer_waits);
    ctx.field("producers", producers);
    if (book_if)
        ctx.check("--book-if: the `if` let occupancy exceed the capacity (overflow shown)",
                  buf.out_of_bounds && buf.peak > buf.capacity,
                  fmt::format("peak {} for capacity {}", buf.peak, buf.capacity));
    else
        ctx.check("occupancy always within [0, capacity]",
                  !buf.out_of_bounds && buf.peak <= buf.capacity,
                  fmt::format("peak {} for capacity {}", buf.peak, buf.capacity));
    const std::uint64_t total = producers * items;
    ctx.check("all items produced and consumed, final size 0",
              buf.produced == total && buf.consumed == total && buf.items.empty(),
              fmt::format("produced {}, consumed {}, final size {} (items {})", buf.produced,
                          buf.consumed, buf.items.size(), total));
    // Only a producer with no period is sure to outrun the consumer and fill the buffer.
    if (!book_if && producer_period == Duration::zero() && items > buf.capacity)
        ctx.check("fast producer: occupancy reaches the capacity and the producer waits",
                  buf.peak == buf.capacity && buf.producer_waits > 0,
                  fmt::format("peak {} of {}, producer waited {} times", buf.peak, buf.capacity,
                              buf.producer_waits));
}

} // namespace

extern const Recipe threads_condition{
    .group = "threads",
    .name = "condition",
    .summary = "a bounded buffer with a mutex and two condition variables (producer/consumer)",
    .book = "Thread synchronization with a condition [book ch.2]",
    .options = {integer_option("capacity", 10, "buffer capacity", 1, 1'000'000),
                count_option("items", "20", "items produced and consumed", 10'000'000),
                duration_option("producer-period", "5s", "producer's sleep before each item"),
                duration_option("consumer-period", "10s", "consumer's sleep before each item"),
                flag_option("book-if", "two producers wait with the book's `if` and are woken "
                                       "with notify_all: the buffer overflows")},
    .run = run,
    .tour_args = {"--producer-period", "0", "--consumer-period", "5ms", "--items", "30"},
};

} // namespace parcook
