#include "parcook/frames.hpp"

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>
#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <stdexcept>
#include <unistd.h>

namespace parcook {

void Fd::reset() {
    if (fd_ >= 0)
        ::close(fd_);
    fd_ = -1;
}

Pipe make_pipe() {
    int p[2];
    if (::pipe2(p, O_CLOEXEC) != 0)
        throw std::runtime_error(fmt::format("pipe2: {}", std::strerror(errno)));
    return {Fd(p[0]), Fd(p[1])};
}

bool write_all(int fd, std::string_view data) {
    while (!data.empty()) {
        const ssize_t put = ::write(fd, data.data(), data.size());
        if (put < 0 && errno == EINTR)
            continue;
        if (put <= 0)
            return false;
        data.remove_prefix(static_cast<std::size_t>(put));
    }
    return true;
}

bool send_frame(int fd, std::string_view payload) {
    const std::uint64_t size = payload.size();
    return write_all(fd, {reinterpret_cast<const char*>(&size), sizeof size}) &&
           write_all(fd, payload);
}

namespace {

Got read_exact(int fd, char* data, std::size_t size, Deadline deadline) {
    while (size > 0) {
        if (deadline) {
            const auto left =
                std::chrono::ceil<std::chrono::milliseconds>(*deadline - Stopwatch::clock::now())
                    .count();
            if (left <= 0)
                return Got::timed_out;
            pollfd p{fd, POLLIN, 0};
            const int ready = ::poll(&p, 1, static_cast<int>(std::min<long long>(left, INT_MAX)));
            if (ready < 0 && errno == EINTR)
                continue;
            if (ready == 0)
                return Got::timed_out;
        }
        const ssize_t got = ::read(fd, data, size);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            return Got::closed;
        data += got;
        size -= static_cast<std::size_t>(got);
    }
    return Got::frame;
}

} // namespace

Got read_frame(int fd, std::string& payload, std::uint64_t max_size, Deadline deadline) {
    std::uint64_t size = 0;
    if (Got g = read_exact(fd, reinterpret_cast<char*>(&size), sizeof size, deadline);
        g != Got::frame)
        return g;
    if (size > max_size)
        return Got::too_large;
    payload.resize(size);
    return read_exact(fd, payload.data(), size, deadline);
}

} // namespace parcook
