// The hot loops of the shared workloads, in their own translation unit so that they alone are
// compiled -O3 (lib/CMakeLists.txt): at -O2, GCC 12 leaves them scalar, one element per
// iteration, and a memory-bound kernel then falls short of the memory limit.
// The vectorizable loops are multiversioned: one clone per x86-64 level (v4: AVX-512, v3: AVX2,
// and the baseline), picked when the program is loaded by the CPU it runs on (an ifunc), so the
// relocatable bundle runs on any x86-64 node and still uses the widest vectors there. Never
// -march=native: the binary travels.
#include "parcook/workloads.hpp"

#include <cctype>

// Not under the sanitizers: the ifunc resolvers run while the program is relocated, before the
// sanitizer runtime is set up, and an instrumented resolver crashes there (seen with
// ThreadSanitizer; AddressSanitizer has no shadow memory yet either).
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) &&                             \
    !defined(__SANITIZE_THREAD__) && !defined(__SANITIZE_ADDRESS__)
#define PARCOOK_CLONES __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define PARCOOK_CLONES
#endif

namespace parcook::workload {

// c = a + b: vpaddd on ymm/zmm with the checksum widened to int64 (vpmovsxdq + vpaddq).
PARCOOK_CLONES std::int64_t vector_kernel(VectorOp op, const std::int32_t* __restrict a,
                                          const std::int32_t* __restrict b,
                                          std::int32_t* __restrict c, std::uint64_t begin,
                                          std::uint64_t end) {
    std::int64_t sum = 0;
    if (op.alpha == 1 && op.beta == 1) {
        for (std::uint64_t i = begin; i < end; ++i) {
            c[i] = a[i] + b[i];
            sum += c[i];
        }
    } else {
        for (std::uint64_t i = begin; i < end; ++i) {
            c[i] = op.alpha * a[i] + op.beta * b[i];
            sum += c[i];
        }
    }
    return sum;
}

// splitmix64 on 64-bit lanes: the v4 clone uses AVX-512DQ's vpmullq and vcvtqq2pd.
PARCOOK_CLONES std::uint64_t pi_hits(std::uint64_t seed, std::uint64_t begin, std::uint64_t end) {
    std::uint64_t hits = 0;
    for (std::uint64_t k = begin; k < end; ++k)
        hits += pi_hit(seed, k);
    return hits;
}

// Hash-table bound: its scans stop at data-dependent bytes and do not vectorize; -O3 only.
void count_words(std::string_view text, WordCounts& into) {
    std::string word;
    for_each_word(text, [&](std::string_view w) {
        word.assign(w);
        for (char& c : word)
            c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        ++into[word];
    });
}

} // namespace parcook::workload
