// processes/support/fork.hpp: a child made with fork() (Python's fork start method), for the
// recipes that copy the running process instead of starting parcook again (spawn --start fork,
// pipe). Call it while the process still has a single thread.
#pragma once
#include "parcook/children.hpp"

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fmt/format.h>
#include <stdexcept>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

namespace parcook {

// Runs `body` in a copy of this process, which then leaves with _exit(0): no destructors, no
// atexit handlers, they belong to the parent. The copy dies with the parent (PR_SET_PDEATHSIG).
template <class F>
pid_t fork_child(F body) {
    const pid_t parent = ::getpid();
    const pid_t pid = ::fork();
    if (pid < 0)
        throw std::runtime_error(fmt::format("fork: {}", std::strerror(errno)));
    if (pid == 0) {
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (::getppid() != parent)
            ::_exit(137); // the parent is already gone
        body();
        ::_exit(0);
    }
    return pid;
}

// Waits for a forked child; Python's exit code (-signal when killed by one).
inline int join_forked(pid_t pid) {
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    return exit_code_of(status);
}

} // namespace parcook
