#include "support/run.hpp"

#include <catch2/catch.hpp>

using namespace parcook::test;

namespace {

const std::string message = "Hello Parallel Python CookBook!!";

// Index of the nth trace line with this text, or the number of lines when there is none.
std::size_t line_of(const std::vector<std::string>& texts, const std::string& text,
                    std::size_t nth = 0) {
    for (std::size_t i = 0; i < texts.size(); ++i)
        if (texts[i] == text && nth-- == 0)
            return i;
    return texts.size();
}

} // namespace

TEST_CASE("threads/hello: count messages and main ends its work before the thread ends") {
    for (std::string count : {"1", "4"}) {
        auto r = record_of({"threads", "hello", "--count", count, "--interval", "50ms"});
        CHECK(all_checks_passed(r));
        const auto texts = trace_texts(r);
        const auto lines = trace_lines(r);
        CHECK(std::count(texts.begin(), texts.end(), message) == std::stoi(count));
        CHECK(lines.front() == "MainThread: Process Started");
        CHECK(lines.back() == "Thread-1: Thread Ended");
        const std::size_t ended = line_of(texts, "Process Ended");
        CHECK(ended < line_of(texts, "Thread Ended"));
        if (count != "1")
            CHECK(ended < line_of(texts, message, 1));
        // the thread's own lines all carry its default name
        CHECK(std::count_if(lines.begin(), lines.end(), [](const std::string& l) {
                  return l.starts_with("Thread-1: ");
              }) == std::stoi(count) + 2);
    }
}

TEST_CASE("threads/hello: bad values are usage errors") {
    for (auto args : {std::vector<std::string>{"--count", "0"},
                      {"--interval", "0"},
                      {"--interval", "soon"},
                      {"--count", "-3"}}) {
        std::vector<std::string> full{"threads", "hello"};
        full.insert(full.end(), args.begin(), args.end());
        const Run r = parcook::test::parcook(full, std::chrono::seconds(10));
        INFO(args[0] << " " << args[1] << ": " << r.err);
        CHECK(r.code == 2);
        CHECK(r.out.empty());
        CHECK(r.err.find(args[0]) != std::string::npos);
    }
}
