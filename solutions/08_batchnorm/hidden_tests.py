"""Hidden tests for 08_batchnorm: inputs the grader makes, judged against the reference solution.

Each entry of TESTS matches a visible test cell of the notebook (same grade_id). The judge calls the
student's functions and the reference on the same inputs and compares outputs; feedback shows a
case's label and hint, never its inputs. See autograder/spec.py.

batchnorm_forward returns (out, bn_param, cache): cases judge ``out`` (send=0) or the returned
``bn_param`` (send=1, only its running_mean and running_var), and hand the student's own returned
bn_param or cache to a later call with ``Out``.
"""

import numpy as np

from autograder.spec import Out, call, case, compare_outputs

TAUGHT = {
    "standardize": "utils.normalization.standardize",
    "batchnorm_forward": "utils.normalization.batchnorm_forward",
    "batchnorm_backward": "utils.normalization.batchnorm_backward",
    "layernorm_forward": "utils.normalization.layernorm_forward",
    "layernorm_backward": "utils.normalization.layernorm_backward",
}

F32_RTOL = 2e-5


def _x(rng, n, d, loc=0.0, scale=1.0):
    return loc + scale * rng.standard_normal((n, d))


def _with_constant_and_tiny(rng, n, d):
    """A batch whose feature 0 is constant (only eps keeps it finite) and feature 1 has std 0.01
    (where eps inside or outside the square root differ by 5%)."""
    x = _x(rng, n, d, 1.0, 2.0)
    x[:, 0] = 3.0
    x[:, 1] = -2.0 + 0.01 * rng.standard_normal(n)
    return x


def _params(rng, d, dtype=np.float64):
    return (1.0 + 0.5 * rng.standard_normal(d)).astype(dtype), rng.standard_normal(d).astype(dtype)


# ----------------------------------------------------------------------------- standardize

STD_HINT = "subtract the mean along `axis` and divide by sqrt(variance + eps), keepdims=True on both"


def standardize(rng):
    return [
        case("a batch of 8 samples, 5 features, axis=0", call("standardize", _x(rng, 8, 5, 2.0, 3.0)),
             hint=STD_HINT),
        case("axis=1: each sample over its own features", call("standardize", _x(rng, 6, 7, -1.0, 2.0), axis=1),
             hint=STD_HINT),
        case("axis=-1 on a wide batch", call("standardize", _x(rng, 3, 10), axis=-1), hint=STD_HINT),
        case("a batch of 2", call("standardize", _x(rng, 2, 4)), hint="the variance divides by N (biased), not N - 1"),
        case("a constant feature and one with a tiny spread", call("standardize", _with_constant_and_tiny(rng, 6, 4)),
             hint="eps goes inside the square root: (x - mean) / sqrt(var + eps); a constant feature gives 0"),
        case("a custom eps", call("standardize", _x(rng, 5, 3, 0.0, 0.5), eps=0.5), hint="use the eps argument"),
        case("values around 1e6 plus noise", call("standardize", _x(rng, 10, 4, 1e6, 1.0)),
             hint="compute the variance from the centred values, mean((x - mean)^2); "
                  "mean(x^2) - mean(x)^2 cancels catastrophically at large offsets"),
        case("float32 input, which must stay float32",
             call("standardize", _x(rng, 6, 5, 1.0, 2.0).astype(np.float32)), rtol=F32_RTOL,
             hint="compute in the input's dtype"),
    ]


# ----------------------------------------------------------------------------- batchnorm forward

BN_HINT = ("statistics over the batch (axis=0): mean and biased variance per feature, "
           "x_hat = (x - mean) / sqrt(var + eps), out = gamma * x_hat + beta")


def _bn(x, gamma, beta, bn_param, send=0):
    return call("batchnorm_forward", x, gamma, beta, bn_param, send=send)


