#!/usr/bin/env python3
"""The PyOpenCL peer of `parcook gpu vector-sum --api opencl`, for scripts/bench: the book's
PyOpenCL vector sum on OpenCL device 0 (PoCL on a machine without a GPU) with parcook's kernel
(the book's plus its bounds check), int32 data, work-groups of 256, and the same timed pass:
copy a and b in, run the kernel, copy c out, timed by the queue's profiling events.

    pyopencl_vector_sum.py N REPEAT [WARMUP]

Prints "RESULT kernel_seconds: median=..." and "RESULT end_to_end_seconds: median=...";
exits 1 unless c == a + b for every element.
"""
import statistics
import sys

import numpy as np
import pyopencl as cl

KERNEL = """
__kernel void vectorSum(__global const int *a_g, __global const int *b_g, __global int *res_g,
                        const ulong n, const int alpha, const int beta) {
    size_t gid = get_global_id(0);
    if (gid < n)
        res_g[gid] = alpha * a_g[gid] + beta * b_g[gid];
}
"""


def main():
    n = int(float(sys.argv[1]))
    repeat = int(sys.argv[2])
    warmup = int(sys.argv[3]) if len(sys.argv) > 3 else 1
    device = [d for p in cl.get_platforms() for d in p.get_devices()][0]
    context = cl.Context([device])
    queue = cl.CommandQueue(context, properties=cl.command_queue_properties.PROFILING_ENABLE)
    rng = np.random.default_rng(42)
    a = rng.integers(0, 100, n, dtype=np.int32)
    b = rng.integers(0, 100, n, dtype=np.int32)
    c = np.empty_like(a)
    flags = cl.mem_flags
    a_g = cl.Buffer(context, flags.READ_ONLY, a.nbytes)
    b_g = cl.Buffer(context, flags.READ_ONLY, b.nbytes)
    c_g = cl.Buffer(context, flags.WRITE_ONLY, c.nbytes)
    kernel = cl.Program(context, KERNEL).build().vectorSum
    kernel.set_args(a_g, b_g, c_g, np.uint64(n), np.int32(1), np.int32(1))
    local = min(256, kernel.get_work_group_info(cl.kernel_work_group_info.WORK_GROUP_SIZE, device))
    size = (n + local - 1) // local * local

    kernel_seconds, end_to_end = [], []
    for i in range(warmup + repeat):
        first = cl.enqueue_copy(queue, a_g, a, is_blocking=False)
        cl.enqueue_copy(queue, b_g, b, is_blocking=False)
        run = cl.enqueue_nd_range_kernel(queue, kernel, (size,), (local,))
        last = cl.enqueue_copy(queue, c, c_g, is_blocking=True)
        if i >= warmup:
            kernel_seconds.append((run.profile.end - run.profile.start) * 1e-9)
            end_to_end.append((last.profile.end - first.profile.start) * 1e-9)
    if not np.array_equal(c, a + b):
        sys.exit("pyopencl_vector_sum: c != a + b")
    print(f"device: {device.platform.name} / {device.name}")
    print(f"RESULT kernel_seconds: median={statistics.median(kernel_seconds):.9g}")
    print(f"RESULT end_to_end_seconds: median={statistics.median(end_to_end):.9g}")


if __name__ == "__main__":
    main()
