// gpu/elementwise's CUDA half (see elementwise.hpp): the expression's kernel, compiled by NVRTC
// (nvrtc.hpp), loaded and launched with cudaLaunchKernel, and the precompiled kernel of
// a*x + b*y running the same loop for comparison. Inputs come from cuRAND's host API.
#include "gpu/support/cuda.hpp"
#include "gpu/support/elementwise.hpp"
#include "gpu/support/nvrtc.hpp"
#include "parcook/errors.hpp"

#include <curand.h>

namespace parcook::gpu {
namespace {

constexpr unsigned block = 256;

// The precompiled twin of elementwise_source("a*x + b*y"): the same loop, built by nvcc.
__global__ void linear_combination(const float a, const float* __restrict__ xs, const float b,
                                   const float* __restrict__ ys, float* __restrict__ c,
                                   const unsigned long long n) {
    const unsigned long long stride = static_cast<unsigned long long>(gridDim.x) * blockDim.x;
    for (unsigned long long i =
             blockIdx.x * static_cast<unsigned long long>(blockDim.x) + threadIdx.x;
         i < n; i += stride) {
        const float x = xs[i], y = ys[i];
        c[i] = a * x + b * y;
    }
}

void curand_check(curandStatus_t status, const char* call) {
    if (status != CURAND_STATUS_SUCCESS)
        throw std::runtime_error(std::string(call) + " failed with status " +
                                 std::to_string(static_cast<int>(status)));
}

class CudaElementwise final : public ElementwiseDevice {
public:
    CudaElementwise(const cuda::Device& device, std::uint64_t n, std::uint64_t seed, float a,
                    float b, const std::string& expr)
        : n_(n), a_(a), b_(b), expr_(expr), x_(n), y_(n), c_(n), blocks_(device.grid(n, block)) {
        curandGenerator_t gen = nullptr;
        curand_check(
            PARCOOK_CUDA_LIBRARY(curand, curandCreateGenerator)(&gen, CURAND_RNG_PSEUDO_DEFAULT),
            "curandCreateGenerator");
        struct Owned {
            curandGenerator_t g;
            ~Owned() { PARCOOK_CUDA_LIBRARY(curand, curandDestroyGenerator)(g); }
        } owned{gen};
        curand_check(PARCOOK_CUDA_LIBRARY(curand, curandSetPseudoRandomGeneratorSeed)(gen, seed),
                     "curandSetPseudoRandomGeneratorSeed");
        curand_check(PARCOOK_CUDA_LIBRARY(curand, curandGenerateUniform)(gen, x_.get(), n),
                     "curandGenerateUniform(x)");
        curand_check(PARCOOK_CUDA_LIBRARY(curand, curandGenerateUniform)(gen, y_.get(), n),
                     "curandGenerateUniform(y)");
        x.resize(n);
        y.resize(n);
        PARCOOK_CUDA_CHECK(cudaMemcpy(x.data(), x_.get(), x_.bytes(), cudaMemcpyDeviceToHost));
        PARCOOK_CUDA_CHECK(cudaMemcpy(y.data(), y_.get(), y_.bytes(), cudaMemcpyDeviceToHost));
        if (!expr.empty()) {
            const Compiled compiled = compile_elementwise(expr);
            kernel_ = load_kernel(compiled.ptx, "elementwise", load_seconds);
        }
        name = device.name;
        copy_gbs = device.copy_gbs;
    }
    GpuPass pass(std::vector<float>& c) override {
        PARCOOK_CUDA_CHECK(cudaMemset(c_.get(), 0xff, c_.bytes())); // NaN: unwritten shows
        if (!expr_.empty()) // ask the cache as a second caller would: it must not recompile
            cache_hits += compile_elementwise(expr_).from_cache;
        clock_.start.record(); // no copies in: the inputs stay on the device
        clock_.kernel_start.record();
        if (expr_.empty()) {
            linear_combination<<<blocks_, block>>>(a_, x_.get(), b_, y_.get(), c_.get(), n_);
        } else {
            const float* xs = x_.get();
            const float* ys = y_.get();
            float* cs = c_.get();
            unsigned long long n = n_;
            void* args[] = {&a_, &xs, &b_, &ys, &cs, &n};
            PARCOOK_CUDA_CHECK(cudaLaunchKernel(reinterpret_cast<const void*>(kernel_),
                                                dim3(blocks_), dim3(block), args, 0, nullptr));
        }
        PARCOOK_CUDA_CHECK(cudaGetLastError());
        clock_.kernel_stop.record();
        c.resize(n_);
        PARCOOK_CUDA_CHECK(cudaMemcpyAsync(c.data(), c_.get(), c_.bytes(), cudaMemcpyDeviceToHost));
        clock_.stop.record();
        return clock_.times();
    }

private:
    std::uint64_t n_;
    float a_, b_;
    std::string expr_;
    cuda::DeviceBuffer<float> x_, y_, c_;
    unsigned blocks_;
    cudaKernel_t kernel_ = nullptr;
    cuda::PassClock clock_;
};

} // namespace

std::unique_ptr<ElementwiseDevice> open_elementwise(unsigned device, std::uint64_t n,
                                                    std::uint64_t seed, float a, float b,
                                                    const std::string& expr) {
    const cuda::Device d = cuda::open_device(device);
    d.require_memory(3 * n * sizeof(float), "--n: three vectors");
    return std::make_unique<CudaElementwise>(d, n, seed, a, b, expr);
}

} // namespace parcook::gpu
