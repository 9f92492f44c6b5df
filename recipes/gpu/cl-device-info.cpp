// gpu/cl-device-info: "Using the PyOpenCL module" [book ch.6].
// Shows: every OpenCL platform and device this host can use, the CPU included (PoCL runs
// OpenCL kernels on the CPU, which is how machines without a GPU run the OpenCL recipes), with
// the fields the book's print_device_info() prints, in its units. --device N shows device N
// alone, numbered as every OpenCL recipe numbers them (platform by platform).
// Verify: a CPU device where PoCL is a platform, and every numeric field > 0 (the test counts one
// block per device). Without a platform or a device: exit 77.
#include "gpu/support/cl-device-info.hpp"
#include "gpu/support/api.hpp"
#include "parcook/context.hpp"

#include <fmt/format.h>

namespace parcook::gpu {
namespace {

void show(Context& ctx, const std::string& who, const ClDeviceFacts& d) {
    constexpr double kib = 1024, mib = kib * 1024, gib = mib * 1024;
    ctx.say(who, "Device - Name: " + d.name);
    ctx.say(who, "Device - Type: " + d.type);
    ctx.say(who, fmt::format("Device - Max Clock Speed: {} Mhz", d.clock_mhz));
    ctx.say(who, fmt::format("Device - Compute Units: {}", d.compute_units));
    ctx.say(who, fmt::format("Device - Local Memory: {:.0f} KB", d.local_memory / kib));
    ctx.say(who, fmt::format("Device - Constant Memory: {:.0f} KB", d.constant_memory / kib));
    ctx.say(who, fmt::format("Device - Global Memory: {:.1f} GB", d.global_memory / gib));
    ctx.say(who, fmt::format("Device - Max Buffer/Image Size: {:.0f} MB", d.max_buffer / mib));
    ctx.say(who, fmt::format("Device - Max Work Group Size: {}", d.max_work_group));
}

void run(Context& ctx) {
    require_opencl_api(ctx);
    const std::vector<ClPlatformFacts> platforms = opencl_platforms();
    std::size_t devices = 0;
    for (const ClPlatformFacts& p : platforms)
        devices += p.devices.size();
    if (devices == 0)
        throw CannotRun(fmt::format("no OpenCL device on {} platform(s)", platforms.size()));
    const auto only = static_cast<std::size_t>(ctx.integer("device"));
    if (ctx.given("device") && only >= devices)
        throw UsageError(
            fmt::format("--device: no OpenCL device {} (this machine has {})", only, devices));

    std::size_t index = 0, shown = 0;
    bool positive = true, pocl = false, cpu = false;
    for (std::size_t p = 0; p < platforms.size(); ++p) {
        const ClPlatformFacts& platform = platforms[p];
        const std::string who = fmt::format("platform {}", p);
        ctx.say(who, "Platform - Name: " + platform.name);
        ctx.say(who, "Platform - Vendor: " + platform.vendor);
        ctx.say(who, "Platform - Version: " + platform.version);
        ctx.say(who, "Platform - Profile: " + platform.profile);
        pocl = pocl || platform.name.find("Portable Computing Language") != std::string::npos;
        for (const ClDeviceFacts& d : platform.devices) {
            cpu = cpu || d.cpu;
            if (!ctx.given("device") || index == only) {
                show(ctx, fmt::format("device {}", index), d);
                ++shown;
                positive = positive && d.clock_mhz > 0 && d.compute_units > 0 &&
                           d.local_memory > 0 && d.constant_memory > 0 && d.global_memory > 0 &&
                           d.max_buffer > 0 && d.max_work_group > 0;
            }
            ++index;
        }
    }

    ctx.field("platforms", platforms.size());
    ctx.field("devices", devices);
    ctx.field("devices_shown", shown);
    if (pocl)
        ctx.check("PoCL offers a CPU device", cpu);
    ctx.check("every numeric field of every device shown is > 0", positive);
}

} // namespace
} // namespace parcook::gpu

namespace parcook {

extern const Recipe gpu_cl_device_info{
    .group = "gpu",
    .name = "cl-device-info",
    .summary = "every OpenCL platform and device with the book's fields (PoCL: the CPU)",
    .book = "Using the PyOpenCL module [book ch.6]",
    .options = {},
    .run = gpu::run,
    .defaults = {{"api", "opencl"}},
};

} // namespace parcook
