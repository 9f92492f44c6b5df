#include "distributed/queue_harness.hpp"

#include "parcook/errors.hpp"

#include <catch2/catch.hpp>
#include <csignal>
#include <cstdio>
#include <fcntl.h>
#include <fstream>
#include <spawn.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

extern char** environ;

namespace parcook::test {

std::unique_ptr<queue::EmbeddedBroker> test_broker() {
    try {
        return std::make_unique<queue::EmbeddedBroker>(10s);
    } catch (const CannotRun& e) { // scripts/setup installs redis-server: its absence fails
        FAIL("redis-server is needed (scripts/setup installs it): " << e.what());
        throw;
    }
}

std::string url_of(const queue::EmbeddedBroker& b) {
    return "unix://" + b.url().socket;
}

Spawned::Spawned(std::vector<std::string> argv) {
    static int serial = 0;
    log_ = "/tmp/parcook-queue-test-" + std::to_string(::getpid()) + "-" +
           std::to_string(serial++) + ".log";
    std::vector<char*> raw;
    for (std::string& a : argv)
        raw.push_back(a.data());
    raw.push_back(nullptr);
    posix_spawn_file_actions_t files;
    posix_spawn_file_actions_init(&files);
    posix_spawn_file_actions_addopen(&files, STDOUT_FILENO, log_.c_str(),
                                     O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0600);
    posix_spawn_file_actions_adddup2(&files, STDOUT_FILENO, STDERR_FILENO);
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
    posix_spawnattr_setpgroup(&attr, 0);
    const int rc = posix_spawnp(&pid_, raw[0], &files, &attr, raw.data(), environ);
    posix_spawn_file_actions_destroy(&files);
    posix_spawnattr_destroy(&attr);
    REQUIRE(rc == 0);
}

Spawned::~Spawned() {
    if (!code_) {
        ::kill(-pid_, SIGKILL);
        ::waitpid(pid_, nullptr, 0);
    }
    std::remove(log_.c_str());
}

std::optional<int> Spawned::wait_for(std::chrono::milliseconds limit) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (!code_) {
        int status = 0;
        if (::waitpid(pid_, &status, WNOHANG) == pid_)
            code_ = WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
        else if (std::chrono::steady_clock::now() > deadline)
            return std::nullopt;
        else
            std::this_thread::sleep_for(10ms);
    }
    return code_;
}

void Spawned::signal(int sig) {
    if (!code_)
        ::kill(pid_, sig);
}

std::string Spawned::output() const {
    std::ifstream in(log_);
    return {std::istreambuf_iterator<char>(in), {}};
}

bool Spawned::wait_output(const std::string& text, std::chrono::milliseconds limit) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (output().find(text) == std::string::npos) {
        if (std::chrono::steady_clock::now() > deadline)
            return false;
        std::this_thread::sleep_for(20ms);
    }
    return true;
}

std::vector<std::string> parcook_argv(const std::vector<std::string>& args) {
    return command_words(args);
}

std::string python_with_celery() {
    const int rc = std::system("/usr/bin/python3 -c 'import celery, redis' >/dev/null 2>&1");
    return rc == 0 ? "/usr/bin/python3" : "";
}

std::size_t count_of(const std::string& haystack, const std::string& needle) {
    std::size_t n = 0;
    for (auto at = haystack.find(needle); at != std::string::npos;
         at = haystack.find(needle, at + 1))
        ++n;
    return n;
}

} // namespace parcook::test
