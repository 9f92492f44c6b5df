// The --expr of the two element-wise recipes, read by one parser over a grammar each recipe
// describes: gpu/cl-elementwise's statement "c[i] = EXPR" (or EXPR alone) over the book's
// "int *a, int *b, int *c" (operands a[i], b[i], i; int literals; + - * / %), and gpu/elementwise's
// float expression (operands a, b, x, y; float literals; + - * /; sinf ... fmaxf). The parse is
// a postfix program: gpu/cl-elementwise evaluates it in checked int arithmetic, gpu/elementwise
// in double, as the CPU's reference the device must match.
// EXPR := TERM (('+' | '-') TERM)*; TERM := UNARY (('*' | '/' | '%') UNARY)*;
// UNARY := ('-' | '+') UNARY | PRIMARY; PRIMARY := literal | operand | f '(' EXPR (',' EXPR)* ')'
//        | '(' EXPR ')'
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace parcook::gpu {

// Why `operation` would not stay one statement inside a kernel body ("" when it would): a ';'
// or a brace that ends it early, a comment, a preprocessor line or a line break.
std::string escapes_kernel_body(std::string_view operation);

// What an --expr may say.
struct Grammar {
    std::vector<std::string_view> operands; // "a[i]" or "x": a name, then its index if any
    std::vector<std::pair<std::string_view, unsigned>> functions; // name, number of arguments
    bool integers = false;   // int literals (up to INT_MAX), '%', no unary '+'; else float literals
    std::string_view target; // "c[i]": "c[i] = EXPR" may stand for EXPR
};

// One step of the postfix program: operands before their operator.
struct ExprStep {
    char op; // '0' a literal, 'v' operand `slot`, 'f' function `slot`, '+' '-' '*' '/' '%', 'n' -x
    double value = 0;
    unsigned slot = 0;
};

struct ParsedExpr {
    std::vector<ExprStep> program;
    std::size_t start = 0; // where EXPR starts in the text (after "c[i] =")
};

// Throws UsageError "--expr: <what> in '<text>' (column N)" for what the grammar refuses.
ParsedExpr parse_expression(const Grammar& grammar, std::string_view text);

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
    // Operands waiting at once: each one beyond the first needs an operator and an opening
    // parenthesis before it and a closing one after it, so 1000 characters hold at most 251.
    static constexpr std::size_t longest = 1000, max_depth = 256;
    std::vector<ExprStep> program_;
    std::string statement_;
};

} // namespace parcook::gpu
