#include "parcook/parse.hpp"

#include "parcook/errors.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <fmt/format.h>

namespace parcook {
namespace {

[[noreturn]] void bad(std::string_view option, std::string_view text, std::string_view form) {
    throw UsageError(
        fmt::format("--{}: invalid value {}: expected {}", option, quote_input(text), form));
}

[[noreturn]] void too_large(std::string_view option, std::string_view text, std::uint64_t max) {
    throw UsageError(
        fmt::format("--{}: value {} is too large (at most {})", option, quote_input(text), max));
}

[[noreturn]] void negative(std::string_view option, std::string_view text, std::string_view form) {
    throw UsageError(
        fmt::format("--{}: {} is negative; expected {}", option, quote_input(text), form));
}

std::string without_underscores(std::string_view text) {
    std::string out;
    for (char c : text)
        if (c != '_')
            out += c;
    return out;
}

// Parses a non-negative decimal number with optional fraction and exponent (1e6, 2.5, 3).
// Returns false on anything else; the value is a long double so 1e30 is detected as too big.
bool parse_number(std::string_view s, long double& value) {
    if (s.empty() || !(std::isdigit(static_cast<unsigned char>(s[0])) || s[0] == '.'))
        return false;
    double v = 0;
    auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ptr != s.data() + s.size())
        return false;
    if (ec == std::errc::result_out_of_range) {
        value = HUGE_VALL;
        return true;
    }
    if (ec != std::errc())
        return false;
    value = v;
    return true;
}

struct Suffix {
    std::string_view name;
    long double factor;
};

// Splits "64KiB" into "64" and "KiB".
std::pair<std::string_view, std::string_view> split_suffix(std::string_view s) {
    std::size_t i = s.size();
    while (i > 0 && std::isalpha(static_cast<unsigned char>(s[i - 1])))
        --i;
    return {s.substr(0, i), s.substr(i)};
}

std::uint64_t scaled(std::string_view option, std::string_view text, std::string_view form,
                     std::string_view body, long double factor, std::uint64_t max) {
    long double v = 0;
    if (!parse_number(body, v))
        bad(option, text, form);
    v *= factor;
    if (v != std::floor(v))
        bad(option, text, form);
    if (v > static_cast<long double>(max))
        too_large(option, text, max);
    return static_cast<std::uint64_t>(v);
}

} // namespace

std::string quote_input(std::string_view text, std::size_t most) {
    std::string out = "'";
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (out.size() > most) {
            out += fmt::format("...' ({} characters)", text.size());
            return out;
        }
        const auto c = static_cast<unsigned char>(text[i]);
        if (c == '\\' || c == '\'')
            out += fmt::format("\\{}", static_cast<char>(c));
        else if (c < 0x20 || c == 0x7f)
            out += fmt::format("\\x{:02x}", c);
        else
            out += static_cast<char>(c);
    }
    return out + "'";
}

std::uint64_t parse_count(std::string_view text, std::string_view option, std::uint64_t max) {
    constexpr std::string_view form = "a count such as 1000, 1e6, 1M, 2^20 or 1_000_000";
    const std::string s = without_underscores(text);
    if (!s.empty() && s[0] == '-')
        negative(option, text, form);
    if (auto caret = s.find('^'); caret != std::string::npos) {
        long double base = 0, exp = 0;
        if (!parse_number(std::string_view(s).substr(0, caret), base) ||
            !parse_number(std::string_view(s).substr(caret + 1), exp) || exp != std::floor(exp))
            bad(option, text, form);
        const long double v = std::pow(base, exp);
        if (v != std::floor(v)) // 2.5^2 is not a count
            bad(option, text, form);
        if (v > static_cast<long double>(max))
            too_large(option, text, max);
        return static_cast<std::uint64_t>(v);
    }
    static constexpr std::array<Suffix, 8> suffixes{{{"k", 1e3L},
                                                     {"K", 1e3L},
                                                     {"M", 1e6L},
                                                     {"G", 1e9L},
                                                     {"T", 1e12L},
                                                     {"Ki", 1024.0L},
                                                     {"Mi", 1048576.0L},
                                                     {"Gi", 1073741824.0L}}};
    auto [body, suffix] = split_suffix(s);
    long double factor = 1;
    if (!suffix.empty()) {
        auto it = std::find_if(suffixes.begin(), suffixes.end(),
                               [&](const Suffix& x) { return x.name == suffix; });
        if (it == suffixes.end())
            bad(option, text, form);
        factor = it->factor;
    }
    return scaled(option, text, form, body, factor, max);
}

