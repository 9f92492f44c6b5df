// The three output formats of a result record: aligned text for people, JSON lines and CSV
// for scripts. Only records go to stdout; logs go to stderr.
#pragma once
#include "parcook/context.hpp"
#include "parcook/result.hpp"

#include <boost/json/object.hpp>
#include <string>

namespace parcook {

std::string to_text(const Result& r);
boost::json::object to_json(const Result& r); // with "schema" and the "context" block
std::string to_csv(const Result& r, bool header);
std::string render(const Result& r, Format format, bool header); // one of the above, as text

boost::json::object context_block();      // host, cores, compiler, build type, features
std::string verify_line(const Result& r); // "verify: PASS ..." / "verify: FAIL ..."

} // namespace parcook
