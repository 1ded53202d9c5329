"""Layers with one contract: ``<name>_forward(x, ...) -> (out, cache)`` and
``<name>_backward(dout, cache) -> dx`` (or a tuple ``(dx, dw, db)`` for layers with parameters).

No hidden state: everything backward needs travels in ``cache``, so cells run out of order cannot
corrupt anything and a gradient check is one line. Shapes: N samples, D inputs, M outputs.
Assignment 05_mlp teaches these; later assignments import them from here.
"""

import numpy as np


def affine_forward(x, w, b):
    """Compute out = x.reshape(N, D) @ w + b.

    Inputs:
    - x: (N, d_1, ..., d_k), flattened to (N, D) with D = d_1 * ... * d_k.
    - w: (D, M) weights.
    - b: (M,) biases.

    Returns (out, cache): out (N, M); cache (x, w, b).
    """
    out = x.reshape(x.shape[0], -1) @ w + b  # (N, M)
    return out, (x, w, b)


def affine_backward(dout, cache):
    """Backward pass of affine_forward.

    Inputs:
    - dout: (N, M) upstream gradient.
    - cache: (x, w, b) from affine_forward.

    Returns (dx, dw, db): dx shaped like x, dw (D, M), db (M,).
    """
    x, w, b = cache
    dx = (dout @ w.T).reshape(x.shape)  # (N, d_1, ..., d_k)
    dw = x.reshape(x.shape[0], -1).T @ dout  # (D, M)
    db = dout.sum(axis=0)  # (M,)
    return dx, dw, db


def relu_forward(x):
    """Compute max(0, x) elementwise. Returns (out, cache) with out shaped like x."""
    return np.maximum(0, x), x


def relu_backward(dout, cache):
    """Backward pass of relu_forward: pass dout where the input was positive."""
    x = cache
    return dout * (x > 0)


def sigmoid(x):
    """Compute 1 / (1 + e^-x) without overflow, for any x."""
    x = np.asarray(x)
    e = np.exp(-np.abs(x))  # in (0, 1]: never overflows
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e))


def sigmoid_forward(x):
    """Compute sigmoid(x) elementwise. Returns (out, cache) with cache = out."""
    out = sigmoid(x)
    return out, out


def sigmoid_backward(dout, cache):
    """Backward pass of sigmoid_forward: sigma'(x) = sigma(x) (1 - sigma(x))."""
    s = cache
    return dout * s * (1 - s)


def tanh_forward(x):
    """Compute tanh(x) elementwise. Returns (out, cache) with cache = out."""
    out = np.tanh(x)
    return out, out


def tanh_backward(dout, cache):
    """Backward pass of tanh_forward: tanh'(x) = 1 - tanh(x)^2."""
    t = cache
    return dout * (1 - t * t)


def affine_relu_forward(x, w, b):
    """Affine then ReLU. Returns (out, cache)."""
    a, fc_cache = affine_forward(x, w, b)
    out, relu_cache = relu_forward(a)
    return out, (fc_cache, relu_cache)


def affine_relu_backward(dout, cache):
    """Backward pass of affine_relu_forward. Returns (dx, dw, db)."""
    fc_cache, relu_cache = cache
    return affine_backward(relu_backward(dout, relu_cache), fc_cache)
