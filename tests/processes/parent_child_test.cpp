#include "support/run.hpp"

#include "parcook/children.hpp"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <map>
#include <thread>
#include <unistd.h>

namespace parcook::test {

namespace {

const std::vector<std::string> child_lines{"starting work", "work work work work work",
                                           "done working"};

// Each child's lines, in the order it said them.
using ByChild = std::map<std::string, std::vector<std::string>>;

std::vector<ChildLine> read_log(const std::filesystem::path& path) {
    std::vector<ChildLine> v;
    std::ifstream in(path);
    for (std::string line; std::getline(in, line);)
        if (auto said = parse_child_line(line))
            v.push_back(*said);
    return v;
}

void require_all_in_order(const ByChild& by_child, std::size_t children) {
    CHECK(by_child.size() == children);
    for (const auto& [who, lines] : by_child) {
        INFO(who);
        CHECK(lines == child_lines);
    }
}

struct TempLog {
    std::filesystem::path path = std::filesystem::temp_directory_path() /
                                 ("parcook-test-" + std::to_string(::getpid()) + "-children.log");
    ~TempLog() { std::filesystem::remove(path); }
};

} // namespace

TEST_CASE("processes/parent-child: five children run concurrently, each line in order") {
    auto r = record_of({"processes", "parent-child", "--sleep", "400ms"});
    CHECK(all_checks_passed(r));
    ByChild by_child;
    for (const auto& line : r.at("trace").as_array())
        by_child[std::string(line.at("who").as_string())].emplace_back(line.at("text").as_string());
    require_all_in_order(by_child, 5);
}

TEST_CASE("processes/parent-child: --detach returns at once and the children still finish") {
    TempLog log;
    auto r = record_of({"processes", "parent-child", "--detach", "--children", "3", "--sleep", "1s",
                        "--log", log.path.string()});
    const auto parent_gone = std::chrono::steady_clock::now();
    CHECK(all_checks_passed(r));

    // Wait (bounded) for the three children to finish on their own.
    std::vector<ChildLine> lines;
    const auto deadline = parent_gone + std::chrono::seconds(10);
    while ((lines = read_log(log.path)).size() < 9 && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    ByChild by_child;
    for (const auto& l : lines) {
        by_child[l.who].push_back(l.text);
        if (l.text == "done working")
            CHECK(l.at > parent_gone); // the children outlived the parent
    }
    require_all_in_order(by_child, 3);
}

TEST_CASE("processes/parent-child: --shell starts the children through /bin/sh") {
    TempLog log;
    auto r = record_of({"processes", "parent-child", "--shell", "--children", "3", "--sleep",
                        "400ms", "--log", log.path.string()});
    CHECK(all_checks_passed(r));
    CHECK(read_log(log.path).size() == 9);
}

TEST_CASE("processes/parent-child: --detach and --shell need --log") {
    CHECK(parcook({"processes", "parent-child", "--detach"}).code == 2);
    CHECK(parcook({"processes", "parent-child", "--shell"}).code == 2);
    CHECK(parcook({"processes", "parent-child", "--detach", "--log", "/nonexistent/dir/x"}).code ==
          2);
}

} // namespace parcook::test

TEST_CASE("processes/parent-child: --log must be a regular file (it is read back)") {
    for (const char* log : {"/dev/full", "/dev/zero", "/tmp"}) {
        const auto r = parcook::test::parcook(
            {"processes", "parent-child", "--detach", "--log", log, "--sleep", "100ms"},
            std::chrono::seconds(20));
        INFO(log << ": " << r.err);
        CHECK(r.code == 2);
        CHECK(r.out.empty());
        CHECK(r.err.find("--log") != std::string::npos);
    }
}
