# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Assignment 09: convolution and pooling
#
# The networks of assignments 05-08 read an image as a list of 784 unrelated numbers. Shift a
# letter by three pixels and almost every one of those numbers changes: to an MLP it is a new
# input, and what it learned about the letter at one place does not carry over to another.
# A **convolutional layer** looks at the image through a small window, the same weights at every
# position: an edge detector that works in the top-left corner works everywhere. A **pooling
# layer** then summarises each neighbourhood, so small shifts change little. Together they make a
# network that needs far fewer weights and far fewer examples to read letters that can sit
# anywhere.
#
# You will write, all in numpy:
#
# 1. `conv_output_size` and `receptive_field`: the arithmetic of sizes;
# 2. `conv_forward_naive` and `conv_backward_naive`: convolution with loops, where the maths is plain;
# 3. `conv_forward_vec` and `conv_backward_vec`: the same, vectorised (im2col), fast enough to train;
# 4. `max_pool_forward`, `max_pool_backward`, `avg_pool_forward`, `avg_pool_backward`;
# 5. `lenet_loss`: a LeNet-style network's loss and gradients, built from your layers.
#
# Then you look at filters and the feature maps they make, time loops against vectors, and
# compare a small CNN with assignment 05's MLP on letters that move around.
#
# **How to check your work.** Run each function's cell, then the test cell under it. A passing
# test prints a line ending in `passed`; a failing one says what it expected, what came back and
# where to look. The grader runs hidden tests on other inputs too (1 x 1 kernels, a kernel as large
# as the input, strides with padding, non-square images and kernels, a single sample or channel,
# float32), so write code that works for every input the docstring allows.
#
# Shapes (the libraries' "NCHW" layout): inputs $x$ are $(N, C, H, W)$: $N$ images of $C$
# channels, $H$ rows and $W$ columns. Filters $w$ are $(F, C, HH, WW)$, biases $b$ are $(F,)$,
# outputs are $(N, F, H', W')$.

# %% nbgrader={"grade": false, "grade_id": "setup", "locked": true, "schema_version": 3, "solution": false}
import time

import matplotlib.pyplot as plt
import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from utils import conv as utils_conv
from utils import layers
from utils.data import load_letters, load_shifted_letters
from utils.gradcheck import check_gradient, numerical_gradient_array
from utils.losses import softmax_cross_entropy

# %% [markdown]
# ## 1. Sizes
#
# Slide a window of $k$ pixels along an axis of $n$ pixels, after adding $p$ zeros at each end,
# moving $s$ pixels at a time. The padded axis has $n + 2p$ pixels; the first window starts at 0 and
# the last may start no later than $n + 2p - k$; windows start at $0, s, 2s, \dots$, so
#
# $$n' = \left\lfloor \frac{n + 2p - k}{s} \right\rfloor + 1 .$$
#
# Windows that would run past the end are dropped (the floor), as in the libraries. A **dilated**
# kernel (dilation $d$) spreads its $k$ taps $d$ pixels apart, so it spans $d(k - 1) + 1$ pixels:
# use that span in place of $k$. Two sizes to remember: $k = 3, p = 1, s = 1$ keeps the size
# ("same" padding); $k = 2, s = 2$ halves it (the usual pooling).
#
# **Receptive field.** A unit of a deep layer depends on a patch of the input image; its side $r$
# is the unit's receptive field. Stack layers $l = 1, 2, \dots$ with kernel spans $k_l$ and strides
# $s_l$. A unit of layer 1 sees $k_1$ pixels. Each further layer adds $k_l - 1$ neighbours, and
# neighbours at layer $l$'s input are $j_l = s_1 s_2 \cdots s_{l-1}$ input pixels apart (the strides
# before it multiply up), so
#
# $$r = 1 + \sum_l (k_l - 1)\, j_l, \qquad j_1 = 1,\; j_{l+1} = j_l\, s_l .$$
#
# Two 3 x 3 convolutions see 5 x 5 pixels; with a 2 x 2 pooling between them, 8 x 8.

# %% nbgrader={"grade": false, "grade_id": "conv_output_size", "locked": false, "schema_version": 3, "solution": true}
def conv_output_size(size, kernel, stride=1, pad=0, dilation=1):
    """Return the length of a convolution's (or a pooling's) output along one axis.

    Inputs (integers, all >= 1 except pad >= 0):
    - size: the input's length; kernel: the kernel's length; stride: its step;
    - pad: zeros added at each end; dilation: the spacing of the kernel's taps.
    The dilated kernel must fit the padded input.

    Returns an int: how many whole windows fit.
    """
    ### BEGIN SOLUTION
    span = dilation * (kernel - 1) + 1
    return (size + 2 * pad - span) // stride + 1
    ### END SOLUTION


# %% nbgrader={"grade": false, "grade_id": "receptive_field", "locked": false, "schema_version": 3, "solution": true}
def receptive_field(layers):
    """Return the side of the input patch one unit of the last layer depends on.

    Inputs:
    - layers: a list of (kernel, stride) or (kernel, stride, dilation) tuples of ints, one per
      convolution or pooling layer, first layer first (may be empty).

    Returns an int.
    """
    ### BEGIN SOLUTION
    r, jump = 1, 1
    for layer in layers:
        kernel, stride = layer[0], layer[1]
        dilation = layer[2] if len(layer) > 2 else 1
        r += dilation * (kernel - 1) * jump
        jump *= stride
    return r
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_sizes", "locked": true, "points": 2, "schema_version": 3, "solution": false}
# conv_output_size and receptive_field on hand-computed examples
for args, expected, why in [
    ((28, 3), 26, "a 3-pixel window fits 28 - 3 + 1 = 26 times"),
    ((28, 3, 1, 1), 28, "padding 1 on each side keeps 28 ('same')"),
    ((28, 2, 2), 14, "a 2 x 2 pool with stride 2 halves the size"),
    ((7, 3, 2, 1), 4, "(7 + 2 - 3) // 2 + 1 = 4"),
    ((8, 3, 2), 3, "(8 - 3) // 2 + 1 = 3: the last window would run past the end, so it is dropped"),
    ((5, 5), 1, "a kernel as large as the input fits once"),
    ((10, 3, 1, 0, 2), 6, "dilation 2 spreads 3 taps over 5 pixels: 10 - 5 + 1 = 6"),
]:
    got = conv_output_size(*args)
    assert got == expected and isinstance(got, (int, np.integer)), (
        f"conv_output_size{args} should be the integer {expected} ({why}), got {got!r}: "
        "floor((size + 2 pad - span) / stride) + 1 with span = dilation (kernel - 1) + 1, integer division")

for stack, expected, why in [
    ([], 1, "no layer: a unit sees itself"),
    ([(3, 1)], 3, "one 3 x 3 convolution"),
    ([(3, 1), (3, 1)], 5, "two 3 x 3 convolutions: 1 + 2 + 2"),
    ([(3, 1), (2, 2), (3, 1)], 8, "3 x 3, 2 x 2 pool, 3 x 3: 1 + 2 + 1 + 2 * 2"),
    ([(5, 2), (3, 2), (3, 1)], 17, "1 + 4 + 2 * 2 + 2 * (2 * 2): the strides before a layer multiply"),
    ([(3, 1, 2), (3, 1, 4)], 13, "dilations 2 and 4 make spans 5 and 9: 1 + 4 + 8"),
]:
    got = receptive_field(stack)
    assert got == expected, (
        f"receptive_field({stack}) should be {expected} ({why}), got {got!r}: add (span - 1) times the "
        "product of the strides of the layers before, then multiply in this layer's stride")
print("test_sizes passed")

# %% [markdown]
# ## 2. Convolution with loops
#
# A convolutional layer with $F$ filters computes, for every image $n$, filter $f$ and output
# position $(h, w)$,
#
# $$\text{out}_{n f h w} = b_f + \sum_{c=1}^{C} \sum_{i=1}^{HH} \sum_{j=1}^{WW}
#   w_{f c i j}\; x^{\text{pad}}_{n,\, c,\, h s + i,\, w s + j},$$
#
# where $x^{\text{pad}}$ is $x$ with $p$ zeros added on each side of its **height and width** (not
# of its samples or channels) and indices start at 0. A filter spans all $C$ input channels and
# makes one output channel; each output pixel is the dot product of the filter with the window of
# the input under it.
#
# Strictly, this is a **cross-correlation**: a convolution in the mathematical sense flips the
# kernel, $w_{f, c, HH-1-i, WW-1-j}$. Deep-learning libraries (PyTorch's `conv2d`, TensorFlow's
# `conv2d`) do not flip, and neither do we; since the weights are learned, a flipped kernel would
# simply be learned flipped.
#
# Write it with plain loops over $n$, $f$, $h$, $w$ and a numpy product over the window: slow, but
# every index is in sight. Keep the input's dtype (float32 in, float32 out). `conv_param` is
# a dict `{"stride": s, "pad": p}`.

