// The life of an MPI job as one rank sees it (mpi.hpp): MPI_Init, agreement on options and
// ranks, the body, agreement on the exit code, and the per-rank records merged into one.
#include "mpi/mpi.hpp"

#include "mpi/support/launch.hpp"
#include "parcook/log.hpp"
#include "parcook/merge.hpp"

#include <fmt/format.h>
#include <optional>

namespace parcook::mpi {
namespace {

// Thrown on the ranks that wait for rank 0 when rank 0 failed in Job::on_root.
struct PeerFailed {};

// How long a rank that failed on its own waits for the others before it aborts the job.
constexpr double failure_grace_seconds = 5;

// Parsed values (not the typed text: `--n 1e6` and `--n 1000000` agree). The defaults of
// --threads and --workers depend on the host, so they count only when given.
std::uint64_t options_fingerprint(const Context& ctx) {
    std::string all;
    for (const OptionSpec& s : all_options(ctx.recipe())) {
        if ((s.name == "threads" || s.name == "workers") && !ctx.given(s.name))
            continue;
        std::string v;
        switch (s.kind) {
        case OptionKind::count:
            v = std::to_string(ctx.count(s.name));
            break;
        case OptionKind::bytes:
            v = std::to_string(ctx.bytes(s.name));
            break;
        case OptionKind::duration:
            v = std::to_string(ctx.duration(s.name).count());
            break;
        case OptionKind::integer:
            v = std::to_string(ctx.integer(s.name));
            break;
        case OptionKind::real:
            v = fmt::format("{}", ctx.real(s.name));
            break;
        case OptionKind::text:
        case OptionKind::choice:
            v = ctx.text(s.name);
            break;
        case OptionKind::flag:
            v = ctx.flag(s.name) ? "1" : "0";
            break;
        }
        all += s.name + '=' + v + '\n';
    }
    std::uint64_t h = UINT64_C(0xcbf29ce484222325); // FNV-1a
    for (unsigned char c : all)
        h = (h ^ c) * UINT64_C(0x100000001b3);
    return h;
}

void require_same_options(const Context& ctx, int size) {
    std::uint64_t mine = options_fingerprint(ctx);
    std::vector<std::uint64_t> all(static_cast<std::size_t>(size));
    call(MPI_Allgather(&mine, 1, MPI_UINT64_T, all.data(), 1, MPI_UINT64_T, MPI_COMM_WORLD));
    std::vector<int> differ;
    for (int r = 1; r < size; ++r)
        if (all[static_cast<std::size_t>(r)] != all[0])
            differ.push_back(r);
    if (!differ.empty())
        throw UsageError(fmt::format("rank(s) {} parsed other options than rank 0: every rank of "
                                     "an mpi recipe must run the same command",
                                     fmt::join(differ, ", ")));
}

void require_ranks(const Context& ctx, Ranks needs, int size) {
    if (needs.exact ? size == needs.count : size >= needs.count)
        return;
    throw CannotRun(fmt::format("{} needs {} {} MPI ranks and this job has {}; run: {} (or add "
                                "--np {})",
                                ctx.recipe().id(), needs.exact ? "exactly" : "at least",
                                needs.count, size, command_text(ctx, std::to_string(needs.count)),
                                needs.count));
}

// What the body left behind on this rank.
struct Outcome {
    int code = 0;        // 0: finished; else the exit code this rank asks for
    std::string message; // for usage errors and cannot-run: the line to print (by one rank)
    bool failed = false; // left the body early: others may be stuck, so waiting is bounded
};

// Every rank contributes its code; all leave with the largest, and the lowest rank holding a
// message prints it. A rank that failed alone waits a bounded time, then aborts the job (the
// others may be blocked waiting for it).
std::pair<int, int> agree(const Outcome& out, int rank, int size) {
    int mine[2] = {out.code, out.message.empty() ? -size : -rank};
    int agreed[2] = {0, 0};
    MPI_Request request;
    int rc = MPI_Iallreduce(mine, agreed, 2, MPI_INT, MPI_MAX, MPI_COMM_WORLD, &request);
    if (rc == MPI_SUCCESS && !out.failed)
        rc = MPI_Wait(&request, MPI_STATUS_IGNORE);
    if (rc == MPI_SUCCESS && out.failed) {
        Stopwatch waiting;
        int done = 0;
        while (rc == MPI_SUCCESS && !done && waiting.seconds() < failure_grace_seconds)
            rc = MPI_Test(&request, &done, MPI_STATUS_IGNORE);
        if (!done && rc == MPI_SUCCESS) {
            spdlog::error("the other ranks did not reach the end within {} s: ending the job",
                          failure_grace_seconds);
            MPI_Abort(MPI_COMM_WORLD, out.code ? out.code : int{exit_internal});
        }
    }
    if (rc != MPI_SUCCESS)
        MPI_Abort(MPI_COMM_WORLD, exit_internal);
    return {agreed[0], -agreed[1]};
}

// Every rank's share of the record (trace, checks, detail) travels to rank 0 as bytes
// (MPI_Gatherv); rank 0 merges them into its record. Returns the verdict on every rank.
int merge_records(Context& ctx, const Job& job, boost::json::value detail) {
    const std::string text = encode(share_of(ctx.result(), std::move(detail)));
    int length = static_cast<int>(text.size());
    std::vector<int> lengths(static_cast<std::size_t>(job.size())), offsets(lengths.size());
    call(MPI_Gather(&length, 1, MPI_INT, lengths.data(), 1, MPI_INT, 0, MPI_COMM_WORLD));
    std::string all;
    if (job.root()) {
        for (std::size_t r = 1; r < lengths.size(); ++r)
            offsets[r] = offsets[r - 1] + lengths[r - 1];
        all.resize(static_cast<std::size_t>(offsets.back() + lengths.back()));
    }
    call(MPI_Gatherv(text.data(), length, MPI_CHAR, all.data(), lengths.data(), offsets.data(),
                     MPI_CHAR, 0, MPI_COMM_WORLD));
    if (job.root()) {
        std::vector<Share> shares;
        for (std::size_t r = 0; r < lengths.size(); ++r)
            shares.push_back(decode_share(std::string_view(all).substr(
                static_cast<std::size_t>(offsets[r]), static_cast<std::size_t>(lengths[r]))));
        Merged merged = merge(shares, "rank");
        // Rank 0 printed its own lines as they came; the others' follow, in rank order, each
        // with the time on its own rank.
        Result& mine = ctx.result();
        for (std::size_t i = mine.trace.size(); i < merged.trace.size(); ++i) {
            ctx.say(merged.trace[i].who, merged.trace[i].text);
            mine.trace.back().t = merged.trace[i].t;
        }
        mine.checks = std::move(merged.checks);
        for (boost::json::value& d : merged.detail)
            ctx.rank_detail(std::move(d));
    }
    int verdict = ctx.result().verified() ? int{exit_verified} : int{exit_failed};
    call(MPI_Bcast(&verdict, 1, MPI_INT, 0, MPI_COMM_WORLD));
    return verdict;
}

} // namespace

Job::Job(Context& ctx, int rank, int size) : ctx_(ctx), rank_(rank), size_(size) {
    char name[MPI_MAX_PROCESSOR_NAME] = {};
    int length = 0;
    call(MPI_Get_processor_name(name, &length));
    processor_.assign(name, static_cast<std::size_t>(length));
    MPI_Comm node = MPI_COMM_NULL;
    call(MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, rank, MPI_INFO_NULL, &node));
    call(MPI_Comm_size(node, &node_ranks_));
    call(MPI_Comm_free(&node));
    detail_ = {{"rank", rank}, {"processor", processor_}};
}

