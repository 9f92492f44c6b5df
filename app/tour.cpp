// `parcook tour`: the main job. Runs every recipe at small sizes, each in its own process (MPI
// recipes self-launched under mpiexec), and prints one table of PASS / SKIP / FAIL.
#include "commands.hpp"
#include "parcook/recipe.hpp"
#include "parcook/subprocess.hpp"
#include "parcook/writers.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <cstdio>
#include <fmt/format.h>
#include <unistd.h>

namespace parcook::app {
namespace {

struct Row {
    std::string id, status, detail, headline;
    double seconds;
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

Row run_one(const Recipe& r, Duration timeout) {
    std::vector<std::string> argv{self_exe(), r.group, r.name, "--format", "json", "--quiet"};
    argv.insert(argv.end(), r.tour_args.begin(), r.tour_args.end());
    if (r.group == "mpi" &&
        std::find(r.tour_args.begin(), r.tour_args.end(), "--np") == r.tour_args.end()) {
        argv.push_back("--np");
        argv.push_back("2");
    }
    const Captured c = run_captured(argv, timeout);
    Row row{r.id(), "", "", "", c.seconds};
    if (c.timed_out) {
        row.status = "FAIL";
        row.detail = fmt::format("no result within {:.0f} s", to_seconds(timeout));
    } else if (c.exit_code == exit_cannot_run) {
        row.status = "SKIP";
        row.detail = strip_prefix(last_line(c.err));
    } else if (c.exit_code != 0) {
        row.status = "FAIL";
        row.detail = fmt::format("exit {}: {}", c.exit_code, strip_prefix(last_line(c.err)));
    } else {
        row.status = "PASS";
    }
    try {
        const auto record = boost::json::parse(last_line(c.out)).as_object();
        if (row.status == "FAIL" && c.exit_code == exit_failed) {
            for (const auto& check : record.at("checks").as_array())
                if (!check.at("passed").as_bool())
                    row.detail = std::string(check.at("what").as_string());
        }
        const auto& metrics = record.at("metrics").as_object();
        std::string name = std::string(record.at("headline").as_string());
        if (name.empty() && !metrics.empty())
            name = std::string(metrics.begin()->key());
        if (auto* m = metrics.if_contains(name)) {
            row.headline = fmt::format("{} {:.4g} {}", name, m->at("value").to_number<double>(),
                                       std::string(m->at("unit").as_string()));
        }
    } catch (const std::exception&) {
        // no record (skip, usage error or crash): the status and detail say why
    }
    return row;
}

} // namespace

int tour(const std::vector<std::string>& only, Format format, Duration timeout, bool header) {
    std::vector<const Recipe*> todo;
    for (const Recipe* r : recipes())
        if (only.empty() || std::find(only.begin(), only.end(), r->group) != only.end())
            todo.push_back(r);
    const bool progress = isatty(STDERR_FILENO);
    std::vector<Row> rows;
    for (std::size_t i = 0; i < todo.size(); ++i) {
        if (progress)
            fmt::print(stderr, "\r\033[K[{}/{}] {}", i + 1, todo.size(), todo[i]->id());
        rows.push_back(run_one(*todo[i], timeout));
    }
    if (progress)
        fmt::print(stderr, "\r\033[K");

    std::size_t pass = 0, skip = 0, fail = 0, width = 6;
    for (const Row& r : rows) {
        pass += r.status == "PASS";
        skip += r.status == "SKIP";
        fail += r.status == "FAIL";
        width = std::max(width, r.id.size());
    }
    std::string out;
    if (format == Format::json) {
        for (const Row& r : rows)
            out += boost::json::serialize(boost::json::object{{"recipe", r.id},
                                                              {"status", r.status},
                                                              {"detail", r.detail},
                                                              {"headline", r.headline},
                                                              {"seconds", r.seconds}}) +
                   "\n";
    } else if (format == Format::csv) {
        if (header)
            out += "recipe,status,detail,headline,seconds\n";
        for (const Row& r : rows)
            out += fmt::format("{},{},\"{}\",\"{}\",{}\n", r.id, r.status, r.detail, r.headline,
                               r.seconds);
    } else {
        out += fmt::format("{:<{}}  {:<6}  {:>8}  {}\n", "recipe", width, "status", "time",
                           "headline / reason");
        for (const Row& r : rows) {
            const std::string what = r.status == "PASS" ? r.headline : r.detail;
            out += fmt::format("{:<{}}  {:<6}  {:>7.2f}s  {}\n", r.id, width, r.status, r.seconds,
                               what);
        }
        out += fmt::format("{} passed, {} failed, {} skipped\n", pass, fail, skip);
    }
    std::fwrite(out.data(), 1, out.size(), stdout);
    return fail ? exit_failed : exit_verified;
}

} // namespace parcook::app
