"""Hidden tests for 03_logistic: inputs the grader makes, judged against the reference solution.

Each entry of TESTS matches a visible test cell of the notebook (same grade_id). The judge calls
the student's functions and the reference on the same inputs and compares the outputs; feedback
shows a case's label and hint, never its inputs. See autograder/spec.py.

Optimiser steps in a row: each call gets the parameter and the config (with its state arrays) that
the course's own update rule produced at the step before, so the student's rule is judged on every
step of a run, state included.
"""

import copy

import numpy as np

from autograder.spec import Out, call, case, compare_outputs
from utils import optim
from utils.gradcheck import rel_error

TAUGHT = {
    "logistic_forward": "utils.linear.logistic_forward",
    "logistic_loss": "utils.linear.logistic_loss",
    "gd_step": "utils.linear.gd_step",
    "minibatches": "utils.optim.minibatches",
    "sgd": "utils.optim.sgd",
    "sgd_momentum": "utils.optim.sgd_momentum",
    "exponential_decay": "utils.optim.exponential_decay",
    "adagrad": "utils.optim.adagrad",
}

F32_RTOL = 1e-5  # float32 carries about 7 significant digits


def _problem(rng, n, d, k, scale=1.0, dtype=np.float64):
    """A random classification problem: X (N, D), y (N,), W (D, K), b (K,)."""
    X = (scale * rng.normal(size=(n, d))).astype(dtype)
    y = rng.integers(0, k, size=n)
    W = rng.normal(size=(d, k)).astype(dtype)
    b = rng.normal(size=k).astype(dtype)
    return X, y, W, b


# ----------------------------------------------------------------------------- forward

FWD_HINT = "scores = X @ W + b: (N, D) @ (D, K) gives one row of K scores per sample, and b (K,) is added to every row"


def logistic_forward(rng):
    def fwd(label, X, W, b, rtol=1e-6):
        return case(label, call("logistic_forward", X, W, b), hint=FWD_HINT, rtol=rtol)

    X, _, W, b = _problem(rng, 6, 4, 3)
    X1, _, W1, b1 = _problem(rng, 1, 5, 4)
    Xf, _, Wf, bf = _problem(rng, 7, 1, 3)
    Xs, _, Ws, bs = _problem(rng, 4, 5, 4)
    X32, _, W32, b32 = _problem(rng, 5, 3, 4, dtype=np.float32)
    Xb, _, Wb, bb = _problem(rng, 3, 4, 5, scale=300.0)
    return [
        fwd("6 samples, 4 features, 3 classes", X, W, b),
        fwd("a single sample", X1, W1, b1),
        fwd("one feature per sample", Xf, Wf, bf),
        fwd("as many samples as classes", Xs, Ws, bs),
        fwd("float32 inputs", X32, W32, b32, rtol=F32_RTOL),
        fwd("large inputs giving scores in the thousands", Xb, Wb, bb),
    ]


# ----------------------------------------------------------------------------- loss and gradients

LOSS_HINT = ("scores = X @ W + b, then softmax_cross_entropy(scores, y): the loss is the mean over samples, "
             "computed stably (the max subtracted)")
GRAD_HINT = ("dW = X.T @ dscores, shape (D, K); db = dscores.sum(axis=0), shape (K,); dscores from "
             "softmax_cross_entropy is already divided by N")


def _triple(s):
    return isinstance(s, list) and len(s) == 3


def _loss_only(student, reference, c):
    """Compare the loss (item 0) of each (loss, dW, db) triple."""
    for s, r in zip(student, reference):
        if not _triple(s):
            return "logistic_loss should return a tuple (loss, dW, db)"
        message = compare_outputs(s[0], r[0], c.rtol, "the loss")
        if message:
            return message
    return None


def _grads_only(student, reference, c):
    """Compare dW and db (items 1 and 2) of each (loss, dW, db) triple."""
    for s, r in zip(student, reference):
        if not _triple(s):
            return "logistic_loss should return a tuple (loss, dW, db)"
        for i, where in ((1, "dW"), (2, "db")):
            message = compare_outputs(s[i], r[i], c.rtol, where)
            if message:
                return message
    return None