void Job::say(std::string_view text) {
    ctx_.say(fmt::format("rank {}", rank_), text);
}

void Job::detail(std::string_view key, boost::json::value value) {
    detail_[key] = std::move(value);
}

void Job::require_memory(double per_rank, std::string_view option) const {
    ctx_.require_memory(per_rank * node_ranks_, option);
}

const Stats& Job::slowest(std::vector<double> samples) {
    std::vector<double> worst(samples.size());
    call(MPI_Allreduce(samples.data(), worst.data(), static_cast<int>(samples.size()), MPI_DOUBLE,
                       MPI_MAX, MPI_COMM_WORLD));
    if (!samples.empty())
        detail("seconds", Stats::of(std::move(samples)).median);
    ctx_.timing(Stats::of(std::move(worst)));
    return *ctx_.result().timing;
}

void Job::agree_root_succeeded(const std::exception_ptr& error) {
    int failed = error ? 1 : 0;
    call(MPI_Bcast(&failed, 1, MPI_INT, 0, MPI_COMM_WORLD));
    if (error)
        std::rethrow_exception(error);
    if (failed)
        throw PeerFailed{};
}

void run(Context& ctx, Body body, Ranks needs) {
    check_launcher_environment();
    const std::int64_t np = ctx.integer("np");
    if (np > 0 && !under_launcher())
        relaunch(ctx, np);

    if (MPI_Init(nullptr, nullptr) != MPI_SUCCESS)
        throw CannotRun("MPI_Init failed");
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
    MPI_Comm_set_errhandler(MPI_COMM_SELF, MPI_ERRORS_RETURN);
    int rank = 0, size = 1;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    init_logging(ctx.common().verbose, ctx.common().quiet,
                 fmt::format("{} rank {}", ctx.recipe().id(), rank));
    if (rank != 0)
        ctx.silence();

    Outcome out;
    std::optional<Job> job;
    try {
        refuse_foreign_launcher(ctx, size);
        if (np > 0 && np != size)
            throw UsageError(fmt::format("--np {}: this job already runs under mpiexec with {} "
                                         "ranks; drop --np or make it match",
                                         np, size));
        require_same_options(ctx, size);
        require_ranks(ctx, needs, size);
        job.emplace(ctx, rank, size);
        ctx.param("ranks", size);
        spdlog::debug("rank {} of {} on {}", rank, size, job->processor());
        body(*job, ctx);
    } catch (const PeerFailed&) {
        out = {0, {}, true};
    } catch (const UsageError& e) {
        out = {exit_usage, fmt::format("parcook: {}", e.what()), true};
    } catch (const CannotRun& e) {
        out = {exit_cannot_run, fmt::format("parcook: cannot run here: {}", e.what()), true};
    } catch (const ExitNow& e) {
        out = {e.code, {}, true};
    } catch (const std::exception& e) {
        spdlog::error("{}", e.what());
        out = {exit_internal, {}, true};
    }
    const auto [code, reporter] = agree(out, rank, size);
    // code 0: every rank finished its body, so every rank has a Job.
    const int verdict = code == 0 ? merge_records(ctx, *job, job->details()) : code;
    MPI_Finalize();
    if (rank == reporter)
        fmt::print(stderr, "{}\n", out.message);
    // Rank 0 returns with the merged record: the caller prints it and exits with its verdict.
    if (code != 0 || rank != 0)
        throw ExitNow{verdict};
}

} // namespace parcook::mpi
