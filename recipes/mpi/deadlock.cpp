// mpi/deadlock: "Avoiding deadlock problems" [book ch.3].
// Shows: two ranks that both start with a blocking MPI_Send of a message larger than the eager
// limit wait for each other forever (each send waits for a receive the peer never reaches); two
// fixes succeed: ordering the calls (one peer sends while the other receives) and MPI_Sendrecv.
// The book's four variants: recv-first (both receive first: always deadlocks), send-first (both
// send first: works only while MPI buffers the message, i.e. below its eager limit, which is
// MPI's own and not assumed here: the outcome found is reported; never with --ssend), ordered
// and sendrecv. The default, demo, runs send-first, ordered and sendrecv.
// How it never hangs: each blocking call is its nonblocking twin (MPI_Isend / MPI_Issend /
// MPI_Irecv; MPI_Sendrecv is both posted together) polled with MPI_Test until --timeout, the
// watchdog. After a deadlock a pending receive is cancelled (MPI_Cancel); a pending send cannot be
// (MPI-4 deprecates cancelling sends and MPICH's UCX device ignores it), so the peer receives it
// into a scratch buffer. Nothing stays pending, so MPI_Finalize cannot hang; a clean-up that does
// not finish within the timeout fails the check "every request cleaned up" (bounded, never a
// hang).
// Book issues: it calls send-first asymmetric and safe; it is symmetric and relies on eager
// buffering. It suggests two processes while its peers are ranks 1 and 5; here the peers are
// 1 and 5 when P >= 6, else 0 and P-1.
#include "mpi/mpi.hpp"

#include <chrono>
#include <optional>

namespace parcook {
namespace {

using Clock = std::chrono::steady_clock;
enum class Call { send, recv, sendrecv };
struct Variant {
    std::string name;
    std::vector<Call> first, second; // the calls of the peer that sends 'a', then of the other
};
const std::vector<Variant> variants{
    {"recv-first", {Call::recv, Call::send}, {Call::recv, Call::send}},
    {"send-first", {Call::send, Call::recv}, {Call::send, Call::recv}},
    {"ordered", {Call::send, Call::recv}, {Call::recv, Call::send}},
    {"sendrecv", {Call::sendrecv}, {Call::sendrecv}},
};

struct Pending {
    MPI_Request request;
    bool is_send;
};

struct Peer {
    int other;
    bool ssend;
    std::vector<char> out, in; // out: --bytes of this peer's letter

