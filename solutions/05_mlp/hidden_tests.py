"""Hidden tests for 05_mlp: inputs the grader makes, judged against the reference solution.

Each entry of TESTS matches a visible test cell of the notebook (same grade_id). The judge calls
the student's functions and the reference on the same inputs and compares outputs; feedback shows
a case's label and hint, never its inputs. See autograder/spec.py.

Backward passes are graded on the student's own cache: a case calls their forward pass first
(``send=False``: its output is not judged there) and hands its raw ``cache`` to their backward
pass with ``Out(0, 1)``; the grader never builds a cache, whose layout is the student's choice.
Every backward pass is also checked against centred differences of the student's *own* forward
pass, evaluated at x +- h e_i in the same process (``send=0`` judges only the ``out`` of
``(out, cache)``).

Which tests a mistake costs (``test_hidden_tests`` checks that this is exactly what happens):
- a layer's forward pass: its forward test; its backward test (the forward makes the cache, and
  the numerical check differentiates it, so a forward mistake that changes the slope fails there
  too, while one that only changes the dtype or caches the wrong thing may not); and both
  ``mlp_loss`` tests, which run the student's ``mlp_loss`` on their own layers.
- a layer's backward pass: its backward test and ``test_mlp_loss_grads``.
- ``mlp_loss``: ``test_mlp_scores`` and ``test_mlp_loss_grads``.
The ``mlp_loss`` cases declare the layers they run through (``uses``), so the grader's bookkeeping
(which tests call which function) matches what a student's ``mlp_loss`` really calls.
"""

import numpy as np

from autograder.spec import Out, call, case, compare_outputs

LAYERS = ("affine_forward", "affine_backward", "relu_forward", "relu_backward", "sigmoid_forward",
          "sigmoid_backward", "tanh_forward", "tanh_backward")
TAUGHT = {**{name: f"utils.layers.{name}" for name in LAYERS}, "mlp_loss": "utils.models.mlp_loss"}

H = 1e-5  # step of the centred differences
NUMERIC_TOL = 1e-6  # largest error allowed, relative to the largest gradient entry


def _scaled_error(analytic, numeric):
    """Largest difference, relative to the largest entry of either gradient."""
    analytic = np.asarray(analytic, dtype=np.float64)
    scale = max(float(np.max(np.abs(analytic), initial=0.0)), float(np.max(np.abs(numeric), initial=0.0)), 1e-12)
    return float(np.max(np.abs(analytic - numeric), initial=0.0)) / scale


def _named(names, function):
    """Compare the judged call's tuple (dx, dw, db) item by item, naming each item in messages."""

    def compare(student, reference, c):
        s, r = student[-1], reference[-1]
        if len(names) == 1:
            return compare_outputs(s, r, c.rtol, f"{names[0]} from `{function}`")
        if not isinstance(s, list) or len(s) != len(names):
            return f"`{function}` should return a tuple ({', '.join(names)})"
        for name, si, ri in zip(names, s, r):
            message = compare_outputs(si, ri, c.rtol, name)
            if message:
                return message
        return None

    return compare


def _backward_case(label, forward, backward, arrays, dout, names, hint, rtol=1e-6):
    """Call the student's forward on arrays, then their backward on dout and their own cache."""
    return case(label, call(forward, *arrays, send=False), call(backward, dout, Out(0, 1)),
                compare=_named(names, backward), hint=hint, rtol=rtol)


def _numeric_case(label, forward, backward, arrays, dout, names, hint):
    """Judge the student's backward pass against centred differences of their own forward pass."""
    calls = [call(forward, *arrays, send=False), call(backward, dout, Out(0, 1))]
    for a, arr in enumerate(arrays):
        for idx in np.ndindex(*arr.shape):
            for sign in (1.0, -1.0):
                moved = [v.copy() for v in arrays]
                moved[a][idx] += sign * H
                calls.append(call(forward, *moved, send=0))

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
                diff = outs[k].astype(np.float64) - outs[k + 1]  # only what this entry moved
                numeric[idx] = np.sum(diff * dout) / (2 * H)
                k += 2
            err = _scaled_error(grad, numeric)
            if not err <= NUMERIC_TOL:
                return (f"{name} from `{backward}` disagrees with the numerical gradient of your own "
                        f"`{forward}` (relative error {err:.1e})")
        return None

    return case(label, *calls, compare=compare, hint=hint)


