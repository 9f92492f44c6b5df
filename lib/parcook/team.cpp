#include "parcook/team.hpp"

namespace parcook {

Team::Team(unsigned size, bool pin)
    : size_(std::max(1u, size)), cpus_(pin ? usable_cpus() : std::vector<int>{}) {
    if (pin)
        caller_affinity_.emplace();
    try {
        for (unsigned m = 1; m < size_; ++m)
            threads_.emplace_back([this, m] { work(m); });
    } catch (...) { // out of threads: stop the members already started before giving up
        stop_members();
        throw;
    }
    if (pin) // after starting the members: they inherit the whole mask and then pin themselves
        pin_to_usable_cpu(cpus_, 0);
}

Team::~Team() {
    stop_members(); // then caller_affinity_ restores the calling thread's mask
}

void Team::stop_members() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    start_.notify_all();
    threads_.clear(); // joins
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
    if (!cpus_.empty())
        pin_to_usable_cpu(cpus_, member);
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
