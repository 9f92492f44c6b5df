#include "distributed/support/queue_message.hpp"

#include "parcook/host.hpp"

#include <algorithm>
#include <array>
#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <cctype>
#include <chrono>
#include <ctime>
#include <fmt/chrono.h>
#include <fmt/format.h>
#include <random>
#include <unistd.h>

namespace parcook::queue {
namespace json = boost::json;

namespace {

constexpr std::string_view alphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

std::string origin() {
    return fmt::format("gen{}@{}", ::getpid(), host().hostname);
}

// Celery's date_done: ISO 8601 in UTC without a zone, microseconds.
std::string now_iso() {
    const auto now = std::chrono::system_clock::now();
    const auto us = std::chrono::duration_cast<std::chrono::microseconds>(now.time_since_epoch());
    const std::time_t second = std::chrono::system_clock::to_time_t(now);
    thread_local std::time_t formatted = -1; // the calendar part changes once a second
    thread_local std::string date;
    if (second != formatted) {
        date = fmt::format("{:%Y-%m-%dT%H:%M:%S}", fmt::gmtime(second));
        formatted = second;
    }
    return fmt::format("{}.{:06d}", date, us.count() % 1000000);
}

// The text of the first `"key": "text"` in an envelope too large to parse, found without
// parsing: the body is base64 (no quotes in it), and a key inside an escaped string reads
// \"key\", so the first match is a header's. Empty when there is none or it is not an id-like
// token (letters, digits, '-', '_', '.', at most 200 characters).
std::string unparsed_header(std::string_view raw, std::string_view key) {
    const std::string quoted = "\"" + std::string(key) + "\"";
    for (std::size_t at = raw.find(quoted); at != std::string_view::npos;
         at = raw.find(quoted, at + 1)) {
        std::size_t i = at + quoted.size();
        while (i < raw.size() && raw[i] == ' ')
            ++i;
        if (i >= raw.size() || raw[i] != ':')
            continue;
        ++i;
        while (i < raw.size() && raw[i] == ' ')
            ++i;
        if (i >= raw.size() || raw[i] != '"')
            continue;
        const std::size_t begin = ++i;
        while (i < raw.size() && i - begin <= 200 &&
               (std::isalnum(static_cast<unsigned char>(raw[i])) || raw[i] == '-' ||
                raw[i] == '_' || raw[i] == '.'))
            ++i;
        if (i < raw.size() && raw[i] == '"' && i > begin && i - begin <= 200)
            return std::string(raw.substr(begin, i - begin));
    }
    return {};
}

const json::string* string_at(const json::object& o, std::string_view key) {
    const json::value* v = o.if_contains(key);
    return v ? v->if_string() : nullptr;
}

// Where Python finds the exception class a FAILURE result names.
std::string_view exc_module(std::string_view exc_type) {
    if (exc_type == "NotRegistered")
        return "celery.exceptions";
    if (exc_type == "DecodeError" || exc_type == "ContentDisallowed")
        return "kombu.exceptions";
    return "builtins";
}

} // namespace

std::string new_uuid(std::string_view first) {
    thread_local std::mt19937_64 rng{std::random_device{}() ^
                                     (static_cast<std::uint64_t>(::getpid()) << 32)};
    std::array<std::uint8_t, 16> b;
    for (std::size_t i = 0; i < 16; i += 8) {
        const std::uint64_t r = rng();
        for (std::size_t k = 0; k < 8; ++k)
            b[i + k] = static_cast<std::uint8_t>(r >> (8 * k));
    }
    b[6] = static_cast<std::uint8_t>((b[6] & 0x0f) | 0x40);
    b[8] = static_cast<std::uint8_t>((b[8] & 0x3f) | 0x80);
    constexpr char hex[] = "0123456789abcdef";
    std::string s;
    s.reserve(36);
    for (std::size_t i = 0; i < 16; ++i) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            s += '-';
        s += hex[b[i] >> 4];
        s += hex[b[i] & 0xf];
    }
    s.replace(0, std::min<std::size_t>(first.size(), 8), first.substr(0, 8));
    return s;
}

