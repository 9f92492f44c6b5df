#include "parcook/recipe.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>
#include <thread>

namespace parcook {

// Defined by the generated recipes/registry.cpp: every group.cpp's and recipe file's descriptor.
std::span<const Group* const> generated_groups();
std::span<const Recipe* const> generated_recipes();

std::span<const Group* const> groups() {
    static const std::vector<const Group*> present = [] {
        std::vector<const Group*> v;
        for (const Group* g : generated_groups()) {
            const auto members = generated_recipes();
            if (std::any_of(members.begin(), members.end(),
                            [&](const Recipe* r) { return r->group == g->name; }))
                v.push_back(g); // a group exists when it has recipes
        }
        std::sort(v.begin(), v.end(),
                  [](const Group* a, const Group* b) { return a->position < b->position; });
        return v;
    }();
    return present;
}

const Group* find_group(std::string_view name) {
    for (const Group* g : groups())
        if (g->name == name)
            return g;
    return nullptr;
}

const Group& group_of(const Recipe& recipe) {
    if (const Group* g = find_group(recipe.group))
        return *g;
    throw std::logic_error("recipe " + recipe.id() + " has no group.cpp");
}

std::span<const Recipe* const> recipes() {
    static const std::vector<const Recipe*> sorted = [] {
        auto g = generated_recipes();
        std::vector<const Recipe*> v(g.begin(), g.end());
        auto position = [](const Recipe* r) { return group_of(*r).position; };
        std::sort(v.begin(), v.end(), [&](const Recipe* a, const Recipe* b) {
            return std::pair(position(a), a->name) < std::pair(position(b), b->name);
        });
        return v;
    }();
    return sorted;
}

const Recipe* find_recipe(std::string_view group, std::string_view name) {
    for (const Recipe* r : recipes())
        if (r->group == group && r->name == name)
            return r;
    return nullptr;
}

const Role* Recipe::find_role(std::string_view role) const {
    for (const Role& r : roles)
        if (r.name == role)
            return &r;
    return nullptr;
}

std::string unavailable_reason(const Recipe& recipe) {
    const Group& g = group_of(recipe);
    std::string why = g.unavailable ? g.unavailable() : "";
    if (why.empty() && recipe.unavailable)
        why = recipe.unavailable();
    return why;
}

std::vector<OptionSpec> common_options(const Recipe& recipe) {
    const auto cores = static_cast<std::int64_t>(std::max(1u, std::thread::hardware_concurrency()));
    struct Common {
        Uses use;
        OptionSpec spec;
    };
    std::vector<Common> all{
        {Uses::n, count_option("n", "1000", "problem size")},
        {Uses::threads, integer_option("threads", cores, "threads", 1, 1024)},
        {Uses::workers, integer_option("workers", cores, "worker processes", 1, 1024)},
        {Uses::tasks, integer_option("tasks", 0, "number of chunks or tasks (0: 4 x parallelism)",
                                     0, INT64_C(1) << 30)},
        {Uses::timing,
         integer_option("repeat", 5, "timed repetitions (the median is reported)", 1, 1000000)},
        {Uses::timing, integer_option("warmup", 1, "untimed runs before the timed ones", 0, 1000)},
        {Uses::seed, count_option("seed", "42", "seed of the input generator")},
        {Uses::none, choice_option("format", "text", {"text", "json", "csv"}, "output format")},
        {Uses::none, flag_option("no-header", "CSV without the header line")},
        {Uses::none, flag_option("quiet", "print only the result record")},
        {Uses::none, flag_option("verbose", "log progress on stderr")},
    };
    all[0].spec.min = static_cast<std::int64_t>(recipe.min_n);
    all[1].spec.short_name = "t";
    all[4].spec.short_name = "r";
    all[9].spec.short_name = "q";
    all[10].spec.short_name = "v";
    std::vector<OptionSpec> v;
    for (Common& c : all) {
        if (c.use != Uses::none && !has(recipe.uses, c.use))
            continue;
        for (const auto& [name, def] : recipe.defaults)
            if (c.spec.name == name)
                c.spec.default_value = def;
        v.push_back(std::move(c.spec));
    }
    return v;
}

std::vector<OptionSpec> all_options(const Recipe& recipe) {
    std::vector<OptionSpec> v = common_options(recipe);
    for (OptionSpec spec : group_of(recipe).options) {
        for (const auto& [name, def] : recipe.defaults)
            if (spec.name == name)
                spec.default_value = def;
        v.push_back(std::move(spec));
    }
    v.insert(v.end(), recipe.options.begin(), recipe.options.end());
    if (!recipe.roles.empty())
        v.push_back(hidden_option(text_option(
            "role", "", "internal: the part a child process plays (set by parcook itself)")));
    return v;
}

} // namespace parcook
