#include "distributed/support/queue_tasks.hpp"

#include "parcook/workloads.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <chrono>
#include <cmath>
#include <fmt/format.h>
#include <map>
#include <thread>

namespace parcook::queue {
namespace json = boost::json;
namespace {

void expect_arity(const json::array& args, std::size_t n, std::string_view signature) {
    if (args.size() != n)
        throw TaskError("TypeError",
                        fmt::format("{} takes {} arguments ({} given)", signature, n, args.size()));
}

std::uint64_t u64(const json::value& v, std::string_view what) {
    if (v.is_uint64())
        return v.as_uint64();
    if (v.is_int64() && v.as_int64() >= 0)
        return static_cast<std::uint64_t>(v.as_int64());
    throw TaskError("TypeError", fmt::format("{} must be a non-negative integer", what));
}

double real(const json::value& v, std::string_view what) {
    if (v.is_number())
        return v.to_number<double>();
    throw TaskError("TypeError", fmt::format("{} must be a number", what));
}

const json::string& text(const json::value& v, std::string_view what) {
    if (!v.is_string())
        throw TaskError("TypeError", fmt::format("{} must be a string", what));
    return v.as_string();
}

json::value add(TaskEnv&, const json::array& a) {
    expect_arity(a, 2, "add(x, y)");
    if (a[0].is_int64() && a[1].is_int64())
        return a[0].as_int64() + a[1].as_int64();
    return real(a[0], "x") + real(a[1], "y");
}

void sleep_for_seconds(double s) {
    if (!(s >= 0 && s <= 3600))
        throw TaskError("ValueError", "a sleep must be 0..3600 seconds");
    std::this_thread::sleep_for(std::chrono::duration<double>(s));
}

json::value sleep(TaskEnv&, const json::array& a) {
    expect_arity(a, 1, "sleep(seconds)");
    sleep_for_seconds(real(a[0], "seconds"));
    return a[0];
}

std::pair<std::uint64_t, std::uint64_t> range(const json::array& a, std::size_t at) {
    const std::uint64_t begin = u64(a[at], "begin"), end = u64(a[at + 1], "end");
    if (end < begin)
        throw TaskError("ValueError", "end must not be below begin");
    return {begin, end};
}

json::value pi_count(TaskEnv&, const json::array& a) {
    expect_arity(a, 3, "pi_count(seed, begin, end)");
    const auto [begin, end] = range(a, 1);
    return workload::pi_hits(u64(a[0], "seed"), begin, end);
}

json::value vector_sum_block(TaskEnv&, const json::array& a) {
    expect_arity(a, 5, "vector_sum_block(seed, begin, end, alpha, beta)");
    const std::uint64_t seed = u64(a[0], "seed");
    const auto [begin, end] = range(a, 1);
    const workload::VectorOp op{static_cast<std::int32_t>(u64(a[3], "alpha")),
                                static_cast<std::int32_t>(u64(a[4], "beta"))};
    std::int64_t sum = 0; // the block is regenerated here: only the range and the sum travel
    for (std::uint64_t i = begin; i < end; ++i)
        sum += op(workload::vector_a(seed, i), workload::vector_b(seed, i));
    return sum;
}

json::value fib(TaskEnv&, const json::array& a) {
    expect_arity(a, 1, "fib(k)");
    const std::uint64_t k = u64(a[0], "k");
    if (k > 50)
        throw TaskError("ValueError", "fib(k) takes k <= 50");
    return workload::fib(static_cast<unsigned>(k));
}

json::value sum_squares(TaskEnv&, const json::array& a) {
    expect_arity(a, 3, "sum_squares(begin, end, sleep)");
    const auto [begin, end] = range(a, 0);
    const double pause = real(a[2], "sleep");
    std::uint64_t sum = 0;
    for (std::uint64_t i = begin; i < end; ++i) {
        sleep_for_seconds(pause);
        sum += i * i;
    }
    return sum;
}

constexpr auto partition_ttl = "3600";

json::value word_count_map(TaskEnv& env, const json::array& a) {
    expect_arity(a, 4, "word_count_map(job, m, R, text)");
    const json::string& job = text(a[0], "job");
    const std::uint64_t m = u64(a[1], "m"), parts = u64(a[2], "R");
    if (parts == 0 || parts > 1024)
        throw TaskError("ValueError", "R must be 1..1024");
    workload::WordCounts counts;
    workload::count_words(text(a[3], "text"), counts);
    std::vector<json::object> tables(parts);
    std::uint64_t words = 0;
    for (const auto& [word, count] : counts) {
        tables[partition_of(word, parts)][word] = count;
        words += count;
    }
    // One key per (map, partition): storing it again (a task run twice) changes nothing.
    for (std::uint64_t r = 0; r < parts; ++r)
        env.broker.append(
            {"SET", partition_key(job, r, m), json::serialize(tables[r]), "EX", partition_ttl});
    env.broker.flush();
    for (std::uint64_t r = 0; r < parts; ++r)
        env.broker.reply();
    return words;
}

json::value word_count_reduce(TaskEnv& env, const json::array& a) {
    expect_arity(a, 3, "word_count_reduce(job, r, M)");
    const json::string& job = text(a[0], "job");
    const std::uint64_t r = u64(a[1], "r"), maps = u64(a[2], "M");
    std::vector<std::string> keys;
    for (std::uint64_t m = 0; m < maps; ++m)
        keys.push_back(partition_key(job, r, m));
    Args mget{"MGET"};
    for (const std::string& k : keys)
        mget.push_back(k);
    const Reply reply = env.broker.command(mget);
    std::map<std::string, std::uint64_t> merged; // sorted and grouped by word (kvgroup)
    for (std::size_t m = 0; m < reply->elements; ++m) {
        const redisReply& part = *reply->element[m];
        if (is_nil(part))
            throw TaskError("LookupError", fmt::format("partition {} of map {} is missing", r, m));
        const json::value table = json::parse(text_of(part));
        for (const auto& [word, count] : table.as_object())
            merged[std::string(word)] += count.to_number<std::uint64_t>();
    }
    json::array out;
    for (const auto& [word, count] : merged)
        out.push_back(json::array{json::string(word), count});
    return out;
}

struct Entry {
    std::string_view name;
    TaskFunction function;
};
constexpr Entry registry[] = {
    {"add", add},
    {"sleep", sleep},
    {"pi_count", pi_count},
    {"vector_sum_block", vector_sum_block},
    {"fib", fib},
    {"sum_squares", sum_squares},
    {"word_count_map", word_count_map},
    {"word_count_reduce", word_count_reduce},
};

} // namespace

TaskFunction find_task(std::string_view name) {
    if (!name.starts_with(task_prefix))
        return nullptr;
    name.remove_prefix(task_prefix.size());
    for (const Entry& e : registry)
        if (e.name == name)
            return e.function;
    return nullptr;
}

std::string task_names() {
    std::string s;
    for (const Entry& e : registry)
        s += fmt::format("{}{}{}", s.empty() ? "" : ", ", task_prefix, e.name);
    return s;
}

std::string partition_key(std::string_view job, std::uint64_t r, std::uint64_t m) {
    return fmt::format("parcook-wordcount:{}:r{}:m{}", job, r, m);
}

std::uint64_t partition_of(std::string_view word, std::uint64_t partitions) {
    std::uint64_t h = 1469598103934665603ull; // FNV-1a: the same on every host
    for (unsigned char c : word)
        h = (h ^ c) * 1099511628211ull;
    return h % partitions;
}

} // namespace parcook::queue