def logistic_loss(rng):
    def loss_case(label, problem, rtol=1e-6):
        X, y, W, b = problem
        return case(label, call("logistic_loss", X, y, W, b), compare=_loss_only, hint=LOSS_HINT, rtol=rtol)

    X, y, W, b = _problem(rng, 5, 3, 4)
    return [
        loss_case("8 samples, 5 features, 3 classes", _problem(rng, 8, 5, 3)),
        loss_case("a single sample", _problem(rng, 1, 3, 4)),
        loss_case("one feature per sample", _problem(rng, 6, 1, 3)),
        loss_case("float32 inputs", _problem(rng, 5, 4, 3, dtype=np.float32), rtol=F32_RTOL),
        loss_case("large inputs giving scores in the thousands", _problem(rng, 4, 3, 5, scale=500.0)),
        loss_case("zero weights and biases (the loss is log K)", (X, y, np.zeros_like(W), np.zeros_like(b))),
    ]


def _numerical_gradient_case(rng, n=4, d=3, k=3, h=1e-5):
    """A case whose calls move each entry of W and b by +-h, judged by centred differences of the
    student's own loss."""
    X, y, W, b = _problem(rng, n, d, k)
    calls = [call("logistic_loss", X, y, W, b)]
    for idx in np.ndindex(d, k):
        for sign in (1, -1):
            moved = W.copy()
            moved[idx] += sign * h
            calls.append(call("logistic_loss", X, y, moved, b))
    for j in range(k):
        for sign in (1, -1):
            moved = b.copy()
            moved[j] += sign * h
            calls.append(call("logistic_loss", X, y, W, moved))

    def compare(student, reference, c):
        if not all(_triple(s) for s in student):
            return "logistic_loss should return a tuple (loss, dW, db)"
        dW, db = student[0][1], student[0][2]
        if not isinstance(dW, np.ndarray) or dW.shape != (d, k):
            return f"dW should have the shape of W, {(d, k)}"
        if not isinstance(db, np.ndarray) or db.shape != (k,):
            return f"db should have the shape of b, {(k,)}"
        losses = np.array([float(s[0]) if np.size(s[0]) == 1 else np.nan for s in student[1:]])
        numeric = (losses[0::2] - losses[1::2]) / (2 * h)  # (d * k + k,)
        for where, analytic, num in (("dW", dW, numeric[:d * k].reshape(d, k)), ("db", db, numeric[d * k:])):
            err = rel_error(analytic, num)
            if not err < 1e-6:
                return f"{where} disagrees with the numerical gradient of your own loss (relative error {err:.1e})"
        return None

    return case("dW and db against the numerical gradient of the loss", *calls, compare=compare, hint=GRAD_HINT)


def logistic_grad(rng):
    def grad_case(label, problem, rtol=1e-6):
        X, y, W, b = problem
        return case(label, call("logistic_loss", X, y, W, b), compare=_grads_only, hint=GRAD_HINT, rtol=rtol)

    return [
        grad_case("8 samples, 5 features, 3 classes", _problem(rng, 8, 5, 3)),
        grad_case("a single sample", _problem(rng, 1, 3, 4)),
        grad_case("one feature per sample", _problem(rng, 6, 1, 3)),
        grad_case("as many features as classes", _problem(rng, 5, 4, 4)),
        grad_case("float32 inputs", _problem(rng, 5, 4, 3, dtype=np.float32), rtol=F32_RTOL),
        grad_case("large inputs giving scores in the thousands", _problem(rng, 4, 3, 5, scale=500.0)),
        _numerical_gradient_case(rng),
    ]


# ----------------------------------------------------------------------------- gradient descent

GD_HINT = ("compute the loss and gradients at W and b first, then return W - learning_rate * dW, "
           "b - learning_rate * db and that loss")


