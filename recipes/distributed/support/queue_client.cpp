#include "distributed/support/queue_client.hpp"

#include "distributed/support/queue_message.hpp"

#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <chrono>
#include <fmt/format.h>
#include <unordered_map>

namespace parcook::queue {
namespace json = boost::json;
namespace {

constexpr std::size_t batch = 1000; // messages per LPUSH, channels per SUBSCRIBE
constexpr std::string_view meta_prefix = "celery-task-meta-";
constexpr std::size_t pattern_from = 64; // tasks per send() from which the pattern is used

// The result meta's outcome: true for SUCCESS (result set), false for a state still to come;
// throws TaskFailed for FAILURE.
bool read_meta(std::string_view text, json::value& result) {
    unsigned char space[2048];
    json::monotonic_resource arena(space, sizeof space); // the meta's parse, released at once
    boost::system::error_code ec;
    const json::value meta = json::parse(text, ec, &arena);
    const json::object* o = ec ? nullptr : meta.if_object();
    const json::value* status = o ? o->if_contains("status") : nullptr;
    if (!status || !status->is_string())
        return false;
    if (status->as_string() == "SUCCESS") {
        result = o->at("result");
        return true;
    }
    if (status->as_string() == "FAILURE") {
        const json::value* r = o->if_contains("result");
        const json::object* exc = r ? r->if_object() : nullptr;
        std::string what = exc ? fmt::format("{}: {}", json::serialize(exc->at("exc_type")),
                                             json::serialize(exc->at("exc_message")))
                               : std::string(text);
        throw TaskFailed(
            fmt::format("task {} failed: {}",
                        o->contains("task_id") ? json::serialize(o->at("task_id")) : "", what));
    }
    return false; // PENDING, STARTED, RETRY
}

} // namespace

Client::Client(const BrokerUrl& url, Duration timeout, std::string queue)
    : queue_(std::move(queue)), id_prefix_(new_uuid().substr(0, 8)), commands_(url, timeout),
      results_(url, timeout) {}

std::vector<std::string> Client::send(std::string_view task,
                                      const std::vector<json::array>& arguments) {
    // Subscribed before anything is sent, so no result can be published unseen: to each
    // task's channel, or for a large batch to the pattern of this client's result channels at
    // once (one subscription instead of thousands: its task ids share their first 8 digits).
    if (!pattern_ && arguments.size() >= pattern_from) {
        results_.command({"PSUBSCRIBE", fmt::format("{}{}*", meta_prefix, id_prefix_)});
        pattern_ = true; // kept for the client's life
    }
    // Made and pushed one batch at a time, so workers start on the first batch while the
    // rest are being made.
    std::vector<std::string> ids;
    std::size_t pushes = 0;
    for (std::size_t at = 0; at < arguments.size(); at += batch) {
        const std::size_t end = std::min(arguments.size(), at + batch);
        Args push{"LPUSH", queue_};
        std::vector<std::string> messages;
        messages.reserve(end - at);
        for (std::size_t i = at; i < end; ++i) {
            TaskMessage m =
                make_task(std::string(task), arguments[i], queue_, new_uuid(id_prefix_));
            ids.push_back(m.id);
            messages.push_back(encode(m));
        }
        if (!pattern_) {
            Args sub{"SUBSCRIBE"};
            std::vector<std::string> channels;
            for (std::size_t i = at; i < end; ++i)
                channels.push_back(result_key(ids[i]));
            sub.insert(sub.end(), channels.begin(), channels.end());
            results_.append(sub);
            results_.flush();
            for (std::size_t i = at; i < end; ++i)
                results_.reply(); // one confirmation per channel
        }
        push.insert(push.end(), messages.begin(), messages.end());
        commands_.append(push);
        commands_.flush();
        ++pushes;
    }
    for (std::size_t i = 0; i < pushes; ++i)
        commands_.reply();
    return ids;
}

std::string Client::delay(std::string_view task, json::array arguments) {
    return send(task, {std::move(arguments)}).front();
}

void Client::collect(const std::vector<std::string>& ids,
                     const std::function<void(std::size_t, const json::value&)>& on_result) {
    struct Hash : std::hash<std::string_view> {
        using is_transparent = void; // looked up by the string_view a reply holds
    };
    // De-duplication by task id: an id leaves when its result arrives.
    std::unordered_map<std::string, std::size_t, Hash, std::equal_to<>> pending;
    for (std::size_t i = 0; i < ids.size(); ++i)
        pending.emplace(ids[i], i);
    auto deliver = [&](std::string_view id, std::string_view meta) {
        const auto it = pending.find(id);
        json::value result;
        if (it == pending.end() || !read_meta(meta, result))
            return false;
        const std::size_t index = it->second;
        pending.erase(it);
        on_result(index, result);
        return true;
    };
    auto last_progress = std::chrono::steady_clock::now();
    while (!pending.empty()) {
        std::optional<Reply> r = results_.try_reply(std::chrono::seconds(1));
        // ["message", channel, data] or ["pmessage", pattern, channel, data]
        const std::size_t n = r && (*r)->type == REDIS_REPLY_ARRAY ? (*r)->elements : 0;
        const std::string_view kind = n ? text_of(*(*r)->element[0]) : "";
        if ((kind == "message" && n == 3) || (kind == "pmessage" && n == 4)) {
            const std::string_view channel = text_of(*(*r)->element[n - 2]);
            if (channel.starts_with(meta_prefix) &&
                deliver(channel.substr(meta_prefix.size()), text_of(*(*r)->element[n - 1])))
                last_progress = std::chrono::steady_clock::now();
            continue;
        }
        if (r)
            continue; // a subscription confirmation
        // A quiet second: read the stored results (a message published while unsubscribed).
        std::vector<std::string> keys;
        for (const auto& p : pending)
            keys.push_back(result_key(p.first));
        for (std::size_t at = 0; at < keys.size(); at += batch) {
            Args get{"MGET"};
            get.insert(get.end(), keys.begin() + static_cast<std::ptrdiff_t>(at),
                       keys.begin() +
                           static_cast<std::ptrdiff_t>(std::min(keys.size(), at + batch)));
            const Reply values = commands_.command(get);
            for (std::size_t i = 0; i < values->elements; ++i)
                if (!is_nil(*values->element[i]) &&
                    deliver(std::string_view(keys[at + i]).substr(meta_prefix.size()),
                            text_of(*values->element[i])))
                    last_progress = std::chrono::steady_clock::now();
        }
        if (!pending.empty() &&
            std::chrono::steady_clock::now() - last_progress > commands_.timeout())
            throw BrokerError(fmt::format(
                "no result within --timeout {} ({} of {} tasks pending): is a worker consuming "
                "queue '{}' on {}?",
                format_seconds(to_seconds(commands_.timeout())), pending.size(), ids.size(), queue_,
                commands_.where()));
    }
    if (ids.size() < pattern_from) {
        Args unsub{"UNSUBSCRIBE"}; // the confirmations are skipped by later reads
        std::vector<std::string> channels;
        for (const std::string& id : ids)
            channels.push_back(result_key(id));
        unsub.insert(unsub.end(), channels.begin(), channels.end());
        results_.append(unsub);
        results_.flush();
    }
}

std::vector<json::value> Client::get(const std::vector<std::string>& ids) {
    std::vector<json::value> out(ids.size());
    collect(ids, [&](std::size_t i, const json::value& v) { out[i] = v; });
    return out;
}

json::value Client::get(const std::string& id) {
    return get(std::vector<std::string>{id}).front();
}

} // namespace parcook::queue