# %% nbgrader={"grade": false, "grade_id": "conv_forward_naive", "locked": false, "schema_version": 3, "solution": true}
def conv_forward_naive(x, w, b, conv_param):
    """Cross-correlate x with F filters, with loops.

    Inputs:
    - x: (N, C, H, W) input.
    - w: (F, C, HH, WW) filters; b: (F,) biases (same dtype as x).
    - conv_param: {"stride": s, "pad": p}, ints; p zeros are added on each side of H and W.

    Returns (out, cache): out (N, F, H', W'), H' = (H + 2p - HH) // s + 1 and
    W' = (W + 2p - WW) // s + 1, in x's dtype; cache, whatever conv_backward_naive needs.
    """
    ### BEGIN SOLUTION
    stride, pad = conv_param["stride"], conv_param["pad"]
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    H_out = (H + 2 * pad - HH) // stride + 1
    W_out = (W + 2 * pad - WW) // stride + 1
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    out = np.zeros((N, F, H_out, W_out), dtype=x.dtype)
    for n in range(N):
        for f in range(F):
            for i in range(H_out):
                for j in range(W_out):
                    window = xp[n, :, i * stride:i * stride + HH, j * stride:j * stride + WW]  # (C, HH, WW)
                    out[n, f, i, j] = np.sum(window * w[f]) + b[f]
    return out, (x, w, b, conv_param)
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_conv_forward_naive", "locked": true, "points": 3, "schema_version": 3, "solution": false}
# conv_forward_naive on hand-computed examples: no flip, padding on H and W, stride, channels, float32
x = np.arange(1.0, 10.0).reshape(1, 1, 3, 3)  # [[1, 2, 3], [4, 5, 6], [7, 8, 9]]
w = np.array([[[[1.0, 0.0], [0.0, -1.0]]]])  # top-left pixel minus bottom-right pixel
b = np.array([0.5])
out, _ = conv_forward_naive(x, w, b, {"stride": 1, "pad": 0})
assert np.shape(out) == (1, 1, 2, 2), f"out should have shape (1, 1, 2, 2), got {np.shape(out)}"
assert np.allclose(out, -3.5), (
    f"every window gives x[h, w] - x[h+1, w+1] + 0.5 = -4 + 0.5 = -3.5, got {np.asarray(out).ravel()}: "
    + ("+4.5 means the kernel was flipped (a true convolution); do not flip it" if np.allclose(out, 4.5) else
       "out[n, f, h, w] = sum(window * w[f]) + b[f]"))

out, _ = conv_forward_naive(x, w, b, {"stride": 2, "pad": 1})  # padded to 5 x 5; windows start at 0 and 2
expected = np.array([[-0.5, -2.5], [-6.5, -3.5]])  # e.g. top-left: 0 (padding) - 1 + 0.5
assert np.shape(out) == (1, 1, 2, 2), (
    f"with pad 1, stride 2 the output should be (1, 1, 2, 2) ((3 + 2 - 2) // 2 + 1 = 2), got {np.shape(out)}: "
    "pad only the height and width axes")
assert np.allclose(out[0, 0], expected), (
    f"with pad 1, stride 2 expected {expected.tolist()}, got {np.asarray(out)[0, 0].tolist()}: pad H and W "
    "with zeros, and start the window of output (h, w) at (h * stride, w * stride) of the padded input")

rng = np.random.default_rng(0)
x = rng.standard_normal((2, 3, 5, 6))  # non-square, 3 channels
w = rng.standard_normal((4, 3, 3, 2))  # non-square kernel
b = rng.standard_normal(4)
out, _ = conv_forward_naive(x, w, b, {"stride": 2, "pad": 1})
assert np.shape(out) == (2, 4, 3, 4), f"expected shape (2, 4, 3, 4) for x (2, 3, 5, 6), w (4, 3, 3, 2), got {np.shape(out)}"
single = conv_forward_naive(x[1:, 1:2], w[2:3, 1:2], b[2:3] * 0, {"stride": 2, "pad": 1})[0]
parts = sum(conv_forward_naive(x[1:, c:c + 1], w[2:3, c:c + 1], b[2:3] * 0, {"stride": 2, "pad": 1})[0]
            for c in range(3))
assert np.allclose(out[1:, 2:3], parts + b[2]), (
    "a filter should sum its products over all input channels, plus its own bias once: check the sum over c")
assert np.allclose(single[0, 0, 1, 1], np.sum(np.pad(x[1, 1], 1)[2:5, 2:4] * w[2, 1])), (
    "output (h, w) = (1, 1) with stride 2 should read padded rows 2..4 and columns 2..3")
out32, _ = conv_forward_naive(x.astype(np.float32), w.astype(np.float32), b.astype(np.float32), {"stride": 1, "pad": 0})
assert out32.dtype == np.float32, f"float32 inputs should give a float32 output, got {out32.dtype}: np.zeros(..., dtype=x.dtype)"
print("test_conv_forward_naive passed")

# %% [markdown]
# ## 3. Its backward pass
#
# Every output pixel is a sum of products, so its derivative with respect to each factor is the
# other factor. Let $d_{nfhw} = \partial L / \partial \text{out}_{nfhw}$ (the upstream `dout`).
# A weight $w_{fcij}$ is used at every output position of every image, so its gradient sums over
# all of them; the bias likewise:
#
# $$\frac{\partial L}{\partial w_{fcij}} = \sum_{n, h, w} d_{nfhw}\; x^{\text{pad}}_{n, c, hs + i, ws + j},
#   \qquad \frac{\partial L}{\partial b_f} = \sum_{n, h, w} d_{nfhw} .$$
#
# An input pixel belongs to every window that covers it (up to $HH \cdot WW$ of them when the
# stride is 1), so its gradient **accumulates** over those windows:
#
# $$\frac{\partial L}{\partial x^{\text{pad}}_{n, c, hs + i, ws + j}} \mathrel{+}= d_{nfhw}\, w_{fcij}
#   \quad \text{for every } f, h, w, i, j .$$
#
# In the loops of your forward pass that is two lines: add `dout[n, f, h, w] * w[f]` to the window
# of `dx_pad`, and `dout[n, f, h, w] * window` to `dw[f]`. Then cut the padding off `dx_pad`.

# %% nbgrader={"grade": false, "grade_id": "conv_backward_naive", "locked": false, "schema_version": 3, "solution": true}
def conv_backward_naive(dout, cache):
    """Backward pass of conv_forward_naive, with loops.

    Inputs:
    - dout: (N, F, H', W') upstream gradient.
    - cache: from conv_forward_naive.

    Returns (dx, dw, db): dx (N, C, H, W), dw (F, C, HH, WW), db (F,), in dout's dtype.
    """
    ### BEGIN SOLUTION
    x, w, b, conv_param = cache
    stride, pad = conv_param["stride"], conv_param["pad"]
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    _, _, H_out, W_out = dout.shape
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    dxp = np.zeros_like(xp)
    dw = np.zeros_like(w)
    db = dout.sum(axis=(0, 2, 3))  # (F,) one bias per filter, used everywhere
    for n in range(N):
        for f in range(F):
            for i in range(H_out):
                for j in range(W_out):
                    hs, ws = i * stride, j * stride
                    dxp[n, :, hs:hs + HH, ws:ws + WW] += dout[n, f, i, j] * w[f]
                    dw[f] += dout[n, f, i, j] * xp[n, :, hs:hs + HH, ws:ws + WW]
    return dxp[:, :, pad:pad + H, pad:pad + W], dw, db
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_conv_backward_naive", "locked": true, "points": 3, "schema_version": 3, "solution": false}
# conv_backward_naive: hand-computed gradients, then dx, dw, db against numerical gradients with stride and padding
x = np.arange(1.0, 10.0).reshape(1, 1, 3, 3)
w = np.array([[[[1.0, 0.0], [0.0, -1.0]]]])
_, cache = conv_forward_naive(x, w, np.zeros(1), {"stride": 1, "pad": 0})
dx, dw, db = conv_backward_naive(np.ones((1, 1, 2, 2)), cache)
assert np.shape(dx) == (1, 1, 3, 3) and np.shape(dw) == (1, 1, 2, 2) and np.shape(db) == (1,), (
    f"expected shapes dx (1, 1, 3, 3), dw (1, 1, 2, 2), db (1,), got {np.shape(dx)}, {np.shape(dw)}, {np.shape(db)}: "
    "cut the padding off dx, and db has one entry per filter")