def gd_step(rng):
    def gd_case(label, problem, lr, rtol=1e-6):
        X, y, W, b = problem
        return case(label, call("gd_step", X, y, W, b, lr), hint=GD_HINT, rtol=rtol)

    return [
        gd_case("8 samples, 5 features, 3 classes", _problem(rng, 8, 5, 3), 0.1),
        gd_case("a single sample", _problem(rng, 1, 4, 3), 0.5),
        gd_case("one feature per sample", _problem(rng, 6, 1, 4), 0.2),
        gd_case("float32 inputs", _problem(rng, 5, 3, 3, dtype=np.float32), 0.1, rtol=F32_RTOL),
        gd_case("large inputs giving scores in the thousands", _problem(rng, 4, 3, 5, scale=500.0), 1e-3),
        gd_case("a learning rate of 0 (nothing moves)", _problem(rng, 5, 2, 3), 0.0),
        _twice_from_one_point(rng),
    ]


def _twice_from_one_point(rng):
    """One step, then two more steps that both start from its result: they agree only if a step
    leaves the W and b it was given untouched."""
    X, y, W, b = _problem(rng, 6, 3, 4)
    return case("two steps from the same parameters (the inputs must not change)",
                call("gd_step", X, y, W, b, 0.3),
                call("gd_step", X, y, Out(0, 0), Out(0, 1), 0.3),
                call("gd_step", X, y, Out(0, 0), Out(0, 1), 0.3),
                hint=GD_HINT + "; return new arrays (W - learning_rate * dW), never change W or b in place")


# ----------------------------------------------------------------------------- mini-batches

BATCH_HINT = ("one rng.permutation(N) from np.random.default_rng(rng), cut into consecutive slices of "
              "batch_size (the last one shorter), indexing X and y with the same slice")


