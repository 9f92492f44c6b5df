// async/echo: every echoed byte checked at 1,000 connections in both server models, and the
// --listen server against malformed, oversized, stalled and churning clients and a real
// redis-benchmark run, all bounded in time.
#include "support/run.hpp"

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

using namespace parcook::test;

namespace {

int free_port() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
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

// Whatever arrives within `wait` (or until the peer closes); `closed` tells which.
std::string receive(int fd, std::chrono::milliseconds wait, bool* closed = nullptr) {
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

std::string ask(int fd, const std::string& request) {
    (void)!::write(fd, request.data(), request.size());
    return receive(fd, std::chrono::milliseconds(300));
}

// `parcook async echo --listen 127.0.0.1:PORT ...` in the background, stopped by SIGTERM.
struct ListenServer {
    int port = free_port();
    pid_t pid = -1;
    int out = -1;

    explicit ListenServer(std::vector<std::string> extra) {
        std::vector<std::string> args{
            "async", "echo", "--listen", "127.0.0.1:" + std::to_string(port), "--format", "json"};
        args.insert(args.end(), extra.begin(), extra.end());
        std::vector<std::string> words = command_words(args);
        const std::vector<char*> argv = exec_vector(words); // built before fork()
        int p[2];
        REQUIRE(::pipe2(p, O_CLOEXEC) == 0);
        pid = ::fork();
        if (pid == 0) {
            ::dup2(p[1], 1);
            ::execv(argv[0], argv.data());
            ::_exit(127);
        }
        ::close(p[1]);
        out = p[0];
        for (int i = 0; i < 500; ++i) { // up to 5 s to start listening
            if (const int fd = connect_to(port); fd >= 0) {
                ::close(fd);
                return;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        FAIL("the server did not start listening");
    }

    // SIGTERM, then the exit code and the record.
    std::pair<int, std::string> stop() {
        ::kill(pid, SIGTERM);
        const std::string record = receive(out, std::chrono::seconds(10));
        int status = 0;
        ::waitpid(pid, &status, 0);
        pid = -1;
        return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, record};
    }
    ~ListenServer() {
        if (pid > 0) {
            ::kill(pid, SIGKILL);
            ::waitpid(pid, nullptr, 0);
        }
        ::close(out);
    }
};

} // namespace

TEST_CASE("async/echo: every byte checked at 1,000 connections, async and threads models") {
    for (std::string model : {"async", "threads"}) {
        const auto r = record_of({"async", "echo", "--connections", "1000", "--requests", "5",
                                  "--size", "100B", "--model", model});
        CHECK(all_checks_passed(r));
        CHECK(field(r, "round_trips").to_number<int>() == 5000);
        CHECK(metric(r, "c1000_p99") >= metric(r, "c1000_p50"));
    }
    const auto two = record_of({"async", "echo", "--connections", "10,100", "--requests", "20",
                                "-t", "2", "--size", "4KiB"});
    CHECK(all_checks_passed(two));
}

TEST_CASE("async/echo --listen: RESP PING and ECHO, errors keep the connection, raw echo") {
    ListenServer server({});
    const int fd = connect_to(server.port);
    CHECK(ask(fd, "PING\r\n") == "+PONG\r\n");
    CHECK(ask(fd, "ping hello\r\n") == "$5\r\nhello\r\n");
    CHECK(ask(fd, "*2\r\n$4\r\nECHO\r\n$3\r\nabc\r\n") == "$3\r\nabc\r\n");
    CHECK(ask(fd, "FLUSHALL\r\n").starts_with("-ERR unknown command 'FLUSHALL'"));
    CHECK(ask(fd, "*1\r\n$4\r\nPING\r\n*1\r\n$4\r\nPING\r\n") == "+PONG\r\n+PONG\r\n");
    ::close(fd);
    const int raw = connect_to(server.port);
    CHECK(ask(raw, std::string("\x01raw bytes\x00\xff", 12)) ==
          std::string("\x01raw bytes\x00\xff", 12));
    ::close(raw);
    const auto [code, record] = server.stop();
    CHECK(code == 0);
    CHECK_THAT(record, Catch::Contains("\"verified\":true"));
}

TEST_CASE("async/echo --listen: malformed, oversized and stalled clients leave it serving") {
    ListenServer server({"--max-frame", "1KiB", "--idle-timeout", "300ms"});
    bool closed = false;
    const int bad = connect_to(server.port);
    (void)!::write(bad, "*x\r\n", 4);
    CHECK(receive(bad, std::chrono::seconds(2), &closed).starts_with("-ERR Protocol error"));
    CHECK(closed);
    ::close(bad);
    const int big = connect_to(server.port);
    const std::string line = "ECHO " + std::string(5000, 'a');
    (void)!::write(big, line.data(), line.size());
    closed = false;
    CHECK(receive(big, std::chrono::seconds(2), &closed).starts_with("-ERR Protocol error"));
    CHECK(closed);
    ::close(big);
    const int stalled = connect_to(server.port);
    (void)!::write(stalled, "*2\r\n$4\r\nECHO\r\n", 14); // and nothing more
    const int other = connect_to(server.port);
    CHECK(ask(other, "PING\r\n") == "+PONG\r\n");
    closed = false;
    receive(stalled, std::chrono::seconds(3), &closed);
    CHECK(closed); // timed out by the server
    ::close(stalled);
    ::close(other); // idle as long by now: closed by the server too

    for (int i = 0; i < 10000; ++i) {
        const int fd = connect_to(server.port);
        REQUIRE(fd >= 0);
        ::close(fd);
    }
    const int after = connect_to(server.port);
    CHECK(ask(after, "PING\r\n") == "+PONG\r\n");
    ::close(after);
    const auto [code, record] = server.stop();
    CHECK(code == 0);
    CHECK_THAT(record, Catch::Contains("\"protocol_errors\":2"));
}

TEST_CASE("async/echo --listen answers an unmodified redis-benchmark run") {
    ListenServer server({});
    const parcook::Captured bench =
        parcook::run_captured({"/usr/bin/redis-benchmark", "-p", std::to_string(server.port), "-t",
                               "ping", "-n", "1000", "-c", "10", "-q"},
                              std::chrono::seconds(60));
    INFO(bench.out << bench.err);
    CHECK(bench.exit_code == 0);
    CHECK_THAT(bench.out, Catch::Contains("PING_INLINE") && Catch::Contains("PING_MBULK") &&
                              Catch::Contains("requests per second"));
    CHECK(server.stop().first == 0);
}
