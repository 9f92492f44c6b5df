// The workloads shared by every group (COOKBOOK section 4): the same inputs, the same
// verification and the same record fields, so a shell loop can compare models.
//   vector-sum  c = a + b over int32 (memory-bound)      pi        Monte Carlo (compute-bound)
//   fib-map     naive Fibonacci over an uneven list      word-count map-reduce over text
#pragma once
#include "parcook/context.hpp"
#include "parcook/generator.hpp"
#include "parcook/options.hpp"
#include "parcook/recipe.hpp"

#include <cctype>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace parcook::workload {

// ---- vector-sum -------------------------------------------------------------------------
inline constexpr double vector_bytes_per_element = 12; // a, b and c, 4 bytes each

inline std::int32_t vector_a(std::uint64_t seed, std::uint64_t i) {
    return static_cast<std::int32_t>(draw_below(seed, 2 * i, 100));
}
inline std::int32_t vector_b(std::uint64_t seed, std::uint64_t i) {
    return static_cast<std::int32_t>(draw_below(seed, 2 * i + 1, 100));
}
// --op add: c = a + b; --op saxpy: c = 2a + 5b (the book's linear combination). Also callable
// in CUDA kernels.
struct VectorOp {
    std::int32_t alpha, beta;
    PARCOOK_HD std::int32_t operator()(std::int32_t a, std::int32_t b) const {
        return alpha * a + beta * b;
    }
};
VectorOp vector_op(const Context& ctx);
// Fills a and b for [begin, end) (call it from the thread that will use the block: first touch).
void vector_fill(std::uint64_t seed, std::int32_t* a, std::int32_t* b, std::uint64_t begin,
                 std::uint64_t end);
// c = op(a, b) over [begin, end); returns the block's checksum sum(c) as int64.
std::int64_t vector_kernel(VectorOp op, const std::int32_t* a, const std::int32_t* b,
                           std::int32_t* c, std::uint64_t begin, std::uint64_t end);

// ---- pi -----------------------------------------------------------------------------------
// Sample k uses draws (seed, 2k) and (seed, 2k + 1); a hit lands inside the unit circle.
inline bool pi_hit(std::uint64_t seed, std::uint64_t k) {
    const double x = draw_unit(seed, 2 * k), y = draw_unit(seed, 2 * k + 1);
    return x * x + y * y < 1.0;
}
std::uint64_t pi_hits(std::uint64_t seed, std::uint64_t begin, std::uint64_t end);

// ---- fib-map ------------------------------------------------------------------------------
std::uint64_t fib(unsigned k); // naive recursion: 1 for k <= 2, else fib(k-1) + fib(k-2)
std::vector<unsigned> fib_tasks(const Context& ctx); // --list repeated --n times

// ---- word-count ---------------------------------------------------------------------------
using WordCounts = std::unordered_map<std::string, std::uint64_t>;
std::string word_count_input(const Context& ctx);          // --input FILE, else the book text x --n
void count_words(std::string_view text, WordCounts& into); // lower-case, strip punctuation
// Calls f(word) for each whitespace-separated word of text, its leading and trailing
// non-alphanumeric bytes stripped, in order (not yet lower-cased): count_words's tokenizer.
template <class F>
void for_each_word(std::string_view text, F&& f) {
    auto is_space = [](char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; };
    auto is_word = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; };
    std::size_t i = 0;
    while (i < text.size()) {
        while (i < text.size() && is_space(text[i]))
            ++i;
        std::size_t end = i;
        while (end < text.size() && !is_space(text[end]))
            ++end;
        std::size_t b = i, e = end;
        while (b < e && !is_word(text[b]))
            ++b;
        while (e > b && !is_word(text[e - 1]))
            --e;
        if (b < e)
            f(text.substr(b, e - b));
        i = end;
    }
}
// Splits text into at most `parts` chunks that end at whitespace.
std::vector<std::string_view> split_text(std::string_view text, std::size_t parts);
std::map<std::string, std::uint64_t> sorted(const WordCounts& counts);
std::uint64_t table_checksum(const std::map<std::string, std::uint64_t>& table); // FNV-1a

// ---- the shared descriptor -----------------------------------------------------------------
// One table of the shared workloads, as BabelStream keeps one table of its kernels: the name,
// the headline rate and how much work (bytes moved, samples, tasks, words) one unit carries.
enum class Shared { vector_sum, pi, fib_map, word_count };
struct Workload {
    std::string_view name;      // "vector-sum"
    std::string_view book;      // the book recipe it stands for
    std::string_view rate_name; // "bandwidth"
    std::string_view rate_unit; // "GB/s"
    double rate_scale;          // rate = work / seconds * rate_scale
    Uses uses;                  // the common options every member reads
};
const Workload& describe(Shared workload);

// A group's member of a shared workload: the same name, book reference, options, defaults,
// smallest --n and tour sizes in every group; the group brings its summary, its entry point,
// any options of its own (`extra`, placed after the workload's) and the common options of its
// parallelism (Uses::threads, Uses::workers, Uses::tasks).
Recipe shared_recipe(Shared workload, std::string group, std::string summary, void (*run)(Context&),
                     std::vector<OptionSpec> extra = {}, Uses parallelism = Uses::none);

// ---- the endings: every member ends with one call ----------------------------------------------
// Each verifies the result by the workload's rule and writes the fields every group's member
// carries, in the same order (workload, group, n, parallelism, tasks, result, ...), the
// metrics `seconds` (the median of Context::measure) and the rate. `parallelism` counts
// threads, processes or ranks; `tasks` the pieces the work was cut into.
struct Shape {
    unsigned parallelism;
    std::uint64_t tasks;
};
// c: the whole result array when this process holds it (nullptr: checked elsewhere).
void finish_vector_sum(Context& ctx, Shape shape, const std::int32_t* c, std::int64_t checksum);
void finish_pi(Context& ctx, Shape shape, std::uint64_t hits);
void finish_fib_map(Context& ctx, unsigned parallelism, const std::vector<unsigned>& tasks,
                    const std::vector<std::uint64_t>& values);
void finish_word_count(Context& ctx, Shape shape, std::string_view text,
                       const std::map<std::string, std::uint64_t>& table);

// --tasks, or 4 x parallelism when it is 0.
std::uint64_t task_count(const Context& ctx, unsigned parallelism);

} // namespace parcook::workload
