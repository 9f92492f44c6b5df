// The exceptions that map to parcook's exit codes (see README "Exit codes").
#pragma once
#include <stdexcept>
#include <string>
#include <utility>

namespace parcook {

enum ExitCode : int {
    exit_verified = 0,
    exit_failed = 1,
    exit_usage = 2,
    exit_internal = 70,
    exit_cannot_run = 77,
};

// Bad command line or input: one line on stderr, exit 2, nothing on stdout.
struct UsageError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// The recipe cannot run on this machine (no GPU, too few MPI ranks, ...): exit 77.
struct CannotRun : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// Something outside parcook stopped the run (a peer closed the connection, a broker or server
// did not answer within --timeout): the record is still written, with `check` failed for the
// reason in what(), and the exit code is 1 - a fault of the surroundings, not of parcook (70).
struct RunFailed : std::runtime_error {
    std::string check;
    RunFailed(std::string check_, const std::string& why)
        : std::runtime_error(why), check(std::move(check_)) {}
};

// The recipe already produced its whole outcome (a child role, a self-launch under mpiexec):
// leave with this exit code and write no record.
struct ExitNow {
    int code;
};

} // namespace parcook
