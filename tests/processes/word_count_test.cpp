#include "support/run.hpp"

#include <catch2/catch.hpp>
#include <cstdio>
#include <fstream>

using namespace parcook::test;

TEST_CASE("processes/word-count: n copies of the book text give n x the 18-word table") {
    auto one = record_of({"processes", "word-count", "--n", "1000", "--workers", "1", "-r", "2"});
    auto three = record_of(
        {"processes", "word-count", "--n", "1000", "--workers", "3", "--tasks", "5", "-r", "2"});
    for (const auto& r : {one, three}) {
        CHECK(all_checks_passed(r));
        CHECK(field(r, "words").to_number<int>() == 47000);
        CHECK(field(r, "distinct_words").to_number<int>() == 18);
    }
    CHECK(field(one, "result") == field(three, "result"));
    CHECK(field(three, "tasks").to_number<int>() == 5);
}

TEST_CASE("processes/word-count: --input counts a file like a serial count") {
    char path[] = "/tmp/parcook-word-count-XXXXXX";
    const int fd = mkstemp(path);
    REQUIRE(fd >= 0);
    close(fd);
    {
        std::ofstream out(path);
        for (int i = 0; i < 300; ++i)
            out << "Alpha, beta! GAMMA alpha; line " << i << "\n";
    }
    auto r = record_of({"processes", "word-count", "--input", path, "--workers", "2", "-r", "1"});
    std::remove(path);
    CHECK(all_checks_passed(r));
    CHECK(field(r, "words").to_number<int>() == 300 * 6);
    CHECK(field(r, "distinct_words").to_number<int>() == 4 + 300);
    const Run missing =
        parcook::test::parcook({"processes", "word-count", "--input", "/nonexistent/file"});
    CHECK(missing.code == 2);
    CHECK(missing.out.empty());
}
