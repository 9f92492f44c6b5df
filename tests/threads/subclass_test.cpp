#include "support/run.hpp"

#include <catch2/catch.hpp>

using namespace parcook::test;

namespace {

// Times of the lines `who` printed: "Starting", then its stamps (not "Exiting").
std::vector<double> stamp_times(const boost::json::object& r, const std::string& who) {
    std::vector<double> v;
    for (const auto& l : r.at("trace").as_array()) {
        const std::string text(l.at("text").as_string());
        if (l.at("who").as_string() != who || text.starts_with("Exiting"))
            continue;
        if (v.empty())
            CHECK(text == "Starting " + who);
        else
            CHECK(text.starts_with(who + ": "));
        v.push_back(l.at("t").to_number<double>());
    }
    return v;
}

// Each stamp comes at least `delay` seconds after the previous line of the same thread.
void check_spacing(const std::vector<double>& times, double delay) {
    for (std::size_t i = 1; i < times.size(); ++i)
        CHECK(times[i] - times[i - 1] >= delay - 1e-6);
}

std::size_t line_of(const boost::json::object& r, const std::string& text) {
    const auto texts = trace_texts(r);
    return std::find(texts.begin(), texts.end(), text) - texts.begin();
}

} // namespace

TEST_CASE("threads/subclass: Thread-1 stamps every delay and Thread-2 every two then main exits") {
    auto r = record_of({"threads", "subclass", "--delay", "50ms"});
    CHECK(all_checks_passed(r));
    const auto one = stamp_times(r, "Thread-1"), two = stamp_times(r, "Thread-2");
    CHECK(one.size() == 6); // Starting + 5 stamps
    CHECK(two.size() == 6);
    check_spacing(one, 0.050);
    check_spacing(two, 0.100);
    CHECK(line_of(r, "Exiting Thread-1") < line_of(r, "Exiting Thread-2"));
    CHECK(trace_lines(r).back() == "MainThread: Exiting Main Thread");
}

TEST_CASE("threads/subclass: --stop-after stops both threads early through their stop_token") {
    auto r = record_of({"threads", "subclass", "--delay", "50ms", "--stop-after", "150ms"});
    CHECK(all_checks_passed(r));
    const auto one = stamp_times(r, "Thread-1"), two = stamp_times(r, "Thread-2");
    CHECK(one.size() < 6);
    CHECK(two.size() < 6);
    check_spacing(one, 0.050);
    check_spacing(two, 0.100);
    const auto stop = line_of(r, "asking both threads to stop");
    CHECK(stop < line_of(r, "Exiting Thread-1"));
    CHECK(stop < line_of(r, "Exiting Thread-2"));
    CHECK(trace_lines(r).back() == "MainThread: Exiting Main Thread");
}

TEST_CASE("threads/subclass: bad values are usage errors") {
    for (auto args :
         {std::vector<std::string>{"--delay", "0"}, {"--delay", "10ms", "--stop-after", "1s"}}) {
        std::vector<std::string> full{"threads", "subclass"};
        full.insert(full.end(), args.begin(), args.end());
        const Run r = parcook::test::parcook(full, std::chrono::seconds(10));
        CHECK(r.code == 2);
        CHECK(r.out.empty());
        CHECK(r.err.find(args[args.size() - 2]) != std::string::npos);
    }
}
