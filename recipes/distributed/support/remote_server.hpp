// An object server, Pyro's Daemon: named objects whose methods clients call over the wire
// (wire.hpp). One coroutine per connection on an io_context; the calls on one object run one at
// a time (pyro-shop's concurrent deposits add exactly) while a method that awaits something
// (pyro-chain's call to the next server) lets the server serve everyone else meanwhile.
//
// What a connection may do to it: send a hello without the token when one is required (refused
// and logged with its address), a malformed body, an oversized length, a truncated frame or
// one byte a second, or nothing at all: each closes that connection with one log line (a frame
// must arrive whole within --idle-timeout of the previous reply, and a reply must be taken
// within it) and the server serves the rest.
// A method's exception becomes a remote error reply; the connection stays open.
#pragma once
#include "distributed/support/wire_io.hpp"

#include <atomic>
#include <map>
#include <mutex>

namespace parcook::wire {

struct ServerSettings {
    std::uint64_t max_frame = default_max_frame;
    Duration idle_timeout = std::chrono::seconds(30);
    std::string token; // required in every hello when not empty
    unsigned threads = 1;
    // Told "accepted" when a connection arrives and "welcome" once its hello is accepted.
    std::function<void(std::string_view peer, std::string_view event)> on_session{};
};

// What a method sees of the connection that called it.
struct Session {
    std::string peer;                // "127.0.0.1:53122"
    bool redirect_output = false;    // rpyc: this session's output goes back to the client
    std::vector<std::string> output; // lines sent to the client ahead of the reply
};

// A method: either one that answers at once (run under its object's lock, so the calls on one
// object run one at a time: pyro-shop), or a coroutine that may wait for something (run on its
// object's strand; while it waits, the server serves others: pyro-chain). One object's state is
// touched by methods of one kind only.
struct Method {
    std::function<boost::json::value(Session&, const boost::json::array&)> now;
    std::function<task<boost::json::value>(Session&, const boost::json::array&)> later;
};
template <class F>
Method plain(F f) {
    return {std::move(f), {}};
}
template <class F>
Method awaiting(F f) {
    return {{}, std::move(f)};
}
using Object = std::map<std::string, Method, std::less<>>;

// Arguments, checked: a wrong count or type is a remote TypeError.
std::string string_arg(const boost::json::array& args, std::size_t i);
std::int64_t int_arg(const boost::json::array& args, std::size_t i);

struct ServerCounts {
    std::atomic<std::uint64_t> accepted{0}, closed{0}, refused{0}, protocol_errors{0}, timed_out{0},
        calls{0};
};

class ObjectServer {
public:
    // Listens on `where` (port 0: a free one); serves once start() is called.
    ObjectServer(const tcp::endpoint& where, ServerSettings settings);
    ~ObjectServer();
    void add(std::string id, Object object); // before start()
    void start();
    void stop(); // closes everything and joins the loop threads
    tcp::endpoint endpoint() const;
    Uri uri(std::string id) const; // PYRO:<id>@<address or host name>:<port>
    const ServerCounts& counts() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// The name server's object: register(name, uri), lookup(name), list(), unregister(name).
Object name_server_object();

} // namespace parcook::wire