assert np.allclose(db, [4.0]), f"db should be the sum of dout, 4, got {db}"
assert np.allclose(dw[0, 0], [[12.0, 16.0], [24.0, 28.0]]), (
    f"dw[i, j] should sum the pixels each tap saw: [[1+2+4+5, 2+3+5+6], [4+5+7+8, 5+6+8+9]] = [[12, 16], [24, 28]], "
    f"got {np.asarray(dw)[0, 0].tolist()}")
expected_dx = np.array([[1.0, 1.0, 0.0], [1.0, 0.0, -1.0], [0.0, -1.0, -1.0]])
assert np.allclose(dx[0, 0], expected_dx), (
    f"dx should add w over every window covering a pixel: {expected_dx.tolist()}, got {np.asarray(dx)[0, 0].tolist()}: "
    "accumulate with += (the centre pixel gets +1 and -1)")

rng = np.random.default_rng(1)
for shape, wshape, param in [((2, 2, 5, 4), (3, 2, 3, 2), {"stride": 2, "pad": 1}),
                             ((1, 3, 4, 4), (2, 3, 2, 2), {"stride": 1, "pad": 0})]:
    x, w, b = rng.standard_normal(shape), rng.standard_normal(wshape), rng.standard_normal(wshape[0])
    out, cache = conv_forward_naive(x, w, b, param)
    dout = rng.standard_normal(np.shape(out))
    dx, dw, db = conv_backward_naive(dout, cache)
    where = f" (x {shape}, w {wshape}, {param})"
    check_gradient(db, numerical_gradient_array(lambda v: conv_forward_naive(x, w, v, param)[0], b.copy(), dout),
                   "db" + where + "; sum dout over the samples and positions, axes (0, 2, 3)")
    check_gradient(dw, numerical_gradient_array(lambda v: conv_forward_naive(x, v, b, param)[0], w.copy(), dout),
                   "dw" + where + "; use the same window (at h * stride, w * stride) as the forward pass")
    check_gradient(dx, numerical_gradient_array(lambda v: conv_forward_naive(v, w, b, param)[0], x.copy(), dout),
                   "dx" + where + "; accumulate into the padded window at (h * stride, w * stride), then cut the padding")
print("test_conv_backward_naive passed")

# %% [markdown]
# ## 4. Convolution as one matrix product (im2col)
#
# Four nested Python loops cost about a microsecond per iteration before any arithmetic happens;
# a small layer (64 images, 32 filters, 28 x 28 outputs) has 1.6 million of them. The fix is to
# rearrange the input so that the whole convolution becomes **one matrix product**, which numpy
# hands to an optimised BLAS library.
#
# **im2col.** Copy every window of the padded input into one row of a matrix:
#
# $$\text{cols}\big[(n, h, w),\; (c, i, j)\big] = x^{\text{pad}}_{n, c, hs + i, ws + j},
#   \qquad \text{cols} \in \mathbb{R}^{N H' W' \times C\, HH\, WW}.$$
#
# Flatten the filters the same way, $w_{\text{mat}} \in \mathbb{R}^{F \times C\,HH\,WW}$ (that is
# `w.reshape(F, -1)`, whose columns are ordered $(c, i, j)$: the rows of `cols` must use **the same
# order**). Then `cols @ w_mat.T + b` is $(N H' W', F)$: every output pixel of every filter at once;
# reshape it to $(N, H', W', F)$ and move $F$ forward to get $(N, F, H', W')$.
#
# `np.lib.stride_tricks.sliding_window_view(x_pad, (HH, WW), axis=(2, 3))` gives, without copying,
# an array of shape $(N, C, H_p - HH + 1, W_p - WW + 1, HH, WW)$ whose entry $[n, c, h, w]$ is the
# window starting at $(h, w)$; keep every `stride`-th start with `[:, :, ::s, ::s]`, put the axes
# in the order $(n, h, w, c, i, j)$ with `transpose`, and `reshape` (which copies).
#
# **Backward.** The product's gradients are products too (assignment 05's affine layer):
# with $D = $ `dout` rearranged to $(N H' W', F)$,
#
# $$\frac{\partial L}{\partial w_{\text{mat}}} = D^\top \text{cols}, \qquad
#   \frac{\partial L}{\partial b} = \textstyle\sum_{\text{rows}} D, \qquad
#   \frac{\partial L}{\partial\, \text{cols}} = D\, w_{\text{mat}} .$$
#
# **col2im** sends each row of $\partial L / \partial\,\text{cols}$ back to the window it came from.
# A pixel sits in several windows, so the contributions must be **added**, never overwritten. For
# each kernel offset $(i, j)$, the entries of all windows at that offset form a strided block of
# `dx_pad`: `dx_pad[:, :, i:i + s*H':s, j:j + s*W':s] += ...` (an $(N, C, H', W')$ block).
#
# **The rule for this section:** no Python loop over samples, channels, filters or output
# positions. A loop over the $HH \times WW$ kernel offsets (9 iterations for a 3 x 3 kernel) is
# allowed; it is what `utils.conv` does. The grader does not time your code, but section 5 does.

# %% nbgrader={"grade": false, "grade_id": "conv_forward_vec", "locked": false, "schema_version": 3, "solution": true}
def conv_forward_vec(x, w, b, conv_param):
    """Cross-correlate x with F filters as one matrix product (im2col), without loops over samples,
    channels, filters or positions.

    Inputs and outputs as conv_forward_naive: x (N, C, H, W), w (F, C, HH, WW), b (F,),
    conv_param {"stride": s, "pad": p}. Returns (out (N, F, H', W') in x's dtype, cache).
    """
    ### BEGIN SOLUTION
    stride, pad = conv_param["stride"], conv_param["pad"]
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    H_out = (H + 2 * pad - HH) // stride + 1
    W_out = (W + 2 * pad - WW) // stride + 1
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    windows = sliding_window_view(xp, (HH, WW), axis=(2, 3))[:, :, ::stride, ::stride]  # (N, C, H', W', HH, WW)
    cols = windows.transpose(0, 2, 3, 1, 4, 5).reshape(N * H_out * W_out, C * HH * WW)  # rows (n, h, w), columns (c, i, j)
    out = cols @ w.reshape(F, -1).T + b  # (N H' W', F)
    out = out.reshape(N, H_out, W_out, F).transpose(0, 3, 1, 2)  # (N, F, H', W')
    return out, (x.shape, w, cols, conv_param)
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_conv_forward_vec", "locked": true, "points": 3, "schema_version": 3, "solution": false}
# conv_forward_vec matches the hand-computed example and your loop version (stride, padding, channels, float32)
x = np.arange(1.0, 10.0).reshape(1, 1, 3, 3)
w = np.array([[[[1.0, 0.0], [0.0, -1.0]]]])
out, _ = conv_forward_vec(x, w, np.array([0.5]), {"stride": 2, "pad": 1})
assert np.shape(out) == (1, 1, 2, 2), f"with pad 1, stride 2 the output should be (1, 1, 2, 2), got {np.shape(out)}"
assert np.allclose(out[0, 0], [[-0.5, -2.5], [-6.5, -3.5]]), (
    f"expected [[-0.5, -2.5], [-6.5, -3.5]] as in section 2, got {np.asarray(out)[0, 0].tolist()}: keep every "
    "stride-th window start, and do not flip the kernel")

rng = np.random.default_rng(2)
for shape, wshape, param in [((2, 3, 5, 6), (4, 3, 3, 2), {"stride": 2, "pad": 1}),
                             ((3, 2, 4, 4), (5, 2, 2, 2), {"stride": 1, "pad": 0}),
                             ((1, 4, 6, 5), (2, 4, 3, 3), {"stride": 1, "pad": 1})]:
    x, w, b = rng.standard_normal(shape), rng.standard_normal(wshape), rng.standard_normal(wshape[0])
    expected, _ = conv_forward_naive(x, w, b, param)
    out, _ = conv_forward_vec(x, w, b, param)
    assert np.shape(out) == np.shape(expected), (
        f"x {shape}, w {wshape}, {param}: expected shape {np.shape(expected)}, got {np.shape(out)}")
    assert np.allclose(out, expected), (
        f"x {shape}, w {wshape}, {param}: conv_forward_vec differs from conv_forward_naive by up to "
        f"{np.max(np.abs(out - expected)):.3g}: order the columns of cols (c, i, j) like w.reshape(F, -1), and "
        "reshape the product to (N, H', W', F) before moving F to axis 1 (a plain reshape to (N, F, H', W') "
        "scrambles it)")
