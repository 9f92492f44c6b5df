#include "parcook/mpi_library.hpp"

#include <catch2/catch.hpp>
#include <mpi.h>
#include <string>

TEST_CASE("the first MPI call loads MPICH through the trampolines") {
    // No explicit load_mpi(): calling an MPI function must load the library by itself and pass
    // the arguments through unchanged.
    char text[MPI_MAX_LIBRARY_VERSION_STRING] = {};
    int len = -1;
    REQUIRE(MPI_Get_library_version(text, &len) == MPI_SUCCESS);
    CHECK(parcook::mpi_loaded());
    CHECK(len > 0);
    CHECK(std::string(text, static_cast<std::size_t>(len)).find("MPICH") != std::string::npos);
    int version = 0, subversion = 0;
    REQUIRE(MPI_Get_version(&version, &subversion) == MPI_SUCCESS);
    CHECK(version >= 3);
    int flag = -1;
    REQUIRE(MPI_Initialized(&flag) == MPI_SUCCESS);
    CHECK(flag == 0);
    parcook::load_mpi(); // idempotent
    CHECK(parcook::mpi_soname().find("libmpich") == 0);
}
