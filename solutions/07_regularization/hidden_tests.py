"""Hidden tests for 07_regularization: inputs the grader makes, judged against the reference solution.

Each entry of TESTS matches a visible test cell of the notebook (same grade_id, same points). The
judge calls the student's functions and the reference on the same inputs and compares outputs;
feedback shows a case's label and hint, never its inputs. See autograder/spec.py.

Randomness: every random graded function takes an int seed here, and the reference draws exactly
as the docstrings say, so a student who follows them matches on the same seed. Dropout and noise
also get seed-independent checks (statistics).

dropout_backward gets the student's own cache (its layout is the student's choice) and is judged
whatever way their forward pass drew its mask: on the contract, dx = dout * mask / p with the
grader's p and the units their forward pass kept (x has no zeros, so out != 0 shows them), on a
batch large enough that the fraction kept must be near p; after a test-mode forward pass, against
the reference (dx = dout); and for consistency, against the derivative and the numerical gradient
of their own forward pass. Consistency alone would pass a matching pair of wrong functions (zeros
and zeros, or no 1/p in either pass): see ``PAIRS`` in wrong_versions.py.
"""

import numpy as np

from autograder.spec import Out, call, case, compare_outputs
from utils.gradcheck import rel_error

TAUGHT = {
    "l2_penalty": "utils.regularization.l2_penalty",
    "l1_penalty": "utils.regularization.l1_penalty",
    "dropout_forward": "utils.regularization.dropout_forward",
    "dropout_backward": "utils.regularization.dropout_backward",
    "shift_images": "utils.regularization.shift_images",
    "rotate_images": "utils.regularization.rotate_images",
    "add_noise": "utils.regularization.add_noise",
    "early_stopping": "utils.regularization.early_stopping",
}


def _seed(rng):
    return int(rng.integers(0, 2**31))


# ----------------------------------------------------------------------------- penalties


def _params(rng, shapes, dtype=np.float64):
    return {name: rng.normal(size=shape).astype(dtype) for name, shape in shapes.items()}


TWO_LAYER = {"W1": (6, 5), "b1": (5,), "W2": (5, 3), "b2": (3,)}


def _penalty_numgrad_case(function, rng, hint, h=1e-5):
    """The gradient of W1 against centred differences of the student's own loss."""
    params = _params(rng, TWO_LAYER)
    w = params["W1"]
    w[np.abs(w) < 1e-3] = 0.5  # keep away from |w|'s kink
    calls = [call(function, params, 0.7)]
    for idx in np.ndindex(*w.shape):
        for sign in (1, -1):
            moved = {k: v.copy() for k, v in params.items()}
            moved["W1"][idx] += sign * h
            calls.append(call(function, moved, 0.7))

    def compare(student, reference, c):
        for s in student:
            if not isinstance(s, list) or len(s) != 2 or not isinstance(s[1], dict):
                return f"{function} should return a pair (loss, grads) with grads a dict"
        analytic = student[0][1].get("W1")
        if not isinstance(analytic, np.ndarray) or analytic.shape != w.shape:
            return f"grads['W1'] should have the shape of W1, {w.shape}"
        losses = np.array([float(np.asarray(s[0]).reshape(-1)[0]) if np.asarray(s[0]).size == 1 else np.nan
                           for s in student[1:]])
        numeric = ((losses[0::2] - losses[1::2]) / (2 * h)).reshape(w.shape)
        err = rel_error(analytic, numeric)
        if not err < 1e-6:
            return f"grads['W1'] disagrees with the numerical gradient of your own loss (relative error {err:.1e})"
        return None

    return case("grads['W1'] against the numerical gradient of the penalty", *calls, compare=compare, hint=hint)


L2_HINT = ("loss = reg * sum of W**2 over the weights (names starting with 'W'); grads: 2 * reg * W for "
           "weights, zeros shaped like the parameter for everything else")


