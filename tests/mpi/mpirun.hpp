// Runs the parcook binary under MPICH's mpiexec (the launcher recorded at build time) and reads
// the job's single record, for the tests of the mpi recipes.
#pragma once
#include "support/run.hpp"

#include <catch2/catch.hpp>
#include <cstdlib>
#include <string>
#include <vector>

namespace parcook::test {

// `mpiexec -n np parcook <args...>`, bounded in time (killed and reported past the limit).
inline Run mpiexec(int np, const std::vector<std::string>& args,
                   std::chrono::milliseconds timeout = std::chrono::seconds(30)) {
    std::vector<std::string> argv{PARCOOK_MPIEXEC_TEST, "-n", std::to_string(np), PARCOOK_BINARY};
    argv.insert(argv.end(), args.begin(), args.end());
    const Captured c = run_captured(argv, timeout);
    return {c.exit_code, c.timed_out, c.seconds, c.out, c.err};
}

// The one JSON record of `mpiexec -n np parcook <args...> --format json`, which must exit `expect`.
inline boost::json::object mpi_record(int np, std::vector<std::string> args, int expect = 0) {
    args.insert(args.end(), {"--format", "json"});
    const Run r = mpiexec(np, args);
    INFO("mpiexec -n " << np << " parcook " << Catch::Detail::stringify(args)
                       << "\nstdout: " << r.out << "\nstderr: " << r.err);
    REQUIRE_FALSE(r.timed_out);
    REQUIRE(r.code == expect);
    return r.record();
}

// Rank r's entry of the record's per-rank detail.
inline const boost::json::object& rank_detail(const boost::json::object& record, int r) {
    return record.at("ranks").as_array().at(static_cast<std::size_t>(r)).as_object();
}

// The trace lines of one rank ("who" is "rank r").
inline std::vector<std::string> lines_of(const boost::json::object& record, int r) {
    std::vector<std::string> v;
    for (const auto& line : record.at("trace").as_array())
        if (line.at("who").as_string() == "rank " + std::to_string(r))
            v.emplace_back(line.at("text").as_string());
    return v;
}

// Sets an environment variable for the lifetime of the guard (a foreign launcher's, say).
struct ScopedEnv {
    std::string name;
    ScopedEnv(std::string n, const std::string& value) : name(std::move(n)) {
        setenv(name.c_str(), value.c_str(), 1);
    }
    ~ScopedEnv() { unsetenv(name.c_str()); }
};

} // namespace parcook::test
