// mpi/p2p: "Point-to-point communication" [book ch.3].
// Shows: a message needs a matching send (destination) and receive (source). Rank 0 sends the
// integer 10000000 to rank P/2; rank 1 sends the string "hello" to rank P-1 (to rank 0 when P = 2),
// which learns its length with MPI_Probe + MPI_Get_count before MPI_Recv. With P = 9 that is the
// book's 0 -> 4 and 1 -> 8. --mode picks the send: standard MPI_Send (MPI may buffer it or wait for
// the receiver), synchronous MPI_Ssend (returns once the receive has started) or buffered MPI_Bsend
// (copies into a buffer attached with MPI_Buffer_attach and returns at once).
// Deviations: mpi4py pickles Python objects; here buffers are typed (MPI_INT, MPI_CHAR).
#include "mpi/mpi.hpp"

namespace parcook {
namespace {

constexpr int number_tag = 1, text_tag = 2;

void p2p(mpi::Job& job, Context& ctx) {
    const std::string& mode = ctx.text("mode");
    const int rank = job.rank(), size = job.size();
    const int number_to = size / 2, text_from = 1, text_to = size - 1 == text_from ? 0 : size - 1;

    // One blocking send in the chosen mode.
    auto send = [&](const void* buf, int count, MPI_Datatype type, int dest, int tag) {
        if (mode == "sync")
            mpi::call(MPI_Ssend(buf, count, type, dest, tag, MPI_COMM_WORLD));
        if (mode == "buffered")
            mpi::call(MPI_Bsend(buf, count, type, dest, tag, MPI_COMM_WORLD));
        if (mode == "standard")
            mpi::call(MPI_Send(buf, count, type, dest, tag, MPI_COMM_WORLD));
    };
    // MPI_Bsend copies into this buffer: room for one int and five chars, plus MPI's overhead.
    std::vector<char> attached;
    if (mode == "buffered") {
        int number_bytes = 0, text_bytes = 0;
        mpi::call(MPI_Pack_size(1, MPI_INT, MPI_COMM_WORLD, &number_bytes));
        mpi::call(MPI_Pack_size(5, MPI_CHAR, MPI_COMM_WORLD, &text_bytes));
        attached.resize(static_cast<std::size_t>(number_bytes + text_bytes) +
                        2 * MPI_BSEND_OVERHEAD);
        mpi::call(MPI_Buffer_attach(attached.data(), static_cast<int>(attached.size())));
    }

    job.say(fmt::format("my rank is : {}", rank));
    if (rank == 0) {
        const int number = 10000000;
        send(&number, 1, MPI_INT, number_to, number_tag);
    }
    if (rank == number_to) {
        int number = 0;
        mpi::call(MPI_Recv(&number, 1, MPI_INT, 0, number_tag, MPI_COMM_WORLD, MPI_STATUS_IGNORE));
        job.say(fmt::format("data received is = {}", number));
        job.detail("received", number);
        ctx.check("the integer receiver holds 10000000", number == 10000000,
                  fmt::format("rank {} got {}", rank, number));
    }
    if (rank == text_from) {
        const std::string text = "hello";
        send(text.data(), static_cast<int>(text.size()), MPI_CHAR, text_to, text_tag);
    }
    if (rank == text_to) {
        const std::string text = mpi::recv_string(text_from, text_tag, MPI_COMM_WORLD);
        job.say(fmt::format("data1 received is = {}", text));
        job.detail("received_text", text.c_str());
        ctx.check("the string receiver holds \"hello\"", text == "hello",
                  fmt::format("rank {} got \"{}\"", rank, text));
    }
    if (mode == "buffered") { // waits until the buffered messages have left
        void* buffer = nullptr;
        int bytes = 0;
        mpi::call(MPI_Buffer_detach(&buffer, &bytes));
    }
    ctx.field("mode", mode.c_str());
    ctx.field("integer_route", fmt::format("0 -> {}", number_to).c_str());
    ctx.field("string_route", fmt::format("{} -> {}", text_from, text_to).c_str());
}

} // namespace

extern const Recipe mpi_p2p{
    .group = "mpi",
    .name = "p2p",
    .summary = "send an integer and a string between ranks with blocking send/receive",
    .book = "Point-to-point communication [book ch.3]",
    .options = {choice_option("mode", "standard", {"standard", "sync", "buffered"},
                              "send mode: MPI_Send, MPI_Ssend or MPI_Bsend")},
    .run = mpi::entry<p2p, mpi::at_least(2)>,
    .uses = Uses::none,
};

} // namespace parcook
