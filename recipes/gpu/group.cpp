// The gpu group: CUDA and OpenCL kernels, the analogs of PyCUDA, NumbaPro and PyOpenCL.
#include "parcook/recipe.hpp"

namespace parcook {

extern const Group group_gpu{
    .name = "gpu",
    .summary = "CUDA and OpenCL kernels",
    .position = 6,
    .options = {integer_option("device", 0, "GPU index", 0, 64),
                choice_option("api", "auto", {"auto", "cuda", "opencl"},
                              "GPU programming interface (auto: CUDA where there is a CUDA GPU, "
                              "else OpenCL)")},
};

} // namespace parcook
