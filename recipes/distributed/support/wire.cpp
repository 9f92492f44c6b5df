#include "distributed/support/wire.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <charconv>
#include <fmt/format.h>

namespace parcook::wire {
namespace json = boost::json;

RemoteError::RemoteError(std::string type_, std::string message_)
    : std::runtime_error(fmt::format("{}: {}", type_, message_)), type(std::move(type_)),
      message(std::move(message_)) {}

std::string header(std::uint64_t size) {
    std::string h(header_size, '\0');
    for (std::size_t i = 0; i < header_size; ++i)
        h[i] = static_cast<char>((size >> (8 * i)) & 0xff);
    return h;
}

std::uint64_t body_size(std::string_view h, std::uint64_t max_size) {
    std::uint64_t size = 0;
    for (std::size_t i = 0; i < header_size; ++i)
        size |= std::uint64_t{static_cast<unsigned char>(h[i])} << (8 * i);
    if (size > max_size)
        throw ProtocolError(
            fmt::format("a frame of {} bytes, over the maximum {}", size, max_size));
    return size;
}

std::string frame(std::string_view body) {
    return header(body.size()).append(body);
}

std::optional<std::string> take_frame(std::string& bytes, std::uint64_t max_size) {
    if (bytes.size() < header_size)
        return std::nullopt;
    const std::uint64_t size = body_size(std::string_view(bytes).substr(0, header_size), max_size);
    if (bytes.size() - header_size < size)
        return std::nullopt;
    std::string body = bytes.substr(header_size, size);
    bytes.erase(0, header_size + size);
    return body;
}

json::object parse_object(std::string_view body) {
    boost::system::error_code ec;
    json::value v = json::parse(body, ec);
    if (ec)
        throw ProtocolError(fmt::format("a body that is not JSON ({})", ec.message()));
    if (!v.is_object())
        throw ProtocolError("a body that is not a JSON object");
    return std::move(v.as_object());
}

namespace {

const json::string& string_field(const json::object& o, std::string_view key) {
    const json::value* v = o.if_contains(key);
    if (!v || !v->is_string())
        throw ProtocolError(fmt::format("no string \"{}\"", key));
    return v->get_string();
}

} // namespace

std::string hello(std::string_view token) {
    json::object o{{"hello", "parcook-wire"}, {"version", protocol_version}};
    if (!token.empty())
        o["token"] = token;
    return json::serialize(o);
}

std::string read_hello(std::string_view body) {
    const json::object o = parse_object(body);
    if (string_field(o, "hello") != "parcook-wire")
        throw ProtocolError("a hello of another protocol");
    const json::value* version = o.if_contains("version");
    if (!version || !version->is_int64() || version->get_int64() != protocol_version)
        throw ProtocolError(fmt::format("a hello without protocol version {}", protocol_version));
    return o.contains("token") ? std::string(string_field(o, "token")) : std::string();
}

bool same_token(std::string_view a, std::string_view b) {
    // Every byte of the longer one is read whatever the contents; volatile keeps the compiler
    // from stopping at the first difference.
    volatile unsigned char diff = a.size() == b.size() ? 0 : 1;
    const std::size_t n = std::max(a.size(), b.size());
    for (std::size_t i = 0; i < n; ++i)
        diff = diff |
               static_cast<unsigned char>((i < a.size() ? a[i] : 0) ^ (i < b.size() ? b[i] : 0));
    return diff == 0;
}

std::string encode_call(const Call& call) {
    return json::serialize(
        json::object{{"object", call.object}, {"method", call.method}, {"args", call.args}});
}

Call decode_call(std::string_view body) {
    const json::object o = parse_object(body);
    const json::value* args = o.if_contains("args");
    if (args && !args->is_array())
        throw ProtocolError("\"args\" is not an array");
    return {std::string(string_field(o, "object")), std::string(string_field(o, "method")),
            args ? args->get_array() : json::array()};
}

std::string encode_result(const json::value& result) {
    return json::serialize(json::object{{"result", result}});
}

std::string encode_error(std::string_view type, std::string_view message) {
    return json::serialize(json::object{{"error", {{"type", type}, {"message", message}}}});
}

std::string encode_output(std::string_view line) {
    return json::serialize(json::object{{"output", line}});
}

Reply decode_reply(std::string_view body) {
    json::object o = parse_object(body);
    Reply r;
    if (json::value* v = o.if_contains("result")) {
        r.result = std::move(*v);
    } else if (o.contains("output")) {
        r.output = std::string(string_field(o, "output"));
    } else if (json::value* e = o.if_contains("error"); e && e->is_object()) {
        r.error_type = string_field(e->get_object(), "type");
        r.error_message = string_field(e->get_object(), "message");
    } else {
        throw ProtocolError("a reply with neither result, output nor error");
    }
    return r;
}

std::string Uri::str() const {
    return fmt::format("PYRO:{}@{}:{}", id,
                       host.find(':') == std::string::npos ? host : "[" + host + "]", port);
}

std::optional<std::pair<std::string, std::uint16_t>> parse_host_port(std::string_view text) {
    const auto colon = text.rfind(':');
    if (colon == std::string_view::npos || colon == 0)
        return std::nullopt;
    std::string_view host = text.substr(0, colon), port = text.substr(colon + 1);
    if (host.size() > 2 && host.front() == '[' && host.back() == ']')
        host = host.substr(1, host.size() - 2);
    unsigned value = 0;
    const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (ec != std::errc() || end != port.data() + port.size() || port.empty() || value > 65535)
        return std::nullopt;
    return std::pair{std::string(host), static_cast<std::uint16_t>(value)};
}

std::optional<Uri> parse_pyro_uri(std::string_view text) {
    constexpr std::string_view scheme = "PYRO:";
    if (!text.starts_with(scheme))
        return std::nullopt;
    text.remove_prefix(scheme.size());
    const auto at = text.find('@');
    if (at == std::string_view::npos || at == 0)
        return std::nullopt;
    const auto where = parse_host_port(text.substr(at + 1));
    if (!where)
        return std::nullopt;
    return Uri{std::string(text.substr(0, at)), where->first, where->second};
}

std::optional<std::string> parse_pyroname(std::string_view text) {
    constexpr std::string_view scheme = "PYRONAME:";
    if (!text.starts_with(scheme) || text.size() == scheme.size())
        return std::nullopt;
    return std::string(text.substr(scheme.size()));
}

} // namespace parcook::wire
