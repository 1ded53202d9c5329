"""Hidden tests for 09_cnn: inputs the grader makes, judged against the reference solution.

Each entry of TESTS matches a visible test cell of the notebook (same grade_id). The judge calls the
student's functions and the reference on the same inputs and compares outputs; feedback shows a
case's label and hint, never its inputs. See autograder/spec.py.

Backward passes are graded on the student's own cache (their forward pass is called first with
``send=False`` and its cache handed over with ``Out(0, 1)``), and against centred differences of
their *own* forward pass at inputs +- h, in the same process (05_mlp's scheme). The loop
convolution is slow by design: its inputs are small enough that a correct loop version needs a few
milliseconds per call (the numerical cases, about 150 calls, well under a second).

Max-pooling inputs have distinct values in every window (no ties), so either usual tie rule passes.
The LeNet cases declare the layers they run through (``uses``); its numerical case draws inputs
whose ReLU inputs stay 1e-3 away from 0 and whose pooling windows have a clear maximum, so the
centred differences never cross a kink.
"""

import numpy as np

from autograder.spec import Out, call, case, compare_outputs

TAUGHT = {
    "conv_output_size": "utils.conv.conv_output_size",
    "receptive_field": "utils.conv.receptive_field",
    "conv_forward_naive": "utils.conv.conv_forward",
    "conv_backward_naive": "utils.conv.conv_backward",
    "conv_forward_vec": "utils.conv.conv_forward",
    "conv_backward_vec": "utils.conv.conv_backward",
    "max_pool_forward": "utils.conv.max_pool_forward",
    "max_pool_backward": "utils.conv.max_pool_backward",
    "avg_pool_forward": "utils.conv.avg_pool_forward",
    "avg_pool_backward": "utils.conv.avg_pool_backward",
    "lenet_loss": "utils.convnet.lenet_loss",
}

H = 1e-5  # step of the centred differences
NUMERIC_TOL = 1e-6  # largest error allowed, relative to the largest gradient entry
F32_RTOL = 2e-5


def _scaled_error(analytic, numeric):
    analytic = np.asarray(analytic, dtype=np.float64)
    scale = max(float(np.max(np.abs(analytic), initial=0.0)), float(np.max(np.abs(numeric), initial=0.0)), 1e-12)
    return float(np.max(np.abs(analytic - numeric), initial=0.0)) / scale


def _named(names, function):
    """Compare the judged call's result item by item ((dx, dw, db) or dx alone), naming each item."""

    def compare(student, reference, c):
        s, r = student[-1], reference[-1]
        if len(names) == 1:
            return compare_outputs(s, r, c.rtol, f"{names[0]} from `{function}`")
        if not isinstance(s, list) or len(s) != len(names):
            return f"`{function}` should return a tuple ({', '.join(names)})"
        for name, si, ri in zip(names, s, r):
            message = compare_outputs(si, ri, c.rtol, f"{name} from `{function}`")
            if message:
                return message
        return None

    return compare


def _numeric_case(label, forward, backward, arrays, param, dout, names, hint):
    """Judge the student's backward pass against centred differences of their own forward pass."""
    calls = [call(forward, *arrays, param, send=False), call(backward, dout, Out(0, 1))]
    for a, arr in enumerate(arrays):
        for idx in np.ndindex(*arr.shape):
            for sign in (1.0, -1.0):
                moved = [v.copy() for v in arrays]
                moved[a][idx] += sign * H
                calls.append(call(forward, *moved, param, send=0))

    def compare(student, reference, c):
        grads = [student[1]] if len(arrays) == 1 else student[1]
        if not isinstance(grads, list) or len(grads) != len(arrays):
            return f"`{backward}` should return {', '.join(names)}"
        outs = student[2:]
        for out in outs:
            if not isinstance(out, np.ndarray) or out.shape != dout.shape:
                return f"`{forward}` should return out of shape {dout.shape} as the first item of (out, cache)"
        k = 0
        for name, arr, grad in zip(names, arrays, grads):
            if not isinstance(grad, np.ndarray) or grad.shape != arr.shape:
                return f"{name} from `{backward}` should have shape {arr.shape}"
            numeric = np.empty(arr.shape)
            for idx in np.ndindex(*arr.shape):
                numeric[idx] = np.sum((outs[k].astype(np.float64) - outs[k + 1]) * dout) / (2 * H)
                k += 2
            err = _scaled_error(grad, numeric)
            if not err <= NUMERIC_TOL:
                return (f"{name} from `{backward}` disagrees with the numerical gradient of your own "
                        f"`{forward}` (relative error {err:.1e})")
        return None

    return case(label, *calls, compare=compare, hint=hint)


