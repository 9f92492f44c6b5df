// gpu/elementwise's plain C++ half (see elementwise.hpp): the float grammar, the checker, the
// kernel source and the CPU evaluator of the parsed expression.
#include "gpu/support/elementwise.hpp"

#include "parcook/errors.hpp"
#include "parcook/parse.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <fmt/format.h>

namespace parcook::gpu {
namespace {

bool is_identifier_start(char c) {
    return std::isalpha(static_cast<unsigned char>(c)) || c == '_';
}
bool is_identifier_char(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
}

// The functions an expression may call, with their double counterparts for the CPU reference.
struct FloatFunction {
    std::string_view name;
    unsigned arity;
    double (*apply)(double p, double q);
};
constexpr FloatFunction float_functions[] = {
    {"sinf", 1, [](double p, double) { return std::sin(p); }},
    {"cosf", 1, [](double p, double) { return std::cos(p); }},
    {"tanf", 1, [](double p, double) { return std::tan(p); }},
    {"expf", 1, [](double p, double) { return std::exp(p); }},
    {"logf", 1, [](double p, double) { return std::log(p); }},
    {"sqrtf", 1, [](double p, double) { return std::sqrt(p); }},
    {"fabsf", 1, [](double p, double) { return std::fabs(p); }},
    {"tanhf", 1, [](double p, double) { return std::tanh(p); }},
    {"powf", 2, [](double p, double q) { return std::pow(p, q); }},
    {"fminf", 2, [](double p, double q) { return std::fmin(p, q); }},
    {"fmaxf", 2, [](double p, double q) { return std::fmax(p, q); }},
};

// gpu/elementwise's grammar: the scalars a and b, the elements x and y, the functions above.
const Grammar& float_expression() {
    static const Grammar grammar = [] {
        Grammar g{
            .operands = {"a", "b", "x", "y"}, .functions = {}, .integers = false, .target = ""};
        for (const FloatFunction& f : float_functions)
            g.functions.emplace_back(f.name, f.arity);
        return g;
    }();
    return grammar;
}

// "sinf cosf ... fmaxf", for the messages.
std::string function_names() {
    std::string names;
    for (const FloatFunction& f : float_functions)
        names += std::string(names.empty() ? "" : " ") + std::string(f.name);
    return names;
}

bool is_name(std::string_view name) {
    const Grammar& g = float_expression();
    return std::find(g.operands.begin(), g.operands.end(), name) != g.operands.end() ||
           std::any_of(g.functions.begin(), g.functions.end(),
                       [&](const auto& f) { return f.first == name; });
}

} // namespace

void check_expression(std::string_view expr) {
    if (expr.size() > 1000)
        throw UsageError("--expr: longer than 1000 characters");
    int depth = 0;
    for (std::size_t i = 0; i < expr.size();) {
        const char c = expr[i];
        if (is_identifier_start(c)) {
            std::size_t end = i;
            while (end < expr.size() && is_identifier_char(expr[end]))
                ++end;
            const std::string_view name = expr.substr(i, end - i);
            if (!is_name(name))
                throw UsageError(fmt::format("--expr: unknown name {} (use a, b, x, y and {})",
                                             quote_input(name), function_names()));
            i = end;
        } else if (std::isdigit(static_cast<unsigned char>(c)) || c == '.') {
            // a number: digits, a point, an exponent, an f suffix
            while (i < expr.size() &&
                   (std::isdigit(static_cast<unsigned char>(expr[i])) || expr[i] == '.'))
                ++i;
            if (i < expr.size() && (expr[i] == 'e' || expr[i] == 'E')) {
                ++i;
                if (i < expr.size() && (expr[i] == '+' || expr[i] == '-'))
                    ++i;
                while (i < expr.size() && std::isdigit(static_cast<unsigned char>(expr[i])))
                    ++i;
            }
            if (i < expr.size() && (expr[i] == 'f' || expr[i] == 'F'))
                ++i;
            if (i < expr.size() && is_identifier_char(expr[i]))
                throw UsageError(fmt::format("--expr: malformed number near {}",
                                             quote_input(expr.substr(0, i + 1))));
        } else if (c == '(' || c == ')') {
            depth += c == '(' ? 1 : -1;
            if (depth < 0)
                throw UsageError("--expr: a ')' closes more than was opened: it would escape the "
                                 "kernel's expression");
            ++i;
        } else if (std::string_view("+-*/,").find(c) != std::string_view::npos || c == ' ' ||
                   c == '\t') {
            ++i;
        } else {
            throw UsageError(fmt::format(
                "--expr: {} is not allowed (an expression may use a, b, x, y, numbers, + - * / , "
                "parentheses and {}; never ; {{ }} [ ] # or quotes, which would leave the kernel "
                "body)",
                quote_input(std::string_view(&expr[i], 1)), function_names()));
        }
    }
    if (depth != 0)
        throw UsageError("--expr: unbalanced parentheses");
}

std::string elementwise_source(std::string_view expr) {
    return fmt::format(R"(extern "C" __global__ void elementwise(const float a,
        const float* __restrict__ xs, const float b, const float* __restrict__ ys,
        float* __restrict__ c, const unsigned long long n) {{
    const unsigned long long stride = (unsigned long long)gridDim.x * blockDim.x;
    for (unsigned long long i = blockIdx.x * (unsigned long long)blockDim.x + threadIdx.x; i < n;
         i += stride) {{
        const float x = xs[i], y = ys[i];
        c[i] = ({});
    }}
}}
)",
                       expr);
}

Compiled compile_elementwise(std::string_view expr) {
    check_expression(expr);
    return compile_source(elementwise_source(expr), "--expr");
}

FloatExpression::FloatExpression(std::string_view expr)
    : program_(parse_expression(float_expression(), expr).program) {}

double FloatExpression::operator()(double a, double b, double x, double y) const {
    const double operands[4] = {a, b, x, y}; // float_expression's
    thread_local std::vector<double> stack;  // kept: this runs once per element checked
    stack.clear();
    for (const ExprStep& s : program_) {
        if (s.op == '0' || s.op == 'v') {
            stack.push_back(s.op == '0' ? s.value : operands[s.slot]);
            continue;
        }
        if (s.op == 'n') {
            stack.back() = -stack.back();
            continue;
        }
        const unsigned arity = s.op == 'f' ? float_functions[s.slot].arity : 2;
        const double q = arity == 2 ? stack.back() : 0;
        if (arity == 2)
            stack.pop_back();
        const double p = stack.back();
        stack.back() = s.op == '+'   ? p + q
                       : s.op == '-' ? p - q
                       : s.op == '*' ? p * q
                       : s.op == '/' ? p / q
                                     : float_functions[s.slot].apply(p, q);
    }
    return stack.back();
}

} // namespace parcook::gpu
