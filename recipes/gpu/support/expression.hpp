// The element-wise statement gpu/cl-elementwise takes from --expr, "c[i] = EXPR" (or EXPR alone),
// over the book's arguments "int *a, int *b, int *c": checked so that it stays inside the kernel
// body it is pasted into, and evaluated on the CPU as the reference the device must match.
// EXPR: integer literals, a[i], b[i], i, + - * / % (on int, as in C), unary -, parentheses.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace parcook::gpu {

// Why `operation` would not stay one statement inside a kernel body ("" when it would): a ';'
// or a brace that ends it early, a comment, a preprocessor line or a line break.
std::string escapes_kernel_body(std::string_view operation);

class Expression {
public:
    // Throws UsageError "--expr: ..." naming the problem, in one line.
    explicit Expression(std::string_view text);
    // The OpenCL C statement: "c[i] = EXPR".
    const std::string& statement() const { return statement_; }
    // c[i] for a[i], b[i] and i, as int arithmetic computes it. Throws UsageError where a step
    // divides by zero or leaves the range of int (the device's result would be undefined).
    std::int32_t operator()(std::int32_t a, std::int32_t b, std::int64_t i) const;

private:
    struct Step {
        char op; // '0' a literal, 'a' a[i], 'b' b[i], 'i' i, '+' '-' '*' '/' '%', 'n' negation
        std::int64_t value = 0;
    };
    // Operands waiting at once: each one beyond the first needs an operator and an opening
    // parenthesis before it and a closing one after it, so 1000 characters hold at most 251.
    static constexpr std::size_t longest = 1000, max_depth = 256;
    std::vector<Step> program_; // postfix: operands before their operator
    std::string statement_;
};

} // namespace parcook::gpu
