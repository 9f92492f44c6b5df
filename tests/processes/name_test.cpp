#include "support/run.hpp"

#include <catch2/catch.hpp>

namespace parcook::test {

namespace {

// "who: text" lines of the record, in order, for one process.
std::vector<std::string> lines_of(const boost::json::object& r, const std::string& who) {
    std::vector<std::string> v;
    for (const std::string& l : trace_lines(r))
        if (l.starts_with(who + ": "))
            v.push_back(l.substr(who.size() + 2));
    return v;
}

} // namespace

TEST_CASE("processes/name: both children print Starting and Exiting with their names") {
    auto r = record_of({"processes", "name", "--sleep", "300ms"});
    CHECK(all_checks_passed(r));
    CHECK(lines_of(r, "foo_process") ==
          std::vector<std::string>{"Starting foo_process", "Exiting foo_process"});
    CHECK(lines_of(r, "Process-2") ==
          std::vector<std::string>{"Starting Process-2", "Exiting Process-2"});
    CHECK(field(r, "comm").at("foo_process") == "foo_process");
    CHECK(field(r, "comm").at("Process-2") == "Process-2");
}

TEST_CASE("processes/name: the kernel keeps 15 characters of a long name") {
    auto r =
        record_of({"processes", "name", "--sleep", "300ms", "--name", "a_very_long_process_name"});
    CHECK(all_checks_passed(r));
    CHECK(field(r, "comm").at("a_very_long_process_name") == "a_very_long_pro");
    CHECK(lines_of(r, "a_very_long_process_name").front() == "Starting a_very_long_process_name");
}

TEST_CASE("processes/name: bad names are usage errors") {
    CHECK(parcook({"processes", "name", "--name", ""}).code == 2);
    CHECK(parcook({"processes", "name", "--name", "Process-2"}).code == 2);
}

TEST_CASE("processes/name: unnamed children count the processes created") {
    auto r = record_of({"processes", "name", "--sleep", "200ms", "--children", "4"});
    CHECK(all_checks_passed(r));
    for (const std::string name : {"Process-2", "Process-3", "Process-4"}) {
        INFO(name);
        CHECK(lines_of(r, name) == std::vector<std::string>{"Starting " + name, "Exiting " + name});
        CHECK(field(r, "comm").at(name).as_string() == name);
    }
    CHECK(lines_of(r, "Process-1").empty()); // the first process created is foo_process
    CHECK(parcook({"processes", "name", "--children", "3", "--name", "Process-3"}).code == 2);
}

} // namespace parcook::test
