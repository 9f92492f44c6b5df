// An emulated CPython GIL for threads/perf and threads/gil-release. C++ has no interpreter lock,
// so to reproduce Python's picture we make one: a single global mutex that a thread holds while
// it "interprets", dropped around blocking calls and native work the way CPython's
// Py_BEGIN_ALLOW_THREADS / Py_END_ALLOW_THREADS drop it.
#pragma once
#include <mutex>

namespace parcook::gil {

// The one interpreter lock shared by every thread of the process.
inline std::mutex interpreter_lock;

// A thread running "Python code": holds the GIL for its lifetime when `enabled` (e.g. --gil),
// so what it does between acquisition and release is serialized across threads. With
// `enabled == false` it holds nothing, and the same code runs as plain C++.
class HoldGil {
public:
    explicit HoldGil(bool enabled = true) : lock_(interpreter_lock, std::defer_lock) {
        if (enabled)
            lock_.lock();
    }

private:
    friend class ReleaseGil;
    std::unique_lock<std::mutex> lock_;
};

// Py_BEGIN_ALLOW_THREADS ... Py_END_ALLOW_THREADS as a scope: releases a held GIL so other
// threads run meanwhile, and takes it back on leaving the scope (also when an exception leaves
// it). Does nothing when `held` does not hold the GIL.
class ReleaseGil {
public:
    explicit ReleaseGil(HoldGil& held) : lock_(held.lock_), released_(lock_.owns_lock()) {
        if (released_)
            lock_.unlock();
    }
    ~ReleaseGil() {
        if (released_)
            lock_.lock();
    }
    ReleaseGil(const ReleaseGil&) = delete;
    ReleaseGil& operator=(const ReleaseGil&) = delete;

private:
    std::unique_lock<std::mutex>& lock_;
    bool released_;
};

} // namespace parcook::gil
