// The plain C++ halves of the gpu recipes, called directly (no GPU needed): the --expr checker
// and the CPU evaluator of gpu/elementwise, the frontier of gpu/fib-map, the word ids of
// gpu/word-count, the sampled entries of the matrix checks and the node-local device pick.
#include "gpu/support/api.hpp"
#include "gpu/support/elementwise.hpp"
#include "gpu/support/expression.hpp"
#include "gpu/support/fib-map.hpp"
#include "gpu/support/record.hpp"
#include "gpu/support/word-count.hpp"
#include "parcook/errors.hpp"
#include "parcook/workloads.hpp"

#include <catch2/catch.hpp>
#include <cmath>
#include <numeric>

using Catch::Matchers::Contains;

namespace parcook::gpu {

TEST_CASE("elementwise: the checker passes expressions and refuses what leaves the body") {
    for (const char* ok : {"a*x + b*y", "sinf(x) - powf(y, 2.5f)", "(x + y) / 1e-3", "-x", "x*.5"})
        CHECK_NOTHROW(check_expression(ok));
    for (const char* bad : {"x;", "{", "}", "x)", "(x", "x[0]", "#x", "\"", "'", "z", "printf(x)",
                            "x = y", "x ? a : b", "2ex"})
        CHECK_THROWS_AS(check_expression(bad), UsageError);
    CHECK_THROWS_WITH(check_expression("a*x; return"), Contains("';' is not allowed"));
}

TEST_CASE("elementwise: the source wraps the expression in one statement of the loop") {
    const std::string src = elementwise_source("a*x + b*y");
    CHECK_THAT(src, Contains("c[i] = (a*x + b*y);"));
    CHECK_THAT(src, Contains("extern \"C\" __global__ void elementwise("));
}

TEST_CASE("elementwise: the CPU evaluator follows C's precedence") {
    CHECK(FloatExpression("a*x + b*y")(2, 5, 1, 3) == 17);
    CHECK(FloatExpression("a - b - x")(10, 3, 2, 0) == 5);
    CHECK(FloatExpression("-x * -y")(0, 0, 2, 3) == 6);
    CHECK(FloatExpression("(a + b) / x")(1, 3, 2, 0) == 2);
    CHECK(FloatExpression("powf(x, 2) + fmaxf(a, b)")(1, 4, 3, 0) == 13);
    CHECK(FloatExpression("1.5e1f + sqrtf(x)")(0, 0, 4, 0) == 17);
    CHECK_THROWS_AS(FloatExpression("x +"), UsageError);
    CHECK_THROWS_AS(FloatExpression("powf(x)"), UsageError);
}

TEST_CASE("expression: one parser, each recipe's grammar") {
    // the float grammar: unary +, float literals, functions with their arity, no % and no c[i] =
    CHECK(FloatExpression("+x * .5e1f")(0, 0, 2, 0) == 10);
    CHECK_THROWS_WITH(FloatExpression("sinf(x, y)"), Contains("sinf takes 1 argument(s), not 2"));
    CHECK_THROWS_WITH(FloatExpression("x % y"), Contains("unexpected '%'"));
    CHECK_THROWS_WITH(FloatExpression("c[i] = x"), Contains("unknown name 'c'"));
    CHECK_THROWS_WITH(FloatExpression("a[i]"), Contains("unexpected '['"));
    // the int grammar: a[i], b[i] and i, %, int literals only, no unary +, c[i] = allowed
    CHECK(Expression("c[i] = a[i] % 3 - -i")(7, 0, 2) == 3);
    CHECK_THROWS_WITH(Expression("+a[i]"), Contains("a value is missing before '+'"));
    CHECK_THROWS_WITH(Expression("a[i] * 1.5"), Contains("unexpected '.'"));
    CHECK_THROWS_WITH(Expression("sinf(a[i])"),
                      Contains("unknown name 'sinf' (the names are a[i], b[i] and i)"));
    const ParsedExpr parsed = parse_expression(
        Grammar{.operands = {"p"}, .functions = {{"f", 2}}, .integers = true, .target = ""},
        "f(p, 2) % p");
    CHECK(parsed.program.size() == 5);
    CHECK(parsed.program[2].op == 'f');
    CHECK(parsed.program.back().op == '%');
}

TEST_CASE("fib-map: the frontier's leaves sum to fib(k)") {
    const std::vector<unsigned> tasks{20, 1, 2, 12};
    for (unsigned depth : {0u, 1u, 5u, 12u}) {
        const FibFrontier f = expand_fib(tasks, depth);
        std::vector<std::uint64_t> sums(tasks.size());
        for (std::size_t j = 0; j < f.m.size(); ++j)
            sums[f.task[j]] += workload::fib(f.m[j]);
        for (std::size_t t = 0; t < tasks.size(); ++t)
            CHECK(sums[t] == workload::fib(tasks[t]));
    }
    CHECK(expand_fib({30}, 3).m.size() == 8);
}

TEST_CASE("word-count: ids in first-occurrence order, lower-cased, punctuation stripped") {
    const WordIds t = word_ids("The cat, the CAT! (a) --");
    CHECK(t.words == std::vector<std::string>{"the", "cat", "a"});
    CHECK(t.ids == std::vector<std::uint32_t>{0, 1, 0, 1, 2});
}

TEST_CASE("record: every entry of a small matrix, 1024 sampled of a large one") {
    CHECK(entries_to_check(3, 4, 1).size() == 12);
    const auto sampled = entries_to_check(4096, 4096, 1);
    CHECK(sampled.size() == 1024);
    for (const auto& [i, j] : sampled)
        CHECK((i < 4096 && j < 4096));
}

TEST_CASE("device pick: --device, else the node-local rank modulo the devices, else 0") {
    CHECK(pick_device(5, "3", 2).index == 5); // --device wins, even beyond the devices
    CHECK_FALSE(pick_device(5, "3", 2).from_local_rank);
    CHECK(pick_device(std::nullopt, std::nullopt, 4).index == 0);
    for (unsigned rank = 0; rank < 9; ++rank) {
        const DevicePick pick = pick_device(std::nullopt, std::to_string(rank), 4);
        CHECK(pick.index == rank % 4);
        CHECK(pick.from_local_rank);
    }
    CHECK(pick_device(std::nullopt, "3", 1).index == 0);
    CHECK(pick_device(std::nullopt, "18446744073709551615", 10).index == 5);
    // malformed ranks, and no device to share, are ignored: device 0
    for (const char* bad :
         {"", "-1", "+1", " 1", "1 ", "1x", "x", "0x1", "1.5", "99999999999999999999999"}) {
        INFO("'" << bad << "'");
        CHECK(pick_device(std::nullopt, bad, 4).index == 0);
        CHECK_FALSE(pick_device(std::nullopt, bad, 4).from_local_rank);
    }
    CHECK(pick_device(std::nullopt, "3", 0).index == 0);
    CHECK_FALSE(pick_device(std::nullopt, "3", 0).from_local_rank);
}

} // namespace parcook::gpu
