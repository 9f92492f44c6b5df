#include "parcook/team.hpp"

#include <pthread.h>
#include <sched.h>

namespace parcook {
namespace {

void pin_to_cpu(std::thread::native_handle_type handle, unsigned member) {
    const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(member % cores, &set);
    pthread_setaffinity_np(handle, sizeof set, &set); // best effort: a refusal only costs speed
}

} // namespace

Team::Team(unsigned size, bool pin) : size_(std::max(1u, size)) {
    if (pin)
        pin_to_cpu(pthread_self(), 0);
    for (unsigned m = 1; m < size_; ++m) {
        threads_.emplace_back([this, m] { work(m); });
        if (pin)
            pin_to_cpu(threads_.back().native_handle(), m);
    }
}

Team::~Team() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    start_.notify_all();
    threads_.clear(); // joins
    if (size_ > 1) {
        cpu_set_t all;
        CPU_ZERO(&all);
        for (unsigned c = 0; c < std::max(1u, std::thread::hardware_concurrency()); ++c)
            CPU_SET(c, &all);
        pthread_setaffinity_np(pthread_self(), sizeof all, &all);
    }
}

void Team::run(const std::function<void(unsigned)>& body) {
    {
        std::lock_guard lock(mutex_);
        body_ = &body;
        running_ = size_ - 1;
        error_ = nullptr;
        ++generation_;
    }
    start_.notify_all();
    try {
        body(0);
    } catch (...) {
        std::lock_guard lock(mutex_);
        if (!error_)
            error_ = std::current_exception();
    }
    std::unique_lock lock(mutex_);
    done_.wait(lock, [&] { return running_ == 0; });
    body_ = nullptr;
    if (error_)
        std::rethrow_exception(std::exchange(error_, nullptr));
}

void Team::work(unsigned member) {
    std::uint64_t seen = 0;
    for (;;) {
        const std::function<void(unsigned)>* body = nullptr;
        {
            std::unique_lock lock(mutex_);
            start_.wait(lock, [&] { return stopping_ || generation_ != seen; });
            if (stopping_)
                return;
            seen = generation_;
            body = body_;
        }
        try {
            (*body)(member);
        } catch (...) {
            std::lock_guard lock(mutex_);
            if (!error_)
                error_ = std::current_exception();
        }
        std::lock_guard lock(mutex_);
        if (--running_ == 0)
            done_.notify_one();
    }
}

} // namespace parcook
