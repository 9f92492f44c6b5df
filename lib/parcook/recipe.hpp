// A recipe descriptor: what it is, which book recipe it ports, its options and its entry point;
// and a group descriptor: what every recipe of a model shares. Each file under recipes/<group>/
// defines exactly one Recipe, and recipes/<group>/group.cpp the Group; the build generates the
// registry from the file list (recipes/CMakeLists.txt), so nothing depends on static
// self-registration.
#pragma once
#include "parcook/encode.hpp"
#include "parcook/options.hpp"

#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace parcook {

class Context;

// The common options a recipe reads. The others are neither shown in its --help nor accepted
// (--format, --no-header, --quiet and --verbose belong to every recipe).
enum class Uses : unsigned {
    none = 0,
    n = 1u << 0,       // --n
    threads = 1u << 1, // -t/--threads
    workers = 1u << 2, // --workers
    tasks = 1u << 3,   // --tasks
    timing = 1u << 4,  // -r/--repeat and --warmup (Context::measure)
    seed = 1u << 5,    // --seed
};
constexpr Uses operator|(Uses a, Uses b) {
    return static_cast<Uses>(static_cast<unsigned>(a) | static_cast<unsigned>(b));
}
constexpr bool has(Uses set, Uses one) {
    return (static_cast<unsigned>(set) & static_cast<unsigned>(one)) != 0;
}

// A part a recipe's child processes play: `void child(Context&, const Args&)`, where Args is a
// plain struct. Child (children.hpp) starts `parcook <group> <recipe> --role <name>` and hands
// it the Args as bytes on a private descriptor; the runtime decodes them and calls the function.
struct Role {
    using Erased = void (*)();
    std::string name;
    Erased function;
    void (*invoke)(Erased function, Context& ctx, std::string_view encoded_args);

    template <class Args>
    Role(std::string role_name, void (*f)(Context&, const Args&))
        : name(std::move(role_name)), function(reinterpret_cast<Erased>(f)),
          invoke([](Erased g, Context& ctx, std::string_view encoded) {
              reinterpret_cast<void (*)(Context&, const Args&)>(g)(ctx,
                                                                   take_exactly<Args>(encoded));
          }) {}
};

// Why a recipe or group cannot run here ("" when it can): no GPU, no MPI library, one core...
using Unavailable = std::string (*)();

struct Recipe {
    std::string group;   // "threads"
    std::string name;    // "lock"
    std::string summary; // one line for `parcook list`
    std::string
        book; // the book recipe it ports, e.g. "Thread synchronization with Lock [book ch.2]"
    std::vector<OptionSpec> options;
    void (*run)(Context&);
    Uses uses = Uses::none; // the common options it reads
    // Overrides of the common options' defaults, e.g. {{"n", "1e6"}, {"repeat", "3"}}.
    std::vector<std::pair<std::string, std::string>> defaults{};
    // Extra arguments `parcook tour` passes to keep the run small and short.
    std::vector<std::string> tour_args{};
    // Memory the recipe allocates per unit of --n, checked against the machine before running.
    double bytes_per_n = 0;
    std::uint64_t min_n = 0; // the smallest --n that makes sense
    std::vector<Role> roles{};
    Unavailable unavailable = nullptr;

    std::string id() const { return group + "/" + name; }
    const Role* find_role(std::string_view role) const;
};

struct Group {
    std::string name;
    std::string summary;
    int position = 0;                     // groups are listed by position: threads 1 ... gpu 6
    std::vector<OptionSpec> options;      // options every recipe of the group accepts
    std::vector<std::string> tour_args{}; // what `parcook tour` passes to each of its recipes
    Unavailable unavailable = nullptr;
    // True in a process that must not print usage errors because a sibling prints them (an MPI
    // rank other than 0 under mpiexec).
    bool (*secondary)() = nullptr;
    // The library the group's recipes were built against (e.g. "MPICH 4.2.0"), for the record's
    // context block; loads nothing.
    std::string (*library)() = nullptr;
};

// Every group that has recipes, by position; all recipes, by group then name.
std::span<const Group* const> groups();
std::span<const Recipe* const> recipes();
const Group* find_group(std::string_view name);
const Group& group_of(const Recipe& recipe);
const Recipe* find_recipe(std::string_view group, std::string_view name);
// Why `recipe` cannot run here, asking its group first ("" when it can).
std::string unavailable_reason(const Recipe& recipe);

// The common options the recipe uses (--n, --threads, --format, ...), with its defaults.
std::vector<OptionSpec> common_options(const Recipe& recipe);
// Common, group and recipe options together: the full option list of a recipe.
std::vector<OptionSpec> all_options(const Recipe& recipe);

} // namespace parcook
