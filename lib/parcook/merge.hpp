// One record from a job that ran as several processes (MPI ranks, distributed workers): each
// process sends its Share (trace, checks, its own detail) to the one that reports, which merges
// them. A rule holds only if it held in every process that checked it.
#pragma once
#include "parcook/result.hpp"

#include <boost/json/value.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace parcook {

// What one process contributes to the job's record.
struct Share {
    std::vector<TraceLine> trace;
    std::vector<Check> checks;
    boost::json::value detail; // its entry in the record's per-process array ("ranks")
};

Share share_of(const Result& result, boost::json::value detail);
// As bytes to send (JSON text), and back; decode throws std::invalid_argument on bad text.
std::string encode(const Share& share);
Share decode_share(std::string_view text);

struct Merged {
    std::vector<TraceLine> trace; // process 0's lines, then process 1's, ...
    std::vector<Check> checks;    // in first-seen order; a failure lists "<who> i: detail"
    boost::json::array detail;    // one entry per process, in order
};

// Merges the shares of processes 0..n-1; `who` names a process in failure details ("rank").
Merged merge(const std::vector<Share>& shares, std::string_view who);

} // namespace parcook
