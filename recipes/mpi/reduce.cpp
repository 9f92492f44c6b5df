// mpi/reduce: "The reduction operation" [book ch.3].
// Shows: element-wise combination of every rank's array at the root. Rank r contributes
// (r+1) * [0, 1, ..., size-1]; MPI_Reduce combines them with --op into rank 0's buffer (P = 3,
// sum: [0 6 12]); the other ranks' receive buffers are not touched. MAXLOC and MINLOC reduce
// (value, rank) pairs (MPI_2INT) and report where the extreme value lives.
// Book issues: it uses an undefined a_size (for array_size) and a NumPy alias that no longer
// exists.
#include "mpi/mpi.hpp"

#include <map>

namespace parcook {
namespace {

struct Pair { // MPI_2INT: value and location
    int value, rank;
    bool operator==(const Pair&) const = default;
};

// What the root must hold in slot i, from the closed forms over r = 0..P-1 of (r+1)*i.
std::int64_t closed_form(const std::string& op, std::int64_t p, std::int64_t i) {
    if (op == "sum")
        return p * (p + 1) / 2 * i;
    if (op == "max")
        return p * i;
    if (op == "min")
        return i;
    if (op == "land")
        return i != 0;
    std::uint64_t product = 1; // prod: P! * i^P, modulo 2^64 like the reduction's int64 arithmetic
    for (std::int64_t r = 1; r <= p; ++r)
        product *= static_cast<std::uint64_t>(r * i);
    return static_cast<std::int64_t>(product);
}
Pair closed_form_loc(const std::string& op, int p, int i) {
    if (op == "minloc")
        return {i, 0};
    return {p * i, i == 0 ? 0 : p - 1}; // maxloc; ties (all zero) go to the lowest rank
}

// MPI_Reduce of (r+1)*[0..n-1] as T; returns (root holds the closed form, others untouched).
template <class T, class Make, class Expected>
std::pair<bool, std::string> reduce_as(mpi::Job& job, std::size_t n, MPI_Datatype type, MPI_Op op,
                                       Make make, Expected expected) {
    std::vector<T> senddata(n), recvdata(n); // receive buffers start as zeros everywhere
    for (std::size_t i = 0; i < n; ++i)
        senddata[i] = make(static_cast<int>(i));
    mpi::call(MPI_Reduce(senddata.data(), recvdata.data(), static_cast<int>(n), type, op, 0,
                         MPI_COMM_WORLD));
    bool ok = true;
    for (std::size_t i = 0; i < n; ++i)
        ok = ok && recvdata[i] == (job.root() ? expected(static_cast<int>(i)) : T{});
    return {ok, fmt::format("{}", fmt::join(recvdata, " "))};
}

} // namespace
} // namespace parcook

template <>
struct fmt::formatter<parcook::Pair> : fmt::formatter<std::string_view> {
    auto format(const parcook::Pair& p, format_context& ctx) const {
        return fmt::format_to(ctx.out(), "({}, {})", p.value, p.rank);
    }
};

namespace parcook {
namespace {

void reduce(mpi::Job& job, Context& ctx) {
    const std::string& op = ctx.text("op");
    const auto n = static_cast<std::size_t>(ctx.integer("size"));
    const int rank = job.rank(), p = job.size();
    const std::map<std::string, MPI_Op> ops{
        {"sum", MPI_SUM},   {"max", MPI_MAX},       {"min", MPI_MIN},      {"prod", MPI_PROD},
        {"land", MPI_LAND}, {"maxloc", MPI_MAXLOC}, {"minloc", MPI_MINLOC}};
    const auto [ok, shown] = op.ends_with("loc")
                                 ? reduce_as<Pair>(
                                       job, n, MPI_2INT, ops.at(op),
                                       [&](int i) {
                                           return Pair{(rank + 1) * i, rank};
                                       },
                                       [&](int i) { return closed_form_loc(op, p, i); })
                                 : reduce_as<std::int64_t>(
                                       job, n, MPI_INT64_T, ops.at(op),
                                       [&](int i) { return std::int64_t{rank + 1} * i; },
                                       [&](int i) { return closed_form(op, p, i); });
    if (job.root()) {
        job.say(fmt::format("{} of (rank+1)*[0..{}] at rank 0: [{}]", op, n - 1, shown));
        ctx.check(fmt::format("{} at the root equals the closed form", op), ok, shown);
        ctx.field("op", op.c_str());
        ctx.field("result", shown.c_str());
    } else {
        ctx.check("non-root receive buffers untouched", ok, shown);
    }
}

} // namespace

extern const Recipe mpi_reduce{
    .group = "mpi",
    .name = "reduce",
    .summary = "MPI_Reduce: combine every rank's array element-wise at the root",
    .book = "The reduction operation [book ch.3]",
    .options = {choice_option("op", "sum",
                              {"sum", "max", "min", "prod", "land", "maxloc", "minloc"},
                              "reduction operation"),
                integer_option("size", 3, "array length", 1, 1000000)},
    .run = mpi::entry<reduce>,
    .uses = Uses::none,
};

} // namespace parcook