out32, _ = conv_forward_vec(x.astype(np.float32), w.astype(np.float32), b.astype(np.float32), {"stride": 1, "pad": 1})
assert out32.dtype == np.float32, f"float32 inputs should give a float32 output, got {out32.dtype}"
print("test_conv_forward_vec passed")

# %% nbgrader={"grade": false, "grade_id": "conv_backward_vec", "locked": false, "schema_version": 3, "solution": true}
def conv_backward_vec(dout, cache):
    """Backward pass of conv_forward_vec, with matrix products and col2im (a loop over the
    HH x WW kernel offsets at most).

    Inputs: dout (N, F, H', W'); cache from conv_forward_vec.
    Returns (dx, dw, db): dx (N, C, H, W), dw (F, C, HH, WW), db (F,), in dout's dtype.
    """
    ### BEGIN SOLUTION
    (N, C, H, W), w, cols, conv_param = cache
    stride, pad = conv_param["stride"], conv_param["pad"]
    F, _, HH, WW = w.shape
    _, _, H_out, W_out = dout.shape
    D = dout.transpose(0, 2, 3, 1).reshape(-1, F)  # (N H' W', F), rows ordered like cols
    db = D.sum(axis=0)  # (F,)
    dw = (D.T @ cols).reshape(w.shape)  # (F, C, HH, WW)
    dcols = (D @ w.reshape(F, -1)).reshape(N, H_out, W_out, C, HH, WW)
    dxp = np.zeros((N, C, H + 2 * pad, W + 2 * pad), dtype=dcols.dtype)
    for i in range(HH):  # col2im: windows overlap, so add
        for j in range(WW):
            dxp[:, :, i:i + stride * H_out:stride, j:j + stride * W_out:stride] += dcols[..., i, j].transpose(0, 3, 1, 2)
    return dxp[:, :, pad:pad + H, pad:pad + W], dw, db
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_conv_backward_vec", "locked": true, "points": 3, "schema_version": 3, "solution": false}
# conv_backward_vec against numerical gradients of conv_forward_vec, and against your loop version
rng = np.random.default_rng(3)
for shape, wshape, param in [((2, 2, 5, 4), (3, 2, 3, 2), {"stride": 2, "pad": 1}),
                             ((1, 3, 4, 4), (2, 3, 3, 3), {"stride": 1, "pad": 1})]:
    x, w, b = rng.standard_normal(shape), rng.standard_normal(wshape), rng.standard_normal(wshape[0])
    out, cache = conv_forward_vec(x, w, b, param)
    dout = rng.standard_normal(np.shape(out))
    grads = conv_backward_vec(dout, cache)
    assert isinstance(grads, tuple) and len(grads) == 3, "conv_backward_vec should return a tuple (dx, dw, db)"
    dx, dw, db = grads
    where = f" (x {shape}, w {wshape}, {param})"
    check_gradient(db, numerical_gradient_array(lambda v: conv_forward_vec(x, w, v, param)[0], b.copy(), dout),
                   "db" + where + "; sum dout over the samples and positions")
    check_gradient(dw, numerical_gradient_array(lambda v: conv_forward_vec(x, v, b, param)[0], w.copy(), dout),
                   "dw" + where + "; D.T @ cols, reshaped to (F, C, HH, WW)")
    check_gradient(dx, numerical_gradient_array(lambda v: conv_forward_vec(v, w, b, param)[0], x.copy(), dout),
                   "dx" + where + "; col2im must add (+=) every window's share, at stride-spaced positions")
    _, naive_cache = conv_forward_naive(x, w, b, param)
    for name, ours, loops in zip(("dx", "dw", "db"), grads, conv_backward_naive(dout, naive_cache)):
        assert np.allclose(ours, loops), f"{name}{where} differs from conv_backward_naive's"
x32, w32 = rng.standard_normal((2, 2, 4, 4)).astype(np.float32), rng.standard_normal((3, 2, 3, 3)).astype(np.float32)
out, cache = conv_forward_vec(x32, w32, np.zeros(3, np.float32), {"stride": 1, "pad": 1})
dtypes = [g.dtype for g in conv_backward_vec(np.ones_like(out), cache)]
assert dtypes == [np.float32] * 3, f"float32 inputs should give float32 gradients, got {dtypes}"
print("test_conv_backward_vec passed")

# %% [markdown]
# ## 5. How much faster?
#
# The same layer, timed three ways on the same inputs: your loops, your vectorised version, and
# the course's kernel in `utils.conv` (im2col written to keep the copies few, as in
# `make bench-kernels`). One BLAS thread for all of them.

# %%
from threadpoolctl import threadpool_limits  # noqa: E402 - installed with scikit-learn; not needed for grading

threadpool_limits(1)  # one BLAS thread from here on: on a busy 2-core machine, two threads fight


def seconds(fn, repeats=3):
    """Best of `repeats` wall-clock times of fn()."""
    best = np.inf
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


rng = np.random.default_rng(4)
x = rng.standard_normal((8, 3, 16, 16))
w = rng.standard_normal((8, 3, 3, 3))
b = rng.standard_normal(8)
param = {"stride": 1, "pad": 1}
dout = rng.standard_normal((8, 8, 16, 16))
kernels = {"loops": (conv_forward_naive, conv_backward_naive), "vectorised": (conv_forward_vec, conv_backward_vec),
           "utils.conv": (utils_conv.conv_forward, utils_conv.conv_backward)}
timings = {}
for name, (forward, backward) in kernels.items():
    timings[name] = seconds(lambda: backward(dout, forward(x, w, b, param)[1]), repeats=1 if name == "loops" else 5)
print(f"forward + backward, x {x.shape}, w {w.shape}, stride 1, pad 1")
for name, t in timings.items():
    print(f"{name:>12}: {1e3 * t:8.2f} ms   {timings['loops'] / t:7.0f}x faster than the loops")

# %% [markdown]
# The loops run a Python iteration per (sample, filter, output pixel): 16,384 of them here, at a
# few microseconds each. The vectorised versions do the same arithmetic in a handful of numpy
# calls; yours and the course's differ only in how many copies they make. On a larger layer
# (64 images, 16 to 32 channels, 28 x 28, the size `make bench-kernels` uses) the loops would run
# 1.6 million iterations and take tens of seconds; the vectorised kernels take a fraction of a
# second:

# %%
x = rng.standard_normal((64, 16, 28, 28)).astype(np.float32)
w = (0.1 * rng.standard_normal((32, 16, 3, 3))).astype(np.float32)
b = np.zeros(32, np.float32)
dout = rng.standard_normal((64, 32, 28, 28)).astype(np.float32)
for name in ("vectorised", "utils.conv"):
    forward, backward = kernels[name]
    t = seconds(lambda: backward(dout, forward(x, w, b, param)[1]))
    flops = 3 * 2 * 64 * 28 * 28 * 32 * 16 * 9  # three products of 2 FLOPs per multiply-add
    print(f"{name:>12}: {1e3 * t:7.1f} ms for forward + backward, {flops / t / 1e9:5.1f} GFLOP/s (float32)")

# %% [markdown]
# ## 6. Pooling
#
# A pooling layer shrinks each channel separately: it slides a window of
# `pool_height` x `pool_width` pixels with a step of `stride` (no padding) and keeps one number
# per window, the **maximum** (max pooling) or the **mean** (average pooling). Output sizes follow
# section 1 with $p = 0$. Each channel is pooled on its own; nothing mixes channels.
#
# **Backward.** Average pooling spreads each window's upstream gradient equally over its
# `pool_height * pool_width` pixels. Max pooling is a selection: the output is one of the inputs,
# so its whole gradient goes to the pixel that was the maximum, and the others get 0. If two
# pixels tie for the maximum, the derivative is not defined; we send the gradient to the **first**
# maximum in row-major order (what `argmax` returns, and what PyTorch does). The graded inputs
# have no ties. When windows overlap (stride smaller than the window), a pixel can receive
# gradient from several windows: **add** them.

