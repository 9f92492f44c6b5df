// The workloads shared by every group (COOKBOOK section 4): the same inputs, the same
// verification and the same record fields, so a shell loop can compare models.
//   vector-sum  c = a + b over int32 (memory-bound)      pi        Monte Carlo (compute-bound)
//   fib-map     naive Fibonacci over an uneven list      word-count map-reduce over text
#pragma once
#include "parcook/context.hpp"
#include "parcook/generator.hpp"
#include "parcook/options.hpp"
#include "parcook/recipe.hpp"

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
std::vector<OptionSpec> vector_sum_options();
// Fills a and b for [begin, end) (call it from the thread that will use the block: first touch).
void vector_fill(std::uint64_t seed, std::int32_t* a, std::int32_t* b, std::uint64_t begin,
                 std::uint64_t end);
// c = op(a, b) over [begin, end); returns the block's checksum sum(c) as int64.
std::int64_t vector_kernel(VectorOp op, const std::int32_t* a, const std::int32_t* b,
                           std::int32_t* c, std::uint64_t begin, std::uint64_t end);
// Checks c element-wise against the generator and the checksum against a serial sum.
void vector_verify(Context& ctx, VectorOp op, const std::int32_t* c, std::uint64_t n,
                   std::int64_t checksum);

// ---- pi -----------------------------------------------------------------------------------
// Sample k uses draws (seed, 2k) and (seed, 2k + 1); a hit lands inside the unit circle.
inline bool pi_hit(std::uint64_t seed, std::uint64_t k) {
    const double x = draw_unit(seed, 2 * k), y = draw_unit(seed, 2 * k + 1);
    return x * x + y * y < 1.0;
}
std::uint64_t pi_hits(std::uint64_t seed, std::uint64_t begin, std::uint64_t end);
// Same hits as a serial run (when n is small enough to recount) and |pi - 4 hits/n| < 6 sigma.
void pi_verify(Context& ctx, std::uint64_t n, std::uint64_t hits);

// ---- fib-map ------------------------------------------------------------------------------
std::uint64_t fib(unsigned k); // naive recursion: 1 for k <= 2, else fib(k-1) + fib(k-2)
std::vector<OptionSpec> fib_map_options();
std::vector<unsigned> fib_tasks(const Context& ctx); // --list repeated --n times
void fib_verify(Context& ctx, const std::vector<unsigned>& tasks,
                const std::vector<std::uint64_t>& values);

// ---- word-count ---------------------------------------------------------------------------
using WordCounts = std::unordered_map<std::string, std::uint64_t>;
std::vector<OptionSpec> word_count_options();
std::string word_count_input(const Context& ctx);          // --input FILE, else the book text x --n
void count_words(std::string_view text, WordCounts& into); // lower-case, strip punctuation
// Splits text into at most `parts` chunks that end at whitespace.
std::vector<std::string_view> split_text(std::string_view text, std::size_t parts);
std::map<std::string, std::uint64_t> sorted(const WordCounts& counts);
std::uint64_t table_checksum(const std::map<std::string, std::uint64_t>& table); // FNV-1a
// Default text: every count is n x the book's 18-word table; --input: equals a serial count.
void word_count_verify(Context& ctx, std::string_view text,
                       const std::map<std::string, std::uint64_t>& table);

// ---- the shared descriptor -----------------------------------------------------------------
enum class Shared { vector_sum, pi, fib_map, word_count };
// A group's member of a shared workload: the same name, book reference, options, defaults and
// tour sizes in every group; the group brings its summary, its entry point and any options of
// its own (`extra`, placed after the workload's).
Recipe shared_recipe(Shared workload, std::string group, std::string summary, void (*run)(Context&),
                     std::vector<OptionSpec> extra = {});

// ---- the shared record ---------------------------------------------------------------------
struct Report {
    std::string workload;
    std::uint64_t n;
    unsigned parallelism;
    std::uint64_t tasks;
    boost::json::value result; // checksum, hits, value list...
    double seconds;            // median of the timed runs
    std::string rate_name;     // "bandwidth", "samples_per_second", ...
    double rate;
    std::string rate_unit;
};
// Writes the fields every group's member carries, in the same order.
void report(Context& ctx, const Report& r);
// --tasks, or 4 x parallelism when it is 0.
std::uint64_t task_count(const Context& ctx, unsigned parallelism);

} // namespace parcook::workload
