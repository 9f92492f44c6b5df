// gpu/elementwise: PyCUDA's ElementwiseKernel analog. The plain C++ half (elementwise.cpp, built
// with or without CUDA) checks an expression before anything compiles it, writes the kernel
// source around it, and evaluates it on the CPU for the reference (parsed by expression.hpp's
// parser over the float grammar); the CUDA half
// (elementwise-cuda.cu) compiles that source with NVRTC, caches it per expression for the
// process, loads it and runs it next to the precompiled kernel of the book's a*x + b*y.
#pragma once
#include "gpu/support/expression.hpp"
#include "gpu/support/nvrtc.hpp"
#include "gpu/support/record.hpp"

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace parcook::gpu {

// The expression may use the scalars a and b, the elements x and y, numbers, + - * /,
// parentheses and the functions below; nothing else reaches the compiler, so it cannot end the
// statement (;), open or close a block ({ }), index memory ([ ]), reach the preprocessor (#) or
// unbalance the parentheses around it. Throws UsageError naming --expr with what was refused.
// The functions: sinf cosf tanf expf logf sqrtf fabsf tanhf powf fminf fmaxf (elementwise.cpp).
void check_expression(std::string_view expr);

// The CUDA C++ source of `extern "C" __global__ void elementwise(a, x, b, y, c, n)`: a
// grid-stride loop doing c[i] = (expr) with x = x[i], y = y[i].
std::string elementwise_source(std::string_view expr);

// The expression as the CPU evaluates it, in double. Throws UsageError for an expression the
// checker passes but that is no well-formed expression (the CPU reference parses it after the
// compiler has accepted it).
class FloatExpression {
public:
    explicit FloatExpression(std::string_view expr);
    double operator()(double a, double b, double x, double y) const;

private:
    std::vector<ExprStep> program_;
};

// check_expression, then compile_source(elementwise_source(expr), "--expr") (nvrtc.hpp).
using Compiled = CompiledSource;
Compiled compile_elementwise(std::string_view expr);

class ElementwiseDevice {
public:
    virtual ~ElementwiseDevice() = default;
    // One pass: c = expr over the device arrays x and y (already there), copy c out.
    virtual GpuPass pass(std::vector<float>& c) = 0;

    std::vector<float> x, y; // the inputs cuRAND drew on the device, copied back for the check
    std::string name;
    double copy_gbs = 0;
    double load_seconds = 0;      // loading the NVRTC kernel into the device (JIT from PTX)
    std::uint64_t cache_hits = 0; // passes that found the compiled expression in the cache
};

// Inputs: n uniform floats in (0, 1] each for x and y from cuRAND seeded with `seed`. `expr`
// empty: the precompiled kernel of a*x + b*y; else the NVRTC kernel of expr.
std::unique_ptr<ElementwiseDevice> open_elementwise(unsigned device, std::uint64_t n,
                                                    std::uint64_t seed, float a, float b,
                                                    const std::string& expr);

} // namespace parcook::gpu
