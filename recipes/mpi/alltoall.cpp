// mpi/alltoall: "Collective communication using Alltoall" [book ch.3].
// Shows: total exchange. Rank r sends senddata[j] = (r+1)*j to rank j; after MPI_Alltoall slot j
// of rank r holds what rank j sent it, (j+1)*r: item i of task j lands in slot j of task i, a
// matrix transpose (the pattern of FFTs, sample sort and database joins).
// With 5 processes that is the book's sample: P1 sends [0 2 4 6 8] and receives [1 2 3 4 5].
#include "mpi/mpi.hpp"

namespace parcook {
namespace {

void alltoall(mpi::Job& job, Context& ctx) {
    const std::int64_t rank = job.rank(), size = job.size();
    std::vector<std::int64_t> senddata(static_cast<std::size_t>(size)), recvdata(senddata.size());
    for (std::int64_t j = 0; j < size; ++j)
        senddata[static_cast<std::size_t>(j)] = (rank + 1) * j;
    mpi::call(MPI_Alltoall(senddata.data(), 1, MPI_INT64_T, recvdata.data(), 1, MPI_INT64_T,
                           MPI_COMM_WORLD));
    job.say(fmt::format("process {} sending [{}] receiving [{}]", rank, fmt::join(senddata, " "),
                        fmt::join(recvdata, " ")));
    job.detail("sent", boost::json::array(senddata.begin(), senddata.end()));
    job.detail("received", boost::json::array(recvdata.begin(), recvdata.end()));
    bool ok = true;
    for (std::int64_t j = 0; j < size; ++j)
        ok = ok && recvdata[static_cast<std::size_t>(j)] == (j + 1) * rank;
    ctx.check("on rank r, received[j] == (j+1)*r (the transpose)", ok,
              fmt::format("rank {} received [{}]", rank, fmt::join(recvdata, " ")));
}

} // namespace

extern const Recipe mpi_alltoall{
    .group = "mpi",
    .name = "alltoall",
    .summary = "MPI_Alltoall: every rank sends one integer to every rank (a transpose)",
    .book = "Collective communication using Alltoall [book ch.3]",
    .options = {},
    .run = mpi::entry<alltoall>,
    .uses = Uses::none,
};

} // namespace parcook