def _out_size(n, k, s, p):
    return (n + 2 * p - k) // s + 1


# ----------------------------------------------------------------------------- sizes

SIZE_HINT = ("floor((size + 2 pad - span) / stride) + 1 with span = dilation (kernel - 1) + 1, "
             "in integer arithmetic")
RF_HINT = ("r = 1 + sum over layers of (span - 1) * jump, where jump is the product of the strides of the "
           "layers before (1 for the first), and span = dilation (kernel - 1) + 1")


def sizes(rng):
    def size(label, *args, hint=SIZE_HINT, **kw):
        return case(label, call("conv_output_size", *args, **kw), hint=hint)

    def rf(label, stack, hint=RF_HINT):
        return case(label, call("receptive_field", stack), hint=hint)

    return [
        size("a 5-pixel kernel on 32 pixels, stride 1", 32, 5),
        size("'same' padding: 3-pixel kernel, padding 1", 17, 3, 1, 1),
        size("stride 2 with padding 1", 15, 3, 2, 1),
        size("stride 3, where the last window does not fit", 20, 4, 3, 0,
             hint="windows that would run past the padded input are dropped: floor, not round or ceil"),
        size("a kernel as large as the input", 9, 9),
        size("a 1-pixel kernel with stride 2", 11, 1, 2),
        size("padding larger than the kernel", 6, 3, 1, 4,
             hint="the padding is added on both sides: size + 2 * pad"),
        size("dilation 2", 20, 3, 1, 0, 2, hint="a dilated kernel spans dilation * (kernel - 1) + 1 pixels"),
        size("dilation 3 with stride 2 and padding 3", 31, 3, stride=2, pad=3, dilation=3,
             hint="a dilated kernel spans dilation * (kernel - 1) + 1 pixels"),
        rf("no layers", []),
        rf("one 7 x 7 convolution", [(7, 1)]),
        rf("LeNet: conv 5, pool 2, conv 5, pool 2", [(5, 1), (2, 2), (5, 1), (2, 2)],
           hint=RF_HINT + "; a layer's own stride only affects the layers after it"),
        rf("a strided first layer, then three 3 x 3 convolutions", [(7, 2), (3, 1), (3, 1), (3, 1)],
           hint=RF_HINT + "; a layer's own stride only affects the layers after it"),
        rf("ten 3 x 3 convolutions", [(3, 1)] * 10),
        rf("1 x 1 convolutions and strides", [(1, 2), (1, 2), (3, 1)],
           hint=RF_HINT + "; strides multiply even when the kernel adds nothing"),
        rf("dilated convolutions (WaveNet-style)", [(2, 1, 1), (2, 1, 2), (2, 1, 4), (2, 1, 8)]),
        rf("a mix with stride 3 and dilation 2", [(3, 3, 1), (3, 1, 2), (2, 2), (3, 1, 2)]),
    ]


# ----------------------------------------------------------------------------- convolution

FWD_HINT = ("out[n, f, h, w] = b[f] + sum over c, i, j of w[f, c, i, j] * x_pad[n, c, h*stride + i, w*stride + j]; "
            "pad only H and W, do not flip the kernel")
BWD_HINT = ("db sums dout over axes (0, 2, 3); dw[f] sums dout[n, f, h, w] * window; dx_pad's window "
            "accumulates (+=) dout[n, f, h, w] * w[f]; windows at (h*stride, w*stride); cut the padding off dx")
VEC_FWD_HINT = ("rows of cols are windows (n, h, w), columns (c, i, j) in the order of w.reshape(F, -1); "
                "reshape the product to (N, H', W', F) and move F to axis 1; keep every stride-th window")
VEC_BWD_HINT = ("with D = dout as (N H' W', F): dw = D.T @ cols reshaped to w's shape, db = D summed over rows, "
                "dcols = D @ w_mat; col2im must add (+=) into strided slices of dx_pad, then cut the padding")
CONV_NAMES = ("dx", "dw", "db")

