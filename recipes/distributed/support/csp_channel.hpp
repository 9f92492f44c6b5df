// PyCSP's pieces for distributed/csp: a channel between processes that are threads, and the
// trace of what each process did on it.
//
// Channel: asio::experimental::concurrent_channel with a buffer of N values; N = 0 is PyCSP's
// rendezvous (a write completes only when a read takes the value). write() and read() block
// the calling thread; async_write() is the same write from a coroutine (a server relaying a
// remote writer). poison() is PyCSP's poison: later reads and writes fail, ending both
// processes. It first waits (bounded) until the buffer has been read: Boost 1.81's close()
// drops buffered values, and PyCSP's reader sees every value written before the poison.
#pragma once
#include "async/support/loop.hpp"

#include <boost/asio/experimental/concurrent_channel.hpp>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace parcook::csp {

namespace asio = boost::asio;

class Channel {
public:
    explicit Channel(std::size_t buffer);
    ~Channel();
    bool write(std::int64_t value);     // false once poisoned
    std::optional<std::int64_t> read(); // nothing once poisoned
    async::task<bool> async_write(std::int64_t value);
    void poison(Duration drain_timeout);

private:
    void taken();
    asio::io_context loop_; // completes the blocking calls' futures
    asio::executor_work_guard<asio::io_context::executor_type> work_;
    asio::experimental::concurrent_channel<void(boost::system::error_code, std::int64_t)> channel_;
    std::mutex mutex_;
    std::condition_variable drained_;
    std::int64_t in_buffer_ = 0; // written and not yet read
    std::jthread thread_;
};

// One event of PyCSP's trace: BlockOnWrite, DoneWrite, BlockOnRead, DoneRead, Poison,
// QuitProcess, DoneParallel; `id` is the value's position (the read count for reads).
struct Event {
    std::int64_t ns; // steady_clock, the same in every process of the machine
    std::string process, kind;
    std::int64_t id;
    std::string json() const; // one JSON line, without the newline
    static std::optional<Event> parse(std::string_view line);
};

class Tracer {
public:
    void log(std::string process, std::string kind, std::int64_t id = -1);
    std::vector<Event> events() const;

private:
    mutable std::mutex mutex_;
    std::vector<Event> events_;
};

// The trace rule: every id 0..limit-1 was written and read, and DoneWrite(k) comes after
// BlockOnRead(k - buffer): with a rendezvous a write completes only after its read began, and
// the writer never starts k+1 before k was read; with a buffer it runs at most `buffer` ahead.
// "" when it holds, else what broke it. `events` in time order.
std::string broken_rule(const std::vector<Event>& events, std::int64_t limit, std::int64_t buffer);

} // namespace parcook::csp
