// gpu/cublas-gemm's library calls (the recipe is cublas-gemm.cpp): cuBLAS, cuFFT and cuRAND
// through their host APIs, each status checked into an exception like the runtime's.
#include "gpu/support/cublas-gemm.hpp"
#include "gpu/support/cuda.hpp"

#include <cublas_v2.h>
#include <cufft.h>
#include <curand.h>
#include <stdexcept>

namespace parcook::gpu {
namespace {

void library_check(bool ok, int status, const char* call) {
    if (!ok)
        throw std::runtime_error(std::string(call) + " failed with status " +
                                 std::to_string(status));
}
#define PARCOOK_LIBRARY_CHECK(call, success)                                                       \
    do {                                                                                           \
        const auto status_ = (call);                                                               \
        library_check(status_ == (success), static_cast<int>(status_), #call);                     \
    } while (0)

class Cublas {
public:
    Cublas() {
        PARCOOK_LIBRARY_CHECK(PARCOOK_CUDA_LIBRARY(cublas, cublasCreate_v2)(&handle_),
                              CUBLAS_STATUS_SUCCESS);
    }
    ~Cublas() { PARCOOK_CUDA_LIBRARY(cublas, cublasDestroy_v2)(handle_); }
    Cublas(const Cublas&) = delete;
    Cublas& operator=(const Cublas&) = delete;
    cublasHandle_t get() const { return handle_; }

private:
    cublasHandle_t handle_ = nullptr;
};

cublasStatus_t gemm(cublasHandle_t h, cublasOperation_t op, int n, const double* x, const double* y,
                    double* d) {
    const double one = 1, zero = 0;
    return PARCOOK_CUDA_LIBRARY(cublas, cublasDgemm_v2)(h, op, op, n, n, n, &one, x, n, y, n, &zero,
                                                        d, n);
}
cublasStatus_t gemm(cublasHandle_t h, cublasOperation_t op, int n, const float* x, const float* y,
                    float* d) {
    const float one = 1, zero = 0;
    return PARCOOK_CUDA_LIBRARY(cublas, cublasSgemm_v2)(h, op, op, n, n, n, &one, x, n, y, n, &zero,
                                                        d, n);
}

template <class T>
class CudaGemm final : public GemmDevice<T> {
public:
    CudaGemm(const cuda::Device& device, unsigned dim)
        : dim_(dim), a_(std::size_t{dim} * dim), b_(a_.size()), d_(a_.size()) {
        this->name = device.name;
        this->copy_gbs = device.copy_gbs;
    }

    GpuPass pass(GemmLayout layout, const T* a, const T* b, T* d) override {
        PARCOOK_CUDA_CHECK(cudaMemset(d_.get(), 0xff, d_.bytes()));
        clock_.start.record();
        PARCOOK_CUDA_CHECK(cudaMemcpyAsync(a_.get(), a, a_.bytes(), cudaMemcpyHostToDevice));
        PARCOOK_CUDA_CHECK(cudaMemcpyAsync(b_.get(), b, b_.bytes(), cudaMemcpyHostToDevice));
        clock_.kernel_start.record();
        const int n = static_cast<int>(dim_);
        // Row-major A seen column-major is A^T. swapped: B^T A^T = (AB)^T, which read back
        // row-major is AB. transposed: op(T) undoes the view, D = AB stored column-major.
        if (layout == GemmLayout::swapped)
            PARCOOK_LIBRARY_CHECK(gemm(blas_.get(), CUBLAS_OP_N, n, b_.get(), a_.get(), d_.get()),
                                  CUBLAS_STATUS_SUCCESS);
        else
            PARCOOK_LIBRARY_CHECK(gemm(blas_.get(), CUBLAS_OP_T, n, a_.get(), b_.get(), d_.get()),
                                  CUBLAS_STATUS_SUCCESS);
        clock_.kernel_stop.record();
        PARCOOK_CUDA_CHECK(cudaMemcpyAsync(d, d_.get(), d_.bytes(), cudaMemcpyDeviceToHost));
        clock_.stop.record();
        return clock_.times();
    }

private:
    unsigned dim_;
    Cublas blas_;
    cuda::DeviceBuffer<T> a_, b_, d_;
    cuda::PassClock clock_;
};

template <class T>
std::unique_ptr<GemmDevice<T>> open_gemm(unsigned device, unsigned dim) {
    const cuda::Device d = cuda::open_device(device);
    d.require_memory(3ull * dim * dim * sizeof(T), "--dim: three matrices");
    return std::make_unique<CudaGemm<T>>(d, dim);
}

} // namespace

std::unique_ptr<GemmDevice<double>> open_dgemm(unsigned device, unsigned dim) {
    return open_gemm<double>(device, dim);
}
std::unique_ptr<GemmDevice<float>> open_sgemm(unsigned device, unsigned dim) {
    return open_gemm<float>(device, dim);
}

GpuPass fft_round_trip(unsigned device, std::vector<std::complex<double>>& x) {
    const cuda::Device d = cuda::open_device(device);
    d.require_memory(x.size() * sizeof(cufftDoubleComplex) * 2, "--dim: the FFT");
    cuda::DeviceBuffer<cufftDoubleComplex> data(x.size());
    cufftHandle plan = 0;
    PARCOOK_LIBRARY_CHECK(
        PARCOOK_CUDA_LIBRARY(cufft, cufftPlan1d)(&plan, static_cast<int>(x.size()), CUFFT_Z2Z, 1),
        CUFFT_SUCCESS);
    struct Plan {
        cufftHandle p;
        ~Plan() { PARCOOK_CUDA_LIBRARY(cufft, cufftDestroy)(p); }
    } owned{plan};
    cuda::PassClock clock;
    clock.start.record();
    PARCOOK_CUDA_CHECK(cudaMemcpyAsync(data.get(), x.data(), data.bytes(), cudaMemcpyHostToDevice));
    clock.kernel_start.record();
    PARCOOK_LIBRARY_CHECK(
        PARCOOK_CUDA_LIBRARY(cufft, cufftExecZ2Z)(plan, data.get(), data.get(), CUFFT_FORWARD),
        CUFFT_SUCCESS);
    PARCOOK_LIBRARY_CHECK(
        PARCOOK_CUDA_LIBRARY(cufft, cufftExecZ2Z)(plan, data.get(), data.get(), CUFFT_INVERSE),
        CUFFT_SUCCESS);
    clock.kernel_stop.record();
    PARCOOK_CUDA_CHECK(cudaMemcpyAsync(x.data(), data.get(), data.bytes(), cudaMemcpyDeviceToHost));
    clock.stop.record();
    const GpuPass times = clock.times();
    for (auto& v : x) // cuFFT's inverse is unnormalized
        v /= static_cast<double>(x.size());
    return times;
}

GpuPass uniforms(unsigned device, std::uint64_t seed, std::vector<double>& out) {
    const cuda::Device d = cuda::open_device(device);
    d.require_memory(out.size() * sizeof(double), "the uniforms");
    cuda::DeviceBuffer<double> data(out.size());
    curandGenerator_t gen = nullptr;
    PARCOOK_LIBRARY_CHECK(
        PARCOOK_CUDA_LIBRARY(curand, curandCreateGenerator)(&gen, CURAND_RNG_PSEUDO_DEFAULT),
        CURAND_STATUS_SUCCESS);
    struct Generator {
        curandGenerator_t g;
        ~Generator() { PARCOOK_CUDA_LIBRARY(curand, curandDestroyGenerator)(g); }
    } owned{gen};
    PARCOOK_LIBRARY_CHECK(
        PARCOOK_CUDA_LIBRARY(curand, curandSetPseudoRandomGeneratorSeed)(gen, seed),
        CURAND_STATUS_SUCCESS);
    cuda::PassClock clock;
    clock.start.record(); // nothing to copy in: the numbers are made on the device
    clock.kernel_start.record();
    PARCOOK_LIBRARY_CHECK(
        PARCOOK_CUDA_LIBRARY(curand, curandGenerateUniformDouble)(gen, data.get(), out.size()),
        CURAND_STATUS_SUCCESS);
    clock.kernel_stop.record();
    PARCOOK_CUDA_CHECK(
        cudaMemcpyAsync(out.data(), data.get(), data.bytes(), cudaMemcpyDeviceToHost));
    clock.stop.record();
    return clock.times();
}

} // namespace parcook::gpu
