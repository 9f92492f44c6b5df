#include "parcook/context.hpp"

#include "parcook/host.hpp"
#include "parcook/parse.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <unistd.h>

namespace parcook {

Context::Context(const Recipe& recipe, const std::map<std::string, std::string>& given,
                 std::vector<std::string> args)
    : recipe_(recipe), args_(std::move(args)) {
    result_.recipe = recipe.id();
    for (const OptionSpec& spec : all_options(recipe)) {
        auto typed = given.find(spec.name);
        if (typed != given.end())
            given_.push_back(spec.name);
        const std::string& text = typed != given.end() ? typed->second : spec.default_value;
        const auto max = static_cast<std::uint64_t>(spec.max);
        Value v;
        switch (spec.kind) {
        case OptionKind::count:
            v = parse_count(text, spec.name, max);
            break;
        case OptionKind::bytes:
            v = parse_bytes(text, spec.name, max);
            break;
        case OptionKind::duration:
            v = parse_duration(text, spec.name);
            break;
        case OptionKind::integer:
            v = parse_integer(text, spec.name, spec.min, spec.max);
            break;
        case OptionKind::real:
            v = parse_real(text, spec.name);
            break;
        case OptionKind::text:
            v = text;
            break;
        case OptionKind::choice:
            if (std::find(spec.choices.begin(), spec.choices.end(), text) == spec.choices.end())
                throw UsageError(fmt::format("--{}: invalid value '{}': expected one of {}",
                                             spec.name, text, fmt::join(spec.choices, ", ")));
            v = text;
            break;
        case OptionKind::flag:
            v = typed != given.end() && typed->second != "false";
            break;
        }
        values_.emplace(spec.name, std::move(v));
        kinds_.emplace(spec.name, spec.kind);
    }
    common_.n = count("n");
    common_.threads = static_cast<unsigned>(integer("threads"));
    common_.workers = static_cast<unsigned>(integer("workers"));
    common_.tasks = static_cast<std::uint64_t>(integer("tasks"));
    common_.repeat = static_cast<unsigned>(integer("repeat"));
    common_.warmup = static_cast<unsigned>(integer("warmup"));
    common_.seed = count("seed");
    const std::string& format = text("format");
    common_.format = format == "json" ? Format::json : format == "csv" ? Format::csv : Format::text;
    common_.quiet = flag("quiet");
    common_.verbose = flag("verbose");
    common_.no_header = flag("no-header");
    if (recipe.bytes_per_n > 0)
        require_memory(recipe.bytes_per_n * static_cast<double>(common_.n), "n");
}

const Context::Value& Context::value(std::string_view name, OptionKind expected) const {
    auto it = values_.find(name);
    auto kind = kinds_.find(name);
    const bool same_storage =
        kind != kinds_.end() && (kind->second == expected || (expected == OptionKind::text &&
                                                              kind->second == OptionKind::choice));
    if (it == values_.end() || !same_storage)
        throw std::logic_error(
            fmt::format("recipe {} reads undeclared or mistyped option --{}", recipe_.id(), name));
    return it->second;
}

std::uint64_t Context::count(std::string_view name) const {
    return std::get<std::uint64_t>(value(name, OptionKind::count));
}
std::uint64_t Context::bytes(std::string_view name) const {
    return std::get<std::uint64_t>(value(name, OptionKind::bytes));
}
Duration Context::duration(std::string_view name) const {
    return std::get<Duration>(value(name, OptionKind::duration));
}
std::int64_t Context::integer(std::string_view name) const {
    return std::get<std::int64_t>(value(name, OptionKind::integer));
}
double Context::real(std::string_view name) const {
    return std::get<double>(value(name, OptionKind::real));
}
const std::string& Context::text(std::string_view name) const {
    return std::get<std::string>(value(name, OptionKind::text));
}
bool Context::flag(std::string_view name) const {
    return std::get<bool>(value(name, OptionKind::flag));
}
bool Context::given(std::string_view name) const {
    return std::find(given_.begin(), given_.end(), name) != given_.end();
}

void Context::require_memory(double bytes, std::string_view option) const {
    const auto available = static_cast<double>(memory_available());
    if (bytes > available * 0.9)
        throw UsageError(fmt::format("--{}: this size needs {} of memory, but only {} is available",
                                     option, format_bytes(bytes), format_bytes(available)));
}

void Context::say(std::string_view who, std::string_view text) {
    say(who, text, Stopwatch::clock::now());
}

void Context::say(std::string_view who, std::string_view text, Stopwatch::clock::time_point at) {
    std::lock_guard lock(say_mutex_);
    const double t = std::chrono::duration<double>(at - clock_.started()).count();
    result_.trace.push_back({t, std::string(who), std::string(text)});
    if (common_.format == Format::text && !common_.quiet && !silenced_) {
        // One write per line, so lines from threads and child processes never tear.
        const std::string line = fmt::format("[{}] {}\n", who, text);
        [[maybe_unused]] auto written = ::write(STDOUT_FILENO, line.data(), line.size());
    }
}

void Context::metric(std::string name, double value, std::string unit) {
    result_.metrics.push_back({std::move(name), value, std::move(unit)});
}

bool Context::check(std::string what, bool ok, std::string detail) {
    result_.checks.push_back({std::move(what), ok, std::move(detail)});
    return ok;
}

Result Context::take_result() {
    return std::move(result_);
}

} // namespace parcook