def _away_from_zero(rng, shape, low=0.05, high=2.0):
    """Random values with |x| in [low, high]: no ReLU kink within reach of a centred difference."""
    return rng.choice([-1.0, 1.0], size=shape) * rng.uniform(low, high, size=shape)


def _affine_arrays(rng, shape, m, dtype=np.float64, scale=1.0):
    d = int(np.prod(shape[1:]))
    x = (scale * rng.normal(size=shape)).astype(dtype)
    w = (scale * rng.normal(size=(d, m))).astype(dtype)
    b = (scale * rng.normal(size=m)).astype(dtype)
    return x, w, b


# ----------------------------------------------------------------------------- affine

AFF_FWD_HINT = "out = x.reshape(N, -1) @ w + b: flatten each sample, then (N, D) @ (D, M), plus b on every row"
AFF_BWD_HINT = ("dx = (dout @ w.T) reshaped to x's shape, dw = x_flat.T @ dout of shape (D, M), "
                "db = dout.sum(axis=0) of shape (M,)")
AFF_NAMES = ("dx", "dw", "db")


def affine_forward(rng):
    def fwd(label, arrays, hint=AFF_FWD_HINT, rtol=1e-6):
        return case(label, call("affine_forward", *arrays, send=0), hint=hint, rtol=rtol)

    return [
        fwd("a batch of 4 samples with 5 features, 3 outputs", _affine_arrays(rng, (4, 5), 3)),
        fwd("a batch of one sample", _affine_arrays(rng, (1, 6), 4)),
        fwd("images: inputs of shape (N, d_1, d_2)", _affine_arrays(rng, (3, 4, 2), 5),
            hint="flatten each sample to one row first: x.reshape(x.shape[0], -1)"),
        fwd("inputs with three trailing axes (N, d_1, d_2, d_3)", _affine_arrays(rng, (2, 2, 3, 2), 3),
            hint="flatten each sample to one row first: x.reshape(x.shape[0], -1)"),
        fwd("a single output unit (M = 1)", _affine_arrays(rng, (5, 3), 1)),
        fwd("large values (around 1000)", _affine_arrays(rng, (3, 4), 2, scale=1000.0)),
        fwd("float32 inputs, which must give float32", _affine_arrays(rng, (4, 3, 2), 3, np.float32), rtol=1e-5,
            hint="keep the inputs' dtype: no astype(float) or np.float64 constants"),
    ]


def affine_backward(rng):
    def bwd(label, shape, m, dtype=np.float64, rtol=1e-6, hint=AFF_BWD_HINT):
        arrays = _affine_arrays(rng, shape, m, dtype)
        dout = rng.normal(size=(shape[0], m)).astype(dtype)
        return _backward_case(label, "affine_forward", "affine_backward", arrays, dout, AFF_NAMES, hint, rtol)

    def numeric(label, shape, m):
        arrays = _affine_arrays(rng, shape, m)
        return _numeric_case(label, "affine_forward", "affine_backward", arrays, rng.normal(size=(shape[0], m)),
                             AFF_NAMES, AFF_BWD_HINT)

    return [
        bwd("a batch of 4 samples with 5 features, 3 outputs", (4, 5), 3),
        bwd("a batch of one sample", (1, 6), 4, hint="db sums dout over the batch: shape (M,) even when N = 1"),
        bwd("images: dx must have the shape (N, d_1, d_2) of x", (3, 4, 2), 5,
            hint="reshape dx back to x's shape; flatten x before computing dw"),
        bwd("float32 inputs, which must give float32 gradients", (2, 3, 2), 3, np.float32, rtol=1e-5),
        numeric("dx, dw, db against the numerical gradient of your affine_forward (images)", (2, 3, 2), 3),
        numeric("dx, dw, db against the numerical gradient of your affine_forward (one sample)", (1, 3), 2),
    ]


