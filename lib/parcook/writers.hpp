// The three output formats of a result record: aligned text for people, JSON lines and CSV
// for scripts. Only records go to stdout; logs go to stderr.
#pragma once
#include "parcook/context.hpp"
#include "parcook/result.hpp"

#include <boost/json/object.hpp>
#include <memory>
#include <string>
#include <vector>

namespace parcook {

// Rows of named columns (`parcook list`, `parcook tour`): text aligns them, JSON writes one
// object per row, CSV one line per row.
struct Table {
    std::vector<std::string> columns;
    std::vector<std::vector<boost::json::value>> rows;
    bool text_header = true;                 // text: a first line naming the columns
    std::vector<std::size_t> text_columns{}; // text: the columns shown (empty: all)
    std::string footer{};                    // text: a closing line (totals)
};

// One reporter per output format, as Google Benchmark has: every record and table is written
// by the reporter of its format, never formatted by hand.
class Reporter {
public:
    virtual ~Reporter() = default;
    virtual std::string record(const Result& r) const = 0;
    virtual std::string table(const Table& t) const = 0;
};
std::unique_ptr<Reporter> reporter(Format format, bool header);

std::string to_text(const Result& r);
boost::json::object to_json(const Result& r); // with "schema" and the "context" block
std::string to_csv(const Result& r, bool header);
std::string render(const Result& r, Format format, bool header); // one of the above, as text

boost::json::object context_block();      // host, cores, compiler, build type, features
std::string verify_line(const Result& r); // "verify: PASS ..." / "verify: FAIL ..."

} // namespace parcook