def l2_penalty(rng):
    def c(label, params, reg, **kw):
        return case(label, call("l2_penalty", params, reg), hint=L2_HINT, **kw)

    conv = {"W1": (4, 3, 3, 3), "b1": (4,), "W2": (36, 10), "b2": (10,)}
    return [
        c("a two-layer net's params", _params(rng, TWO_LAYER), 0.05),
        c("three layers", _params(rng, {"W1": (7, 6), "b1": (6,), "W2": (6, 4), "b2": (4,), "W3": (4, 2),
                                        "b3": (2,)}), 1e-3),
        c("4-D convolution filters", _params(rng, conv), 0.2),
        c("batch-norm parameters gamma1, beta1 beside the weights (not weights: not penalised)",
          _params(rng, {"W1": (5, 4), "b1": (4,), "gamma1": (4,), "beta1": (4,)}), 0.3),
        c("reg = 0", _params(rng, TWO_LAYER), 0.0),
        c("a single 1x1 weight", {"W1": np.array([[-3.0]]), "b1": np.array([2.0])}, 0.5),
        c("float32 parameters (grads stay float32)", _params(rng, TWO_LAYER, np.float32), 0.1, rtol=1e-5),
        c("large weights", {k: 1e3 * v for k, v in _params(rng, TWO_LAYER).items()}, 1e-4),
        _penalty_numgrad_case("l2_penalty", rng, L2_HINT),
    ]


L1_HINT = ("loss = reg * sum of |W| over the weights (names starting with 'W'); grads: reg * sign(W) for "
           "weights, 0 where W == 0, and zeros for everything else")


def l1_penalty(rng):
    def c(label, params, reg, **kw):
        return case(label, call("l1_penalty", params, reg), hint=L1_HINT, **kw)

    with_zeros = _params(rng, TWO_LAYER)
    with_zeros["W1"][::2, 1::2] = 0.0
    with_zeros["W2"][0] = 0.0
    return [
        c("a two-layer net's params", _params(rng, TWO_LAYER), 0.05),
        c("weights that are exactly 0 (subgradient 0 there)", with_zeros, 0.1,),
        c("all weights 0", {"W1": np.zeros((3, 4)), "b1": np.ones(4)}, 0.2),
        c("batch-norm parameters gamma1, beta1 beside the weights (not weights: not penalised)",
          _params(rng, {"W1": (5, 4), "b1": (4,), "gamma1": (4,), "beta1": (4,)}), 0.3),
        c("4-D convolution filters", _params(rng, {"W1": (2, 3, 3, 3), "b1": (2,)}), 0.01),
        c("reg = 0", _params(rng, TWO_LAYER), 0.0),
        c("float32 parameters (grads stay float32)", _params(rng, TWO_LAYER, np.float32), 0.1, rtol=1e-5),
        _penalty_numgrad_case("l1_penalty", rng, L1_HINT),
    ]


# ----------------------------------------------------------------------------- dropout

FWD_HINT = ("train: mask = np.random.default_rng(rng).random(x.shape) < p, out = x * mask / p (p is the "
            "probability of KEEPING); test: out = x; keep x's shape and dtype")


def _stats_compare(x_value, p):
    def compare(student, reference, c):
        out = student[0]
        if not isinstance(out, np.ndarray) or out.shape != c.calls[0].args[0].shape:
            return "out should have the shape of x"
        kept = float(np.mean(out != 0))
        if abs(kept - p) > 0.01:
            return f"{kept:.1%} of the units were kept, expected about {p:.0%}: p is the probability of keeping"
        if not np.allclose(out[out != 0], x_value / p):
            return "kept units should equal x / p (inverted dropout scales at training time)"
        if abs(float(out.mean()) - x_value) > 0.02 * x_value:
            return "the mean of out should stay close to the mean of x (inverted dropout preserves E[out])"
        return None

    return compare


