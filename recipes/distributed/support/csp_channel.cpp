#include "distributed/support/csp_channel.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/json.hpp>
#include <fmt/format.h>
#include <map>

namespace parcook::csp {

Channel::Channel(std::size_t buffer)
    : work_(loop_.get_executor()), channel_(loop_, buffer), thread_([this] { loop_.run(); }) {}

Channel::~Channel() {
    channel_.close();
    work_.reset();
}

bool Channel::write(std::int64_t value) {
    try {
        channel_.async_send(boost::system::error_code{}, value, asio::use_future).get();
    } catch (const boost::system::system_error&) {
        return false;
    }
    std::lock_guard lock(mutex_);
    ++in_buffer_;
    return true;
}

async::task<bool> Channel::async_write(std::int64_t value) {
    auto [ec] = co_await channel_.async_send(boost::system::error_code{}, value,
                                             asio::as_tuple(asio::use_awaitable));
    if (ec)
        co_return false;
    std::lock_guard lock(mutex_);
    ++in_buffer_;
    co_return true;
}

std::optional<std::int64_t> Channel::read() {
    try {
        const std::int64_t v = channel_.async_receive(asio::use_future).get();
        taken();
        return v;
    } catch (const boost::system::system_error&) {
        return std::nullopt;
    }
}

void Channel::taken() {
    std::lock_guard lock(mutex_);
    --in_buffer_; // may dip below 0 for a moment: a rendezvous read can end before its write
    drained_.notify_all();
}

void Channel::poison(Duration drain_timeout) {
    {
        std::unique_lock lock(mutex_);
        drained_.wait_for(lock, drain_timeout, [this] { return in_buffer_ <= 0; });
    }
    channel_.close();
}

std::string Event::json() const {
    return boost::json::serialize(
        boost::json::object{{"ns", ns}, {"process", process}, {"event", kind}, {"id", id}});
}

std::optional<Event> Event::parse(std::string_view line) {
    boost::system::error_code ec;
    const boost::json::value v = boost::json::parse(line, ec);
    if (ec || !v.is_object())
        return std::nullopt;
    const auto& o = v.get_object();
    const auto* ns = o.if_contains("ns");
    const auto* process = o.if_contains("process");
    const auto* kind = o.if_contains("event");
    const auto* id = o.if_contains("id");
    if (!ns || !ns->is_int64() || !process || !process->is_string() || !kind ||
        !kind->is_string() || !id || !id->is_int64())
        return std::nullopt;
    return Event{ns->get_int64(), std::string(process->get_string()),
                 std::string(kind->get_string()), id->get_int64()};
}

void Tracer::log(std::string process, std::string kind, std::int64_t id) {
    const std::int64_t ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                                std::chrono::steady_clock::now().time_since_epoch())
                                .count();
    std::lock_guard lock(mutex_);
    events_.push_back({ns, std::move(process), std::move(kind), id});
}

std::vector<Event> Tracer::events() const {
    std::lock_guard lock(mutex_);
    return events_;
}

std::string broken_rule(const std::vector<Event>& events, std::int64_t limit, std::int64_t buffer) {
    std::map<std::string, std::map<std::int64_t, std::size_t>> at; // kind -> id -> position
    for (std::size_t i = 0; i < events.size(); ++i)
        at[events[i].kind].try_emplace(events[i].id, i);
    for (std::int64_t k = 0; k < limit; ++k) {
        for (const char* kind : {"BlockOnWrite", "DoneWrite", "BlockOnRead", "DoneRead"})
            if (!at[kind].contains(k))
                return fmt::format("no {} for id {}", kind, k);
        if (k >= buffer && at["DoneWrite"][k] < at["BlockOnRead"][k - buffer])
            return fmt::format("DoneWrite({}) before BlockOnRead({})", k, k - buffer);
    }
    return "";
}

} // namespace parcook::csp