    const char* name(Call c) const {
        return c == Call::recv       ? "MPI_Recv"
               : c == Call::sendrecv ? "MPI_Sendrecv"
               : ssend               ? "MPI_Ssend"
                                     : "MPI_Send";
    }
    // Starts one blocking call as nonblocking requests.
    std::vector<Pending> post(Call c, int tag) {
        const int n = static_cast<int>(out.size());
        std::vector<Pending> started;
        if (c != Call::send) {
            started.push_back({MPI_REQUEST_NULL, false});
            mpi::call(MPI_Irecv(in.data(), n, MPI_CHAR, other, tag, MPI_COMM_WORLD,
                                &started.back().request));
        }
        if (c != Call::recv) {
            started.push_back({MPI_REQUEST_NULL, true});
            auto isend = ssend && c == Call::send ? MPI_Issend : MPI_Isend;
            mpi::call(isend(out.data(), n, MPI_CHAR, other, tag, MPI_COMM_WORLD,
                            &started.back().request));
        }
        return started;
    }
};

// The watchdog: MPI_Test every request until all are done or the deadline passes. Completed ones
// leave the list; what stays is pending.
bool wait_until(std::vector<Pending>& pending, Clock::time_point deadline) {
    while (!pending.empty()) {
        std::erase_if(pending, [](Pending& p) {
            int done = 0;
            mpi::call(MPI_Test(&p.request, &done, MPI_STATUS_IGNORE));
            return done != 0;
        });
        if (!pending.empty() && Clock::now() >= deadline)
            return false;
    }
    return true;
}

// After a deadlock: cancel this peer's pending receive, receive the peer's pending send into a
// scratch buffer, and wait (bounded) until nothing is pending. Returns whether nothing is.
bool clean_up(Peer& p, std::vector<Pending>& pending, int tag, Clock::time_point deadline) {
    int mine = std::any_of(pending.begin(), pending.end(), [](auto& q) { return q.is_send; });
    int theirs = 0; // a tiny exchange on its own tag cannot block
    mpi::call(MPI_Sendrecv(&mine, 1, MPI_INT, p.other, tag + 1, &theirs, 1, MPI_INT, p.other,
                           tag + 1, MPI_COMM_WORLD, MPI_STATUS_IGNORE));
    for (Pending& q : pending)
        if (!q.is_send)
            mpi::call(MPI_Cancel(&q.request));
    std::vector<char> scratch(theirs ? p.out.size() : 0);
    if (theirs) {
        pending.push_back({MPI_REQUEST_NULL, false});
        mpi::call(MPI_Irecv(scratch.data(), static_cast<int>(scratch.size()), MPI_CHAR, p.other,
                            tag, MPI_COMM_WORLD, &pending.back().request));
    }
    if (wait_until(pending, deadline))
        return true;
    for (Pending& q : pending) // a scratch receive whose send had completed after all
        if (!q.is_send)
            mpi::call(MPI_Cancel(&q.request));
    return wait_until(pending, deadline + std::chrono::seconds(1));
}

// What one variant did on this rank: whether the watchdog found a deadlock anywhere and, on a
// peer after a deadlock, the requests its clean-up left pending ("" for none).
struct Found {
    bool deadlock = false;
    std::optional<std::string> left;
};

// Runs one variant on every rank.
Found run_variant(mpi::Job& job, Context& ctx, const Variant& v, int tag, int first, int second) {
    const auto timeout = ctx.duration("timeout");
    const auto bytes = static_cast<std::size_t>(ctx.bytes("bytes"));
    const int rank = job.rank();
    const bool is_first = rank == first, is_peer = is_first || rank == second;
    Peer p{is_first ? second : first, ctx.flag("ssend"),
           std::vector<char>(is_peer ? bytes : 0, is_first ? 'a' : 'b'),
           std::vector<char>(is_peer ? bytes : 0, '\0')};
    const std::vector<Call>& calls = is_first ? v.first : v.second;

    mpi::call(MPI_Barrier(MPI_COMM_WORLD));
    const auto start = Clock::now();
    std::vector<Pending> pending;
    std::optional<std::string> left;
    std::string stuck;
    for (Call c : is_peer ? calls : std::vector<Call>{}) {
        pending = p.post(c, tag);
        if (!wait_until(pending, start + timeout)) {
            stuck = p.name(c);
            break;
        }
    }
    int mine = !stuck.empty(), deadlock = 0;
    mpi::call(MPI_Allreduce(&mine, &deadlock, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD));
    if (!is_peer)
        return {deadlock != 0, std::nullopt};

    std::vector<std::string> names;
    for (Call c : calls)
        names.emplace_back(p.name(c));
    const std::string what =
        fmt::format("{}: {} with rank {}", v.name, fmt::join(names, " then "), p.other);
    if (deadlock) {
        const std::size_t stuck_requests = pending.size();
        left = clean_up(p, pending, tag, Clock::now() + timeout)
                   ? ""
                   : fmt::format("rank {}: {} of {} requests still pending", rank, pending.size(),
                                 stuck_requests);
        job.say(stuck.empty() ? what + ": completed, but the peer is stuck"
                              : fmt::format("{}: stuck in {} for {}: DEADLOCK (cleaned up)", what,
                                            stuck, format_seconds(to_seconds(timeout))));
    } else {
        const char want = is_first ? 'b' : 'a';
        const bool holds = std::all_of(p.in.begin(), p.in.end(), [&](char c) { return c == want; });
        job.say(fmt::format("{}: completed, received {} of '{}'", what, format_bytes(bytes), want));
        ctx.check(v.name + ": one peer holds 'b', the other 'a'", holds,
                  fmt::format("rank {} expected '{}'", rank, want));
    }
    job.detail(v.name, (stuck.empty() ? std::string("completed") : "stuck in " + stuck).c_str());
    return {deadlock != 0, left};
}

// What the variant must do whatever MPI buffers; nothing for send-first with standard sends,
// which completes exactly when MPI buffers the message (its eager limit): that outcome is found,
// reported and checked by the rules every run records (data intact, requests cleaned up).
std::optional<bool> expect_deadlock(const std::string& variant, bool ssend) {
    if (variant == "recv-first")
        return true;
    if (variant == "send-first" && !ssend)
        return std::nullopt;
    return variant == "send-first";
}

std::string outcome_line(const std::string& variant, bool found, bool predicted,
                         std::uint64_t bytes) {
    const std::string what =
        found ? "deadlock detected by the watchdog, requests cleaned up" : "completed";
    if (predicted)
        return fmt::format("{}: {}", variant, what);
    return fmt::format(
        "{}: MPI {} a {} message ({}): {}", variant, found ? "did not buffer" : "buffered",
        format_bytes(static_cast<double>(bytes)), found ? "rendezvous" : "eager", what);
}

void deadlock(mpi::Job& job, Context& ctx) {
    const std::string& chosen = ctx.text("variant");
    if (ctx.bytes("bytes") == 0)
        throw UsageError("--bytes: the message needs at least 1 byte");
    if (ctx.duration("timeout").count() <= 0)
        throw UsageError("--timeout: must be positive");
    const int size = job.size();
    const int first = size >= 6 ? 1 : 0, second = size >= 6 ? 5 : size - 1;
    // Each peer holds its message, the peer's, and a scratch copy after a deadlock.
    ctx.require_memory(
        3.0 * static_cast<double>(ctx.bytes("bytes")) * std::min(job.node_ranks(), 2), "bytes");
    boost::json::object outcomes;
    for (std::size_t i = 0; i < variants.size(); ++i) {
        const Variant& v = variants[i];
        if (chosen == "demo" ? v.name == "recv-first" : v.name != chosen)
            continue;
        const auto [found, left] =
            run_variant(job, ctx, v, 10 * static_cast<int>(i), first, second);
        outcomes[v.name] = found ? "deadlock" : "completed";
        const auto expected = expect_deadlock(v.name, ctx.flag("ssend"));
        if (expected)
            ctx.check(fmt::format("{}: {}", v.name,
                                  *expected ? "deadlock detected by the watchdog" : "completes"),
                      found == *expected, found ? "deadlocked" : "completed");
        if (left)
            ctx.check(v.name + ": every request cleaned up after the deadlock", left->empty(),
                      *left);
        if (job.root())
            job.say(outcome_line(v.name, found, expected.has_value(), ctx.bytes("bytes")));
    }
    ctx.field("peers", boost::json::array{first, second});
    ctx.field("bytes", ctx.bytes("bytes"));
    ctx.field("outcomes", std::move(outcomes));
}

} // namespace

extern const Recipe mpi_deadlock{
    .group = "mpi",
    .name = "deadlock",
    .summary = "two blocking sends deadlock past the eager limit; ordering or MPI_Sendrecv fix it",
    .book = "Avoiding deadlock problems [book ch.3]",
    .options = {choice_option("variant", "demo",
                              {"demo", "recv-first", "send-first", "ordered", "sendrecv"},
                              "demo: send-first, then the fixes ordered and sendrecv"),
                bytes_option("bytes", "1MiB", "message size (above the eager limit: rendezvous)",
                             INT64_C(1) << 30),
                flag_option("ssend", "synchronous sends (MPI_Ssend): no eager buffering"),
                duration_option("timeout", "2s", "watchdog: a call not done by then is stuck")},
    .run = mpi::entry<deadlock, mpi::at_least(2)>,
    .uses = Uses::none,
    .tour_args = {"--timeout", "250ms"},
};

} // namespace parcook
