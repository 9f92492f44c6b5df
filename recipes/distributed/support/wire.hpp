// The distributed group's wire: what a client and a server of pyro-*, rpyc and csp --processes
// say to each other over TCP. Pure encoding and decoding, no sockets (wire_io.hpp moves the
// frames), so the fuzz target exercises exactly what a server runs on untrusted bytes.
//
// A frame is the one of lib/parcook/frames.hpp: an 8-byte little-endian length, then that many
// bytes; a length over the reader's maximum (--max-frame, 1 MiB by default) ends the
// connection before anything is allocated. Every body is one JSON object:
//   client hello  {"hello": "parcook-wire", "version": 1, "token": "..."}   (token optional)
//   server hello  {"result": 1}  or  {"error": {"type": ..., "message": ...}} and close
//   call          {"object": "shop", "method": "deposit", "args": ["Meeta", 5000]}
//   reply         {"result": <any JSON>}  or  {"error": {"type": ..., "message": ...}}
//   output        {"output": "a line"}  (a server pushing a redirected line before the reply)
#pragma once
#include "parcook/errors.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace parcook::wire {

inline constexpr std::int64_t protocol_version = 1;
inline constexpr std::size_t header_size = 8;
inline constexpr std::uint64_t default_max_frame = 1 << 20;

// A peer broke the protocol (bad JSON, a missing field, a frame over the maximum): a server
// closes the connection with one log line naming what was wrong; a client's run fails.
struct ProtocolError : RunFailed {
    explicit ProtocolError(const std::string& why)
        : RunFailed("every peer kept to the wire protocol", why) {}
};

// A server could not be reached, closed the connection or did not answer within the timeout.
struct ConnectionError : RunFailed {
    explicit ConnectionError(const std::string& why)
        : RunFailed("every server answered within --timeout", why) {}
};

// An error raised by the remote side, raised again in the caller by the Proxy.
struct RemoteError : std::runtime_error {
    std::string type, message;
    RemoteError(std::string type_, std::string message_);
};

// The 8 bytes in front of a body of `size` bytes, and the size they announce (throws
// ProtocolError when it is over `max_size`).
std::string header(std::uint64_t size);
std::uint64_t body_size(std::string_view header, std::uint64_t max_size);
std::string frame(std::string_view body); // header(body.size()) + body

// Takes the first complete frame off the front of `bytes` (what a connection has received so
// far) and returns its body; nothing while the frame is still incomplete. Throws ProtocolError
// on a length over `max_size`, before anything is allocated for it.
std::optional<std::string> take_frame(std::string& bytes, std::uint64_t max_size);

boost::json::object parse_object(std::string_view body); // throws ProtocolError

std::string hello(std::string_view token);
// The token the hello carries ("" without one); throws ProtocolError on another protocol or
// version.
std::string read_hello(std::string_view body);
// Equal in time that depends on the lengths only, not on where the first difference is.
bool same_token(std::string_view a, std::string_view b);

struct Call {
    std::string object, method;
    boost::json::array args;
};
std::string encode_call(const Call& call);
Call decode_call(std::string_view body); // throws ProtocolError

// A reply body: a result, an error, or an output line pushed ahead of the reply.
std::string encode_result(const boost::json::value& result);
std::string encode_error(std::string_view type, std::string_view message);
std::string encode_output(std::string_view line);
struct Reply {
    std::optional<boost::json::value> result; // set for a result
    std::optional<std::string> output;        // set for an output line
    std::string error_type, error_message;    // set for an error
};
Reply decode_reply(std::string_view body); // throws ProtocolError

// URIs: "PYRO:<id>@host:port" names one object on one server, "PYRONAME:<name>" a name to
// look up in the name server.
struct Uri {
    std::string id, host;
    std::uint16_t port = 0;
    std::string str() const;
};
std::optional<Uri> parse_pyro_uri(std::string_view text);
std::optional<std::string> parse_pyroname(std::string_view text);

// "HOST:PORT" (IPv6 hosts in brackets); nothing when it has another form.
std::optional<std::pair<std::string, std::uint16_t>> parse_host_port(std::string_view text);

} // namespace parcook::wire
