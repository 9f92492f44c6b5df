// async/echo's server in its two models, behind one interface:
//   async:   one coroutine per connection on an io_context run by N threads (each connection's
//            coroutines on its own strand);
//   threads: one blocking thread per connection (the classic model), the same protocol.
// Both speak EchoProtocol (raw echo, and RESP PING/ECHO when allowed), close a connection that
// sent nothing for `idle_timeout` (a client stalled mid-request included), and keep serving
// everyone else whatever one connection does. stop() closes the listener and every connection
// and returns once every thread of the server has ended.
#pragma once
#include "parcook/parse.hpp"

#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <cstdint>
#include <memory>

namespace parcook::async {

struct EchoServerOptions {
    std::size_t max_frame;
    bool resp;             // RESP answered on connections that start with '*' or a letter
    Duration idle_timeout; // a connection silent this long is closed
    unsigned threads;      // async model: threads running the loop
};

struct EchoServerCounts {
    std::atomic<std::uint64_t> accepted{0}, closed{0}, timed_out{0}, protocol_errors{0},
        accept_failures{0}, bytes{0}, commands{0};
};

class EchoServer {
public:
    virtual ~EchoServer() = default;
    virtual boost::asio::ip::tcp::endpoint endpoint() const = 0;
    virtual void stop() = 0;
    const EchoServerCounts& counts() const { return counts_; }

protected:
    EchoServerCounts counts_;
};

enum class EchoModel { async, threads };

// An acceptor listening on `where` (port 0: a free one), address reuse on; throws UsageError
// naming --listen when it cannot bind. Shared with the distributed group's object servers.
boost::asio::ip::tcp::acceptor listen_on(boost::asio::io_context& io,
                                         const boost::asio::ip::tcp::endpoint& where);

// Listens on `where` (port 0: a free one) and serves until stop(). Throws UsageError when the
// address cannot be bound.
std::unique_ptr<EchoServer> start_echo_server(EchoModel model,
                                              const boost::asio::ip::tcp::endpoint& where,
                                              const EchoServerOptions& options);

} // namespace parcook::async
