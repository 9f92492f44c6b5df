// A task without co_spawn: what an asyncio Task is underneath, a coroutine whose next step the
// loop runs. A job's handle is posted to the io_context (as call_soon schedules a Task's step),
// `co_await async::yield_to(executor)` is asyncio.sleep(0), and the last job to finish resumes
// the gatherer. asio::co_spawn does more per task (a launcher frame, a cancellation slot, an
// awaitable thread, a completion handler); jobs cost one coroutine frame and two posts.
//
//   job<std::uint64_t> one(Executor ex, std::uint64_t i) { co_await yield_to(ex); co_return i; }
//   std::vector<std::uint64_t> values = co_await gather_jobs(ex, n, [&](std::size_t i) {
//       return one(ex, i); });
//
// Jobs may run on every thread that runs the loop; the first exception among them is rethrown
// to the gatherer once all have finished.
#pragma once
#include <atomic>
#include <boost/asio/async_result.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <coroutine>
#include <exception>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <vector>

namespace parcook::async {

namespace asio = boost::asio;
using Executor = asio::io_context::executor_type;

// What the jobs of one gather share: how many are still running, their values, the first
// exception, and how to resume the gatherer.
template <class T>
struct JobGroup {
    std::atomic<std::size_t> running;
    std::vector<T> values;
    std::once_flag failed;
    std::exception_ptr error;
    virtual void all_done() = 0;
    explicit JobGroup(std::size_t count) : running(count), values(count) {}
    virtual ~JobGroup() = default;
};

// Equal-sized blocks kept for reuse by the thread that freed them.
class FramePool {
public:
    void* take(std::size_t size) {
        if (size != size_ || free_.empty())
            return ::operator new(size);
        void* block = free_.back();
        free_.pop_back();
        return block;
    }
    void give(void* block, std::size_t size) {
        if (size_ == 0)
            size_ = size;
        if (size != size_)
            return ::operator delete(block, size);
        free_.push_back(block);
    }
    ~FramePool() {
        for (void* block : free_)
            ::operator delete(block, size_);
    }

private:
    std::size_t size_ = 0;
    std::vector<void*> free_;
};

inline FramePool& frame_pool() {
    thread_local FramePool pool;
    return pool;
}

template <class T>
struct job {
    using value_type = T;
    struct promise_type {
        JobGroup<T>* group = nullptr;
        std::size_t index = 0;

        job get_return_object() {
            return {std::coroutine_handle<promise_type>::from_promise(*this)};
        }
        std::suspend_always initial_suspend() noexcept { return {}; } // started by a post
        void return_value(T value) { group->values[index] = std::move(value); }
        void unhandled_exception() {
            std::call_once(group->failed, [this] { group->error = std::current_exception(); });
        }
        struct finish {
            bool await_ready() noexcept { return false; }
            void await_suspend(std::coroutine_handle<promise_type> self) noexcept {
                JobGroup<T>* group = self.promise().group;
                self.destroy();
                if (group->running.fetch_sub(1, std::memory_order_acq_rel) == 1)
                    group->all_done();
            }
            void await_resume() noexcept {}
        };
        finish final_suspend() noexcept { return {}; }

        // Frames come from a per-thread free list: n jobs in flight cost n frames once, then
        // none (asyncio keeps its Task objects on a free list too).
        static void* operator new(std::size_t size) { return frame_pool().take(size); }
        static void operator delete(void* frame, std::size_t size) {
            frame_pool().give(frame, size);
        }
    };
    std::coroutine_handle<promise_type> handle;
};

// The io_context the calling coroutine runs on (run_loop's loop).
inline asio::awaitable<Executor> current_loop() {
    const auto executor = co_await asio::this_coro::executor;
    if (const Executor* loop = executor.template target<Executor>())
        co_return *loop;
    throw std::logic_error("jobs run on an io_context's own executor");
}

// asyncio.sleep(0): the job's next step goes to the back of the loop's queue.
struct yield_to {
    Executor loop;
    bool await_ready() const noexcept { return false; }
    void await_suspend(std::coroutine_handle<> step) const {
        asio::post(loop, [step] { step.resume(); });
    }
    void await_resume() const noexcept {}
};

namespace detail {
template <class T, class Handler>
struct GatherState final : JobGroup<T> {
    Handler handler;
    std::shared_ptr<GatherState> self; // alive until the last job finishes
    GatherState(std::size_t count, Handler h) : JobGroup<T>(count), handler(std::move(h)) {}
    void all_done() override {
        auto keep = std::move(self);
        auto executor = asio::get_associated_executor(handler);
        asio::post(executor, [keep, h = std::move(handler)]() mutable {
            std::move(h)(keep->error, std::move(keep->values));
        });
    }
};
} // namespace detail

// asyncio.gather over `count` jobs make(0..count-1), each scheduled on `loop`; their values in
// order of index.
template <class Make>
auto gather_jobs(Executor loop, std::size_t count, Make make)
    -> asio::awaitable<std::vector<typename decltype(make(0))::value_type>> {
    using T = typename decltype(make(0))::value_type;
    if (count == 0)
        co_return std::vector<T>{};
    co_return co_await asio::async_initiate<decltype(asio::use_awaitable),
                                            void(std::exception_ptr, std::vector<T>)>(
        [&](auto handler) {
            using State = detail::GatherState<T, decltype(handler)>;
            auto state = std::make_shared<State>(count, std::move(handler));
            state->self = state;
            for (std::size_t i = 0; i < count; ++i) {
                auto started = make(i).handle;
                started.promise().group = state.get();
                started.promise().index = i;
                asio::post(loop, [started] { started.resume(); });
            }
        },
        asio::use_awaitable);
}

} // namespace parcook::async
