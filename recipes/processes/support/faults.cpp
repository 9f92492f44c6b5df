#include "processes/support/faults.hpp"

#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fmt/format.h>
#include <sys/resource.h>
#include <unistd.h>

namespace parcook::pool {

std::string describe_exit(int code) {
    if (code >= 0)
        return fmt::format("exited with code {}", code);
    const char* name = ::sigabbrev_np(-code);
    return fmt::format("was killed by SIG{} (exit code {})", name ? name : "?", code);
}

std::string describe_items(const std::vector<std::uint64_t>& items) {
    if (items.empty())
        return "no item";
    if (items.size() == 1)
        return fmt::format("item {}", items.front());
    return fmt::format("items {}..{}", items.front(), items.back());
}

std::string describe_fault(const Fault& fault, Duration timeout) {
    std::string what = fmt::format("worker {} (pid {}) {}", fault.worker, fault.pid,
                                   describe_exit(fault.exit_code));
    if (fault.reason == "timed out")
        what = fmt::format("worker {} (pid {}) overran --timeout {} on {} and was killed "
                           "(exit code {})",
                           fault.worker, fault.pid, format_seconds(to_seconds(timeout)),
                           describe_items(fault.items), fault.exit_code);
    else if (!fault.items.empty())
        what += fmt::format(" while running {}", describe_items(fault.items));
    if (!fault.items.empty())
        what += fault.rerun ? ": running them again on a new worker" : ": LOST";
    return what;
}

boost::json::array faults_field(const std::vector<Fault>& faults) {
    boost::json::array field;
    for (const Fault& f : faults) {
        boost::json::array items(f.items.begin(), f.items.end());
        field.push_back(boost::json::object{{"worker", f.worker},
                                            {"pid", f.pid},
                                            {"exit_code", f.exit_code},
                                            {"reason", f.reason},
                                            {"items", std::move(items)},
                                            {"rerun", f.rerun}});
    }
    return field;
}

void crash() {
    const rlimit no_core{0, 0};
    ::setrlimit(RLIMIT_CORE, &no_core);
    std::abort();
}

void hang() {
    for (;;)
        ::pause();
}

std::int64_t fault_index(std::int64_t at, std::uint64_t first, std::size_t count,
                         std::atomic<bool>& sent) {
    if (at < 0 || static_cast<std::uint64_t>(at) < first ||
        static_cast<std::uint64_t>(at) >= first + count || sent.exchange(true))
        return -1;
    return at - static_cast<std::int64_t>(first);
}

} // namespace parcook::pool
