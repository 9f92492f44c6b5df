// Runs the parcook binary under test and reads its records back (Boost.JSON), so recipe tests
// check each recipe's rule from its output, not just its exit code.
#pragma once
#include "parcook/subprocess.hpp"

#include <boost/json.hpp>
#include <chrono>
#include <string>
#include <vector>

namespace parcook::test {

struct Run {
    int code = -1;
    bool timed_out = false;
    double seconds = 0;
    std::string out, err;

    // The JSON records on stdout (one object per line).
    std::vector<boost::json::object> records() const;
    // The single record of a run with --format json (fails the test if there is not exactly one).
    boost::json::object record() const;
};

// Runs `parcook <args...>` with a time limit; the run is killed (and reported) past it.
Run parcook(const std::vector<std::string>& args,
            std::chrono::milliseconds timeout = std::chrono::seconds(60),
            const std::string& input = {});
// Runs a recipe with --format json and returns its record; requires exit code `expect`.
boost::json::object record_of(const std::vector<std::string>& args, int expect = 0);

// `parcook <args...>` as execv/posix_spawn want it: pointers into `words` (which must outlive
// them), then a null. The first word is the binary under test.
std::vector<std::string> command_words(const std::vector<std::string>& args);
std::vector<char*> exec_vector(std::vector<std::string>& words);

// Helpers to read a record.
std::vector<std::string> trace_texts(const boost::json::object& record); // trace[*].text
std::vector<std::string> trace_lines(const boost::json::object& record); // "who: text"
bool all_checks_passed(const boost::json::object& record);
double metric(const boost::json::object& record, const std::string& name);
const boost::json::value& field(const boost::json::object& record, const std::string& name);

} // namespace parcook::test