# ----------------------------------------------------------------------------- activations

RELU_FWD = "out = np.maximum(0, x) (np.max(0, x) would read x as an axis)"
SIG_FWD = "sigma(x) = 1 / (1 + exp(-x)); exp of a large positive number overflows, so never compute exp(x) / (1 + exp(x))"
TANH_FWD = "use np.tanh(x); tanh written with exponentials is inf / inf = nan for large |x|"
DTYPE_HINT = "keep the input's dtype: no astype(float) or np.float64 constants"


def activations_forward(rng):
    def fwd(label, name, x, hint, rtol=1e-6):
        return case(label, call(f"{name}_forward", x, send=0), hint=hint, rtol=rtol)

    extremes = np.array([[-1000.0, -50.0, -1.0, 0.0, 1.0, 50.0, 1000.0]])
    zeros = np.array([[-2.0, -0.0, 0.0, 1e-300, -1e-300, 3.0]])
    return [
        fwd("ReLU of random values (4, 5)", "relu", rng.normal(size=(4, 5)), RELU_FWD),
        fwd("ReLU at exactly 0 and at tiny values", "relu", zeros, RELU_FWD),
        fwd("ReLU of a 3-D array", "relu", rng.normal(size=(2, 3, 4)), RELU_FWD),
        fwd("ReLU of float32 values", "relu", rng.normal(size=(3, 4)).astype(np.float32), DTYPE_HINT, 1e-5),
        fwd("sigmoid of random values (4, 5)", "sigmoid", 3 * rng.normal(size=(4, 5)), SIG_FWD),
        fwd("sigmoid at -1000, -50, ..., 1000", "sigmoid", extremes, SIG_FWD),
        fwd("sigmoid of a batch of one", "sigmoid", rng.normal(size=(1, 7)), SIG_FWD),
        fwd("sigmoid of float32 values up to +-100", "sigmoid",
            np.concatenate([rng.normal(size=(2, 3)), [[-100.0, 0.0, 100.0]]]).astype(np.float32), DTYPE_HINT, 1e-5),
        fwd("tanh of random values (4, 5)", "tanh", 2 * rng.normal(size=(4, 5)), TANH_FWD),
        fwd("tanh at -1000, -50, ..., 1000", "tanh", extremes, TANH_FWD),
        fwd("tanh of float32 values", "tanh", rng.normal(size=(3, 4)).astype(np.float32), DTYPE_HINT, 1e-5),
    ]


RELU_BWD = "dx = dout where the input x > 0, and 0 elsewhere, including at x = 0 exactly"
SIG_BWD = "dx = dout * s * (1 - s) with s = sigma(x), the forward pass's output"
TANH_BWD = "dx = dout * (1 - t**2) with t = tanh(x), the forward pass's output"
ACT_BWD = {"relu": RELU_BWD, "sigmoid": SIG_BWD, "tanh": TANH_BWD}


