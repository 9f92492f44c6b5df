#include "ipc_checks.hpp"

namespace parcook::test {

namespace {

std::vector<double> released(const boost::json::object& r) {
    std::vector<double> v;
    for (const auto& x : field(r, "released_ms").as_array())
        v.push_back(x.to_number<double>());
    return v;
}

} // namespace

TEST_CASE("processes/barrier: p1 and p2 are released together, after p1 arrives") {
    auto r = record_of({"processes", "barrier", "--skew", "600ms", "--tolerance", "100ms"});
    CHECK(all_checks_passed(r));
    const auto rel = released(r);
    const double arrived = field(r, "p1_arrived_ms").to_number<double>();
    REQUIRE(rel.size() == 4);
    CHECK(std::abs(rel[0] - rel[1]) < 100);
    CHECK(rel[0] >= arrived);
    CHECK(rel[1] >= arrived);
    CHECK(rel[2] < arrived);
    CHECK(rel[3] < arrived);
    const auto lines = trace_texts(r);
    REQUIRE(lines.size() == 4);
    for (const std::string& l : lines)
        CHECK(l.starts_with("process p"));
    require_nothing_left(r);
}

TEST_CASE("processes/barrier: without the barrier p1's stamp lags p2's by the skew") {
    auto r = record_of(
        {"processes", "barrier", "--skew", "600ms", "--tolerance", "100ms", "--no-barrier"});
    CHECK(all_checks_passed(r));
    const auto rel = released(r);
    REQUIRE(rel.size() == 4);
    CHECK(rel[0] - rel[1] >= 600 - 100);
    require_nothing_left(r);
}

TEST_CASE("processes/barrier: two runs at the same time do not collide") {
    check_concurrent_runs({"processes", "barrier", "--skew", "600ms", "--tolerance", "100ms"});
}

TEST_CASE("processes/barrier: a signal kills the children and removes the shared memory") {
    check_signal_cleanup({"processes", "barrier", "--skew", "20s"}, 4, SIGINT);
}

TEST_CASE("processes/barrier: a skew the checks cannot tell from noise is a usage error") {
    CHECK(parcook({"processes", "barrier", "--skew", "5ms"}).code == 2);
}

} // namespace parcook::test
