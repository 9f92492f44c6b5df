// The exceptions that map to parcook's exit codes (see README "Exit codes").
#pragma once
#include <stdexcept>
#include <string>

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

// The recipe already produced its whole outcome (a child role, a self-launch under mpiexec):
// leave with this exit code and write no record.
struct ExitNow {
    int code;
};

} // namespace parcook
