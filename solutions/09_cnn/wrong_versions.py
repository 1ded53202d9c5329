"""Wrong versions of 09_cnn's graded functions: the mistakes students really make.

The test suite puts each one into the released notebook in place of the student's cell, grades it,
and asserts that every test calling that function loses its points and that a visible test fails.
The first version of each function is the demo's "typical mistakes" student, so it must fail every
test that calls that function (LeNet's tests run through the vectorised convolution and max pooling).

Wrong forward passes keep the reference's cache layout, so the reference backward pass runs on it
and the wrongness shows in the gradient checks too.
"""

_NAIVE_FWD = '''
import numpy as np
def conv_forward_naive(x, w, b, conv_param):
    stride, pad = conv_param["stride"], conv_param["pad"]
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    H_out = (H + 2 * pad - HH) // stride + 1
    W_out = (W + 2 * pad - WW) // stride + 1
    xp = np.pad(x, {pad_width})
    out = np.zeros((N, F, H_out, W_out){dtype})
    for n in range(N):
        for f in range(F):
            for i in range(H_out):
                for j in range(W_out):
                    window = xp[n, :, {rows}, {cols}]
                    out[n, f, i, j] = np.sum(window * {kernel}) + b[f]
    return out, (x, w, b, conv_param)
'''


def _naive_fwd(pad_width="((0, 0), (0, 0), (pad, pad), (pad, pad))", dtype=", dtype=x.dtype",
               rows="i * stride:i * stride + HH", cols="j * stride:j * stride + WW", kernel="w[f]"):
    return _NAIVE_FWD.format(pad_width=pad_width, dtype=dtype, rows=rows, cols=cols, kernel=kernel)


_NAIVE_BWD = '''
import numpy as np
def conv_backward_naive(dout, cache):
    x, w, b, conv_param = cache
    stride, pad = conv_param["stride"], conv_param["pad"]
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    _, _, H_out, W_out = dout.shape
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    dxp = np.zeros_like(xp)
    dw = np.zeros_like(w)
    db = {db}
    for n in range(N):
        for f in range(F):
            for i in range(H_out):
                for j in range(W_out):
                    hs, ws = {starts}
                    dxp[n, :, hs:hs + HH, ws:ws + WW] += dout[n, f, i, j] * w[f]
                    dw[f] {dw_op} dout[n, f, i, j] * xp[n, :, hs:hs + HH, ws:ws + WW]
    return {dx}, dw, db
'''


def _naive_bwd(db="dout.sum(axis=(0, 2, 3))", starts="i * stride, j * stride", dw_op="+=",
               dx="dxp[:, :, pad:pad + H, pad:pad + W]"):
    return _NAIVE_BWD.format(db=db, starts=starts, dw_op=dw_op, dx=dx)


_VEC_FWD = '''
import numpy as np
from numpy.lib.stride_tricks import sliding_window_view
def conv_forward_vec(x, w, b, conv_param):
    stride, pad = conv_param["stride"], conv_param["pad"]
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    H_out = (H + 2 * pad - HH) // stride + 1
    W_out = (W + 2 * pad - WW) // stride + 1
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    windows = sliding_window_view(xp, (HH, WW), axis=(2, 3)){step}
    cols = windows.transpose({order}).reshape(N * H_out * W_out, C * HH * WW)
    out = cols @ {wmat}.T + b
    out = {final}
    return out, (x.shape, w, cols, conv_param)
'''


def _vec_fwd(step="[:, :, ::stride, ::stride]", order="0, 2, 3, 1, 4, 5", wmat="w.reshape(F, -1)",
             final="out.reshape(N, H_out, W_out, F).transpose(0, 3, 1, 2)"):
    return _VEC_FWD.format(step=step, order=order, wmat=wmat, final=final)


