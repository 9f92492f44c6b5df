#include "parcook/encode.hpp"
#include "parcook/parse.hpp"

#include <catch2/catch.hpp>
#include <map>
#include <vector>

using namespace parcook;

namespace {
struct Args {
    std::string name;
    Duration sleep;
    std::vector<int> values;
    std::map<std::string, std::uint64_t> counts;
    unsigned index;
};
} // namespace

TEST_CASE("a struct with strings, vectors and maps travels field by field") {
    const Args sent{"Process-1", std::chrono::milliseconds(250), {1, 2, 3}, {{"a", 7}}, 4};
    std::string bytes;
    put(bytes, sent);
    const Args got = take_exactly<Args>(bytes);
    CHECK(got.name == sent.name);
    CHECK(got.sleep == sent.sleep);
    CHECK(got.values == sent.values);
    CHECK(got.counts == sent.counts);
    CHECK(got.index == 4);
}

TEST_CASE("short or overlong input is refused, never read past") {
    std::string bytes;
    put(bytes, Args{"x", {}, {1}, {}, 0});
    CHECK_THROWS_AS(take_exactly<Args>(std::string_view(bytes).substr(0, bytes.size() - 1)),
                    Truncated);
    CHECK_THROWS_AS(take_exactly<Args>(bytes + "z"), Truncated);
    std::string huge_count;
    put(huge_count, std::uint64_t{1} << 60); // a string claiming an exabyte
    CHECK_THROWS_AS(take_exactly<std::string>(huge_count), Truncated);
}

TEST_CASE("quote_input keeps a message one short line") {
    CHECK(quote_input("abc") == "'abc'");
    CHECK(quote_input("a\nb") == "'a\\x0ab'");
    const std::string cut = quote_input(std::string(1000, 'x'));
    CHECK(cut.size() < 80);
    CHECK_THAT(cut, Catch::EndsWith("(1000 characters)"));
}
