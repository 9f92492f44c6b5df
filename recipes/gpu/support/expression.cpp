// The element-wise statement of gpu/cl-elementwise (see expression.hpp): a recursive-descent
// parser to a postfix program, and its evaluation on the CPU.
#include "gpu/support/expression.hpp"

#include "parcook/errors.hpp"
#include "parcook/parse.hpp"

#include <cctype>
#include <climits>
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

// EXPR := TERM (('+' | '-') TERM)*; TERM := UNARY (('*' | '/' | '%') UNARY)*;
// UNARY := '-' UNARY | PRIMARY; PRIMARY := literal | 'i' | ('a' | 'b') '[' 'i' ']' | '(' EXPR ')'
class Parser {
public:
    explicit Parser(std::string_view text) : text_(text) {}

    // Parses "c[i] = EXPR" or EXPR alone; returns where EXPR starts.
    template <class Emit>
    std::size_t statement(Emit emit) {
        if (skip("c"))
            expect("["), expect("i"), expect("]"), expect("=");
        space();
        const std::size_t start = at_;
        expression(emit);
        space();
        if (at_ < text_.size())
            fail(fmt::format("unexpected '{}'", text_[at_]));
        return start;
    }

private:
    template <class Emit>
    void expression(Emit& emit) {
        term(emit);
        for (char op; (op = next_of("+-"));)
            term(emit), emit(op);
    }
    template <class Emit>
    void term(Emit& emit) {
        unary(emit);
        for (char op; (op = next_of("*/%"));)
            unary(emit), emit(op);
    }
    template <class Emit>
    void unary(Emit& emit) {
        if (next_of("-"))
            return unary(emit), emit('n');
        space();
        if (at_ < text_.size() && std::isdigit(static_cast<unsigned char>(text_[at_]))) {
            std::int64_t value = 0;
            while (at_ < text_.size() && std::isdigit(static_cast<unsigned char>(text_[at_]))) {
                value = value * 10 + (text_[at_++] - '0');
                if (value > INT_MAX)
                    fail("an integer literal beyond the range of int");
            }
            return emit('0', value);
        }
        if (skip("(")) {
            expression(emit);
            return expect(")");
        }
        for (const char name : {'a', 'b'})
            if (skip(std::string(1, name))) {
                expect("["), expect("i"), expect("]");
                return emit(name);
            }
        if (skip("i"))
            return emit('i');
        if (at_ == text_.size())
            fail("a value is missing at the end");
        std::size_t end = at_;
        while (end < text_.size() &&
               (std::isalnum(static_cast<unsigned char>(text_[end])) || text_[end] == '_'))
            ++end;
        if (end > at_)
            fail(fmt::format("unknown name '{}' (the names are a[i], b[i] and i)",
                             text_.substr(at_, end - at_)));
        fail(fmt::format("a value is missing before '{}'", text_[at_]));
    }

    void space() {
        while (at_ < text_.size() && text_[at_] == ' ')
            ++at_;
    }
    // Consumes `token` if it comes next; a name must not run on ("ab" is not "a").
    bool skip(std::string_view token) {
        space();
        if (text_.substr(at_, token.size()) != token)
            return false;
        const std::size_t end = at_ + token.size();
        if (std::isalpha(static_cast<unsigned char>(token[0])) && end < text_.size() &&
            (std::isalnum(static_cast<unsigned char>(text_[end])) || text_[end] == '_'))
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

    std::string_view text_;
    std::size_t at_ = 0;
};

} // namespace

Expression::Expression(std::string_view text) {
    if (text.size() > longest)
        throw UsageError(fmt::format("--expr: longer than {} characters", longest));
    if (const std::string why = escapes_kernel_body(text); !why.empty())
        throw UsageError(fmt::format("--expr: {}: {}", why, quote_input(text)));
    const std::size_t start = Parser(text).statement([&](char op, std::int64_t value = 0) {
        program_.push_back({op, value});
    });
    statement_ = "c[i] = " + std::string(text.substr(start));
}

std::int32_t Expression::operator()(std::int32_t a, std::int32_t b, std::int64_t i) const {
    std::int64_t stack[max_depth];
    std::size_t top = 0;
    const auto fail = [&](const char* what) {
        throw UsageError(fmt::format("--expr: {} at i = {} (a[i] = {}, b[i] = {}), where the "
                                     "device's int result is undefined",
                                     what, i, a, b));
    };
    for (const Step& s : program_) {
        std::int64_t v = 0;
        switch (s.op) {
        case '0':
            v = s.value;
            break;
        case 'a':
            v = a;
            break;
        case 'b':
            v = b;
            break;
        case 'i':
            v = i;
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
