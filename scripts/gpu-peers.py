#!/usr/bin/env python3
"""Python peers of the gpu recipes for scripts/gpu-node: the same work through CuPy (PyCUDA's
ElementwiseKernel and ReductionKernel API) and numba-cuda (NumbaPro's successor), timed with CUDA
events (median of the timed runs after warm-ups). One JSON line per run on stdout.
    gpu-peers.py dot N | elementwise N | gemm N float32|float64 | gufunc DIM BATCH
Exit 77 when CuPy or a GPU is missing (the same skip code as parcook)."""
import json
import statistics
import sys

try:
    import cupy as cp
    from cupyx.profiler import benchmark

    cp.cuda.runtime.getDeviceCount()
except Exception as e:  # no CuPy, no driver or no device
    print(f"gpu-peers: no CUDA GPU or no CuPy ({e})", file=sys.stderr)
    sys.exit(77)

REPEAT, WARMUP = 20, 3


def median_seconds(f, *args):
    r = benchmark(f, args, n_repeat=REPEAT, n_warmup=WARMUP)
    return statistics.median(r.gpu_times[0])


def emit(**fields):
    fields["device"] = cp.cuda.runtime.getDeviceProperties(0)["name"].decode()
    print(json.dumps(fields), flush=True)


def dot(n):
    n = int(float(n))
    kernel = cp.ReductionKernel("T x, T y", "T z", "x * y", "a + b", "z = a", "0", "dot")
    x = cp.arange(n, dtype=cp.uint64)
    result = int(kernel(x, x))
    expected = ((n - 1) * n * (2 * n - 1) // 6) % 2**64
    s = median_seconds(kernel, x, x)
    emit(peer="cupy.ReductionKernel dot", n=n, verified=result == expected,
         kernel_seconds=s, bandwidth_gbs=16 * n / s / 1e9)


def elementwise(n):
    n = int(float(n))
    kernel = cp.ElementwiseKernel("float32 a, float32 x, float32 b, float32 y", "float32 c",
                                  "c = a * x + b * y", "linear_combination")
    x = cp.random.rand(n, dtype=cp.float32)
    y = cp.random.rand(n, dtype=cp.float32)
    c = cp.empty_like(x)
    kernel(cp.float32(2), x, cp.float32(5), y, c)
    ok = float(cp.abs(c - (2 * x.astype(cp.float64) + 5 * y)).max()) < 1e-5
    s = median_seconds(kernel, cp.float32(2), x, cp.float32(5), y, c)
    emit(peer="cupy.ElementwiseKernel a*x + b*y", n=n, verified=ok, kernel_seconds=s,
         bandwidth_gbs=12 * n / s / 1e9)


def gemm(n, dtype):
    n = int(float(n))
    a = cp.random.rand(n, n).astype(dtype)
    b = cp.random.rand(n, n).astype(dtype)
    c = cp.matmul(a, b)
    ref = a[:64].astype(cp.float64) @ b.astype(cp.float64)
    ok = float(cp.abs(c[:64] - ref).max()) <= (1e-12 if dtype == "float64" else 1e-6) * n * float(ref.max())
    s = median_seconds(cp.matmul, a, b)
    emit(peer=f"cupy.matmul (cuBLAS) {dtype}", n=n, verified=ok, kernel_seconds=s,
         gflops=2 * n**3 / s / 1e9)


def gufunc(dim, batch):
    import numpy as np
    from numba import cuda, guvectorize

    @guvectorize(["void(int64[:,:], int64[:,:], int64[:,:])"], "(m,n),(n,p)->(m,p)",
                 target="cuda")
    def matmul(a, b, c):
        for i in range(a.shape[0]):
            for j in range(b.shape[1]):
                s = 0
                for k in range(a.shape[1]):
                    s += a[i, k] * b[k, j]
                c[i, j] = s

    dim, batch = int(dim), int(float(batch))
    rng = np.random.default_rng(42)
    a = rng.integers(0, 10, size=(batch, dim, dim), dtype=np.int64)
    b = rng.integers(0, 10, size=(batch, dim, dim), dtype=np.int64)
    da, db = cuda.to_device(a), cuda.to_device(b)
    dc = cuda.device_array((batch, dim, dim), dtype=np.int64)
    times = []
    for i in range(WARMUP + REPEAT):
        start, stop = cuda.event(), cuda.event()
        start.record()
        matmul(da, db, out=dc)
        stop.record()
        stop.synchronize()
        if i >= WARMUP:
            times.append(cuda.event_elapsed_time(start, stop) / 1e3)
    ok = bool((dc.copy_to_host() == np.matmul(a, b)).all())
    s = statistics.median(times)
    emit(peer="numba-cuda guvectorize matmul", dim=dim, batch=batch, verified=ok,
         kernel_seconds=s, gflops=2 * dim**3 * batch / s / 1e9)


if __name__ == "__main__":
    commands = {"dot": dot, "elementwise": elementwise, "gemm": gemm, "gufunc": gufunc}
    if len(sys.argv) < 2 or sys.argv[1] not in commands:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    commands[sys.argv[1]](*sys.argv[2:])