def dropout_forward(rng):
    def c(label, x, p, mode, hint=FWD_HINT, **kw):
        return case(label, call("dropout_forward", x, p, mode, _seed(rng), send=0), hint=hint, **kw)

    return [
        c("train mode, p = 0.5, (8, 10)", rng.normal(size=(8, 10)), 0.5, "train"),
        c("train mode, p = 0.8, a 3-D array", rng.normal(size=(2, 3, 4)), 0.8, "train"),
        c("train mode, a batch of one", rng.normal(size=(1, 7)), 0.3, "train"),
        c("train mode, float32 input (out stays float32)", rng.normal(size=(5, 6)).astype(np.float32), 0.6,
          "train", rtol=1e-5),
        c("train mode with p = 1 (keep everything)", rng.normal(size=(4, 5)), 1.0, "train",
          hint="with p = 1 every unit is kept and divided by 1: out equals x"),
        c("test mode", rng.normal(size=(5, 6)), 0.5, "test",
          hint="test mode is the identity: no mask and no scaling (inverted dropout scales in training)"),
        c("test mode, float32, 3-D", rng.normal(size=(2, 3, 5)).astype(np.float32), 0.3, "test",
          hint="test mode is the identity: return x (a copy) with its dtype"),
        case("train mode on 200,000 units, p = 0.25: fraction kept, values and mean",
             call("dropout_forward", np.full((400, 500), 2.0), 0.25, "train", _seed(rng), send=0),
             compare=_stats_compare(2.0, 0.25),
             hint="keep each unit with probability p and divide the kept ones by p"),
    ]


BWD_HINT = ("dx = dout * mask / p with the mask from your forward pass's cache (train mode), dx = dout "
            "(test mode); keep dout's shape and dtype")


def _no_zeros(rng, shape, dtype=np.float64):
    """Values with |x| in [0.5, 2]: out != 0 exactly where the forward pass kept a unit."""
    return (rng.uniform(0.5, 2.0, size=shape) * rng.choice([-1.0, 1.0], size=shape)).astype(dtype)


def _backward_case(rng, label, shape, p, mode, dtype=np.float64):
    """dx against the derivative of the student's own forward pass: dout * out / x (consistency)."""
    x = _no_zeros(rng, shape, dtype)
    dout = rng.normal(size=shape).astype(dtype)
    calls = [call("dropout_forward", x, p, mode, _seed(rng), send=0),
             call("dropout_backward", dout, Out(0, 1))]

    def compare(student, reference, c):
        out, dx = student
        if not isinstance(out, np.ndarray) or out.shape != x.shape:
            return "dropout_forward's out should have the shape of x"
        expected = (dout.astype(np.float64) * out.astype(np.float64) / x.astype(np.float64)).astype(dtype)
        return compare_outputs(dx, expected, c.rtol, "dx (compared with the derivative of your own forward pass)")

    return case(label, *calls, compare=compare, hint=BWD_HINT, rtol=1e-5 if dtype == np.float32 else 1e-6)


def _dropout_numgrad_case(rng, h=1e-5):
    """dx against centred differences of sum(out * dout) through the student's own forward pass."""
    x = rng.uniform(0.5, 2.0, size=(2, 3))
    dout = rng.normal(size=(2, 3))
    seed = _seed(rng)
    calls = [call("dropout_forward", x, 0.5, "train", seed, send=0), call("dropout_backward", dout, Out(0, 1))]
    for idx in np.ndindex(*x.shape):
        for sign in (1, -1):
            moved = x.copy()
            moved[idx] += sign * h
            calls.append(call("dropout_forward", moved, 0.5, "train", seed, send=0))

    def compare(student, reference, c):
        dx = student[1]
        outs = student[2:]
        if not isinstance(dx, np.ndarray) or dx.shape != x.shape:
            return f"dx should have the shape of x, {x.shape}"
        if any(not isinstance(o, np.ndarray) or o.shape != x.shape for o in outs):
            return "dropout_forward's out should have the shape of x"
        f = np.array([float(np.sum(o * dout)) for o in outs])
        numeric = ((f[0::2] - f[1::2]) / (2 * h)).reshape(x.shape)
        err = rel_error(dx, numeric)
        if not err < 1e-6:
            return (f"dx disagrees with the numerical gradient of your forward pass with the same seed "
                    f"(relative error {err:.1e})")
        return None

    return case("dx against a numerical gradient (same seed, so the same mask)", *calls, compare=compare,
                hint=BWD_HINT)


