#include "parcook/recipe.hpp"

#include <algorithm>
#include <string>
#include <thread>

namespace parcook {

// Defined by the generated recipes/registry.cpp: every recipe file's descriptor.
std::span<const Recipe* const> generated_recipes();

std::span<const Group> groups() {
    static const std::vector<Group> all{
        {"threads", "std::thread, mutexes, condition variables, semaphores, queues", {}},
        {"processes", "child processes, pipes, message queues, shared memory, pools", {}},
        {"mpi",
         "message passing with MPICH: point-to-point, collectives, topologies",
         {integer_option("np", 0,
                         "launch this many ranks under mpiexec (0: run as started, e.g. by "
                         "mpiexec -n N parcook ...)",
                         0, 1024)}},
        {"async", "Boost.Asio event loop, coroutines, futures, executors", {}},
        {"distributed",
         "brokers, workers and remote calls over loopback TCP",
         {text_option("listen", "", "address to serve on, host:port"),
          text_option("connect", "", "address of a running broker or server, host:port")}},
        {"gpu",
         "CUDA and OpenCL kernels",
         {integer_option("device", 0, "GPU index", 0, 64),
          choice_option("api", "cuda", {"cuda", "opencl"}, "GPU programming interface")}},
    };
    return all;
}

const Group* find_group(std::string_view name) {
    auto all = groups();
    auto it = std::find_if(all.begin(), all.end(), [&](const Group& g) { return g.name == name; });
    return it == all.end() ? nullptr : &*it;
}

std::span<const Recipe* const> recipes() {
    static const std::vector<const Recipe*> sorted = [] {
        auto g = generated_recipes();
        std::vector<const Recipe*> v(g.begin(), g.end());
        auto group_index = [](const Recipe* r) { return find_group(r->group) - groups().data(); };
        std::sort(v.begin(), v.end(), [&](const Recipe* a, const Recipe* b) {
            return std::pair(group_index(a), a->name) < std::pair(group_index(b), b->name);
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

std::vector<OptionSpec> common_options(const Recipe& recipe) {
    const auto cores = static_cast<std::int64_t>(std::max(1u, std::thread::hardware_concurrency()));
    std::vector<OptionSpec> v{
        count_option("n", "1000", "problem size"),
        integer_option("threads", cores, "threads", 1, 1024),
        integer_option("workers", cores, "worker processes", 1, 1024),
        integer_option("tasks", 0, "number of chunks or tasks (0: 4 x parallelism)", 0,
                       INT64_C(1) << 30),
        integer_option("repeat", 5, "timed repetitions (the median is reported)", 1, 1000000),
        integer_option("warmup", 1, "untimed runs before the timed ones", 0, 1000),
        count_option("seed", "42", "seed of the input generator"),
        choice_option("format", "text", {"text", "json", "csv"}, "output format"),
        flag_option("no-header", "CSV without the header line"),
        flag_option("quiet", "print only the result record"),
        flag_option("verbose", "log progress on stderr"),
    };
    v[1].short_name = "t";
    v[4].short_name = "r";
    v[9].short_name = "q";
    v[10].short_name = "v";
    for (const auto& [name, def] : recipe.defaults)
        for (OptionSpec& spec : v)
            if (spec.name == name)
                spec.default_value = def;
    return v;
}

std::vector<OptionSpec> all_options(const Recipe& recipe) {
    std::vector<OptionSpec> v = common_options(recipe);
    if (const Group* g = find_group(recipe.group)) {
        for (OptionSpec spec : g->options) {
            for (const auto& [name, def] : recipe.defaults)
                if (spec.name == name)
                    spec.default_value = def;
            v.push_back(std::move(spec));
        }
    }
    v.insert(v.end(), recipe.options.begin(), recipe.options.end());
    return v;
}

} // namespace parcook
