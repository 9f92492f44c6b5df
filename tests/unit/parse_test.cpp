#include "parcook/errors.hpp"
#include "parcook/parse.hpp"

#include <catch2/catch.hpp>

using namespace parcook;
using namespace std::chrono_literals;

TEST_CASE("counts accept every documented form") {
    CHECK(parse_count("1000", "n") == 1000);
    CHECK(parse_count("1e6", "n") == 1'000'000);
    CHECK(parse_count("2.5e3", "n") == 2500);
    CHECK(parse_count("1M", "n") == 1'000'000);
    CHECK(parse_count("3k", "n") == 3000);
    CHECK(parse_count("1Mi", "n") == 1u << 20);
    CHECK(parse_count("2^20", "n") == 1u << 20);
    CHECK(parse_count("1_000_000", "n") == 1'000'000);
    CHECK(parse_count("0", "n") == 0);
}

TEST_CASE("counts reject garbage, negatives, fractions and overflow, naming the option") {
    for (const char* bad : {"abc", "", "-1", "1.5", "1e", "12x", "1e30", "2^70", "0x10", "1 000"}) {
        INFO(bad);
        try {
            parse_count(bad, "n");
            FAIL("accepted");
        } catch (const UsageError& e) {
            CHECK_THAT(e.what(), Catch::StartsWith("--n:"));
        }
    }
    CHECK_THROWS_AS(parse_count("1001", "n", 1000), UsageError);
}

TEST_CASE("byte sizes use binary and decimal suffixes") {
    CHECK(parse_bytes("4096", "size") == 4096);
    CHECK(parse_bytes("64KiB", "size") == 65536);
    CHECK(parse_bytes("1MB", "size") == 1'000'000);
    CHECK(parse_bytes("16MiB", "size") == 16u << 20);
    CHECK(parse_bytes("2GiB", "size") == 2ull << 30);
    CHECK_THROWS_AS(parse_bytes("12XB", "size"), UsageError);
    CHECK_THROWS_AS(parse_bytes("-1KiB", "size"), UsageError);
}

TEST_CASE("durations") {
    CHECK(parse_duration("500ms", "sleep") == 500ms);
    CHECK(parse_duration("2s", "sleep") == 2s);
    CHECK(parse_duration("1.5s", "sleep") == 1500ms);
    CHECK(parse_duration("250us", "sleep") == 250us);
    CHECK(parse_duration("0", "sleep") == 0s);
    CHECK(parse_duration("3", "sleep") == 3s);
    CHECK(parse_duration("1min", "sleep") == 60s);
    CHECK_THROWS_AS(parse_duration("-5ms", "sleep"), UsageError);
    CHECK_THROWS_AS(parse_duration("5 parsecs", "sleep"), UsageError);
    CHECK_THROWS_AS(parse_duration("100h", "sleep"), UsageError);
}

TEST_CASE("integers are range-checked") {
    CHECK(parse_integer("4", "threads", 1, 8) == 4);
    CHECK(parse_integer("1_024", "np", 0, 2048) == 1024);
    CHECK_THROWS_AS(parse_integer("0", "threads", 1, 8), UsageError);
    CHECK_THROWS_AS(parse_integer("9", "threads", 1, 8), UsageError);
    CHECK_THROWS_AS(parse_integer("4.0", "threads", 1, 8), UsageError);
    CHECK_THROWS_AS(parse_real("nan", "x"), UsageError);
    CHECK(parse_real("0.25", "x") == 0.25);
}

TEST_CASE("human formatting") {
    CHECK(format_bytes(512) == "512 B");
    CHECK(format_bytes(1536) == "1.5 KiB");
    CHECK(format_seconds(0.0123) == "12.3 ms");
    CHECK(format_seconds(2.5) == "2.5 s");
}
