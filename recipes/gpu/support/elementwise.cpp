// gpu/elementwise's plain C++ half (see elementwise.hpp): the checker, the kernel source and the
// CPU evaluator.
#include "gpu/support/elementwise.hpp"

#include "parcook/errors.hpp"
#include "parcook/parse.hpp"

#include <cctype>
#include <cmath>
#include <fmt/format.h>
#include <set>

namespace parcook::gpu {
namespace {

bool is_identifier_start(char c) {
    return std::isalpha(static_cast<unsigned char>(c)) || c == '_';
}
bool is_identifier_char(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
}

const std::set<std::string, std::less<>>& functions() {
    static const std::set<std::string, std::less<>> names = [] {
        std::set<std::string, std::less<>> s;
        std::string_view all = elementwise_functions;
        while (!all.empty()) {
            const std::size_t space = all.find(' ');
            s.emplace(all.substr(0, space));
            all = space == std::string_view::npos ? "" : all.substr(space + 1);
        }
        return s;
    }();
    return names;
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
            if (name != "a" && name != "b" && name != "x" && name != "y" &&
                !functions().contains(name))
                throw UsageError(fmt::format("--expr: unknown name {} (use a, b, x, y and {})",
                                             quote_input(name), elementwise_functions));
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
                quote_input(std::string_view(&expr[i], 1)), elementwise_functions));
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

// ---- the CPU evaluator: recursive descent over the checked tokens ------------------------------

struct FloatExpression::Node {
    char op = 0; // 'n' number, 'v' variable, 'f' function, or + - * / and 'u' (unary minus)
    double value = 0;
    char variable = 0;
    std::string function;
    std::vector<std::unique_ptr<Node>> args;

    double eval(const double v[4]) const {
        switch (op) {
        case 'n':
            return value;
        case 'v':
            return v[variable == 'a' ? 0 : variable == 'b' ? 1 : variable == 'x' ? 2 : 3];
        case 'u':
            return -args[0]->eval(v);
        case '+':
            return args[0]->eval(v) + args[1]->eval(v);
        case '-':
            return args[0]->eval(v) - args[1]->eval(v);
        case '*':
            return args[0]->eval(v) * args[1]->eval(v);
        case '/':
            return args[0]->eval(v) / args[1]->eval(v);
        default:
            break;
        }
        const double p = args[0]->eval(v), q = args.size() > 1 ? args[1]->eval(v) : 0;
        if (function == "sinf")
            return std::sin(p);
        if (function == "cosf")
            return std::cos(p);
        if (function == "tanf")
            return std::tan(p);
        if (function == "expf")
            return std::exp(p);
        if (function == "logf")
            return std::log(p);
        if (function == "sqrtf")
            return std::sqrt(p);
        if (function == "fabsf")
            return std::fabs(p);
        if (function == "tanhf")
            return std::tanh(p);
        if (function == "powf")
            return std::pow(p, q);
        if (function == "fminf")
            return std::fmin(p, q);
        return std::fmax(p, q);
    }
};

namespace {

class Parser {
public:
    explicit Parser(std::string_view s) : s_(s) {}

    std::unique_ptr<FloatExpression::Node> whole() {
        auto e = sum();
        skip();
        if (i_ != s_.size())
            fail("unexpected text");
        return e;
    }

private:
    using NodePtr = std::unique_ptr<FloatExpression::Node>;

    [[noreturn]] void fail(const char* what) const {
        throw UsageError(fmt::format("--expr: {} at column {}", what, i_ + 1));
    }
    void skip() {
        while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\t'))
            ++i_;
    }
    bool eat(char c) {
        skip();
        if (i_ < s_.size() && s_[i_] == c) {
            ++i_;
            return true;
        }
        return false;
    }
    static NodePtr binary(char op, NodePtr l, NodePtr r) {
        auto n = std::make_unique<FloatExpression::Node>();
        n->op = op;
        n->args.push_back(std::move(l));
        n->args.push_back(std::move(r));
        return n;
    }
    NodePtr sum() {
        auto l = product();
        for (;;) {
            if (eat('+'))
                l = binary('+', std::move(l), product());
            else if (eat('-'))
                l = binary('-', std::move(l), product());
            else
                return l;
        }
    }
    NodePtr product() {
        auto l = unary();
        for (;;) {
            if (eat('*'))
                l = binary('*', std::move(l), unary());
            else if (eat('/'))
                l = binary('/', std::move(l), unary());
            else
                return l;
        }
    }
    NodePtr unary() {
        if (eat('+'))
            return unary();
        if (eat('-')) {
            auto n = std::make_unique<FloatExpression::Node>();
            n->op = 'u';
            n->args.push_back(unary());
            return n;
        }
        return primary();
    }
    NodePtr primary() {
        skip();
        auto n = std::make_unique<FloatExpression::Node>();
        if (eat('(')) {
            n = sum();
            if (!eat(')'))
                fail("expected ')'");
            return n;
        }
        if (i_ >= s_.size())
            fail("expected an operand");
        if (std::isdigit(static_cast<unsigned char>(s_[i_])) || s_[i_] == '.') {
            std::size_t end = i_;
            while (end < s_.size() && (is_identifier_char(s_[end]) || s_[end] == '.' ||
                                       ((s_[end] == '+' || s_[end] == '-') &&
                                        (s_[end - 1] == 'e' || s_[end - 1] == 'E'))))
                ++end;
            std::string text(s_.substr(i_, end - i_));
            if (!text.empty() && (text.back() == 'f' || text.back() == 'F'))
                text.pop_back();
            n->op = 'n';
            n->value = std::strtod(text.c_str(), nullptr);
            i_ = end;
            return n;
        }
        if (!is_identifier_start(s_[i_]))
            fail("expected an operand");
        std::size_t end = i_;
        while (end < s_.size() && is_identifier_char(s_[end]))
            ++end;
        const std::string name(s_.substr(i_, end - i_));
        i_ = end;
        if (name.size() == 1) {
            n->op = 'v';
            n->variable = name[0];
            return n;
        }
        n->op = 'f';
        n->function = name;
        if (!eat('('))
            fail("expected '(' after a function");
        n->args.push_back(sum());
        while (eat(','))
            n->args.push_back(sum());
        if (!eat(')'))
            fail("expected ')'");
        const std::size_t want = name == "powf" || name == "fminf" || name == "fmaxf" ? 2 : 1;
        if (n->args.size() != want)
            fail("wrong number of arguments");
        return n;
    }

    std::string_view s_;
    std::size_t i_ = 0;
};

} // namespace

FloatExpression::FloatExpression(std::string_view expr) : root_(Parser(expr).whole()) {}
FloatExpression::~FloatExpression() = default;
FloatExpression::FloatExpression(FloatExpression&&) noexcept = default;

double FloatExpression::operator()(double a, double b, double x, double y) const {
    const double v[4] = {a, b, x, y};
    return root_->eval(v);
}

} // namespace parcook::gpu
