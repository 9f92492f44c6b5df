// The shared kernels (lib/parcook/kernels.cpp, -O3 and one clone per x86-64 level) give what a
// plain scalar loop gives, on every block shape: vector tails, odd starts, saxpy, pi's hits.
#include "parcook/workloads.hpp"

#include <catch2/catch.hpp>
#include <vector>

using namespace parcook;

TEST_CASE("kernels: vector_kernel equals a scalar loop for every block shape") {
    const std::uint64_t n = 1000;
    std::vector<std::int32_t> a(n), b(n), c(n), want(n);
    workload::vector_fill(7, a.data(), b.data(), 0, n);
    for (const workload::VectorOp op : {workload::VectorOp{1, 1}, workload::VectorOp{2, 5}})
        for (std::uint64_t begin : {0u, 1u, 3u, 17u})
            for (std::uint64_t end : {begin, begin + 1, begin + 15, begin + 64, n - 1, n}) {
                std::int64_t sum = 0;
                for (std::uint64_t i = begin; i < end; ++i)
                    sum += want[i] = op(a[i], b[i]);
                std::fill(c.begin(), c.end(), -1);
                INFO("alpha " << op.alpha << ", [" << begin << ", " << end << ")");
                CHECK(workload::vector_kernel(op, a.data(), b.data(), c.data(), begin, end) == sum);
                CHECK(std::equal(c.begin() + begin, c.begin() + end, want.begin() + begin));
                CHECK(std::count(c.begin(), c.end(), -1) ==
                      static_cast<std::ptrdiff_t>(n - (end - begin)));
            }
}

TEST_CASE("kernels: pi_hits equals a scalar count (no FMA rounding in any clone)") {
    for (auto [begin, end] :
         {std::pair<std::uint64_t, std::uint64_t>{0, 1}, {5, 6'000'003}, {123, 123}}) {
        std::uint64_t hits = 0;
        for (std::uint64_t k = begin; k < end; ++k)
            hits += workload::pi_hit(42, k);
        CHECK(workload::pi_hits(42, begin, end) == hits);
    }
}
