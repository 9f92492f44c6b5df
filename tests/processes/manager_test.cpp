#include "ipc_checks.hpp"

namespace parcook::test {

TEST_CASE("processes/manager: both impls give keys 0..9 with value 2k, one writer each") {
    boost::json::object expected;
    for (int k = 0; k < 10; ++k)
        expected[std::to_string(k)] = 2 * k;
    for (std::string impl : {"shm", "server"}) {
        INFO(impl);
        auto r = record_of({"processes", "manager", "--impl", impl});
        CHECK(all_checks_passed(r));
        CHECK(field(r, "result").as_object() == expected);
        CHECK(trace_texts(r).back() ==
              "Results: {0: 0, 1: 2, 2: 4, 3: 6, 4: 8, 5: 10, 6: 12, 7: 14, 8: 16, 9: 18}");
        require_nothing_left(r);
    }
}

TEST_CASE("processes/manager: --children sets the number of workers") {
    auto r = record_of({"processes", "manager", "--impl", "server", "--children", "3"});
    CHECK(all_checks_passed(r));
    CHECK(field(r, "result").as_object().size() == 3);
}

TEST_CASE("processes/manager: two runs at the same time do not collide") {
    check_concurrent_runs({"processes", "manager", "--impl", "shm"});
    check_concurrent_runs({"processes", "manager", "--impl", "server"});
}

TEST_CASE("processes/manager: bad options are usage errors") {
    CHECK(parcook({"processes", "manager", "--impl", "redis"}).code == 2);
    CHECK(parcook({"processes", "manager", "--children", "0"}).code == 2);
}

} // namespace parcook::test
