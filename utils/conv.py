"""Convolution and pooling layers (assignment 09_cnn), fast enough to train with.

Same contract as ``utils.layers``: ``<name>_forward(x, ...) -> (out, cache)`` and
``<name>_backward(dout, cache) -> dx`` or ``(dx, dw, db)``. Layout NCHW: x is (N, C, H, W), filters
w are (F, C, HH, WW), outputs (N, F, H', W'). The convolution is a cross-correlation, as in the
libraries (PyTorch's conv2d, TensorFlow's conv2d): the kernel is not flipped,

    out[n, f, h, w] = b[f] + sum_{c, i, j} w[f, c, i, j] * x_pad[n, c, h * s + i, w * s + j].

``conv_param = {"stride": s, "pad": p}`` (zero padding of p pixels on each side of H and W;
defaults 1 and 0). ``pool_param = {"pool_height", "pool_width", "stride"}`` (no padding; stride
defaults to the pool size). Every function keeps float32 float32.

Speed: the convolution is im2col plus one matrix product (BLAS), and its backward pass two
products plus a col2im of HH * WW strided additions; ``make bench-kernels`` times it against
PyTorch. Pooling works on the pool_height x pool_width strided slices of the input, one
whole-array operation per window position.
"""

import numpy as np

__all__ = ["conv_output_size", "receptive_field", "conv_forward", "conv_backward", "max_pool_forward",
           "max_pool_backward", "avg_pool_forward", "avg_pool_backward", "conv_relu_forward",
           "conv_relu_backward", "conv_relu_pool_forward", "conv_relu_pool_backward"]


def conv_output_size(size, kernel, stride=1, pad=0, dilation=1):
    """Length of a convolution's (or pooling's) output along one axis.

    Inputs: the input length ``size``, the kernel length, the stride, the zero padding added on
    each side and the dilation (spacing between kernel taps; 1 is a plain kernel), all integers.

    Returns floor((size + 2 pad - dilation (kernel - 1) - 1) / stride) + 1, an int: windows that
    would run past the padded input are dropped, as in the libraries. Raises ValueError if not
    even one window fits.
    """
    span = dilation * (kernel - 1) + 1  # the kernel's extent in input pixels
    room = size + 2 * pad - span
    if room < 0:
        raise ValueError(f"a kernel spanning {span} pixels does not fit an input of {size} padded by {pad}")
    return room // stride + 1


def receptive_field(layers):
    """Side of the input patch that one output unit of a stack of layers sees.

    Inputs: ``layers``, a sequence of (kernel, stride) or (kernel, stride, dilation) tuples, one per
    convolution or pooling layer, first layer first.

    Returns an int: r = 1 + sum_l (span_l - 1) * (s_1 s_2 ... s_{l-1}), where span_l is layer l's
    dilated kernel extent and the product is the spacing, in input pixels, between neighbouring
    units of layer l's input.
    """
    r, jump = 1, 1
    for layer in layers:
        kernel, stride = layer[0], layer[1]
        dilation = layer[2] if len(layer) > 2 else 1
        r += dilation * (kernel - 1) * jump
        jump *= stride
    return r


def conv_forward(x, w, b, conv_param):
    """Convolve (cross-correlate) x with F filters, by im2col and one matrix product.

    Inputs:
    - x: (N, C, H, W) input.
    - w: (F, C, HH, WW) filters.
    - b: (F,) biases.
    - conv_param: {"stride": s (default 1), "pad": p (default 0)}.

    Returns (out, cache): out (N, F, H', W') with H' = conv_output_size(H, HH, s, p) and likewise W';
    cache for conv_backward.
    """
    stride, pad = conv_param.get("stride", 1), conv_param.get("pad", 0)
    n, c, h, wd = x.shape
    f, _, hh, ww = w.shape
    h_out, w_out = conv_output_size(h, hh, stride, pad), conv_output_size(wd, ww, stride, pad)
    dtype = np.result_type(x, w, b)
    # channels first, then pad: each window slice below is then a block of whole (N, H', W') images
    xp = np.zeros((c, n, h + 2 * pad, wd + 2 * pad), dtype=dtype)
    xp[:, :, pad:pad + h, pad:pad + wd] = x.transpose(1, 0, 2, 3)
    cols = np.empty((c, hh, ww, n, h_out, w_out), dtype=dtype)  # im2col: row (c, i, j), column (n, h', w')
    for i in range(hh):
        for j in range(ww):
            cols[:, i, j] = xp[:, :, i:i + stride * h_out:stride, j:j + stride * w_out:stride]
    cols = cols.reshape(c * hh * ww, n * h_out * w_out)
    out = w.reshape(f, -1).astype(dtype, copy=False) @ cols  # (F, N * H' * W')
    out += b.astype(dtype, copy=False)[:, None]
    out = out.reshape(f, n, h_out, w_out).transpose(1, 0, 2, 3)  # (N, F, H', W')
    return np.ascontiguousarray(out), (x.shape, w, cols, stride, pad)