def batchnorm_train(rng):
    d = 5
    g, b = _params(rng, d)
    stale = {"mode": "train", "running_mean": rng.standard_normal(d), "running_var": 1 + rng.random(d)}
    return [
        case("train mode, 8 samples, 5 features", _bn(_x(rng, 8, d, 1.0, 2.0), g, b, {"mode": "train"}),
             hint=BN_HINT),
        case("train mode, a batch of 2", _bn(_x(rng, 2, d), g, b, {"mode": "train"}), hint=BN_HINT),
        case("a constant feature and one with a tiny spread",
             _bn(_with_constant_and_tiny(rng, 6, d), g, b, {"mode": "train"}),
             hint="eps goes inside the square root; a constant feature comes out as beta"),
        case("bn_param sets eps", _bn(_x(rng, 6, d, 0.0, 0.3), g, b, {"mode": "train", "eps": 0.05}),
             hint="read eps from bn_param (default 1e-5)"),
        case("values around 1e6 plus noise", _bn(_x(rng, 10, d, 1e6, 1.0), g, b, {"mode": "train"}),
             hint="compute the variance from the centred values, mean((x - mean)^2)"),
        case("train mode ignores running statistics already in bn_param", _bn(_x(rng, 7, d), g, b, stale),
             hint="in train mode normalise with the batch's own statistics, not the running ones"),
        case("float32 input, gamma and beta: the output stays float32",
             _bn(_x(rng, 6, 3).astype(np.float32), *_params(rng, 3, np.float32), {"mode": "train"}),
             rtol=F32_RTOL, hint="compute in the input's dtype"),
    ]


def _running_only(student, reference, c):
    """Compare the running_mean and running_var of every returned bn_param that was sent."""
    for i, (s, r) in enumerate(zip(student, reference)):
        if r is None:
            continue
        if not isinstance(s, dict):
            return "batchnorm_forward should return (out, bn_param, cache), with bn_param a dict"
        for key in ("running_mean", "running_var"):
            if key not in s:
                return f"the bn_param returned by call {i + 1} has no '{key}': store the updated average in it"
            message = compare_outputs(s[key], r[key], c.rtol, f"bn_param['{key}'] after call {i + 1}")
            if message:
                return message
    return None


RUN_HINT = ("running = (1 - momentum) * running + momentum * batch statistic, starting from zeros (mean) "
            "and ones (var), with the unbiased batch variance (divide by N - 1) for running_var")


def batchnorm_running_stats(rng):
    d = 4
    g, b = _params(rng, d)

    def one(label, x, bn_param, hint=RUN_HINT):
        return case(label, _bn(x, g, b, bn_param, send=1), compare=_running_only, hint=hint)

    chained = [_bn(_x(rng, 5, d, 2.0, 3.0), g, b, {"mode": "train", "momentum": 0.3}, send=1)]
    for k in range(2):
        chained.append(_bn(_x(rng, 5, d, 2.0, 3.0), g, b, Out(k, 1), send=1))
    return [
        one("one step from an empty bn_param (default momentum 0.1)", _x(rng, 6, d, 1.0, 2.0), {"mode": "train"}),
        one("a batch of 2", _x(rng, 2, d, 3.0, 1.0), {"mode": "train"},
            hint="running_var averages the unbiased variance, sum((x - mean)^2) / (N - 1): twice the biased one "
                 "for N = 2"),
        one("one step from given running statistics, momentum 0.05", _x(rng, 8, d),
            {"mode": "train", "momentum": 0.05, "running_mean": rng.standard_normal(d),
             "running_var": 1 + rng.random(d)},
            hint="momentum is the weight of the new batch's statistic: (1 - momentum) * old + momentum * new"),
        case("three steps, each given the bn_param the previous one returned", *chained,
             compare=_running_only, hint=RUN_HINT + "; return the updated bn_param"),
    ]


