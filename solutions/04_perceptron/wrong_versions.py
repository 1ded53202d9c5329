"""Wrong versions of 04_perceptron's graded functions: the mistakes students really make.

The test suite puts each one into the released notebook in place of the student's cell, grades it,
and asserts that every test calling that function loses its points. The first version of each
function is the demo's "typical mistakes" student, so it must fail every test that calls
that function (the demo's expected score depends on it; a test checks it).
"""

WRONG = {
    "mcculloch_pitts": [
        ("strict >: a sum equal to theta does not fire", '''
import numpy as np
def mcculloch_pitts(X, w, theta):
    return (np.asarray(X) @ np.asarray(w) > theta).astype(int)
'''),
        ("returns booleans instead of 0/1 integers", '''
import numpy as np
def mcculloch_pitts(X, w, theta):
    return np.asarray(X) @ np.asarray(w) >= theta
'''),
        ("threshold used as a bias: fires where X @ w + theta >= 0", '''
import numpy as np
def mcculloch_pitts(X, w, theta):
    return (np.asarray(X) @ np.asarray(w) + theta >= 0).astype(int)
'''),
        ("ignores the weights: counts the inputs that are on", '''
import numpy as np
def mcculloch_pitts(X, w, theta):
    return (np.sum(X, axis=1) >= theta).astype(int)
'''),
    ],
    "logic_gate": [
        ("AND and OR swapped", '''
import numpy as np
def logic_gate(name, n_inputs=2):
    if name == "not":
        return np.array([-1.0]), -0.5
    if name == "and":
        return np.ones(n_inputs), 0.5
    if name == "or":
        return np.ones(n_inputs), n_inputs - 0.5
    if name == "nand":
        return -np.ones(n_inputs), -0.5
    if name == "nor":
        return -np.ones(n_inputs), -(n_inputs - 0.5)
    raise ValueError(name)
'''),
        ("thresholds fixed for two inputs: AND of three fires on two", '''
import numpy as np
def logic_gate(name, n_inputs=2):
    if name == "not":
        return np.array([-1.0]), -0.5
    if name == "and":
        return np.ones(n_inputs), 1.5
    if name == "or":
        return np.ones(n_inputs), 0.5
    if name == "nand":
        return -np.ones(n_inputs), -1.5
    if name == "nor":
        return -np.ones(n_inputs), -0.5
    raise ValueError(name)
'''),
        ("NOT with a positive weight: fires when the input is on", '''
import numpy as np
def logic_gate(name, n_inputs=2):
    if name == "not":
        return np.array([1.0]), 0.5
    if name == "and":
        return np.ones(n_inputs), n_inputs - 0.5
    if name == "or":
        return np.ones(n_inputs), 0.5
    if name == "nand":
        return -np.ones(n_inputs), -(n_inputs - 0.5)
    if name == "nor":
        return -np.ones(n_inputs), -0.5
    raise ValueError(name)
'''),
        ("NAND and NOR weights negated but not their thresholds", '''
import numpy as np
def logic_gate(name, n_inputs=2):
    if name == "not":
        return np.array([-1.0]), -0.5
    if name == "and":
        return np.ones(n_inputs), n_inputs - 0.5
    if name == "or":
        return np.ones(n_inputs), 0.5
    if name == "nand":
        return -np.ones(n_inputs), n_inputs - 0.5
    if name == "nor":
        return -np.ones(n_inputs), 0.5
    raise ValueError(name)
'''),
        ("unknown names fall through to NOR instead of raising ValueError", '''
import numpy as np
def logic_gate(name, n_inputs=2):
    if name == "not":
        return np.array([-1.0]), -0.5
    if name == "and":
        return np.ones(n_inputs), n_inputs - 0.5
    if name == "or":
        return np.ones(n_inputs), 0.5
    if name == "nand":
        return -np.ones(n_inputs), -(n_inputs - 0.5)
    if name == "xor":
        raise ValueError("no single threshold unit computes xor")
    return -np.ones(n_inputs), -0.5
'''),
        ("XOR answered with OR's weights instead of raising ValueError", '''
import numpy as np
def logic_gate(name, n_inputs=2):
    if name == "not":
        return np.array([-1.0]), -0.5
    if name == "and":
        return np.ones(n_inputs), n_inputs - 0.5
    if name in ("or", "xor"):
        return np.ones(n_inputs), 0.5
    if name == "nand":
        return -np.ones(n_inputs), -(n_inputs - 0.5)
    if name == "nor":
        return -np.ones(n_inputs), -0.5
    raise ValueError(name)
'''),
    ],
    "perceptron_train": [
        ("labels in {0, 1} used as targets: class 0 never moves the line", '''
import numpy as np
def perceptron_train(X, y, max_epochs=100, seed=None):
    X = np.asarray(X, dtype=float)
    n, d = X.shape
    w, b = np.zeros(d), 0.0
    rng = None if seed is None else np.random.default_rng(seed)
    mistakes = []
    for _ in range(max_epochs):
        order = np.arange(n) if rng is None else rng.permutation(n)
        count = 0
        for i in order:
            if y[i] * (X[i] @ w + b) <= 0:
                w += y[i] * X[i]
                b += y[i]
                count += 1
        mistakes.append(count)
        if count == 0:
            break
    return w, b, np.array(mistakes)
'''),
        ("updates on every sample, not only on mistakes", '''
import numpy as np
def perceptron_train(X, y, max_epochs=100, seed=None):
    X = np.asarray(X, dtype=float)
    t = 2 * np.asarray(y) - 1
    n, d = X.shape
    w, b = np.zeros(d), 0.0
    rng = None if seed is None else np.random.default_rng(seed)
    mistakes = []
    for _ in range(max_epochs):
        order = np.arange(n) if rng is None else rng.permutation(n)
        count = 0
        for i in order:
            if t[i] * (X[i] @ w + b) <= 0:
                count += 1
            w += t[i] * X[i]
            b += t[i]
        mistakes.append(count)
        if count == 0:
            break
    return w, b, np.array(mistakes)
'''),
        ("wrong sign of the update: w -= t * x", '''
import numpy as np
def perceptron_train(X, y, max_epochs=100, seed=None):
    X = np.asarray(X, dtype=float)
    t = 2 * np.asarray(y) - 1
    n, d = X.shape
    w, b = np.zeros(d), 0.0
    rng = None if seed is None else np.random.default_rng(seed)
    mistakes = []
    for _ in range(max_epochs):
        order = np.arange(n) if rng is None else rng.permutation(n)
        count = 0
        for i in order:
            if t[i] * (X[i] @ w + b) <= 0:
                w -= t[i] * X[i]
                b -= t[i]
                count += 1
        mistakes.append(count)
        if count == 0:
            break
    return w, b, np.array(mistakes)
'''),
        ("forgets the bias: the line always passes through the origin", '''
import numpy as np
def perceptron_train(X, y, max_epochs=100, seed=None):
    X = np.asarray(X, dtype=float)
    t = 2 * np.asarray(y) - 1
    n, d = X.shape
    w = np.zeros(d)
    rng = None if seed is None else np.random.default_rng(seed)
    mistakes = []
    for _ in range(max_epochs):
        order = np.arange(n) if rng is None else rng.permutation(n)
        count = 0
        for i in order:
            if t[i] * (X[i] @ w) <= 0:
                w += t[i] * X[i]
                count += 1
        mistakes.append(count)
        if count == 0:
            break
    return w, 0.0, np.array(mistakes)
'''),
        ("stops after the first epoch", '''
import numpy as np
def perceptron_train(X, y, max_epochs=100, seed=None):
    X = np.asarray(X, dtype=float)
    t = 2 * np.asarray(y) - 1
    n, d = X.shape
    w, b = np.zeros(d), 0.0
    order = np.arange(n) if seed is None else np.random.default_rng(seed).permutation(n)
    count = 0
    for i in order:
        if t[i] * (X[i] @ w + b) <= 0:
            w += t[i] * X[i]
            b += t[i]
            count += 1
    return w, b, np.array([count])
'''),
        ("strict < 0: a score of exactly 0 is no mistake, so w never leaves 0", '''
import numpy as np
def perceptron_train(X, y, max_epochs=100, seed=None):
    X = np.asarray(X, dtype=float)
    t = 2 * np.asarray(y) - 1
    n, d = X.shape
    w, b = np.zeros(d), 0.0
    rng = None if seed is None else np.random.default_rng(seed)
    mistakes = []
    for _ in range(max_epochs):
        order = np.arange(n) if rng is None else rng.permutation(n)
        count = 0
        for i in order:
            if t[i] * (X[i] @ w + b) < 0:
                w += t[i] * X[i]
                b += t[i]
                count += 1
        mistakes.append(count)
        if count == 0:
            break
    return w, b, np.array(mistakes)
'''),
        ("never stops early: always runs max_epochs", '''
import numpy as np
def perceptron_train(X, y, max_epochs=100, seed=None):
    X = np.asarray(X, dtype=float)
    t = 2 * np.asarray(y) - 1
    n, d = X.shape
    w, b = np.zeros(d), 0.0
    rng = None if seed is None else np.random.default_rng(seed)
    mistakes = []
    for _ in range(max_epochs):
        order = np.arange(n) if rng is None else rng.permutation(n)
        count = 0
        for i in order:
            if t[i] * (X[i] @ w + b) <= 0:
                w += t[i] * X[i]
                b += t[i]
                count += 1
        mistakes.append(count)
    return w, b, np.array(mistakes)
'''),
        ("a new generator every epoch: the same order each time", '''
import numpy as np
def perceptron_train(X, y, max_epochs=100, seed=None):
    X = np.asarray(X, dtype=float)
    t = 2 * np.asarray(y) - 1
    n, d = X.shape
    w, b = np.zeros(d), 0.0
    mistakes = []
    for _ in range(max_epochs):
        order = np.arange(n) if seed is None else np.random.default_rng(seed).permutation(n)
        count = 0
        for i in order:
            if t[i] * (X[i] @ w + b) <= 0:
                w += t[i] * X[i]
                b += t[i]
                count += 1
        mistakes.append(count)
        if count == 0:
            break
    return w, b, np.array(mistakes)
'''),
    ],
    "margin_loss": [
        ("hinge without the 1: max(0, -m), the perceptron loss", '''
import numpy as np
def margin_loss(margins, kind):
    m = np.asarray(margins, dtype=float)
    if kind == "zero_one":
        return (m <= 0).astype(float)
    if kind in ("perceptron", "hinge"):
        return np.maximum(0.0, -m)
    if kind == "logistic":
        return np.logaddexp(0.0, -m)
    if kind == "squared":
        return (1.0 - m) ** 2
    raise ValueError(kind)
'''),
        ("logistic loss as log(1 + exp(-m)): inf for a margin of -1000", '''
import numpy as np
def margin_loss(margins, kind):
    m = np.asarray(margins, dtype=float)
    if kind == "zero_one":
        return (m <= 0).astype(float)
    if kind == "perceptron":
        return np.maximum(0.0, -m)
    if kind == "hinge":
        return np.maximum(0.0, 1.0 - m)
    if kind == "logistic":
        return np.log(1 + np.exp(-m))
    if kind == "squared":
        return (1.0 - m) ** 2
    raise ValueError(kind)
'''),
        ("zero_one counts only m < 0: a margin of 0 is not a mistake", '''
import numpy as np
def margin_loss(margins, kind):
    m = np.asarray(margins, dtype=float)
    if kind == "zero_one":
        return (m < 0).astype(float)
    if kind == "perceptron":
        return np.maximum(0.0, -m)
    if kind == "hinge":
        return np.maximum(0.0, 1.0 - m)
    if kind == "logistic":
        return np.logaddexp(0.0, -m)
    if kind == "squared":
        return (1.0 - m) ** 2
    raise ValueError(kind)
'''),
        ("squared loss set to 0 above a margin of 1 (that is the squared hinge)", '''
import numpy as np
def margin_loss(margins, kind):
    m = np.asarray(margins, dtype=float)
    if kind == "zero_one":
        return (m <= 0).astype(float)
    if kind == "perceptron":
        return np.maximum(0.0, -m)
    if kind == "hinge":
        return np.maximum(0.0, 1.0 - m)
    if kind == "logistic":
        return np.logaddexp(0.0, -m)
    if kind == "squared":
        return np.maximum(0.0, 1.0 - m) ** 2
    raise ValueError(kind)
'''),
        ("logistic loss in bits (log base 2)", '''
import numpy as np
def margin_loss(margins, kind):
    m = np.asarray(margins, dtype=float)
    if kind == "zero_one":
        return (m <= 0).astype(float)
    if kind == "perceptron":
        return np.maximum(0.0, -m)
    if kind == "hinge":
        return np.maximum(0.0, 1.0 - m)
    if kind == "logistic":
        return np.logaddexp2(0.0, -m / np.log(2))
    if kind == "squared":
        return (1.0 - m) ** 2
    raise ValueError(kind)
'''),
        ("zero_one returns booleans (m <= 0) instead of float64", '''
import numpy as np
def margin_loss(margins, kind):
    m = np.asarray(margins, dtype=float)
    if kind == "zero_one":
        return m <= 0
    if kind == "perceptron":
        return np.maximum(0.0, -m)
    if kind == "hinge":
        return np.maximum(0.0, 1.0 - m)
    if kind == "logistic":
        return np.logaddexp(0.0, -m)
    if kind == "squared":
        return (1.0 - m) ** 2
    raise ValueError(kind)
'''),
        ("an unknown kind falls through to the squared loss", '''
import numpy as np
def margin_loss(margins, kind):
    m = np.asarray(margins, dtype=float)
    if kind == "zero_one":
        return (m <= 0).astype(float)
    if kind == "perceptron":
        return np.maximum(0.0, -m)
    if kind == "hinge":
        return np.maximum(0.0, 1.0 - m)
    if kind == "logistic":
        return np.logaddexp(0.0, -m)
    return (1.0 - m) ** 2
'''),
    ],
    "empirical_risk": [
        ("labels 0/1 used as targets: every class-0 margin is 0", '''
import numpy as np
def empirical_risk(scores, y, kind="zero_one"):
    return float(np.mean(margin_loss(np.asarray(y) * np.asarray(scores, dtype=float), kind)))
'''),
        ("sums the losses instead of averaging", '''
import numpy as np
def empirical_risk(scores, y, kind="zero_one"):
    t = 2 * np.asarray(y) - 1
    return float(np.sum(margin_loss(t * np.asarray(scores, dtype=float), kind)))
'''),
        ("margins with the sign flipped: (1 - 2y) * s", '''
import numpy as np
def empirical_risk(scores, y, kind="zero_one"):
    t = 1 - 2 * np.asarray(y)
    return float(np.mean(margin_loss(t * np.asarray(scores, dtype=float), kind)))
'''),
        ("ignores kind: always the 0-1 risk", '''
import numpy as np
def empirical_risk(scores, y, kind="zero_one"):
    t = 2 * np.asarray(y) - 1
    return float(np.mean(t * np.asarray(scores, dtype=float) <= 0))
'''),
    ],
    "sigmoid": [
        ("e^z / (1 + e^z): inf / inf = nan for z = 1000", '''
import numpy as np
def sigmoid(z):
    e = np.exp(z)
    return e / (1 + e)
'''),
        ("the sign of the exponent flipped: 1 / (1 + e^z)", '''
import numpy as np
def sigmoid(z):
    z = np.asarray(z)
    if not np.issubdtype(z.dtype, np.floating):
        z = z.astype(float)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, e / (1 + e), 1 / (1 + e))
'''),
        ("casts float32 input to float64", '''
import numpy as np
def sigmoid(z):
    z = np.asarray(z, dtype=np.float64)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))
'''),
        ("1 / (1 + e^-z) as written: exp overflows, and float16 small values round to 0", '''
import numpy as np
def sigmoid(z):
    z = np.asarray(z)
    if not np.issubdtype(z.dtype, np.floating):
        z = z.astype(float)
    return 1 / (1 + np.exp(-z))
'''),
        ("two branches with the cut at the wrong sign: 1 / (1 + e) for z < 0", '''
import numpy as np
def sigmoid(z):
    z = np.asarray(z)
    if not np.issubdtype(z.dtype, np.floating):
        z = z.astype(float)
    e = np.exp(-np.abs(z))
    return np.where(z < 0, 1 / (1 + e), e / (1 + e))
'''),
    ],
    "bce_with_logits": [
        ("-y log p - (1 - y) log(1 - p) from a sigmoid (nan at +-1000), gradient not averaged", '''
import numpy as np
def bce_with_logits(scores, y):
    p = 1 / (1 + np.exp(-scores))
    loss = np.mean(-y * np.log(p) - (1 - y) * np.log(1 - p))
    return float(loss), p - y
'''),
        ("stable loss, but the gradient is not divided by N", '''
import numpy as np
def bce_with_logits(scores, y):
    s = np.asarray(scores, dtype=float)
    loss = np.mean(np.maximum(s, 0) + np.log1p(np.exp(-np.abs(s))) - y * s)
    e = np.exp(-np.abs(s))
    p = np.where(s >= 0, 1 / (1 + e), e / (1 + e))
    return float(loss), p - y
'''),
        ("gradient with the sign flipped: (y - p) / N", '''
import numpy as np
def bce_with_logits(scores, y):
    s = np.asarray(scores, dtype=float)
    loss = np.mean(np.maximum(s, 0) + np.log1p(np.exp(-np.abs(s))) - y * s)
    e = np.exp(-np.abs(s))
    p = np.where(s >= 0, 1 / (1 + e), e / (1 + e))
    return float(loss), (y - p) / len(s)
'''),
        ("labels 0/1 used as +-1 in log(1 + e^{-y s}): class 0 always costs log 2", '''
import numpy as np
def bce_with_logits(scores, y):
    s = np.asarray(scores, dtype=float)
    m = y * s
    loss = np.mean(np.logaddexp(0, -m))
    e = np.exp(-np.abs(m))
    p_wrong = np.where(m >= 0, e / (1 + e), 1 / (1 + e))
    return float(loss), -y * p_wrong / len(s)
'''),
        ("log(1 + exp(s)) without the shift: inf for s = 1000", '''
import numpy as np
def bce_with_logits(scores, y):
    s = np.asarray(scores, dtype=float)
    loss = np.mean(np.log1p(np.exp(s)) - y * s)
    e = np.exp(-np.abs(s))
    p = np.where(s >= 0, 1 / (1 + e), e / (1 + e))
    return float(loss), (p - y) / len(s)
'''),
    ],
    "logistic_step": [
        ("gradient summed over the samples, not averaged", '''
import numpy as np
def logistic_step(w, b, X, y, lr):
    s = X @ w + b
    loss = np.mean(np.maximum(s, 0) + np.log1p(np.exp(-np.abs(s))) - y * s)
    e = np.exp(-np.abs(s))
    r = np.where(s >= 0, 1 / (1 + e), e / (1 + e)) - y
    return w - lr * (X.T @ r), b - lr * np.sum(r), float(loss)
'''),
        ("ascends: w + lr * dw", '''
import numpy as np
def logistic_step(w, b, X, y, lr):
    s = X @ w + b
    loss = np.mean(np.maximum(s, 0) + np.log1p(np.exp(-np.abs(s))) - y * s)
    e = np.exp(-np.abs(s))
    r = (np.where(s >= 0, 1 / (1 + e), e / (1 + e)) - y) / len(y)
    return w + lr * (X.T @ r), b + lr * np.sum(r), float(loss)
'''),
        ("forgets to update the bias", '''
import numpy as np
def logistic_step(w, b, X, y, lr):
    s = X @ w + b
    loss = np.mean(np.maximum(s, 0) + np.log1p(np.exp(-np.abs(s))) - y * s)
    e = np.exp(-np.abs(s))
    r = (np.where(s >= 0, 1 / (1 + e), e / (1 + e)) - y) / len(y)
    return w - lr * (X.T @ r), float(b), float(loss)
'''),
        ("forgets the sigmoid: uses the scores s - y as the error", '''
import numpy as np
def logistic_step(w, b, X, y, lr):
    s = X @ w + b
    loss = np.mean(np.maximum(s, 0) + np.log1p(np.exp(-np.abs(s))) - y * s)
    r = (s - y) / len(y)
    return w - lr * (X.T @ r), b - lr * np.sum(r), float(loss)
'''),
        ("updates the caller's w in place (w -= lr * dw)", '''
import numpy as np
def logistic_step(w, b, X, y, lr):
    s = X @ w + b
    loss = np.mean(np.maximum(s, 0) + np.log1p(np.exp(-np.abs(s))) - y * s)
    e = np.exp(-np.abs(s))
    r = (np.where(s >= 0, 1 / (1 + e), e / (1 + e)) - y) / len(y)
    w -= lr * (X.T @ r)
    return w, b - lr * float(np.sum(r)), float(loss)
'''),
        ("returns the loss after the step instead of before", '''
import numpy as np
def logistic_step(w, b, X, y, lr):
    def loss_at(w, b):
        s = X @ w + b
        return float(np.mean(np.maximum(s, 0) + np.log1p(np.exp(-np.abs(s))) - y * s))
    s = X @ w + b
    e = np.exp(-np.abs(s))
    r = (np.where(s >= 0, 1 / (1 + e), e / (1 + e)) - y) / len(y)
    w_new, b_new = w - lr * (X.T @ r), b - lr * np.sum(r)
    return w_new, b_new, loss_at(w_new, b_new)
'''),
    ],
}
