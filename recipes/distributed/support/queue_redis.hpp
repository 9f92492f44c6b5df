// One connection to the task queue's Redis broker (hiredis), with every wait bounded: connecting,
// writing and reading a reply all end within the connection's timeout (or the wait given), with
// a BrokerError that names the broker (password masked) and what was going on.
#pragma once
#include "distributed/support/queue_broker.hpp"
#include "parcook/errors.hpp"

#include <hiredis/hiredis.h>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace parcook::queue {

// The broker cannot be reached, went away or did not answer in time: wherever it escapes a
// recipe, the run fails this check (exit 1).
struct BrokerError : RunFailed {
    explicit BrokerError(const std::string& why)
        : RunFailed("the broker answered within --timeout", why) {}
};

struct FreeReply {
    void operator()(redisReply* r) const { freeReplyObject(r); }
};
using Reply = std::unique_ptr<redisReply, FreeReply>;

inline std::string_view text_of(const redisReply& r) {
    return {r.str, r.str ? static_cast<std::size_t>(r.len) : 0};
}
inline bool is_nil(const redisReply& r) {
    return r.type == REDIS_REPLY_NIL;
}

using Args = std::vector<std::string_view>;

class Redis {
public:
    Redis(const BrokerUrl& url, Duration timeout);
    Redis(Redis&&) noexcept = default;
    Redis& operator=(Redis&&) noexcept = default;

    // One command, one round trip; an error reply throws BrokerError.
    Reply command(const Args& args);
    // Pipelining: queue commands, send them all, then read their replies in order.
    void append(const Args& args);
    void flush();
    Reply reply(); // the next reply within the timeout; an error reply throws BrokerError
    // The next reply (e.g. a pub/sub message) within `wait`; nothing if none came. Unlike a
    // timeout of reply(), this leaves the connection usable.
    std::optional<Reply> try_reply(Duration wait);

    const std::string& where() const { return where_; } // the masked URL
    Duration timeout() const { return timeout_; }

private:
    [[noreturn]] void fail(std::string_view doing) const;
    struct Free {
        void operator()(redisContext* c) const { redisFree(c); }
    };
    std::unique_ptr<redisContext, Free> c_;
    std::string where_;
    Duration timeout_;
};

} // namespace parcook::queue
