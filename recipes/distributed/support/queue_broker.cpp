#include "distributed/support/queue_broker.hpp"

#include "parcook/context.hpp"
#include "parcook/errors.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdlib>
#include <fmt/format.h>
#include <fstream>
#include <sstream>

namespace parcook::queue {
namespace {

// The text with any password replaced, for messages about a URL that did not parse.
std::string mask_text(std::string_view text) {
    const auto scheme = text.find("://");
    const auto at = text.rfind('@');
    if (scheme == std::string_view::npos || at == std::string_view::npos || at < scheme)
        return quote_input(text);
    return quote_input(fmt::format("{}://****{}", text.substr(0, scheme), text.substr(at)));
}

int number(std::string_view text, int min, int max, std::string_view what, std::string_view option,
           std::string_view url) {
    int v = -1;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc{} || end != text.data() + text.size() || v < min || v > max)
        throw UsageError(
            fmt::format("{}: {} in {} must be {}..{}", option, what, mask_text(url), min, max));
    return v;
}

// A URL's user or password with %XX escapes decoded (as kombu reads them).
std::string percent_decoded(std::string_view text, std::string_view option, std::string_view url) {
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '%') {
            out += text[i];
            continue;
        }
        unsigned byte = 0;
        const char* from = text.data() + i + 1;
        const auto [end, ec] =
            std::from_chars(from, from + std::min<std::size_t>(2, text.size() - i - 1), byte, 16);
        if (ec != std::errc{} || end != from + 2)
            throw UsageError(
                fmt::format("{}: a % in the user or password of {} must start a %XX escape", option,
                            mask_text(url)));
        out += static_cast<char>(byte);
        i += 2;
    }
    return out;
}

// The inverse for str(): everything but unreserved characters escaped.
std::string percent_encoded(std::string_view text) {
    std::string out;
    for (const char c : text) {
        if (std::isalnum(static_cast<unsigned char>(c)) ||
            std::string_view("-._~").find(c) != std::string_view::npos)
            out += c;
        else
            out += fmt::format("%{:02X}", static_cast<unsigned char>(c));
    }
    return out;
}

} // namespace

std::string BrokerUrl::text(bool mask) const {
    const std::string auth =
        user.empty() && password.empty()
            ? ""
            : fmt::format("{}:{}@", percent_encoded(user),
                          mask && !password.empty() ? "****" : percent_encoded(password));
    if (!socket.empty())
        return fmt::format("unix://{}{}?db={}", auth, socket, db);
    const bool ipv6 = host.find(':') != std::string::npos;
    return fmt::format("redis://{}{}{}{}:{}/{}", auth, ipv6 ? "[" : "", host, ipv6 ? "]" : "", port,
                       db);
}

BrokerUrl parse_broker_url(std::string_view text, std::string_view option) {
    BrokerUrl url;
    std::string_view rest;
    const bool unix_socket = text.starts_with("unix://");
    if (unix_socket)
        rest = text.substr(7);
    else if (text.starts_with("redis://"))
        rest = text.substr(8);
    else
        throw UsageError(fmt::format("{}: {} is not redis://[[user]:password@]host:port[/db] or "
                                     "unix:///path",
                                     option, mask_text(text)));
    if (const auto at = rest.rfind('@'); at != std::string_view::npos) {
        const std::string_view auth = rest.substr(0, at);
        const auto colon = auth.find(':');
        if (colon == std::string_view::npos) { // redis-cli's reading: the password alone
            url.password = percent_decoded(auth, option, text);
        } else {
            url.user = percent_decoded(auth.substr(0, colon), option, text);
            url.password = percent_decoded(auth.substr(colon + 1), option, text);
        }
        rest = rest.substr(at + 1);
    }
    if (unix_socket) {
        const auto query = rest.find('?');
        url.socket = rest.substr(0, query);
        if (query != std::string_view::npos) {
            const std::string_view q = rest.substr(query + 1);
            if (!q.starts_with("db="))
                throw UsageError(fmt::format("{}: only ?db=N may follow the socket path in {}",
                                             option, mask_text(text)));
            url.db = number(q.substr(3), 0, 15, "the database", option, text);
        }
        if (!url.socket.starts_with('/'))
            throw UsageError(
                fmt::format("{}: the socket path in {} must be absolute", option, mask_text(text)));
        return url;
    }
    const auto slash = rest.find('/');
    std::string_view hostport = rest.substr(0, slash);
    if (slash != std::string_view::npos && slash + 1 < rest.size())
        url.db = number(rest.substr(slash + 1), 0, 15, "the database", option, text);
    if (hostport.starts_with('[')) { // an IPv6 address: [::1]:6379
        const auto close = hostport.find(']');
        if (close == std::string_view::npos ||
            (close + 1 < hostport.size() && hostport[close + 1] != ':'))
            throw UsageError(fmt::format("{}: an IPv6 host in {} is written [address]:port", option,
                                         mask_text(text)));
        url.host = hostport.substr(1, close - 1);
        hostport = hostport.substr(close + 1);
        if (!hostport.empty())
            url.port = number(hostport.substr(1), 1, 65535, "the port", option, text);
    } else {
        const auto colon = hostport.find(':');
        if (colon != std::string_view::npos) {
            url.port = number(hostport.substr(colon + 1), 1, 65535, "the port", option, text);
            hostport = hostport.substr(0, colon);
        }
        url.host = hostport;
    }
    if (url.host.empty())
        throw UsageError(fmt::format("{}: no host in {}", option, mask_text(text)));
    return url;
}

std::vector<OptionSpec> broker_options() {
    return {
        text_option("broker", "",
                    "use a running Redis: redis://[[user]:password@]host:port[/db] or unix:///path "
                    "(default: $PARCOOK_BROKER, else a private redis-server)"),
        text_option("broker-file", "",
                    "read the broker URL from this file (keeps a password "
                    "out of ps)"),
        duration_option("timeout", "30s",
                        "bound of every wait for the broker, a worker or a result",
                        std::chrono::milliseconds(10)),
        duration_option("visibility-timeout", "0",
                        "an unacked task older than this goes to another worker (0: 5s with a "
                        "private broker, Celery's 1h on a running one)"),
        bytes_option("max-message", "16MiB", "larger task messages are rejected", INT64_C(1) << 30,
                     4096),
    };
}

Settings settings(const Context& ctx) {
    Settings s;
    std::string text;
    std::string_view from = "--broker";
    if (ctx.given("broker")) {
        text = ctx.text("broker");
    } else if (ctx.given("broker-file")) {
        from = "--broker-file";
        std::ifstream in(ctx.text("broker-file"));
        if (!in)
            throw UsageError(
                fmt::format("--broker-file: cannot read {}", quote_input(ctx.text("broker-file"))));
        std::getline(in, text);
    } else if (const char* env = std::getenv("PARCOOK_BROKER"); env && *env) {
        from = "PARCOOK_BROKER";
        text = env;
    }
    if (!text.empty()) {
        s.embedded = false;
        s.url = parse_broker_url(text, from);
    }
    s.timeout = ctx.duration("timeout");
    s.visibility_timeout = ctx.duration("visibility-timeout");
    if (s.visibility_timeout == Duration::zero())
        s.visibility_timeout = s.embedded ? std::chrono::seconds(5) : std::chrono::hours(1);
    s.max_message = ctx.bytes("max-message");
    return s;
}

} // namespace parcook::queue
