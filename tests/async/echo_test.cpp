// async/echo: every echoed byte checked at 1,000 connections in both server models, and the
// --listen server against malformed, oversized, stalled and churning clients and a real
// redis-benchmark run, all bounded in time.
#include "support/listener.hpp"
#include "support/run.hpp"

#include <catch2/catch.hpp>
#include <unistd.h>

using namespace parcook::test;

namespace {

std::string ask(int fd, const std::string& request) {
    (void)!::write(fd, request.data(), request.size());
    return receive(fd, std::chrono::milliseconds(300));
}

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

TEST_CASE("async/echo: --duration 0 is the default (--requests per client), a duration a time") {
    const auto counted = record_of({"async", "echo", "--connections", "10", "--requests", "30",
                                    "--duration", "0", "--timeout", "20s"});
    CHECK(all_checks_passed(counted));
    CHECK(field(counted, "round_trips").to_number<int>() == 300);
    const auto timed = record_of({"async", "echo", "--connections", "10", "--duration", "200ms"});
    CHECK(all_checks_passed(timed));
    CHECK(field(timed, "round_trips").to_number<int>() > 0);
}

TEST_CASE("async/echo --listen: RESP PING and ECHO, errors keep the connection, raw echo") {
    Listener server("async", "echo", {});
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
    const auto [code, record, log] = server.stop();
    CHECK(code == 0);
    CHECK_THAT(record, Catch::Contains("\"verified\":true"));
}

TEST_CASE("async/echo --listen: malformed, oversized and stalled clients leave it serving") {
    Listener server("async", "echo", {"--max-frame", "1KiB", "--idle-timeout", "300ms"});
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
    // The server may still be accepting and closing the last of those (slowly under ASan on a
    // loaded host): the answer may take longer than ask() waits, up to 10 s.
    const int after = connect_to(server.port);
    (void)!::write(after, "PING\r\n", 6);
    std::string pong;
    for (int i = 0; i < 50 && pong.empty(); ++i)
        pong = receive(after, std::chrono::milliseconds(200));
    CHECK(pong == "+PONG\r\n");
    ::close(after);
    const auto [code, record, log] = server.stop();
    CHECK(code == 0);
    CHECK_THAT(record, Catch::Contains("\"protocol_errors\":2"));
}

TEST_CASE("async/echo --listen answers an unmodified redis-benchmark run") {
    Listener server("async", "echo", {});
    const parcook::Captured bench =
        parcook::run_captured({"/usr/bin/redis-benchmark", "-p", std::to_string(server.port), "-t",
                               "ping", "-n", "1000", "-c", "10", "-q"},
                              std::chrono::seconds(60));
    INFO(bench.out << bench.err);
    CHECK(bench.exit_code == 0);
    CHECK_THAT(bench.out, Catch::Contains("PING_INLINE") && Catch::Contains("PING_MBULK") &&
                              Catch::Contains("requests per second"));
    CHECK(server.stop().code == 0);
}
