// A recipe descriptor: what it is, which book recipe it ports, its options and its entry point.
// Each file under recipes/<group>/ defines exactly one of these; the build generates the
// registry from the file list (recipes/CMakeLists.txt), so nothing depends on static
// self-registration.
#pragma once
#include "parcook/options.hpp"

#include <span>
#include <string>
#include <utility>
#include <vector>

namespace parcook {

class Context;

struct Recipe {
    std::string group;   // "threads"
    std::string name;    // "lock"
    std::string summary; // one line for `parcook list`
    std::string
        book; // the book recipe it ports, e.g. "Thread synchronization with Lock [book ch.2]"
    std::vector<OptionSpec> options;
    void (*run)(Context&);
    // Overrides of the common options' defaults, e.g. {{"n", "1e6"}, {"repeat", "3"}}.
    std::vector<std::pair<std::string, std::string>> defaults{};
    // Extra arguments `parcook tour` passes to keep the run small and short.
    std::vector<std::string> tour_args{};
    // Memory the recipe allocates per unit of --n, checked against the machine before running.
    double bytes_per_n = 0;

    std::string id() const { return group + "/" + name; }
};

struct Group {
    std::string name;
    std::string summary;
    std::vector<OptionSpec> options; // options every recipe of the group accepts
};

// All recipes, ordered by group (in the order of groups()) then by name.
std::span<const Recipe* const> recipes();
std::span<const Group> groups();
const Group* find_group(std::string_view name);
const Recipe* find_recipe(std::string_view group, std::string_view name);

// The options every recipe accepts (--n, --threads, --format, ...), with the recipe's defaults.
std::vector<OptionSpec> common_options(const Recipe& recipe);
// Common, group and recipe options together: the full option list of a recipe.
std::vector<OptionSpec> all_options(const Recipe& recipe);

} // namespace parcook
