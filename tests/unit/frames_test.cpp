// lib/parcook/frames: frames round-trip over a pipe, and a reader bounds what it accepts.
#include "parcook/frames.hpp"

#include <catch2/catch.hpp>
#include <chrono>
#include <csignal>
#include <fcntl.h>
#include <unistd.h>

using namespace parcook;

TEST_CASE("frames: what is sent is read back whole, in order, then end of file") {
    Pipe p = make_pipe();
    CHECK(send_frame(p.write.get(), "hello"));
    CHECK(send_frame(p.write.get(), ""));
    CHECK(send_frame(p.write.get(), std::string(10000, 'x')));
    p.write.reset();
    std::string got;
    REQUIRE(read_frame(p.read.get(), got, 1 << 20) == Got::frame);
    CHECK(got == "hello");
    REQUIRE(read_frame(p.read.get(), got, 1 << 20) == Got::frame);
    CHECK(got.empty());
    REQUIRE(read_frame(p.read.get(), got, 1 << 20) == Got::frame);
    CHECK(got == std::string(10000, 'x'));
    CHECK(read_frame(p.read.get(), got, 1 << 20) == Got::closed);
}

TEST_CASE("frames: a frame over the reader's maximum is refused before it is read") {
    Pipe p = make_pipe();
    CHECK(send_frame(p.write.get(), std::string(100, 'x')));
    std::string got;
    CHECK(read_frame(p.read.get(), got, 99) == Got::too_large);
    CHECK(got.capacity() < 100); // nothing was allocated for it
}

TEST_CASE("frames: a deadline bounds the wait, also in the middle of a frame") {
    Pipe p = make_pipe();
    std::string got;
    const auto soon = [] { return Stopwatch::clock::now() + std::chrono::milliseconds(50); };
    CHECK(read_frame(p.read.get(), got, 100, soon()) == Got::timed_out);
    const std::uint64_t promised = 10; // a length, then only part of the payload
    REQUIRE(write_all(p.write.get(), {reinterpret_cast<const char*>(&promised), sizeof promised}));
    REQUIRE(write_all(p.write.get(), "abc"));
    CHECK(read_frame(p.read.get(), got, 100, soon()) == Got::timed_out);
}

TEST_CASE("frames: a closed reader makes sending fail instead of killing the writer") {
    Pipe p = make_pipe();
    p.read.reset();
    ::signal(SIGPIPE, SIG_IGN);
    CHECK_FALSE(send_frame(p.write.get(), "nobody listens"));
    ::signal(SIGPIPE, SIG_DFL);
}

TEST_CASE("frames: Fd closes what it owns, once") {
    int raw = -1;
    {
        Pipe p = make_pipe();
        raw = p.read.get();
        CHECK(::fcntl(raw, F_GETFD) & FD_CLOEXEC); // a child gets an end only when handed one
        Fd moved = std::move(p.read);
        CHECK_FALSE(p.read);
        CHECK(moved.get() == raw);
    }
    CHECK(::fcntl(raw, F_GETFD) == -1);
}
