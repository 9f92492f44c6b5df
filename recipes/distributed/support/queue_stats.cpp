#include "distributed/support/queue_stats.hpp"

#include "distributed/support/queue_kombu.hpp"
#include "parcook/errors.hpp"

#include <charconv>
#include <fmt/format.h>

namespace parcook::queue {
namespace {

std::uint64_t number(std::string_view text) {
    std::uint64_t v = 0;
    std::from_chars(text.data(), text.data() + text.size(), v);
    return v;
}

std::vector<std::string> keys_like(Redis& r, std::string_view prefix) {
    std::vector<std::string> keys;
    std::string cursor = "0";
    const std::string pattern = std::string(prefix) + "*";
    do {
        const Reply page = r.command({"SCAN", cursor, "MATCH", pattern, "COUNT", "1000"});
        cursor = text_of(*page->element[0]);
        const redisReply& found = *page->element[1];
        for (std::size_t i = 0; i < found.elements; ++i)
            keys.emplace_back(text_of(*found.element[i]));
    } while (cursor != "0");
    return keys;
}

} // namespace

QueueStats collect_stats(Redis& r, const std::vector<std::string>& queues) {
    QueueStats s;
    for (const std::string& q : queues)
        for (const std::string& list : priority_lists({q}))
            s.queue_lengths[q] += static_cast<std::uint64_t>(r.command({"LLEN", list})->integer);
    s.unacked = static_cast<std::uint64_t>(r.command({"HLEN", unacked_key})->integer);
    const Reply oldest = r.command({"ZRANGE", unacked_index_key, "0", "0", "WITHSCORES"});
    if (oldest->elements == 2)
        s.oldest_unacked_s = unix_now() - std::stod(std::string(text_of(*oldest->element[1])));
    for (const std::string& key : keys_like(r, heartbeat_prefix))
        s.workers.push_back(key.substr(heartbeat_prefix.size()));
    for (const std::string& key : keys_like(r, stats_prefix)) {
        const Reply counters = r.command({"HGETALL", key});
        auto& task = s.tasks[key.substr(stats_prefix.size())];
        for (std::size_t i = 0; i + 1 < counters->elements; i += 2)
            task[std::string(text_of(*counters->element[i]))] =
                number(text_of(*counters->element[i + 1]));
    }
    return s;
}

std::vector<std::string> queue_list(std::string_view text, std::string_view option) {
    std::vector<std::string> queues;
    for (std::size_t begin = 0;;) {
        const auto comma = text.find(',', begin);
        const std::string_view name = text.substr(begin, comma - begin);
        if (name.empty() || name.find_first_of(" \t\n\x06\x16") != std::string_view::npos)
            throw UsageError(fmt::format("{}: {} is not a comma-separated list of queue names",
                                         option, quote_input(text)));
        queues.emplace_back(name);
        if (comma == std::string_view::npos)
            return queues;
        begin = comma + 1;
    }
}

} // namespace parcook::queue
