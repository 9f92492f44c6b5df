// distributed/nameserver, pyro-rmi, pyro-shop and pyro-chain, embedded (name server and object
// servers as children on loopback): each recipe's Verify rule from COOKBOOK 3.5, read back from
// its record.
#include "support/run.hpp"

#include <algorithm>
#include <catch2/catch.hpp>

using namespace parcook::test;
namespace json = boost::json;

namespace {

bool has_line(const json::object& record, const std::string& line) {
    const auto lines = trace_lines(record);
    return std::find(lines.begin(), lines.end(), line) != lines.end();
}

} // namespace

TEST_CASE("nameserver: register, lookup, list, unregister and an unknown name") {
    const auto r = record_of({"distributed", "nameserver", "--format", "json"});
    CHECK(all_checks_passed(r));
}

TEST_CASE("pyro-rmi: PYRONAME and the direct URI both welcome Rashmi, an unknown method is a "
          "remote error and the server serves on") {
    const auto r = record_of({"distributed", "pyro-rmi", "--format", "json"});
    CHECK(all_checks_passed(r));
    CHECK(field(r, "message") == "Hi welcome Rashmi");
    CHECK(has_line(r, "client: PYRONAME:server -> Hi welcome Rashmi"));
    const auto lines = trace_lines(r);
    CHECK(std::any_of(lines.begin(), lines.end(), [](const std::string& l) {
        return l.starts_with("server: Ready. Object uri = PYRO:obj_");
    }));
    CHECK(std::any_of(lines.begin(), lines.end(), [](const std::string& l) {
        return l.find("remote error UnknownMethod") != std::string::npos;
    }));
    CHECK(field(record_of({"distributed", "pyro-rmi", "--name", "Meeta", "--format", "json"}),
                "message") == "Hi welcome Meeta");
}

TEST_CASE("pyro-shop: Meeta 100.00, Rashmi 63.00, unknown account, 2 x 1000 deposits add 20.00") {
    const auto r = record_of({"distributed", "pyro-shop", "--format", "json"});
    CHECK(all_checks_passed(r));
    CHECK(has_line(r, "client: Meeta : 100.00"));
    CHECK(has_line(r, "client: Rashmi : 63.00"));
    CHECK(has_line(r, "shop: logout Rashmi"));
    CHECK(has_line(r, "client: balance(\"Nobody\") -> remote error KeyError: unknown account"));
    CHECK(field(r, "concurrent_added") == "20.00");
    const auto more = record_of(
        {"distributed", "pyro-shop", "--clients", "4", "--deposits", "500", "--format", "json"});
    CHECK(field(more, "concurrent_added") == "20.00");
}

TEST_CASE("pyro-chain: the result list exactly, one forward per server, closed at 1") {
    const auto r = record_of({"distributed", "pyro-chain", "--format", "json"});
    CHECK(all_checks_passed(r));
    CHECK(field(r, "result") ==
          json::array{"passed on from 1", "passed on from 2", "passed on from 3", "complete at 1"});
    CHECK(has_line(r, "example.chain.1: Back at 1; the chain is closed!"));
    CHECK(has_line(r, "example.chain.3: 3 forwarding the message to the object 1"));
    const auto five = record_of({"distributed", "pyro-chain", "--length", "5", "--format", "json"});
    CHECK(field(five, "result").as_array().size() == 6);
    CHECK(all_checks_passed(five));
}
