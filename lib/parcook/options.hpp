// Recipe options as data: each recipe lists its options; the CLI, the help text, validation
// and the typed accessors of Context are all generated from these descriptions.
#pragma once
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace parcook {

enum class OptionKind { count, bytes, duration, integer, real, text, choice, flag };

struct OptionSpec {
    std::string name; // long name without dashes: "sleep" is --sleep
    OptionKind kind;
    std::string default_value; // in the same form a user would type it; "" for flags
    std::string help;
    std::vector<std::string> choices{}; // for choice options
    std::int64_t min = 0;         // for integer, count and bytes options; nanoseconds for durations
    std::int64_t max = INT64_MAX; // upper bound for count, bytes and integer options
    bool hidden = false;          // internal options (child roles), left out of --help
    bool positional = false;      // also given by position: `parcook async futures 1 10`
    std::string short_name{};     // e.g. "t" for -t
};

// Builders that keep recipe option lists short and readable.
OptionSpec count_option(std::string name, std::string def, std::string help,
                        std::int64_t max = INT64_C(1) << 62, std::int64_t min = 0);
OptionSpec bytes_option(std::string name, std::string def, std::string help,
                        std::int64_t max = INT64_C(1) << 40, std::int64_t min = 0);
OptionSpec duration_option(std::string name, std::string def, std::string help,
                           std::chrono::nanoseconds min = {});
OptionSpec integer_option(std::string name, std::int64_t def, std::string help, std::int64_t min,
                          std::int64_t max);
OptionSpec real_option(std::string name, std::string def, std::string help);
OptionSpec text_option(std::string name, std::string def, std::string help);
OptionSpec choice_option(std::string name, std::string def, std::vector<std::string> choices,
                         std::string help);
OptionSpec flag_option(std::string name, std::string help);
OptionSpec hidden_option(OptionSpec spec);
OptionSpec positional(OptionSpec spec); // takes the next free position on the command line

std::string describe_form(const OptionSpec& spec); // "COUNT", "DURATION", "a|b|c", ...

} // namespace parcook
