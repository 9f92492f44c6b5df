// What the task-queue tests share: a private Redis broker (the recipes' own EmbeddedBroker), a
// command running in the background (parcook or Python) whose output is read back, and direct
// access to the broker for pushing raw messages and reading results.
#pragma once
#include "distributed/support/queue_embedded.hpp"
#include "distributed/support/queue_redis.hpp"
#include "support/run.hpp"

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <sys/types.h>
#include <vector>

namespace parcook::test {

using namespace std::chrono_literals;

// A private redis-server for one test; nothing when there is no redis-server on PATH (the test
// then says so and passes).
std::unique_ptr<queue::EmbeddedBroker> test_broker();
std::string url_of(const queue::EmbeddedBroker& b); // "unix:///tmp/.../redis.sock"

// A command in the background, in its own process group, its stdout and stderr to one file.
class Spawned {
public:
    explicit Spawned(std::vector<std::string> argv);
    ~Spawned(); // kills the whole group (SIGKILL) if it is still running
    Spawned(const Spawned&) = delete;
    Spawned& operator=(const Spawned&) = delete;

    pid_t pid() const { return pid_; }
    // The exit code (-signal when killed), or nothing if it is still running after `limit`.
    std::optional<int> wait_for(std::chrono::milliseconds limit);
    void signal(int sig); // to the process itself
    std::string output() const;
    // Waits until the output contains `text`; false past `limit`.
    bool wait_output(const std::string& text, std::chrono::milliseconds limit);

private:
    pid_t pid_ = -1;
    std::optional<int> code_;
    std::string log_;
};

// `parcook <args...>` in the background.
std::vector<std::string> parcook_argv(const std::vector<std::string>& args);
// Python 3 with Debian's celery and redis modules, or "" when they are not installed.
std::string python_with_celery();

std::size_t count_of(const std::string& haystack, const std::string& needle);

} // namespace parcook::test
