#include "support/run.hpp"

#include <catch2/catch.hpp>
#include <cstdio>
#include <fstream>

using namespace parcook::test;

TEST_CASE("threads/word-count: the book table times n, same checksum for every thread count") {
    std::vector<boost::json::object> records;
    for (std::string threads : {"1", "2", "3"}) {
        records.push_back(record_of({"threads", "word-count", "--n", "1001", "-t", threads}));
        const auto& r = records.back();
        CHECK(all_checks_passed(r));
        CHECK(field(r, "words").to_number<int>() == 47 * 1001);
        CHECK(field(r, "distinct_words").to_number<int>() == 18);
        CHECK(field(r, "tasks").to_number<int>() == std::stoi(threads));
    }
    CHECK(field(records[0], "result") == field(records[1], "result"));
    CHECK(field(records[0], "result") == field(records[2], "result"));
}

TEST_CASE("threads/word-count: --input equals a serial count") {
    const std::string path = "word_count_test_input.txt";
    {
        std::ofstream out(path);
        for (int i = 0; i < 500; ++i)
            out << "Alpha, beta! gamma\tbeta\n(alpha) " << i % 7 << "\n";
    }
    auto one = record_of({"threads", "word-count", "--input", path, "-t", "1"});
    auto three = record_of({"threads", "word-count", "--input", path, "-t", "3"});
    std::remove(path.c_str());
    CHECK(all_checks_passed(one));
    CHECK(all_checks_passed(three));
    CHECK(field(one, "result") == field(three, "result"));
    CHECK(field(three, "words").to_number<int>() == 500 * 6);
    CHECK(field(three, "distinct_words").to_number<int>() == 3 + 7);

    auto missing =
        parcook::test::parcook({"threads", "word-count", "--input", "/nonexistent/words.txt"});
    CHECK(missing.code == 2);
    CHECK(missing.err.find("--input") != std::string::npos);
}
