// The --expr parser of the element-wise recipes (see expression.hpp): recursive descent over a
// grammar to a postfix program, and gpu/cl-elementwise's evaluation of it in int arithmetic.
#include "gpu/support/expression.hpp"

#include "parcook/errors.hpp"
#include "parcook/parse.hpp"

#include <cctype>
#include <climits>
#include <cstdlib>
#include <fmt/format.h>

namespace parcook::gpu {

std::string escapes_kernel_body(std::string_view operation) {
    for (const char c : operation) {
        if (c == ';')
            return "';' would end the statement inside the kernel body: give one expression";
        if (c == '{' || c == '}')
            return fmt::format("'{}' would open or close a block of the kernel body", c);
        if (c == '#' || c == '\\' || std::iscntrl(static_cast<unsigned char>(c)))
            return "a line break or other control character, '#' or '\\' would leave the "
                   "kernel body's line";
    }
    if (operation.find("//") != std::string_view::npos ||
        operation.find("/*") != std::string_view::npos)
        return "a comment would hide the rest of the kernel body";
    return "";
}

namespace {

bool is_name_char(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
}

// "a, b and c" (never empty: a grammar has operands)
std::string listed(const std::vector<std::string_view>& names) {
    std::string s(names.front());
    for (std::size_t k = 1; k < names.size(); ++k)
        s += (k + 1 == names.size() ? " and " : ", ") + std::string(names[k]);
    return s;
}

// Recursive descent over `grammar`, emitting the postfix program.
class Parser {
public:
    Parser(const Grammar& grammar, std::string_view text) : g_(grammar), text_(text) {}

    ParsedExpr statement() {
        if (!g_.target.empty() && name_ahead() == g_.target.substr(0, g_.target.find('['))) {
            at_ += g_.target.find('[');
            index_of(g_.target);
            expect("=");
        }
        space();
        out_.start = at_;
        expression();
        space();
        if (at_ < text_.size())
            fail(fmt::format("unexpected '{}'", text_[at_]));
        return std::move(out_);
    }

private:
    void emit(char op, double value = 0, unsigned slot = 0) {
        out_.program.push_back({op, value, slot});
    }
    void expression() {
        term();
        for (char op; (op = next_of("+-"));)
            term(), emit(op);
    }
    void term() {
        unary();
        for (char op; (op = next_of(g_.integers ? "*/%" : "*/"));)
            unary(), emit(op);
    }
    void unary() {
        if (next_of("-"))
            return unary(), emit('n');
        if (!g_.integers && next_of("+"))
            return unary();
        space();
        if (at_ < text_.size() && (std::isdigit(static_cast<unsigned char>(text_[at_])) ||
                                   (!g_.integers && text_[at_] == '.')))
            return literal();
        if (skip("(")) {
            expression();
            return expect(")");
        }
        const std::string_view name = name_ahead();
        for (unsigned slot = 0; slot < g_.operands.size(); ++slot)
            if (g_.operands[slot].substr(0, g_.operands[slot].find('[')) == name) {
                at_ += name.size();
                index_of(g_.operands[slot]);
                return emit('v', 0, slot);
            }
        for (unsigned slot = 0; slot < g_.functions.size(); ++slot)
            if (g_.functions[slot].first == name) {
                at_ += name.size();
                return call(slot);
            }
        if (at_ == text_.size())
            fail("a value is missing at the end");
        if (!name.empty()) {
            std::vector<std::string_view> names = g_.operands;
            for (const auto& f : g_.functions)
                names.push_back(f.first);
            fail(fmt::format("unknown name '{}' (the names are {})", name, listed(names)));
        }
        fail(fmt::format("a value is missing before '{}'", text_[at_]));
    }
    void literal() {
        if (g_.integers) {
            std::int64_t value = 0;
            while (at_ < text_.size() && std::isdigit(static_cast<unsigned char>(text_[at_]))) {
                value = value * 10 + (text_[at_++] - '0');
                if (value > INT_MAX)
                    fail("an integer literal beyond the range of int");
            }
            return emit('0', static_cast<double>(value));
        }
        // digits, a point, an exponent, an f suffix
        std::size_t end = at_;
        while (end < text_.size() && (is_name_char(text_[end]) || text_[end] == '.' ||
                                      ((text_[end] == '+' || text_[end] == '-') &&
                                       (text_[end - 1] == 'e' || text_[end - 1] == 'E'))))
            ++end;
        std::string number(text_.substr(at_, end - at_));
        if (number.back() == 'f' || number.back() == 'F')
            number.pop_back();
        char* stop = nullptr;
        const double value = std::strtod(number.c_str(), &stop);
        if (stop != number.c_str() + number.size())
            fail(fmt::format("malformed number '{}'", text_.substr(at_, end - at_)));
        at_ = end;
        emit('0', value);
    }
    void call(unsigned slot) {
        const auto& [name, arity] = g_.functions[slot];
        expect("(");
        unsigned args = 0;
        do {
            expression();
            ++args;
        } while (next_of(","));
        expect(")");
        if (args != arity)
            fail(fmt::format("{} takes {} argument(s), not {}", name, arity, args));
        emit('f', 0, slot);
    }
    // The index after an operand's name: "[i]" of "a[i]", nothing for "x".
    void index_of(std::string_view operand) {
        const std::size_t open = operand.find('[');
        if (open == std::string_view::npos)
            return;
        for (const char c : operand.substr(open))
            expect(std::string(1, c));
    }