_VEC_BWD = '''
import numpy as np
def conv_backward_vec(dout, cache):
    (N, C, H, W), w, cols, conv_param = cache
    stride, pad = conv_param["stride"], conv_param["pad"]
    F, _, HH, WW = w.shape
    _, _, H_out, W_out = dout.shape
    D = dout.transpose(0, 2, 3, 1).reshape(-1, F)
    db = {db}
    dw = {dw}
    dcols = (D @ w.reshape(F, -1)).reshape(N, H_out, W_out, C, HH, WW)
    dxp = np.zeros((N, C, H + 2 * pad, W + 2 * pad), dtype=dcols.dtype)
    for i in range(HH):
        for j in range(WW):
            dxp[:, :, {rows}, {cols}] {op} dcols[..., i, j].transpose(0, 3, 1, 2)
    return dxp[:, :, pad:pad + H, pad:pad + W], dw, db
'''


def _vec_bwd(db="D.sum(axis=0)", dw="(D.T @ cols).reshape(w.shape)", rows="i:i + stride * H_out:stride",
             cols="j:j + stride * W_out:stride", op="+="):
    return _VEC_BWD.format(db=db, dw=dw, rows=rows, cols=cols, op=op)


_POOL_FWD = '''
import numpy as np
from numpy.lib.stride_tricks import sliding_window_view
def {name}(x, pool_param):
    ph, pw, s = pool_param["pool_height"], pool_param["pool_width"], pool_param["stride"]
    windows = sliding_window_view(x, (ph, pw), axis=(2, 3)){step}
    return {reduce}, ({cache}, pool_param)
'''


def _max_fwd(step="[:, :, ::s, ::s]", reduce="windows.max(axis=(4, 5))"):
    return _POOL_FWD.format(name="max_pool_forward", step=step, reduce=reduce, cache="x")


def _avg_fwd(step="[:, :, ::s, ::s]", reduce="windows.mean(axis=(4, 5))"):
    return _POOL_FWD.format(name="avg_pool_forward", step=step, reduce=reduce, cache="x.shape")


_MAX_BWD = '''
import numpy as np
from numpy.lib.stride_tricks import sliding_window_view
def max_pool_backward(dout, cache):
    x, pool_param = cache
    ph, pw, s = pool_param["pool_height"], pool_param["pool_width"], pool_param["stride"]
    N, C, H_out, W_out = dout.shape
    windows = sliding_window_view(x, (ph, pw), axis=(2, 3))[:, :, ::s, ::s]
    first = windows.reshape(N, C, H_out, W_out, ph * pw).argmax(axis=-1)
    dx = np.zeros(x.shape, dtype=dout.dtype)
    for i in range(ph):
        for j in range(pw):
            dx[:, :, {rows}, {cols}] {op} {value}
    return dx
'''


def _max_bwd(rows="i:i + s * H_out:s", cols="j:j + s * W_out:s", op="+=", value="dout * (first == i * pw + j)"):
    return _MAX_BWD.format(rows=rows, cols=cols, op=op, value=value)


_AVG_BWD = '''
import numpy as np
def avg_pool_backward(dout, cache):
    x_shape, pool_param = cache
    ph, pw, s = pool_param["pool_height"], pool_param["pool_width"], pool_param["stride"]
    _, _, H_out, W_out = dout.shape
    share = {share}
    dx = np.zeros(x_shape, dtype=dout.dtype)
    for i in range(ph):
        for j in range(pw):
            dx[:, :, {rows}, {cols}] {op} share
    return dx
'''


def _avg_bwd(share="dout / (ph * pw)", rows="i:i + s * H_out:s", cols="j:j + s * W_out:s", op="+="):
    return _AVG_BWD.format(share=share, rows=rows, cols=cols, op=op)


