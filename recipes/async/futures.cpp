// async/futures: "Dealing with Asyncio and Futures" [book ch.4].
// Shows: a future carries a result that is set later; callbacks added to it run when it
// completes, and the completion order follows the work. Two coroutines run on one loop: the
// first sums 1..N1 waiting --d1 per step, the second computes N2! waiting --d2 per step (from 2
// to N2); each sets its future's result, and each future has one done-callback that prints it.
// Future<T> below is asyncio.Future bound to one loop: set_result, set_exception and cancel
// complete it once; a done-callback runs exactly once, posted to the loop, never inside the
// setter. --fail: the first coroutine fails and its future carries the exception;
// --cancel: the second future is cancelled mid-way (its callback sees that), and its coroutine
// stops. Deviations: the book's explanation swaps the two delays and its sample orders
// contradict its code: the order here follows the code (total delays N1*d1 and (N2-1)*d2).
#include "async/support/loop.hpp"

#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/post.hpp>
#include <fmt/format.h>
#include <functional>

namespace parcook {
namespace {

namespace asio = boost::asio;
using namespace boost::asio::experimental::awaitable_operators;
using async::task;

template <class T>
class Future {
public:
    explicit Future(asio::any_io_executor loop) : loop_(std::move(loop)) {}

    void set_result(T value) {
        complete([&] { value_ = std::move(value); });
    }
    void set_exception(std::exception_ptr error) {
        complete([&] { error_ = error; });
    }
    void cancel() {
        complete([&] { cancelled_ = true; });
    }
    bool done() const { return done_; }
    bool cancelled() const { return cancelled_; }
    // The value; rethrows the exception; CancelledError (operation_aborted) if cancelled.
    const T& result() const {
        if (cancelled_)
            throw boost::system::system_error(asio::error::operation_aborted);
        if (error_)
            std::rethrow_exception(error_);
        return *value_;
    }
    void add_done_callback(std::function<void(const Future&)> callback) {
        if (done_)
            asio::post(loop_, [this, callback] { callback(*this); });
        else
            callbacks_.push_back(std::move(callback));
    }

private:
    template <class F>
    void complete(F&& store) {
        if (done_)
            throw std::logic_error("InvalidStateError: the future is already done");
        store();
        done_ = true;
        for (auto& callback : callbacks_)
            asio::post(loop_, [this, callback = std::move(callback)] { callback(*this); });
        callbacks_.clear();
    }