std::uint64_t parse_bytes(std::string_view text, std::string_view option, std::uint64_t max) {
    constexpr std::string_view form = "a byte size such as 4096, 64KiB, 1MB or 16MiB";
    const std::string s = without_underscores(text);
    if (!s.empty() && s[0] == '-')
        negative(option, text, form);
    static constexpr std::array<Suffix, 12> suffixes{{{"B", 1},
                                                      {"k", 1e3L},
                                                      {"K", 1e3L},
                                                      {"KB", 1e3L},
                                                      {"kB", 1e3L},
                                                      {"MB", 1e6L},
                                                      {"GB", 1e9L},
                                                      {"KiB", 1024.0L},
                                                      {"MiB", 1048576.0L},
                                                      {"GiB", 1073741824.0L},
                                                      {"M", 1048576.0L},
                                                      {"G", 1073741824.0L}}};
    auto [body, suffix] = split_suffix(s);
    long double factor = 1;
    if (!suffix.empty()) {
        auto it = std::find_if(suffixes.begin(), suffixes.end(),
                               [&](const Suffix& x) { return x.name == suffix; });
        if (it == suffixes.end())
            bad(option, text, form);
        factor = it->factor;
    }
    return scaled(option, text, form, body, factor, max);
}

Duration parse_duration(std::string_view text, std::string_view option, Duration max) {
    constexpr std::string_view form = "a duration such as 500ms, 2s, 1.5s, 250us or 0";
    if (!text.empty() && text[0] == '-')
        negative(option, text, form);
    static constexpr std::array<Suffix, 6> suffixes{
        {{"ns", 1}, {"us", 1e3L}, {"ms", 1e6L}, {"s", 1e9L}, {"min", 60e9L}, {"h", 3600e9L}}};
    auto [body, suffix] = split_suffix(text);
    long double factor = 1e9L;
    if (!suffix.empty()) {
        auto it = std::find_if(suffixes.begin(), suffixes.end(),
                               [&](const Suffix& x) { return x.name == suffix; });
        if (it == suffixes.end())
            bad(option, text, form);
        factor = it->factor;
    }
    long double v = 0;
    if (!parse_number(body, v))
        bad(option, text, form);
    v *= factor;
    if (v > static_cast<long double>(max.count()))
        throw UsageError(fmt::format("--{}: {} is too long (at most {})", option, quote_input(text),
                                     format_seconds(to_seconds(max))));
    return Duration(static_cast<std::int64_t>(std::llround(v)));
}

std::int64_t parse_integer(std::string_view text, std::string_view option, std::int64_t min,
                           std::int64_t max) {
    const std::string s = without_underscores(text);
    std::int64_t v = 0;
    auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (s.empty() || ec != std::errc() || ptr != s.data() + s.size() || v < min || v > max)
        throw UsageError(fmt::format("--{}: invalid value {}: expected an integer from {} to {}",
                                     option, quote_input(text), min, max));
    return v;
}

double parse_real(std::string_view text, std::string_view option) {
    double v = 0;
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (text.empty() || ec != std::errc() || ptr != text.data() + text.size() || !std::isfinite(v))
        throw UsageError(fmt::format("--{}: invalid value {}: expected a number such as 0.5",
                                     option, quote_input(text)));
    return v;
}

std::string format_bytes(double bytes) {
    static constexpr std::array<const char*, 6> units{"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
    std::size_t u = 0;
    while (bytes >= 1024 && u + 1 < units.size()) {
        bytes /= 1024;
        ++u;
    }
    return u == 0 ? fmt::format("{:.0f} B", bytes) : fmt::format("{:.3g} {}", bytes, units[u]);
}

std::string format_seconds(double s) {
    if (s >= 1)
        return fmt::format("{:.4g} s", s);
    if (s >= 1e-3)
        return fmt::format("{:.4g} ms", s * 1e3);
    if (s >= 1e-6)
        return fmt::format("{:.4g} us", s * 1e6);
    return fmt::format("{:.4g} ns", s * 1e9);
}

double to_seconds(Duration d) {
    return std::chrono::duration<double>(d).count();
}

} // namespace parcook