def activations_backward(rng):
    def bwd(label, name, x, dtype=np.float64, rtol=1e-6):
        x = np.asarray(x, dtype=dtype)
        dout = rng.normal(size=x.shape).astype(dtype)
        return _backward_case(label, f"{name}_forward", f"{name}_backward", (x,), dout, ("dx",), ACT_BWD[name], rtol)

    def numeric(name, x):
        return _numeric_case(f"{name}_backward against the numerical gradient of your {name}_forward",
                             f"{name}_forward", f"{name}_backward", (x,), rng.normal(size=x.shape), ("dx",),
                             ACT_BWD[name])

    extremes = np.array([[-1000.0, -50.0, 0.0, 50.0, 1000.0]])
    zeros = np.array([[-1.5, 0.0, 0.0, 2.0], [0.0, 0.7, -0.3, 0.0]])
    return [
        bwd("ReLU, random values (4, 5)", "relu", rng.normal(size=(4, 5))),
        bwd("ReLU at exactly 0 (the subgradient there is 0)", "relu", zeros),
        bwd("ReLU, float32", "relu", rng.normal(size=(3, 4)), np.float32, 1e-5),
        numeric("relu", _away_from_zero(rng, (3, 4))),
        bwd("sigmoid, random values (4, 5)", "sigmoid", 2 * rng.normal(size=(4, 5))),
        bwd("sigmoid at -1000, -50, 0, 50, 1000", "sigmoid", extremes),
        bwd("sigmoid, float32", "sigmoid", rng.normal(size=(3, 4)), np.float32, 1e-5),
        numeric("sigmoid", 2 * rng.normal(size=(3, 4))),
        bwd("tanh, random values (4, 5)", "tanh", rng.normal(size=(4, 5))),
        bwd("tanh at -1000, -50, 0, 50, 1000", "tanh", extremes),
        bwd("tanh, float32", "tanh", rng.normal(size=(3, 4)), np.float32, 1e-5),
        numeric("tanh", rng.normal(size=(3, 4))),
    ]


# ----------------------------------------------------------------------------- mlp_loss

SCORES_HINT = ("affine then activation for every layer but the last, whose affine output is the scores "
               "(no activation after it); L = len(params) // 2 layers; if a layer test fails, fix it first")
LOSS_HINT = ("loss = softmax cross-entropy of the scores + 0.5 * reg * sum of every squared W (not b); "
             "backward in reverse layer order, adding reg * W to each dW; if a layer test fails, fix it first")


def _params(rng, dims, scale=1.0):
    """{"W1": (dims[0], dims[1]), "b1": (dims[1],), ...}, Gaussian with std scale / sqrt(fan_in)."""
    params = {}
    for l, (fan_in, fan_out) in enumerate(zip(dims[:-1], dims[1:]), start=1):
        params[f"W{l}"] = scale * rng.normal(size=(fan_in, fan_out)) / np.sqrt(fan_in)
        params[f"b{l}"] = 0.5 * rng.normal(size=fan_out)
    return params


def _uses(activation, backward):
    names = ["affine_forward", f"{activation}_forward"]
    if backward:
        names += ["affine_backward", f"{activation}_backward"]
    return tuple(names)


def mlp_scores(rng):
    def scores_case(label, dims, x_shape, activation="relu"):
        params = _params(rng, dims, scale=2.0)
        kwargs = {} if activation == "relu" else {"activation": activation}
        X = rng.normal(size=x_shape)
        return case(label, call("mlp_loss", params, X, **kwargs), hint=SCORES_HINT,
                    uses=_uses(activation, backward=False))

    return [
        scores_case("two-layer ReLU net: 5 samples, D = 4, H = 6, K = 3", (4, 6, 3), (5, 4)),
        scores_case("three-layer ReLU net on images (N, 3, 4)", (12, 7, 5, 4), (6, 3, 4)),
        scores_case("a batch of one sample", (4, 5, 3), (1, 4)),
        scores_case("sigmoid hidden units", (3, 6, 4), (5, 3), "sigmoid"),
        scores_case("tanh hidden units, three layers", (3, 5, 4, 2), (7, 3), "tanh"),
        scores_case("four layers", (4, 6, 5, 4, 3), (5, 4)),
        scores_case("no hidden layer (L = 1): softmax regression", (5, 3), (4, 5)),
    ]


def _loss_grads(student, reference, c):
    """Compare (loss, grads): the loss first, then each gradient by name."""
    s, r = student[0], reference[0]
    if not isinstance(s, list) or len(s) != 2 or not isinstance(s[1], dict):
        return "mlp_loss(params, X, y) should return a pair (loss, grads), grads a dict keyed like params"
    return compare_outputs(s[0], r[0], c.rtol, "the loss") or compare_outputs(s[1], r[1], c.rtol, "grads")


