"""Speed of utils' CTC loss (forward + gradient) against torch.nn.functional.ctc_loss on the CPU.

    python -m autograder.bench_ctc

One batch, T=50, N=32, C=28, S=12, float64, input and target lengths mixed, the gradient with
respect to the logits included on both sides (PyTorch through log_softmax). Both sides use one
thread, and each figure is the median of several repeats after a warm-up. PyTorch is a dev-only
dependency: without it only utils' time is printed.
"""

import time

import numpy as np

SHAPE = {"T": 50, "N": 32, "C": 28, "S": 12}


def _median_seconds(run, repeats):
    run()  # warm-up
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return float(np.median(times))


def _arrays():
    t_len, n, n_classes, s_max = SHAPE["T"], SHAPE["N"], SHAPE["C"], SHAPE["S"]
    rng = np.random.default_rng(0)
    logits = rng.standard_normal((n, t_len, n_classes))
    targets = rng.integers(1, n_classes, size=(n, s_max))
    in_len = rng.integers(t_len // 2, t_len + 1, size=n)
    tg_len = rng.integers(1, s_max + 1, size=n)
    return logits, targets, in_len, tg_len


def _utils_run():
    from utils.ctc import ctc_loss_backward, ctc_loss_forward

    logits, targets, in_len, tg_len = _arrays()
    dloss = np.ones(len(in_len))

    def run():
        _, cache = ctc_loss_forward(logits, targets, in_len, tg_len)
        ctc_loss_backward(dloss, cache)

    return run


def _torch_run():
    import torch

    logits, targets, in_len, tg_len = _arrays()
    x = torch.tensor(logits, requires_grad=True)
    tt, ti, tl = torch.tensor(targets), torch.tensor(in_len), torch.tensor(tg_len)

    def run():
        x.grad = None
        lp = torch.log_softmax(x, dim=2).transpose(0, 1)
        loss = torch.nn.functional.ctc_loss(lp, tt, ti, tl, reduction="none", zero_infinity=True)
        loss.sum().backward()

    return run


def bench_ctc(repeats=20, print_fn=print):
    """Time utils' CTC loss and PyTorch's (forward + gradient) and print the ratio.

    Returns (utils seconds, torch seconds or None, ratio or None).
    """
    from threadpoolctl import threadpool_limits

    try:
        import torch
    except ImportError:
        torch = None
    with threadpool_limits(1):
        if torch is not None:
            torch.set_num_threads(1)
        ours = _median_seconds(_utils_run(), repeats)
        theirs = None if torch is None else _median_seconds(_torch_run(), repeats)
    ratio = None if theirs is None else ours / theirs
    shape = ", ".join(f"{k}={v}" for k, v in SHAPE.items())
    print_fn(f"CTC loss forward + gradient ({shape}), float64, one thread, median of {repeats}")
    torch_ms = "-" if theirs is None else f"{1e3 * theirs:.2f}"
    ratio_s = "-" if ratio is None else f"{ratio:.2f}"
    print_fn(f"utils {1e3 * ours:.2f} ms, torch {torch_ms} ms, ratio {ratio_s}")
    return ours, theirs, ratio


if __name__ == "__main__":
    bench_ctc()