# %% nbgrader={"grade": false, "grade_id": "max_pool_forward", "locked": false, "schema_version": 3, "solution": true}
def max_pool_forward(x, pool_param):
    """Max pooling of each channel over windows of pool_height x pool_width taken every `stride` pixels.

    Inputs:
    - x: (N, C, H, W).
    - pool_param: {"pool_height": ph, "pool_width": pw, "stride": s}, ints.

    Returns (out, cache): out (N, C, H', W') with H' = (H - ph) // s + 1 and W' = (W - pw) // s + 1,
    in x's dtype; cache, whatever max_pool_backward needs.
    """
    ### BEGIN SOLUTION
    ph, pw, s = pool_param["pool_height"], pool_param["pool_width"], pool_param["stride"]
    windows = sliding_window_view(x, (ph, pw), axis=(2, 3))[:, :, ::s, ::s]  # (N, C, H', W', ph, pw)
    return windows.max(axis=(4, 5)), (x, pool_param)
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_max_pool_forward", "locked": true, "points": 2, "schema_version": 3, "solution": false}
# max_pool_forward on hand-computed examples: 2 x 2 stride 2, overlapping windows, non-square windows, channels
x = np.array([[1.0, 5.0, 2.0, 0.0],
              [3.0, 4.0, 8.0, 6.0],
              [0.0, 2.0, 1.0, 3.0],
              [7.0, 1.0, 9.0, 2.0]]).reshape(1, 1, 4, 4)
out, _ = max_pool_forward(x, {"pool_height": 2, "pool_width": 2, "stride": 2})
assert np.shape(out) == (1, 1, 2, 2), f"a 2 x 2 pool with stride 2 on 4 x 4 should give (1, 1, 2, 2), got {np.shape(out)}"
assert np.allclose(out[0, 0], [[5.0, 8.0], [7.0, 9.0]]), (
    f"expected the maxima of the four 2 x 2 blocks, [[5, 8], [7, 9]], got {np.asarray(out)[0, 0].tolist()}")
out, _ = max_pool_forward(x, {"pool_height": 3, "pool_width": 2, "stride": 1})
assert np.shape(out) == (1, 1, 2, 3), (
    f"a 3 x 2 pool with stride 1 on 4 x 4 should give (1, 1, 2, 3), got {np.shape(out)}: step by the stride")
assert np.allclose(out[0, 0], [[5.0, 8.0, 8.0], [7.0, 9.0, 9.0]]), (
    f"3 (rows) x 2 (columns) windows every pixel should give [[5, 8, 8], [7, 9, 9]], got {np.asarray(out)[0, 0].tolist()}: "
    "pool_height counts rows, pool_width columns")
rng = np.random.default_rng(5)
x = rng.standard_normal((2, 3, 6, 5)).astype(np.float32)
out, _ = max_pool_forward(x, {"pool_height": 2, "pool_width": 2, "stride": 2})
assert np.shape(out) == (2, 3, 3, 2) and out.dtype == np.float32, (
    f"x (2, 3, 6, 5) float32 should give (2, 3, 3, 2) float32, got {np.shape(out)} {getattr(out, 'dtype', '')}")
assert np.allclose(out[1, 2, 1, 0], x[1, 2, 2:4, 0:2].max()), "each channel of each sample is pooled on its own"
print("test_max_pool_forward passed")

# %% nbgrader={"grade": false, "grade_id": "max_pool_backward", "locked": false, "schema_version": 3, "solution": true}
def max_pool_backward(dout, cache):
    """Backward pass of max_pool_forward: each window's dout goes to its maximum (the first, in
    row-major order, if several tie); overlapping windows add up.

    Inputs: dout (N, C, H', W'); cache from max_pool_forward.
    Returns dx (N, C, H, W) in dout's dtype.
    """
    ### BEGIN SOLUTION
    x, pool_param = cache
    ph, pw, s = pool_param["pool_height"], pool_param["pool_width"], pool_param["stride"]
    N, C, H_out, W_out = dout.shape
    windows = sliding_window_view(x, (ph, pw), axis=(2, 3))[:, :, ::s, ::s]
    first = windows.reshape(N, C, H_out, W_out, ph * pw).argmax(axis=-1)  # (N, C, H', W') row-major index
    dx = np.zeros(x.shape, dtype=dout.dtype)
    for i in range(ph):
        for j in range(pw):
            dx[:, :, i:i + s * H_out:s, j:j + s * W_out:s] += dout * (first == i * pw + j)
    return dx
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_max_pool_backward", "locked": true, "points": 2, "schema_version": 3, "solution": false}
# max_pool_backward: gradient to the maximum only, overlapping windows add up, against numerical gradients
x = np.array([[1.0, 5.0, 2.0, 0.0],
              [3.0, 4.0, 8.0, 6.0],
              [0.0, 2.0, 1.0, 3.0],
              [7.0, 1.0, 9.0, 2.0]]).reshape(1, 1, 4, 4)
_, cache = max_pool_forward(x, {"pool_height": 2, "pool_width": 2, "stride": 2})
dx = max_pool_backward(np.array([[[[1.0, 2.0], [3.0, 4.0]]]]), cache)
expected = np.array([[0, 1, 0, 0], [0, 0, 2, 0], [0, 0, 0, 0], [3, 0, 4, 0]], dtype=float)
assert np.shape(dx) == (1, 1, 4, 4), f"dx should have x's shape (1, 1, 4, 4), got {np.shape(dx)}"
assert np.allclose(dx[0, 0], expected), (
    f"each window's dout should go to its maximum only: {expected.tolist()}, got {np.asarray(dx)[0, 0].tolist()}")
_, cache = max_pool_forward(x, {"pool_height": 2, "pool_width": 2, "stride": 1})  # 3 x 3 overlapping windows
dx = max_pool_backward(np.ones((1, 1, 3, 3)), cache)
assert np.allclose(dx[0, 0], [[0, 1, 0, 0], [0, 1, 4, 0], [0, 0, 0, 0], [1, 0, 2, 0]]), (
    f"with overlapping windows, 8 is the maximum of four windows and should collect 4, got "
    f"{np.asarray(dx)[0, 0].tolist()}: add (+=) each window's gradient, do not overwrite")

rng = np.random.default_rng(6)
for shape, pool in [((2, 2, 5, 6), {"pool_height": 2, "pool_width": 3, "stride": 2}),
                    ((1, 3, 4, 4), {"pool_height": 3, "pool_width": 3, "stride": 1})]:
    x = rng.permutation(np.prod(shape)).reshape(shape) / 7.0  # distinct values: no ties
    out, cache = max_pool_forward(x, pool)
    dout = rng.standard_normal(np.shape(out))
    check_gradient(max_pool_backward(dout, cache),
                   numerical_gradient_array(lambda v: max_pool_forward(v, pool)[0], x.copy(), dout),
                   f"dx (x {shape}, {pool})")
print("test_max_pool_backward passed")

# %% nbgrader={"grade": false, "grade_id": "avg_pool_forward", "locked": false, "schema_version": 3, "solution": true}
def avg_pool_forward(x, pool_param):
    """Average pooling of each channel over windows of pool_height x pool_width taken every `stride` pixels.

    Inputs and output shape as max_pool_forward. Returns (out in x's dtype, cache).
    """
    ### BEGIN SOLUTION
    ph, pw, s = pool_param["pool_height"], pool_param["pool_width"], pool_param["stride"]
    windows = sliding_window_view(x, (ph, pw), axis=(2, 3))[:, :, ::s, ::s]  # (N, C, H', W', ph, pw)
    return windows.mean(axis=(4, 5)), (x.shape, pool_param)
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_avg_pool_forward", "locked": true, "points": 2, "schema_version": 3, "solution": false}
# avg_pool_forward on hand-computed examples: the mean of each window, with strides and non-square windows
x = np.array([[1.0, 5.0, 2.0, 0.0],
              [3.0, 4.0, 8.0, 6.0],
              [0.0, 2.0, 1.0, 3.0],
              [7.0, 1.0, 9.0, 2.0]]).reshape(1, 1, 4, 4)
out, _ = avg_pool_forward(x, {"pool_height": 2, "pool_width": 2, "stride": 2})
assert np.shape(out) == (1, 1, 2, 2), f"expected shape (1, 1, 2, 2), got {np.shape(out)}"
assert np.allclose(out[0, 0], [[3.25, 4.0], [2.5, 3.75]]), (
    f"expected the means of the four 2 x 2 blocks, [[3.25, 4], [2.5, 3.75]], got {np.asarray(out)[0, 0].tolist()}: "
    "divide each window's sum by pool_height * pool_width")
