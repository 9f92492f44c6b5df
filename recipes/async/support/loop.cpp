#include "async/support/loop.hpp"

#include <atomic>
#include <fmt/format.h>

namespace parcook::async {

std::string thread_name() {
    static std::atomic<unsigned> next{1};
    thread_local const unsigned id = next++;
    return fmt::format("thread {}", id);
}

Recipe shared_member(workload::Shared workload, std::string summary, void (*run)(Context&),
                     Uses extra) {
    Recipe r = workload::shared_recipe(workload, "async", std::move(summary), run, {},
                                       Uses::threads | extra);
    r.defaults.emplace_back("threads", "1");
    return r;
}

} // namespace parcook::async
