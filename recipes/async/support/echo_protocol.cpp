#include "async/support/echo_protocol.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <fmt/format.h>
#include <optional>
#include <stdexcept>

namespace parcook::async {
namespace {

constexpr std::size_t most_arguments = 1024;

std::string upper(std::string_view s) {
    std::string u(s);
    for (char& c : u)
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return u;
}

std::string bulk(std::string_view s) {
    return fmt::format("${}\r\n{}\r\n", s.size(), s);
}

// A command name fit for an error reply: printable, short.
std::string printable(std::string_view s) {
    std::string out;
    for (char c : s.substr(0, 32))
        out += std::isprint(static_cast<unsigned char>(c)) && c != '\'' ? c : '?';
    return out;
}

// "<digits>\r\n" at the start of `s` after a one-character prefix; returns the number and the
// header's length, or nothing when the line is not complete yet.
std::optional<std::pair<long long, std::size_t>> header(std::string_view s, std::size_t max_line) {
    const auto end = s.find("\r\n");
    if (end == std::string_view::npos) {
        if (s.size() > max_line)
            throw std::invalid_argument("too big header");
        return std::nullopt;
    }
    long long value = 0;
    const auto [ptr, ec] = std::from_chars(s.data() + 1, s.data() + end, value);
    if (ec != std::errc() || ptr != s.data() + end)
        throw std::invalid_argument(
            fmt::format("invalid {} count", s[0] == '*' ? "multibulk" : "bulk"));
    return std::pair(value, end + 2);
}

} // namespace

EchoProtocol::EchoProtocol(std::size_t max_frame, bool resp_allowed)
    : max_frame_(max_frame), mode_(resp_allowed ? Mode::unknown : Mode::raw) {}

bool EchoProtocol::feed(std::string_view in, std::string& out) {
    if (in.empty())
        return true;
    if (mode_ == Mode::unknown)
        mode_ = in[0] == '*' || std::isalpha(static_cast<unsigned char>(in[0])) ? Mode::resp
                                                                                : Mode::raw;
    if (mode_ == Mode::raw) {
        out.append(in);
        return true;
    }
    pending_.append(in);
    std::vector<std::string> args;
    try {
        while (next_command(args))
            if (!args.empty())
                answer(args, out);
    } catch (const std::invalid_argument& e) {
        out += fmt::format("-ERR Protocol error: {}\r\n", e.what());
        pending_.clear();
        return false;
    }
    return true;
}

bool EchoProtocol::next_command(std::vector<std::string>& args) {
    args.clear();
    std::string_view s = pending_;
    if (s.empty())
        return false;
    std::size_t used = 0;
    if (s[0] == '*') { // multibulk: *<n>\r\n then n x $<len>\r\n<bytes>\r\n
        const auto count = header(s, 32);
        if (!count)
            return false;
        if (count->first < 0 || static_cast<std::size_t>(count->first) > most_arguments)
            throw std::invalid_argument("invalid multibulk length");
        used = count->second;
        for (long long i = 0; i < count->first; ++i) {
            const std::string_view rest = s.substr(used);
            if (rest.empty())
                return false;
            if (rest[0] != '$')
                throw std::invalid_argument(
                    fmt::format("expected '$', got '{}'", printable(rest.substr(0, 1))));
            const auto length = header(rest, 32);
            if (!length)
                return false;
            if (length->first < 0 || static_cast<std::size_t>(length->first) > max_frame_)
                throw std::invalid_argument("invalid bulk length");
            const auto size = static_cast<std::size_t>(length->first);
            if (rest.size() < length->second + size + 2)
                return false;
            if (rest.substr(length->second + size, 2) != "\r\n")
                throw std::invalid_argument("bulk string not followed by CRLF");
            args.emplace_back(rest.substr(length->second, size));
            used += length->second + size + 2;
        }
    } else { // inline: words up to the end of the line
        const auto end = s.find('\n');
        if (end == std::string_view::npos) {
            if (s.size() > max_frame_)
                throw std::invalid_argument("too big inline request");
            return false;
        }
        std::string_view line = s.substr(0, end);
        if (line.ends_with('\r'))
            line.remove_suffix(1);
        for (std::size_t b = 0; b < line.size();) {
            while (b < line.size() && line[b] == ' ')
                ++b;
            std::size_t e = b;
            while (e < line.size() && line[e] != ' ')
                ++e;
            if (e > b)
                args.emplace_back(line.substr(b, e - b));
            b = e;
        }
        used = end + 1;
    }
    pending_.erase(0, used);
    return true;
}

void EchoProtocol::answer(const std::vector<std::string>& args, std::string& out) {
    ++commands_;
    const std::string name = upper(args[0]);
    if (name == "PING" && args.size() <= 2)
        out += args.size() == 1 ? "+PONG\r\n" : bulk(args[1]);
    else if (name == "ECHO" && args.size() == 2)
        out += bulk(args[1]);
    else if (name == "PING" || name == "ECHO")
        out +=
            fmt::format("-ERR wrong number of arguments for '{}' command\r\n", printable(args[0]));
    else
        out += fmt::format("-ERR unknown command '{}'\r\n", printable(args[0]));
}

} // namespace parcook::async