# (label, x shape, w shape, stride, pad): small enough for loops
CONV_SHAPES = [
    ("3 x 3 kernels, stride 1, padding 1", (2, 3, 5, 5), (4, 3, 3, 3), 1, 1),
    ("1 x 1 kernels", (2, 3, 4, 5), (2, 3, 1, 1), 1, 0),
    ("1 x 1 kernels with stride 2 and padding 1", (1, 2, 5, 4), (3, 2, 1, 1), 2, 1),
    ("a kernel as large as the input", (2, 2, 4, 4), (3, 2, 4, 4), 1, 0),
    ("stride 2 with padding 1, non-square input and kernel", (2, 2, 5, 7), (3, 2, 3, 2), 2, 1),
    ("stride 3 with padding 2", (1, 2, 7, 6), (2, 2, 3, 3), 3, 2),
    ("a single sample with a single channel", (1, 1, 6, 5), (2, 1, 3, 3), 1, 1),
    ("stride 2 where the last window does not fit", (2, 1, 6, 6), (2, 1, 3, 3), 2, 0),
    ("a single filter on many channels", (2, 5, 4, 4), (1, 5, 2, 3), 1, 1),
]


def _conv_arrays(rng, xs, ws, dtype=np.float64):
    return (rng.standard_normal(xs).astype(dtype), rng.standard_normal(ws).astype(dtype),
            rng.standard_normal(ws[0]).astype(dtype))


def _conv_forward_cases(rng, fn, hint, extra=()):
    cases = []
    for label, xs, ws, s, p in list(CONV_SHAPES) + list(extra):
        cases.append(case(label, call(fn, *_conv_arrays(rng, xs, ws), {"stride": s, "pad": p}, send=0), hint=hint))
    cases.append(case("float32 inputs, which must give float32",
                      call(fn, *_conv_arrays(rng, (2, 2, 5, 4), (3, 2, 3, 3), np.float32), {"stride": 1, "pad": 1},
                           send=0), rtol=F32_RTOL, hint="keep the inputs' dtype: np.zeros(..., dtype=x.dtype)"))
    return cases


def _conv_backward_cases(rng, forward, backward, hint, numeric_shape, extra=()):
    cases = []
    for label, xs, ws, s, p in list(CONV_SHAPES) + list(extra):
        x, w, b = _conv_arrays(rng, xs, ws)
        dout = rng.standard_normal((xs[0], ws[0], _out_size(xs[2], ws[2], s, p), _out_size(xs[3], ws[3], s, p)))
        cases.append(case(label, call(forward, x, w, b, {"stride": s, "pad": p}, send=False),
                          call(backward, dout, Out(0, 1)), compare=_named(CONV_NAMES, backward), hint=hint))
    x, w, b = _conv_arrays(rng, (2, 2, 4, 4), (3, 2, 3, 3), np.float32)
    cases.append(case("float32 inputs, which must give float32 gradients",
                      call(forward, x, w, b, {"stride": 1, "pad": 1}, send=False),
                      call(backward, rng.standard_normal((2, 3, 4, 4)).astype(np.float32), Out(0, 1)),
                      compare=_named(CONV_NAMES, backward), rtol=F32_RTOL, hint=hint))
    xs, ws, s, p = numeric_shape
    x, w, b = _conv_arrays(rng, xs, ws)
    dout = rng.standard_normal((xs[0], ws[0], _out_size(xs[2], ws[2], s, p), _out_size(xs[3], ws[3], s, p)))
    cases.append(_numeric_case(f"dx, dw, db against the numerical gradient of your own {forward} "
                               f"(stride {s}, padding {p}, non-square)", forward, backward, (x, w, b),
                               {"stride": s, "pad": p}, dout, CONV_NAMES, hint))
    return cases


def conv_forward_naive(rng):
    return _conv_forward_cases(rng, "conv_forward_naive", FWD_HINT)


def conv_backward_naive(rng):
    return _conv_backward_cases(rng, "conv_forward_naive", "conv_backward_naive", BWD_HINT,
                                ((2, 2, 4, 3), (2, 2, 3, 2), 2, 1))


LARGER = [("a larger layer: 8 images, 4 to 6 channels, 12 x 12", (8, 4, 12, 12), (6, 4, 3, 3), 1, 1),
          ("a 5 x 5 kernel with stride 2 on 11 x 13", (3, 3, 11, 13), (4, 3, 5, 5), 2, 2)]


