#include "parcook/writers.hpp"

#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <sstream>

using namespace parcook;

namespace {

Result sample() {
    Result r;
    r.recipe = "threads/lock";
    r.params["count"] = 100000;
    r.fields["locked"] = 0;
    r.fields["note"] = "a, \"quoted\" value";
    r.metrics.push_back({"lock_ops_per_second", 12345678.9, "ops/s"});
    r.timing = Stats::of({0.25, 0.125, 0.5});
    r.setup_seconds = 0.001;
    r.checks.push_back({"locked counter == 0", true, ""});
    r.trace.push_back({0.5, "Thread-1", "hello"});
    return r;
}

std::vector<std::string> csv_split(const std::string& line) {
    std::vector<std::string> cells;
    std::string cell;
    bool quoted = false;
    for (std::size_t i = 0; i < line.size(); ++i) {
        const char c = line[i];
        if (quoted && c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
            cell += '"';
            ++i;
        } else if (c == '"') {
            quoted = !quoted;
        } else if (c == ',' && !quoted) {
            cells.push_back(cell);
            cell.clear();
        } else {
            cell += c;
        }
    }
    cells.push_back(cell);
    return cells;
}

} // namespace

TEST_CASE("JSON record parses back with every block") {
    const Result r = sample();
    const std::string text = render(r, Format::json, true);
    REQUIRE(text.back() == '\n');
    REQUIRE(std::count(text.begin(), text.end(), '\n') == 1);
    const auto o = boost::json::parse(text).as_object();
    CHECK(o.at("schema").as_int64() == 1);
    CHECK(o.at("recipe").as_string() == "threads/lock");
    CHECK(o.at("group").as_string() == "threads");
    CHECK(o.at("name").as_string() == "lock");
    CHECK(o.at("verified").as_bool());
    CHECK(o.at("metrics").at("lock_ops_per_second").at("unit").as_string() == "ops/s");
    CHECK(o.at("timing").at("median").as_double() == 0.25);
    CHECK(o.at("timing").at("samples").as_array().size() == 3);
    CHECK(o.at("trace").as_array().at(0).at("who").as_string() == "Thread-1");
    CHECK(o.at("fields").at("note").as_string() == "a, \"quoted\" value");
    const auto& ctx = o.at("context").as_object();
    for (const char* key : {"host", "cores", "compiler", "build_type", "features"})
        CHECK(ctx.contains(key));
}

TEST_CASE("CSV: header and row have the same number of columns, full precision") {
    const Result r = sample();
    std::istringstream in(render(r, Format::csv, true));
    std::string header, row, extra;
    REQUIRE(std::getline(in, header));
    REQUIRE(std::getline(in, row));
    CHECK_FALSE(std::getline(in, extra));
    const auto names = csv_split(header), cells = csv_split(row);
    REQUIRE(names.size() == cells.size());
    const auto at = [&](const std::string& n) {
        return cells[std::find(names.begin(), names.end(), n) - names.begin()];
    };
    CHECK(at("lock_ops_per_second[ops/s]") == "12345678.9");
    CHECK(at("note") == "a, \"quoted\" value");
    CHECK(at("verified") == "true");
    CHECK(render(r, Format::csv, false) == row + "\n");
}

TEST_CASE("text output ends with one verify line") {
    Result r = sample();
    std::string text = to_text(r);
    CHECK_THAT(text, Catch::EndsWith("verify: PASS  locked counter == 0\n"));
    r.checks.push_back({"atomic counter == 0", false, "got 3"});
    CHECK_THAT(to_text(r), Catch::EndsWith("verify: FAIL  atomic counter == 0 (got 3)\n"));
    CHECK_FALSE(r.verified());
    r.checks.clear();
    CHECK_FALSE(r.verified()); // nothing checked is not verified
}

TEST_CASE("tables: one reporter per format, CSV cells escaped, text aligned") {
    Table t{.columns = {"recipe", "detail"}, .rows = {}};
    t.rows.push_back({"a/b", "said \"no\", twice"});
    t.rows.push_back({"a/longer", "line\nbreak"});
    std::istringstream csv(reporter(Format::csv, true)->table(t));
    std::string header, first;
    std::getline(csv, header);
    std::getline(csv, first);
    CHECK(header == "recipe,detail");
    CHECK(csv_split(first) == std::vector<std::string>{"a/b", "said \"no\", twice"});
    const std::string json = reporter(Format::json, true)->table(t);
    std::istringstream lines(json);
    std::string line;
    std::getline(lines, line);
    CHECK(boost::json::parse(line).at("detail").as_string() == "said \"no\", twice");
    const std::string text = reporter(Format::text, true)->table(t);
    CHECK_THAT(text, Catch::StartsWith("recipe    detail\na/b       said"));
    CHECK(reporter(Format::csv, false)->table(t).find("recipe,detail") == std::string::npos);
}
