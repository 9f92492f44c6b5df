// The task queue's worker: `parcook distributed worker` and the worker processes the recipes
// start. Each of --concurrency executor threads takes its own messages from the queues' lists
// (a batch while tasks are short, recorded as unacked as it takes them), runs them, writes the
// results in Celery's result-backend format and only then acks (at-least-once). One more thread
// keeps a heartbeat key with a TTL, moves on the delivery time of what the worker holds, and
// restores unacked messages older than the visibility timeout (a worker that died). Unreadable,
// oversized or unknown tasks are rejected with one log line (and a FAILURE result when they
// carry an id); the worker keeps serving.
#pragma once
#include "distributed/support/queue_broker.hpp"

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace parcook::queue {

struct WorkerConfig {
    BrokerUrl url;
    unsigned concurrency = 1;
    std::vector<std::string> queues{"celery"};
    Duration timeout;
    Duration visibility_timeout;
    std::uint64_t max_message = 16 << 20;
    std::uint64_t max_tasks = 0; // stop after this many messages (0: until stopped)
    bool log_tasks = true;       // Celery's Received and succeeded lines for every task
};

struct WorkerTotals {
    std::uint64_t received = 0, succeeded = 0, failed = 0, rejected = 0, restored = 0;
};

using LogLine = std::function<void(const std::string&)>;

// Serves until `stop` is set or max_tasks messages were handled (warm shutdown: running tasks
// finish, fetched ones not started go back to their queue). Throws BrokerError when the
// broker is lost.
WorkerTotals serve(const WorkerConfig& config, const std::atomic<bool>& stop, const LogLine& log);

// SIGINT and SIGTERM set the returned flag (warm shutdown); a second one exits at once.
const std::atomic<bool>& stop_on_signals();

} // namespace parcook::queue
