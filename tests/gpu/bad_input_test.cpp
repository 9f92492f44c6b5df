// Bad input to the gpu recipes is exit 2 with one line on stderr and nothing on stdout, on any
// machine: options are checked, and an --expr refused, before a device is opened.
#include "parcook/host.hpp"
#include "support/run.hpp"

#include <algorithm>

#include <catch2/catch.hpp>

using Catch::Matchers::Contains;

namespace parcook::test {
namespace {

void usage_error(const std::vector<std::string>& args, const std::string& names) {
    const Run r = parcook(args);
    INFO("parcook " << Catch::Detail::stringify(args) << "\nstdout: " << r.out
                    << "\nstderr: " << r.err);
    CHECK(r.code == 2);
    CHECK(r.out.empty());
    CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
    CHECK_THAT(r.err, Contains(names));
}

} // namespace

TEST_CASE("gpu recipes: --n 0, --dim 0, --device 99 and --api metal are usage errors") {
    for (const char* recipe :
         {"double-matrix", "matmul", "gpuarray", "elementwise", "dot", "pi", "word-count"})
        usage_error({"gpu", recipe, "--n", "0"}, "--n");
    usage_error({"gpu", "gufunc-matmul", "--dim", "0"}, "--dim");
    usage_error({"gpu", "cublas-gemm", "--dim", "0"}, "--dim");
    for (const char* recipe : {"device-query", "check-cuda", "matmul", "dot", "elementwise",
                               "cublas-gemm", "gufunc-matmul", "pi", "fib-map", "word-count"}) {
        usage_error({"gpu", recipe, "--device", "99"}, "--device");
        usage_error({"gpu", recipe, "--api", "metal"}, "--api");
    }
}

TEST_CASE("gpu CUDA-only recipes refuse --api opencl") {
    for (const char* recipe : {"device-query", "check-cuda", "double-matrix", "matmul", "gpuarray",
                               "elementwise", "gufunc-matmul", "cublas-gemm"})
        usage_error({"gpu", recipe, "--api", "opencl"}, "runs on CUDA only");
}

TEST_CASE("gpu/dot --api opencl: --impl thrust and cub are CUDA's, a usage error naming --impl") {
    for (const char* impl : {"thrust", "cub"})
        usage_error({"gpu", "dot", "--api", "opencl", "--impl", impl},
                    "--impl: " + std::string(impl) + " runs on CUDA only");
}

TEST_CASE("gpu/elementwise: an expression that escapes the kernel body never reaches a compiler") {
    for (const char* expr :
         {"a*x; y", "x } void f() { y", "{x}", "x)+(y", "x[0]", "#define", "\"s\"", "system(x)"})
        usage_error({"gpu", "elementwise", "--expr", expr}, "--expr");
}

TEST_CASE("gpu/elementwise: an expression that does not compile is exit 2 with the message") {
    for (const char* expr : {"x +", "(x", "x y", "sinf()"}) {
        const Run r = parcook({"gpu", "elementwise", "--expr", expr});
        INFO(expr << "\nstderr: " << r.err);
        CHECK(r.code == 2);
        CHECK(r.out.empty());
        CHECK_THAT(r.err, Contains("--expr"));
        if (have_cuda())
            CHECK_THAT(r.err, Contains(std::string(expr) == "(x" ? "unbalanced" : "error"));
    }
}

TEST_CASE("gpu/double-matrix --book-bug needs the book's 5 x 5 matrix") {
    usage_error({"gpu", "double-matrix", "--book-bug", "--n", "6"}, "--book-bug");
}

} // namespace parcook::test
