// gpu/vector-sum: "How to build a PyOpenCL application" [book ch.6, article, overview], and the
// gpu member of the shared workload vector-sum (c = a + b over int32, memory-bound).
// Shows: a whole host program around the simplest data-parallel kernel: pick a device, copy the
// inputs in, launch, copy the result out. --api cuda runs the grid-stride kernel below;
// --api opencl runs the book's OpenCL kernel (support/vector-sum-opencl.cpp; PoCL in CI).
// Inputs come from the shared counter-based generator, filled on the host during set-up: the
// book's program starts with its vectors on the host, and each timed pass repeats it (copy a and
// b in, run the kernel, copy c out), so the record can keep the kernel time apart from that
// end-to-end time (both from device events) and both APIs move the same bytes. The host then
// checks every c[i] and the checksum against the generator.
// Deviations from the book: int32 on both sides (the book feeds NumPy's int64 to a 32-bit kernel),
// a bounds check, any --n (default 1e7 rather than 100), 16-byte loads in the CUDA kernel.
// Built without CUDA this file compiles as plain C++ and --api cuda exits 77.
#include "gpu/support/vector-sum.hpp"
#include "parcook/context.hpp"
#include "parcook/team.hpp"
#include "parcook/workloads.hpp"

#include <algorithm>
#include <numeric>
#include <span>
#include <string>

#if defined(__CUDACC__)
#include <cuda_runtime.h>
#endif

namespace parcook::gpu {

#if defined(__CUDACC__)
namespace {

// Every CUDA call is checked; a failure once the device is open is an internal error (exit 70).
// (No fmt in this file: nvcc's front end cannot compile fmt 9 in C++20 mode.)
void cuda_check(cudaError_t status, const char* call) {
    if (status != cudaSuccess)
        throw std::runtime_error(std::string(call) + ": " + cudaGetErrorString(status));
}
#define CUDA_CHECK(call) cuda_check((call), #call)

// c = op(a, b). Grid-stride: thread t handles items t, t + stride, ..., so any grid covers any n.
// An item is four elements moved as one 16-byte int4 (cudaMalloc aligns to 256 bytes): a quarter
// of the load and store instructions; the last n % 4 elements go one by one.
__global__ void vector_sum(workload::VectorOp op, const std::int32_t* __restrict__ a,
                           const std::int32_t* __restrict__ b, std::int32_t* __restrict__ c,
                           std::uint64_t n) {
    const std::uint64_t first = blockIdx.x * std::uint64_t{blockDim.x} + threadIdx.x;
    const std::uint64_t stride = std::uint64_t{gridDim.x} * blockDim.x;
    const auto* a4 = reinterpret_cast<const int4*>(a);
    const auto* b4 = reinterpret_cast<const int4*>(b);
    auto* c4 = reinterpret_cast<int4*>(c);
    for (std::uint64_t i = first; i < n / 4; i += stride) {
        const int4 x = a4[i], y = b4[i];
        c4[i] = make_int4(op(x.x, y.x), op(x.y, y.y), op(x.z, y.z), op(x.w, y.w));
    }
    for (std::uint64_t i = n / 4 * 4 + first; i < n; i += stride)
        c[i] = op(a[i], b[i]);
}

struct DeviceFree {
    void operator()(void* p) const { cudaFree(p); }
};
struct HostFree {
    void operator()(void* p) const { cudaFreeHost(p); }
};
struct EventDestroy {
    void operator()(cudaEvent_t e) const { cudaEventDestroy(e); }
};
using Event = std::unique_ptr<CUevent_st, EventDestroy>;

template <class Free>
std::unique_ptr<std::int32_t[], Free> allocate(cudaError_t (*alloc)(void**, std::size_t),
                                               std::uint64_t n) {
    void* p = nullptr;
    cuda_check(alloc(&p, n * sizeof(std::int32_t)), "allocating a vector");
    return std::unique_ptr<std::int32_t[], Free>(static_cast<std::int32_t*>(p));
}

Event event() {
    cudaEvent_t e = nullptr;
    CUDA_CHECK(cudaEventCreate(&e));
    return Event(e);
}

double seconds_between(const Event& start, const Event& stop) {
    float ms = 0;
    CUDA_CHECK(cudaEventElapsedTime(&ms, start.get(), stop.get()));
    return ms * 1e-3;
}

// Peak device-memory bandwidth: two transfers per memory clock over the bus width. CUDA 13
// dropped cudaDeviceProp::memoryClockRate; the attribute remains. Unknown: no pct_of_peak.
std::optional<double> peak_bandwidth(int device) {
    int khz = 0, bits = 0;
    if (cudaDeviceGetAttribute(&khz, cudaDevAttrMemoryClockRate, device) != cudaSuccess ||
        cudaDeviceGetAttribute(&bits, cudaDevAttrGlobalMemoryBusWidth, device) != cudaSuccess ||
        khz <= 0 || bits <= 0) {
        cudaGetLastError(); // clear the error state
        return std::nullopt;
    }
    return 2.0 * khz * 1e3 * bits / 8 / 1e9;
}

class CudaVectorSum final : public VectorSumDevice {
public:
    CudaVectorSum(const cudaDeviceProp& prop, int device, workload::VectorOp op, std::uint64_t n)
        : op_(op), n_(n), dev_a_(allocate<DeviceFree>(cudaMalloc, n)),
          dev_b_(allocate<DeviceFree>(cudaMalloc, n)), dev_c_(allocate<DeviceFree>(cudaMalloc, n)),
          host_a_(allocate<HostFree>(cudaMallocHost, n)),
          host_b_(allocate<HostFree>(cudaMallocHost, n)),
          host_c_(allocate<HostFree>(cudaMallocHost, n)) {
        // Poison c: a + b is never negative, so an element the kernel missed shows as -1.
        CUDA_CHECK(cudaMemset(dev_c_.get(), 0xff, n * sizeof(std::int32_t)));
        // One block per 256 items, at most as many blocks as the GPU keeps resident at once.
        const std::uint64_t resident =
            std::uint64_t(prop.multiProcessorCount) * (prop.maxThreadsPerMultiProcessor / block);
        groups = std::clamp<std::uint64_t>((n / 4 + block - 1) / block, 1, resident);
        threads = groups * block;
        a = host_a_.get();
        b = host_b_.get();
        c = host_c_.get();
        name = prop.name;
        peak_gbs = peak_bandwidth(device);
    }

