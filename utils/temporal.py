"""Layers applied at every time step of a batch of sequences (assignment 11_rnn).

Batch-first layout as in ``utils.rnn``: x (N, T, D), labels and masks (N, T). The same weights are
used at every step, so their gradients sum over the N * T (sample, step) pairs.
"""

import numpy as np


def temporal_affine_forward(x, w, b):
    """Apply one affine map at every time step.

    Inputs: x (N, T, D), w (D, M), b (M,).
    Returns (out, cache): out (N, T, M) with out[n, t] = x[n, t] @ w + b.
    """
    n, t_len, d = x.shape
    out = (x.reshape(n * t_len, d) @ w + b).reshape(n, t_len, w.shape[1])  # (N, T, M)
    return out, (x, w)


def temporal_affine_backward(dout, cache):
    """Backward pass of temporal_affine_forward.

    Inputs: dout (N, T, M); cache from the forward.
    Returns (dx, dw, db): (N, T, D), (D, M), (M,).
    """
    x, w = cache
    n, t_len, d = x.shape
    dout_flat = dout.reshape(n * t_len, -1)  # (N * T, M)
    dx = (dout_flat @ w.T).reshape(n, t_len, d)
    return dx, x.reshape(n * t_len, d).T @ dout_flat, dout_flat.sum(axis=0)


def temporal_softmax_loss(x, y, mask=None):
    """Softmax cross-entropy at every unmasked time step, averaged over the unmasked steps.

    loss = -(1 / sum(mask)) * sum over n, t of mask[n, t] * log softmax(x[n, t])[y[n, t]]

    This is ``torch.nn.functional.cross_entropy`` with padded targets ignored (``ignore_index``,
    ``reduction="mean"``), and the per-token average that perplexity (14) exponentiates. With no
    unmasked step the loss and the gradient are 0.

    Inputs:
    - x: (N, T, V) scores; float32 gives a float32 gradient.
    - y: (N, T) integer labels in 0..V-1 (padded steps too: any valid label, e.g. 0).
    - mask: (N, T) booleans or 0/1, True on real steps; None means every step counts.
    Returns (loss, dx): a Python float, and dx (N, T, V).
    """
    n, t_len, v = x.shape
    flat = x.reshape(n * t_len, v)
    rows, labels = np.arange(n * t_len), np.asarray(y).reshape(n * t_len)
    weight = np.ones(n * t_len, dtype=x.dtype) if mask is None else np.asarray(mask).reshape(n * t_len).astype(x.dtype)
    count = max(float(weight.sum()), 1.0)
    shifted = flat - flat.max(axis=1, keepdims=True)  # (N * T, V): exp cannot overflow
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    loss = -float(np.sum(weight * log_probs[rows, labels])) / count
    dx = np.exp(log_probs)
    dx[rows, labels] -= 1
    dx *= (weight / x.dtype.type(count))[:, None]  # padded steps get exactly 0
    return loss, dx.reshape(n, t_len, v)
