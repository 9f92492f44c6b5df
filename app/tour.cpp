// `parcook tour`: the main job. Runs every recipe at small sizes, each in its own process (with
// its group's tour arguments, e.g. --np 2 for mpi), and prints one table of PASS / SKIP / FAIL.
// A recipe that says it cannot run here is skipped with its reason without being started.
#include "commands.hpp"
#include "parcook/output.hpp"
#include "parcook/recipe.hpp"
#include "parcook/subprocess.hpp"
#include "parcook/writers.hpp"

#include <boost/json/parse.hpp>
#include <cmath>
#include <fmt/format.h>
#include <unistd.h>

namespace parcook::app {
namespace {

struct Row {
    std::string id, status, detail, headline;
    double seconds = 0;
};

std::string last_line(const std::string& s) {
    std::string t = s;
    while (!t.empty() && t.back() == '\n')
        t.pop_back();
    const auto nl = t.rfind('\n');
    return nl == std::string::npos ? t : t.substr(nl + 1);
}

std::string strip_prefix(std::string s) {
    for (std::string_view p : {"parcook: cannot run here: ", "parcook: "})
        if (s.starts_with(p))
            return s.substr(p.size());
    return s;
}

// The failed checks and the headline metric, read from the recipe's JSON record.
void read_record(const Captured& c, Row& row) {
    try {
        const auto record = boost::json::parse(last_line(c.out)).as_object();
        if (c.exit_code == exit_failed)
            for (const auto& check : record.at("checks").as_array())
                if (!check.at("passed").as_bool())
                    row.detail = std::string(check.at("what").as_string());
        const auto& metrics = record.at("metrics").as_object();
        std::string name = std::string(record.at("headline").as_string());
        if (name.empty() && !metrics.empty())
            name = std::string(metrics.begin()->key());
        if (auto* m = metrics.if_contains(name))
            row.headline = fmt::format("{} {:.4g} {}", name, m->at("value").to_number<double>(),
                                       std::string(m->at("unit").as_string()));
    } catch (const std::exception&) {
        // no record (a crash or a usage error): the status and detail say why
    }
}

Row run_one(const Recipe& r, Duration timeout) {
    Row row{r.id(), "", "", "", 0};
    if (std::string why = unavailable_reason(r); !why.empty()) {
        row.status = "SKIP";
        row.detail = std::move(why);
        return row;
    }
    std::vector<std::string> argv{self_exe(), r.group, r.name, "--format", "json", "--quiet"};
    const auto& group_args = group_of(r).tour_args;
    argv.insert(argv.end(), group_args.begin(), group_args.end());
    argv.insert(argv.end(), r.tour_args.begin(), r.tour_args.end()); // the last one wins
    const Captured c = run_captured(argv, timeout);
    row.seconds = c.seconds;
    if (c.timed_out) {
        row.status = "FAIL";
        row.detail = fmt::format("no result within {}", format_seconds(to_seconds(timeout)));
    } else if (c.exit_code == exit_cannot_run) { // found out only by trying (too few cores...)
        row.status = "SKIP";
        row.detail = strip_prefix(last_line(c.err));
    } else if (c.exit_code != exit_verified) {
        row.status = "FAIL";
        row.detail = fmt::format("exit {}: {}", c.exit_code, strip_prefix(last_line(c.err)));
    } else {
        row.status = "PASS";
    }
    read_record(c, row);
    return row;
}

} // namespace

int tour(const std::vector<std::string>& only, Format format, Duration timeout, bool header) {
    std::vector<const Recipe*> todo;
    for (const Recipe* r : recipes())
        if (only.empty() || std::find(only.begin(), only.end(), r->group) != only.end())
            todo.push_back(r);
    const bool progress = isatty(STDERR_FILENO);
    Table table{.columns = {"recipe", "status", "seconds", "headline", "detail"}, .rows = {}};
    std::size_t pass = 0, skip = 0, fail = 0;
    for (std::size_t i = 0; i < todo.size(); ++i) {
        if (progress)
            fmt::print(stderr, "\r\033[K[{}/{}] {}", i + 1, todo.size(), todo[i]->id());
        const Row row = run_one(*todo[i], timeout);
        pass += row.status == "PASS";
        skip += row.status == "SKIP";
        fail += row.status == "FAIL";
        namespace json = boost::json;
        table.rows.push_back({json::string(row.id), json::string(row.status),
                              std::round(row.seconds * 100) / 100, json::string(row.headline),
                              json::string(row.detail)});
    }
    if (progress)
        fmt::print(stderr, "\r\033[K");
    table.footer = fmt::format("{} passed, {} failed, {} skipped\n", pass, fail, skip);
    write_stdout(reporter(format, header)->table(table));
    return fail ? exit_failed : exit_verified;
}

} // namespace parcook::app
