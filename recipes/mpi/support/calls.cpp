// Checked MPI calls (mpi::call) and the receive of a string of unknown length.
#include "mpi/mpi.hpp"

namespace parcook::mpi {

[[noreturn]] void fail(int code, std::source_location where) {
    char text[MPI_MAX_ERROR_STRING] = {};
    int length = 0;
    MPI_Error_string(code, text, &length);
    std::string message;
    for (char c : std::string_view(text, static_cast<std::size_t>(length)))
        message += c == '\n' ? std::string("; ") : std::string(1, c);
    std::string_view file = where.file_name();
    if (auto at = file.rfind("recipes/"); at != std::string_view::npos)
        file.remove_prefix(at);
    throw Error(fmt::format("MPI error at {}:{}: {}", file, where.line(), message));
}

std::string recv_string(int source, int tag, MPI_Comm comm, int* from) {
    MPI_Status status;
    call(MPI_Probe(source, tag, comm, &status));
    int length = 0;
    call(MPI_Get_count(&status, MPI_CHAR, &length));
    std::string text(static_cast<std::size_t>(length), '\0');
    call(MPI_Recv(text.data(), length, MPI_CHAR, status.MPI_SOURCE, status.MPI_TAG, comm,
                  MPI_STATUS_IGNORE));
    if (from)
        *from = status.MPI_SOURCE;
    return text;
}

} // namespace parcook::mpi
