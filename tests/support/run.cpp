#include "support/run.hpp"

#include <catch2/catch.hpp>
#include <cstdlib>
#include <sstream>

namespace parcook::test {
namespace {

// The binary under test: the build's, or $PARCOOK_BINARY (a bundle's, on a machine the build
// tree never reached: scripts/gpu-node).
std::string binary() {
    const char* moved = std::getenv("PARCOOK_BINARY");
    return moved && *moved ? moved : PARCOOK_BINARY;
}

} // namespace

std::vector<boost::json::object> Run::records() const {
    std::vector<boost::json::object> v;
    std::istringstream in(out);
    for (std::string line; std::getline(in, line);)
        if (!line.empty())
            v.push_back(boost::json::parse(line).as_object());
    return v;
}

boost::json::object Run::record() const {
    auto v = records();
    INFO("stdout: " << out << "\nstderr: " << err);
    REQUIRE(v.size() == 1);
    return v.front();
}

Run parcook(const std::vector<std::string>& args, std::chrono::milliseconds timeout,
            const std::string& input) {
    std::vector<std::string> argv{binary()};
    argv.insert(argv.end(), args.begin(), args.end());
    const Captured c = run_captured(argv, timeout, input);
    return {c.exit_code, c.timed_out, c.seconds, c.out, c.err};
}

boost::json::object record_of(const std::vector<std::string>& args, int expect) {
    std::vector<std::string> a = args;
    a.insert(a.end(), {"--format", "json"});
    const Run r = parcook(a);
    INFO("parcook " << Catch::Detail::stringify(args) << "\nstdout: " << r.out
                    << "\nstderr: " << r.err);
    REQUIRE_FALSE(r.timed_out);
    REQUIRE(r.code == expect);
    return r.record();
}

std::vector<std::string> command_words(const std::vector<std::string>& args) {
    std::vector<std::string> words{binary()};
    words.insert(words.end(), args.begin(), args.end());
    return words;
}

std::vector<char*> exec_vector(std::vector<std::string>& words) {
    std::vector<char*> v;
    for (std::string& w : words)
        v.push_back(w.data());
    v.push_back(nullptr);
    return v;
}

std::vector<std::string> trace_texts(const boost::json::object& record) {
    std::vector<std::string> v;
    for (const auto& line : record.at("trace").as_array())
        v.emplace_back(line.at("text").as_string());
    return v;
}

std::vector<std::string> trace_lines(const boost::json::object& record) {
    std::vector<std::string> v;
    for (const auto& line : record.at("trace").as_array())
        v.push_back(std::string(line.at("who").as_string()) + ": " +
                    std::string(line.at("text").as_string()));
    return v;
}

bool all_checks_passed(const boost::json::object& record) {
    for (const auto& c : record.at("checks").as_array())
        if (!c.at("passed").as_bool())
            return false;
    return !record.at("checks").as_array().empty() && record.at("verified").as_bool();
}

double metric(const boost::json::object& record, const std::string& name) {
    return record.at("metrics").at(name).at("value").to_number<double>();
}

const boost::json::value& field(const boost::json::object& record, const std::string& name) {
    return record.at("fields").at(name);
}

} // namespace parcook::test
