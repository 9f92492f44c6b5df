// mpi/fib-map: the shared task-parallel workload, naive Fibonacci over an uneven list, on MPI
// ranks. Ports the wiki's Pool().map(fib, [38..33]) (COOKBOOK section 4).
// Shows: dynamic scheduling by manager/worker (the book's ch.1 dynamic mapping). Rank 0 is the
// manager: a worker sends a request (carrying its previous result), the manager answers with the
// index of the next task, or with a stop message when none is left, so fast workers simply take
// more tasks. The manager only hands out work: with 2 ranks one worker does everything, the
// price of the pattern. --static deals the tasks round-robin (task i on rank i mod P, the manager
// computing too) and sums the results at rank 0 with MPI_Reduce: no messages during the work,
// but with tasks this unequal (fib(38) is 40 % of the work) one rank ends up with most of it.
// With one rank, rank 0 computes the list alone.
#include "mpi/mpi.hpp"

#include "parcook/workloads.hpp"

namespace parcook {
namespace {

constexpr int request_tag = 1, task_tag = 2, stop_tag = 3;
constexpr std::uint64_t no_result = UINT64_MAX;

// Rank 0: answers every request with the next task index, or stop when none is left.
void manage(int workers, std::size_t tasks, std::vector<std::uint64_t>& values) {
    std::size_t next = 0;
    for (int active = workers; active > 0;) {
        std::uint64_t done[2]; // {index, value} of the worker's previous task, or {no_result, 0}
        MPI_Status status;
        mpi::call(
            MPI_Recv(done, 2, MPI_UINT64_T, MPI_ANY_SOURCE, request_tag, MPI_COMM_WORLD, &status));
        if (done[0] != no_result)
            values[done[0]] = done[1];
        if (next < tasks) {
            const std::uint64_t index = next++;
            mpi::call(
                MPI_Send(&index, 1, MPI_UINT64_T, status.MPI_SOURCE, task_tag, MPI_COMM_WORLD));
        } else {
            mpi::call(
                MPI_Send(nullptr, 0, MPI_UINT64_T, status.MPI_SOURCE, stop_tag, MPI_COMM_WORLD));
            --active;
        }
    }
}

// A worker: asks for a task, computes it, returns the value with the next request.
std::uint64_t work(const std::vector<unsigned>& tasks) {
    std::uint64_t done[2] = {no_result, 0}, computed = 0;
    for (;;) {
        mpi::call(MPI_Send(done, 2, MPI_UINT64_T, 0, request_tag, MPI_COMM_WORLD));
        std::uint64_t index = 0;
        MPI_Status status;
        mpi::call(MPI_Recv(&index, 1, MPI_UINT64_T, 0, MPI_ANY_TAG, MPI_COMM_WORLD, &status));
        if (status.MPI_TAG == stop_tag)
            return computed;
        done[0] = index;
        done[1] = workload::fib(tasks[index]);
        ++computed;
    }
}

void fib_map(mpi::Job& job, Context& ctx) {
    const std::vector<unsigned> tasks = workload::fib_tasks(ctx); // validates --list and --n
    const bool round_robin = ctx.flag("static") || job.size() == 1;
    const int rank = job.rank(), size = job.size();

    std::vector<std::uint64_t> values(tasks.size());
    std::uint64_t computed = 0;
    job.measure([&] {
        computed = 0;
        if (round_robin) {
            std::vector<std::uint64_t> mine(tasks.size(), 0);
            for (std::size_t i = static_cast<std::size_t>(rank); i < tasks.size();
                 i += static_cast<std::size_t>(size), ++computed)
                mine[i] = workload::fib(tasks[i]);
            mpi::call(MPI_Reduce(mine.data(), values.data(), static_cast<int>(tasks.size()),
                                 MPI_UINT64_T, MPI_SUM, 0, MPI_COMM_WORLD));
        } else if (job.root()) {
            manage(size - 1, tasks.size(), values);
        } else {
            computed = work(tasks);
        }
    });
    job.detail("tasks_computed", computed);
    if (!job.root())
        return;
    ctx.param("scheduling", round_robin ? "static round-robin" : "dynamic manager/worker");
    workload::finish_fib_map(ctx, static_cast<unsigned>(size), tasks, values);
}

} // namespace

extern const Recipe mpi_fib_map = workload::shared_recipe(
    workload::Shared::fib_map, "mpi",
    "naive Fibonacci over an uneven task list: manager/worker (or --static) on ranks",
    mpi::entry<fib_map>,
    {flag_option("static", "round-robin assignment instead of manager/worker")});

} // namespace parcook
