// gpu/check-cuda: NumbaPro's check_cuda() from "GPU programming with NumbaPro" [book ch.6].
// Shows: a self-test of the GPU tool chain before using it. "libraries detection": each CUDA
// library the recipes use is opened by name as the dynamic loader would (cuBLAS, cuFFT, cuRAND,
// NVRTC and the runtime required; cuSPARSE optional), one line each with ok or missing, and NVRTC
// reports its version. "hardware detection": one line per device with its compute capability and
// PCI ids, [SUPPORTED] when a kernel of this build loads on it (machine code for it, or PTX the
// driver compiles). "Summary: k/N devices are supported", then PASSED or FAILED.
// Verify: PASSED iff every required library loads and at least one device is supported; no GPU
// or driver: exit 77 with the reason.
#include "gpu/support/devices.hpp"
#include "gpu/support/record.hpp"
#include "parcook/context.hpp"

#include <dlfcn.h>
#include <fmt/format.h>

namespace parcook::gpu {
namespace {

struct Library {
    const char* what;
    std::vector<const char*> names; // sonames of CUDA 13, then the unversioned name
    bool required;
};

// The loader's answer for the first name that opens: "ok (path)" or "missing (error)". The
// handle stays open (the process may be using the library already).
bool try_open(Context& ctx, const Library& lib) {
    std::string error;
    for (const char* name : lib.names) {
        if (void* handle = dlopen(name, RTLD_NOW | RTLD_LOCAL)) {
            std::string detail = name;
            if (std::string_view(lib.what) == "nvrtc")
                if (auto version =
                        reinterpret_cast<int (*)(int*, int*)>(dlsym(handle, "nvrtcVersion"))) {
                    int major = 0, minor = 0;
                    version(&major, &minor);
                    detail += fmt::format(", NVRTC {}.{}", major, minor);
                }
            ctx.say("libraries",
                    fmt::format("finding {}: trying to open library... ok ({})", lib.what, detail));
            return true;
        }
        error = dlerror();
    }
    ctx.say("libraries", fmt::format("finding {}: trying to open library... missing{} ({})",
                                     lib.what, lib.required ? "" : " (optional)", error));
    return false;
}

void run(Context& ctx) {
    require_cuda_api(ctx);
    const std::vector<Library> libraries{
        {"cudart", {"libcudart.so.13", "libcudart.so"}, true},
        {"cublas", {"libcublas.so.13", "libcublas.so"}, true},
        {"cufft", {"libcufft.so.12", "libcufft.so"}, true},
        {"curand", {"libcurand.so.10", "libcurand.so"}, true},
        {"nvrtc", {"libnvrtc.so.13", "libnvrtc.so"}, true},
        {"cusparse", {"libcusparse.so.12", "libcusparse.so"}, false},
    };
    ctx.say("libraries", "libraries detection:");
    unsigned missing = 0;
    for (const Library& lib : libraries)
        missing += !try_open(ctx, lib) && lib.required;

    const CudaInventory inv = cuda_inventory();
    ctx.say("hardware", "hardware detection:");
    ctx.say("hardware", fmt::format("this build carries CUDA code for {}",
                                    inv.architectures.empty() ? "nothing (built without the "
                                                                "CUDA toolkit)"
                                                              : inv.architectures));
    if (inv.devices.empty())
        throw CannotRun(inv.absent);
    ctx.say("hardware", fmt::format("Found {} CUDA devices", inv.devices.size()));
    unsigned supported = 0;
    for (const CudaDeviceFacts& d : inv.devices) {
        const std::string code =
            d.supported ? (d.binary_version == d.major * 10 + d.minor
                               ? fmt::format("machine code sm_{}", d.binary_version)
                               : fmt::format("PTX {} compiled by the driver", d.ptx_version))
                        : d.unsupported_reason;
        ctx.say("hardware",
                fmt::format("id {} {:<24} [{}] compute capability {}.{}, pci device id {}, pci "
                            "bus id {}: {}",
                            d.id, d.name, d.supported ? "SUPPORTED" : "NOT SUPPORTED", d.major,
                            d.minor, d.pci_device, d.pci_bus, code));
        supported += d.supported;
    }
    ctx.say("hardware",
            fmt::format("Summary: {}/{} devices are supported", supported, inv.devices.size()));
    const bool passed = ctx.check("every required library loads", missing == 0,
                                  fmt::format("{} missing", missing)) &
                        ctx.check("at least one device is supported", supported > 0,
                                  fmt::format("{} of {}", supported, inv.devices.size()));
    ctx.say("host", passed ? "PASSED" : "FAILED");
    ctx.field("devices", inv.devices.size());
    ctx.field("supported", supported);
    ctx.field("missing_libraries", missing);
}

} // namespace
} // namespace parcook::gpu

namespace parcook {

extern const Recipe gpu_check_cuda{
    .group = "gpu",
    .name = "check-cuda",
    .summary = "self-test of the CUDA tool chain: libraries load, devices run this build's code",
    .book = "GPU programming with NumbaPro (check_cuda) [book ch.6]",
    .options = {},
    .run = gpu::run,
};

} // namespace parcook
