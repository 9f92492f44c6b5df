// mpi/vector-sum: the shared memory-bound workload c = a + b on MPI ranks.
// Each rank owns one contiguous block of the n elements: it generates its a and b during set-up
// (the counter-based generator makes element i the same on every rank, so no input travels),
// adds its block in the timed region and contributes its partial checksum to an MPI_Reduce. The
// time of a repetition is the slowest rank's. Ports: PyOpenCL vector sum (COOKBOOK section 4).
#include "mpi/mpi.hpp"

#include "parcook/team.hpp"
#include "parcook/workloads.hpp"

namespace parcook {
namespace {

void vector_sum(mpi::Job& job, Context& ctx) {
    const std::uint64_t n = ctx.common().n, seed = ctx.common().seed;
    const workload::VectorOp op = workload::vector_op(ctx);
    const auto [begin, end] =
        block(n, static_cast<unsigned>(job.size()), static_cast<unsigned>(job.rank()));
    const std::uint64_t local = end - begin;

    std::vector<std::int32_t> a, b, c;
    ctx.setup([&] {
        a.resize(local);
        b.resize(local);
        c.assign(local, 0);
        for (std::uint64_t i = 0; i < local; ++i) {
            a[i] = workload::vector_a(seed, begin + i);
            b[i] = workload::vector_b(seed, begin + i);
        }
    });

    std::int64_t checksum = 0;
    job.measure([&] {
        const std::int64_t partial =
            workload::vector_kernel(op, a.data(), b.data(), c.data(), 0, local);
        mpi::call(MPI_Reduce(&partial, &checksum, 1, MPI_INT64_T, MPI_SUM, 0, MPI_COMM_WORLD));
    });

    std::uint64_t wrong = 0;
    for (std::uint64_t i = 0; i < local; ++i)
        wrong += c[i] != op(a[i], b[i]);
    ctx.check("c[i] == op(a[i], b[i]) for every i", wrong == 0,
              fmt::format("{} wrong elements in [{}, {})", wrong, begin, end));
    job.detail("block", {begin, end});
    if (!job.root())
        return;
    const auto ranks = static_cast<unsigned>(job.size());
    workload::finish_vector_sum(ctx, {ranks, ranks}, nullptr, checksum);
}

} // namespace

extern const Recipe mpi_vector_sum = workload::shared_recipe(
    workload::Shared::vector_sum, "mpi",
    "c = a + b over int32 arrays, one block per rank, MPI_Reduce of the checksum",
    mpi::entry<vector_sum>);

} // namespace parcook
