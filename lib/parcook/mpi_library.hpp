// MPICH is loaded when an mpi recipe starts, not when parcook starts (see
// cmake/MpiTrampolines.cmake): start-up stays cheap, and processes that never use MPI carry
// none of its memory hooks or threads.
#pragma once
#include <string>

namespace parcook {

// Loads MPICH and binds every MPI function; idempotent and thread-safe. Throws CannotRun when
// the library is missing, so an mpi recipe exits 77 with the reason. Calling it is optional:
// the first MPI call of a run loads the library by itself (and exits 77 if it cannot).
void load_mpi();
bool mpi_loaded();
std::string mpi_soname(); // the library loaded, e.g. "libmpich.so.12"

} // namespace parcook
