// distributed/broker: "Using Celery to distribute tasks" (set-up) [book ch.5].
// Shows: what the broker of a task queue does, on a real Redis: a named FIFO queue (a Redis
// list, LPUSH in, BRPOP out), competing consumers (each message goes to exactly one), and
// acknowledgement (a delivered message waits in kombu's unacked hash until acked; one never
// acked comes back after the visibility timeout). Prints the Redis and hiredis versions as the
// book prints `celery --version`. On a running broker (--broker) it uses a queue of its own
// instead of "celery", so that real workers do not take its messages.
#include "distributed/support/queue_cluster.hpp"
#include "distributed/support/queue_embedded.hpp"
#include "distributed/support/queue_kombu.hpp"
#include "distributed/support/queue_message.hpp"
#include "distributed/support/queue_stats.hpp"
#include "parcook/context.hpp"

#include <fmt/format.h>
#include <mutex>
#include <set>
#include <thread>

namespace parcook {
namespace {

std::string redis_version(queue::Redis& r) {
    const queue::Reply info = r.command({"INFO", "server"});
    const std::string_view text = queue::text_of(*info);
    const auto at = text.find("redis_version:");
    if (at == std::string_view::npos)
        return "?";
    const auto begin = at + 14;
    return std::string(text.substr(begin, text.find_first_of("\r\n", begin) - begin));
}

std::vector<std::string> publish(queue::Redis& r, const std::string& q, int count) {
    std::vector<std::string> ids;
    for (int i = 0; i < count; ++i) {
        const queue::TaskMessage m = queue::make_task("parcook.add", {i, i}, q);
        r.command({"LPUSH", q, queue::encode(m)});
        ids.push_back(m.id);
    }
    return ids;
}

// Takes one message (waiting up to 0.2 s) and acks it; its task id, or "" when none came.
std::string consume(queue::Redis& r, const std::string& q, bool ack = true) {
    std::size_t unread = 0;
    const std::optional<queue::Delivery> m = queue::fetch_blocking(r, {q}, 1 << 20, unread);
    for (; unread > 0; --unread)
        r.reply();
    if (!m)
        return {};
    const queue::Decoded& d = m->decoded;
    if (ack) {
        queue::append_ack(r, {d.delivery_tag});
        r.flush();
        r.reply();
        r.reply();
    }
    return d.id;
}

void demonstrate(Context& ctx) {
    const queue::Settings s = queue::settings(ctx);
    queue::Broker broker(s);
    const queue::BrokerUrl& url = broker.url();
    queue::Redis r(url, s.timeout);
    const std::string q = broker.embedded() ? "celery" : "parcook-broker-demo-" + queue::new_uuid();
    ctx.say("broker", fmt::format("Redis {} (hiredis {}.{}.{}) at {}", redis_version(r),
                                  HIREDIS_MAJOR, HIREDIS_MINOR, HIREDIS_PATCH, url.masked()));
    ctx.check("the broker answers PING", queue::text_of(*r.command({"PING"})) == "PONG");

    // FIFO: three messages come out in the order they went in.
    const std::vector<std::string> sent = publish(r, q, 3);
    std::vector<std::string> got;
    for (int i = 0; i < 3; ++i)
        got.push_back(consume(r, q));
    ctx.say("broker", fmt::format("published 3 to '{}', consumed in order: {}", q, got == sent));
    ctx.check("three messages are consumed in FIFO order", got == sent);

    // Competing consumers: each message goes to exactly one of two.
    const std::vector<std::string> more = publish(r, q, 3);
    std::mutex m;
    std::vector<std::pair<std::string, int>> taken;
    {
        std::vector<std::jthread> consumers;
        for (int c = 0; c < 2; ++c)
            consumers.emplace_back([&, c] {
                queue::Redis own(url, s.timeout);
                for (std::string id; !(id = consume(own, q)).empty();) {
                    std::lock_guard lock(m);
                    taken.emplace_back(id, c);
                }
            });
    }
    for (const auto& [id, c] : taken)
        ctx.say("broker", fmt::format("consumer {} took {}", c + 1, id));
    std::set<std::string> once;
    for (const auto& t : taken)
        once.insert(t.first);
    ctx.check("each message went to exactly one of two competing consumers",
              taken.size() == 3 && once == std::set<std::string>(more.begin(), more.end()));

    // Acknowledgement: a message delivered and never acked comes back after the timeout.
    const std::string lost = publish(r, q, 1).front();
    consume(r, q, false);
    const double visibility = to_seconds(s.visibility_timeout);
    ctx.say("broker", fmt::format("delivered {} and never acked; waiting {:.2f} s (the visibility "
                                  "timeout)",
                                  lost, visibility));
    std::this_thread::sleep_for(s.visibility_timeout + std::chrono::milliseconds(50));
    const std::size_t restored = queue::restore_visible(r, visibility);
    const std::string again = consume(r, q);
    ctx.say("broker", fmt::format("restored {}; delivered again: {}", restored, again));
    ctx.check("an unacked message comes back after the visibility timeout", again == lost);

    const queue::QueueStats st = queue::collect_stats(r, {q});
    ctx.check("stats: the queue is empty and nothing is unacked",
              st.queue_lengths.at(q) == 0 && (!broker.embedded() || st.unacked == 0),
              fmt::format("{} waiting, {} unacked", st.queue_lengths.at(q), st.unacked));
}

void run(Context& ctx) {
    queue::answered(ctx, [&] { demonstrate(ctx); });
}

} // namespace

extern const Recipe distributed_broker{
    .group = "distributed",
    .name = "broker",
    .summary = "a Redis broker: FIFO queue, competing consumers, acks and the visibility timeout",
    .book = "Using Celery to distribute tasks [book ch.5]",
    .options = queue::broker_options(),
    .run = run,
    .tour_args = {"--visibility-timeout", "200ms"},
};

} // namespace parcook
