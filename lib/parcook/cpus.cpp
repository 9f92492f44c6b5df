#include "parcook/cpus.hpp"

#include <pthread.h>

namespace parcook {

std::vector<int> usable_cpus() {
    cpu_set_t set;
    CPU_ZERO(&set);
    std::vector<int> cpus;
    if (::pthread_getaffinity_np(::pthread_self(), sizeof set, &set) == 0)
        for (int c = 0; c < CPU_SETSIZE; ++c)
            if (CPU_ISSET(c, &set))
                cpus.push_back(c);
    if (cpus.empty())
        cpus.push_back(0);
    return cpus;
}

bool pin_to_usable_cpu(const std::vector<int>& cpus, unsigned k) {
    if (cpus.empty())
        return false;
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpus[k % cpus.size()], &set);
    return ::pthread_setaffinity_np(::pthread_self(), sizeof set, &set) == 0;
}

AffinityGuard::AffinityGuard()
    : valid_(::pthread_getaffinity_np(::pthread_self(), sizeof saved_, &saved_) == 0) {}

AffinityGuard::~AffinityGuard() {
    if (valid_)
        ::pthread_setaffinity_np(::pthread_self(), sizeof saved_, &saved_);
}

} // namespace parcook
