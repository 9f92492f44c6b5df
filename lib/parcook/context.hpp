// What a running recipe sees: its parsed options, a synchronized trace sink, the result record
// it fills in, and helpers to time its work with warm-up and repeats.
#pragma once
#include "parcook/errors.hpp"
#include "parcook/parse.hpp"
#include "parcook/recipe.hpp"
#include "parcook/result.hpp"
#include "parcook/stats.hpp"

#include <boost/json/value.hpp>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace parcook {

enum class Format { text, json, csv };

// The common options, parsed once.
struct Common {
    std::uint64_t n = 0;
    unsigned threads = 1;
    unsigned workers = 1;
    std::uint64_t tasks = 0; // 0: the recipe picks (4 x parallelism for workloads)
    unsigned repeat = 1;
    unsigned warmup = 0;
    std::uint64_t seed = 42;
    Format format = Format::text;
    bool quiet = false;
    bool verbose = false;
    bool no_header = false;
};

class Context {
public:
    // Parses and validates every option value (throws UsageError naming the option).
    // `given` maps option name -> text the user typed; missing ones take their default.
    Context(const Recipe& recipe, const std::map<std::string, std::string>& given,
            std::vector<std::string> args);

    const Recipe& recipe() const { return recipe_; }
    const Common& common() const { return common_; }
    // The recipe's own arguments as typed (after `parcook <group> <recipe>`), for re-exec.
    const std::vector<std::string>& args() const { return args_; }

    std::uint64_t count(std::string_view name) const;
    std::uint64_t bytes(std::string_view name) const;
    Duration duration(std::string_view name) const;
    std::int64_t integer(std::string_view name) const;
    double real(std::string_view name) const;
    const std::string& text(std::string_view name) const; // text and choice options
    bool flag(std::string_view name) const;
    bool given(std::string_view name) const; // typed on the command line (not a default)

    // Refuses (exit 2, naming `option`) to allocate more than the machine has.
    void require_memory(double bytes, std::string_view option) const;
    // The contents of the file named by the text option `option`: a regular, readable file whose
    // size times `copies` (what the recipe derives from it) passes require_memory.
    std::string read_input(std::string_view option, double copies = 1) const;

    // One human-readable line from `who`; safe from any thread. Printed at once in text
    // format (unless --quiet) and kept in the record's trace.
    void say(std::string_view who, std::string_view text);
    // The same for a line stamped elsewhere (another process: steady_clock is system-wide).
    void say(std::string_view who, std::string_view text, Stopwatch::clock::time_point at);
    double elapsed() const { return clock_.seconds(); } // seconds since the recipe started

    void param(std::string_view name, boost::json::value v) { result_.params[name] = std::move(v); }
    void field(std::string_view name, boost::json::value v) { result_.fields[name] = std::move(v); }
    void metric(std::string name, double value, std::string unit);
    // Records one verification rule; returns `ok` so callers can branch on it.
    bool check(std::string what, bool ok, std::string detail = {});
    void headline(std::string metric_name) { result_.headline = std::move(metric_name); }
    void rank_detail(boost::json::value v) { result_.ranks.push_back(std::move(v)); }
    // Stops printing trace lines and the final record from this process (e.g. MPI ranks > 0).
    void silence() { silenced_ = true; }
    bool silenced() const { return silenced_; }

    // Runs `body` --warmup times untimed, then --repeat times timed; records and returns stats.
    template <class F>
    const Stats& measure(F&& body) {
        return measure_own([&] {
            Stopwatch sw;
            body();
            return sw.seconds();
        });
    }
    // The same for a body that times itself and returns its seconds: device events, the
    // slowest of several processes, a region inside a larger step.
    template <class F>
    const Stats& measure_own(F&& body) {
        for (unsigned i = 0; i < common_.warmup; ++i)
            body();
        std::vector<double> samples;
        samples.reserve(common_.repeat);
        for (unsigned i = 0; i < common_.repeat; ++i)
            samples.push_back(body());
        result_.timing = Stats::of(std::move(samples));
        return *result_.timing;
    }
    // Times set-up work (allocation, input generation, starting workers) kept out of measure().
    template <class F>
    decltype(auto) setup(F&& body) {
        struct Add {
            Result& r;
            Stopwatch sw;
            ~Add() { r.setup_seconds += sw.seconds(); }
        } add{result_, {}};
        return body();
    }
    void timing(Stats stats) { result_.timing = std::move(stats); }

    Result& result() { return result_; }
    Result take_result();

private:
    using Value = std::variant<std::uint64_t, Duration, std::int64_t, double, std::string, bool>;
    const Value& value(std::string_view name, OptionKind expected) const;

    const Recipe& recipe_;
    std::vector<std::string> args_;
    std::map<std::string, Value, std::less<>> values_;
    std::map<std::string, OptionKind, std::less<>> kinds_;
    std::vector<std::string> given_;
    Common common_;
    Result result_;
    Stopwatch clock_;
    std::mutex say_mutex_;
    bool silenced_ = false;
};

} // namespace parcook
