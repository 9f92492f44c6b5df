// The MPI side of parcook, a target of its own (parcook_mpi) that the core does not link: MPICH
// loaded when an mpi recipe starts, not when parcook starts (see cmake/MpiTrampolines.cmake),
// so start-up stays cheap and processes that never use MPI carry none of its memory hooks or
// threads; and what --version and each record say about it.
#pragma once
#include <string>

namespace parcook {

// Loads MPICH and binds every MPI function; idempotent and thread-safe. Throws CannotRun when
// the library is missing, so an mpi recipe exits 77 with the reason. Calling it is optional:
// the first MPI call of a run loads the library by itself (and exits 77 if it cannot).
void load_mpi();
bool mpi_loaded();
std::string mpi_soname(); // the library loaded, e.g. "libmpich.so.12"

std::string mpi_build_version();   // the MPICH parcook was built against: loads nothing
std::string mpi_library_version(); // the MPICH found at run time (loads it)
// MPICH's launcher: an `mpiexec` beside the binary (a relocatable bundle), else the one recorded
// at build time.
std::string mpiexec_path();

} // namespace parcook
