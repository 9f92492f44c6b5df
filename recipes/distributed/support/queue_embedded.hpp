// The embedded default broker: a private redis-server on a unix socket in a private 0700
// directory, no TCP port, no persistence. It is ready when it answers PING; it is stopped and
// its directory removed when this object goes (also when the recipe fails), and on
// SIGINT/SIGTERM by parcook's cleanup handlers (children.hpp).
#pragma once
#include "distributed/support/queue_broker.hpp"
#include "parcook/children.hpp"

#include <optional>
#include <string>
#include <sys/types.h>

namespace parcook::queue {

// The redis-server on PATH, or "" when there is none.
std::string find_redis_server();

class EmbeddedBroker {
public:
    // Starts redis-server and waits until it answers, at most `timeout`. No redis-server on PATH
    // throws CannotRun (exit 77) naming --broker.
    explicit EmbeddedBroker(Duration timeout);
    ~EmbeddedBroker();
    EmbeddedBroker(const EmbeddedBroker&) = delete;
    EmbeddedBroker& operator=(const EmbeddedBroker&) = delete;

    const BrokerUrl& url() const { return url_; }
    pid_t pid() const { return pid_; }

private:
    void stop();
    PrivateDir dir_;
    BrokerUrl url_;
    pid_t pid_ = -1;
    int slot_ = -1;
};

// A running broker for a recipe: the private one unless settings name a URL.
class Broker {
public:
    explicit Broker(const Settings& settings);
    const BrokerUrl& url() const { return embedded_ ? embedded_->url() : url_; }
    bool embedded() const { return embedded_.has_value(); }

private:
    std::optional<EmbeddedBroker> embedded_;
    BrokerUrl url_;
};

} // namespace parcook::queue