def conv_forward_vec(rng):
    return _conv_forward_cases(rng, "conv_forward_vec", VEC_FWD_HINT, extra=LARGER)


def conv_backward_vec(rng):
    return _conv_backward_cases(rng, "conv_forward_vec", "conv_backward_vec", VEC_BWD_HINT,
                                ((2, 2, 5, 4), (2, 2, 3, 2), 2, 1), extra=LARGER)


# ----------------------------------------------------------------------------- pooling

def _distinct(rng, shape, dtype=np.float64):
    """Values 0.05 or more apart, shuffled: no two pixels of any window tie."""
    return (rng.permutation(int(np.prod(shape))).reshape(shape) * 0.05 - 1.0).astype(dtype)


# (label, x shape, ph, pw, stride)
POOL_SHAPES = [
    ("2 x 2 windows, stride 2", (2, 3, 6, 6), 2, 2, 2),
    ("3 x 3 windows, stride 2 (overlapping)", (2, 2, 7, 7), 3, 3, 2),
    ("2 x 3 windows, stride 1, non-square input", (1, 2, 5, 6), 2, 3, 1),
    ("a window as large as the input", (2, 2, 4, 5), 4, 5, 1),
    ("a single sample with a single channel", (1, 1, 6, 4), 2, 2, 2),
    ("stride 2 on an odd size: the last row and column are dropped", (2, 1, 5, 7), 2, 2, 2),
    ("3 x 1 windows, stride 3", (1, 3, 9, 4), 3, 1, 3),
]
MAX_FWD_HINT = ("out[n, c, h, w] = max of x[n, c, h*s : h*s + ph, w*s : w*s + pw]; pool_height counts rows, "
                "pool_width columns; step by the stride")
MAX_BWD_HINT = ("each window's dout goes to its maximum only, added (+=) to what other windows gave that pixel; "
                "windows at (h*s, w*s)")
AVG_FWD_HINT = ("out[n, c, h, w] = mean of x[n, c, h*s : h*s + ph, w*s : w*s + pw], the sum divided by ph * pw; "
                "step by the stride")
AVG_BWD_HINT = ("every pixel of a window gets dout / (ph * pw), added (+=) to what other windows gave it; "
                "windows at (h*s, w*s)")


def _pool_param(ph, pw, s):
    return {"pool_height": ph, "pool_width": pw, "stride": s}


def _pool_forward_cases(rng, fn, hint, make):
    cases = [case(label, call(fn, make(rng, xs), _pool_param(ph, pw, s), send=0), hint=hint)
             for label, xs, ph, pw, s in POOL_SHAPES]
    cases.append(case("float32 input, which must give float32", call(fn, make(rng, (2, 2, 4, 6), np.float32),
                                                                     _pool_param(2, 2, 2), send=0),
                      rtol=F32_RTOL, hint="keep the input's dtype"))
    return cases


def _pool_backward_cases(rng, forward, backward, hint, make):
    cases = []
    for label, xs, ph, pw, s in POOL_SHAPES:
        x = make(rng, xs)
        dout = rng.standard_normal((xs[0], xs[1], _out_size(xs[2], ph, s, 0), _out_size(xs[3], pw, s, 0)))
        cases.append(case(label, call(forward, x, _pool_param(ph, pw, s), send=False),
                          call(backward, dout, Out(0, 1)), compare=_named(("dx",), backward), hint=hint))
    x = make(rng, (2, 2, 4, 4), np.float32)
    cases.append(case("float32 inputs, which must give a float32 gradient",
                      call(forward, x, _pool_param(2, 2, 2), send=False),
                      call(backward, rng.standard_normal((2, 2, 2, 2)).astype(np.float32), Out(0, 1)),
                      compare=_named(("dx",), backward), rtol=F32_RTOL, hint=hint))
    for xs, ph, pw, s in (((1, 2, 5, 6), 3, 2, 1), ((2, 1, 6, 5), 2, 2, 2)):
        x = make(rng, xs)
        dout = rng.standard_normal((xs[0], xs[1], _out_size(xs[2], ph, s, 0), _out_size(xs[3], pw, s, 0)))
        cases.append(_numeric_case(f"dx against the numerical gradient of your own {forward} "
                                   f"({ph} x {pw} windows, stride {s})", forward, backward, (x,),
                                   _pool_param(ph, pw, s), dout, ("dx",), hint))
    return cases


