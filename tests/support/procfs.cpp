#include "support/procfs.hpp"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

namespace parcook::test {

std::map<pid_t, ProcessEntry> process_table() {
    std::map<pid_t, ProcessEntry> v;
    for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
        const std::string name = entry.path().filename();
        if (name.find_first_not_of("0123456789") != std::string::npos)
            continue;
        std::ifstream in(entry.path() / "stat");
        std::string stat;
        std::getline(in, stat);
        const auto close = stat.rfind(')'); // the command name may hold spaces and parentheses
        char state = 0;
        int ppid = 0;
        if (close != std::string::npos &&
            std::sscanf(stat.c_str() + close + 1, " %c %d", &state, &ppid) == 2)
            v[std::stoi(name)] = {ppid, state};
    }
    return v;
}

} // namespace parcook::test
