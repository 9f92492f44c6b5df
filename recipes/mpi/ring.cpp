// mpi/ring: the PyPar ring [wiki].
// Shows: a token passed around a ring of processes. Rank 0 sends "P0" to rank 1; every other rank
// receives from r-1, appends "P<r>" and sends to (r+1) mod n; rank 0 finally receives the whole
// tour from rank n-1. Strings travel as MPI_CHAR, their length found with MPI_Probe.
// Book issues: the first message is assigned to a misspelled variable and an undefined name is
// sent; the module is called by two names; rank 0 receives from rank - 1 = -1 instead of n-1.
#include "mpi/mpi.hpp"

namespace parcook {
namespace {

constexpr int token_tag = 7;

std::string tour_until(int rank) { // "P0P1...P<rank-1>"
    std::string s;
    for (int r = 0; r < rank; ++r)
        s += fmt::format("P{}", r);
    return s;
}

void ring(mpi::Job& job, Context& ctx) {
    const int rank = job.rank(), n = job.size();
    const int next = (rank + 1) % n, previous = (rank + n - 1) % n;
    job.say(fmt::format("I am rank {} of {} on node {}", rank, n, job.processor()));

    auto send = [&](const std::string& token) {
        mpi::call(MPI_Send(token.data(), static_cast<int>(token.size()), MPI_CHAR, next, token_tag,
                           MPI_COMM_WORLD));
    };
    if (rank == 0) {
        send("P0");
        const std::string token = mpi::recv_string(previous, token_tag, MPI_COMM_WORLD);
        job.say(fmt::format("Processor 0 received message \"{}\" from rank {}", token, previous));
        ctx.check("rank 0 ends with P0P1...P(n-1): the token visited every rank once, in order",
                  token == tour_until(n), token);
        ctx.field("token", token.c_str());
        return;
    }
    const std::string received = mpi::recv_string(previous, token_tag, MPI_COMM_WORLD);
    const std::string token = received + fmt::format("P{}", rank);
    job.say(fmt::format("Processor {} received message \"{}\" from rank {}, sends \"{}\"", rank,
                        received, previous, token));
    send(token);
    job.detail("forwarded", token.c_str());
    ctx.check("rank r receives P0..P(r-1) and forwards a message ending in P<r>",
              received == tour_until(rank) && token.ends_with(fmt::format("P{}", rank)),
              fmt::format("rank {} received \"{}\"", rank, received));
}

} // namespace

extern const Recipe mpi_ring{
    .group = "mpi",
    .name = "ring",
    .summary = "pass a token around a ring of ranks, each appending its name",
    .book = "PyPar ring [wiki]",
    .options = {},
    .run = mpi::entry<ring, mpi::at_least(2)>,
    .uses = Uses::none,
};

} // namespace parcook