    asio::any_io_executor loop_;
    std::optional<T> value_;
    std::exception_ptr error_;
    bool cancelled_ = false, done_ = false;
    std::vector<std::function<void(const Future&)>> callbacks_;
};

task<> first_coroutine(Future<std::string>& future, std::uint64_t n, Duration d, bool fail) {
    std::uint64_t sum = 0;
    for (std::uint64_t i = 1; i <= n; ++i) {
        sum += i;
        co_await async::sleep(d);
    }
    if (fail)
        future.set_exception(std::make_exception_ptr(std::runtime_error("first coroutine failed")));
    else
        future.set_result(fmt::format("first coroutine (sum of N integers) result = {}", sum));
}

task<> second_coroutine(Future<std::string>& future, std::uint64_t n, Duration d) {
    std::uint64_t factorial = 1;
    for (std::uint64_t i = 2; i <= n; ++i) {
        factorial *= i;
        co_await async::sleep(d);
        if (future.cancelled()) // nobody wants the result any more
            co_return;
    }
    future.set_result(fmt::format("second coroutine (factorial) result = {}", factorial));
}

struct Callback {
    std::string future, outcome, thread;
};

void run(Context& ctx) {
    const std::uint64_t n1 = ctx.count("n1"), n2 = ctx.count("n2");
    const Duration d1 = ctx.duration("d1"), d2 = ctx.duration("d2");
    const bool fail = ctx.flag("fail"), cancel = ctx.flag("cancel");
    std::vector<Callback> calls;
    std::string loop_thread;
    async::run_loop([&]() -> task<> {
        auto ex = co_await asio::this_coro::executor;
        loop_thread = async::thread_name();
        Future<std::string> future1(ex), future2(ex);
        auto got_result = [&](std::string name) {
            return [&, name](const Future<std::string>& f) {
                std::string outcome;
                try {
                    outcome = f.result();
                } catch (const boost::system::system_error& e) {
                    outcome = e.code() == asio::error::operation_aborted ? "cancelled" : e.what();
                } catch (const std::exception& e) {
                    outcome = fmt::format("exception: {}", e.what());
                }
                ctx.say(name, outcome);
                calls.push_back({name, outcome, async::thread_name()});
            };
        };
        future1.add_done_callback(got_result("future1"));
        future2.add_done_callback(got_result("future2"));
        auto canceller = [&]() -> task<> {
            if (!cancel)
                co_return;
            co_await async::sleep(d2 / 2); // before the second coroutine's first step ends
            future2.cancel();
        };
        // run_until_complete(wait([...])): both coroutines run concurrently to their end
        co_await (first_coroutine(future1, n1, d1, fail) && second_coroutine(future2, n2, d2) &&
                  canceller());
        co_await asio::post(ex, asio::use_awaitable); // the callbacks posted last have run
    });

    std::uint64_t sum = n1 * (n1 + 1) / 2, factorial = 1;
    for (std::uint64_t i = 2; i <= n2; ++i)
        factorial *= i;
    auto outcome_of = [&](const std::string& name) {
        std::size_t times = 0;
        std::string outcome;
        for (const Callback& c : calls)
            if (c.future == name) {
                ++times;
                outcome = c.outcome;
            }
        return std::pair(times, outcome);
    };
    const auto [times1, outcome1] = outcome_of("future1");
    const auto [times2, outcome2] = outcome_of("future2");
    ctx.check("each done-callback ran exactly once", times1 == 1 && times2 == 1,
              fmt::format("future1 {} times, future2 {} times", times1, times2));
    ctx.check("every callback ran on the loop thread",
              std::all_of(calls.begin(), calls.end(),
                          [&](const Callback& c) { return c.thread == loop_thread; }));
    ctx.check(fail ? "future1 carries the first coroutine's exception"
                   : fmt::format("sum of 1..{} = {}", n1, sum),
              fail ? outcome1 == "exception: first coroutine failed"
                   : outcome1.ends_with(fmt::format("result = {}", sum)),
              outcome1);
    ctx.check(cancel ? "future2 was cancelled" : fmt::format("{}! = {}", n2, factorial),
              cancel ? outcome2 == "cancelled"
                     : outcome2.ends_with(fmt::format("result = {}", factorial)),
              outcome2);
    const auto total1 = d1 * n1, total2 = d2 * (n2 - 1);
    if (!cancel && total1 != total2) {
        const std::string sooner = total1 < total2 ? "future1" : "future2";
        ctx.check("the callbacks fire in the order of the total delays (N1 x d1, (N2-1) x d2)",
                  calls.size() == 2 && calls[0].future == sooner,
                  fmt::format("{} first", calls.empty() ? "none" : calls[0].future));
    }
    ctx.field("first", outcome1.c_str());
    ctx.field("second", outcome2.c_str());
}

} // namespace

extern const Recipe async_futures{
    .group = "async",
    .name = "futures",
    .summary = "two futures set by two coroutines; done-callbacks fire in order of completion",
    .book = "Dealing with Asyncio and Futures [book ch.4]",
    .options = {positional(
                    count_option("n1", "5", "N1: the first coroutine sums 1..N1", 1'000'000, 1)),
                positional(count_option("n2", "5", "N2: the second computes N2! (2..20)", 20, 2)),
                duration_option("d1", "4s", "the first coroutine's wait per step"),
                duration_option("d2", "3s", "the second coroutine's wait per step"),
                flag_option("fail", "the first coroutine fails: its future holds the exception"),
                flag_option("cancel", "the second future is cancelled before it is done")},
    .run = run,
    .tour_args = {"--d1", "20ms", "--d2", "15ms"},
};

} // namespace parcook