std::string base64_encode(std::string_view bytes) {
    std::string out;
    out.reserve((bytes.size() + 2) / 3 * 4);
    std::size_t i = 0;
    for (; i + 2 < bytes.size(); i += 3) {
        const unsigned v = static_cast<unsigned char>(bytes[i]) << 16 |
                           static_cast<unsigned char>(bytes[i + 1]) << 8 |
                           static_cast<unsigned char>(bytes[i + 2]);
        for (int s = 18; s >= 0; s -= 6)
            out += alphabet[(v >> s) & 63];
    }
    if (const std::size_t left = bytes.size() - i; left > 0) {
        unsigned v = static_cast<unsigned char>(bytes[i]) << 16;
        if (left == 2)
            v |= static_cast<unsigned char>(bytes[i + 1]) << 8;
        out += alphabet[(v >> 18) & 63];
        out += alphabet[(v >> 12) & 63];
        out += left == 2 ? alphabet[(v >> 6) & 63] : '=';
        out += '=';
    }
    return out;
}

std::optional<std::string> base64_decode(std::string_view text) {
    std::string out;
    out.reserve(text.size() / 4 * 3);
    unsigned v = 0;
    int bits = 0;
    std::size_t pad = 0;
    for (char c : text) {
        if (c == '=') {
            ++pad;
            continue;
        }
        const auto at = alphabet.find(c);
        if (at == std::string_view::npos || pad > 0)
            return std::nullopt;
        v = (v << 6) | static_cast<unsigned>(at);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out += static_cast<char>((v >> bits) & 0xff);
        }
    }
    if (pad > 2 || (text.size() % 4) != 0)
        return std::nullopt;
    return out;
}

std::string args_repr(const json::array& args) {
    std::string s = "(";
    for (std::size_t i = 0; i < args.size(); ++i)
        s += (i ? ", " : "") + json::serialize(args[i]);
    return s + (args.size() == 1 ? ",)" : ")");
}

TaskMessage make_task(std::string task, json::array args, std::string queue, std::string id) {
    TaskMessage m;
    m.task = std::move(task);
    m.id = std::move(id);
    m.args = std::move(args);
    m.queue = std::move(queue);
    m.delivery_tag = new_uuid();
    return m;
}

std::string encode(const TaskMessage& m) {
    // The envelope's parts live in one arena on the stack, released together.
    unsigned char space[4096];
    json::monotonic_resource arena(space, sizeof space);
    const json::storage_ptr sp(&arena);
    const json::array body(
        {m.args,
         m.kwargs,
         {{"callbacks", nullptr}, {"errbacks", nullptr}, {"chain", nullptr}, {"chord", nullptr}}},
        sp);
    const json::object envelope({{"body", base64_encode(json::serialize(body))},
                                 {"content-encoding", "utf-8"},
                                 {"content-type", "application/json"},
                                 {"headers",
                                  {{"lang", "py"},
                                   {"task", m.task},
                                   {"id", m.id},
                                   {"shadow", nullptr},
                                   {"eta", nullptr},
                                   {"expires", nullptr},
                                   {"group", nullptr},
                                   {"group_index", nullptr},
                                   {"retries", 0},
                                   {"timelimit", {nullptr, nullptr}},
                                   {"root_id", m.id},
                                   {"parent_id", nullptr},
                                   {"argsrepr", args_repr(m.args)},
                                   {"kwargsrepr", "{}"},
                                   {"origin", origin()},
                                   {"ignore_result", false}}},
                                 {"properties",
                                  {{"correlation_id", m.id},
                                   {"reply_to", new_uuid()},
                                   {"delivery_mode", 2},
                                   {"delivery_info", {{"exchange", ""}, {"routing_key", m.queue}}},
                                   {"priority", 0},
                                   {"body_encoding", "base64"},
                                   {"delivery_tag", m.delivery_tag}}}},
                                sp);
    return json::serialize(envelope);
}

