#include "support/run.hpp"

#include <catch2/catch.hpp>

namespace parcook::test {

namespace {

std::vector<std::int64_t> squares_of(const boost::json::object& r) {
    std::vector<std::int64_t> v;
    for (const auto& x : field(r, "squares").as_array())
        v.push_back(x.to_number<std::int64_t>());
    return v;
}

} // namespace

TEST_CASE("processes/pipe: exactly the squares of 0..9, then End") {
    auto r = record_of({"processes", "pipe"});
    CHECK(all_checks_passed(r));
    CHECK(squares_of(r) == std::vector<std::int64_t>{0, 1, 4, 9, 16, 25, 36, 49, 64, 81});
    const auto texts = trace_texts(r);
    REQUIRE(texts.size() == 11);
    CHECK(texts[9] == "81");
    CHECK(texts.back() == "End");
}

TEST_CASE("processes/pipe: --values sets how many values go through") {
    auto r = record_of({"processes", "pipe", "--values", "1000"});
    CHECK(all_checks_passed(r));
    const auto s = squares_of(r);
    REQUIRE(s.size() == 1000);
    CHECK(s.back() == 999 * 999);
}

TEST_CASE("processes/pipe: --keep-open shows the missing EOF, reported after the timeout") {
    auto r = record_of({"processes", "pipe", "--keep-open", "--timeout", "200ms"});
    CHECK(all_checks_passed(r));
    CHECK(squares_of(r).size() == 10);
    const auto texts = trace_texts(r);
    REQUIRE(texts.size() == 12);
    CHECK(texts[10].starts_with("no EOF after"));
    CHECK(texts[11] == "End");
    const auto& trace = r.at("trace").as_array();
    CHECK(trace[10].at("t").to_number<double>() - trace[9].at("t").to_number<double>() >= 0.2);
}

TEST_CASE("processes/pipe: bad options are usage errors") {
    CHECK(parcook({"processes", "pipe", "--values", "0"}).code == 2);
    CHECK(parcook({"processes", "pipe", "--values", "1e9"}).code == 2);
    const Run n = parcook({"processes", "pipe", "--n", "5"}); // its count is --values
    CHECK(n.code == 2);
    CHECK(n.err.find("--n: processes/pipe has no such option") != std::string::npos);
    CHECK(parcook({"processes", "pipe", "--timeout", "0"}).code == 2);
}

} // namespace parcook::test
