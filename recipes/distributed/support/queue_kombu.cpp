#include "distributed/support/queue_kombu.hpp"

#include "distributed/support/queue_message.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <chrono>
#include <fmt/format.h>
#include <mutex>

namespace parcook::queue {
namespace json = boost::json;
namespace {

constexpr std::string_view sep = "\x06\x16";
constexpr int priority_steps[] = {0, 3, 6, 9};
constexpr std::string_view result_expires = "86400"; // Celery's result_expires: one day

// KEYS: unacked, unacked_index, the lists; ARGV: count, now, max bytes. The unacked entry is
// built as text ([message, exchange, routing_key]) so the message is stored exactly as sent.
constexpr std::string_view fetch_script = R"lua(
local out = {}
local count, max = tonumber(ARGV[1]), tonumber(ARGV[3])
for i = 3, #KEYS do
  while #out < count do
    local m = redis.call('RPOP', KEYS[i])
    if not m then break end
    if #m <= max then
      local ok, env = pcall(cjson.decode, m)
      if ok and type(env) == 'table' and type(env.properties) == 'table'
         and type(env.properties.delivery_tag) == 'string' then
        local info = env.properties.delivery_info
        if type(info) ~= 'table' then info = {} end
        local ex, rk = info.exchange, info.routing_key
        if type(ex) ~= 'string' then ex = '' end
        if type(rk) ~= 'string' then rk = '' end
        local tag = env.properties.delivery_tag
        redis.call('ZADD', KEYS[2], ARGV[2], tag)
        redis.call('HSET', KEYS[1], tag,
                   '[' .. m .. ', ' .. cjson.encode(ex) .. ', ' .. cjson.encode(rk) .. ']')
      end
    end
    out[#out + 1] = m
  end
end
return out
)lua";

// KEYS: the result key; ARGV: meta, seconds to keep it. Celery's backend reads the stored
// state first and never overwrites a SUCCESS (a task run twice after a lost ack).
constexpr std::string_view store_script = R"lua(
local cur = redis.call('GET', KEYS[1])
if cur then
  local ok, m = pcall(cjson.decode, cur)
  if ok and type(m) == 'table' and m.status == 'SUCCESS' then return 0 end
end
redis.call('SETEX', KEYS[1], ARGV[2], ARGV[1])
redis.call('PUBLISH', KEYS[1], ARGV[1])
return 1
)lua";

// redis-py's Lock.release: delete the lock only if it is still ours.
constexpr std::string_view release_script = R"lua(
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
)lua";

std::string list_name(const std::string& queue, int priority) {
    return priority ? fmt::format("{}{}{}", queue, sep, priority) : queue;
}

// The SHA1 of each script as the broker reported it (the same on every broker).
std::string fetch_sha, store_sha;
std::once_flag loaded;

Args script_args(std::string_view sha, const std::vector<std::string>& keys) {
    Args a{"EVALSHA", sha};
    thread_local std::string count;
    count = std::to_string(keys.size());
    a.push_back(count);
    for (const std::string& k : keys)
        a.push_back(k);
    return a;
}

// The queues a restored message goes back to: kombu's _lookup on a direct exchange.
std::vector<std::string> lookup(Redis& r, const std::string& exchange,
                                const std::string& routing_key) {
    std::vector<std::string> queues;
    if (!exchange.empty()) {
        const Reply members = r.command({"SMEMBERS", "_kombu.binding." + exchange});
        for (std::size_t i = 0; i < members->elements; ++i) {
            const std::string_view m = text_of(*members->element[i]);
            const auto first = m.find(sep), last = m.rfind(sep);
            if (first != std::string_view::npos && m.substr(0, first) == routing_key)
                queues.emplace_back(m.substr(last + sep.size()));
        }
    }
    if (queues.empty())
        queues.push_back(routing_key);
    return queues;
}

bool restore_by_tag(Redis& r, std::string_view tag) {
    r.command({"WATCH", unacked_key});
    const Reply p = r.command({"HGET", unacked_key, tag});
    std::string payload;
    std::vector<std::string> queues;
    if (!is_nil(*p)) {
        boost::system::error_code ec;
        json::value entry = json::parse(text_of(*p), ec);
        json::array* a = ec ? nullptr : entry.if_array();
        if (a && a->size() == 3 && (*a)[0].is_object() && (*a)[1].is_string() &&
            (*a)[2].is_string()) {
            json::object& m = (*a)[0].as_object();
            if (json::value* h = m.if_contains("headers"); h && h->is_object())
                h->as_object()["redelivered"] = true;
            if (json::value* pr = m.if_contains("properties"); pr && pr->is_object())
                if (json::value* di = pr->as_object().if_contains("delivery_info");
                    di && di->is_object())
                    di->as_object()["redelivered"] = true;
            payload = json::serialize(m);
            queues = lookup(r, std::string((*a)[1].as_string()), std::string((*a)[2].as_string()));
        }
    }
    r.append({"MULTI"});
    r.append({"ZREM", unacked_index_key, tag});
    r.append({"HDEL", unacked_key, tag});
    for (const std::string& q : queues)
        r.append({"RPUSH", q, payload}); // the head of the queue: BRPOP takes it next
    r.append({"EXEC"});
    r.flush();
    for (std::size_t i = 0; i < queues.size() + 3; ++i)
        r.reply();
    return !is_nil(*r.reply()); // nil: unacked changed meanwhile (acked); nothing was done
}

} // namespace

