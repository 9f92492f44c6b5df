// The task queue's client, Celery's delay() and AsyncResult.get(): send() subscribes to the
// tasks' result channels (for a large batch, to the pattern of this client's), then LPUSHes their
// messages in one command per batch (FIFO: the first sent is the first a worker takes) and returns
// the ids; collect() waits for the results as the workers PUBLISH them (reading the stored result
// when a message was missed), each id once however many times its task ran. Every wait is bounded:
// no result within the timeout (no worker, a stalled one) or a lost broker is a BrokerError that
// says so.
#pragma once
#include "distributed/support/queue_redis.hpp"

#include <boost/json/array.hpp>
#include <boost/json/value.hpp>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

namespace parcook::queue {

// A task ended in FAILURE (its exception type and message, as the result backend has them).
struct TaskFailed : std::runtime_error {
    using std::runtime_error::runtime_error;
};

class Client {
public:
    Client(const BrokerUrl& url, Duration timeout, std::string queue = "celery");

    // Sends one task per argument list; returns their ids in the same order.
    std::vector<std::string> send(std::string_view task,
                                  const std::vector<boost::json::array>& arguments);
    std::string delay(std::string_view task, boost::json::array arguments);

    // Calls `on_result(index in ids, result)` as each result arrives (as completed); throws
    // TaskFailed for a FAILURE, BrokerError when nothing arrived within the timeout.
    void collect(const std::vector<std::string>& ids,
                 const std::function<void(std::size_t, const boost::json::value&)>& on_result);
    // The results in the order of ids (Celery's map).
    std::vector<boost::json::value> get(const std::vector<std::string>& ids);
    boost::json::value get(const std::string& id);

    Redis& commands() { return commands_; }

private:
    std::string queue_;
    std::string id_prefix_;    // the first 8 hex digits of every task id this client sends
    Redis commands_, results_; // results_ is subscribed to the pending results' channels
    bool pattern_ = false;     // results_ is subscribed to all of this client's result channels
};

} // namespace parcook::queue