def conv_backward(dout, cache):
    """Backward pass of conv_forward.

    Inputs:
    - dout: (N, F, H', W') upstream gradient.
    - cache: from conv_forward.

    Returns (dx, dw, db): dx (N, C, H, W), dw (F, C, HH, WW), db (F,).
    """
    (n, c, h, wd), w, cols, stride, pad = cache
    f, _, hh, ww = w.shape
    _, _, h_out, w_out = dout.shape
    dtype = cols.dtype
    dout_m = dout.astype(dtype, copy=False).transpose(1, 0, 2, 3).reshape(f, -1)  # (F, N * H' * W')
    db = dout_m.sum(axis=1)  # (F,)
    dw = (dout_m @ cols.T).reshape(w.shape)  # (F, C, HH, WW)
    dcols = (w.reshape(f, -1).astype(dtype, copy=False).T @ dout_m).reshape(c, hh, ww, n, h_out, w_out)
    dxp = np.zeros((c, n, h + 2 * pad, wd + 2 * pad), dtype=dtype)
    for i in range(hh):  # col2im: windows overlap, so the contributions add up
        for j in range(ww):
            dxp[:, :, i:i + stride * h_out:stride, j:j + stride * w_out:stride] += dcols[:, i, j]
    dx = dxp[:, :, pad:pad + h, pad:pad + wd].transpose(1, 0, 2, 3)  # (N, C, H, W)
    return np.ascontiguousarray(dx), dw, db


def _pool_shape(x, pool_param):
    ph, pw = pool_param["pool_height"], pool_param["pool_width"]
    stride = pool_param.get("stride", ph)
    n, c, h, w = x.shape
    return ph, pw, stride, conv_output_size(h, ph, stride), conv_output_size(w, pw, stride)


def _window_slices(x, ph, pw, stride, h_out, w_out):
    """The ph * pw strided views x[:, :, i::stride, j::stride] (each (N, C, H', W')), row-major in (i, j)."""
    return [x[:, :, i:i + stride * h_out:stride, j:j + stride * w_out:stride] for i in range(ph) for j in range(pw)]


def max_pool_forward(x, pool_param):
    """Max pooling over windows of pool_height x pool_width taken every `stride` pixels.

    Inputs:
    - x: (N, C, H, W).
    - pool_param: {"pool_height", "pool_width", "stride"} (stride defaults to pool_height).

    Returns (out, cache): out (N, C, H', W'), H' = (H - pool_height) // stride + 1 and likewise W'.
    Ties: the gradient goes to the first maximum of a window in row-major order, as in PyTorch.
    """
    ph, pw, stride, h_out, w_out = _pool_shape(x, pool_param)
    slices = _window_slices(x, ph, pw, stride, h_out, w_out)
    out = slices[0].copy()  # (N, C, H', W')
    for s in slices[1:]:
        np.maximum(out, s, out=out)
    arg = np.zeros(out.shape, dtype=np.int32)  # which window position holds the (first) maximum
    for k in range(len(slices) - 1, -1, -1):  # last to first, so that the first maximum is written last
        np.copyto(arg, k, where=slices[k] == out)
    return out, (x.shape, arg, ph, pw, stride)


def max_pool_backward(dout, cache):
    """Backward pass of max_pool_forward: each window's dout goes to its (first) maximum.

    Inputs: dout (N, C, H', W'); cache from max_pool_forward. Returns dx (N, C, H, W).
    """
    x_shape, arg, ph, pw, stride = cache
    h_out, w_out = dout.shape[2:]
    dx = np.zeros(x_shape, dtype=dout.dtype)
    for k, s in enumerate(_window_slices(dx, ph, pw, stride, h_out, w_out)):
        s += np.where(arg == k, dout, 0)  # windows may overlap (stride < pool size): add, never overwrite
    return dx


def avg_pool_forward(x, pool_param):
    """Average pooling over windows of pool_height x pool_width taken every `stride` pixels.

    Inputs and output shape as max_pool_forward. Every window holds pool_height * pool_width pixels
    (there is no padding). Returns (out, cache).
    """
    ph, pw, stride, h_out, w_out = _pool_shape(x, pool_param)
    slices = _window_slices(x, ph, pw, stride, h_out, w_out)
    out = slices[0].copy()  # (N, C, H', W')
    for s in slices[1:]:
        out += s
    out /= x.dtype.type(ph * pw)
    return out, (x.shape, ph, pw, stride)


def avg_pool_backward(dout, cache):
    """Backward pass of avg_pool_forward: dout / (pool_height * pool_width) to every pixel of its window.

    Inputs: dout (N, C, H', W'); cache from avg_pool_forward. Returns dx (N, C, H, W).
    """
    x_shape, ph, pw, stride = cache
    h_out, w_out = dout.shape[2:]
    share = dout / dout.dtype.type(ph * pw)
    dx = np.zeros(x_shape, dtype=dout.dtype)
    for s in _window_slices(dx, ph, pw, stride, h_out, w_out):
        s += share  # windows may overlap: add
    return dx


def conv_relu_forward(x, w, b, conv_param):
    """conv_forward then ReLU. Returns (out, cache)."""
    a, conv_cache = conv_forward(x, w, b, conv_param)
    return np.maximum(a, 0), (conv_cache, a)


def conv_relu_backward(dout, cache):
    """Backward pass of conv_relu_forward. Returns (dx, dw, db)."""
    conv_cache, a = cache
    return conv_backward(dout * (a > 0), conv_cache)


def conv_relu_pool_forward(x, w, b, conv_param, pool_param):
    """conv_forward, ReLU, then max_pool_forward. Returns (out, cache)."""
    r, cr_cache = conv_relu_forward(x, w, b, conv_param)
    out, pool_cache = max_pool_forward(r, pool_param)
    return out, (cr_cache, pool_cache)


def conv_relu_pool_backward(dout, cache):
    """Backward pass of conv_relu_pool_forward. Returns (dx, dw, db)."""
    cr_cache, pool_cache = cache
    return conv_relu_backward(max_pool_backward(dout, pool_cache), cr_cache)
