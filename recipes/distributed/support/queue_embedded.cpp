#include "distributed/support/queue_embedded.hpp"

#include "distributed/support/queue_redis.hpp"
#include "parcook/errors.hpp"
#include "parcook/host.hpp"

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <fcntl.h>
#include <fmt/format.h>
#include <sstream>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace parcook::queue {

std::string find_redis_server() {
    const char* path = std::getenv("PATH");
    std::istringstream dirs(path ? path : "/usr/bin:/bin");
    for (std::string dir; std::getline(dirs, dir, ':');) {
        const std::string candidate = (dir.empty() ? "." : dir) + "/redis-server";
        if (::access(candidate.c_str(), X_OK) == 0)
            return candidate;
    }
    return {};
}

namespace {

pid_t start_server(const std::string& program, const PrivateDir& dir) {
    std::vector<std::string> args = {program,    "--port",           "0",   "--unixsocket",
                                     dir.file(), "--unixsocketperm", "700", "--save",
                                     "",         "--appendonly",     "no",  "--dir",
                                     dir.path(), "--logfile",        "",    "--loglevel",
                                     "warning",  "--daemonize",      "no"};
    std::vector<char*> argv;
    for (std::string& a : args)
        argv.push_back(a.data());
    argv.push_back(nullptr);
    const pid_t parent = ::getpid();
    const pid_t pid = ::fork();
    if (pid < 0)
        throw std::runtime_error(fmt::format("fork: {}", std::strerror(errno)));
    if (pid == 0) { // only async-signal-safe calls until exec
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (::getppid() != parent)
            ::_exit(137);
        const int null = ::open("/dev/null", O_RDWR);
        ::dup2(null, 0);
        ::dup2(null, 1); // the server's log (warnings only)
        ::execv(argv[0], argv.data());
        ::_exit(127);
    }
    return pid;
}

} // namespace

EmbeddedBroker::EmbeddedBroker(Duration timeout) : dir_("redis", "redis.sock") {
    const std::string program = find_redis_server();
    if (program.empty())
        throw CannotRun("no redis-server on PATH to start a private broker: install redis-server "
                        "or give --broker redis://host:port");
    url_.socket = dir_.file();
    require_descriptors(256, "the private redis-server"); // it inherits the limit; keeps 32
    pid_ = start_server(program, dir_);
    slot_ = kill_on_signal(pid_);
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        int status = 0;
        if (::waitpid(pid_, &status, WNOHANG) == pid_) {
            forget_on_signal(slot_);
            pid_ = -1;
            throw std::runtime_error(fmt::format("redis-server exited (code {}) before answering",
                                                 exit_code_of(status)));
        }
        try {
            Redis r(url_, std::chrono::milliseconds(200));
            r.command({"PING"});
            return;
        } catch (const BrokerError& e) {
            if (std::chrono::steady_clock::now() > deadline) {
                stop();
                throw BrokerError(fmt::format("the private redis-server did not answer PING "
                                              "within the timeout: {}",
                                              e.what()));
            }
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
}

void EmbeddedBroker::stop() {
    if (pid_ <= 0)
        return;
    ::kill(pid_, SIGTERM); // no persistence: it exits at once
    int status = 0;
    for (int i = 0; i < 400 && ::waitpid(pid_, &status, WNOHANG) == 0; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    if (::waitpid(pid_, &status, WNOHANG) == 0) {
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, &status, 0);
    }
    forget_on_signal(slot_);
    pid_ = -1;
}

EmbeddedBroker::~EmbeddedBroker() {
    stop();
}

Broker::Broker(const Settings& settings) {
    if (settings.embedded)
        embedded_.emplace(settings.timeout);
    else
        url_ = settings.url;
}

} // namespace parcook::queue