_LENET = '''
import numpy as np
def lenet_loss(params, X, y=None, reg=0.0):
    p = params
    pool = {{"pool_height": 2, "pool_width": 2, "stride": 2}}
    a1, conv1 = conv_forward_vec(X, p["W1"], p["b1"], {{"stride": 1, "pad": {pad1}}})
    r1, relu1 = {relu1}
    h1, pool1 = max_pool_forward(r1, pool)
    a2, conv2 = conv_forward_vec(h1, p["W2"], p["b2"], {{"stride": 1, "pad": (p["W2"].shape[2] - 1) // 2}})
    r2, relu2 = layers.relu_forward(a2)
    h2, pool2 = max_pool_forward(r2, pool)
    h3, fc3 = layers.affine_relu_forward(h2, p["W3"], p["b3"])
    scores, fc4 = layers.affine_forward(h3, p["W4"], p["b4"])
    if y is None:
        return scores
    loss, dscores = softmax_cross_entropy(scores, y)
    grads = {{}}
    dh3, grads["W4"], grads["b4"] = layers.affine_backward(dscores, fc4)
    dh2, grads["W3"], grads["b3"] = layers.affine_relu_backward(dh3, fc3)
    da2 = layers.relu_backward(max_pool_backward(dh2, pool2), relu2)
    dh1, grads["W2"], grads["b2"] = conv_backward_vec(da2, conv2)
    da1 = {da1}
    _, grads["W1"], grads["b1"] = conv_backward_vec(da1, conv1)
    for k in {keys}:
        loss += 0.5 * reg * np.sum(p[k] * p[k])
        grads[k] = grads[k] {grad_reg}
    return float(loss), grads
'''


def _lenet(pad1='(p["W1"].shape[2] - 1) // 2', relu1="layers.relu_forward(a1)",
           da1="layers.relu_backward(max_pool_backward(dh1, pool1), relu1)", keys='("W1", "W2", "W3", "W4")',
           grad_reg="+ reg * p[k]"):
    return _LENET.format(pad1=pad1, relu1=relu1, da1=da1, keys=keys, grad_reg=grad_reg)


