#include "parcook/context.hpp"

#include "parcook/host.hpp"
#include "parcook/output.hpp"
#include "parcook/parse.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
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
            if (std::get<std::uint64_t>(v) < static_cast<std::uint64_t>(spec.min))
                throw UsageError(fmt::format("--{}: {} needs at least {}, got {}", spec.name,
                                             recipe.id(), spec.min, quote_input(text)));
            break;
        case OptionKind::bytes:
            v = parse_bytes(text, spec.name, max);
            if (std::get<std::uint64_t>(v) < static_cast<std::uint64_t>(spec.min))
                throw UsageError(fmt::format("--{}: at least {}, got {}", spec.name,
                                             format_bytes(static_cast<double>(spec.min)),
                                             quote_input(text)));
            break;
        case OptionKind::duration:
            v = parse_duration(text, spec.name);
            if (std::get<Duration>(v) < Duration(spec.min))
                throw UsageError(fmt::format("--{}: at least {}, got {}", spec.name,
                                             format_seconds(to_seconds(Duration(spec.min))),
                                             quote_input(text)));
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
                throw UsageError(fmt::format("--{}: invalid value {}: expected one of {}",
                                             spec.name, quote_input(text),
                                             fmt::join(spec.choices, ", ")));
            v = text;
            break;
        case OptionKind::flag:
            v = typed != given.end() && typed->second != "false";
            break;
        }
        values_.emplace(spec.name, std::move(v));
        kinds_.emplace(spec.name, spec.kind);
    }
    // A common option the recipe does not use keeps the neutral value of Common's initialiser
    // (one thread, one timed run, no warm-up).
    auto declared = [&](std::string_view name) { return values_.contains(name); };
    if (declared("n"))
        common_.n = count("n");
    if (declared("threads"))
        common_.threads = static_cast<unsigned>(integer("threads"));
    if (declared("workers"))
        common_.workers = static_cast<unsigned>(integer("workers"));
    if (declared("tasks"))
        common_.tasks = static_cast<std::uint64_t>(integer("tasks"));
    if (declared("repeat")) {
        common_.repeat = static_cast<unsigned>(integer("repeat"));
        common_.warmup = static_cast<unsigned>(integer("warmup"));
    }
    if (declared("seed"))
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

std::string Context::read_input(std::string_view option, double copies) const {
    const std::string& path = text(option);
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    struct stat st {};
    if (fd < 0 || ::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        const std::string why = fd < 0 ? std::strerror(errno) : "not a regular file";
        if (fd >= 0)
            ::close(fd);
        throw UsageError(fmt::format("--{}: cannot read {}: {}", option, quote_input(path), why));
    }
    std::string contents;
    try {
        require_memory(static_cast<double>(st.st_size) * copies, option);
        contents.resize(static_cast<std::size_t>(st.st_size));
    } catch (...) {
        ::close(fd);
        throw;
    }
    std::size_t got = 0;
    while (got <
           contents.size()) { // a file that shrinks meanwhile ends early; one that grows is cut
        const ssize_t r = ::read(fd, contents.data() + got, contents.size() - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        got += static_cast<std::size_t>(r);
    }
    ::close(fd);
    contents.resize(got);
    return contents;
}

void Context::say(std::string_view who, std::string_view text) {
    say(who, text, Stopwatch::clock::now());
}

void Context::say(std::string_view who, std::string_view text, Stopwatch::clock::time_point at) {
    std::lock_guard lock(say_mutex_);
    const double t = std::chrono::duration<double>(at - clock_.started()).count();
    result_.trace.push_back({t, std::string(who), std::string(text)});
    if (common_.format == Format::text && !common_.quiet && !silenced_) {
        // One write per line, so lines from threads and child processes never tear; a failed
        // write is reported when the recipe ends.
        write_stdout_noexcept(fmt::format("[{}] {}\n", who, text));
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