def _normal(rng, shape, dtype=np.float64):
    return rng.standard_normal(shape).astype(dtype)


def max_pool_forward(rng):
    return _pool_forward_cases(rng, "max_pool_forward", MAX_FWD_HINT, _distinct)


def max_pool_backward(rng):
    return _pool_backward_cases(rng, "max_pool_forward", "max_pool_backward", MAX_BWD_HINT, _distinct)


def avg_pool_forward(rng):
    return _pool_forward_cases(rng, "avg_pool_forward", AVG_FWD_HINT, _normal)


def avg_pool_backward(rng):
    return _pool_backward_cases(rng, "avg_pool_forward", "avg_pool_backward", AVG_BWD_HINT, _normal)


# ----------------------------------------------------------------------------- LeNet

SCORES_HINT = ("conv - ReLU - 2x2 max pool (stride 2), twice, with stride 1 and padding (K - 1) // 2, then "
               "affine - ReLU - affine; if a layer test fails, fix it first")
LOSS_HINT = ("loss = softmax cross-entropy + 0.5 * reg * sum of squared W1..W4 (not biases); backward through "
             "every layer in reverse order, adding reg * W to each dW; if a layer test fails, fix it first")
FORWARD_USES = ("conv_forward_vec", "max_pool_forward")
ALL_USES = FORWARD_USES + ("conv_backward_vec", "max_pool_backward")


