"""Threshold units, the perceptron and binary logistic regression (assignment 04_perceptron).

Shapes: N samples, D features. Labels ``y`` are integers in {0, 1} everywhere; where a formula
needs a sign, the target is ``t = 2 * y - 1`` in {-1, +1}. Scores (logits) are ``s = X @ w + b``,
shape (N,), and the margin of a sample is ``t * s``: positive when it is on the right side.

Every function here behaves exactly like the reference solution of the notebook that teaches it,
so later assignments can import these instead of a student's answers.
"""

import numpy as np

__all__ = [
    "mcculloch_pitts", "logic_gate", "perceptron_train", "margin_loss", "empirical_risk",
    "sigmoid", "bce_with_logits", "logistic_step", "MARGIN_LOSSES",
]

MARGIN_LOSSES = ("zero_one", "perceptron", "hinge", "logistic", "squared")


# ------------------------------------------------------------------ threshold units


def mcculloch_pitts(X, w, theta):
    """Fire (1) where the weighted sum of the inputs reaches the threshold, else stay silent (0).

    Inputs:
    - X: inputs, shape (N, D), usually 0/1.
    - w: weights, shape (D,); negative weights are inhibitory.
    - theta: the threshold, a number.

    Returns an int64 array of shape (N,): 1 where X @ w >= theta, else 0.
    """
    X = np.asarray(X)
    return (X @ np.asarray(w) >= theta).astype(np.int64)  # (N,)


_GATES = {  # name: (weight of every input, threshold as a function of the number of inputs n)
    "and": (1.0, lambda n: n - 0.5),  # all n inputs on
    "or": (1.0, lambda n: 0.5),  # at least one on
    "nand": (-1.0, lambda n: -(n - 0.5)),  # at most n - 1 on
    "nor": (-1.0, lambda n: -0.5),  # none on
}  # each threshold lies halfway between the sums that must fire and those that must not


def logic_gate(name, n_inputs=2):
    """Choose the weights and threshold of a McCulloch-Pitts unit computing a logic gate.

    Inputs:
    - name: "and", "or", "nand", "nor" (on ``n_inputs`` inputs) or "not" (always one input).
    - n_inputs: number of inputs, at least 1; ignored for "not".

    Returns (w, theta): w of shape (n_inputs,) and a number, such that
    ``mcculloch_pitts(X, w, theta)`` is the gate's truth table on every 0/1 input X.
    Raises ValueError for "xor", which no single threshold unit computes, and for unknown names.
    """
    if name == "not":
        return np.array([-1.0]), -0.5  # fires only when the input is 0
    if name not in _GATES:
        raise ValueError(f"no single threshold unit computes {name!r}")
    weight, threshold = _GATES[name]
    return np.full(n_inputs, weight), threshold(n_inputs)


# ----------------------------------------------------------------------------- perceptron


def perceptron_train(X, y, max_epochs=100, seed=None):
    """Train a perceptron with Rosenblatt's rule, starting from w = 0 and b = 0.

    In each epoch visit every sample once, in index order if ``seed`` is None, otherwise in the
    order ``rng.permutation(N)`` drawn at the start of the epoch from one generator
    ``rng = np.random.default_rng(seed)`` made before the first epoch. A sample with target
    t = 2y - 1 is a mistake when t * (w @ x + b) <= 0 (a score of exactly 0 is a mistake); then
    w += t * x and b += t. Stop after the first epoch without a mistake, or after ``max_epochs``.

    Inputs:
    - X: inputs, shape (N, D).
    - y: labels in {0, 1}, shape (N,).
    - max_epochs: the most passes over the data.
    - seed: None for index order, or an int seeding the shuffles.

    Returns (w, b, mistakes): w float64 of shape (D,), b a float, and mistakes an int64 array
    of shape (E,) holding the number of mistakes in each of the E epochs run.
    """
    X = np.asarray(X, dtype=np.float64)
    t = 2 * np.asarray(y) - 1  # (N,) in {-1, +1}
    n, d = X.shape
    w, b = np.zeros(d), 0.0
    rng = None if seed is None else np.random.default_rng(seed)
    mistakes = []
    for _ in range(max_epochs):
        order = np.arange(n) if rng is None else rng.permutation(n)
        count = 0
        for i in order:
            if t[i] * (X[i] @ w + b) <= 0:  # wrong side, or on the boundary
                w += t[i] * X[i]
                b += float(t[i])
                count += 1
        mistakes.append(count)
        if count == 0:
            break
    return w, b, np.array(mistakes, dtype=np.int64)