def _mask_case(rng, label, shape, p, dtype=np.float64, kept_near_p=False):
    """dx against the contract, dout * mask / p with the grader's p and the units the student's own
    forward pass kept, however it drew them. With ``kept_near_p`` (p = 0.5, thousands of units) the
    fraction kept must also be near p, so a forward pass that keeps every unit or none, with a
    backward pass to match, does not pass; at p = 0.5 keeping with probability 1 - p is no different,
    so only the backward pass and the cache decide."""
    x = _no_zeros(rng, shape, dtype)
    dout = rng.normal(size=shape).astype(dtype)
    calls = [call("dropout_forward", x, p, "train", _seed(rng), send=0),
             call("dropout_backward", dout, Out(0, 1))]

    def compare(student, reference, c):
        out, dx = student
        if not isinstance(out, np.ndarray) or out.shape != x.shape:
            return "dropout_forward's out should have the shape of x"
        kept = out != 0
        if kept_near_p and abs(float(np.mean(kept)) - p) > 0.05:
            return (f"your dropout_forward kept {float(np.mean(kept)):.0%} of the units with p = {p}, so dx cannot "
                    "be judged on a real mask: fix dropout_forward first (keep each unit with probability p)")
        expected = (dout.astype(np.float64) * kept / p).astype(dtype)
        return compare_outputs(dx, expected, c.rtol, "dx (dout * mask / p, mask = the units your forward pass kept)")

    return case(label, *calls, compare=compare, hint=BWD_HINT, rtol=1e-5 if dtype == np.float32 else 1e-6)


def _test_mode_case(rng, label, shape, p, dtype=np.float64):
    """After a test-mode forward pass, dx against the reference's: dout itself."""
    x = _no_zeros(rng, shape, dtype)
    dout = rng.normal(size=shape).astype(dtype)
    return case(label, call("dropout_forward", x, p, "test", _seed(rng), send=False),
                call("dropout_backward", dout, Out(0, 1)), hint=BWD_HINT,
                rtol=1e-5 if dtype == np.float32 else 1e-6)


def dropout_backward(rng):
    return [
        _mask_case(rng, "train mode on 5,000 units, p = 0.5: dx = dout * mask / p with your forward pass's mask",
                   (50, 100), 0.5, kept_near_p=True),
        _mask_case(rng, "train mode, p = 0.8: dx = dout * mask / p with your forward pass's mask", (6, 7), 0.8),
        _mask_case(rng, "train mode, p = 0.3, float32: dx = dout * mask / p with your forward pass's mask",
                   (5, 6), 0.3, np.float32),
        _test_mode_case(rng, "after a test-mode forward pass, dx is dout (compared with the expected values)",
                        (4, 6), 0.6),
        _test_mode_case(rng, "after a test-mode forward pass, float32: dx is dout", (3, 5), 0.4, np.float32),
        _backward_case(rng, "train mode, p = 0.5, (6, 8)", (6, 8), 0.5, "train"),
        _backward_case(rng, "train mode, p = 0.75, a 3-D array", (2, 4, 3), 0.75, "train"),
        _backward_case(rng, "train mode, a batch of one", (1, 9), 0.4, "train"),
        _backward_case(rng, "train mode, float32", (4, 5), 0.6, "train", np.float32),
        _backward_case(rng, "train mode with p = 1", (3, 4), 1.0, "train"),
        _backward_case(rng, "after a test-mode forward pass (dx = dout)", (5, 4), 0.5, "test"),
        _backward_case(rng, "after a test-mode forward pass, float32", (3, 6), 0.3, "test", np.float32),
        _dropout_numgrad_case(rng),
    ]


# ----------------------------------------------------------------------------- augmentation

