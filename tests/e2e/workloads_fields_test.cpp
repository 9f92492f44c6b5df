// The shared workloads' records are identical by construction (each member ends with one
// workload::finish_* call): every group's member of a workload writes the same `fields` keys and
// the metrics `seconds` and the workload's rate (its headline). The members are found in the
// registry, so a new group's member is compared as soon as it exists. Each runs at a tiny size
// with its group's tour arguments (mpi: --np 2), once per API where the group has --api (gpu);
// a member that cannot run here (exit 77) is left out.
#include "parcook/recipe.hpp"
#include "parcook/workloads.hpp"
#include "support/run.hpp"

#include <catch2/catch.hpp>
#include <cstdlib>
#include <set>
#include <string>
#include <vector>

using namespace parcook;
using namespace parcook::test;

namespace {

std::vector<std::string> tiny_args(workload::Shared w) {
    switch (w) {
    case workload::Shared::vector_sum:
        return {"--n", "1000"};
    case workload::Shared::pi:
        return {"--n", "10000"};
    case workload::Shared::fib_map:
        return {"--list", "20,19,18", "--n", "1"};
    case workload::Shared::word_count:
        return {"--n", "10"};
    }
    return {};
}

// The command lines of one member: one per API where the group has a choice option --api.
std::vector<std::vector<std::string>> runs_of(const Recipe& r, workload::Shared w) {
    std::vector<std::string> base{r.group, r.name};
    const Group& g = group_of(r);
    base.insert(base.end(), g.tour_args.begin(), g.tour_args.end());
    const std::vector<std::string> tiny = tiny_args(w);
    base.insert(base.end(), tiny.begin(), tiny.end());
    for (const char* option : {"--repeat", "1", "--format", "json"})
        base.emplace_back(option);
    std::vector<std::vector<std::string>> runs;
    for (const OptionSpec& o : g.options)
        if (o.name == "api")
            for (const std::string& api : o.choices) {
                runs.push_back(base);
                runs.back().insert(runs.back().end(), {"--api", api});
            }
    if (runs.empty())
        runs.push_back(base);
    return runs;
}

// Under AddressSanitizer, as tests/CMakeLists.txt does for the mpi label: MPICH's hwloc unloads
// its plugins before exit, so LeakSanitizer reports their allocations with no module to suppress
// by name. Leak checking is off for the children an mpi member's run starts, and only for them.
#if defined(__SANITIZE_ADDRESS__)
class MpiLeakCheckOff {
public:
    explicit MpiLeakCheckOff(const Recipe& r) : active_(r.group == "mpi") {
        const char* old = std::getenv("ASAN_OPTIONS");
        had_old_ = old != nullptr;
        old_ = old ? old : "";
        if (active_)
            setenv("ASAN_OPTIONS", "detect_leaks=0:halt_on_error=1", 1);
    }
    ~MpiLeakCheckOff() {
        if (active_ && had_old_)
            setenv("ASAN_OPTIONS", old_.c_str(), 1);
        else if (active_)
            unsetenv("ASAN_OPTIONS");
    }
    MpiLeakCheckOff(const MpiLeakCheckOff&) = delete;
    MpiLeakCheckOff& operator=(const MpiLeakCheckOff&) = delete;

private:
    bool active_, had_old_;
    std::string old_;
};
#else
struct MpiLeakCheckOff {
    explicit MpiLeakCheckOff(const Recipe&) {}
};
#endif

std::set<std::string> keys(const boost::json::object& o) {
    std::set<std::string> k;
    for (const auto& [key, value] : o)
        k.insert(std::string(key));
    return k;
}

void compare_members(workload::Shared w) {
    const workload::Workload& d = workload::describe(w);
    std::set<std::string> first_fields;
    std::string first_run;
    unsigned compared = 0;
    for (const Recipe* r : recipes()) {
        if (r->name != d.name)
            continue;
        const MpiLeakCheckOff leak_check_off(*r);
        for (const auto& args : runs_of(*r, w)) {
            const std::string run = Catch::Detail::stringify(args);
            const Run result = test::parcook(args, std::chrono::seconds(90));
            INFO(run << "\nstderr: " << result.err);
            REQUIRE_FALSE(result.timed_out);
            if (result.code == 77)
                continue; // cannot run here: no GPU, built without the API, ...
            REQUIRE(result.code == 0);
            const boost::json::object record = result.record();
            CHECK(record.at("group").as_string() == r->group);
            CHECK(field(record, "workload").as_string() == d.name);
            const auto& metrics = record.at("metrics").as_object();
            CHECK(metrics.contains("seconds"));
            CHECK(metrics.contains(d.rate_name));
            CHECK(record.at("headline").as_string() == d.rate_name);
            const std::set<std::string> fields = keys(record.at("fields").as_object());
            if (compared++ == 0) {
                first_fields = fields;
                first_run = run;
            } else {
                INFO("first compared: " << first_run);
                CHECK(fields == first_fields);
            }
        }
    }
    INFO("workload " << d.name);
    CHECK(compared >= 2); // threads and processes run everywhere
}

} // namespace

TEST_CASE("vector-sum: every group's member writes the same fields and metrics") {
    compare_members(workload::Shared::vector_sum);
}

TEST_CASE("pi: every group's member writes the same fields and metrics") {
    compare_members(workload::Shared::pi);
}

TEST_CASE("fib-map: every group's member writes the same fields and metrics") {
    compare_members(workload::Shared::fib_map);
}

TEST_CASE("word-count: every group's member writes the same fields and metrics") {
    compare_members(workload::Shared::word_count);
}