out, _ = avg_pool_forward(x, {"pool_height": 1, "pool_width": 3, "stride": 1})
assert np.shape(out) == (1, 1, 4, 2), f"a 1 x 3 pool with stride 1 on 4 x 4 should give (1, 1, 4, 2), got {np.shape(out)}"
assert np.allclose(out[0, 0, :, 0], [8 / 3, 5.0, 1.0, 17 / 3]), (
    f"1 x 3 windows: the first column of outputs should be the means of x[:, 0:3], got {np.asarray(out)[0, 0, :, 0]}: "
    "the count is pool_height * pool_width, not the stride")
out, _ = avg_pool_forward(x, {"pool_height": 2, "pool_width": 2, "stride": 1})
assert np.shape(out) == (1, 1, 3, 3) and np.isclose(out[0, 0, 1, 1], 3.75), (
    "2 x 2 windows with stride 1 should overlap: 3 x 3 outputs, the middle one (4 + 8 + 2 + 1) / 4 = 3.75")
out32, _ = avg_pool_forward(x.astype(np.float32), {"pool_height": 2, "pool_width": 2, "stride": 2})
assert out32.dtype == np.float32, f"float32 input should give float32 output, got {out32.dtype}"
print("test_avg_pool_forward passed")

# %% nbgrader={"grade": false, "grade_id": "avg_pool_backward", "locked": false, "schema_version": 3, "solution": true}
def avg_pool_backward(dout, cache):
    """Backward pass of avg_pool_forward: each window's dout, divided by the window's pixel count,
    to every pixel of the window; overlapping windows add up.

    Inputs: dout (N, C, H', W'); cache from avg_pool_forward.
    Returns dx (N, C, H, W) in dout's dtype.
    """
    ### BEGIN SOLUTION
    x_shape, pool_param = cache
    ph, pw, s = pool_param["pool_height"], pool_param["pool_width"], pool_param["stride"]
    _, _, H_out, W_out = dout.shape
    share = dout / (ph * pw)
    dx = np.zeros(x_shape, dtype=dout.dtype)
    for i in range(ph):
        for j in range(pw):
            dx[:, :, i:i + s * H_out:s, j:j + s * W_out:s] += share
    return dx
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_avg_pool_backward", "locked": true, "points": 2, "schema_version": 3, "solution": false}
# avg_pool_backward: an equal share of each window's gradient, overlaps add up, against numerical gradients
x = np.zeros((1, 1, 4, 4))
_, cache = avg_pool_forward(x, {"pool_height": 2, "pool_width": 2, "stride": 2})
dx = avg_pool_backward(np.array([[[[4.0, 8.0], [12.0, 16.0]]]]), cache)
assert np.shape(dx) == (1, 1, 4, 4), f"dx should have x's shape (1, 1, 4, 4), got {np.shape(dx)}"
assert np.allclose(dx[0, 0], np.kron([[1.0, 2.0], [3.0, 4.0]], np.ones((2, 2)))), (
    f"each pixel of a 2 x 2 window should get a quarter of its dout, got {np.asarray(dx)[0, 0].tolist()}")
_, cache = avg_pool_forward(x, {"pool_height": 2, "pool_width": 2, "stride": 1})
dx = avg_pool_backward(np.ones((1, 1, 3, 3)), cache)
assert np.allclose(dx[0, 0], [[0.25, 0.5, 0.5, 0.25], [0.5, 1, 1, 0.5], [0.5, 1, 1, 0.5], [0.25, 0.5, 0.5, 0.25]]), (
    f"with overlapping windows a middle pixel is in four windows and should collect 4 x 0.25 = 1, got "
    f"{np.asarray(dx)[0, 0].tolist()}: add (+=), do not overwrite")
rng = np.random.default_rng(7)
for shape, pool in [((2, 2, 5, 6), {"pool_height": 2, "pool_width": 3, "stride": 2}),
                    ((1, 3, 5, 5), {"pool_height": 3, "pool_width": 1, "stride": 1})]:
    x = rng.standard_normal(shape)
    out, cache = avg_pool_forward(x, pool)
    dout = rng.standard_normal(np.shape(out))
    check_gradient(avg_pool_backward(dout, cache),
                   numerical_gradient_array(lambda v: avg_pool_forward(v, pool)[0], x.copy(), dout),
                   f"dx (x {shape}, {pool}); divide by pool_height * pool_width")
print("test_avg_pool_backward passed")

# %% [markdown]
# ## 7. Filters and feature maps
#
# What does a filter do to a letter? Take one letter and three hand-made 3 x 3 filters: a
# **vertical-edge** filter (right column minus left column, the Sobel filter), its transpose for
# **horizontal** edges, and a **blur** (all weights 1/9). Each makes one feature map; ReLU keeps
# only where the filter's pattern is present (the edge in one direction: dark-to-light), and a
# 2 x 2 max pool keeps the strongest response in each block at half the resolution.

# %%
letters = load_letters()
letter = letters["X_train"][3]  # (28, 28)
sobel = np.array([[-1.0, 0.0, 1.0], [-2.0, 0.0, 2.0], [-1.0, 0.0, 1.0]])
filters = np.stack([sobel, sobel.T, np.full((3, 3), 1 / 9)])[:, None]  # (3, 1, 3, 3)
names = ["vertical edges", "horizontal edges", "blur"]
maps, _ = conv_forward_vec(letter[None, None], filters, np.zeros(3), {"stride": 1, "pad": 1})  # (1, 3, 28, 28)
pooled, _ = max_pool_forward(np.maximum(maps, 0), {"pool_height": 2, "pool_width": 2, "stride": 2})  # (1, 3, 14, 14)

fig, axes = plt.subplots(2, 4, figsize=(12, 6.2))
axes[0, 0].imshow(letter, cmap="gray")
axes[0, 0].set_title(f"a letter '{letters['classes'][letters['y_train'][3]]}', 28 x 28")
axes[1, 0].imshow(sobel, cmap="RdBu_r", vmin=-2, vmax=2)
axes[1, 0].set_title("vertical-edge filter\n(red +, blue -)")
for k in range(3):
    top = np.abs(maps[0, k]).max()
    axes[0, k + 1].imshow(maps[0, k], cmap="RdBu_r", vmin=-top, vmax=top)
    axes[0, k + 1].set_title(f"{names[k]}\n(red +, blue -)")
    axes[1, k + 1].imshow(pooled[0, k], cmap="gray")
    axes[1, k + 1].set_title(f"{names[k]}\nafter ReLU and 2 x 2 max pool")
for ax in axes.ravel():
    ax.set_xlabel("column (pixel)")
    ax.set_ylabel("row (pixel)")
axes[1, 0].set_xticks(range(3))
axes[1, 0].set_yticks(range(3))
axes[1, 0].set_xlabel("kernel column j")
axes[1, 0].set_ylabel("kernel row i")
plt.tight_layout()
plt.show()

# %% [markdown]
# The vertical-edge map is red where ink begins as we move right (the left side of a stroke) and
# blue where it ends; horizontal strokes leave it blank, and the horizontal-edge filter shows the
# opposite. After ReLU and pooling, each 14 x 14 map says "there is a left edge of a vertical
# stroke roughly here": half the resolution, still readable. A network learns its own filters;
# the first layer's often look like these.

# %% [markdown]
# ## 8. A LeNet-style network
#
# LeCun's LeNet (1989-1998) read handwritten digits with alternating convolutions and poolings
# followed by fully connected layers. Ours is
#
# ```
# conv (F1 filters, K1 x K1) - ReLU - 2x2 max pool - conv (F2, K2 x K2) - ReLU - 2x2 max pool
#   - affine (Hd) - ReLU - affine (K classes) - softmax
# ```
#
# Both convolutions have stride 1 and padding $(K - 1) / 2$ (odd kernels), so they keep the size,
# and each pool (2 x 2, stride 2) halves it, rounding down. The affine layers of `utils.layers`
# (assignment 05) flatten their input, so `affine_forward` takes the $(N, F_2, H_2, W_2)$ maps
# as they are, and `affine_backward` returns the gradient in that shape.
#
# Write `lenet_loss` from **your** vectorised convolution and max pooling, with ReLU and the affine
# layers from `utils.layers` and `softmax_cross_entropy` from `utils.losses`. Add the L2 penalty
# $\tfrac{1}{2}\,\text{reg} \sum_l \lVert W_l \rVert^2$ over the four weight arrays (not the biases),
# as in assignment 05.