def _batches_case(rng, label, n, d, batch_size, dtype=np.float64):
    """Three calls (a seed twice, then another seed), judged on properties rather than on the
    reference's exact order: sizes, every sample once, rows kept with their labels, shuffled,
    the same for the same seed."""
    X = rng.normal(size=(n, d)).astype(dtype)
    X[:, 0] = rng.permutation(n) + rng.uniform(0.1, 0.9, size=n)  # column 0 tells the rows apart
    y = rng.integers(0, 5, size=n)
    seed = int(rng.integers(1000))
    calls = [call("minibatches", X, y, batch_size, rng=seed), call("minibatches", X, y, batch_size, rng=seed),
             call("minibatches", X, y, batch_size, rng=seed + 1)]
    sizes = [batch_size] * (n // batch_size) + ([n % batch_size] if n % batch_size else [])
    row_of = {float(v): i for i, v in enumerate(X[:, 0])}

    def compare(student, reference, c):
        orders = []
        for out in student:
            if not isinstance(out, list) or not all(isinstance(p, list) and len(p) == 2 for p in out):
                return "minibatches should return a list of pairs (X_batch, y_batch)"
            got = [int(np.shape(p[1])[0]) if np.ndim(p[1]) == 1 else -1 for p in out]
            if got != sizes:
                return f"{n} samples in batches of {batch_size} should give batch sizes {sizes}, got {got}"
            if not all(isinstance(p[0], np.ndarray) and p[0].shape == (len(p[1]), d) for p in out):
                return f"each X_batch should have shape (batch size, {d})"
            X_all = np.concatenate([p[0] for p in out])
            y_all = np.concatenate([p[1] for p in out])
            if X_all.dtype != X.dtype:
                return f"X_batch has dtype {X_all.dtype}, expected X's dtype {X.dtype}: take rows of X as they are"
            order = np.array([row_of.get(float(v), -1) for v in X_all[:, 0]])
            if np.any(order < 0) or not np.array_equal(X_all, X[order]):
                return "the batches hold rows that are not rows of X"
            if not np.array_equal(np.sort(order), np.arange(n)):
                return "some samples appear twice and others never: every sample should be used exactly once"
            if not np.array_equal(y_all, y[order]):
                return "rows of X and their labels were separated: index X and y with the same shuffled indices"
            orders.append(order)
        if not np.array_equal(orders[0], orders[1]):
            return "the same seed gave different batches: draw from np.random.default_rng(rng), not np.random"
        if n >= 8 and np.array_equal(orders[0], np.arange(n)):
            return "the batches follow the original order of the samples: shuffle them first"
        if n >= 8 and np.array_equal(orders[0], orders[2]):
            return "two different seeds gave the same batches: use the rng argument"
        return None

    return case(label, *calls, compare=compare, hint=BATCH_HINT)


def minibatches(rng):
    return [
        _batches_case(rng, "23 samples in batches of 5 (a partial last batch)", 23, 3, 5),
        _batches_case(rng, "12 samples in batches of 4 (no partial batch)", 12, 2, 4),
        _batches_case(rng, "a batch size larger than N", 7, 3, 10),
        _batches_case(rng, "batches of one sample", 9, 2, 1),
        _batches_case(rng, "float32 samples", 10, 4, 3, dtype=np.float32),
        _batches_case(rng, "a single sample", 1, 3, 4),
    ]


# ----------------------------------------------------------------------------- update rules


def _update_compare(function, state_keys):
    """Compare next_w and the state arrays config[key] of each (next_w, config) pair; hyperparameters
    that the student kept or not in config are not judged."""

    def compare(student, reference, c):
        for step, (s, r) in enumerate(zip(student, reference)):
            at = f" at step {step + 1}" if len(student) > 1 else ""
            if not isinstance(s, list) or len(s) != 2 or not isinstance(s[1], dict):
                return f"{function} should return a pair (next_w, config), config a dict"
            message = compare_outputs(s[0], r[0], c.rtol, "next_w" + at)
            if message:
                return message
            for key in state_keys:
                if key not in s[1]:
                    return f"the returned config has no '{key}'{at}: store the new state in config"
                message = compare_outputs(s[1][key], r[1][key], c.rtol, f"config['{key}']" + at)
                if message:
                    return message
        return None

    return compare


def _steps(function, w, grads, config):
    """Calls of `function` for successive gradients, each with the parameter and config that the
    course's own rule returned at the step before."""
    reference = getattr(optim, function)
    calls = []
    for dw in grads:
        calls.append(call(function, w.copy(), dw, copy.deepcopy(config)))
        w, config = reference(w, dw, copy.deepcopy(config))
    return calls


SGD_HINT = "next_w = w - config['learning_rate'] * dw, with learning_rate 1e-2 when config is None or lacks it"
MOM_HINT = ("v = momentum * v + dw, with v from config['velocity'] (zeros the first time); then "
            "next_w = w - learning_rate * v; store v in config['velocity'] and return (next_w, config)")


def sgd_momentum(rng):
    def sgd_case(label, *calls, rtol=1e-6):
        return case(label, *calls, compare=_update_compare("sgd", []), hint=SGD_HINT, rtol=rtol)

    def mom_case(label, *calls, rtol=1e-6):
        return case(label, *calls, compare=_update_compare("sgd_momentum", ["velocity"]), hint=MOM_HINT, rtol=rtol)

    w, dw = rng.normal(size=(3, 4)), rng.normal(size=(3, 4))
    w32, dw32 = rng.normal(size=(4, 2)).astype(np.float32), rng.normal(size=(4, 2)).astype(np.float32)
    grads = [rng.normal(size=(2, 3)) for _ in range(5)]
    v0 = rng.normal(size=5)
    return [
        sgd_case("sgd on a (3, 4) weight matrix", call("sgd", w, dw, {"learning_rate": 0.05})),
        sgd_case("sgd with config=None (the default learning rate)", call("sgd", w, dw, None)),
        sgd_case("sgd on float32 arrays", call("sgd", w32, dw32, {"learning_rate": 0.1}), rtol=F32_RTOL),
        mom_case("momentum, first step (no velocity yet)",
                 call("sgd_momentum", w, dw, {"learning_rate": 0.1, "momentum": 0.9})),
        mom_case("momentum with a velocity already in config",
                 call("sgd_momentum", rng.normal(size=5), rng.normal(size=5),
                      {"learning_rate": 0.05, "momentum": 0.8, "velocity": v0})),
        mom_case("five momentum steps in a row, the state carried in config",
                 *_steps("sgd_momentum", rng.normal(size=(2, 3)), grads, {"learning_rate": 0.1, "momentum": 0.9})),
        mom_case("momentum with config=None (the defaults)", call("sgd_momentum", w, dw, None)),
        mom_case("momentum on float32 arrays",
                 *_steps("sgd_momentum", w32, [dw32, dw32[::-1].copy()], {"learning_rate": 0.1, "momentum": 0.5}),
                 rtol=F32_RTOL),
        mom_case("momentum 0 (the same as sgd)",
                 *_steps("sgd_momentum", w, [dw, -dw], {"learning_rate": 0.1, "momentum": 0.0})),
    ]


DECAY_HINT = ("learning_rate * decay_rate ** (iteration // iterations_per_epoch): constant within an epoch, "
              "dropping at the first iteration of the next; use numpy so arrays of iterations work")


def lr_decay(rng):
    T = int(rng.integers(5, 12))

    def decay_case(label, *calls):
        return case(label, *calls, hint=DECAY_HINT)

    return [
        decay_case("iterations at the edges of epochs",
                   *[call("exponential_decay", t, 0.1, 0.5, T) for t in (0, T - 1, T, 2 * T - 1, 2 * T, 10 * T + 3)]),
        decay_case("one iteration per epoch (decays every step)",
                   *[call("exponential_decay", t, 0.3, 0.9, 1) for t in (0, 1, 5)]),
        decay_case("iterations_per_epoch left at its default",
                   call("exponential_decay", 4, 0.3, 0.9)),
        decay_case("decay_rate 1 (a constant rate)", call("exponential_decay", 7 * T + 2, 0.05, 1.0, T)),
        decay_case("an array of iterations", call("exponential_decay", np.arange(5 * T), 0.2, 0.8, T)),
        decay_case("a long run: 100,000 iterations of 300 per epoch",
                   call("exponential_decay", 100_000, 0.1, 0.99, 300)),
    ]


ADA_HINT = ("sum_sq = (config['sum_sq'], zeros the first time) + dw ** 2; next_w = w - learning_rate * dw / "
            "(sqrt(sum_sq) + epsilon); store sum_sq in config")


def adagrad(rng):
    def ada_case(label, *calls, rtol=1e-6):
        return case(label, *calls, compare=_update_compare("adagrad", ["sum_sq"]), hint=ADA_HINT, rtol=rtol)

    w, dw = rng.normal(size=(4, 3)), rng.normal(size=(4, 3))
    zero_entry = dw.copy()
    zero_entry[1, 2] = 0.0
    grads = [rng.normal(size=(3, 2)) * s for s in (1.0, 3.0, 0.1, 1.0, 2.0)]
    w32, dw32 = rng.normal(size=(3, 3)).astype(np.float32), rng.normal(size=(3, 3)).astype(np.float32)
    return [
        ada_case("first step (no sum yet)", call("adagrad", w, dw, {"learning_rate": 0.1})),
        ada_case("a gradient entry that is exactly 0 on the first step",
                 call("adagrad", w, zero_entry, {"learning_rate": 0.1})),
        ada_case("a sum of squares already in config",
                 call("adagrad", rng.normal(size=6), rng.normal(size=6),
                      {"learning_rate": 0.05, "sum_sq": rng.uniform(0.5, 4.0, size=6)})),
        ada_case("five steps in a row, the state carried in config",
                 *_steps("adagrad", rng.normal(size=(3, 2)), grads, {"learning_rate": 0.1})),
        ada_case("config=None (the defaults)", call("adagrad", w, dw, None)),
        ada_case("tiny gradients and a larger epsilon",
                 *_steps("adagrad", w, [1e-6 * dw, 1e-6 * dw], {"learning_rate": 0.1, "epsilon": 1e-4})),
        ada_case("float32 arrays", *_steps("adagrad", w32, [dw32, 2 * dw32], {"learning_rate": 0.1}),
                 rtol=F32_RTOL),
    ]


TESTS = {
    "test_logistic_forward": logistic_forward,
    "test_logistic_loss": logistic_loss,
    "test_logistic_grad": logistic_grad,
    "test_gd_step": gd_step,
    "test_minibatches": minibatches,
    "test_sgd_momentum": sgd_momentum,
    "test_lr_decay": lr_decay,
    "test_adagrad": adagrad,
}
