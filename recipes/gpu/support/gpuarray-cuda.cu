// gpu/gpuarray's DeviceArray: PyCUDA's GPUArray in a few lines over thrust::device_vector. The
// arithmetic runs on the device (thrust::transform) and returns a new array; get() copies back.
#include "gpu/support/cuda.hpp"
#include "gpu/support/gpuarray.hpp"

#include <thrust/device_vector.h>
#include <thrust/transform.h>

namespace parcook::gpu {
namespace {

struct Scale {
    float factor;
    __host__ __device__ float operator()(float v) const { return factor * v; }
};

class DeviceArray {
public:
    static DeviceArray to_gpu(const std::vector<float>& host) {
        return DeviceArray(thrust::device_vector<float>(host.begin(), host.end()));
    }
    std::vector<float> get() const {
        std::vector<float> host(data_.size());
        thrust::copy(data_.begin(), data_.end(), host.begin());
        return host;
    }
    friend DeviceArray operator*(float factor, const DeviceArray& a) {
        thrust::device_vector<float> out(a.data_.size());
        thrust::transform(a.data_.begin(), a.data_.end(), out.begin(), Scale{factor});
        return DeviceArray(std::move(out));
    }

private:
    explicit DeviceArray(thrust::device_vector<float> d) : data_(std::move(d)) {}
    thrust::device_vector<float> data_;
};

} // namespace

GpuArrayRun gpuarray_double(unsigned device, const std::vector<float>& input) {
    const cuda::Device d = cuda::open_device(device);
    d.require_memory(2 * input.size() * sizeof(float), "--n: two arrays");
    GpuArrayRun r;
    r.name = d.name;
    r.copy_gbs = d.copy_gbs;
    cuda::PassClock clock;
    clock.start.record();
    const DeviceArray a_gpu = DeviceArray::to_gpu(input);
    clock.kernel_start.record();
    const DeviceArray doubled = 2.0f * a_gpu;
    clock.kernel_stop.record();
    r.doubled = doubled.get();
    clock.stop.record();
    r.input_after = a_gpu.get();
    r.times = clock.times();
    return r;
}

} // namespace parcook::gpu
