// A fixed team of threads that run one function together, like a parallel region: member 0 is
// the calling thread, members 1..n-1 are started once and reused, so timing a region measures
// the work and not thread creation.
#pragma once
#include "parcook/cpus.hpp"

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>
#include <utility>
#include <vector>

namespace parcook {

class Team {
public:
    // With `pin` (stable bandwidth figures), member m runs on the m-th CPU of the process's
    // affinity mask (modulo their number), never outside it; the destructor gives the calling
    // thread back exactly the mask it had.
    explicit Team(unsigned size, bool pin = true);
    ~Team();
    Team(const Team&) = delete;
    Team& operator=(const Team&) = delete;

    unsigned size() const { return size_; }
    // Runs body(member) on every member and returns when all have finished. Exceptions thrown
    // by a member are rethrown here (the first one).
    void run(const std::function<void(unsigned member)>& body);

private:
    void work(unsigned member);
    void stop_members(); // wakes every member to return, and joins them

    unsigned size_;
    std::vector<int> cpus_; // the usable CPUs when pinning, else empty
    std::optional<AffinityGuard> caller_affinity_;
    std::vector<std::jthread> threads_;
    std::mutex mutex_;
    std::condition_variable start_, done_;
    const std::function<void(unsigned)>* body_ = nullptr;
    std::uint64_t generation_ = 0;
    unsigned running_ = 0;
    bool stopping_ = false;
    std::exception_ptr error_;
};

// The contiguous block [begin, end) of `n` items owned by `member` of `parts`.
inline std::pair<std::uint64_t, std::uint64_t> block(std::uint64_t n, unsigned parts,
                                                     unsigned member) {
    const std::uint64_t base = n / parts, extra = n % parts;
    const std::uint64_t begin = member * base + std::min<std::uint64_t>(member, extra);
    return {begin, begin + base + (member < extra ? 1 : 0)};
}

} // namespace parcook
