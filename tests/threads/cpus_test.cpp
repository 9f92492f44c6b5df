// usable_cpus, pinning and Team stay inside the process's affinity mask (taskset, cgroups) and
// Team gives the calling thread back exactly the mask it had.
#include "parcook/cpus.hpp"
#include "parcook/team.hpp"

#include <catch2/catch.hpp>
#include <mutex>
#include <pthread.h>

using parcook::usable_cpus;

namespace {

// Narrows the calling thread to `cpus` (what `taskset -c` does to a process) for the test's
// duration and puts the previous mask back afterwards.
struct Narrowed {
    parcook::AffinityGuard restore;
    explicit Narrowed(const std::vector<int>& cpus) {
        cpu_set_t set;
        CPU_ZERO(&set);
        for (int c : cpus)
            CPU_SET(c, &set);
        REQUIRE(::pthread_setaffinity_np(::pthread_self(), sizeof set, &set) == 0);
    }
};

// What each member of a pinned team of `size` may run on.
std::vector<std::vector<int>> members_cpus(unsigned size) {
    std::vector<std::vector<int>> seen(size);
    std::mutex m;
    parcook::Team team(size);
    team.run([&](unsigned member) {
        auto mine = usable_cpus();
        std::lock_guard lock(m);
        seen[member] = std::move(mine);
    });
    return seen;
}

} // namespace

TEST_CASE("cpus: usable_cpus is the calling thread's affinity mask") {
    cpu_set_t set;
    REQUIRE(::sched_getaffinity(0, sizeof set, &set) == 0);
    const auto cpus = usable_cpus();
    CHECK(cpus.size() == static_cast<std::size_t>(CPU_COUNT(&set)));
    for (int c : cpus)
        CHECK(CPU_ISSET(c, &set));
    CHECK(std::is_sorted(cpus.begin(), cpus.end()));
}

TEST_CASE("cpus: pin_to_usable_cpu takes the k-th usable CPU, k modulo their number") {
    const auto cpus = usable_cpus();
    parcook::AffinityGuard restore;
    for (unsigned k : {0u, 1u, static_cast<unsigned>(cpus.size()), 7u}) {
        REQUIRE(parcook::pin_to_usable_cpu(cpus, k));
        CHECK(usable_cpus() == std::vector<int>{cpus[k % cpus.size()]});
    }
}

TEST_CASE("cpus: under a one-CPU mask (taskset -c) a Team stays on it and leaves it as it was") {
    const int only = usable_cpus().back();
    Narrowed narrowed({only});
    for (unsigned size : {1u, 2u, 4u}) {
        for (const auto& cpus : members_cpus(size))
            CHECK(cpus == std::vector<int>{only});
        CHECK(usable_cpus() == std::vector<int>{only}); // not widened to every CPU
    }
}

TEST_CASE("cpus: a Team pins member m to the m-th usable CPU and restores the caller's mask") {
    const auto before = usable_cpus();
    std::vector<int> two{before.front(), before.back()};
    two.erase(std::unique(two.begin(), two.end()), two.end());
    Narrowed narrowed(two);
    const auto seen = members_cpus(3);
    for (unsigned m = 0; m < 3; ++m)
        CHECK(seen[m] == std::vector<int>{two[m % two.size()]});
    CHECK(usable_cpus() == two);
}
