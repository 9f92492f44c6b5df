// Python's threading.Thread for the threads recipes: named threads over std::jthread.
//
//   this_thread_name()      the calling thread's name: "MainThread" for the process's main
//                           thread, the Thread's name inside a Thread, "Dummy-<n>" elsewhere
//                           (Python's names for threads it did not start).
//   default_thread_name()   the next "Thread-<n>" (n = 1, 2, ... per process, as in Python).
//   Thread                  Thread(name, target) then start() and join(), like Python's Thread;
//                           subclasses override run(). An empty name takes the default name.
//                           Not copyable or movable: keep Threads in a deque, or by pointer.
//
// Inside a Thread, this_thread_name() is set before run() starts, and the OS thread name is
// set too (pthread_setname_np, first 15 characters) so debuggers and `top -H` show it.
// run() receives the jthread's std::stop_token: request_stop() asks it to finish early.
// An exception that escapes run() is rethrown by join().
//
// Two rules, because a derived class's run() lives in the derived part of the object:
//   - never call start() from a constructor (the derived run() does not exist yet);
//   - call join() before the object is destroyed: the destructor also stops and joins (it is a
//     jthread), but by then the derived part, which run() may still use, is already gone.
#pragma once
#include <atomic>
#include <exception>
#include <functional>
#include <pthread.h>
#include <stdexcept>
#include <stop_token>
#include <string>
#include <thread>
#include <unistd.h>
#include <utility>

namespace parcook::threads {

inline std::string default_thread_name() {
    static std::atomic<unsigned> created{0};
    return "Thread-" + std::to_string(++created);
}

namespace detail {
inline std::string& name_of_this_thread() {
    static std::atomic<unsigned> dummies{0};
    thread_local std::string name =
        ::gettid() == ::getpid() ? "MainThread" : "Dummy-" + std::to_string(++dummies);
    return name;
}
} // namespace detail

inline const std::string& this_thread_name() {
    return detail::name_of_this_thread();
}

class Thread {
public:
    using Target = std::function<void(std::stop_token)>;

    explicit Thread(std::string name = {}, Target target = {})
        : name_(name.empty() ? default_thread_name() : std::move(name)),
          target_(std::move(target)) {}
    Thread(const Thread&) = delete;
    Thread& operator=(const Thread&) = delete;
    virtual ~Thread() = default;

    const std::string& name() const { return name_; }

    void start() {
        if (thread_.joinable())
            throw std::logic_error("Thread::start: " + name_ + " is running");
        thread_ = std::jthread([this](std::stop_token stop) {
            detail::name_of_this_thread() = name_;
            ::pthread_setname_np(::pthread_self(), name_.substr(0, 15).c_str());
            try {
                run(std::move(stop));
            } catch (...) {
                error_ = std::current_exception();
            }
        });
    }
    void request_stop() { thread_.request_stop(); }
    void join() {
        thread_.join();
        if (error_)
            std::rethrow_exception(std::exchange(error_, nullptr));
    }

protected:
    // What the thread does; by default it calls the target given to the constructor.
    virtual void run(std::stop_token stop) {
        if (target_)
            target_(std::move(stop));
    }

private:
    std::string name_;
    Target target_;
    std::exception_ptr error_; // written by the thread, read after join()
    std::jthread thread_;      // last member: destroyed (joined) first
};

} // namespace parcook::threads
