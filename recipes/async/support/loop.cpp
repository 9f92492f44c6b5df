#include "async/support/loop.hpp"

#include <atomic>
#include <fmt/format.h>
#include <memory>
#include <mutex>

namespace parcook::async {

std::string thread_name() {
    static std::atomic<unsigned> next{1};
    thread_local const unsigned id = next++;
    return fmt::format("thread {}", id);
}

void with_loop_team(unsigned threads, const std::function<void(unsigned)>& body) {
    static std::mutex one_loop;
    static std::unique_ptr<Team> team;
    std::lock_guard lock(one_loop);
    const AffinityGuard caller; // its own mask again after the loop
    if (team && team->size() == threads)
        pin_to_usable_cpu(usable_cpus(), 0); // as the team's constructor pinned it
    else {
        team.reset();
        team = std::make_unique<Team>(threads);
    }
    team->run(body);
}

Recipe shared_member(workload::Shared workload, std::string summary, void (*run)(Context&),
                     Uses extra) {
    Recipe r = workload::shared_recipe(workload, "async", std::move(summary), run, {},
                                       Uses::threads | extra);
    r.defaults.emplace_back("threads", "1");
    return r;
}

} // namespace parcook::async
