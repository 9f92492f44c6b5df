// The MPI plumbing of recipes/mpi/mpi.hpp: self-launch, foreign-launcher detection, checked
// calls, option and exit-code agreement, and the rank-ordered merge of the record.
#include "mpi/mpi.hpp"

#include "parcook/host.hpp"
#include "parcook/log.hpp"
#include "parcook/subprocess.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fmt/format.h>
#include <map>
#include <optional>
#include <spawn.h>
#include <sys/wait.h>

extern char** environ;

namespace parcook::mpi {
namespace json = boost::json;
namespace {

// Thrown on the ranks that wait for rank 0 when rank 0 failed in Job::on_root.
struct PeerFailed {};

// How long a rank that failed on its own waits for the others before it aborts the job.
constexpr double failure_grace_seconds = 5;

std::optional<long> env_number(const char* name) {
    const char* v = std::getenv(name);
    if (!v || !*v)
        return std::nullopt;
    char* end = nullptr;
    const long n = std::strtol(v, &end, 10);
    return *end == '\0' ? std::optional(n) : std::nullopt;
}

// Set by a launcher for the processes it starts: MPICH's Hydra and Slurm (PMI), Open MPI,
// PMIx-based launchers, MVAPICH.
bool under_launcher() {
    for (const char* v : {"PMI_RANK", "PMI_FD", "PMI_PORT", "PMIX_RANK", "OMPI_COMM_WORLD_SIZE",
                          "MV2_COMM_WORLD_SIZE"})
        if (std::getenv(v))
            return true;
    return false;
}

// What the launcher's environment says about the job when MPICH sees a world of one rank.
struct LauncherSays {
    std::string variable, value, ranks; // ranks: the size, or "N" when only a rank is known
};
std::optional<LauncherSays> launcher_says_more() {
    for (const char* v :
         {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "MV2_COMM_WORLD_SIZE", "SLURM_STEP_NUM_TASKS"})
        if (auto n = env_number(v); n && *n > 1)
            return LauncherSays{v, std::getenv(v), std::to_string(*n)};
    for (const char* v : {"OMPI_COMM_WORLD_RANK", "PMI_RANK", "PMIX_RANK", "MV2_COMM_WORLD_RANK"})
        if (auto n = env_number(v); n && *n > 0)
            return LauncherSays{v, std::getenv(v), "N"};
    return std::nullopt;
}

std::string shell_quote(const std::string& s) {
    if (!s.empty() && s.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                          "0123456789_@%+=:,./-") == std::string::npos)
        return s;
    std::string q = "'";
    for (char c : s)
        q += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return q + "'";
}

// `mpiexec -n <ranks> parcook mpi <recipe> <the same arguments without --np>`.
std::vector<std::string> launch_command(const Context& ctx, const std::string& ranks) {
    std::vector<std::string> argv{mpiexec_path(),   "-n", ranks, self_exe(), ctx.recipe().group,
                                  ctx.recipe().name};
    const auto& args = ctx.args();
    for (std::size_t i = 0; i < args.size(); ++i) {
        if (args[i] == "--np") {
            ++i; // and its value
        } else if (!args[i].starts_with("--np=")) {
            argv.push_back(args[i]);
        }
    }
    return argv;
}

std::string command_text(const Context& ctx, const std::string& ranks) {
    std::string text;
    for (const std::string& a : launch_command(ctx, ranks))
        text += (text.empty() ? "" : " ") + shell_quote(a);
    return text;
}

// `parcook mpi <recipe> --np N` outside mpiexec: run the same command under mpiexec, pass its
// output through (inherited descriptors) and leave with its exit code.
[[noreturn]] void relaunch(const Context& ctx, std::int64_t np) {
    const std::vector<std::string> argv = launch_command(ctx, std::to_string(np));
    spdlog::debug("launching {}", command_text(ctx, std::to_string(np)));
    std::vector<char*> args;
    for (const std::string& a : argv)
        args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    std::fflush(stdout);
    pid_t pid = 0;
    if (const int rc = posix_spawn(&pid, args[0], nullptr, nullptr, args.data(), environ); rc != 0)
        throw CannotRun(fmt::format("cannot start {}: {}", argv[0], std::strerror(rc)));
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    throw ExitNow{WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status)};
}

void refuse_foreign_launcher(const Context& ctx, int size) {
    if (size != 1)
        return;
    if (auto says = launcher_says_more())
        throw UsageError(fmt::format(
            "started by a launcher that is not MPICH's ({}={} means {} ranks): this parcook is "
            "linked with MPICH, so every copy would run alone as a 1-rank job; run: {}",
            says->variable, says->value, says->ranks, command_text(ctx, says->ranks)));
}

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

json::array check_rows(const std::vector<Check>& checks) {
    json::array rows;
    for (const Check& c : checks)
        rows.push_back({c.what, c.passed, c.detail});
    return rows;
}

} // namespace

[[noreturn]] void fail(int code, std::source_location where) {
    char text[MPI_MAX_ERROR_STRING] = {};
    int length = 0;
    MPI_Error_string(code, text, &length);
    std::string message;
    for (char c : std::string_view(text, static_cast<std::size_t>(length)))
        message += c == '\n' ? std::string("; ") : std::string(1, c);
    std::string_view file = where.file_name();
    if (auto at = file.rfind("recipes/"); at != std::string_view::npos)
        file.remove_prefix(at);
    throw Error(fmt::format("MPI error at {}:{}: {}", file, where.line(), message));
}

