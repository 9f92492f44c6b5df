// The process table as /proc shows it, for tests that check what a run left behind.
#pragma once
#include <map>
#include <sys/types.h>

namespace parcook::test {

struct ProcessEntry {
    pid_t parent;
    char state; // R, S, Z, ...
};

// Every process now, from /proc/<pid>/stat.
std::map<pid_t, ProcessEntry> process_table();

} // namespace parcook::test