SHIFT_HINT = ("out[n, r, c] = X[n, r - dy[n], c - dx[n]] where that pixel exists, else 0: pad with background, "
              "never wrap around (np.roll wraps); each image uses its own dy[n], dx[n]")


def _shifts(rng, n, k):
    return rng.integers(-k, k + 1, size=n).astype(np.int64), rng.integers(-k, k + 1, size=n).astype(np.int64)


def shift_images(rng):
    def c(label, X, dy, dx, hint=SHIFT_HINT, **kw):
        return case(label, call("shift_images", X, np.asarray(dy, dtype=np.int64), np.asarray(dx, dtype=np.int64)),
                    hint=hint, **kw)

    return [
        c("five 6x7 images, shifts up to 3 pixels", rng.uniform(size=(5, 6, 7)), *_shifts(rng, 5, 3)),
        c("28x28 letters-sized images, shifts up to 2", rng.uniform(size=(4, 28, 28)), *_shifts(rng, 4, 2)),
        c("zero shifts", rng.uniform(size=(3, 5, 5)), [0, 0, 0], [0, 0, 0],
          hint="a shift of 0 returns the image unchanged"),
        c("non-square images, each image its own shift", rng.uniform(size=(3, 4, 9)), [1, -2, 0], [-3, 0, 4]),
        c("shifts of the whole height or width and more (only background left)", rng.uniform(size=(4, 5, 6)),
          [5, -7, 0, 2], [0, 1, -6, 9], hint="a shift of H rows or W columns or more moves everything out: all 0"),
        c("shifts of H - 1 rows and W - 1 columns", rng.uniform(size=(2, 5, 6)), [4, -4], [-5, 5]),
        c("a batch of one", rng.uniform(size=(1, 8, 8)), [2], [-1]),
        c("float32 images (stay float32)", rng.uniform(size=(3, 6, 6)).astype(np.float32), [1, 0, -1], [2, -2, 0]),
    ]


ROT_HINT = ("for output pixel (r, c): y = r - cy, x = c - cx, read X bilinearly at (cy + x sin t + y cos t, "
            "cx + x cos t - y sin t), t in radians, centre ((H - 1) / 2, (W - 1) / 2), 0 outside the image")


def rotate_images(rng):
    def c(label, X, angles, **kw):
        return case(label, call("rotate_images", X, np.asarray(angles, dtype=np.float64)), hint=ROT_HINT, **kw)

    return [
        c("small angles on 8x8 images", rng.uniform(size=(3, 8, 8)), rng.uniform(-30, 30, size=3)),
        c("letters-sized 28x28 images, +-15 degrees", rng.uniform(size=(2, 28, 28)), rng.uniform(-15, 15, size=2)),
        c("non-square images (7x10), odd and even sides", rng.uniform(size=(2, 7, 10)), [15.0, -40.0]),
        c("90, 180 and -90 degrees", rng.uniform(size=(3, 6, 6)), [90.0, 180.0, -90.0]),
        c("a batch of one, 0 degrees", rng.uniform(size=(1, 5, 5)), [0.0]),
        c("an angle larger than a turn", rng.uniform(size=(1, 9, 9)), [370.0]),
        c("a corner pixel turned out of the frame (background 0 outside)",
          np.pad(np.ones((1, 2, 2)), ((0, 0), (0, 5), (0, 5))), [45.0]),
        c("float32 images (stay float32)", rng.uniform(size=(2, 6, 7)).astype(np.float32), [12.0, -25.0],
          rtol=1e-5),
    ]


NOISE_HINT = ("noise = sigma * np.random.default_rng(rng).standard_normal(X.shape), one draw per pixel; "
              "return np.clip(X + noise, 0, 1) with X's dtype")


