#include "parcook/writers.hpp"

#include "parcook/host.hpp"
#include "parcook/parse.hpp"
#include "parcook/recipe.hpp"

#include <boost/json/serialize.hpp>
#include <fmt/format.h>

namespace parcook {
namespace json = boost::json;
namespace {

constexpr int schema_version = 1;

std::string plain(const json::value& v) {
    if (v.is_string())
        return std::string(v.get_string());
    if (v.is_double())
        return fmt::format("{}", v.get_double());
    return json::serialize(v);
}

std::string csv_cell(const std::string& s) {
    if (s.find_first_of(",\"\r\n") == std::string::npos)
        return s;
    std::string out = "\"";
    for (char c : s) {
        if (c == '"')
            out += '"';
        out += c;
    }
    return out + "\"";
}

std::string group_of(const std::string& id) {
    return id.substr(0, id.find('/'));
}
std::string name_of(const std::string& id) {
    return id.substr(id.find('/') + 1);
}

} // namespace

std::string verify_line(const Result& r) {
    if (r.checks.empty())
        return "verify: FAIL  nothing was checked";
    std::string line = r.verified() ? "verify: PASS " : "verify: FAIL ";
    const char* sep = " ";
    for (const Check& c : r.checks) {
        if (r.verified() || !c.passed) {
            line += sep + c.what;
            if (!c.passed && !c.detail.empty())
                line += " (" + c.detail + ")";
            sep = "; ";
        }
    }
    return line;
}

std::string to_text(const Result& r) {
    std::vector<std::pair<std::string, std::string>> rows;
    for (const auto& [k, v] : r.params)
        rows.emplace_back(std::string(k), plain(v));
    for (const auto& [k, v] : r.fields)
        rows.emplace_back(std::string(k), plain(v));
    if (r.timing && !r.timing->samples.empty()) {
        const Stats& t = *r.timing;
        rows.emplace_back("time", fmt::format("median {} (min {}, max {}, sd {}, {} runs)",
                                              format_seconds(t.median), format_seconds(t.min),
                                              format_seconds(t.max), format_seconds(t.stddev),
                                              t.samples.size()));
    }
    if (r.setup_seconds > 0)
        rows.emplace_back("setup", format_seconds(r.setup_seconds));
    for (const Metric& m : r.metrics)
        rows.emplace_back(m.name, fmt::format("{:.6g} {}", m.value, m.unit));
    std::size_t width = 0;
    for (const auto& row : rows)
        width = std::max(width, row.first.size());
    std::string out = r.recipe + "\n";
    for (const auto& [k, v] : rows)
        out += fmt::format("  {:<{}}  {}\n", k, width, v);
    return out + verify_line(r) + "\n";
}

json::object context_block() {
    const HostFacts& h = host();
    json::object features; // what each group's recipes run on, then the devices
    for (const Group* g : groups())
        if (g->library)
            features[g->name] = g->library();
    features["cuda"] = have_cuda();
    features["opencl"] = have_opencl();
    return {{"host", h.hostname},
            {"cores", h.cores},
            {"cpu", h.cpu_model},
            {"memory_bytes", h.memory_total},
            {"os", h.os},
            {"compiler", compiler()},
            {"build_type", build_type()},
            {"parcook", version()},
            {"features", std::move(features)}};
}

json::object to_json(const Result& r) {
    json::object metrics;
    for (const Metric& m : r.metrics)
        metrics[m.name] = {{"value", m.value}, {"unit", m.unit}};
    json::array checks;
    for (const Check& c : r.checks)
        checks.push_back({{"what", c.what}, {"passed", c.passed}, {"detail", c.detail}});
    json::array trace;
    for (const TraceLine& t : r.trace)
        trace.push_back({{"t", t.t}, {"who", t.who}, {"text", t.text}});
    json::object o{{"schema", schema_version},     {"recipe", r.recipe},
                   {"group", group_of(r.recipe)},  {"name", name_of(r.recipe)},
                   {"params", r.params},           {"fields", r.fields},
                   {"metrics", std::move(metrics)}};
    if (r.timing) {
        const Stats& t = *r.timing;
        o["timing"] = {{"unit", "s"},
                       {"min", t.min},
                       {"median", t.median},
                       {"mean", t.mean},
                       {"stddev", t.stddev},
                       {"max", t.max},
                       {"samples", json::array(t.samples.begin(), t.samples.end())}};
    }
    const Metric* headline = r.headline_metric();
    o["headline"] = headline ? headline->name : "";
    o["setup_seconds"] = r.setup_seconds;
    o["verified"] = r.verified();
    o["checks"] = std::move(checks);
    o["trace"] = std::move(trace);
    if (!r.ranks.empty())
        o["ranks"] = r.ranks;
    o["context"] = context_block();
    return o;
}

namespace {
std::string csv_line(const std::vector<std::string>& cells) {
    std::string out;
    for (std::size_t i = 0; i < cells.size(); ++i)
        out += (i ? "," : "") + csv_cell(cells[i]);
    return out + "\n";
}
} // namespace

std::string to_csv(const Result& r, bool header) {
    std::vector<std::string> names{"recipe"};
    std::vector<std::string> cells{r.recipe};
    for (const auto& [k, v] : r.params) {
        names.emplace_back(k);
        cells.push_back(plain(v));
    }
    for (const auto& [k, v] : r.fields) {
        names.emplace_back(k);
        cells.push_back(plain(v));
    }
    for (const Metric& m : r.metrics) {
        names.push_back(fmt::format("{}[{}]", m.name, m.unit));
        cells.push_back(fmt::format("{}", m.value));
    }
    if (r.timing) {
        const Stats& t = *r.timing;
        for (auto [name, value] : {std::pair{"time_min[s]", t.min},
                                   {"time_median[s]", t.median},
                                   {"time_mean[s]", t.mean},
                                   {"time_stddev[s]", t.stddev},
                                   {"time_max[s]", t.max}}) {
            names.emplace_back(name);
            cells.push_back(fmt::format("{}", value));
        }
    }
    names.emplace_back("setup[s]");
    cells.push_back(fmt::format("{}", r.setup_seconds));
    names.emplace_back("verified");
    cells.emplace_back(r.verified() ? "true" : "false");
    return (header ? csv_line(names) : std::string()) + csv_line(cells);
}

// ---- the reporters: one per format, for records and for tables ------------------------------
namespace {

class TextReporter final : public Reporter {
public:
    std::string record(const Result& r) const override { return to_text(r); }
    std::string table(const Table& t) const override {
        std::vector<std::size_t> shown = t.text_columns;
        if (shown.empty())
            for (std::size_t c = 0; c < t.columns.size(); ++c)
                shown.push_back(c);
        std::vector<std::size_t> width(t.columns.size());
        for (std::size_t c : shown) {
            width[c] = t.text_header ? t.columns[c].size() : 0;
            for (const auto& row : t.rows)
                width[c] = std::max(width[c], plain(row[c]).size());
        }
        auto line = [&](auto cell) {
            std::string out;
            for (std::size_t c : shown)
                out += c == shown.back() ? cell(c) : fmt::format("{:<{}}  ", cell(c), width[c]);
            while (!out.empty() && out.back() == ' ')
                out.pop_back();
            return out + "\n";
        };
        std::string out = t.text_header ? line([&](std::size_t c) { return t.columns[c]; }) : "";
        for (const auto& row : t.rows)
            out += line([&](std::size_t c) { return plain(row[c]); });
        return out + t.footer;
    }
};

class JsonReporter final : public Reporter {
public:
    std::string record(const Result& r) const override {
        return json::serialize(to_json(r)) + "\n";
    }
    std::string table(const Table& t) const override {
        std::string out;
        for (const auto& row : t.rows) {
            json::object o;
            for (std::size_t c = 0; c < t.columns.size(); ++c)
                o[t.columns[c]] = row[c];
            out += json::serialize(o) + "\n";
        }
        return out;
    }
};

class CsvReporter final : public Reporter {
public:
    explicit CsvReporter(bool header) : header_(header) {}
    std::string record(const Result& r) const override { return to_csv(r, header_); }
    std::string table(const Table& t) const override {
        std::string out = header_ ? csv_line(t.columns) : "";
        for (const auto& row : t.rows) {
            std::vector<std::string> cells;
            for (const json::value& v : row)
                cells.push_back(plain(v));
            out += csv_line(cells);
        }
        return out;
    }

private:
    bool header_;
};

} // namespace

std::unique_ptr<Reporter> reporter(Format format, bool header) {
    switch (format) {
    case Format::json:
        return std::make_unique<JsonReporter>();
    case Format::csv:
        return std::make_unique<CsvReporter>(header);
    case Format::text:
        break;
    }
    return std::make_unique<TextReporter>();
}

std::string render(const Result& r, Format format, bool header) {
    return reporter(format, header)->record(r);
}

} // namespace parcook