    PassTimes pass() override {
        const std::size_t bytes = n_ * sizeof(std::int32_t);
        CUDA_CHECK(cudaEventRecord(start_.get()));
        CUDA_CHECK(cudaMemcpyAsync(dev_a_.get(), a, bytes, cudaMemcpyHostToDevice));
        CUDA_CHECK(cudaMemcpyAsync(dev_b_.get(), b, bytes, cudaMemcpyHostToDevice));
        CUDA_CHECK(cudaEventRecord(kernel_start_.get()));
        vector_sum<<<static_cast<unsigned>(groups), block>>>(op_, dev_a_.get(), dev_b_.get(),
                                                             dev_c_.get(), n_);
        CUDA_CHECK(cudaGetLastError());
        CUDA_CHECK(cudaEventRecord(kernel_stop_.get()));
        CUDA_CHECK(cudaMemcpyAsync(c, dev_c_.get(), bytes, cudaMemcpyDeviceToHost));
        CUDA_CHECK(cudaEventRecord(stop_.get()));
        CUDA_CHECK(cudaEventSynchronize(stop_.get()));
        return {seconds_between(kernel_start_, kernel_stop_), seconds_between(start_, stop_)};
    }

private:
    static constexpr unsigned block = 256;
    workload::VectorOp op_;
    std::uint64_t n_;
    std::unique_ptr<std::int32_t[], DeviceFree> dev_a_, dev_b_, dev_c_;
    std::unique_ptr<std::int32_t[], HostFree> host_a_, host_b_, host_c_;
    Event start_ = event(), kernel_start_ = event(), kernel_stop_ = event(), stop_ = event();
};

} // namespace

std::unique_ptr<VectorSumDevice> open_cuda(unsigned device, workload::VectorOp op,
                                           std::uint64_t n) {
    // Without a driver this is cudaErrorInsufficientDriver, not cudaErrorNoDevice: both mean
    // "no GPU here".
    int count = 0;
    if (cudaError_t e = cudaGetDeviceCount(&count); e != cudaSuccess || count == 0)
        throw CannotRun(std::string("no CUDA GPU (") +
                        (e == cudaSuccess ? "0 devices" : cudaGetErrorString(e)) + ")");
    if (device >= static_cast<unsigned>(count))
        throw UsageError("--device: no CUDA device " + std::to_string(device) +
                         " (this machine has " + std::to_string(count) + ")");
    const int id = static_cast<int>(device);
    CUDA_CHECK(cudaSetDevice(id));
    cudaDeviceProp prop{};
    CUDA_CHECK(cudaGetDeviceProperties(&prop, id));
    if (prop.major * 10 + prop.minor < 75) // the oldest code this build carries (sm_75)
        throw CannotRun(std::string(prop.name) + " has compute capability " +
                        std::to_string(prop.major) + "." + std::to_string(prop.minor) +
                        "; this build runs on 7.5 and newer");
    std::size_t free = 0, total = 0;
    CUDA_CHECK(cudaMemGetInfo(&free, &total));
    const std::uint64_t needed = 3 * n * sizeof(std::int32_t);
    if (needed > free / 20 * 19)
        throw UsageError("--n: three vectors need " + std::to_string(needed >> 20) + " MiB, " +
                         prop.name + " has " + std::to_string(free >> 20) + " MiB free");
    return std::make_unique<CudaVectorSum>(prop, id, op, n);
}

#else

std::unique_ptr<VectorSumDevice> open_cuda(unsigned, workload::VectorOp, std::uint64_t) {
    throw CannotRun("built without CUDA (no CUDA toolkit at build time, or PARCOOK_CUDA=OFF)");
}

#endif

namespace {

std::string first_elements(std::span<const std::int32_t> v) {
    constexpr std::size_t shown = 16;
    std::string s = "[";
    for (std::size_t i = 0; i < std::min(v.size(), shown); ++i)
        s += (i ? ", " : "") + std::to_string(v[i]);
    return s + (v.size() > shown ? ", ...]" : "]");
}

void run(Context& ctx) {
    const std::uint64_t n = ctx.common().n, seed = ctx.common().seed;
    const workload::VectorOp op = workload::vector_op(ctx);
    const std::string& api = ctx.text("api");
    const auto device = static_cast<unsigned>(ctx.integer("device"));

    auto gpu = ctx.setup([&] {
        auto d = api == "cuda" ? open_cuda(device, op, n) : open_opencl(device, op, n);
        Team team(ctx.common().threads); // 2n generator draws: seconds on one core at n = 1e8
        team.run([&](unsigned m) {
            auto [begin, end] = block(n, team.size(), m);
            workload::vector_fill(seed, d->a, d->b, begin, end);
            std::fill(d->c + begin, d->c + end, -1);
        });
        return d;
    });
    ctx.say("host", api + " device " + std::to_string(device) + ": " + gpu->name);
    ctx.say("host", "VECTOR LENGTH = " + std::to_string(n));
    ctx.say("host", "A = " + first_elements({gpu->a, n}));
    ctx.say("host", "B = " + first_elements({gpu->b, n}));

    std::vector<double> kernel, end_to_end;
    ctx.measure_own([&] {
        const PassTimes t = gpu->pass();
        kernel.push_back(t.kernel);
        end_to_end.push_back(t.end_to_end);
        return t.kernel;
    });
    kernel.erase(kernel.begin(), kernel.begin() + ctx.common().warmup);
    end_to_end.erase(end_to_end.begin(), end_to_end.begin() + ctx.common().warmup);
    ctx.say("host", "C = " + first_elements({gpu->c, n}));

    const std::int64_t checksum = std::accumulate(gpu->c, gpu->c + n, std::int64_t{0});
    bool nested = true;
    for (std::size_t i = 0; i < kernel.size(); ++i)
        nested = nested && kernel[i] > 0 && kernel[i] <= end_to_end[i];
    ctx.check("0 < kernel time <= end-to-end time in every pass", nested,
              "first pass: kernel " + std::to_string(kernel[0]) + " s, end-to-end " +
                  std::to_string(end_to_end[0]) + " s");

    ctx.param("api", api.c_str());
    ctx.param("device", gpu->name.c_str());
    workload::finish_vector_sum(ctx, {static_cast<unsigned>(gpu->threads), gpu->groups}, gpu->c,
                                checksum);
    const double bandwidth = ctx.result().find_metric("bandwidth")->value;
    ctx.metric("end_to_end_seconds", Stats::of(end_to_end).median, "s");
    if (gpu->peak_gbs) {
        ctx.metric("peak_bandwidth", *gpu->peak_gbs, "GB/s");
        ctx.metric("pct_of_peak", 100 * bandwidth / *gpu->peak_gbs, "%");
    }
}

} // namespace
} // namespace parcook::gpu

namespace parcook {

extern const Recipe gpu_vector_sum = workload::shared_recipe(
    workload::Shared::vector_sum, "gpu",
    "c = a + b over int32 on a GPU (CUDA or OpenCL); kernel and end-to-end times", gpu::run,
    {}, Uses::threads);

} // namespace parcook