def _noise_stats(sigma, level):
    def compare(student, reference, c):
        out = student[0]
        if not isinstance(out, np.ndarray) or out.shape != c.calls[0].args[0].shape:
            return "the result should have the shape of X"
        noise = out.astype(np.float64) - level
        if abs(float(noise.mean())) > 0.05 * sigma:
            return f"the noise should have mean 0, got {noise.mean():.4f}"
        if abs(float(noise.std()) - sigma) > 0.05 * sigma:
            return f"the noise should have standard deviation sigma = {sigma}, got {noise.std():.4f}"
        return None

    return compare


def add_noise(rng):
    def c(label, X, sigma, **kw):
        return case(label, call("add_noise", X, sigma, _seed(rng)), hint=kw.pop("hint", NOISE_HINT), **kw)

    return [
        c("four 5x6 images, sigma = 0.1", rng.uniform(size=(4, 5, 6)), 0.1),
        c("letters-sized images, sigma = 0.05", rng.uniform(size=(3, 28, 28)), 0.05),
        c("sigma = 0 (unchanged)", rng.uniform(size=(2, 4, 4)), 0.0),
        c("sigma = 2: most pixels clipped to 0 or 1", rng.uniform(size=(3, 5, 5)), 2.0,
          hint="clip into [0, 1] after adding the noise"),
        c("a batch of one", rng.uniform(size=(1, 7, 7)), 0.2),
        c("float32 images (stay float32)", rng.uniform(size=(2, 6, 6)).astype(np.float32), 0.1, rtol=1e-5),
        case("40,000 grey pixels, sigma = 0.03: mean and spread of the noise",
             call("add_noise", np.full((50, 28, 28), 0.5), 0.03, _seed(rng)), compare=_noise_stats(0.03, 0.5),
             hint="sigma is the standard deviation of the noise (not its variance), and its mean is 0"),
    ]


# ----------------------------------------------------------------------------- early stopping

ES_HINT = ("an epoch improves when its score > best so far + min_delta (ties do not); stop at the first epoch "
           "e with e - best_epoch >= patience, else at the last; best_epoch is the best up to the stop; "
           "epochs count from 0")


def _overfit_curve(rng, n):
    epochs = np.arange(n)
    return np.round(0.8 - 0.4 * np.exp(-epochs / 4) - 0.004 * epochs + 0.01 * rng.normal(size=n), 3)


def early_stopping(rng):
    def c(label, scores, patience, min_delta=None, hint=ES_HINT):
        kwargs = {} if min_delta is None else {"min_delta": min_delta}
        return case(label, call("early_stopping", scores, patience, **kwargs), hint=hint)

    return [
        c("a noisy over-fitting curve, patience 3", _overfit_curve(rng, 40).tolist(), 3),
        c("a noisy over-fitting curve, patience 8", _overfit_curve(rng, 60).tolist(), 8),
        c("a better score after the stop (never seen)", [0.5, 0.7, 0.6, 0.65, 0.66, 0.9], 3),
        c("ties with the best (not improvements)", [0.6, 0.6, 0.7, 0.7, 0.7, 0.7], 2),
        c("scores rising every epoch (no stop)", [0.1, 0.3, 0.4, 0.45, 0.47], 2),
        c("a single epoch", [0.42], 5),
        c("patience 1", [0.3, 0.5, 0.4, 0.8], 1),
        c("patience longer than the run", [0.5, 0.4, 0.3, 0.2], 10),
        c("falling from the start", [0.9, 0.8, 0.7, 0.6, 0.5], 2),
        c("min_delta = 0.05", [0.50, 0.52, 0.56, 0.58, 0.60, 0.61, 0.70], 2, 0.05),
        c("scores as a numpy array", np.array([0.2, 0.4, 0.35, 0.33, 0.3, 0.5]), 3),
    ]


TESTS = {
    "test_l2_penalty": l2_penalty,
    "test_l1_penalty": l1_penalty,
    "test_dropout_forward": dropout_forward,
    "test_dropout_backward": dropout_backward,
    "test_shift_images": shift_images,
    "test_rotate_images": rotate_images,
    "test_add_noise": add_noise,
    "test_early_stopping": early_stopping,
}
