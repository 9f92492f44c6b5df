// The times of one pass of a host program (copies in, kernels, copies out), on the device's
// clock: what every CUDA and OpenCL back-end returns (plain C++, no API headers).
#pragma once

namespace parcook::gpu {

// One pass of a host program: seconds on the device's clock.
struct GpuPass {
    double kernel = 0;     // the kernel(s) alone
    double transfer = 0;   // host <-> device copies
    double end_to_end = 0; // from the first copy in to the end of the last copy out
};

} // namespace parcook::gpu
