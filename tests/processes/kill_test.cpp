#include "support/run.hpp"

#include <catch2/catch.hpp>

namespace parcook::test {

namespace {

bool printed(const boost::json::object& r, const std::string& text) {
    const auto texts = trace_texts(r);
    return std::find(texts.begin(), texts.end(), text) != texts.end();
}

} // namespace

TEST_CASE("processes/kill: terminate() gives exit code -15 and liveness follows join") {
    auto r = record_of({"processes", "kill"});
    CHECK(all_checks_passed(r));
    CHECK(field(r, "exit_code").to_number<int>() == -15);
    const auto& alive = field(r, "alive").as_array();
    REQUIRE(alive.size() == 4);
    CHECK_FALSE(alive[0].as_bool());
    CHECK(alive[1].as_bool());
    CHECK_FALSE(alive[3].as_bool());
    CHECK_FALSE(printed(r, "Finished function"));
    CHECK(printed(r, "Process exit code: -15"));
}

TEST_CASE("processes/kill: SIGKILL and SIGINT give -9 and -2") {
    for (auto [how, code] : {std::pair{"kill", -9}, std::pair{"int", -2}}) {
        auto r = record_of({"processes", "kill", "--signal", how});
        CHECK(all_checks_passed(r));
        CHECK(field(r, "exit_code").to_number<int>() == code);
        CHECK_FALSE(printed(r, "Finished function"));
    }
}

TEST_CASE("processes/kill: bad options are usage errors") {
    CHECK(parcook({"processes", "kill", "--signal", "hup"}).code == 2);
    CHECK(parcook({"processes", "kill", "--sleep", "-1s"}).code == 2);
}

} // namespace parcook::test
