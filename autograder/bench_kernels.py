"""Benchmark: the course's own kernels in ``utils`` against PyTorch on the CPU, in one run.

``python -m autograder.bench_kernels [NAME ...] [--repeats 7]`` (``make bench-kernels``) first
measures this machine's numpy matrix-product rate (a square GEMM, float64 and float32), then times
each kernel's forward + backward pass in numpy and in PyTorch (dev-only; the PyTorch column is
skipped, with a line saying so, when it is not installed) on the same inputs, and prints the median
time of each, their ratio, and the share of the GEMM rate the numpy kernel achieves (its
multiply-adds counted as 2 FLOPs). It prints; it asserts nothing (a timed test would flake).

A kernel is one entry of ``BENCHMARKS``: a name, the FLOPs of one forward + backward pass, and two
functions that build a timed closure from the same numpy inputs. Later assignments add theirs
(an LSTM layer, the CTC loss) by appending a ``Benchmark``.
"""

import argparse
import os
import time
from dataclasses import dataclass

import numpy as np

DTYPES = (np.float64, np.float32)


@dataclass
class Benchmark:
    """One kernel to time.

    - name: shown in the table, and used to select benchmarks on the command line.
    - shape: a short description of the inputs, e.g. "N=64, C 16->32, 28x28, 3x3, pad 1".
    - make_inputs(rng, dtype) -> dict of numpy arrays (and plain values) shared by both sides.
    - flops(inputs) -> FLOPs of one forward + backward pass (a multiply-add is 2).
    - numpy(inputs) -> a closure running utils' forward + backward once.
    - torch(inputs, torch_module) -> a closure running PyTorch's forward + backward once, or None.
    """

    name: str
    shape: str
    make_inputs: object
    flops: object
    numpy: object
    torch: object = None


def median_seconds(fn, repeats):
    """Median wall-clock time of fn() over ``repeats`` runs, after one warm-up run."""
    fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return float(np.median(times))


def gemm_rate(dtype, n=1024, repeats=7):
    """This machine's numpy matrix-product rate in FLOP/s: the best of ``repeats`` (n x n) @ (n x n)."""
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal((n, n)).astype(dtype), rng.standard_normal((n, n)).astype(dtype)
    a @ b
    best = min(_timed(lambda: a @ b) for _ in range(repeats))
    return 2.0 * n ** 3 / best


def _timed(fn):
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


# ----------------------------------------------------------------------------- convolution

def _conv_inputs(rng, dtype, n=64, c=16, f=32, side=28, k=3, pad=1):
    return {"x": rng.standard_normal((n, c, side, side)).astype(dtype),
            "w": (0.1 * rng.standard_normal((f, c, k, k))).astype(dtype),
            "b": rng.standard_normal(f).astype(dtype),
            "dout": rng.standard_normal((n, f, side + 2 * pad - k + 1, side + 2 * pad - k + 1)).astype(dtype),
            "pad": pad}


def _conv_flops(inp):
    n, f, h_out, w_out = inp["dout"].shape
    _, c, hh, ww = inp["w"].shape
    return 3 * 2.0 * n * h_out * w_out * f * c * hh * ww  # forward, dw and dx: one GEMM each


def _conv_numpy(inp):
    from utils.conv import conv_backward, conv_forward

    def run():
        _, cache = conv_forward(inp["x"], inp["w"], inp["b"], {"stride": 1, "pad": inp["pad"]})
        conv_backward(inp["dout"], cache)

    return run


def _conv_torch(inp, torch):
    x = torch.from_numpy(inp["x"]).requires_grad_()
    w = torch.from_numpy(inp["w"]).requires_grad_()
    b = torch.from_numpy(inp["b"]).requires_grad_()
    dout = torch.from_numpy(inp["dout"])

    def run():
        x.grad = w.grad = b.grad = None
        out = torch.nn.functional.conv2d(x, w, b, stride=1, padding=inp["pad"])
        out.backward(dout)

    return run


BENCHMARKS = [
    Benchmark("conv", "N=64, C 16->32, 28x28, 3x3, pad 1", _conv_inputs, _conv_flops, _conv_numpy, _conv_torch),
]


def _torch():
    try:
        import torch
    except ImportError:
        return None
    return torch


def main(argv=None):
    p = argparse.ArgumentParser(prog="python -m autograder.bench_kernels", description=__doc__)
    p.add_argument("names", nargs="*", help="benchmarks to run (default: all)")
    p.add_argument("--repeats", type=int, default=7, help="timed runs per kernel (the median is shown)")
    args = p.parse_args(argv)
    chosen = [b for b in BENCHMARKS if not args.names or b.name in args.names]
    unknown = set(args.names) - {b.name for b in BENCHMARKS}
    if unknown:
        p.error(f"unknown benchmarks {sorted(unknown)}; known: {[b.name for b in BENCHMARKS]}")
    torch = _torch()
    try:
        from threadpoolctl import threadpool_info

        blas_threads = max((i.get("num_threads", 0) for i in threadpool_info()), default="?")
    except ImportError:
        blas_threads = "?"
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}; numpy BLAS threads "
          f"{blas_threads}" + (f", torch {torch.__version__} threads {torch.get_num_threads()}" if torch else ""))
    if torch is None:
        print("PyTorch is not installed (it is dev-only: pip install -r requirements-dev.txt): "
              "its column is skipped")
    peaks = {}
    for dtype in DTYPES:
        peaks[dtype] = gemm_rate(dtype)
        print(f"numpy GEMM rate, {np.dtype(dtype).name}: {peaks[dtype] / 1e9:.1f} GFLOP/s (1024 x 1024 matrices)")
    print()
    print(f"{'kernel (forward + backward)':<30}{'dtype':>8}{'numpy ms':>10}{'torch ms':>10}"
          f"{'numpy/torch':>13}{'GFLOP/s':>9}{'of GEMM':>9}")
    for bench in chosen:
        for dtype in DTYPES:
            inputs = bench.make_inputs(np.random.default_rng(0), dtype)
            flops = bench.flops(inputs)
            ours = median_seconds(bench.numpy(inputs), args.repeats)
            theirs = None
            if torch is not None and bench.torch is not None:
                theirs = median_seconds(bench.torch(inputs, torch), args.repeats)
            torch_ms = f"{1e3 * theirs:.1f}" if theirs else "-"
            ratio = f"{ours / theirs:.2f}x" if theirs else "-"
            print(f"{bench.name:<30}{np.dtype(dtype).name:>8}{1e3 * ours:>10.1f}{torch_ms:>10}{ratio:>13}"
                  f"{flops / ours / 1e9:>9.1f}{flops / ours / peaks[dtype]:>9.0%}", flush=True)
    print()
    for bench in chosen:
        print(f"{bench.name}: {bench.shape}")


if __name__ == "__main__":
    main()
