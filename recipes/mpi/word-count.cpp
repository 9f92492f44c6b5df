// mpi/word-count: the shared map-reduce workload, word counting, on MPI ranks.
// Ports Disco's MapReduce word count (COOKBOOK section 4, distributed/word-count).
// Shows: map-reduce with messages. Rank 0 holds the text and cuts it at whitespace into one byte
// range per rank; MPI_Scatterv sends each rank its range (map input), each rank counts its words
// into its own hash map (map), the tables travel back as text with MPI_Gatherv and rank 0 merges
// them (reduce). The result is the sorted (word, count) table, recorded as a checksum so every
// group can be compared.
#include "mpi/mpi.hpp"

#include "parcook/workloads.hpp"

#include <sstream>

namespace parcook {
namespace {

// Gathers every rank's serialized table ("word count" lines) at the root.
std::string gather_text(const std::string& mine, int size, bool root) {
    int length = static_cast<int>(mine.size());
    std::vector<int> lengths(root ? static_cast<std::size_t>(size) : 0), offsets(lengths.size());
    mpi::call(MPI_Gather(&length, 1, MPI_INT, lengths.data(), 1, MPI_INT, 0, MPI_COMM_WORLD));
    for (std::size_t r = 1; r < lengths.size(); ++r)
        offsets[r] = offsets[r - 1] + lengths[r - 1];
    std::string all(root ? static_cast<std::size_t>(offsets.back() + lengths.back()) : 0, '\0');
    mpi::call(MPI_Gatherv(mine.data(), length, MPI_CHAR, all.data(), lengths.data(), offsets.data(),
                          MPI_CHAR, 0, MPI_COMM_WORLD));
    return all;
}

void word_count(mpi::Job& job, Context& ctx) {
    const int size = job.size();
    const std::string text = ctx.setup([&] {
        return job.on_root([&] {
            std::string t = workload::word_count_input(ctx);
            if (t.size() >= INT32_MAX)
                throw UsageError("--n/--input: MPI counts are ints: < 2 GiB of text");
            return t;
        });
    });
    // Rank 0's byte range for each rank (ranks past the last chunk get none).
    std::vector<int> counts(job.root() ? static_cast<std::size_t>(size) : 0),
        offsets(counts.size());
    std::size_t chunks = 0;
    if (job.root()) {
        const auto parts = workload::split_text(text, static_cast<std::size_t>(size));
        chunks = parts.size();
        for (std::size_t r = 0; r < parts.size(); ++r) {
            counts[r] = static_cast<int>(parts[r].size());
            offsets[r] = static_cast<int>(parts[r].data() - text.data());
        }
    }

    workload::WordCounts total;
    std::uint64_t local_words = 0;
    job.measure([&] {
        int length = 0;
        mpi::call(MPI_Scatter(counts.data(), 1, MPI_INT, &length, 1, MPI_INT, 0, MPI_COMM_WORLD));
        std::string chunk(static_cast<std::size_t>(length), '\0');
        mpi::call(MPI_Scatterv(text.data(), counts.data(), offsets.data(), MPI_CHAR, chunk.data(),
                               length, MPI_CHAR, 0, MPI_COMM_WORLD));
        workload::WordCounts mine;
        workload::count_words(chunk, mine);
        std::string table;
        local_words = 0;
        for (const auto& [word, count] : mine) {
            table += fmt::format("{} {}\n", word, count);
            local_words += count;
        }
        const std::string all = gather_text(table, size, job.root());
        total.clear();
        std::istringstream in(all);
        std::string word;
        for (std::uint64_t count = 0; in >> word >> count;)
            total[word] += count;
    });
    job.detail("words", local_words);
    if (!job.root())
        return;

    workload::finish_word_count(ctx, {static_cast<unsigned>(size), chunks}, text,
                                workload::sorted(total));
}

} // namespace

extern const Recipe mpi_word_count = workload::shared_recipe(
    workload::Shared::word_count, "mpi",
    "map-reduce word count: MPI_Scatterv of byte ranges, tables back with MPI_Gatherv",
    mpi::entry<word_count>);

} // namespace parcook
