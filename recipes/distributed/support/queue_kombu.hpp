// The Redis data layout kombu 5.2's transport and Celery's result backend use, so parcook and
// Python workers can share a broker:
//   <queue>, <queue>\x06\x16<p>   the queue's lists for priorities 0, 3, 6, 9 (LPUSH / BRPOP)
//   _kombu.binding.<exchange>     set of "routing_key\x06\x16pattern\x06\x16queue"
//   unacked                       hash delivery_tag -> [message, exchange, routing_key]
//   unacked_index                 sorted set delivery_tag by delivery time (seconds)
//   unacked_mutex                 lock held while restoring entries older than the visibility
//   celery-task-meta-<id>         the result (SETEX, and PUBLISHed on the channel of that name)
// A delivered message is recorded in unacked; acking removes it; a message left there longer
// than the visibility timeout (its worker died) is pushed back onto its queue.
#pragma once
#include "distributed/support/queue_message.hpp"
#include "distributed/support/queue_redis.hpp"

#include <optional>

#include <string>
#include <vector>

namespace parcook::queue {

inline constexpr std::string_view unacked_key = "unacked";
inline constexpr std::string_view unacked_index_key = "unacked_index";
inline constexpr std::string_view unacked_mutex_key = "unacked_mutex";
inline constexpr std::string_view stats_prefix = "parcook-stats:";
inline constexpr std::string_view heartbeat_prefix = "parcook-worker:";

// The lists of `queues`, highest priority first, as BRPOP takes them.
std::vector<std::string> priority_lists(const std::vector<std::string>& queues);
// Declares the queues' bindings on the default direct exchange (as a Celery worker does).
void bind_queues(Redis& r, const std::vector<std::string>& queues);

double unix_now(); // seconds since the epoch, as Python's time.time()
// A delivery's score in unacked_index: unix_now() to the microsecond, as kombu writes it.
std::string delivery_score();

// Loads the worker's Lua scripts into the broker (once per connection, before fetch() and
// append_store()), so that each call sends the script's SHA1, not its text.
void load_scripts(Redis& r);

// A message taken from a queue: its text and what a worker reads in it. It is recorded as
// unacked under decoded.delivery_tag when it has one (and is not over the size limit).
struct Delivery {
    std::string raw;
    Decoded decoded;
};

// Pops up to `count` messages from `lists` (in order) and records the ones it can read as
// unacked, in one atomic step; messages over `max_bytes` are popped but not recorded.
std::vector<Delivery> fetch(Redis& r, const std::vector<std::string>& lists, std::size_t count,
                            std::uint64_t max_bytes);
// Waits up to 0.2 s for one message (BRPOP) and records it as unacked, as kombu does: the
// record is sent but its replies are left unread (`unread` grows by their number), so that the
// message's task can start at once; read them before any later reply on this connection, which
// also orders the record before the message's ack.
std::optional<Delivery> fetch_blocking(Redis& r, const std::vector<std::string>& lists,
                                       std::uint64_t max_bytes, std::size_t& unread);
// Queues (not sends) recording a delivery as unacked, as kombu does; returns the replies to
// read (0 when it has no delivery tag).
std::size_t append_record(Redis& r, const Delivery& d);

// Queues (not sends) the acknowledgement of deliveries: they leave unacked. Two replies.
void append_ack(Redis& r, const std::vector<std::string>& delivery_tags);
// Queues the storing of results, each unless a SUCCESS is already stored for its task, and
// publishes each stored one. One reply for the whole batch.
struct StoredResult {
    std::string id, meta;
};
void append_store(Redis& r, const std::vector<StoredResult>& results);
// Puts a delivered message that was not started back at the head of its queue, and acks it.
void give_back(Redis& r, std::string_view raw, std::string_view delivery_tag,
               std::string_view queue);
// Restores unacked messages delivered more than `visibility` seconds ago, under unacked_mutex
// (skipped while another worker holds it). Returns how many were restored.
std::size_t restore_visible(Redis& r, double visibility);

} // namespace parcook::queue
