// What CUDA sees on this machine, for gpu/device-query and gpu/check-cuda: versions, and per
// device the facts read with cudaDeviceGetAttribute (CUDA 13 removed several cudaDeviceProp
// fields) and whether this build's code runs on it. devices-cuda.cu reads them; without the
// toolkit, cuda_absent.cpp answers with the reason. And how many OpenCL devices there are.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace parcook::gpu {

struct CudaDeviceFacts {
    int id = 0;
    std::string name;
    int major = 0, minor = 0;
    std::uint64_t total_bytes = 0;
    int multiprocessors = 0, warp_size = 0, max_threads_per_block = 0;
    int clock_khz = 0, memory_clock_khz = 0, bus_width_bits = 0, l2_bytes = 0;
    int shared_bytes_per_block = 0;
    int pci_domain = 0, pci_bus = 0, pci_device = 0;
    // A kernel of this build loads on it (cudaFuncGetAttributes); the code it runs: the
    // machine code's architecture, or the PTX the driver compiles (both as major*10+minor).
    bool supported = false;
    int binary_version = 0, ptx_version = 0;
    std::string unsupported_reason;
};

struct CudaInventory {
    std::string absent; // why there is no device ("" when CUDA answered with devices)
    int driver_version = 0, runtime_version = 0; // 13000 = 13.0; 0 without a driver
    std::string architectures;                   // what this build carries: "75-real ... 90"
    std::vector<CudaDeviceFacts> devices;
};

// Never throws for a missing toolkit, driver or device: `absent` says which.
CudaInventory cuda_inventory();
// How many CUDA devices this process sees: 0 without a toolkit, a driver or a device.
int cuda_device_count() noexcept;
// How many OpenCL devices, of every platform, this process sees (opencl.cpp, the order of
// opencl::choose_device): 0 without an OpenCL loader, a platform or a device.
unsigned opencl_device_count() noexcept;

} // namespace parcook::gpu
