"""Speed of utils' LSTM layer against torch.nn.LSTM on the CPU (12_lstm_gru's performance target).

    python -m autograder.bench_lstm

Forward + backward of one LSTM layer, T=50, N=32, D=64, H=128, in float64 and float32, with the
gradient of every weight and of the input. Both sides use one thread; after a warm-up the two are
run in turn, and each figure is the fastest of the repeats (a busy machine slows both alike). Targets: utils at most 1.2x PyTorch's time in float64
and 2x in float32. PyTorch is a dev-only dependency: without it only utils' times are printed.
"""

import time

import numpy as np

SHAPE = {"T": 50, "N": 32, "D": 64, "H": 128}
TARGETS = {"float64": 1.2, "float32": 2.0}


def _best_seconds(runs, repeats):
    """Fastest time of each run over ``repeats`` rounds, the runs interleaved within each round so
    that a busy machine slows both sides alike; the minimum is the least disturbed measurement."""
    for run in runs:
        run()  # warm-up
    best = [float("inf")] * len(runs)
    for _ in range(repeats):
        for k, run in enumerate(runs):
            start = time.perf_counter()
            run()
            best[k] = min(best[k], time.perf_counter() - start)
    return best


def _utils_run(dtype):
    from utils.lstm import init_lstm_params, lstm_backward, lstm_forward

    t_len, n, d, hidden = SHAPE["T"], SHAPE["N"], SHAPE["D"], SHAPE["H"]
    rng = np.random.default_rng(0)
    params = init_lstm_params(d, hidden, rng, dtype=dtype)
    x = rng.standard_normal((n, t_len, d)).astype(dtype)
    h0 = np.zeros((n, hidden), dtype=dtype)
    dh = rng.standard_normal((n, t_len, hidden)).astype(dtype)

    def run():
        _, _, cache = lstm_forward(x, h0, None, params["Wx"], params["Wh"], params["b"])
        lstm_backward(dh, cache)

    return run


def _torch_run(dtype):
    import torch

    t_len, n, d, hidden = SHAPE["T"], SHAPE["N"], SHAPE["D"], SHAPE["H"]
    tdtype = {np.float64: torch.float64, np.float32: torch.float32}[dtype]
    torch.manual_seed(0)
    layer = torch.nn.LSTM(d, hidden, batch_first=True).to(tdtype)
    x = torch.randn(n, t_len, d, dtype=tdtype, requires_grad=True)
    dh = torch.randn(n, t_len, hidden, dtype=tdtype)

    def run():
        layer.zero_grad()
        x.grad = None
        out, _ = layer(x)
        out.backward(dh)

    return run


def bench_lstm(repeats=20, print_fn=print):
    """Time utils' LSTM layer and torch.nn.LSTM (forward + backward) and print the ratios.

    Returns {dtype name: (utils seconds, torch seconds or None, ratio or None)}.
    """
    from threadpoolctl import threadpool_limits

    try:
        import torch
    except ImportError:
        torch = None
    results = {}
    with threadpool_limits(1):
        if torch is not None:
            torch.set_num_threads(1)
        for dtype in (np.float64, np.float32):
            name = np.dtype(dtype).name
            runs = [_utils_run(dtype)] + ([] if torch is None else [_torch_run(dtype)])
            times = _best_seconds(runs, repeats)
            ours, theirs = times[0], (times[1] if torch is not None else None)
            results[name] = (ours, theirs, None if theirs is None else ours / theirs)
    shape = ", ".join(f"{k}={v}" for k, v in SHAPE.items())
    print_fn(f"LSTM layer forward + backward ({shape}), one thread, best of {repeats} interleaved runs")
    print_fn(f"{'dtype':<8} {'utils ms':>9} {'torch ms':>9} {'ratio':>6} {'target':>7}")
    for name, (ours, theirs, ratio) in results.items():
        torch_ms = "-" if theirs is None else f"{1e3 * theirs:.1f}"
        ratio_s = "-" if ratio is None else f"{ratio:.2f}"
        print_fn(f"{name:<8} {1e3 * ours:>9.1f} {torch_ms:>9} {ratio_s:>6} {'<= ' + str(TARGETS[name]):>7}")
    return results


if __name__ == "__main__":
    bench_lstm()
