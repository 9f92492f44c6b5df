// The CPUs this process may run on (its affinity mask, as narrowed by taskset or a cgroup
// cpuset) and pinning a thread to one of them, so that a pinned team never leaves the mask.
#pragma once
#include <sched.h>
#include <vector>

namespace parcook {

// The CPU numbers in the calling thread's affinity mask, ascending: before any pinning, the
// process's mask (a new thread inherits its creator's). Never empty: {0} if the kernel refuses.
std::vector<int> usable_cpus();

// Pins the calling thread to cpus[k % cpus.size()] (cpus from usable_cpus()). Returns false when
// the kernel refused, which only costs speed.
bool pin_to_usable_cpu(const std::vector<int>& cpus, unsigned k);

// The calling thread's affinity mask, saved on construction and put back exactly on destruction.
class AffinityGuard {
public:
    AffinityGuard();
    ~AffinityGuard();
    AffinityGuard(const AffinityGuard&) = delete;
    AffinityGuard& operator=(const AffinityGuard&) = delete;

private:
    cpu_set_t saved_;
    bool valid_;
};

} // namespace parcook
