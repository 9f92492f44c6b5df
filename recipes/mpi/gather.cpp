// mpi/gather: "Collective communication using gather" [book ch.3].
// Shows: the inverse of scatter: the root collects one item per rank, in rank order. Rank r
// contributes (r+1)^2 and MPI_Gather lands it in slot r at rank 0; --all uses MPI_Allgather, after
// which every rank holds the whole vector.
// Book issues: the root overwrites each received element with a locally computed (i+1)^2 before
// printing, so its output never shows what was gathered; here the received values are printed.
#include "mpi/mpi.hpp"

namespace parcook {
namespace {

void gather(mpi::Job& job, Context& ctx) {
    const bool all = ctx.flag("all");
    const int rank = job.rank(), size = job.size();
    const int value = (rank + 1) * (rank + 1);
    std::vector<int> data(all || job.root() ? static_cast<std::size_t>(size) : 0);
    if (all)
        mpi::call(MPI_Allgather(&value, 1, MPI_INT, data.data(), 1, MPI_INT, MPI_COMM_WORLD));
    else
        mpi::call(MPI_Gather(&value, 1, MPI_INT, data.data(), 1, MPI_INT, 0, MPI_COMM_WORLD));
    if (data.empty())
        return;

    if (all) {
        job.say(fmt::format("rank = {} holds [{}]", rank, fmt::join(data, ", ")));
    } else {
        job.say("rank = 0 ...receiving data to other process");
        for (int i = 1; i < size; ++i)
            job.say(fmt::format("process 0 receiving {} from process {}",
                                data[static_cast<std::size_t>(i)], i));
    }
    bool ok = true;
    for (int i = 0; i < size; ++i)
        ok = ok && data[static_cast<std::size_t>(i)] == (i + 1) * (i + 1);
    ctx.check(all ? "every rank holds element i == (i+1)^2 for all i"
                  : "at the root, element i == (i+1)^2 for all i",
              ok, fmt::format("rank {} holds [{}]", rank, fmt::join(data, ", ")));
    job.detail("gathered", boost::json::array(data.begin(), data.end()));
}

} // namespace

extern const Recipe mpi_gather{
    .group = "mpi",
    .name = "gather",
    .summary = "MPI_Gather: the root collects (r+1)^2 from every rank r (or MPI_Allgather)",
    .book = "Collective communication using gather [book ch.3]",
    .options = {flag_option("all", "MPI_Allgather: every rank gets the whole vector")},
    .run = mpi::entry<gather>,
    .uses = Uses::none,
};

} // namespace parcook
