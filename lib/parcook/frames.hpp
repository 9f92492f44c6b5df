// Descriptors and frames: what two copies of parcook (a parent and its workers, or the peers of
// a distributed run) exchange over a pipe or a socket. A frame is an 8-byte length, then that
// many bytes (encode.hpp turns values into bytes); a reader refuses a frame over its maximum,
// so a peer that speaks another protocol cannot make it allocate without bound.
//
//     auto [in, out] = make_pipe();
//     send_frame(out.get(), bytes);
//     std::string got;
//     if (read_frame(in.get(), got, 1 << 20, deadline) == Got::frame) ...
#pragma once
#include "parcook/stats.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace parcook {

// A descriptor that closes itself.
class Fd {
public:
    Fd() = default;
    explicit Fd(int fd) : fd_(fd) {}
    Fd(Fd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
    Fd& operator=(Fd&& other) noexcept {
        std::swap(fd_, other.fd_);
        return *this;
    }
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    ~Fd() { reset(); }

    int get() const { return fd_; }
    explicit operator bool() const { return fd_ >= 0; }
    int release() { return std::exchange(fd_, -1); }
    void reset(); // closes it now

private:
    int fd_ = -1;
};

// Both ends of a new pipe, close-on-exec (a child gets an end only when it is handed one).
struct Pipe {
    Fd read, write;
};
Pipe make_pipe();

// Writes all of `data`, retrying short writes; false when the reader is gone (EPIPE: block or
// ignore SIGPIPE first) or the write failed.
bool write_all(int fd, std::string_view data);

bool send_frame(int fd, std::string_view payload);

enum class Got {
    frame,     // `payload` holds the whole frame
    closed,    // end of file or an error before the frame was complete
    timed_out, // the deadline passed first
    too_large, // the length is over the reader's maximum: not this protocol
};
using Deadline = std::optional<Stopwatch::clock::time_point>;
Got read_frame(int fd, std::string& payload, std::uint64_t max_size, Deadline deadline = {});

} // namespace parcook