def _relu_params_away_from_kinks(rng, dims, n):
    """Parameters and inputs whose ReLU pre-activations all lie at least 1e-3 away from 0."""
    while True:
        params, X = _params(rng, dims, scale=2.0), rng.normal(size=(n, dims[0]))
        h, ok = X, True
        for l in range(1, len(dims) - 1):
            a = h @ params[f"W{l}"] + params[f"b{l}"]
            ok &= bool(np.min(np.abs(a)) > 1e-3)
            h = np.maximum(0, a)
        if ok:
            return params, X


def _mlp_numeric_case(rng, reg=0.1):
    dims, n = (3, 5, 4, 3), 4  # D, H_1, H_2, K; N differs from every width
    params, X = _relu_params_away_from_kinks(rng, dims, n)
    y = rng.integers(0, dims[-1], size=n)
    calls = [call("mlp_loss", params, X, y, reg=reg)]
    entries = [(key, idx) for key in sorted(params) for idx in np.ndindex(*params[key].shape)]
    for key, idx in entries:
        for sign in (1.0, -1.0):
            moved = {k: v.copy() for k, v in params.items()}
            moved[key][idx] += sign * H
            calls.append(call("mlp_loss", moved, X, y, reg=reg, send=0))

    def compare(student, reference, c):
        first = student[0]
        if not isinstance(first, list) or len(first) != 2 or not isinstance(first[1], dict):
            return "mlp_loss(params, X, y) should return a pair (loss, grads), grads a dict keyed like params"
        grads = first[1]
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
            grad = grads.get(key)
            if not isinstance(grad, np.ndarray) or grad.shape != params[key].shape:
                return f"grads['{key}'] should have the shape of params['{key}'], {params[key].shape}"
            err = _scaled_error(grad, numeric[key])
            if not err <= NUMERIC_TOL:
                return (f"grads['{key}'] disagrees with the numerical gradient of your own loss "
                        f"(relative error {err:.1e})")
        return None

    return case("every gradient against the numerical gradient of your own loss (ReLU, three layers, reg > 0)",
                *calls, hint=LOSS_HINT, compare=compare, uses=_uses("relu", backward=True))


def mlp_loss_grads(rng):
    def grads_case(label, dims, x_shape, reg=0.0, activation="relu"):
        params = _params(rng, dims, scale=2.0)
        X = rng.normal(size=x_shape)
        y = rng.integers(0, dims[-1], size=x_shape[0])
        kwargs = {"reg": reg} if activation == "relu" else {"reg": reg, "activation": activation}
        return case(label, call("mlp_loss", params, X, y, **kwargs), hint=LOSS_HINT, compare=_loss_grads,
                    uses=_uses(activation, backward=True))

    return [
        grads_case("two-layer ReLU net, no regularisation", (4, 6, 3), (5, 4)),
        grads_case("two-layer ReLU net with reg = 0.7", (4, 6, 3), (5, 4), reg=0.7),
        grads_case("three layers on images (N, 2, 3), reg = 0.1", (6, 5, 4, 3), (7, 2, 3), reg=0.1),
        grads_case("sigmoid hidden units, reg = 0.2", (3, 6, 4), (5, 3), 0.2, "sigmoid"),
        grads_case("tanh hidden units, three layers, reg = 0.2", (3, 5, 4, 2), (6, 3), 0.2, "tanh"),
        grads_case("a batch of one sample, reg = 0.05", (4, 5, 3), (1, 4), reg=0.05),
        grads_case("no hidden layer (L = 1), reg = 0.3", (5, 3), (4, 5), reg=0.3),
        _mlp_numeric_case(rng),
    ]


TESTS = {
    "test_affine_forward": affine_forward,
    "test_affine_backward": affine_backward,
    "test_activations_forward": activations_forward,
    "test_activations_backward": activations_backward,
    "test_mlp_scores": mlp_scores,
    "test_mlp_loss_grads": mlp_loss_grads,
}