std::vector<std::string> priority_lists(const std::vector<std::string>& queues) {
    std::vector<std::string> lists;
    for (int p : priority_steps)
        for (const std::string& q : queues)
            lists.push_back(list_name(q, p));
    return lists;
}

void bind_queues(Redis& r, const std::vector<std::string>& queues) {
    for (const std::string& q : queues)
        r.command({"SADD", "_kombu.binding." + q, fmt::format("{}{}{}{}", q, sep, sep, q)});
}

double unix_now() {
    return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

std::vector<std::string> fetch(Redis& r, const std::vector<std::string>& lists, std::size_t count,
                               std::uint64_t max_bytes) {
    std::vector<std::string> keys{std::string(unacked_key), std::string(unacked_index_key)};
    keys.insert(keys.end(), lists.begin(), lists.end());
    Args a = script_args(fetch_sha, keys);
    const std::string n = std::to_string(count), now = fmt::format("{:.6f}", unix_now()),
                      max = std::to_string(max_bytes);
    a.insert(a.end(), {n, now, max});
    const Reply reply = r.command(a);
    std::vector<std::string> out;
    for (std::size_t i = 0; i < reply->elements; ++i)
        out.emplace_back(text_of(*reply->element[i]));
    return out;
}

std::optional<std::string> fetch_blocking(Redis& r, const std::vector<std::string>& lists,
                                          std::uint64_t max_bytes) {
    Args a{"BRPOP"};
    for (const std::string& l : lists)
        a.push_back(l);
    a.push_back("0.2"); // seconds: a stopping worker notices within this
    r.append(a);
    r.flush();
    std::optional<Reply> reply = r.try_reply(std::chrono::milliseconds(200) + r.timeout());
    if (!reply)
        throw BrokerError(fmt::format("broker {}: BRPOP got no answer", r.where()));
    if (is_nil(**reply) || (*reply)->elements != 2)
        return std::nullopt;
    std::string raw(text_of(*(*reply)->element[1]));
    if (raw.size() <= max_bytes) {
        const Decoded d = decode(raw, max_bytes);
        if (!d.delivery_tag.empty()) {
            const std::string entry =
                fmt::format("[{}, {}, {}]", raw, json::serialize(json::string(d.exchange)),
                            json::serialize(json::string(d.routing_key)));
            const std::string now = fmt::format("{:.6f}", unix_now());
            r.append({"ZADD", unacked_index_key, now, d.delivery_tag});
            r.append({"HSET", unacked_key, d.delivery_tag, entry});
            r.flush();
            r.reply();
            r.reply();
        }
    }
    return raw;
}

void load_scripts(Redis& r) {
    const Reply fetch = r.command({"SCRIPT", "LOAD", fetch_script});
    const Reply store = r.command({"SCRIPT", "LOAD", store_script});
    std::call_once(loaded, [&] {
        fetch_sha = text_of(*fetch);
        store_sha = text_of(*store);
    });
}

void append_ack(Redis& r, const std::vector<std::string>& delivery_tags) {
    Args zrem{"ZREM", unacked_index_key}, hdel{"HDEL", unacked_key};
    for (const std::string& tag : delivery_tags) {
        zrem.push_back(tag);
        hdel.push_back(tag);
    }
    r.append(zrem);
    r.append(hdel);
}

void append_store(Redis& r, std::string_view id, std::string_view meta) {
    r.append({"EVALSHA", store_sha, "1", result_key(id), meta, result_expires});
}

void give_back(Redis& r, std::string_view raw, std::string_view delivery_tag,
               std::string_view queue) {
    r.append({"RPUSH", queue, raw});
    append_ack(r, {std::string(delivery_tag)});
    r.flush();
    for (int i = 0; i < 3; ++i)
        r.reply();
}

std::size_t restore_visible(Redis& r, double visibility) {
    const std::string token = new_uuid();
    const Reply locked = r.command({"SET", unacked_mutex_key, token, "NX", "PX", "300000"});
    if (is_nil(*locked))
        return 0; // another worker is restoring
    std::size_t restored = 0;
    try {
        const std::string ceil = fmt::format("{:.6f}", unix_now() - visibility);
        const Reply tags =
            r.command({"ZREVRANGEBYSCORE", unacked_index_key, ceil, "0", "LIMIT", "0", "10"});
        for (std::size_t i = 0; i < tags->elements; ++i)
            restored += restore_by_tag(r, text_of(*tags->element[i]));
    } catch (...) {
        r.command({"EVAL", release_script, "1", unacked_mutex_key, token});
        throw;
    }
    r.command({"EVAL", release_script, "1", unacked_mutex_key, token});
    return restored;
}

} // namespace parcook::queue
