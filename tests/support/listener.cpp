#include "support/listener.hpp"

#include <arpa/inet.h>
#include <catch2/catch.hpp>
#include <csignal>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

extern char** environ;

namespace parcook::test {

int free_port() {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
    socklen_t len = sizeof a;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
    ::close(fd);
    return ntohs(a.sin_port);
}

int connect_to(int port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<std::uint16_t>(port));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
        ::close(fd);
        return -1;
    }
    return fd;
}

std::string receive(int fd, std::chrono::milliseconds wait, bool* closed) {
    std::string got;
    const auto until = std::chrono::steady_clock::now() + wait;
    for (;;) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            until - std::chrono::steady_clock::now());
        pollfd p{fd, POLLIN, 0};
        if (left.count() <= 0 || ::poll(&p, 1, static_cast<int>(left.count())) <= 0)
            break;
        char buf[4096];
        const ssize_t n = ::read(fd, buf, sizeof buf);
        if (n <= 0) {
            if (closed)
                *closed = true;
            break;
        }
        got.append(buf, static_cast<std::size_t>(n));
    }
    return got;
}

Listener::Listener(const std::string& group, const std::string& recipe,
                   std::vector<std::string> extra, std::vector<std::string> env,
                   bool wait_for_listen) {
    std::vector<std::string> args{group, recipe, "--listen", address(), "--format", "json"};
    args.insert(args.end(), extra.begin(), extra.end());
    std::vector<std::string> words = command_words(args);
    const std::vector<char*> argv = exec_vector(words); // all built before fork()
    for (char** e = environ; *e; ++e)
        env.emplace_back(*e);
    std::vector<char*> envp;
    for (std::string& e : env)
        envp.push_back(e.data());
    envp.push_back(nullptr);
    int o[2], e[2];
    REQUIRE(::pipe2(o, O_CLOEXEC) == 0);
    REQUIRE(::pipe2(e, O_CLOEXEC) == 0);
    pid = ::fork();
    if (pid == 0) {
        ::dup2(o[1], 1);
        ::dup2(e[1], 2);
        ::execve(argv[0], argv.data(), envp.data());
        ::_exit(127);
    }
    ::close(o[1]);
    ::close(e[1]);
    out = o[0];
    err = e[0];
    for (int i = 0; wait_for_listen && i < 1000; ++i) { // up to 10 s to start listening
        if (const int fd = connect_to(port); fd >= 0) {
            ::close(fd);
            return;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    if (wait_for_listen)
        FAIL("the server did not start listening");
}

Listener::Stopped Listener::wait() {
    Stopped s;
    s.record = receive(out, std::chrono::seconds(20));
    s.log = receive(err, std::chrono::seconds(2));
    int status = 0;
    ::waitpid(pid, &status, 0);
    pid = -1;
    s.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return s;
}

Listener::Stopped Listener::stop() {
    ::kill(pid, SIGTERM);
    return wait();
}

Listener::~Listener() {
    if (pid > 0) {
        ::kill(pid, SIGKILL);
        ::waitpid(pid, nullptr, 0);
    }
    ::close(out);
    ::close(err);
}

} // namespace parcook::test