def batchnorm_test_mode(rng):
    d = 4
    g, b = _params(rng, d)
    given = {"mode": "test", "running_mean": rng.standard_normal(d), "running_var": 0.5 + rng.random(d)}
    test_hint = "in test mode use running_mean and running_var, never the test batch's own statistics"
    trained = [_bn(_x(rng, 6, d, 2.0, 3.0), g, b, {"mode": "train", "momentum": 0.4}, send=False)]
    for k in range(2):
        trained.append(_bn(_x(rng, 6, d, 2.0, 3.0), g, b, Out(k, 1), send=False))
    trained.append(_bn(_x(rng, 5, d, 2.0, 3.0), g, b, Out(2, 1, update={"mode": "test"})))
    return [
        case("test mode with given running statistics", _bn(_x(rng, 5, d, 0.5, 2.0), g, b, given), hint=test_hint),
        case("test mode on a single sample", _bn(_x(rng, 1, d), g, b, given), hint=test_hint),
        case("test mode before any training step",
             _bn(_x(rng, 4, d, 1.0, 3.0), g, b, {"mode": "test"}),
             hint="without running statistics in bn_param, use zeros for the mean and ones for the variance"),
        case("test mode with eps set in bn_param", _bn(_x(rng, 3, d), g, b, dict(given, eps=0.2)),
             hint="read eps from bn_param in test mode too"),
        case("test mode with a running variance close to 0", _bn(_x(rng, 4, d), g, b,
             dict(given, running_var=np.array([1e-6, 1e-4, 1.0, 4.0]))),
             hint="divide by sqrt(running_var + eps), eps inside the square root"),
        case("test mode after three training steps, given the bn_param the last one returned", *trained,
             hint=test_hint + "; in train mode, store them in the bn_param you return"),
    ]


# ----------------------------------------------------------------------------- backward passes

def _norm_error(analytic, numeric):
    a, n = np.asarray(analytic, dtype=np.float64), np.asarray(numeric, dtype=np.float64)
    return float(np.linalg.norm(a - n) / max(np.linalg.norm(n), np.linalg.norm(a), 1e-12))


def _numerical_gradient_case(rng, forward, backward, n, d, h=1e-5):
    """A case calling the student's own forward at x, gamma and beta +- h along each coordinate,
    judged by the centred difference of sum(out * dout) against their backward's three gradients."""
    train = forward == "batchnorm_forward"

    def fwd(x, g, b, send):
        if train:
            return call(forward, x, g, b, {"mode": "train"}, send=send)
        return call(forward, x, g, b, send=send)

    x = _x(rng, n, d, 1.0, 2.0)
    g, b = _params(rng, d)
    dout = rng.standard_normal((n, d))
    cache_item = 2 if train else 1
    calls = [fwd(x, g, b, False), call(backward, dout, Out(0, cache_item))]
    sizes = []
    for which, value in enumerate((x, g, b)):
        sizes.append(value.size)
        for idx in np.ndindex(value.shape):
            for sign in (1, -1):
                moved = [x, g, b]
                moved[which] = value.copy()
                moved[which][idx] += sign * h
                calls.append(fwd(*moved, 0))
    names = ("dx", "dgamma", "dbeta")
    shapes = (x.shape, g.shape, b.shape)

    def compare(student, reference, c):
        grads = student[1]
        if not isinstance(grads, list) or len(grads) != 3:
            return f"{backward} should return (dx, dgamma, dbeta)"
        outs = student[2:]
        if not all(isinstance(o, np.ndarray) and o.shape == (n, d) for o in outs):
            return f"{forward} should return out of shape {(n, d)}"
        f = np.array([float(np.sum(o.astype(np.float64) * dout)) for o in outs])
        numeric = (f[0::2] - f[1::2]) / (2 * h)
        start = 0
        for name, shape, size, grad in zip(names, shapes, sizes, grads):
            num = numeric[start:start + size].reshape(shape)
            start += size
            if not isinstance(grad, np.ndarray) or grad.shape != shape:
                return f"{name} should have shape {shape}"
            err = _norm_error(grad, num)
            if not err < 1e-6:
                return (f"{name} disagrees with the numerical gradient of your own {forward} "
                        f"(relative error {err:.1e})")
        return None

    return case(f"dx, dgamma, dbeta against the numerical gradient of your own {forward}", *calls,
                compare=compare,
                hint="differentiate through the mean and the variance too: they depend on every input")


BN_BACK_HINT = ("with g = dout * gamma: dx = inv_std * (g - mean(g) - x_hat * mean(g * x_hat)), means over the "
                "batch (axis 0); dgamma = sum(dout * x_hat), dbeta = sum(dout), over the batch")


