// A thread-safe FIFO in the spirit of Python's queue.Queue: put/get block, close() ends the
// stream (get returns nothing once closed and drained), task_done()/join() count finished items.
#pragma once
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <optional>

namespace parcook {

template <class T>
class BlockingQueue {
public:
    explicit BlockingQueue(std::size_t capacity = SIZE_MAX) : capacity_(capacity) {}

    // Blocks while full; returns false if the queue was closed.
    bool put(T item) {
        std::unique_lock lock(mutex_);
        not_full_.wait(lock, [&] { return closed_ || items_.size() < capacity_; });
        if (closed_)
            return false;
        items_.push_back(std::move(item));
        ++unfinished_;
        not_empty_.notify_one();
        return true;
    }

    // Blocks while empty; returns nothing once the queue is closed and drained.
    std::optional<T> get() {
        std::unique_lock lock(mutex_);
        not_empty_.wait(lock, [&] { return closed_ || !items_.empty(); });
        if (items_.empty())
            return std::nullopt;
        T item = std::move(items_.front());
        items_.pop_front();
        not_full_.notify_one();
        return item;
    }

    void close() {
        std::lock_guard lock(mutex_);
        closed_ = true;
        not_empty_.notify_all();
        not_full_.notify_all();
    }

    void task_done() {
        std::lock_guard lock(mutex_);
        if (--unfinished_ == 0)
            all_done_.notify_all();
    }

    // Blocks until every item put so far has been marked task_done().
    void join() {
        std::unique_lock lock(mutex_);
        all_done_.wait(lock, [&] { return unfinished_ == 0; });
    }

    std::size_t size() const {
        std::lock_guard lock(mutex_);
        return items_.size();
    }

private:
    mutable std::mutex mutex_;
    std::condition_variable not_empty_, not_full_, all_done_;
    std::deque<T> items_;
    std::size_t capacity_;
    std::size_t unfinished_ = 0;
    bool closed_ = false;
};

} // namespace parcook
