// mpi/pi: the shared compute-bound workload, Monte Carlo pi, on MPI ranks.
// Rank r counts the hits of one contiguous block of the n samples (sample k uses the generator at
// (seed, 2k) and (seed, 2k + 1), so the count is the same for any number of ranks and in every
// group), and MPI_Reduce sums the hits at rank 0. The time of a repetition is the slowest rank's.
// Ports: SCOOP's Monte Carlo pi (COOKBOOK section 4, distributed/pi).
#include "mpi/mpi.hpp"

#include "parcook/team.hpp"
#include "parcook/workloads.hpp"

namespace parcook {
namespace {

void pi(mpi::Job& job, Context& ctx) {
    const std::uint64_t n = ctx.common().n, seed = ctx.common().seed;
    const auto [begin, end] =
        block(n, static_cast<unsigned>(job.size()), static_cast<unsigned>(job.rank()));

    std::uint64_t hits = 0;
    job.measure([&] {
        const std::uint64_t mine = workload::pi_hits(seed, begin, end);
        mpi::call(MPI_Reduce(&mine, &hits, 1, MPI_UINT64_T, MPI_SUM, 0, MPI_COMM_WORLD));
    });
    job.detail("samples", {begin, end});
    if (!job.root())
        return;
    const auto ranks = static_cast<unsigned>(job.size());
    workload::finish_pi(ctx, {ranks, ranks}, hits);
}

} // namespace

extern const Recipe mpi_pi = workload::shared_recipe(
    workload::Shared::pi, "mpi",
    "Monte Carlo pi, one block of samples per rank, MPI_Reduce of the hits", mpi::entry<pi>);

} // namespace parcook