def batchnorm_backward(rng):
    def own_cache(label, x, d_out=None, hint=BN_BACK_HINT):
        n, d = x.shape
        g, b = _params(rng, d)
        dout = rng.standard_normal((n, d)) if d_out is None else d_out
        return case(label, _bn(x, g, b, {"mode": "train"}, send=False),
                    call("batchnorm_backward", dout, Out(0, 2)), hint=hint)

    return [
        own_cache("8 samples, 5 features, through your own cache", _x(rng, 8, 5, 1.0, 2.0)),
        own_cache("a batch of 2", _x(rng, 2, 3)),
        own_cache("a constant feature and one with a tiny spread", _with_constant_and_tiny(rng, 6, 4),
                  hint=BN_BACK_HINT + "; inv_std = 1 / sqrt(var + eps), eps inside the square root"),
        own_cache("values around 1e6 plus noise", _x(rng, 10, 4, 1e6, 1.0)),
        own_cache("a single feature", _x(rng, 7, 1, -2.0, 0.5)),
        _numerical_gradient_case(rng, "batchnorm_forward", "batchnorm_backward", 4, 3),
    ]


# ----------------------------------------------------------------------------- layer norm

LN_HINT = ("statistics per sample, over its D features (axis=1, keepdims=True); "
           "out = gamma * (x - mean) / sqrt(var + eps) + beta")


def layernorm_forward(rng):
    def ln(label, x, hint=LN_HINT, rtol=1e-6, dtype=np.float64, **kw):
        g, b = _params(rng, x.shape[1], dtype)
        return case(label, call("layernorm_forward", x, g, b, send=0, **kw), hint=hint, rtol=rtol)

    flat = _x(rng, 4, 6)
    flat[1] = 2.5
    flat[2] = 1.0 + 0.01 * rng.standard_normal(6)
    return [
        ln("5 samples, 8 features", _x(rng, 5, 8, 1.0, 2.0)),
        ln("a single sample", _x(rng, 1, 6)),
        ln("two features", _x(rng, 3, 2)),
        ln("a constant sample and one with a tiny spread", flat,
           hint="eps goes inside the square root; a constant sample comes out as beta"),
        ln("a custom eps", _x(rng, 4, 5, 0.0, 0.3), eps=0.1, hint="use the eps argument"),
        ln("samples around 1e6 plus noise", _x(rng, 4, 8, 1e6, 1.0),
           hint="compute the variance from the centred values, mean((x - mean)^2)"),
        ln("float32 input, gamma and beta: the output stays float32", _x(rng, 3, 7).astype(np.float32),
           rtol=F32_RTOL, dtype=np.float32, hint="compute in the input's dtype"),
    ]


LN_BACK_HINT = ("the batch-norm formula with means over each sample's features (axis=1, keepdims=True), "
                "g = dout * gamma; dgamma and dbeta still sum over the batch (axis 0)")


def layernorm_backward(rng):
    def own_cache(label, x, hint=LN_BACK_HINT):
        n, d = x.shape
        g, b = _params(rng, d)
        return case(label, call("layernorm_forward", x, g, b, send=False),
                    call("layernorm_backward", rng.standard_normal((n, d)), Out(0, 1)), hint=hint)

    return [
        own_cache("5 samples, 8 features, through your own cache", _x(rng, 5, 8, 1.0, 2.0)),
        own_cache("a single sample", _x(rng, 1, 6)),
        own_cache("many samples, few features", _x(rng, 12, 3, -1.0, 3.0)),
        _numerical_gradient_case(rng, "layernorm_forward", "layernorm_backward", 3, 4),
    ]


TESTS = {
    "test_standardize": standardize,
    "test_batchnorm_train": batchnorm_train,
    "test_batchnorm_running_stats": batchnorm_running_stats,
    "test_batchnorm_test_mode": batchnorm_test_mode,
    "test_batchnorm_backward": batchnorm_backward,
    "test_layernorm_forward": layernorm_forward,
    "test_layernorm_backward": layernorm_backward,
}
