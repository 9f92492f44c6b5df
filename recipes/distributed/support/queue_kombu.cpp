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

// KEYS: unacked, unacked_index, the lists; ARGV: count, now, max bytes. Returns, per message
// popped, the message and the delivery tag, exchange and routing key it was recorded under as
// unacked ("" when it was not: over max bytes or no tag found). They are found by a plain text
// search for their keys, not a JSON parse (which would cost the broker more than the rest of the
// fetch), each key searched from a character that is rare in a message ("_tag":, not
// "delivery_tag":): fetch() parses each message and corrects the record where the two disagree.
constexpr std::string_view fetch_script = R"lua(
local function text_after(m, before, key)
  local from = 1
  while true do
    local s, e = string.find(m, key, from, true)
    if not s then return nil end
    if string.sub(m, s - #before, s - 1) == before then
      e = e + 1
      while string.byte(m, e) == 32 do e = e + 1 end
      if string.byte(m, e) ~= 34 then return nil end
      local q = string.find(m, '"', e + 1, true)
      if not q then return nil end
      local v = string.sub(m, e + 1, q - 1)
      if string.find(v, '\\', 1, true) then return nil end
      return v
    end
    from = s + 1
  end
end
local out, zadd, hset = {}, {}, {}
local function record()
  if #zadd > 0 then
    redis.call('ZADD', KEYS[2], unpack(zadd))
    redis.call('HSET', KEYS[1], unpack(hset))
    zadd, hset = {}, {}
  end
end
local count, now, max = tonumber(ARGV[1]), ARGV[2], tonumber(ARGV[3])
for i = 3, #KEYS do
  while #out < 4 * count do
    local m = redis.call('RPOP', KEYS[i])
    if not m then break end
    local tag, ex, rk = '', '', ''
    if #m <= max then
      tag = text_after(m, '"delivery', '_tag":') or ''
      ex = text_after(m, '"e', 'xchange":') or ''
      rk = text_after(m, '"routing', '_key":') or ''
    end
    if #tag > 0 then
      zadd[#zadd + 1] = now
      zadd[#zadd + 1] = tag
      hset[#hset + 1] = tag
      hset[#hset + 1] = '[' .. m .. ', "' .. ex .. '", "' .. rk .. '"]'
      if #zadd >= 1000 then record() end
    end
    out[#out + 1] = m
    out[#out + 1] = tag
    out[#out + 1] = ex
    out[#out + 1] = rk
  end
end
record()
return out
)lua";

// KEYS: the result keys; ARGV: their metas in the same order, then the seconds to keep them.
// Celery's backend reads the stored state first and never overwrites a SUCCESS (a task run
// twice after a lost ack).
constexpr std::string_view store_script = R"lua(
local keep = ARGV[#ARGV]
for i = 1, #KEYS do
  local stored = redis.call('SET', KEYS[i], ARGV[i], 'NX', 'EX', keep)
  if not stored then
    local ok, m = pcall(cjson.decode, redis.call('GET', KEYS[i]) or '')
    if not (ok and type(m) == 'table' and m.status == 'SUCCESS') then
      redis.call('SETEX', KEYS[i], keep, ARGV[i])
      stored = true
    end
  end
  if stored then redis.call('PUBLISH', KEYS[i], ARGV[i]) end
end
return 0
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

std::size_t append_record(Redis& r, const Delivery& d) {
    const Decoded& m = d.decoded;
    if (m.delivery_tag.empty())
        return 0;
    const std::string entry =
        fmt::format("[{}, {}, {}]", d.raw, json::serialize(json::string(m.exchange)),
                    json::serialize(json::string(m.routing_key)));
    r.append({"ZADD", unacked_index_key, delivery_score(), m.delivery_tag});
    r.append({"HSET", unacked_key, m.delivery_tag, entry});
    return 2;
}

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

std::string delivery_score() {
    return fmt::format("{:.6f}", unix_now());
}

std::vector<Delivery> fetch(Redis& r, const std::vector<std::string>& lists, std::size_t count,
                            std::uint64_t max_bytes) {
    std::vector<std::string> keys{std::string(unacked_key), std::string(unacked_index_key)};
    keys.insert(keys.end(), lists.begin(), lists.end());
    Args a = script_args(fetch_sha, keys);
    const std::string n = std::to_string(count), now = delivery_score(),
                      max = std::to_string(max_bytes);
    a.insert(a.end(), {n, now, max});
    const Reply reply = r.command(a);
    std::vector<Delivery> out;
    std::size_t replies = 0;
    for (std::size_t i = 0; i + 3 < reply->elements; i += 4) {
        Delivery d{std::string(text_of(*reply->element[i])), {}};
        d.decoded = decode(d.raw, max_bytes);
        const std::string_view tag = text_of(*reply->element[i + 1]);
        if (tag != d.decoded.delivery_tag ||
            (!tag.empty() && (text_of(*reply->element[i + 2]) != d.decoded.exchange ||
                              text_of(*reply->element[i + 3]) != d.decoded.routing_key))) {
            if (!tag.empty()) {
                append_ack(r, {std::string(tag)});
                replies += 2;
            }
            replies += append_record(r, d);
        }
        out.push_back(std::move(d));
    }
    if (replies) {
        r.flush();
        for (std::size_t i = 0; i < replies; ++i)
            r.reply();
    }
    return out;
}

std::optional<Delivery> fetch_blocking(Redis& r, const std::vector<std::string>& lists,
                                       std::uint64_t max_bytes, std::size_t& unread) {
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
    Delivery d{std::string(text_of(*(*reply)->element[1])), {}};
    d.decoded = decode(d.raw, max_bytes);
    if (const std::size_t replies = append_record(r, d)) {
        r.flush();
        unread += replies;
    }
    return d;
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

void append_store(Redis& r, const std::vector<StoredResult>& results) {
    std::vector<std::string> keys;
    for (const StoredResult& s : results)
        keys.push_back(result_key(s.id));
    Args a = script_args(store_sha, keys);
    for (const StoredResult& s : results)
        a.push_back(s.meta);
    a.push_back(result_expires);
    r.append(a);
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