# ----------------------------------------------------------------------------- losses and risk


def margin_loss(margins, kind):
    """Evaluate a loss of the margin m = t * s elementwise.

    Inputs:
    - margins: array of margins, any shape.
    - kind: "zero_one" 1[m <= 0], "perceptron" max(0, -m), "hinge" max(0, 1 - m),
      "logistic" log(1 + e^-m) (natural log, computed without overflow), "squared" (1 - m)^2.

    Returns a float64 array shaped like ``margins``. Raises ValueError for an unknown kind.
    """
    m = np.asarray(margins, dtype=np.float64)
    if kind == "zero_one":
        return (m <= 0).astype(np.float64)
    if kind == "perceptron":
        return np.maximum(0.0, -m)
    if kind == "hinge":
        return np.maximum(0.0, 1.0 - m)
    if kind == "logistic":
        return np.logaddexp(0.0, -m)  # log(e^0 + e^-m), no overflow
    if kind == "squared":
        return (1.0 - m) ** 2
    raise ValueError(f"unknown loss {kind!r}; choose one of {', '.join(MARGIN_LOSSES)}")


def empirical_risk(scores, y, kind="zero_one"):
    """Average a margin loss over a data set: (1/N) sum_n loss(t_n * s_n), with t = 2y - 1.

    Inputs:
    - scores: scores s, shape (N,).
    - y: labels in {0, 1}, shape (N,).
    - kind: the loss, as in ``margin_loss``; "zero_one" gives the error rate.

    Returns a Python float.
    """
    t = 2 * np.asarray(y) - 1  # (N,)
    return float(np.mean(margin_loss(t * np.asarray(scores, dtype=np.float64), kind)))


# ----------------------------------------------------------------------------- logistic regression


def sigmoid(z):
    """Compute 1 / (1 + e^-z) elementwise without overflow.

    Inputs:
    - z: array, any shape. Float input keeps its dtype; integer input gives float64.

    Returns an array shaped like z with entries in [0, 1].
    """
    z = np.asarray(z)
    if not np.issubdtype(z.dtype, np.floating):
        z = z.astype(np.float64)
    e = np.exp(-np.abs(z))  # in (0, 1]: never overflows
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))


def bce_with_logits(scores, y):
    """Compute the mean binary cross-entropy of sigmoid(scores) against labels, and its gradient.

    loss = (1/N) sum_n [log(1 + e^{s_n}) - y_n s_n], computed as
    max(s, 0) - y s + log(1 + e^{-|s|}) so that no exponential overflows.

    Inputs:
    - scores: logits s, shape (N,).
    - y: labels in {0, 1}, shape (N,).

    Returns (loss, dscores): loss a Python float, dscores = (sigmoid(s) - y) / N of shape (N,).
    """
    s = np.asarray(scores, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    n = s.shape[0]
    loss = np.mean(np.maximum(s, 0.0) - y * s + np.log1p(np.exp(-np.abs(s))))
    return float(loss), (sigmoid(s) - y) / n  # (N,)


def logistic_step(w, b, X, y, lr):
    """Take one full-batch gradient-descent step of binary logistic regression.

    The model is p = sigmoid(X @ w + b) and the loss the mean binary cross-entropy. Its gradients
    are dw = X.T @ (p - y) / N and db = mean(p - y).

    Inputs:
    - w: weights, shape (D,); b: bias, a number.
    - X: inputs, shape (N, D); y: labels in {0, 1}, shape (N,).
    - lr: the learning rate.

    Returns (w_new, b_new, loss): w - lr * dw of shape (D,), b - lr * db as a float, and the loss
    at (w, b), before the step, as a float.
    """
    w = np.asarray(w, dtype=np.float64)
    X = np.asarray(X, dtype=np.float64)
    loss, dscores = bce_with_logits(X @ w + b, y)  # scores (N,)
    dw = X.T @ dscores  # (D,)
    db = float(np.sum(dscores))
    return w - lr * dw, float(b) - lr * db, loss
