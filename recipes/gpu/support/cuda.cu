// The gpu group's CUDA layer (see cuda.hpp).
#include "gpu/support/cuda.hpp"

#include "parcook/errors.hpp"

#include <algorithm>
#include <dlfcn.h>
#include <map>
#include <mutex>
#include <stdexcept>

namespace parcook::gpu::cuda {

void check(cudaError_t status, const char* call, const char* file, int line) {
    if (status == cudaSuccess)
        return;
    cudaGetLastError(); // clear the sticky error state before the exception travels
    throw std::runtime_error(std::string(file) + ":" + std::to_string(line) + ": " + call + ": " +
                             cudaGetErrorName(status) + " (" + cudaGetErrorString(status) + ")");
}

namespace {

int attribute(cudaDeviceAttr which, int device) {
    int value = 0;
    PARCOOK_CUDA_CHECK(cudaDeviceGetAttribute(&value, which, device));
    return value;
}

std::optional<double> peak_bandwidth(int device) {
    int khz = 0, bits = 0;
    if (cudaDeviceGetAttribute(&khz, cudaDevAttrMemoryClockRate, device) != cudaSuccess ||
        cudaDeviceGetAttribute(&bits, cudaDevAttrGlobalMemoryBusWidth, device) != cudaSuccess ||
        khz <= 0 || bits <= 0) {
        cudaGetLastError();
        return std::nullopt;
    }
    return 2.0 * khz * 1e3 * bits / 8 / 1e9;
}

} // namespace

Device open_device(unsigned index) {
    // Without a driver this is cudaErrorInsufficientDriver, not cudaErrorNoDevice.
    int count = 0;
    const cudaError_t status = cudaGetDeviceCount(&count);
    if (status == cudaErrorInsufficientDriver || status == cudaErrorNoDevice) {
        cudaGetLastError();
        throw CannotRun(std::string("no CUDA GPU (") + cudaGetErrorString(status) + ")");
    }
    check(status, "cudaGetDeviceCount(&count)", __FILE__, __LINE__);
    if (count == 0)
        throw CannotRun("no CUDA GPU (0 devices)");
    if (index >= static_cast<unsigned>(count))
        throw UsageError("--device: no CUDA device " + std::to_string(index) +
                         " (this machine has " + std::to_string(count) + ")");

    Device d;
    d.id = static_cast<int>(index);
    PARCOOK_CUDA_CHECK(cudaSetDevice(d.id));
    cudaDeviceProp prop{};
    PARCOOK_CUDA_CHECK(cudaGetDeviceProperties(&prop, d.id));
    d.name = prop.name;
    d.major = attribute(cudaDevAttrComputeCapabilityMajor, d.id);
    d.minor = attribute(cudaDevAttrComputeCapabilityMinor, d.id);
    if (d.major * 10 + d.minor < 75) // the oldest code this build carries (sm_75)
        throw CannotRun(d.name + " has compute capability " + std::to_string(d.major) + "." +
                        std::to_string(d.minor) + "; this build runs on 7.5 and newer");
    d.multiprocessors = static_cast<unsigned>(attribute(cudaDevAttrMultiProcessorCount, d.id));
    d.threads_per_multiprocessor =
        static_cast<unsigned>(attribute(cudaDevAttrMaxThreadsPerMultiProcessor, d.id));
    std::size_t total = 0;
    PARCOOK_CUDA_CHECK(cudaMemGetInfo(&d.free_bytes, &total));
    d.peak_gbs = peak_bandwidth(d.id);
    d.copy_gbs = copy_bandwidth(d);
    return d;
}

void Device::require_memory(std::uint64_t bytes, const std::string& what) const {
    if (bytes > free_bytes / 20 * 19) // leave 5% to the runtime
        throw UsageError(what + " need " + std::to_string(bytes >> 20) + " MiB, " + name + " has " +
                         std::to_string(free_bytes >> 20) + " MiB free");
}

unsigned Device::grid(std::uint64_t items, unsigned block) const {
    const std::uint64_t resident = std::max<std::uint64_t>(
        1, std::uint64_t{multiprocessors} * (threads_per_multiprocessor / block));
    return static_cast<unsigned>(
        std::clamp<std::uint64_t>((items + block - 1) / block, 1, resident));
}

void* allocate(Memory where, std::size_t bytes) {
    void* data = nullptr;
    if (where == Memory::device)
        PARCOOK_CUDA_CHECK(cudaMalloc(&data, bytes));
    else
        PARCOOK_CUDA_CHECK(cudaMallocHost(&data, bytes));
    return data;
}

void release(Memory where, void* data) noexcept {
    if (where == Memory::device)
        cudaFree(data);
    else
        cudaFreeHost(data);
}

Event::Event() {
    PARCOOK_CUDA_CHECK(cudaEventCreate(&event_));
}

Event::~Event() {
    cudaEventDestroy(event_);
}

void Event::record(cudaStream_t stream) {
    PARCOOK_CUDA_CHECK(cudaEventRecord(event_, stream));
}

double seconds_between(const Event& start, const Event& stop) {
    PARCOOK_CUDA_CHECK(cudaEventSynchronize(stop.get()));
    float ms = 0;
    PARCOOK_CUDA_CHECK(cudaEventElapsedTime(&ms, start.get(), stop.get()));
    return ms * 1e-3;
}

GpuPass PassClock::times() const {
    const double end_to_end = seconds_between(start, stop);
    const double kernel = seconds_between(kernel_start, kernel_stop);
    return {kernel, end_to_end - kernel, end_to_end};
}

double copy_bandwidth(const Device& device) {
    static std::mutex mutex;
    static std::map<int, double> measured; // per device, per process
    const std::lock_guard lock(mutex);
    if (const auto found = measured.find(device.id); found != measured.end())
        return found->second;
    const std::size_t bytes = std::clamp<std::size_t>(device.free_bytes / 8, std::size_t{1} << 20,
                                                      std::size_t{256} << 20);
    const DeviceBuffer<char> from(bytes), to(bytes);
    PARCOOK_CUDA_CHECK(cudaMemset(from.get(), 1, bytes));
    Event start, stop;
    double best = 0;
    for (int pass = 0; pass < 6; ++pass) { // the first warms up
        start.record();
        PARCOOK_CUDA_CHECK(cudaMemcpyAsync(to.get(), from.get(), bytes, cudaMemcpyDeviceToDevice));
        stop.record();
        const double seconds = seconds_between(start, stop);
        if (pass > 0 && seconds > 0)
            best = std::max(best, 2.0 * static_cast<double>(bytes) / seconds / 1e9);
    }
    return measured[device.id] = best;
}

void* library_symbol(Library library, const char* name) {
    struct Names {
        const char* what;
        const char* sonames[2]; // CUDA 13's, then the development link
    };
    static const Names names[] = {{"cuBLAS", {"libcublas.so.13", "libcublas.so"}},
                                  {"cuFFT", {"libcufft.so.12", "libcufft.so"}},
                                  {"cuRAND", {"libcurand.so.10", "libcurand.so"}},
                                  {"NVRTC", {"libnvrtc.so.13", "libnvrtc.so"}}};
    static std::mutex mutex;
    static void* handles[std::size(names)] = {};
    const auto i = static_cast<std::size_t>(library);
    const std::lock_guard lock(mutex);
    if (!handles[i]) {
        for (const char* soname : names[i].sonames)
            if ((handles[i] = dlopen(soname, RTLD_NOW | RTLD_LOCAL)))
                break;
        if (!handles[i])
            throw CannotRun(std::string(names[i].what) + " is not installed here (" +
                            names[i].sonames[0] + ": " + dlerror() + ")");
    }
    void* symbol = dlsym(handles[i], name);
    if (!symbol)
        throw std::runtime_error(std::string(names[i].what) + " has no " + name);
    return symbol;
}

} // namespace parcook::gpu::cuda
