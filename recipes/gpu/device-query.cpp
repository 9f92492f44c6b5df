// gpu/device-query: "Using the PyCUDA module" [book ch.6]. Shows: what hardware CUDA sees. As
// PyCUDA's drv.init() and Device(i) loop: "N device(s) found.", then per device its name,
// compute capability and memory, plus what sizes kernels (multiprocessors, warp size, clocks,
// L2, shared memory per block), all read with cudaDeviceGetAttribute. The driver and runtime
// versions frame it: the runtime is part of this build, the driver of the machine; the driver
// compiles the PTX this build carries for GPUs newer than its machine code (the forward
// compatibility the book's hybrid host/device model describes).
// Without a driver or a GPU: "0 device(s) found." and exit 77 with the reason, never an abort.
// Verify: the count equals the lines of `nvidia-smi -L` (where nvidia-smi exists); every device
// has memory > 0.
#include "gpu/support/devices.hpp"
#include "gpu/support/record.hpp"
#include "parcook/context.hpp"
#include "parcook/subprocess.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace parcook::gpu {
namespace {

std::string version(int v) {
    return v ? fmt::format("{}.{}", v / 1000, v % 1000 / 10) : "none";
}

void run(Context& ctx) {
    require_cuda_api(ctx);
    const CudaInventory inv = cuda_inventory();
    ctx.say("host", fmt::format("CUDA runtime {}, driver {}", version(inv.runtime_version),
                                version(inv.driver_version)));
    ctx.say("host", fmt::format("{} device(s) found.", inv.devices.size()));
    if (inv.devices.empty())
        throw CannotRun(inv.absent);

    bool memory = true;
    for (const CudaDeviceFacts& d : inv.devices) {
        const std::string who = fmt::format("device {}", d.id);
        ctx.say(who, fmt::format("Device #{}: {}", d.id, d.name));
        ctx.say(who, fmt::format("Compute Capability: {}.{}", d.major, d.minor));
        ctx.say(who, fmt::format("Total Memory: {} KB", d.total_bytes / 1024));
        ctx.say(who, fmt::format("{} multiprocessors, warp size {}, {} threads per block, "
                                 "{} KB shared memory per block, {} MB L2",
                                 d.multiprocessors, d.warp_size, d.max_threads_per_block,
                                 d.shared_bytes_per_block / 1024, d.l2_bytes >> 20));
        ctx.say(who, fmt::format("clock {} MHz, memory clock {} MHz, bus {} bits, PCI "
                                 "{:04x}:{:02x}:{:02x}",
                                 d.clock_khz / 1000, d.memory_clock_khz / 1000, d.bus_width_bits,
                                 d.pci_domain, d.pci_bus, d.pci_device));
        memory = memory && d.total_bytes > 0;
    }
    ctx.check("every device has memory > 0", memory);

    const Captured smi = run_captured({"nvidia-smi", "-L"}, Duration{std::chrono::seconds(20)});
    if (smi.exit_code == 0) {
        const auto lines =
            static_cast<std::size_t>(std::count(smi.out.begin(), smi.out.end(), '\n'));
        ctx.check("device count == lines of nvidia-smi -L", lines == inv.devices.size(),
                  fmt::format("{} devices, {} lines", inv.devices.size(), lines));
    } else {
        ctx.say("host", "nvidia-smi -L did not run: the count is not cross-checked");
    }
    ctx.field("devices", inv.devices.size());
    ctx.field("name", inv.devices[0].name.c_str());
    ctx.field("compute_capability",
              fmt::format("{}.{}", inv.devices[0].major, inv.devices[0].minor).c_str());
    ctx.field("driver", version(inv.driver_version).c_str());
    ctx.field("runtime", version(inv.runtime_version).c_str());
    ctx.metric("memory", static_cast<double>(inv.devices[0].total_bytes) / (1 << 30), "GiB");
}

} // namespace
} // namespace parcook::gpu

namespace parcook {

extern const Recipe gpu_device_query{
    .group = "gpu",
    .name = "device-query",
    .summary = "the CUDA devices: name, compute capability, memory, what sizes kernels",
    .book = "Using the PyCUDA module [book ch.6]",
    .options = {},
    .run = gpu::run,
};

} // namespace parcook