Job::Job(Context& ctx, int rank, int size) : ctx_(ctx), rank_(rank), size_(size) {
    char name[MPI_MAX_PROCESSOR_NAME] = {};
    int length = 0;
    call(MPI_Get_processor_name(name, &length));
    processor_.assign(name, static_cast<std::size_t>(length));
    detail_ = {{"rank", rank}, {"processor", processor_}};
}

void Job::say(std::string_view text) {
    ctx_.say(fmt::format("rank {}", rank_), text);
}

void Job::detail(std::string_view key, json::value value) {
    detail_[key] = std::move(value);
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

int Job::merge_records() {
    // Each rank's trace, checks and detail travel as one JSON text (MPI_Gatherv of chars).
    const Result& mine = ctx_.result();
    json::array trace;
    for (const TraceLine& t : mine.trace)
        trace.push_back({t.t, t.who, t.text});
    const std::string text = json::serialize(json::object{
        {"trace", std::move(trace)}, {"checks", check_rows(mine.checks)}, {"detail", detail_}});
    int length = static_cast<int>(text.size());
    std::vector<int> lengths(static_cast<std::size_t>(size_)), offsets(lengths.size());
    call(MPI_Gather(&length, 1, MPI_INT, lengths.data(), 1, MPI_INT, 0, MPI_COMM_WORLD));
    std::string all;
    if (root()) {
        for (std::size_t r = 1; r < lengths.size(); ++r)
            offsets[r] = offsets[r - 1] + lengths[r - 1];
        all.resize(static_cast<std::size_t>(offsets.back() + lengths.back()));
    }
    call(MPI_Gatherv(text.data(), length, MPI_CHAR, all.data(), lengths.data(), offsets.data(),
                     MPI_CHAR, 0, MPI_COMM_WORLD));
    if (root())
        merge(all, lengths, offsets);
    int verdict = ctx_.result().verified() ? int{exit_verified} : int{exit_failed};
    call(MPI_Bcast(&verdict, 1, MPI_INT, 0, MPI_COMM_WORLD));
    return verdict;
}

void Job::merge(const std::string& all, const std::vector<int>& lengths,
                const std::vector<int>& offsets) {
    // Rank 0 printed its own lines as they came; the others' follow in rank order. A rule holds
    // only if it held on every rank that checked it.
    struct Merged {
        bool passed = true;
        std::string detail;
        std::vector<std::string> failures;
    };
    Result& mine = ctx_.result();
    std::vector<std::string> order;
    std::map<std::string, Merged> merged;
    for (int r = 0; r < size_; ++r) {
        const auto i = static_cast<std::size_t>(r);
        const json::object from =
            json::parse(std::string_view(all).substr(static_cast<std::size_t>(offsets[i]),
                                                     static_cast<std::size_t>(lengths[i])))
                .as_object();
        if (r > 0) {
            for (const json::value& line : from.at("trace").as_array()) {
                const json::array& l = line.as_array();
                ctx_.say(l[1].as_string(), l[2].as_string());
                mine.trace.back().t = l[0].to_number<double>(); // the time on its own rank
            }
        }
        for (const json::value& row : from.at("checks").as_array()) {
            const json::array& c = row.as_array();
            const std::string what(c[0].as_string()), detail(c[2].as_string());
            auto [it, added] = merged.try_emplace(what, Merged{true, detail, {}});
            if (added)
                order.push_back(what);
            if (!c[1].as_bool()) {
                it->second.passed = false;
                it->second.failures.push_back(fmt::format("rank {}: {}", r, detail));
            }
        }
        ctx_.rank_detail(from.at("detail"));
    }
    mine.checks.clear();
    for (const std::string& what : order) {
        const Merged& m = merged[what];
        mine.checks.push_back(
            {what, m.passed, m.passed ? m.detail : fmt::format("{}", fmt::join(m.failures, "; "))});
    }
}

void run(Context& ctx, Body body, Ranks needs) {
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
    const int verdict = code == 0 ? job->merge_records() : code;
    MPI_Finalize();
    if (rank == reporter)
        fmt::print(stderr, "{}\n", out.message);
    // Rank 0 returns with the merged record: the caller prints it and exits with its verdict.
    if (code != 0 || rank != 0)
        throw ExitNow{verdict};
}

std::vector<std::uint64_t> size_list(const std::string& text, std::string_view option,
                                     std::uint64_t max) {
    std::vector<std::uint64_t> sizes;
    std::size_t begin = 0;
    while (begin <= text.size()) {
        const std::size_t end = std::min(text.find(',', begin), text.size());
        sizes.push_back(
            parse_bytes(std::string_view(text).substr(begin, end - begin), option, max));
        begin = end + 1;
    }
    return sizes;
}

std::string size_label(std::uint64_t bytes) {
    constexpr std::uint64_t kib = 1024, mib = kib * kib;
    if (bytes >= mib && bytes % mib == 0)
        return fmt::format("{}MiB", bytes / mib);
    if (bytes >= kib && bytes % kib == 0)
        return fmt::format("{}KiB", bytes / kib);
    return fmt::format("{}B", bytes);
}

std::string recv_string(int source, int tag, MPI_Comm comm, int* from) {
    MPI_Status status;
    call(MPI_Probe(source, tag, comm, &status));
    int length = 0;
    call(MPI_Get_count(&status, MPI_CHAR, &length));
    std::string text(static_cast<std::size_t>(length), '\0');
    call(MPI_Recv(text.data(), length, MPI_CHAR, status.MPI_SOURCE, status.MPI_TAG, comm,
                  MPI_STATUS_IGNORE));
    if (from)
        *from = status.MPI_SOURCE;
    return text;
}

} // namespace parcook::mpi