def _lenet_params(rng, C, F1, F2, K1, K2, H, W, Hd, K, scale=1.0):
    flat = F2 * (H // 4) * (W // 4)
    return {"W1": scale * rng.standard_normal((F1, C, K1, K1)) / np.sqrt(C * K1 * K1),
            "b1": 0.2 * rng.standard_normal(F1),
            "W2": scale * rng.standard_normal((F2, F1, K2, K2)) / np.sqrt(F1 * K2 * K2),
            "b2": 0.2 * rng.standard_normal(F2),
            "W3": scale * rng.standard_normal((flat, Hd)) / np.sqrt(flat), "b3": 0.2 * rng.standard_normal(Hd),
            "W4": scale * rng.standard_normal((Hd, K)) / np.sqrt(Hd), "b4": 0.2 * rng.standard_normal(K)}


# (label, N, C, F1, F2, K1, K2, H, W, Hd, K)
LENET_SHAPES = [
    ("8 x 8 images, one channel, 3 x 3 kernels", 4, 1, 3, 4, 3, 3, 8, 8, 6, 3),
    ("two input channels, 5 x 5 then 3 x 3 kernels", 3, 2, 2, 3, 5, 3, 8, 8, 5, 4),
    ("non-square 9 x 12 images (pooling rounds down)", 2, 1, 3, 2, 3, 3, 9, 12, 4, 2),
    ("a single image", 1, 3, 2, 2, 3, 1, 8, 8, 3, 5),
]


def lenet_scores(rng):
    cases = []
    for label, n, c, f1, f2, k1, k2, h, w, hd, k in LENET_SHAPES:
        params = _lenet_params(rng, c, f1, f2, k1, k2, h, w, hd, k, scale=2.0)
        cases.append(case(label, call("lenet_loss", params, rng.standard_normal((n, c, h, w))), hint=SCORES_HINT,
                          uses=FORWARD_USES))
    return cases


def _loss_grads(student, reference, c):
    s, r = student[0], reference[0]
    if not isinstance(s, list) or len(s) != 2 or not isinstance(s[1], dict):
        return "lenet_loss(params, X, y) should return a pair (loss, grads), grads a dict keyed like params"
    return compare_outputs(s[0], r[0], c.rtol, "the loss") or compare_outputs(s[1], r[1], c.rtol, "grads")


def _kink_free(params, X, margin=1e-3):
    """True when no ReLU input lies within ``margin`` of 0 and every pooling window whose maximum is
    positive has it ``margin`` above the runner-up (so +-h moves cross no kink)."""
    from utils import conv, layers

    pool = {"pool_height": 2, "pool_width": 2, "stride": 2}
    h = X
    for i in (1, 2):
        w = params[f"W{i}"]
        a, _ = conv.conv_forward(h, w, params[f"b{i}"], {"stride": 1, "pad": (w.shape[2] - 1) // 2})
        if np.min(np.abs(a)) < margin:
            return False
        r = np.maximum(a, 0)
        n, c, hh, ww = r.shape
        blocks = r[:, :, :hh // 2 * 2, :ww // 2 * 2].reshape(n, c, hh // 2, 2, ww // 2, 2)
        blocks = np.sort(blocks.transpose(0, 1, 2, 4, 3, 5).reshape(n, c, hh // 2, ww // 2, 4), axis=-1)
        top, second = blocks[..., -1], blocks[..., -2]
        if np.any((top > 0) & (top - second < margin)):
            return False
        h = top
    a, _ = layers.affine_forward(h, params["W3"], params["b3"])
    return bool(np.min(np.abs(a)) >= margin)


def _lenet_numeric_case(rng, reg=0.2):
    n, c, f1, f2, k1, k2, hgt, wid, hd, k = 2, 1, 2, 2, 3, 3, 8, 8, 4, 3
    for _ in range(200):
        params = _lenet_params(rng, c, f1, f2, k1, k2, hgt, wid, hd, k, scale=2.0)
        X = rng.standard_normal((n, c, hgt, wid))
        if _kink_free(params, X):
            break
    else:  # pragma: no cover - 200 draws always found one in practice
        raise RuntimeError("no kink-free LeNet inputs found")
    y = rng.integers(0, k, size=n)
    calls = [call("lenet_loss", params, X, y, reg=reg)]
    entries = [(key, idx) for key in sorted(params) for idx in np.ndindex(*params[key].shape)]
    for key, idx in entries:
        for sign in (1.0, -1.0):
            moved = {kk: v.copy() for kk, v in params.items()}
            moved[key][idx] += sign * H
            calls.append(call("lenet_loss", moved, X, y, reg=reg, send=0))

    def compare(student, reference, c):
        first = student[0]
        if not isinstance(first, list) or len(first) != 2 or not isinstance(first[1], dict):
            return "lenet_loss(params, X, y) should return a pair (loss, grads), grads a dict keyed like params"
        losses = []
        for s in student[1:]:
            if not isinstance(s, np.ndarray) or s.size != 1:
                return "the loss should be a single number"
            losses.append(float(s.reshape(-1)[0]))
        losses = np.array(losses)
        numeric = {key: np.empty(params[key].shape) for key in params}
        for j, (key, idx) in enumerate(entries):
            numeric[key][idx] = (losses[2 * j] - losses[2 * j + 1]) / (2 * H)
        for key in sorted(params):
            grad = first[1].get(key)
            if not isinstance(grad, np.ndarray) or grad.shape != params[key].shape:
                return f"grads['{key}'] should have the shape of params['{key}'], {params[key].shape}"
            err = _scaled_error(grad, numeric[key])
            if not err <= NUMERIC_TOL:
                return (f"grads['{key}'] disagrees with the numerical gradient of your own loss "
                        f"(relative error {err:.1e})")
        return None

    return case("every gradient against the numerical gradient of your own loss (reg > 0)", *calls,
                hint=LOSS_HINT, compare=compare, uses=ALL_USES)


def lenet_grads(rng):
    cases = []
    for (label, n, c, f1, f2, k1, k2, h, w, hd, k), reg in zip(LENET_SHAPES, (0.0, 0.5, 0.1, 0.3)):
        params = _lenet_params(rng, c, f1, f2, k1, k2, h, w, hd, k, scale=2.0)
        X = rng.standard_normal((n, c, h, w))
        y = rng.integers(0, k, size=n)
        cases.append(case(f"{label}, reg = {reg}", call("lenet_loss", params, X, y, reg=reg), hint=LOSS_HINT,
                          compare=_loss_grads, uses=ALL_USES))
    cases.append(_lenet_numeric_case(rng))
    return cases


TESTS = {
    "test_sizes": sizes,
    "test_conv_forward_naive": conv_forward_naive,
    "test_conv_backward_naive": conv_backward_naive,
    "test_conv_forward_vec": conv_forward_vec,
    "test_conv_backward_vec": conv_backward_vec,
    "test_max_pool_forward": max_pool_forward,
    "test_max_pool_backward": max_pool_backward,
    "test_avg_pool_forward": avg_pool_forward,
    "test_avg_pool_backward": avg_pool_backward,
    "test_lenet_scores": lenet_scores,
    "test_lenet_grads": lenet_grads,
}