Decoded decode(std::string_view raw, std::uint64_t max_bytes) {
    Decoded d;
    if (raw.size() > max_bytes) {
        d.error = fmt::format("message of {} bytes is over --max-message ({} bytes)", raw.size(),
                              max_bytes);
        d.id = unparsed_header(raw, "id"); // so the sender gets a FAILURE that says why
        d.task = unparsed_header(raw, "task");
        return d;
    }
    // The parsed envelope and body live in one arena, released together; what the message
    // keeps is copied out of it.
    unsigned char space[8192];
    json::monotonic_resource arena(space, sizeof space);
    boost::system::error_code ec;
    const json::value v = json::parse(raw, ec, &arena);
    const json::object* env = ec ? nullptr : v.if_object();
    if (!env) {
        d.error = "not a JSON object (a kombu envelope)";
        return d;
    }
    const json::object* headers =
        env->contains("headers") ? env->at("headers").if_object() : nullptr;
    const json::object* props =
        env->contains("properties") ? env->at("properties").if_object() : nullptr;
    if (props) {
        if (const json::string* tag = string_at(*props, "delivery_tag"))
            d.delivery_tag = *tag;
        const json::value* info = props->if_contains("delivery_info");
        if (info && info->is_object()) {
            if (const json::string* ex = string_at(info->as_object(), "exchange"))
                d.exchange = *ex;
            if (const json::string* rk = string_at(info->as_object(), "routing_key"))
                d.routing_key = *rk;
        }
    }
    const json::string* id = headers ? string_at(*headers, "id") : nullptr;
    const json::string* task = headers ? string_at(*headers, "task") : nullptr;
    if (id)
        d.id = *id;
    if (task)
        d.task = *task;
    const json::string* body = string_at(*env, "body");
    const json::string* type = string_at(*env, "content-type");
    if (!headers || !props || !body || !id || !task) {
        d.error = "not a Celery protocol v2 message (headers.id, headers.task, body, properties)";
        return d;
    }
    if (!type || *type != "application/json") {
        d.exc_type = "ContentDisallowed";
        d.error = "content-type is not application/json (only JSON is accepted, never pickle)";
        return d;
    }
    std::optional<std::string> text = std::string(*body);
    if (const json::string* enc = string_at(*props, "body_encoding"); enc && *enc == "base64")
        text = base64_decode(*body);
    const json::value b = text ? json::parse(*text, ec, &arena) : json::value();
    const json::array* parts = (text && !ec) ? b.if_array() : nullptr;
    if (!parts || parts->size() != 3 || !(*parts)[0].is_array() || !(*parts)[1].is_object()) {
        d.error = "body is not [args, kwargs, embed]";
        return d;
    }
    TaskMessage m;
    m.task = *task;
    m.id = *id;
    m.args = (*parts)[0].as_array();
    m.kwargs = (*parts)[1].as_object();
    m.delivery_tag = d.delivery_tag;
    if (const json::value* r = headers->if_contains("redelivered"))
        m.redelivered = r->is_bool() && r->as_bool();
    if (!d.routing_key.empty())
        m.queue = d.routing_key;
    d.message = std::move(m);
    return d;
}

std::string result_key(std::string_view id) {
    return fmt::format("celery-task-meta-{}", id);
}

std::string success_meta(std::string_view id, const json::value& result) {
    return json::serialize(json::object{{"status", "SUCCESS"},
                                        {"result", result},
                                        {"traceback", nullptr},
                                        {"children", json::array{}},
                                        {"date_done", now_iso()},
                                        {"task_id", id}});
}

std::string failure_meta(std::string_view id, std::string_view exc_type,
                         std::string_view exc_message) {
    const json::object exc{{"exc_type", exc_type},
                           {"exc_message", json::array{exc_message}},
                           {"exc_module", exc_module(exc_type)}};
    return json::serialize(
        json::object{{"status", "FAILURE"},
                     {"result", exc},
                     {"traceback", fmt::format("{}: {}\n", exc_type, exc_message)},
                     {"children", json::array{}},
                     {"date_done", now_iso()},
                     {"task_id", id}});
}

} // namespace parcook::queue
