#include "parcook/workloads.hpp"

#include <boost/json/value_from.hpp>
#include <cctype>
#include <cmath>
#include <fmt/format.h>
#include <numbers>
#include <sstream>

namespace parcook::workload {

// ---- vector-sum -------------------------------------------------------------------------

VectorOp vector_op(const Context& ctx) {
    return ctx.text("op") == "saxpy" ? VectorOp{2, 5} : VectorOp{1, 1};
}

void vector_fill(std::uint64_t seed, std::int32_t* a, std::int32_t* b, std::uint64_t begin,
                 std::uint64_t end) {
    for (std::uint64_t i = begin; i < end; ++i) {
        a[i] = vector_a(seed, i);
        b[i] = vector_b(seed, i);
    }
}

namespace {

// Checks c element-wise against the generator and the checksum against a serial sum.
void vector_verify(Context& ctx, const std::int32_t* c, std::uint64_t n, std::int64_t checksum) {
    const std::uint64_t seed = ctx.common().seed;
    const VectorOp op = vector_op(ctx);
    std::int64_t expected = 0;
    std::uint64_t wrong = 0, first_wrong = n;
    for (std::uint64_t i = 0; i < n; ++i) {
        const std::int32_t want = op(vector_a(seed, i), vector_b(seed, i));
        expected += want;
        if (c && c[i] != want && wrong++ == 0)
            first_wrong = i;
    }
    if (c)
        ctx.check("c[i] == op(a[i], b[i]) for every i", wrong == 0,
                  fmt::format("{} wrong elements, first at {}", wrong, first_wrong));
    ctx.check("checksum == serial sum of c", checksum == expected,
              fmt::format("got {}, expected {}", checksum, expected));
}

} // namespace

// ---- pi -----------------------------------------------------------------------------------

namespace {

// Same hits as a serial run (when n is small enough to recount) and |pi - 4 hits/n| < 6 sigma.
void pi_verify(Context& ctx, std::uint64_t n, std::uint64_t hits) {
    constexpr std::uint64_t recount_limit = 20'000'000;
    if (n <= recount_limit) {
        const std::uint64_t serial = pi_hits(ctx.common().seed, 0, n);
        ctx.check("hits == serial count", hits == serial,
                  fmt::format("got {}, serial {}", hits, serial));
    }
    const double p = std::numbers::pi / 4;
    const double sigma = 4 * std::sqrt(p * (1 - p) / static_cast<double>(n));
    const double estimate = 4.0 * static_cast<double>(hits) / static_cast<double>(n);
    ctx.check("|pi_estimate - pi| < 6 sigma", std::abs(estimate - std::numbers::pi) < 6 * sigma,
              fmt::format("estimate {}, sigma {}", estimate, sigma));
}

} // namespace

// ---- fib-map ------------------------------------------------------------------------------

std::uint64_t fib(unsigned k) {
    return k <= 2 ? 1 : fib(k - 1) + fib(k - 2);
}

std::vector<unsigned> fib_tasks(const Context& ctx) {
    std::vector<unsigned> list;
    std::stringstream in(ctx.text("list"));
    for (std::string item; std::getline(in, item, ',');)
        list.push_back(static_cast<unsigned>(parse_integer(item, "list", 1, 50)));
    if (list.empty())
        throw UsageError("--list: expected comma-separated integers such as 38,37");
    if (ctx.common().n > 100'000 / list.size())
        throw UsageError(
            fmt::format("--n: fib-map runs at most 100000 tasks ({} list entries x --n {})",
                        list.size(), ctx.common().n));
    std::vector<unsigned> tasks;
    for (std::uint64_t r = 0; r < ctx.common().n; ++r)
        tasks.insert(tasks.end(), list.begin(), list.end());
    return tasks;
}

namespace {

void fib_verify(Context& ctx, const std::vector<unsigned>& tasks,
                const std::vector<std::uint64_t>& values) {
    auto iterative = [](unsigned k) {
        std::uint64_t a = 1, b = 1;
        for (unsigned i = 2; i < k; ++i)
            b = std::exchange(a, b) + b;
        return b;
    };
    std::size_t wrong = values.size() == tasks.size() ? 0 : tasks.size();
    for (std::size_t i = 0; i < values.size() && i < tasks.size(); ++i)
        wrong += values[i] != iterative(tasks[i]);
    ctx.check("every fib(k) equals the iterative value, in input order", wrong == 0,
              fmt::format("{} of {} wrong", wrong, tasks.size()));
}

} // namespace

// ---- word-count ---------------------------------------------------------------------------

namespace {
constexpr std::string_view book_text =
    "There are known knowns. These are things we know that we know. There are known unknowns. "
    "That is to say, there are things that we know we do not know. But there are also unknown "
    "unknowns. There are things we do not know we do not know";

const std::map<std::string, std::uint64_t>& book_table() {
    static const std::map<std::string, std::uint64_t> table{
        {"are", 6},  {"know", 6},   {"we", 6},    {"there", 5},    {"do", 3},   {"not", 3},
        {"that", 3}, {"things", 3}, {"known", 2}, {"unknowns", 2}, {"also", 1}, {"but", 1},
        {"is", 1},   {"knowns", 1}, {"say", 1},   {"these", 1},    {"to", 1},   {"unknown", 1}};
    return table;
}
} // namespace

std::string word_count_input(const Context& ctx) {
    const std::string& path = ctx.text("input");
    if (!path.empty())
        return ctx.read_input("input", 3); // the text, its chunks and their words
    const std::uint64_t n = ctx.common().n;
    ctx.require_memory(static_cast<double>(n) * (book_text.size() + 1) * 3, "n");
    std::string text;
    text.reserve(n * (book_text.size() + 1));
    for (std::uint64_t i = 0; i < n; ++i) {
        text += book_text;
        text += '\n';
    }
    return text;
}

std::vector<std::string_view> split_text(std::string_view text, std::size_t parts) {
    std::vector<std::string_view> chunks;
    std::size_t begin = 0;
    for (std::size_t p = 1; p <= parts && begin < text.size(); ++p) {
        std::size_t end = p == parts ? text.size() : std::max(begin, text.size() * p / parts);
        while (end < text.size() && !std::isspace(static_cast<unsigned char>(text[end])))
            ++end;
        if (end > begin)
            chunks.push_back(text.substr(begin, end - begin));
        begin = end;
    }
    return chunks;
}

std::map<std::string, std::uint64_t> sorted(const WordCounts& counts) {
    return {counts.begin(), counts.end()};
}

std::uint64_t table_checksum(const std::map<std::string, std::uint64_t>& table) {
    std::uint64_t h = UINT64_C(0xcbf29ce484222325);
    auto mix = [&](std::string_view s) {
        for (unsigned char c : s)
            h = (h ^ c) * UINT64_C(0x100000001b3);
    };
    for (const auto& [word, count] : table) {
        mix(word);
        mix("\t");
        mix(std::to_string(count));
        mix("\n");
    }
    return h;
}

namespace {

void word_count_verify(Context& ctx, std::string_view text,
                       const std::map<std::string, std::uint64_t>& table) {
    std::map<std::string, std::uint64_t> expected;
    if (ctx.text("input").empty()) {
        for (const auto& [word, count] : book_table())
            expected[word] = count * ctx.common().n;
        ctx.check("every count is n x the book's 18-word table", table == expected,
                  fmt::format("{} distinct words, expected {}", table.size(), expected.size()));
    } else {
        WordCounts serial;
        count_words(text, serial);
        ctx.check("table equals a serial count", table == sorted(serial),
                  fmt::format("{} distinct words, serial {}", table.size(), serial.size()));
    }
}

} // namespace

// ---- the shared descriptor -----------------------------------------------------------------

const Workload& describe(Shared workload) {
    static const Workload table[] = {
        {"vector-sum",
         "How to build a PyOpenCL application (shared workload vector-sum) [book ch.6]",
         "bandwidth", "GB/s", 1e-9, Uses::n | Uses::timing | Uses::seed},
        {"pi", "Scientific computing with SCOOP (shared workload pi) [book ch.5]",
         "samples_per_second", "samples/s", 1, Uses::n | Uses::timing | Uses::seed},
        {"fib-map", "Process pool over Fibonacci (shared workload fib-map) [wiki]",
         "tasks_per_second", "tasks/s", 1, Uses::n | Uses::timing},
        {"word-count", "Using MapReduce with Disco (shared workload word-count) [book ch.5]",
         "words_per_second", "words/s", 1, Uses::n | Uses::timing},
    };
    return table[static_cast<int>(workload)];
}

Recipe shared_recipe(Shared workload, std::string group, std::string summary, void (*run)(Context&),
                     std::vector<OptionSpec> extra, Uses parallelism) {
    const Workload& w = describe(workload);
    Recipe r{.group = std::move(group),
             .name = std::string(w.name),
             .summary = std::move(summary),
             .book = std::string(w.book),
             .options = {},
             .run = run,
             .uses = w.uses | parallelism};
    r.min_n = 1;
    switch (workload) {
    case Shared::vector_sum:
        r.options = {
            choice_option("op", "add", {"add", "saxpy"}, "add: c = a + b; saxpy: c = 2a + 5b")};
        r.defaults = {{"n", "1e7"}};
        r.tour_args = {"--n", "1e6", "--repeat", "3"};
        r.bytes_per_n = vector_bytes_per_element;
        break;
    case Shared::pi:
        r.defaults = {{"n", "1e7"}};
        r.tour_args = {"--n", "1e6", "--repeat", "3"};
        break;
    case Shared::fib_map:
        r.options = {
            text_option("list", "38,37,36,35,34,33",
                        "comma-separated Fibonacci arguments (each 1..50); --n repeats the list")};
        r.defaults = {{"n", "1"}, {"repeat", "3"}};
        r.tour_args = {"--list", "30,29,28,27,26,25", "--n", "4", "--repeat", "2"};
        break;
    case Shared::word_count:
        r.options = {
            text_option("input", "", "count the words of this file instead of the book text")};
        r.defaults = {{"n", "1e5"}};
        r.tour_args = {"--n", "1e4", "--repeat", "3"};
        // the book text (~200 bytes a copy), its chunks and their words
        r.bytes_per_n = 3 * 200;
        break;
    }
    r.options.insert(r.options.end(), extra.begin(), extra.end());
    return r;
}

// ---- the endings ------------------------------------------------------------------------------

std::uint64_t task_count(const Context& ctx, unsigned parallelism) {
    return ctx.common().tasks ? ctx.common().tasks : 4ull * parallelism;
}

namespace {

// The fields and metrics every member of `workload` carries, in the same order.
void report(Context& ctx, Shared workload, Shape shape, boost::json::value result, double work) {
    const Workload& w = describe(workload);
    const double seconds = ctx.result().timing ? ctx.result().timing->median : 0;
    ctx.field("workload", boost::json::string(w.name));
    ctx.field("group", ctx.recipe().group.c_str());
    ctx.field("n", ctx.common().n);
    ctx.field("parallelism", shape.parallelism);
    ctx.field("tasks", shape.tasks);
    ctx.field("result", std::move(result));
    ctx.metric("seconds", seconds, "s");
    ctx.metric(std::string(w.rate_name), seconds > 0 ? work / seconds * w.rate_scale : 0,
               std::string(w.rate_unit));
    ctx.headline(std::string(w.rate_name));
}

} // namespace

void finish_vector_sum(Context& ctx, Shape shape, const std::int32_t* c, std::int64_t checksum) {
    const std::uint64_t n = ctx.common().n;
    vector_verify(ctx, c, n, checksum);
    report(ctx, Shared::vector_sum, shape, checksum,
           vector_bytes_per_element * static_cast<double>(n));
}

void finish_pi(Context& ctx, Shape shape, std::uint64_t hits) {
    const std::uint64_t n = ctx.common().n;
    pi_verify(ctx, n, hits);
    report(ctx, Shared::pi, shape, hits, static_cast<double>(n));
    ctx.field("pi_estimate", 4.0 * static_cast<double>(hits) / static_cast<double>(n));
}

void finish_fib_map(Context& ctx, unsigned parallelism, const std::vector<unsigned>& tasks,
                    const std::vector<std::uint64_t>& values) {
    fib_verify(ctx, tasks, values);
    report(ctx, Shared::fib_map, {parallelism, tasks.size()}, boost::json::value_from(values),
           static_cast<double>(tasks.size()));
    std::uint64_t checksum = 0;
    for (std::uint64_t v : values)
        checksum += v;
    ctx.field("checksum", checksum);
}

void finish_word_count(Context& ctx, Shape shape, std::string_view text,
                       const std::map<std::string, std::uint64_t>& table) {
    word_count_verify(ctx, text, table);
    std::uint64_t words = 0;
    for (const auto& entry : table)
        words += entry.second;
    report(ctx, Shared::word_count, shape, table_checksum(table), static_cast<double>(words));
    ctx.field("words", words);
    ctx.field("distinct_words", table.size());
}

} // namespace parcook::workload
