# Every dependency comes from a Debian package (scripts/setup installs them).
find_package(CLI11 REQUIRED)
find_package(fmt REQUIRED)
find_package(spdlog REQUIRED)
find_package(Boost 1.81 REQUIRED COMPONENTS json filesystem)
find_package(Threads REQUIRED)

# MPICH, pinned by name: Open MPI may own the plain mpicxx/mpiexec alternatives on the same machine.
find_program(MPI_CXX_COMPILER NAMES mpicxx.mpich REQUIRED)
find_program(MPIEXEC_EXECUTABLE NAMES mpiexec.mpich REQUIRED)
find_package(MPI REQUIRED COMPONENTS CXX)
include(${CMAKE_CURRENT_LIST_DIR}/MpiTrampolines.cmake)

# Optional accelerators, reported by `parcook --version`.
set(PARCOOK_HAVE_CUDA OFF)
if(NOT PARCOOK_CUDA STREQUAL "OFF")
  if(NOT DEFINED CUDAToolkit_ROOT AND EXISTS /usr/local/cuda)
    set(CUDAToolkit_ROOT /usr/local/cuda)
  endif()
  find_package(CUDAToolkit QUIET)
  if(CUDAToolkit_FOUND AND CUDAToolkit_NVCC_EXECUTABLE)
    # nvcc builds recipes/*/support/*.cu with our C++ compiler for its host pass: machine code for
    # every architecture CUDA 13 supports (sm_75..sm_90) plus PTX of the newest for later GPUs.
    # Never "native": it fails where no GPU is present.
    set(CMAKE_CUDA_COMPILER ${CUDAToolkit_NVCC_EXECUTABLE})
    set(CMAKE_CUDA_HOST_COMPILER ${CMAKE_CXX_COMPILER})
    if(NOT DEFINED CMAKE_CUDA_ARCHITECTURES)
      set(CMAKE_CUDA_ARCHITECTURES 75-real 80-real 86-real 89-real 90)
    endif()
    # No implicit runtime: recipes/CMakeLists.txt links CUDA::cudart (the C++ linker links).
    set(CMAKE_CUDA_RUNTIME_LIBRARY None)
    enable_language(CUDA)
    # CMake 3.25 does not know nvcc's C++20 flag (3.26 does), and CUDA sources inherit
    # CXX_STANDARD 20: tell it the flag.
    if(NOT CMAKE_CUDA20_STANDARD_COMPILE_OPTION)
      set(CMAKE_CUDA20_STANDARD_COMPILE_OPTION "-std=c++20")
      set(CMAKE_CUDA20_EXTENSION_COMPILE_OPTION "-std=c++20")
    endif()
    set(CMAKE_CUDA_STANDARD 20)
    set(CMAKE_CUDA_STANDARD_REQUIRED ON)
    set(CMAKE_CUDA_EXTENSIONS OFF)
    # The host compiler's own include directories are nvcc's too: never pass them as -isystem
    # (an explicit -isystem /usr/include breaks libstdc++'s #include_next <math.h>).
    list(APPEND CMAKE_CUDA_IMPLICIT_INCLUDE_DIRECTORIES ${CMAKE_CXX_IMPLICIT_INCLUDE_DIRECTORIES})
    set(PARCOOK_HAVE_CUDA ON)
  elseif(PARCOOK_CUDA STREQUAL "ON")
    message(FATAL_ERROR "PARCOOK_CUDA=ON but no CUDA toolkit was found")
  endif()
endif()
set(PARCOOK_HAVE_OPENCL OFF)
if(NOT PARCOOK_OPENCL STREQUAL "OFF")
  find_package(OpenCL QUIET)
  if(OpenCL_FOUND)
    set(PARCOOK_HAVE_OPENCL ON)
  elseif(PARCOOK_OPENCL STREQUAL "ON")
    message(FATAL_ERROR "PARCOOK_OPENCL=ON but no OpenCL ICD loader was found")
  endif()
endif()
message(STATUS "parcook: MPI ${MPIEXEC_EXECUTABLE}, CUDA ${PARCOOK_HAVE_CUDA}, OpenCL ${PARCOOK_HAVE_OPENCL}")
