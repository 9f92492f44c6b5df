// What CUDA sees on this machine (see devices.hpp).
#include "gpu/support/cuda.hpp"
#include "gpu/support/devices.hpp"

namespace parcook::gpu {
namespace {

__global__ void probe() {}

int attribute(cudaDeviceAttr which, int device) {
    int value = 0;
    if (cudaDeviceGetAttribute(&value, which, device) != cudaSuccess) {
        cudaGetLastError();
        return 0; // not every device reports every attribute
    }
    return value;
}

CudaDeviceFacts facts(int id) {
    CudaDeviceFacts d;
    d.id = id;
    cudaDeviceProp prop{};
    PARCOOK_CUDA_CHECK(cudaGetDeviceProperties(&prop, id));
    d.name = prop.name;
    d.total_bytes = prop.totalGlobalMem;
    d.major = attribute(cudaDevAttrComputeCapabilityMajor, id);
    d.minor = attribute(cudaDevAttrComputeCapabilityMinor, id);
    d.multiprocessors = attribute(cudaDevAttrMultiProcessorCount, id);
    d.warp_size = attribute(cudaDevAttrWarpSize, id);
    d.max_threads_per_block = attribute(cudaDevAttrMaxThreadsPerBlock, id);
    d.clock_khz = attribute(cudaDevAttrClockRate, id);
    d.memory_clock_khz = attribute(cudaDevAttrMemoryClockRate, id);
    d.bus_width_bits = attribute(cudaDevAttrGlobalMemoryBusWidth, id);
    d.l2_bytes = attribute(cudaDevAttrL2CacheSize, id);
    d.shared_bytes_per_block = attribute(cudaDevAttrMaxSharedMemoryPerBlock, id);
    d.pci_domain = attribute(cudaDevAttrPciDomainId, id);
    d.pci_bus = attribute(cudaDevAttrPciBusId, id);
    d.pci_device = attribute(cudaDevAttrPciDeviceId, id);
    PARCOOK_CUDA_CHECK(cudaSetDevice(id));
    cudaFuncAttributes f{};
    const cudaError_t status = cudaFuncGetAttributes(&f, probe);
    if (status == cudaSuccess) {
        d.supported = true;
        d.binary_version = f.binaryVersion;
        d.ptx_version = f.ptxVersion;
    } else {
        cudaGetLastError();
        d.unsupported_reason = cudaGetErrorString(status);
    }
    return d;
}

} // namespace

int cuda_device_count() noexcept {
    int count = 0;
    if (cudaGetDeviceCount(&count) != cudaSuccess) {
        cudaGetLastError(); // a missing driver is not an error here
        return 0;
    }
    return count;
}

CudaInventory cuda_inventory() {
    CudaInventory inv;
#ifdef PARCOOK_CUDA_ARCHITECTURES
    inv.architectures = PARCOOK_CUDA_ARCHITECTURES;
#endif
    cudaRuntimeGetVersion(&inv.runtime_version);
    cudaDriverGetVersion(&inv.driver_version); // 0 without a driver
    int count = 0;
    const cudaError_t status = cudaGetDeviceCount(&count);
    if (status != cudaSuccess) {
        cudaGetLastError();
        inv.absent = std::string("no CUDA GPU (") + cudaGetErrorString(status) + ")";
        return inv;
    }
    if (count == 0)
        inv.absent = "no CUDA GPU (0 devices)";
    for (int id = 0; id < count; ++id)
        inv.devices.push_back(facts(id));
    return inv;
}

} // namespace parcook::gpu
