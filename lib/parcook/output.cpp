#include "parcook/output.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <iostream>
#include <mutex>
#include <unistd.h>

namespace parcook {
namespace {

std::mutex failure_mutex;
std::string first_failure;

void remember(int error) noexcept {
    std::lock_guard lock(failure_mutex);
    if (first_failure.empty())
        first_failure = std::strerror(error);
}

// 0 on success, else the errno of the failed write.
int write_all(std::string_view text) noexcept {
    while (!text.empty()) {
        const ssize_t put = ::write(STDOUT_FILENO, text.data(), text.size());
        if (put < 0 && errno == EINTR)
            continue;
        if (put <= 0)
            return put < 0 ? errno : EIO;
        text.remove_prefix(static_cast<std::size_t>(put));
    }
    return 0;
}

} // namespace

void write_stdout(std::string_view text) {
    std::fflush(stdout); // whatever a library printed first stays first
    if (const int error = write_all(text)) {
        remember(error);
        throw OutputError(std::strerror(error));
    }
}

void write_stdout_noexcept(std::string_view text) noexcept {
    if (const int error = write_all(text))
        remember(error);
}

std::string output_failure() {
    std::cout.flush();
    const bool stream_failed = !std::cout || std::fflush(stdout) != 0 || std::ferror(stdout);
    std::lock_guard lock(failure_mutex);
    if (first_failure.empty() && stream_failed)
        first_failure = errno ? std::strerror(errno) : "write error";
    return first_failure;
}

void reserve_standard_descriptors() noexcept {
    for (int fd = 0; fd <= 2; ++fd) {
        if (::fcntl(fd, F_GETFD) >= 0 || errno != EBADF)
            continue;
        // open() returns the lowest free number: this one.
        const int got = ::open("/dev/null", O_RDONLY);
        if (got >= 0 && got != fd)
            ::close(got);
    }
}

} // namespace parcook
