# MPI is loaded on first use, not at start-up: MPICH (with UCX) costs milliseconds to load and
# installs memory hooks in every process that links it, so parcook does not link it. Instead,
# every function MPICH exports gets a tiny trampoline here (an indirect jump through a pointer),
# and the first MPI call (or parcook::load_mpi()) fills the pointers with dlopen/dlsym.
# Arguments pass through untouched, so recipes call MPI_Send & co. exactly as usual.
# The trampolines and the loader (lib/parcook/mpi_library.cpp) are the parcook_mpi target, which
# only the mpi recipes, the --version lines and the tests link; the core knows nothing of MPI.
# Measured cost per call: one indirect jump, a nanosecond or less (docs/benchmarks.md, mpi).
find_library(PARCOOK_LIBMPI NAMES mpich HINTS ${MPI_CXX_LIBRARY_DIRS} /usr/lib/x86_64-linux-gnu REQUIRED)
execute_process(COMMAND objdump -p ${PARCOOK_LIBMPI} OUTPUT_VARIABLE _dyn)
string(REGEX MATCH "SONAME +([^\n ]+)" _ ${_dyn})
set(PARCOOK_MPI_SONAME ${CMAKE_MATCH_1})
execute_process(COMMAND nm -D --defined-only ${PARCOOK_LIBMPI} OUTPUT_VARIABLE _syms)
string(REGEX MATCHALL "[0-9a-f]+ [TWi] MPI_[A-Za-z0-9_]+" _entries "${_syms}")

set(_stubs "")
set(_slots "")
set(_asm "")
set(_names "")
set(_refs "")
foreach(_e IN LISTS _entries)
  string(REGEX REPLACE "^[0-9a-f]+ [TWi] " "" _name "${_e}")
  string(APPEND _stubs "PARCOOK_STUB_DECL(${_name})\n")
  string(APPEND _slots "PARCOOK_SLOT(${_name})\n")
  string(APPEND _asm "PARCOOK_TRAMPOLINE(${_name})\n")
  string(APPEND _names "    \"${_name}\",\n")
  string(APPEND _refs "    &parcook_mpi_${_name},\n")
endforeach()
list(LENGTH _entries PARCOOK_MPI_FUNCTION_COUNT)
configure_file(${CMAKE_CURRENT_LIST_DIR}/mpi_trampolines.cpp.in
               ${CMAKE_BINARY_DIR}/generated/mpi_trampolines.cpp @ONLY)
message(STATUS "parcook: ${PARCOOK_MPI_FUNCTION_COUNT} MPI functions from ${PARCOOK_MPI_SONAME}, loaded on first use")
