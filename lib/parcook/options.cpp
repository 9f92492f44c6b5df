#include "parcook/options.hpp"

#include <fmt/format.h>
#include <utility>

namespace parcook {

OptionSpec count_option(std::string name, std::string def, std::string help, std::int64_t max,
                        std::int64_t min) {
    return {std::move(name), OptionKind::count, std::move(def), std::move(help), {}, min, max};
}
OptionSpec bytes_option(std::string name, std::string def, std::string help, std::int64_t max,
                        std::int64_t min) {
    return {std::move(name), OptionKind::bytes, std::move(def), std::move(help), {}, min, max};
}
OptionSpec duration_option(std::string name, std::string def, std::string help,
                           std::chrono::nanoseconds min) {
    return {std::move(name), OptionKind::duration, std::move(def), std::move(help), {},
            min.count()};
}
OptionSpec integer_option(std::string name, std::int64_t def, std::string help, std::int64_t min,
                          std::int64_t max) {
    return {
        std::move(name), OptionKind::integer, std::to_string(def), std::move(help), {}, min, max};
}
OptionSpec real_option(std::string name, std::string def, std::string help) {
    return {std::move(name), OptionKind::real, std::move(def), std::move(help)};
}
OptionSpec text_option(std::string name, std::string def, std::string help) {
    return {std::move(name), OptionKind::text, std::move(def), std::move(help)};
}
OptionSpec choice_option(std::string name, std::string def, std::vector<std::string> choices,
                         std::string help) {
    return {std::move(name), OptionKind::choice, std::move(def), std::move(help),
            std::move(choices)};
}
OptionSpec flag_option(std::string name, std::string help) {
    return {std::move(name), OptionKind::flag, "", std::move(help)};
}
OptionSpec hidden_option(OptionSpec spec) {
    spec.hidden = true;
    return spec;
}
OptionSpec positional(OptionSpec spec) {
    spec.positional = true;
    return spec;
}

std::string describe_form(const OptionSpec& spec) {
    switch (spec.kind) {
    case OptionKind::count:
        return "COUNT";
    case OptionKind::bytes:
        return "BYTES";
    case OptionKind::duration:
        return "DURATION";
    case OptionKind::integer:
        return fmt::format("INT[{}..{}]", spec.min, spec.max);
    case OptionKind::real:
        return "REAL";
    case OptionKind::text:
        return "TEXT";
    case OptionKind::choice:
        return fmt::format("{}", fmt::join(spec.choices, "|"));
    case OptionKind::flag:
        return "";
    }
    return "";
}

} // namespace parcook
