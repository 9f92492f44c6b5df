// processes/support/faults.hpp: what the process pool (processes/pool.hpp) says about workers
// that die, hang or exit badly, and the faults tests inject into a worker on purpose.
#pragma once
#include "parcook/context.hpp"

#include <atomic>
#include <cstdint>
#include <string>
#include <sys/types.h>
#include <vector>

namespace parcook::pool {

// A worker that died or was killed: what it held and what the pool did about it.
struct Fault {
    unsigned worker;
    pid_t pid;
    int exit_code;                    // Python's Process.exitcode: -signal if killed by one
    std::string reason;               // "died", "timed out", or "exited badly" (at close)
    std::vector<std::uint64_t> items; // the items it held (none if it died idle)
    bool rerun;                       // the items ran again on a new worker
};

// "exited with code 3", "was killed by SIGKILL (exit code -9)".
std::string describe_exit(int code);
// "no item", "item 7", "items 4..7".
std::string describe_items(const std::vector<std::uint64_t>& items);
// The trace line of a fault; `timeout` is the pool's --timeout.
std::string describe_fault(const Fault& fault, Duration timeout);
// The record's `faults` field.
boost::json::array faults_field(const std::vector<Fault>& faults);

// --- injected on purpose (--crash-on, --hang-on), in the worker --------------------------------
[[noreturn]] void crash(); // abort() without a core file
[[noreturn]] void hang();  // until killed
// The index in a chunk of `count` items from `first` where the fault at item `at` (-1: none)
// strikes, or -1; only the first chunk that holds it gets it (`sent` records that; safe
// from several threads).
std::int64_t fault_index(std::int64_t at, std::uint64_t first, std::size_t count,
                         std::atomic<bool>& sent);

} // namespace parcook::pool
