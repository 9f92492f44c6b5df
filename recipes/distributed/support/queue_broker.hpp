// The task queue's broker address and settings: a Redis URL
// (redis://[[user]:password@]host:port[/db], an IPv6 host in brackets, the user and password
// %XX-escaped as kombu reads them; or unix:///path[?db=N]) from --broker, the PARCOOK_BROKER
// environment variable or
// --broker-file (so a password need not appear in `ps`), and the timeouts every wait is bounded
// by. The password is kept out of every message: masked() is the only form that is printed.
#pragma once
#include "parcook/options.hpp"
#include "parcook/parse.hpp"

#include <string>
#include <vector>

namespace parcook {
class Context;
}

namespace parcook::queue {

struct BrokerUrl {
    std::string host; // empty for a unix socket
    int port = 6379;
    std::string socket;   // unix socket path
    std::string user;     // a Redis 6 ACL user; empty: AUTH with the password alone
    std::string password; // empty: no AUTH
    int db = 0;

    std::string str() const { return text(false); }   // with the password: never print it
    std::string masked() const { return text(true); } // the password as ****

private:
    std::string text(bool mask) const;
};

// Parses a URL; throws UsageError naming `option`, with the text masked.
BrokerUrl parse_broker_url(std::string_view text, std::string_view option);

// The options of every task-queue recipe and command (the rpc recipes of the group do not
// take them): --broker, --broker-file, --timeout, --visibility-timeout, --max-message.
std::vector<OptionSpec> broker_options();

struct Settings {
    bool embedded = true; // no URL given: start a private redis-server
    BrokerUrl url;
    Duration timeout;            // the bound of every wait for the broker or a result
    Duration visibility_timeout; // an unacked task older than this is given to another worker
    std::uint64_t max_message;   // larger messages are rejected
};
// From the options: --broker, else --broker-file, else $PARCOOK_BROKER, else embedded.
Settings settings(const Context& ctx);

} // namespace parcook::queue
