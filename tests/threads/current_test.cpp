#include "support/run.hpp"

#include <catch2/catch.hpp>
#include <regex>

using namespace parcook::test;

namespace {

struct Line {
    double t;
    std::string who, text;
};

std::vector<Line> trace(const boost::json::object& r) {
    std::vector<Line> v;
    for (const auto& l : r.at("trace").as_array())
        v.push_back({l.at("t").to_number<double>(), std::string(l.at("who").as_string()),
                     std::string(l.at("text").as_string())});
    return v;
}

// Runs the recipe and checks the rules every variant shares; returns the names reported.
std::vector<std::string> names_reported(const std::vector<std::string>& extra) {
    std::vector<std::string> args{"threads", "current", "--sleep", "100ms"};
    args.insert(args.end(), extra.begin(), extra.end());
    auto r = record_of(args);
    CHECK(all_checks_passed(r));
    const auto lines = trace(r);
    REQUIRE(lines.size() == 6);
    // each thread prints its own name, first "is Starting" then "is Exiting"
    std::vector<std::string> names;
    for (std::size_t i = 0; i < 3; ++i) {
        CHECK(lines[i].text == lines[i].who + " is Starting");
        CHECK(lines[i + 3].text.ends_with(" is Exiting"));
        names.push_back(lines[i].who);
    }
    // all three start before any exits, so their sleeps overlap
    CHECK(std::max({lines[0].t, lines[1].t, lines[2].t}) <
          std::min({lines[3].t, lines[4].t, lines[5].t}));
    // the record's identities match the names, and the OS knows the threads by them
    std::vector<std::string> ids;
    for (const auto& th : field(r, "threads").as_array()) {
        const std::string name(th.at("name").as_string());
        CHECK(std::string(th.at("os_name").as_string()) == name.substr(0, 15));
        CHECK(std::find(names.begin(), names.end(), name) != names.end());
        ids.emplace_back(th.at("id").as_string());
    }
    CHECK(ids.size() == 3);
    CHECK(ids[0] != ids[1]);
    CHECK(ids[1] != ids[2]);
    CHECK(ids[0] != ids[2]);
    std::sort(names.begin(), names.end());
    return names;
}

} // namespace

TEST_CASE("threads/current: threads report the names they were given") {
    CHECK(names_reported({}) ==
          std::vector<std::string>{"first_function", "second_function", "third_function"});
}

TEST_CASE("threads/current: --unnamed-third reports a default Thread-<n>") {
    const auto names = names_reported({"--unnamed-third"});
    CHECK(names[0] == "Thread-1"); // the first unnamed thread of the process
    CHECK(std::regex_match(names[0], std::regex("Thread-[0-9]+")));
    CHECK(names[1] == "first_function");
    CHECK(names[2] == "second_function");
}

TEST_CASE("threads/current: bad values are usage errors") {
    const Run r =
        parcook::test::parcook({"threads", "current", "--sleep", "0"}, std::chrono::seconds(10));
    CHECK(r.code == 2);
    CHECK(r.out.empty());
    CHECK(r.err.find("--sleep") != std::string::npos);
}
