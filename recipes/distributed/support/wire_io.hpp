// The wire (wire.hpp) on sockets: frames read and written by coroutines on an io_context (the
// servers, and calls a server makes while it serves), and the blocking Proxy a client uses.
//
//     wire::Proxy shop(wire::Uri{"shop", "127.0.0.1", port}, settings);
//     shop.call("deposit", {"Meeta", 5000});        // throws wire::RemoteError from the server
#pragma once
#include "async/support/loop.hpp"
#include "distributed/support/wire.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <functional>
#include <memory>

namespace parcook::wire {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using async::task;

// What a client needs to reach a server: the limits and the shared token ("" for none).
struct ClientSettings {
    std::uint64_t max_frame = default_max_frame;
    Duration timeout = std::chrono::seconds(10); // connecting, and each call
    std::string token;
};

// One frame's body; throws ProtocolError (oversized) or boost::system::system_error (closed).
task<std::string> read_frame(tcp::socket& socket, std::uint64_t max_size);
task<> write_frame(tcp::socket& socket, std::string_view body);

// The address of a host name or literal ("localhost", "127.0.0.1", "::1"); throws
// ConnectionError when it does not resolve.
tcp::endpoint resolve(const std::string& host, std::uint16_t port);

// A blocking client of one object: connects and greets at construction, then one call at a
// time, each bounded by settings.timeout. Not thread-safe: one Proxy per thread.
class Proxy {
public:
    Proxy(const Uri& uri, const ClientSettings& settings);
    ~Proxy();
    Proxy(Proxy&&) noexcept;
    Proxy& operator=(Proxy&&) noexcept;

    // The result, or RemoteError as the server raised it; ConnectionError when the
    // connection fails or a reply does not come within the timeout.
    boost::json::value call(std::string method, boost::json::array args = {});
    // Where lines the server sends back (rpyc's redirected output) go; dropped without it.
    std::function<void(std::string_view)> on_output;
    const Uri& uri() const;

private:
    struct State;
    std::unique_ptr<State> state_;
};

// The same call made from a coroutine, on a fresh connection, so a server keeps serving while
// it waits (pyro-chain). Bounded by settings.timeout.
task<boost::json::value> call_async(Uri uri, std::string method, boost::json::array args,
                                    ClientSettings settings);

// "PYRO:..." as it is, or "PYRONAME:<name>" looked up in the name server at `name_server`.
Uri locate(std::string_view uri, const Uri& name_server, const ClientSettings& settings);
inline constexpr std::string_view name_server_id = "Pyro.NameServer";

} // namespace parcook::wire
