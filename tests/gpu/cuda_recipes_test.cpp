// The CUDA recipes of the gpu group, each run and checked by its COOKBOOK rule where there is a
// GPU; without one each case ends skipped (exit 77 with its reason, see cuda_support.hpp).
#include "cuda_support.hpp"
#include "parcook/host.hpp"

#include <algorithm>

using Catch::Matchers::Contains;

namespace parcook::test {

TEST_CASE("gpu/device-query: devices with memory, counted as nvidia-smi counts them") {
    const auto r = cuda_record({"gpu", "device-query"});
    CHECK(all_checks_passed(r));
    CHECK(field(r, "devices").to_number<int>() >= 1);
    CHECK(check_passed(r, "every device has memory > 0"));
    CHECK(metric(r, "memory") > 0);
}

TEST_CASE("gpu/device-query: no GPU prints 0 device(s) found. and exits 77") {
    const Run r = parcook({"gpu", "device-query"});
    if (r.code == 0)
        return; // a GPU machine: the case above checks it
    CHECK(r.code == 77);
    CHECK_THAT(r.out, Contains("0 device(s) found."));
    CHECK_THAT(r.err, Contains("no CUDA GPU") || Contains("built without the CUDA toolkit"));
}

TEST_CASE("gpu/check-cuda: libraries load, a device is supported, PASSED") {
    const auto r = cuda_record({"gpu", "check-cuda"});
    CHECK(all_checks_passed(r));
    CHECK(field(r, "supported").to_number<int>() >= 1);
    CHECK(field(r, "missing_libraries").to_number<int>() == 0);
    const auto lines = trace_texts(r);
    CHECK(std::find(lines.begin(), lines.end(), "PASSED") != lines.end());
}

TEST_CASE("gpu/double-matrix: output == 2 x input for n = 5 and n = 1000") {
    for (std::string n : {"5", "1000"}) {
        const auto r = cuda_record({"gpu", "double-matrix", "--n", n});
        check_pass_metrics(r);
        CHECK(check_passed(r, "output == 2 x input for every element"));
        CHECK(field(r, "doubled").to_number<std::uint64_t>() == std::stoull(n) * std::stoull(n));
    }
}

TEST_CASE("gpu/double-matrix --book-bug: elements 21..24 stay unchanged") {
    const auto r = cuda_record({"gpu", "double-matrix", "--book-bug"});
    CHECK(check_passed(r, "book bug shown: elements 21..24 unchanged"));
    CHECK(field(r, "doubled").to_number<int>() <= 21);
}

TEST_CASE("gpu/double-matrix --jit: the kernels compiled at run time, the same results") {
    const auto r = cuda_record({"gpu", "double-matrix", "--jit", "--n", "1000"});
    check_pass_metrics(r);
    CHECK(field(r, "kernel") == "nvrtc");
    CHECK(check_passed(r, "output == 2 x input for every element"));
    CHECK(metric(r, "compile_seconds") > 0);
    const auto book = cuda_record({"gpu", "double-matrix", "--jit", "--book-bug"});
    CHECK(check_passed(book, "book bug shown: elements 21..24 unchanged"));
}

TEST_CASE("gpu/matmul: naive and tiled match the CPU reference and each other") {
    for (const char* kernel : {"naive", "tiled"})
        for (std::string n : {"5", "100", "600"}) {
            const auto r = cuda_record({"gpu", "matmul", "--n", n, "--kernel", kernel});
            check_pass_metrics(r);
            CHECK(check_passed(r, "naive and tiled agree to the same bound"));
            CHECK(metric(r, "gflops") > 0);
        }
}

TEST_CASE("gpu/gpuarray: 2 * a_gpu doubles exactly and leaves a_gpu unchanged") {
    const auto r = cuda_record({"gpu", "gpuarray", "--n", "1e5"});
    check_pass_metrics(r);
    CHECK(check_passed(r, "a_gpu unchanged on the device (arithmetic made a new array)"));
}

TEST_CASE("gpu/elementwise: the book's a*x + b*y, precompiled and by NVRTC") {
    const auto pre = cuda_record({"gpu", "elementwise"});
    check_pass_metrics(pre);
    CHECK(check_passed(pre, "||C - ref||_2 < 1e-5"));
    CHECK(field(pre, "kernel") == "precompiled");
    const auto jit = cuda_record({"gpu", "elementwise", "--jit", "-r", "3", "--warmup", "1"});
    check_pass_metrics(jit);
    CHECK(field(jit, "kernel") == "nvrtc");
    CHECK(check_passed(jit, "compiled once, then answered by the cache in every pass"));
    CHECK(metric(jit, "compile_seconds") > 0);
}

TEST_CASE("gpu/elementwise --expr: any checked expression, against the CPU's evaluation") {
    const auto r = cuda_record({"gpu", "elementwise", "--expr",
                                "sqrtf(x) * a - fmaxf(y, 0.5f) / (b + 1e-3)", "--n", "1e6"});
    check_pass_metrics(r);
    CHECK(check_passed(r, "||C - ref||_2 <= 1e-6 ||ref||_2"));
}

TEST_CASE("gpu/dot: (n-1) n (2n-1) / 6 by Thrust, CUB and the two-stage kernel") {
    for (const char* impl : {"thrust", "cub", "kernel"}) {
        const auto book = cuda_record({"gpu", "dot", "--api", "cuda", "--impl", impl});
        check_pass_metrics(book);
        CHECK(field(book, "result").to_number<std::uint64_t>() == 21253400);
        CHECK(field(book, "impl") == impl);
        const auto big = cuda_record({"gpu", "dot", "--api", "cuda", "--impl", impl, "--n", "1e6"});
        CHECK(field(big, "result").to_number<std::uint64_t>() == UINT64_C(333332833333500000));
    }
    CHECK(field(cuda_record({"gpu", "dot", "--api", "cuda"}), "impl") == "cub"); // --impl auto
}

TEST_CASE("gpu/gufunc-matmul --target cpu: exact, runs without a GPU") {
    for (std::string batch : {"1", "3"}) {
        const auto r = record_of({"gpu", "gufunc-matmul", "--target", "cpu", "--batch", batch});
        CHECK(all_checks_passed(r));
        CHECK(check_passed(r, "C == the i-l-j loop, exactly"));
    }
}

TEST_CASE("gpu/gufunc-matmul --target gpu: exact, and the same output as the CPU target") {
    for (std::string batch : {"1", "3"}) {
        const auto gpu = cuda_record({"gpu", "gufunc-matmul", "--batch", batch});
        check_pass_metrics(gpu);
        CHECK(check_passed(gpu, "C == the CPU triple loop, exactly"));
        const auto cpu = record_of({"gpu", "gufunc-matmul", "--target", "cpu", "--batch", batch});
        CHECK(field(gpu, "checksum") == field(cpu, "checksum"));
    }
}

TEST_CASE("gpu/cublas-gemm: DGEMM and SGEMM in both layouts, cuFFT round trip, cuRAND mean") {
    for (const char* type : {"f64", "f32"}) {
        const auto r = cuda_record({"gpu", "cublas-gemm", "--type", type, "--dim", "100"});
        check_pass_metrics(r);
        CHECK(check_passed(r, "op T on both (the book's call): max |D - AB| <= bound"));
    }
    const auto fft = cuda_record({"gpu", "cublas-gemm", "--lib", "cufft"});
    CHECK(check_passed(fft, "inverse(forward(x)) / N == x within 1e-12"));
    const auto rand = cuda_record({"gpu", "cublas-gemm", "--lib", "curand"});
    CHECK(check_passed(rand, "mean within 0.5 +- 0.005"));
}

} // namespace parcook::test