WRONG = {
    "conv_output_size": [
        ("forgets the + 1", '''
def conv_output_size(size, kernel, stride=1, pad=0, dilation=1):
    span = dilation * (kernel - 1) + 1
    return (size + 2 * pad - span) // stride
'''),
        ("pads one side only", '''
def conv_output_size(size, kernel, stride=1, pad=0, dilation=1):
    span = dilation * (kernel - 1) + 1
    return (size + pad - span) // stride + 1
'''),
        ("ignores the dilation", '''
def conv_output_size(size, kernel, stride=1, pad=0, dilation=1):
    return (size + 2 * pad - kernel) // stride + 1
'''),
        ("rounds up: counts a window that runs past the end", '''
import math
def conv_output_size(size, kernel, stride=1, pad=0, dilation=1):
    span = dilation * (kernel - 1) + 1
    return math.ceil((size + 2 * pad - span) / stride) + 1
'''),
    ],
    "receptive_field": [
        ("ignores the strides: adds kernel - 1 per layer", '''
def receptive_field(layers):
    r = 1
    for layer in layers:
        dilation = layer[2] if len(layer) > 2 else 1
        r += dilation * (layer[0] - 1)
    return r
'''),
        ("multiplies in a layer's own stride before adding its kernel", '''
def receptive_field(layers):
    r, jump = 1, 1
    for layer in layers:
        dilation = layer[2] if len(layer) > 2 else 1
        jump *= layer[1]
        r += dilation * (layer[0] - 1) * jump
    return r
'''),
        ("ignores the dilation", '''
def receptive_field(layers):
    r, jump = 1, 1
    for layer in layers:
        r += (layer[0] - 1) * jump
        jump *= layer[1]
    return r
'''),
    ],
    "conv_forward_naive": [
        ("flips the kernel (a true convolution, not the libraries' cross-correlation)",
         _naive_fwd(kernel="w[f, :, ::-1, ::-1]")),
        ("pads only the height", _naive_fwd(pad_width="((0, 0), (0, 0), (pad, pad), (0, 0))")),
        ("ignores the stride when placing the window", _naive_fwd(rows="i:i + HH", cols="j:j + WW")),
        ("output in float64 whatever the input", _naive_fwd(dtype="")),
        ("pads the sample and channel axes instead of H and W",
         _naive_fwd(pad_width="((pad, pad), (pad, pad), (0, 0), (0, 0))")),
    ],
    "conv_backward_naive": [
        ("ignores the stride in the backward pass", _naive_bwd(starts="i, j")),
        ("db summed over the filters instead of the samples", _naive_bwd(db="dout.sum(axis=(1, 2, 3))")),
        ("returns dx with its padding", _naive_bwd(dx="dxp")),
        ("dw overwritten at every position instead of accumulated", _naive_bwd(dw_op="=")),
    ],
    "conv_forward_vec": [
        ("cols ordered (i, j, c) while the filters are flattened (c, i, j)", _vec_fwd(order="0, 2, 3, 4, 5, 1")),
        ("reshapes the product straight to (N, F, H', W') without moving F",
         _vec_fwd(final="out.reshape(N, F, H_out, W_out)")),
        ("keeps every window, ignoring the stride", _vec_fwd(step="")),
        ("flips the kernel", _vec_fwd(wmat="w[:, :, ::-1, ::-1].reshape(F, -1)")),
    ],
    "conv_backward_vec": [
        ("col2im overwrites overlapping windows instead of adding them", _vec_bwd(op="=")),
        ("db summed over the filters instead of the windows", _vec_bwd(db="D.sum(axis=1)")),
        ("col2im ignores the stride", _vec_bwd(rows="i:i + H_out", cols="j:j + W_out")),
        ("dw reshaped from the transposed product", _vec_bwd(dw="(cols.T @ D).reshape(w.shape)")),
    ],
    "max_pool_forward": [
        ("keeps every window, ignoring the stride", _max_fwd(step="")),
        ("steps by the pool size instead of the stride", _max_fwd(step="[:, :, ::ph, ::pw]")),
        ("swaps pool_height and pool_width", '''
import numpy as np
from numpy.lib.stride_tricks import sliding_window_view
def max_pool_forward(x, pool_param):
    ph, pw, s = pool_param["pool_width"], pool_param["pool_height"], pool_param["stride"]
    windows = sliding_window_view(x, (ph, pw), axis=(2, 3))[:, :, ::s, ::s]
    return windows.max(axis=(4, 5)), (x, pool_param)
'''),
        ("output in float64 whatever the input", '''
import numpy as np
def max_pool_forward(x, pool_param):
    ph, pw, s = pool_param["pool_height"], pool_param["pool_width"], pool_param["stride"]
    N, C, H, W = x.shape
    H_out, W_out = (H - ph) // s + 1, (W - pw) // s + 1
    out = np.zeros((N, C, H_out, W_out))
    for i in range(H_out):
        for j in range(W_out):
            out[:, :, i, j] = x[:, :, i * s:i * s + ph, j * s:j * s + pw].max(axis=(2, 3))
    return out, (x, pool_param)
'''),
    ],
    "max_pool_backward": [
        ("sends each window's gradient to every pixel of the window", _max_bwd(value="dout")),
        ("overwrites instead of adding where windows overlap", _max_bwd(op="=")),
        ("ignores the stride", _max_bwd(rows="i:i + H_out", cols="j:j + W_out")),
        ("shares the gradient over the window as average pooling does",
         _max_bwd(value="dout / (ph * pw)")),
    ],
    "avg_pool_forward": [
        ("divides by pool_height only", _avg_fwd(reduce="windows.sum(axis=(4, 5)) / ph")),
        ("divides by the stride squared instead of the window's size",
         _avg_fwd(reduce="windows.sum(axis=(4, 5)) / (s * s)")),
        ("keeps every window, ignoring the stride", _avg_fwd(step="")),
        ("sums instead of averaging", _avg_fwd(reduce="windows.sum(axis=(4, 5))")),
    ],
    "avg_pool_backward": [
        ("forgets to divide by the window's size", _avg_bwd(share="dout")),
        ("overwrites instead of adding where windows overlap", _avg_bwd(op="=")),
        ("divides by pool_height squared", _avg_bwd(share="dout / (ph * ph)")),
        ("ignores the stride", _avg_bwd(rows="i:i + H_out", cols="j:j + W_out")),
    ],
    "lenet_loss": [
        ("no ReLU after the first convolution",
         _lenet(relu1="a1, None", da1="max_pool_backward(dh1, pool1)")),
        ("no padding in the first convolution", _lenet(pad1="0")),
        ("forgets the penalty's gradient", _lenet(grad_reg="")),
        ("penalises the biases too", _lenet(keys="sorted(p)")),
    ],
}
