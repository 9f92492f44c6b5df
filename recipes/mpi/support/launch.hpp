// Starting an MPI job: what the launcher's environment says, `--np N` (re-running the same
// command under MPICH's mpiexec, which is torn down with parcook), and the commands to suggest.
#pragma once
#include "parcook/context.hpp"

#include <cstdint>
#include <string>

namespace parcook::mpi {

// Refuses (exit 2, one line) malformed launcher variables (PMI_RANK=abc, PMI_FD=99 not open,
// ...), which MPI_Init would otherwise end in a multi-line abort.
void check_launcher_environment();
// Started by a launcher (MPICH's Hydra, Slurm, Open MPI, PMIx, MVAPICH).
bool under_launcher();
// A rank other than 0 of an MPICH job: rank 0 reports usage errors for everyone.
bool secondary_rank();

// `mpiexec -n <np> parcook <the same command without --np>`, passing the output through and
// leaving with its exit code. SIGINT, SIGTERM and SIGHUP are forwarded to mpiexec, which ends
// every rank, and parcook then exits 128 + signal; if parcook dies, mpiexec gets SIGTERM.
[[noreturn]] void relaunch(const Context& ctx, std::int64_t np);

// Refuses a world of one rank while the launcher's environment says more (an MPICH binary
// started by Open MPI's mpiexec runs as N one-rank jobs), naming the right command.
void refuse_foreign_launcher(const Context& ctx, int size);

// The shell command that runs this recipe with `ranks` ranks under MPICH's mpiexec.
std::string command_text(const Context& ctx, const std::string& ranks);

} // namespace parcook::mpi