# %% nbgrader={"grade": false, "grade_id": "lenet_loss", "locked": false, "schema_version": 3, "solution": true}
def lenet_loss(params, X, y=None, reg=0.0):
    """Compute the LeNet-style net's scores, or its loss and gradients.

    Inputs:
    - params: "W1" (F1, C, K1, K1), "b1" (F1,), "W2" (F2, F1, K2, K2), "b2" (F2,),
      "W3" (F2 * H2 * W2, Hd), "b3" (Hd,), "W4" (Hd, K), "b4" (K,), with K1, K2 odd and
      H2 = (H // 2) // 2, W2 = (W // 2) // 2.
    - X: images (N, C, H, W).
    - y: integer labels (N,), or None.
    - reg: L2 strength for W1..W4.

    Returns the scores (N, K) when y is None; else (loss, grads): the mean softmax cross-entropy plus
    0.5 * reg * sum of the squared weights, a float, and a dict of gradients keyed and shaped like params.
    """
    ### BEGIN SOLUTION
    p = params
    pool = {"pool_height": 2, "pool_width": 2, "stride": 2}
    a1, conv1 = conv_forward_vec(X, p["W1"], p["b1"], {"stride": 1, "pad": (p["W1"].shape[2] - 1) // 2})
    r1, relu1 = layers.relu_forward(a1)
    h1, pool1 = max_pool_forward(r1, pool)  # (N, F1, H/2, W/2)
    a2, conv2 = conv_forward_vec(h1, p["W2"], p["b2"], {"stride": 1, "pad": (p["W2"].shape[2] - 1) // 2})
    r2, relu2 = layers.relu_forward(a2)
    h2, pool2 = max_pool_forward(r2, pool)  # (N, F2, H2, W2)
    h3, fc3 = layers.affine_relu_forward(h2, p["W3"], p["b3"])  # (N, Hd)
    scores, fc4 = layers.affine_forward(h3, p["W4"], p["b4"])  # (N, K)
    if y is None:
        return scores
    loss, dscores = softmax_cross_entropy(scores, y)
    grads = {}
    dh3, grads["W4"], grads["b4"] = layers.affine_backward(dscores, fc4)
    dh2, grads["W3"], grads["b3"] = layers.affine_relu_backward(dh3, fc3)  # dh2 (N, F2, H2, W2)
    da2 = layers.relu_backward(max_pool_backward(dh2, pool2), relu2)
    dh1, grads["W2"], grads["b2"] = conv_backward_vec(da2, conv2)
    da1 = layers.relu_backward(max_pool_backward(dh1, pool1), relu1)
    _, grads["W1"], grads["b1"] = conv_backward_vec(da1, conv1)
    for k in ("W1", "W2", "W3", "W4"):
        loss += 0.5 * reg * np.sum(p[k] * p[k])
        grads[k] = grads[k] + reg * p[k]
    return float(loss), grads
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_lenet_scores", "locked": true, "points": 2, "schema_version": 3, "solution": false}
# lenet_loss(params, X) returns scores of the right shape that follow the architecture
def small_lenet(rng, C=1, F1=3, F2=4, K1=3, K2=3, side=8, Hd=6, K=3, scale=1.0):
    return {"W1": scale * rng.standard_normal((F1, C, K1, K1)) / K1, "b1": 0.1 * rng.standard_normal(F1),
            "W2": scale * rng.standard_normal((F2, F1, K2, K2)) / K2, "b2": 0.1 * rng.standard_normal(F2),
            "W3": scale * rng.standard_normal((F2 * (side // 4) ** 2, Hd)) / 3, "b3": 0.1 * rng.standard_normal(Hd),
            "W4": scale * rng.standard_normal((Hd, K)) / 2, "b4": 0.1 * rng.standard_normal(K)}


rng = np.random.default_rng(8)
params = small_lenet(rng)
X = rng.standard_normal((5, 1, 8, 8))
scores = lenet_loss(params, X)
assert np.shape(scores) == (5, 3), f"scores should be (N, K) = (5, 3), got {np.shape(scores)}"
one = lenet_loss(params, X[2:3])
assert np.allclose(one, scores[2:3]), "each sample's scores should not depend on the other samples in the batch"

# an all-zero image: conv1 gives b1 = (1, -1) everywhere, and every later layer is as easy to follow by hand
W2 = np.zeros((1, 2, 3, 3))
W2[0, 1, 1, 1] = 1.0  # conv2 adds the centre pixel of conv1's second channel, after its ReLU: 0
params = {"W1": np.zeros((2, 1, 3, 3)), "b1": np.array([1.0, -1.0]), "W2": W2,
          "b2": np.array([2.0]), "W3": np.ones((4, 2)), "b3": np.array([0.0, -10.0]),
          "W4": np.array([[1.0, 0.0, -1.0], [5.0, 5.0, 5.0]]), "b4": np.array([0.0, 1.0, 0.0])}
scores = lenet_loss(params, np.zeros((1, 1, 8, 8)))
assert np.allclose(scores, [[8.0, 1.0, -8.0]]), (
    f"conv1's second channel is relu(-1) = 0, so conv2's maps are b2 = 2 after ReLU and pooling, affine 3 gives "
    f"[4 * 2, relu(4 * 2 - 10) = 0] and the scores are [8, 1, -8]; got {np.asarray(scores).tolist()}: "
    "conv - relu - pool twice, then affine - relu - affine, with 'same' padding (K - 1) // 2")
rng = np.random.default_rng(9)
params = small_lenet(rng, C=2, F1=2, F2=3, K1=5, K2=1, side=9, Hd=4, K=2)
scores = lenet_loss(params, rng.standard_normal((3, 2, 9, 9)))
assert np.shape(scores) == (3, 2), (
    f"with 5 x 5 and 1 x 1 kernels on 9 x 9 images the scores should still be (3, 2), got {np.shape(scores)}: "
    "pad each convolution by (K - 1) // 2 (2 and 0 here)")
print("test_lenet_scores passed")

# %% nbgrader={"grade": true, "grade_id": "test_lenet_grads", "locked": true, "points": 3, "schema_version": 3, "solution": false}
# lenet_loss(params, X, y, reg) returns the loss and gradients that match numerical gradients
rng = np.random.default_rng(10)
params = small_lenet(rng, C=2, F1=2, F2=3, side=8, Hd=5, K=4, scale=2.0)
X = rng.standard_normal((3, 2, 8, 8))
y = np.array([0, 3, 1])
reg = 0.3
result = lenet_loss(params, X, y, reg=reg)
assert isinstance(result, tuple) and len(result) == 2 and isinstance(result[1], dict), (
    "lenet_loss(params, X, y) should return a pair (loss, grads), grads a dict keyed like params")
loss, grads = result
assert sorted(grads) == sorted(params), f"grads should have the keys {sorted(params)}, got {sorted(grads)}"
data_loss = lenet_loss(params, X, y, reg=0.0)[0]
penalty = 0.5 * reg * sum(np.sum(params[k] ** 2) for k in ("W1", "W2", "W3", "W4"))
assert np.isclose(loss, data_loss + penalty), (
    f"with reg = {reg} the loss should be {data_loss + penalty:.6f} (data loss + 0.5 * reg * sum of squared W1..W4, "
    f"not the biases), got {loss:.6f}")
for key in sorted(params):
    def f(v, key=key):
        moved = dict(params, **{key: v})
        return lenet_loss(moved, X, y, reg=reg)[0]
    numeric = numerical_gradient_array(f, params[key].copy(), 1.0)
    check_gradient(grads[key], numeric, f"grads['{key}']", tol=1e-5)
print("test_lenet_grads passed")

# %% [markdown]
# ## 9. Letters that move: a CNN against an MLP
#
# Assignment 05's MLP reached over 99% on the letters, which sit near the middle of their frame.
# Here is a harder version, `load_shifted_letters()`: each letter is halved to 14 x 14 pixels and
# pasted at a random place on a 22 x 22 canvas (its position varies by up to 8 pixels each way), over two
# fragments of other letters, with noise. The label is the whole letter; the fragments are clutter.

# %%
shifted = load_shifted_letters()
fig, axes = plt.subplots(2, 8, figsize=(12, 4.0))
for ax, img, label in zip(axes.ravel(), shifted["X_train"], shifted["y_train"]):
    ax.imshow(img, cmap="gray")
    ax.set_title(shifted["classes"][label])
    ax.set_xticks([])
    ax.set_yticks([])
fig.suptitle("Shifted letters with clutter (22 x 22 pixels), with their labels")
plt.tight_layout(rect=(0, 0, 1, 0.95))
plt.show()

# %% [markdown]
# We train, on the same 3,000 training images (pixels centred by the training mean, float32):
#
# - the **CNN**: `LeNet` from `utils.convnet`, the network of section 8 built from the course's
#   fast kernel (`utils.conv`; your vectorised layers compute the same thing), with 8 and 16 3 x 3
#   filters and 64 hidden units: about 27,000 weights;
# - the **MLP** of assignment 05 (`FullyConnectedNet`), 484 - 256 - 128 - 10 with ReLU: about 158,000.
#
# Both use SGD with momentum 0.9 on batches of 50 (learning rate 0.05 for the CNN, 0.02 for the MLP,
# each the better of a few tries) and get the same budget of training time: the CNN a fixed number
# of epochs, the MLP as many epochs as fit in the time the CNN took (the table shows both). Three
# seeds each (initial weights and batch order). After every epoch, accuracy is measured on the 1,000
# validation images and on 500 of the training images.

# %%
from utils.convnet import LeNet  # noqa: E402
from utils.models import FullyConnectedNet  # noqa: E402
from utils.optim import sgd_momentum  # noqa: E402
from utils.train import accuracy, train  # noqa: E402

N_TRAIN, CNN_EPOCHS, SEEDS = 3000, 8, (0, 1, 2)
X_tr, y_tr = shifted["X_train"][:N_TRAIN], shifted["y_train"][:N_TRAIN]
pixel_mean = X_tr.mean()
X_tr, X_val, X_te = ((X - pixel_mean).astype(np.float32) for X in (X_tr, shifted["X_val"], shifted["X_test"]))
y_val, y_te = shifted["y_val"], shifted["y_test"]
side = X_tr.shape[1]


def he_init(fan_in, fan_out, rng):
    return np.sqrt(2.0 / fan_in) * rng.standard_normal((fan_in, fan_out))


results = {"CNN": [], "MLP": []}
for seed in SEEDS:
    cnn = LeNet((1, side, side), filters=(8, 16), hidden=64, rng=seed)
    start = time.perf_counter()
    h_cnn = train(cnn, X_tr, y_tr, sgd_momentum, {"learning_rate": 0.05, "momentum": 0.9}, X_val, y_val,
                  epochs=CNN_EPOCHS, batch_size=50, rng=seed, progress=False, eval_size=500)
    budget = time.perf_counter() - start
    mlp = FullyConnectedNet([256, 128], side * side, 10, weight_scale=he_init, rng=seed, dtype=np.float32)
    h_mlp = train(mlp, X_tr.reshape(N_TRAIN, -1), y_tr, sgd_momentum, {"learning_rate": 0.02, "momentum": 0.9},
                  X_val.reshape(len(X_val), -1), y_val, epochs=1000, batch_size=50, rng=seed, progress=False,
                  eval_size=500, max_seconds=budget)
    results["CNN"].append((accuracy(cnn, X_te, y_te), budget, len(h_cnn["val_acc"]), h_cnn))
    results["MLP"].append((accuracy(mlp, X_te.reshape(len(X_te), -1), y_te), h_mlp["seconds"][-1],
                           len(h_mlp["val_acc"]), h_mlp))
    print(f"seed {seed}: CNN {results['CNN'][-1][0]:.3f} in {budget:.1f} s, "
          f"MLP {results['MLP'][-1][0]:.3f} in {len(h_mlp['val_acc'])} epochs", flush=True)

print(f"\n{'model':<7}{'test accuracy':>15}{'seeds 0, 1, 2':>22}{'train acc.':>12}{'seconds':>10}{'epochs':>9}")
for name, runs in results.items():
    acc = np.array([r[0] for r in runs])
    spread = f"{acc.mean():.3f} ± {(acc.max() - acc.min()) / 2:.3f}"
    print(f"{name:<7}{spread:>15}{'  '.join(f'{a:.3f}' for a in acc):>22}"
          f"{np.mean([r[3]['train_acc'][-1] for r in runs]):>12.3f}"
          f"{np.mean([r[1] for r in runs]):>10.1f}{np.mean([r[2] for r in runs]):>9.1f}")
print("(test accuracy: mean ± half the range over the three seeds; the other columns are means)")

# %%
fig, ax = plt.subplots(figsize=(7, 4))
for name, color, marker in (("CNN", "tab:blue", "o-"), ("MLP", "tab:orange", ".-")):
    for i, (_, _, _, h) in enumerate(results[name]):
        ax.plot(h["seconds"], h["val_acc"], marker, color=color, alpha=0.8, label=name if i == 0 else None)
ax.axhline(0.1, color="k", linestyle=":", label="guessing (10 classes)")
ax.set_xlabel("training time (s, one BLAS thread)")
ax.set_ylabel("validation accuracy")
ax.set_title("Shifted letters: validation accuracy during training (3 seeds each)")
ax.legend()
plt.show()

# %% [markdown]
# In the plot (one point per epoch) the MLP reaches its plateau of about 42% within a few seconds
# and stays there for the rest of its time; the CNN starts slower, since each of its epochs costs
# more, but keeps climbing, to about 70%. In the table the gap, more than 25 points, is many times
# the spread between seeds.
#
# The MLP learns its 3,000 training images perfectly and stalls on the validation set: a weight
# that learned "ink at pixel (5, 7)" for an A says nothing about an A four pixels lower. The CNN
# applies the same small filters everywhere and pools their answers, so what it learns about a
# stroke at one place is used at every place, with a sixth of the weights.

# %% [markdown]
# **Question 1.** Using `receptive_field`, how many input pixels does one unit of the CNN's second
# pooled layer see, and how many pixels does a letter cover here? What would you change in the
# network if the letters were twice as large, and why? (Three to five sentences.)

# %% [markdown] nbgrader={"grade": true, "grade_id": "q_receptive_field", "locked": false, "points": 1, "schema_version": 3, "solution": true}
# ### BEGIN SOLUTION
# The stack conv 3 x 3, pool 2 x 2 (stride 2), conv 3 x 3, pool 2 x 2 (stride 2) gives
# $r = 1 + 2 + 1 + 2 \cdot 2 + 1 \cdot 2 = 10$ pixels: a unit of the last pooled layer sees a
# 10 x 10 patch, and the letter's box is 14 x 14 (the glyph about 10 pixels tall). So each unit sees
# most of a letter, and the affine layer combines units that together cover all of it. For letters
# twice as large, a unit would see only a piece of a stroke; I would add a third convolution and
# pooling stage (or use larger or dilated kernels) so that the receptive field grows to about the
# size of a letter before the fully connected layers combine the evidence.
# ### END SOLUTION

# %% [markdown]
# **Question 2.** A convolution is *equivariant* to shifts (shift the input, and the feature map
# shifts the same way) and max pooling makes it *approximately invariant* to small shifts. Explain
# both in your own words, and say why the whole CNN here is still not exactly invariant to moving
# the letter by one pixel. (Three to five sentences.)

# %% [markdown] nbgrader={"grade": true, "grade_id": "q_invariance", "locked": false, "points": 1, "schema_version": 3, "solution": true}
# ### BEGIN SOLUTION
# Every output pixel applies the same filter to the window under it, so moving the input by one
# pixel moves every window's content, and hence the whole feature map, by one pixel: equivariance
# (away from the borders). A 2 x 2 max pool keeps the largest value in each block, and a shift by
# one pixel often leaves that maximum in the same block, so the pooled map changes little:
# approximate invariance. It is not exact: a shift can move a maximum across a block boundary,
# pooling with stride 2 makes odd and even shifts look different, the padding at the borders breaks
# equivariance, and the final affine layer gives each position of the last map its own weights.
# ### END SOLUTION

# %% [markdown]
# ## 10. Wrap-up
#
# You computed output sizes and receptive fields, wrote a convolution as four loops and then as one
# matrix product with im2col and col2im, wrote max and average pooling with their backward passes,
# and put them together into a LeNet-style network whose gradients match numerical ones. On letters
# that move around, a small CNN beat an MLP with six times as many weights by a wide margin in the
# same training time.
#
# From now on these live in `utils.conv` (`conv_output_size`, `receptive_field`, `conv_forward`,
# `conv_backward`, `max_pool_forward`, `max_pool_backward`, `avg_pool_forward`, `avg_pool_backward`
# and the `conv_relu_pool` sandwich) and `utils.convnet` (`lenet_loss`, `LeNet`). Assignment 10
# stacks many more of these layers and shows what it takes to train a deep stack.
