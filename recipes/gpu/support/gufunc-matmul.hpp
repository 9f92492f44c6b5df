// gpu/gufunc-matmul's kernel (gufunc-matmul-cuda.cu) behind a plain C++ interface: the generalized
// ufunc contract (m,n),(n,p)->(m,p) applied over a batch of square int64 matrices, one device
// thread per output element. The CPU target of the same contract is in the recipe.
#pragma once
#include "gpu/support/record.hpp"

#include <cstdint>
#include <memory>
#include <string>

namespace parcook::gpu {

class GufuncDevice {
public:
    virtual ~GufuncDevice() = default;
    // One pass: copy the batches a and b in, C[k] = A[k] B[k] for every k, copy c out.
    virtual GpuPass pass(const std::int64_t* a, const std::int64_t* b, std::int64_t* c) = 0;

    std::string name;
    double copy_gbs = 0;
};

std::unique_ptr<GufuncDevice> open_gufunc_matmul(unsigned device, unsigned dim, unsigned batch);

} // namespace parcook::gpu
