// The plumbing every mpi recipe shares, so that a recipe file shows its MPI calls and little else.
//
//   void hello(mpi::Job& job, Context& ctx) { ... MPI calls, job.say(...), ctx.check(...) ... }
//   extern const Recipe mpi_hello{..., .run = mpi::entry<hello, mpi::at_least(2)>, ...};
//
// mpi::entry (mpi::run) is the whole life of an MPI job as one rank sees it (support/launch.cpp
// starts it, support/job.cpp runs it, support/sizes.cpp parses message sizes):
// - `--np N` outside mpiexec re-launches the same command under MPICH's mpiexec with N ranks and
//   leaves with its exit code (MPI is never initialised in the launching process);
// - MPI_Init, with MPI_ERRORS_RETURN on every communicator: call(MPI_...) turns an error into an
//   mpi::Error (a message naming the recipe line, exit 70) instead of an MPI_Abort stack dump;
//   malformed launcher variables (PMI_RANK=abc) are refused with exit 2 before MPI_Init;
// - a world of size 1 while the launcher's environment says more ranks (Open MPI's mpiexec runs
//   an MPICH binary as N one-rank jobs) is refused with exit 2 and the right command;
// - every rank checks that all ranks parsed the same options, and that there are enough ranks
//   (else exit 77 with the exact command to run);
// - only rank 0 writes stdout: the other ranks' trace lines, checks and per-rank detail are
//   gathered at the end, printed in rank order and merged into one record (a check passes only
//   if it passed on every rank that made it);
// - every rank leaves with the same exit code, agreed by a reduction; MPI_Finalize last.
#pragma once
#include "parcook/context.hpp"

#include <algorithm>
#include <boost/json/object.hpp>
#include <cstdint>
#include <fmt/format.h>
#include <mpi.h>
#include <source_location>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace parcook::mpi {

// An MPI function returned an error code.
struct Error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

[[noreturn]] void fail(int code, std::source_location where);

// Checks an MPI return code: `mpi::call(MPI_Send(...));`.
inline void call(int code, std::source_location where = std::source_location::current()) {
    if (code != MPI_SUCCESS) [[unlikely]]
        fail(code, where);
}

// How many ranks a recipe needs.
struct Ranks {
    int count = 1;
    bool exact = false;
};
inline constexpr Ranks any{};
constexpr Ranks at_least(int n) {
    return {n, false};
}
constexpr Ranks exactly(int n) {
    return {n, true};
}

// The MPI job as one rank sees it.
class Job {
public:
    Job(Context& ctx, int rank, int size);

    int rank() const { return rank_; }
    int size() const { return size_; }
    bool root() const { return rank_ == 0; }
    const std::string& processor() const { return processor_; } // MPI_Get_processor_name
    int node_ranks() const { return node_ranks_; } // ranks on this node, this one included
    Context& ctx() { return ctx_; }

    // A trace line tagged "rank r" (rank 0 prints its own at once, the others' in rank order at
    // the end, so the output never interleaves).
    void say(std::string_view text);
    // Refuses (exit 2, naming `option`) an allocation of `per_rank` bytes on every rank when the
    // ranks on this node together need more than it has. Every rank calls it, before allocating.
    void require_memory(double per_rank, std::string_view option) const;
    // A key of this rank's entry in the record's "ranks" array.
    void detail(std::string_view key, boost::json::value value);

    // Like Context::measure, for the whole job: each timed repetition starts on a barrier and its
    // sample is the slowest rank's time (every rank gets the same Stats; this rank's own median
    // goes to its detail as "seconds").
    template <class F>
    const Stats& measure(F&& body) {
        for (unsigned i = 0; i < ctx_.common().warmup; ++i)
            body();
        std::vector<double> samples;
        for (unsigned i = 0; i < ctx_.common().repeat; ++i) {
            call(MPI_Barrier(MPI_COMM_WORLD));
            Stopwatch sw;
            body();
            samples.push_back(sw.seconds());
        }
        return slowest(std::move(samples));
    }

    // Runs `f` on rank 0 only (e.g. reading an input file). If it throws, every rank leaves with
    // rank 0's error instead of waiting for it in the next collective.
    template <class F>
    auto on_root(F&& f) -> decltype(f()) {
        decltype(f()) value{};
        std::exception_ptr error;
        if (root()) {
            try {
                value = f();
            } catch (...) {
                error = std::current_exception();
            }
        }
        agree_root_succeeded(error);
        return value;
    }

    // This rank's entry in the record's "ranks" array (merged by mpi::run at the end).
    const boost::json::object& details() const { return detail_; }

private:
    const Stats& slowest(std::vector<double> samples);
    void agree_root_succeeded(const std::exception_ptr& error);

    Context& ctx_;
    int rank_, size_, node_ranks_ = 1;
    std::string processor_;
    boost::json::object detail_;
};

using Body = void (*)(Job&, Context&);

// The life of an MPI job around `body`: see the top of this file.
void run(Context& ctx, Body body, Ranks needs = any);

// A recipe's entry point: `.run = mpi::entry<hello, mpi::at_least(2)>`.
template <Body body, Ranks needs = any>
void entry(Context& ctx) {
    run(ctx, body, needs);
}

// Message sizes for sweeps: "0,8,1KiB,4MiB" (each a byte size, at most `max`).
std::vector<std::uint64_t> size_list(const std::string& text, std::string_view option,
                                     std::uint64_t max);
// A short label for a size in metric names: 0B, 8B, 1KiB, 1MiB, 1000B.
std::string size_label(std::uint64_t bytes);

// Receives a string whose length the receiver does not know: MPI_Probe for the message, then
// MPI_Get_count for its length in MPI_CHARs, then MPI_Recv into a buffer of that size.
std::string recv_string(int source, int tag, MPI_Comm comm, int* from = nullptr);

} // namespace parcook::mpi