    void space() {
        while (at_ < text_.size() && (text_[at_] == ' ' || text_[at_] == '\t'))
            ++at_;
    }
    // The name that starts here ("" if none), without consuming it.
    std::string_view name_ahead() {
        space();
        std::size_t end = at_;
        if (end < text_.size() && !std::isdigit(static_cast<unsigned char>(text_[end])))
            while (end < text_.size() && is_name_char(text_[end]))
                ++end;
        return text_.substr(at_, end - at_);
    }
    // Consumes `token` if it comes next; a name must not run on ("ab" is not "a").
    bool skip(std::string_view token) {
        space();
        if (text_.substr(at_, token.size()) != token)
            return false;
        const std::size_t end = at_ + token.size();
        if (std::isalpha(static_cast<unsigned char>(token[0])) && end < text_.size() &&
            is_name_char(text_[end]))
            return false;
        at_ = end;
        return true;
    }
    char next_of(std::string_view ops) {
        space();
        if (at_ < text_.size() && ops.find(text_[at_]) != std::string_view::npos)
            return text_[at_++];
        return 0;
    }
    void expect(std::string_view token) {
        if (!skip(token))
            fail(at_ < text_.size() ? fmt::format("expected '{}' before '{}'", token, text_[at_])
                                    : fmt::format("expected '{}' at the end", token));
    }
    [[noreturn]] void fail(const std::string& what) const {
        throw UsageError(
            fmt::format("--expr: {} in {} (column {})", what, quote_input(text_), at_ + 1));
    }

    const Grammar& g_;
    std::string_view text_;
    std::size_t at_ = 0;
    ParsedExpr out_;
};

// gpu/cl-elementwise's grammar: the book's int arguments.
const Grammar int_statement{
    .operands = {"a[i]", "b[i]", "i"}, .functions = {}, .integers = true, .target = "c[i]"};

} // namespace

ParsedExpr parse_expression(const Grammar& grammar, std::string_view text) {
    return Parser(grammar, text).statement();
}

Expression::Expression(std::string_view text) {
    if (text.size() > longest)
        throw UsageError(fmt::format("--expr: longer than {} characters", longest));
    if (const std::string why = escapes_kernel_body(text); !why.empty())
        throw UsageError(fmt::format("--expr: {}: {}", why, quote_input(text)));
    ParsedExpr parsed = parse_expression(int_statement, text);
    program_ = std::move(parsed.program);
    statement_ = "c[i] = " + std::string(text.substr(parsed.start));
}

std::int32_t Expression::operator()(std::int32_t a, std::int32_t b, std::int64_t i) const {
    std::int64_t stack[max_depth];
    std::size_t top = 0;
    const auto fail = [&](const char* what) {
        throw UsageError(fmt::format("--expr: {} at i = {} (a[i] = {}, b[i] = {}), where the "
                                     "device's int result is undefined",
                                     what, i, a, b));
    };
    const std::int64_t operands[3] = {a, b, i}; // int_statement's
    for (const ExprStep& s : program_) {
        std::int64_t v = 0;
        switch (s.op) {
        case '0':
            v = static_cast<std::int64_t>(s.value);
            break;
        case 'v':
            v = operands[s.slot];
            break;
        case 'n':
            v = -stack[--top];
            break;
        default: {
            const std::int64_t y = stack[--top], x = stack[--top];
            if ((s.op == '/' || s.op == '%') && y == 0)
                fail("a division by zero");
            v = s.op == '+'   ? x + y
                : s.op == '-' ? x - y
                : s.op == '*' ? x * y
                : s.op == '/' ? x / y
                              : x % y;
        }
        }
        if (v < INT_MIN || v > INT_MAX)
            fail("an overflow of int");
        stack[top++] = v;
    }
    return static_cast<std::int32_t>(stack[0]);
}

} // namespace parcook::gpu
