"""Benchmark: the course's own kernels in ``utils`` against PyTorch on the CPU, in one run.

``python -m autograder.bench_kernels [NAME ...] [--repeats 7]`` (``make bench-kernels``) times,
for each kernel and each dtype (float64, float32), three things in turn, repeatedly, so that they
see the same machine load: numpy's own matrix product (a square GEMM, this machine's FLOP rate),
the kernel's forward + backward pass in numpy (``utils``), and the same in PyTorch (dev-only; the
PyTorch column is skipped, with a line saying so, when it is not installed), on the same inputs.
It prints the medians, the numpy/PyTorch ratio, and the share of the GEMM rate the numpy kernel
achieves (multiply-adds counted as 2 FLOPs). It prints; it asserts nothing (a timed test would
flake).

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


def _timed(fn):
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def gemm(dtype, n=1024):
    """A closure computing an (n x n) @ (n x n) product in numpy, and its FLOPs (2 n^3)."""
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal((n, n)).astype(dtype), rng.standard_normal((n, n)).astype(dtype)
    return (lambda: a @ b), 2.0 * n ** 3


def interleaved_medians(fns, repeats):
    """Median wall-clock time of each closure in ``fns`` (None entries are skipped), after one
    warm-up run each, timed in turn within every repeat so that all of them see the same load."""
    for fn in fns:
        if fn is not None:
            fn()
    times = [[] for _ in fns]
    for _ in range(repeats):
        for t, fn in zip(times, fns):
            if fn is not None:
                t.append(_timed(fn))
    return [float(np.median(t)) if t else None for t in times]


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


# Kernels with a benchmark of their own (they print their own table): name -> "module:function"
OWN_TABLES = {"lstm": "autograder.bench_lstm:bench_lstm", "ctc": "autograder.bench_ctc:bench_ctc"}


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
    own = [n for n in OWN_TABLES if not args.names or n in args.names]
    known = [b.name for b in BENCHMARKS] + list(OWN_TABLES)
    unknown = set(args.names) - set(known)
    if unknown:
        p.error(f"unknown benchmarks {sorted(unknown)}; known: {known}")
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
    print("Each row times numpy's GEMM (1024 x 1024 matrices), the numpy kernel and the PyTorch kernel in")
    print("turn, repeatedly, and shows medians: all three see the same machine load.")
    print()
    print(f"{'kernel (forward + backward)':<30}{'dtype':>8}{'numpy ms':>10}{'torch ms':>10}"
          f"{'numpy/torch':>13}{'GFLOP/s':>9}{'GEMM GFLOP/s':>14}{'of GEMM':>9}")
    for bench in chosen:
        for dtype in DTYPES:
            inputs = bench.make_inputs(np.random.default_rng(0), dtype)
            flops = bench.flops(inputs)
            gemm_fn, gemm_flops = gemm(dtype)
            theirs_fn = bench.torch(inputs, torch) if torch is not None and bench.torch is not None else None
            t_gemm, ours, theirs = interleaved_medians([gemm_fn, bench.numpy(inputs), theirs_fn], args.repeats)
            peak = gemm_flops / t_gemm
            torch_ms = f"{1e3 * theirs:.1f}" if theirs else "-"
            ratio = f"{ours / theirs:.2f}x" if theirs else "-"
            print(f"{bench.name:<30}{np.dtype(dtype).name:>8}{1e3 * ours:>10.1f}{torch_ms:>10}{ratio:>13}"
                  f"{flops / ours / 1e9:>9.1f}{peak / 1e9:>14.1f}{flops / ours / peak:>9.0%}", flush=True)
    print()
    for bench in chosen:
        print(f"{bench.name}: {bench.shape}")
    for name in own:
        import importlib

        module, function = OWN_TABLES[name].split(":")
        print(f"\n{name}:")
        getattr(importlib.import_module(module), function)()


if __name__ == "__main__":
    main()
