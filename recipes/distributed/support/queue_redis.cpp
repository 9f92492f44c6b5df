#include "distributed/support/queue_redis.hpp"

#include <chrono>
#include <csignal>
#include <fmt/format.h>
#include <poll.h>
#include <pthread.h>

namespace parcook::queue {
namespace {

// A broker that went away must show as a failed write (EPIPE, then a BrokerError), never kill
// the process with SIGPIPE: hiredis writes with write(2). Blocked for the thread that connects
// and the threads it starts later; a SIGPIPE raised then stays pending, harmlessly.
void block_sigpipe() {
    sigset_t pipe_signal;
    sigemptyset(&pipe_signal);
    sigaddset(&pipe_signal, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe_signal, nullptr);
}

timeval to_timeval(Duration d) {
    const auto us = std::chrono::duration_cast<std::chrono::microseconds>(d).count();
    return {static_cast<time_t>(us / 1000000), static_cast<suseconds_t>(us % 1000000)};
}

} // namespace

Redis::Redis(const BrokerUrl& url, Duration timeout) : where_(url.masked()), timeout_(timeout) {
    block_sigpipe();
    const timeval tv = to_timeval(timeout);
    c_.reset(url.socket.empty() ? redisConnectWithTimeout(url.host.c_str(), url.port, tv)
                                : redisConnectUnixWithTimeout(url.socket.c_str(), tv));
    if (!c_)
        throw BrokerError(fmt::format("cannot reach the broker at {}: out of memory", where_));
    if (c_->err)
        throw BrokerError(fmt::format("cannot reach the broker at {}: {}", where_, c_->errstr));
    redisSetTimeout(c_.get(), tv); // bounds writes; reads are bounded by poll() below
    if (!url.password.empty()) {
        try {
            if (url.user.empty())
                command({"AUTH", url.password});
            else
                command({"AUTH", url.user, url.password});
        } catch (const BrokerError&) {
            throw BrokerError(fmt::format("the broker at {} refused the {}", where_,
                                          url.user.empty() ? "password" : "user and password"));
        }
    }
    if (url.db != 0)
        command({"SELECT", std::to_string(url.db)});
}

void Redis::fail(std::string_view doing) const {
    throw BrokerError(fmt::format("broker {}: {}: {}", where_, doing,
                                  c_->err ? c_->errstr : "no answer within the timeout"));
}

void Redis::append(const Args& args) {
    std::vector<const char*> argv;
    std::vector<std::size_t> lens;
    argv.reserve(args.size());
    lens.reserve(args.size());
    for (std::string_view a : args) {
        argv.push_back(a.data());
        lens.push_back(a.size());
    }
    if (redisAppendCommandArgv(c_.get(), static_cast<int>(argv.size()), argv.data(), lens.data()) !=
        REDIS_OK)
        fail("sending a command");
}

void Redis::flush() {
    for (int done = 0; !done;)
        if (redisBufferWrite(c_.get(), &done) != REDIS_OK)
            fail("sending");
}

std::optional<Reply> Redis::try_reply(Duration wait) {
    const auto deadline = std::chrono::steady_clock::now() + wait;
    for (;;) {
        void* r = nullptr;
        if (redisGetReplyFromReader(c_.get(), &r) != REDIS_OK)
            fail("reading a reply");
        if (r) {
            Reply reply(static_cast<redisReply*>(r));
            if (reply->type == REDIS_REPLY_ERROR)
                throw BrokerError(fmt::format("broker {}: {}", where_, text_of(*reply)));
            return reply;
        }
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        pollfd p{c_->fd, POLLIN, 0};
        const int ready = left.count() > 0 ? ::poll(&p, 1, static_cast<int>(left.count() + 1)) : 0;
        if (ready < 0 && errno == EINTR)
            continue;
        if (ready == 0)
            return std::nullopt;
        if (redisBufferRead(c_.get()) != REDIS_OK)
            fail("reading");
    }
}

Reply Redis::reply() {
    std::optional<Reply> r = try_reply(timeout_);
    if (!r)
        throw BrokerError(fmt::format("broker {}: no answer within {}", where_,
                                      format_seconds(to_seconds(timeout_))));
    return std::move(*r);
}

Reply Redis::command(const Args& args) {
    append(args);
    flush();
    return reply();
}

} // namespace parcook::queue
