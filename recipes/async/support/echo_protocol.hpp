// What async/echo's server says back on one connection, as bytes in and bytes out, with no
// sockets involved (so both server models share it and tests can feed it anything).
//
// The first byte decides the protocol of the connection: '*' or a letter is the Redis protocol
// (RESP: multibulk "*1\r\n$4\r\nPING\r\n" or an inline "PING\r\n"), anything else is raw echo.
// RESP answers PING (+PONG, or the argument as a bulk string) and ECHO (the argument); any other
// command gets an error reply and the connection stays open. Malformed RESP and any line or
// bulk string over `max_frame` get an error reply and close the connection.
#pragma once
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace parcook::async {

class EchoProtocol {
public:
    EchoProtocol(std::size_t max_frame, bool resp_allowed);

    // Consumes `in`, appending what to send back to `out`. Returns false when the connection
    // must close once `out` is sent.
    bool feed(std::string_view in, std::string& out);
    // Part of a request has arrived and the rest has not (a client stalled mid-request).
    bool mid_request() const { return !pending_.empty(); }
    std::size_t commands() const { return commands_; } // RESP commands answered

private:
    enum class Mode { unknown, raw, resp };
    // One complete command from pending_, or nothing yet; throws std::invalid_argument on
    // malformed input.
    bool next_command(std::vector<std::string>& args);
    void answer(const std::vector<std::string>& args, std::string& out);

    std::size_t max_frame_;
    Mode mode_;
    std::string pending_;
    std::size_t commands_ = 0;
};

} // namespace parcook::async
