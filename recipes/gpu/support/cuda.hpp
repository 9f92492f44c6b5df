// The gpu group's CUDA layer, for the CUDA back-ends (support/*-cuda.cu): checked calls, device
// and pinned host buffers, events, and opening a device. Compiled only when the build finds the
// CUDA toolkit; without it, cuda_absent.cpp stands in for the back-ends and --api cuda exits 77.
// Errors travel as exceptions (cuda-samples' helpers exit from inside instead): a failed call is
// an internal error naming the call, file and line; a missing GPU or driver is CannotRun.
// No fmt here or in any .cu file: nvcc's front end cannot compile fmt 9 in C++20 mode.
#pragma once
#include "gpu/support/gpu_pass.hpp"

#include <cuda_runtime.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

namespace parcook::gpu::cuda {

// Throws std::runtime_error "file:line: call: error" unless status is cudaSuccess.
void check(cudaError_t status, const char* call, const char* file, int line);
#define PARCOOK_CUDA_CHECK(call) ::parcook::gpu::cuda::check((call), #call, __FILE__, __LINE__)

// An opened device and what kernels are sized by.
struct Device {
    int id = 0;
    std::string name;
    int major = 0, minor = 0; // compute capability
    unsigned multiprocessors = 0;
    unsigned threads_per_multiprocessor = 0; // resident at once
    std::size_t free_bytes = 0;
    // Memory bandwidth, GB/s: two transfers per memory clock over the bus width (from device
    // attributes: CUDA 13 removed cudaDeviceProp::memoryClockRate). Unknown on some devices.
    std::optional<double> peak_gbs;
    // The device-to-device copy bandwidth this process measured when it opened the device
    // (copy_bandwidth), before the recipe took any memory: the ceiling of pct_of_peak.
    double copy_gbs = 0;

    // Throws UsageError "<what> need<s> N MiB, <name> has M MiB free" unless `bytes` fit.
    void require_memory(std::uint64_t bytes, const std::string& what) const;
    // Blocks of `block` threads for a grid-stride kernel over `items`: one thread per item, at
    // most as many blocks as the device keeps resident, at least one.
    unsigned grid(std::uint64_t items, unsigned block) const;
};

// Makes device `index` current. Throws CannotRun without a driver or a GPU
// (cudaErrorInsufficientDriver, cudaErrorNoDevice) or for a device older than this build's
// oldest code (sm_75), and UsageError naming --device for an index beyond the devices present.
Device open_device(unsigned index);

enum class Memory { device, pinned_host };
void* allocate(Memory where, std::size_t bytes); // checked cudaMalloc / cudaMallocHost
void release(Memory where, void* data) noexcept;

// `count` elements of T in device memory or in pinned host memory (host memory the GPU copies
// from and to directly, asynchronously and at full speed), freed with the buffer.
template <class T, Memory where>
class Buffer {
public:
    explicit Buffer(std::size_t count)
        : data_(static_cast<T*>(allocate(where, count * sizeof(T)))), count_(count) {}
    ~Buffer() { release(where, data_); }
    Buffer(const Buffer&) = delete;
    Buffer& operator=(const Buffer&) = delete;

    T* get() const { return data_; }
    std::size_t size() const { return count_; }
    std::size_t bytes() const { return count_ * sizeof(T); }

private:
    T* data_;
    std::size_t count_;
};
template <class T>
using DeviceBuffer = Buffer<T, Memory::device>;
template <class T>
using HostBuffer = Buffer<T, Memory::pinned_host>;

// A CUDA event: a mark in a stream that the device stamps with its own clock when it gets there.
class Event {
public:
    Event();
    ~Event();
    Event(const Event&) = delete;
    Event& operator=(const Event&) = delete;

    void record(cudaStream_t stream = nullptr);
    cudaEvent_t get() const { return event_; }

private:
    cudaEvent_t event_ = nullptr;
};

// Seconds from `start` to `stop` on the device's clock; waits until `stop` has happened.
double seconds_between(const Event& start, const Event& stop);

// The events of one timed pass: start, copies in, kernel_start, the kernels, kernel_stop,
// copies out, stop (each recorded by the back-end on the default stream).
struct PassClock {
    Event start, kernel_start, kernel_stop, stop;
    // Waits for stop: the kernels' time, the transfers (the rest) and the end-to-end time.
    GpuPass times() const;
};

// The device-to-device copy bandwidth of the current device, GB/s counting the bytes read and
// the bytes written (BabelStream's Copy): the ceiling a memory-bound kernel of this binary is
// measured against (pct_of_peak). The best of five cudaMemcpy of up to 1 GiB (an eighth of the
// free memory), measured
// once per device per process (open_device does it).
double copy_bandwidth(const Device& device);

// The CUDA libraries beyond the runtime are loaded when a recipe first calls them, never at
// start-up: linked, cuBLAS, cuFFT, cuRAND and NVRTC add about 0.3 s to every start of parcook
// (their relocation), every test and MPI rank included. Call them as
// PARCOOK_CUDA_LIBRARY(cublas, cublasDgemm_v2)(...): the header's declaration gives the type,
// library_symbol the address (dlopen by soname on first use; CannotRun naming the library when
// it is missing).
enum class Library { cublas, cufft, curand, nvrtc };
void* library_symbol(Library library, const char* name);
#define PARCOOK_CUDA_LIBRARY(library, function)                                                    \
    reinterpret_cast<decltype(&function)>(                                                         \
        ::parcook::gpu::cuda::library_symbol(::parcook::gpu::cuda::Library::library, #function))

} // namespace parcook::gpu::cuda
