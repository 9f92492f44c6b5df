// What `parcook distributed stats` reports about a broker (the Flower analog): queue lengths,
// unacked deliveries and the age of the oldest, the workers alive (heartbeat keys with a TTL)
// and, per task name, how many were received, succeeded, failed, retried (redelivered) and
// rejected.
#pragma once
#include "distributed/support/queue_redis.hpp"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace parcook::queue {

struct QueueStats {
    std::map<std::string, std::uint64_t> queue_lengths; // all priorities of each queue
    std::uint64_t unacked = 0;
    double oldest_unacked_s = 0;      // age of the oldest unacked delivery
    std::vector<std::string> workers; // hostname:pid of each worker alive
    std::map<std::string, std::map<std::string, std::uint64_t>> tasks; // name -> counter -> n
};

QueueStats collect_stats(Redis& r, const std::vector<std::string>& queues);

// Splits "a,b,c" (the --queues option); throws UsageError naming `option` for an empty name.
std::vector<std::string> queue_list(std::string_view text, std::string_view option);

} // namespace parcook::queue
