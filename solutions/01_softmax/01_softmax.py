# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Assignment 01: from scores to probabilities to a loss
#
# A linear classifier maps an input $x$ to one score per class, $s = Wx + b$. Scores (also called
# *logits*) can be any real numbers, so before we can train anything we need three more pieces:
#
# 1. **softmax**, which turns a vector of scores into a probability distribution over the classes;
# 2. **one-hot encoding**, which turns an integer label into the distribution we would like to see;
# 3. **cross-entropy**, which measures how far the first distribution is from the second.
#
# Put together they give the *multinomial logistic loss* and its gradient, the quantity every
# classifier in this course is trained to make small. You will write four functions, all in numpy:
# `softmax`, `one_hot`, `cross_entropy` and `softmax_cross_entropy`.
#
# **How to check your work.** Each function is followed by one or more test cells. Run the
# function's cell, then its tests. A passing test prints a line ending in `passed`; a failing one
# stops with a message saying what it expected, what it got, and where to look. The grader runs
# these tests plus some hidden ones on other inputs, so make your code work for any shape the
# docstring allows, not only for the examples.
#
# Shapes follow one convention throughout the course: $N$ samples, $K$ classes.

# %% nbgrader={"grade": false, "grade_id": "setup", "locked": true, "schema_version": 3, "solution": false}
import time

import matplotlib.pyplot as plt
import numpy as np

from utils.gradcheck import check_gradient, numerical_gradient

# %% [markdown]
# ## 1. Softmax
#
# For a vector of $K$ scores $y = (y_1, \dots, y_K)$ the softmax is
#
# $$S(y)_i = \frac{e^{y_i}}{\sum_{j=1}^{K} e^{y_j}}, \qquad i = 1, \dots, K.$$
#
# Mathematically every entry is positive (an exponential is never zero or negative) and the entries
# add up to 1, so the result is a proper probability distribution; larger scores get larger
# probabilities. In floating point an entry can still come out as exactly 0: $e^{-800}$ is far below
# the smallest float64 and rounds to 0, and section 6 shows where that bites.
#
# **Two layouts.** The lecture stores a batch of scores with *one row per class and one column per
# sample*, an array of shape $(K, N)$; the classes then run along `axis=0`. Most libraries, and
# this course from assignment 03 on, store them *batch-first*, shape $(N, K)$, with the classes
# along the last axis. Your `softmax` takes an `axis` argument so that it serves both.
#
# **Overflow.** `np.exp(1000.0)` is `inf` in float64 (and `np.exp(89.0)` already is in float32),
# so the formula as written returns `inf / inf = nan` for large scores. The cure is to subtract any
# constant $c$ from all the scores first, which leaves the result unchanged:
#
# $$\frac{e^{y_i - c}}{\sum_j e^{y_j - c}} = \frac{e^{-c}\, e^{y_i}}{e^{-c} \sum_j e^{y_j}} = \frac{e^{y_i}}{\sum_j e^{y_j}}.$$
#
# Choose $c = \max_j y_j$. Then the largest shifted score is 0, every exponential lies between 0
# and 1, and the denominator is at least 1 (it contains $e^0 = 1$): nothing can overflow and we
# never divide by zero.
#
# Hints: `np.max` and `np.sum` take `axis=` and `keepdims=True`; the latter keeps the reduced axis
# with length 1 so the result broadcasts back against `x`. Keep the input's float dtype (float32
# stays float32); integer scores are turned into float64 first.

# %% nbgrader={"grade": false, "grade_id": "softmax", "locked": false, "schema_version": 3, "solution": true}
def softmax(x, axis=-1):
    """Turn scores into probabilities along `axis` without overflowing.

    Inputs:
    - x: array of scores, any shape. Float32 input gives float32 output; integer input gives
      float64 output.
    - axis: the axis that holds the K classes: -1 for batch-first scores of shape (N, K),
      0 for the one-row-per-class layout of shape (K, N).

    Returns an array shaped like x whose entries lie in [0, 1] and sum to 1 along `axis`.
    """
    ### BEGIN SOLUTION
    x = np.asarray(x)
    if not np.issubdtype(x.dtype, np.floating):
        x = x.astype(np.float64)
    shifted = x - np.max(x, axis=axis, keepdims=True)  # the largest score becomes 0
    e = np.exp(shifted)  # every entry in [0, 1], and 1 at the max
    return e / np.sum(e, axis=axis, keepdims=True)
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_softmax_basic", "locked": true, "points": 2, "schema_version": 3, "solution": false}
# softmax gives the right probabilities, summing to 1 along `axis`, in both layouts
scores = np.array([3.0, 1.0, 0.2])
# e^3 = 20.0855, e^1 = 2.7183, e^0.2 = 1.2214; their sum is 24.0252
expected = np.array([0.8360188, 0.11314284, 0.05083836])
p = softmax(scores)
assert p.shape == (3,), f"softmax of 3 scores should return shape (3,), got {p.shape}"
assert np.allclose(p, expected, rtol=1e-6), (
    f"softmax([3.0, 1.0, 0.2]) should be {expected}, got {p}: divide exp(scores) by their sum")

# one column per sample: K = 3 classes along axis 0, N = 2 samples
cols = np.array([[3.0, 1.0],
                 [1.0, 1.0],
                 [0.2, 1.0]])  # (K, N)
p_cols = softmax(cols, axis=0)
assert p_cols.shape == (3, 2), (
    f"softmax(x, axis=0) should keep x's shape (3, 2), got {p_cols.shape}")
assert np.all(p_cols > 0), f"probabilities must be positive, got {p_cols}"
assert np.allclose(p_cols.sum(axis=0), 1.0), (
    f"with axis=0 every column should sum to 1, got column sums {p_cols.sum(axis=0)}: "
    "sum over `axis` only (keepdims=True): not over the whole array, not always over the last axis")
assert np.allclose(p_cols[:, 0], expected) and np.allclose(p_cols[:, 1], 1 / 3), (
    f"softmax(x, axis=0) should be [{expected}, [1/3, 1/3, 1/3]] column by column, got\n{p_cols}\n"
    "check that both the max and the sum are taken along `axis`")

# the same scores batch-first: N = 2 rows, K = 3 classes along the last axis
try:
    p_rows = softmax(cols.T, axis=-1)  # (N, K)
except ValueError as err:
    raise AssertionError(
        f"softmax(x, axis=-1) on shape (2, 3) raised ValueError ({err}): "
        "pass keepdims=True to np.max and np.sum so they broadcast against x") from None
assert p_rows.shape == (2, 3), (
    f"softmax(x, axis=-1) should keep x's shape (2, 3), got {p_rows.shape}")
assert np.allclose(p_rows, p_cols.T), (
    f"softmax(x.T, axis=-1) should be softmax(x, axis=0).T, got\n{p_rows}\n"
    "make every reduction use the `axis` argument")
print("test_softmax_basic passed")

# %% nbgrader={"grade": true, "grade_id": "test_softmax_stable", "locked": true, "points": 2, "schema_version": 3, "solution": false}
# softmax stays finite and correct for scores around +-1000, and float32 stays float32
big = np.array([[1000.0, 1001.0, 1002.0],
                [-1000.0, -1001.0, -1002.0],
                [-1000.0, 0.0, 1000.0]])  # (N, K); the last row's mean is 0 but its max is 1000
expected = np.array([0.09003057, 0.24472847, 0.66524096])  # softmax([0, 1, 2])
p = softmax(big, axis=-1)
assert np.all(np.isfinite(p)), (
    f"softmax returned {p.tolist()} for scores around +-1000: "
    "subtract the max along `axis` (one max per row, keepdims=True) before exponentiating; "
    "subtracting the mean is not enough when a row spans -1000 to 1000")
assert np.allclose(p[0], expected) and np.allclose(p[1], expected[::-1]) and np.allclose(p[2], [0, 0, 1]), (
    f"softmax of [1000, 1001, 1002], [-1000, -1001, -1002] and [-1000, 0, 1000] should be {expected}, "
    f"{expected[::-1]} and [0, 0, 1], got\n{p}\nsubtract each row's own max, not one max for the whole array")

p32 = softmax(np.array([[1.0, 2.0, 3.0]], dtype=np.float32))
assert p32.dtype == np.float32, (
    f"softmax of float32 scores should return float32, got {p32.dtype}: "
    "don't convert float input to float64 (np.exp and np.max keep the dtype)")
print("test_softmax_stable passed")

# %% [markdown]
# ## 2. Experiment: sweeping one score
#
# Take three classes. Keep the scores of classes 1 and 2 fixed at 1.0 and 0.2, and slide the score
# $x$ of class 0 from -2 to 6. We build all 80 score vectors at once in the lecture's layout, one
# row per class and one column per value of $x$, and apply softmax along `axis=0`.

# %%
x = np.arange(-2.0, 6.0, 0.1)
scores = np.vstack([x, np.ones_like(x), 0.2 * np.ones_like(x)])  # (K=3, N=80)
probs = softmax(scores, axis=0)  # (3, 80), each column sums to 1

fig, ax = plt.subplots(figsize=(6, 3.5))
for k, name in enumerate(["class 0: score x", "class 1: score 1.0", "class 2: score 0.2"]):
    ax.plot(x, probs[k], label=name)
ax.plot(x, probs.sum(axis=0), "k:", label="sum of the three")
ax.set_xlabel("score x of class 0")
ax.set_ylabel("probability")
ax.set_title("Softmax probabilities as one score grows")
ax.legend()
plt.show()

# %% [markdown]
# Class 0 starts almost impossible and ends almost certain, the other two fade towards 0, and the
# dotted sum stays at exactly 1 the whole way. Classes 1 and 2 shrink together: their ratio is
# $e^{1.0 - 0.2} = e^{0.8} \approx 2.2$ for every $x$, because softmax only sees *differences*
# between scores (the max-subtraction argument again).

# %% [markdown]
# ## 3. Experiment: multiplying the scores by 10, dividing them by 10
#
# What happens to the probabilities of the scores $[3.0, 1.0, 0.2]$ when every score is multiplied
# by 10? Divided by 10? Guess before you run the cell.

# %%
scores = np.array([3.0, 1.0, 0.2])
variants = {"scores / 10": scores / 10, "scores": scores, "scores x 10": scores * 10}
probs = {name: softmax(s) for name, s in variants.items()}  # before the figure: no empty plot on an error
for name, p in probs.items():
    print(f"{name:>12}: {np.array2string(p, precision=4)}")

classes = np.arange(3)
width = 0.27
fig, ax = plt.subplots(figsize=(6, 3.5))
for i, (name, p) in enumerate(probs.items()):
    ax.bar(classes + (i - 1) * width, p, width, label=name)
ax.axhline(1 / 3, color="k", linestyle=":", linewidth=1, label="uniform, 1/3")
ax.set_xticks(classes, ["class 0", "class 1", "class 2"])
ax.set_xlabel("class")
ax.set_ylabel("probability")
ax.set_title("Softmax of [3.0, 1.0, 0.2], scaled")
ax.legend()
plt.show()

# %% [markdown]
# Scaling by 10 pushes the probabilities to the extremes (class 0 gets essentially all of it),
# while dividing by 10 pulls them towards the uniform $1/3$ each. The ranking of the classes never
# changes; only the confidence does.
#
# **Temperature.** This is usually written with a *temperature* $T > 0$:
#
# $$S_T(y)_i = \frac{e^{y_i / T}}{\sum_j e^{y_j / T}}.$$
#
# A low temperature ($T \to 0$) sharpens the distribution until it picks the largest score
# (an "arg max"); a high temperature ($T \to \infty$) flattens it to uniform. Multiplying the
# scores by 10 above is $T = 1/10$, dividing them by 10 is $T = 10$.
#
# For a linear classifier $s = Wx + b$ nothing new is needed: scaling the weights and the bias by
# a factor $\alpha > 0$ multiplies every score by $\alpha$, $(\alpha W)x + \alpha b = \alpha s$, and
# $\alpha s = s / (1/\alpha)$, so the classifier's softmax is the softmax of the old scores at
# temperature $T = 1/\alpha$. Larger weights ($\alpha > 1$) mean a lower temperature and a more
# confident classifier; smaller weights a higher temperature and a less confident one. You will
# meet temperature again in assignment 14, when sampling text from a language model.

# %% [markdown]
# ## 4. One-hot encoding
#
# Labels arrive as integers $y_n \in \{0, \dots, K-1\}$. To compare a label with a predicted
# distribution we write it as a distribution too: the vector $L \in \mathbb{R}^K$ with
#
# $$L_k = \begin{cases} 1 & k = y_n \\ 0 & \text{otherwise.} \end{cases}$$
#
# All the probability sits on the correct class, which is exactly what we want softmax to output.
# For $N$ labels this gives an $(N, K)$ matrix with one 1.0 per row. (With millions of classes
# these vectors become wasteful; later assignments index the correct class directly instead.)
#
# Your `one_hot` should also refuse bad input with a `ValueError`: labels outside $0..K-1$
# (numpy would silently accept `-1` as "the last column"), labels that are not integers, and `y`
# that is not one-dimensional.

# %% nbgrader={"grade": false, "grade_id": "one_hot", "locked": false, "schema_version": 3, "solution": true}
def one_hot(y, num_classes):
    """Encode integer labels as rows with a single 1.0.

    Inputs:
    - y: integer labels, shape (N,), each in 0 .. num_classes - 1.
    - num_classes: K, the number of classes.

    Returns a float64 array of shape (N, K) whose row n is 1.0 at column y[n] and 0.0 elsewhere.
    Raises ValueError if y is not 1-D, is not of an integer dtype, or has a label outside 0 .. K-1.
    """
    ### BEGIN SOLUTION
    y = np.asarray(y)
    if y.ndim != 1:
        raise ValueError(f"one_hot expects labels of shape (N,), got shape {y.shape}")
    if y.size and not np.issubdtype(y.dtype, np.integer):
        raise ValueError(f"one_hot expects integer labels, got dtype {y.dtype}")
    if y.size and (y.min() < 0 or y.max() >= num_classes):
        raise ValueError(f"labels must lie in 0..{num_classes - 1}, got {y.min()}..{y.max()}")
    out = np.zeros((y.shape[0], num_classes))  # (N, K) float64
    out[np.arange(y.shape[0]), y] = 1.0  # row n, column y[n]
    return out
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_one_hot", "locked": true, "points": 1, "schema_version": 3, "solution": false}
# one_hot returns one float64 row per label with a single 1.0, and rejects bad labels
y = np.array([2, 0, 1, 2])
expected = np.array([[0.0, 0.0, 1.0],
                     [1.0, 0.0, 0.0],
                     [0.0, 1.0, 0.0],
                     [0.0, 0.0, 1.0]])
out = one_hot(y, 3)
assert out.shape == (4, 3), (
    f"one_hot of 4 labels with 3 classes should have shape (4, 3), one row per sample, "
    f"got {out.shape}")
assert out.dtype == np.float64, (
    f"one_hot should return float64, got {out.dtype}: use np.zeros((N, K))")
assert np.array_equal(out, expected), f"one_hot([2, 0, 1, 2], 3) should be\n{expected}\ngot\n{out}"

for bad in ([0, 3], [-1, 0], [0.0, 1.0], [[0, 1]]):
    try:
        one_hot(np.array(bad), 3)
    except ValueError:
        continue
    except Exception as err:
        raise AssertionError(f"one_hot({bad}, 3) raised {type(err).__name__}, expected ValueError: "
                             "check y.ndim, y.dtype and the label range before building the array")
    raise AssertionError(f"one_hot({bad}, 3) returned without error, expected ValueError: labels "
                         "must be 1-D integers in 0..K-1 (negative labels count as out of range)")
print("test_one_hot passed")

# %% [markdown]
# ## 5. Cross-entropy
#
# To measure how far a predicted distribution $S$ is from a target $L$ we use the cross-entropy
#
# $$D(S, L) = -\sum_{k=1}^{K} L_k \log S_k .$$
#
# With a one-hot $L$ only one term survives, so $D = -\log S_{y}$, minus the log-probability the
# classifier gave the correct class: 0 when it was certain and right, large when it was sure of
# something else. Over a batch we report the average, $\frac{1}{N} \sum_n D(S_n, L_n)$, so the
# loss does not grow with the batch size.
#
# **Order matters.** $D$ is not symmetric. The labels are full of zeros, so $\log L$ would be
# $-\infty$, while softmax is mathematically never 0 and $\log S$ is finite. In floating point,
# though, a very unlikely class can get a probability that rounds to exactly 0 (section 6 meets
# one). The terms where $L_k = 0$ must count as exactly 0 even then: in numpy `0 * np.log(0.0)` is
# `nan`, so skip those terms instead of multiplying by them.

# %% nbgrader={"grade": false, "grade_id": "cross_entropy", "locked": false, "schema_version": 3, "solution": true}
def cross_entropy(probs, targets):
    """Average the cross-entropy D(S, L) = -sum_k L_k log S_k over the rows.

    Inputs:
    - probs: predicted probabilities S, shape (N, K), each row summing to 1.
    - targets: target distributions L, shape (N, K), usually one-hot rows.

    Returns a Python float. Terms with L_k = 0 contribute 0, even where S_k = 0.
    Raises ValueError if probs and targets have different shapes.
    """
    ### BEGIN SOLUTION
    probs = np.asarray(probs, dtype=np.float64)
    targets = np.asarray(targets, dtype=np.float64)
    if probs.shape != targets.shape:
        raise ValueError(f"probs {probs.shape} and targets {targets.shape} must have one shape")
    mask = targets != 0
    terms = np.zeros_like(probs)
    terms[mask] = targets[mask] * np.log(probs[mask])  # 0 * log(0) never computed
    return float(-terms.sum() / probs.shape[0])
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_cross_entropy", "locked": true, "points": 2, "schema_version": 3, "solution": false}
# cross_entropy averages -sum_k L_k log S_k over rows, counting 0 * log 0 as 0
S = np.array([[0.5, 0.25, 0.25],
              [0.0, 1.0, 0.0]])  # row 1 is certain and right, with exact zeros
L = np.array([[1.0, 0.0, 0.0],
              [0.0, 1.0, 0.0]])
expected = np.log(2) / 2  # row 0: -log 0.5 = 0.6931, row 1: -log 1 = 0; mean 0.3466
ce = cross_entropy(S, L)
assert np.isfinite(ce), (
    f"cross_entropy returned {ce}: a target of 0 times log(0) gives nan in numpy; "
    "only take the log where the target is non-zero")
assert abs(ce - expected) <= 1e-9 * expected, (
    f"cross_entropy should be -(log 0.5 + log 1) / 2 = {expected:.6f}, got {ce:.6f}: "
    "sum over the K classes, then average over the N rows (divide by N only)")
soft = np.array([[0.5, 0.5, 0.0]])  # a target that is not one-hot: half class 0, half class 1
expected_soft = -(0.5 * np.log(0.5) + 0.5 * np.log(0.25))  # 1.5 log 2 = 1.0397
ce_soft = cross_entropy(S[:1], soft)
assert abs(ce_soft - expected_soft) <= 1e-9 * expected_soft, (
    f"with the soft target [0.5, 0.5, 0] cross_entropy should be -(0.5 log 0.5 + 0.5 log 0.25) = "
    f"{expected_soft:.6f}, got {ce_soft:.6f}: weight the log of every class by its target L_k, "
    "don't just pick the largest target's class")
try:
    cross_entropy(S, L[0])
except ValueError:
    pass
else:
    raise AssertionError("cross_entropy of shapes (2, 3) and (3,) should raise ValueError: compare "
                         "probs.shape with targets.shape before broadcasting hides the mistake")
print("test_cross_entropy passed")

# %% [markdown]
# A quick look at the asymmetry: swap the arguments of the first test row and the log of a zero
# label appears.

# %%
S_row, L_row = np.array([[0.5, 0.25, 0.25]]), np.array([[1.0, 0.0, 0.0]])
with np.errstate(divide="ignore"):
    print("D(S, L) =", cross_entropy(S_row, L_row))  # log 2
    print("D(L, S) =", cross_entropy(L_row, S_row))  # log 0 appears: infinite

# %% [markdown]
# ## 6. Multinomial logistic loss from scores
#
# Chaining the pieces, scores $\to$ softmax $\to$ cross-entropy against one-hot labels, is
# *multinomial logistic classification*. For scores $s \in \mathbb{R}^{N \times K}$ and labels
# $y$ the loss is
#
# $$\mathcal{L} = -\frac{1}{N} \sum_{n=1}^{N} \log S(s_n)_{y_n}
#   = \frac{1}{N} \sum_{n=1}^{N} \Big[ \log \sum_{k=1}^{K} e^{s_{nk}} - s_{n y_n} \Big],$$
#
# because $\log \frac{e^{s_{ny}}}{\sum_k e^{s_{nk}}} = s_{ny} - \log \sum_k e^{s_{nk}}$.
#
# **Log-sum-exp.** Computing `np.log(softmax(s))` is not safe: for $s_n = (1000, 0, -1000)$ the
# last probability rounds to exactly 0 and its log is $-\infty$. Instead, with
# $m_n = \max_k s_{nk}$,
#
# $$\log \sum_k e^{s_{nk}} = m_n + \log \sum_k e^{s_{nk} - m_n},$$
#
# and the sum on the right contains a term $e^0 = 1$, so it lies in $[1, K]$ and its log is
# finite. The log-probabilities are then $(s_{nk} - m_n) - \log \sum_j e^{s_{nj} - m_n}$:
# no exponential of a large number and no log of 0 anywhere.
#
# **Gradient.** For one sample, differentiate $\ell = \log \sum_k e^{s_k} - s_y$ with respect to
# the score $s_j$:
#
# $$\frac{\partial \ell}{\partial s_j} = \frac{e^{s_j}}{\sum_k e^{s_k}} - [j = y] = S_j - L_j ,$$
#
# where $[j = y]$ (the *Iverson bracket*) is 1 if $j = y$ and 0 otherwise: the derivative of
# $s_y$ with respect to $s_j$, which is exactly the one-hot entry $L_j$.
#
# The average over $N$ samples divides each row by $N$, so
# $\dfrac{\partial \mathcal{L}}{\partial s} = \dfrac{1}{N}\big(\operatorname{softmax}(s) - \operatorname{onehot}(y)\big)$,
# an $(N, K)$ array like `scores`. Your function returns the loss and this gradient, named
# `dscores`, as a pair.

# %% nbgrader={"grade": false, "grade_id": "softmax_cross_entropy", "locked": false, "schema_version": 3, "solution": true}
def softmax_cross_entropy(scores, y):
    """Compute the multinomial logistic loss of scores against labels, and its gradient.

    Inputs:
    - scores: logits, shape (N, K).
    - y: integer labels, shape (N,), each in 0 .. K-1.

    Returns a tuple (loss, dscores):
    - loss: the mean cross-entropy of softmax(scores) against one_hot(y), a Python float.
    - dscores: the gradient of loss with respect to scores, shape (N, K).
    """
    ### BEGIN SOLUTION
    scores = np.asarray(scores, dtype=np.float64)
    n = scores.shape[0]
    shifted = scores - scores.max(axis=1, keepdims=True)  # (N, K), row max is 0
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))  # log-sum-exp
    loss = -log_probs[np.arange(n), y].mean()
    dscores = np.exp(log_probs)  # softmax(scores)
    dscores[np.arange(n), y] -= 1.0  # minus one_hot(y)
    dscores /= n  # (N, K)
    return float(loss), dscores
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_logistic_loss", "locked": true, "points": 2, "schema_version": 3, "solution": false}
# softmax_cross_entropy gives the hand-computed loss, and stays finite for scores of +-1000
scores = np.array([[0.0, 0.0, 0.0],          # uniform: -log(1/3) = log 3
                   [np.log(3.0), 0.0, 0.0]])  # softmax = [3/5, 1/5, 1/5]: -log(3/5)
y = np.array([1, 0])
expected = np.log(5.0) / 2  # (log 3 + log 5 - log 3) / 2 = 0.8047
loss, dscores = softmax_cross_entropy(scores, y)
assert abs(loss - expected) <= 1e-9 * expected, (
    f"loss should be (log 3 - log 0.6) / 2 = {expected:.6f}, got {loss:.6f}: "
    "average -log(probability of the correct class) over the N rows")

huge = np.array([[1000.0, 0.0, -1000.0],
                 [1000.0, 0.0, -1000.0]])
loss, dscores = softmax_cross_entropy(huge, np.array([0, 2]))  # losses 0 and 2000
assert np.isfinite(loss) and np.all(np.isfinite(dscores)), (
    f"softmax_cross_entropy returned loss {loss} for scores of +-1000: compute log-probabilities "
    "as (s - max) - log(sum(exp(s - max))) instead of np.log(softmax(s))")
assert abs(loss - 1000.0) <= 1e-9 * 1000.0, (
    f"loss for scores [1000, 0, -1000] with labels 0 and 2 should be (0 + 2000) / 2 = 1000, "
    f"got {loss}")
print("test_logistic_loss passed")

# %% nbgrader={"grade": true, "grade_id": "test_logistic_grad", "locked": true, "points": 2, "schema_version": 3, "solution": false}
# dscores has the shape of scores and matches a numerical gradient of the loss; scores is left unchanged
rng = np.random.default_rng(0)
scores = rng.normal(size=(4, 3))  # (N, K)
scores_before = scores.copy()
y = np.array([0, 2, 1, 2])
loss, dscores = softmax_cross_entropy(scores, y)
assert np.array_equal(scores, scores_before), (
    "softmax_cross_entropy changed its argument `scores` in place: the caller (and the numerical "
    "gradient below) still needs the original. Write shifted = scores - scores.max(axis=1, keepdims=True), "
    "a new array, instead of scores -= ...")
assert np.shape(dscores) == scores.shape, (
    f"dscores should have the shape of scores, {scores.shape}, got {np.shape(dscores)}")
numeric = numerical_gradient(lambda s: softmax_cross_entropy(s, y)[0], scores.copy())
try:
    check_gradient(dscores, numeric, name="dscores")
except AssertionError as err:
    raise AssertionError(f"{err}. Expected (softmax(scores) - one_hot(y)) / N: check the sign and the "
                         "division by N, and that you do not modify `scores` in place (the numerical "
                         "gradient calls your function many times on one array)") from None
print("test_logistic_grad passed")

# %% [markdown]
# **Sanity check: an unsure classifier scores $\log K$.** A linear classifier with tiny weights
# gives scores near 0, probabilities near $1/K$, and a loss near $\log K$. Large weights on the
# same data make confident guesses, and since nothing has been learnt yet they are often wrong.

# %%
rng = np.random.default_rng(1)
X = rng.normal(size=(100, 5))  # (N, D): 100 samples, 5 features
y = rng.integers(0, 3, size=100)  # random labels, K = 3
for scale in (0.01, 1.0, 10.0):
    W = scale * rng.normal(size=(5, 3))  # (D, K)
    loss, _ = softmax_cross_entropy(X @ W, y)  # scores (N, K)
    print(f"weights x {scale:>5}: loss {loss:7.3f}   (log 3 = {np.log(3):.3f})")

# %% [markdown]
# **Question (temperature, section 3).** Multiplying all of a classifier's scores by 10 changes
# its confidence. In which direction, and why? The cell above shows what large weights cost before
# anything has been learnt: why, then, do we want a classifier to *start* training unsure of
# itself, that is, with small weights? (Three to five sentences.)

# %% [markdown] nbgrader={"grade": true, "grade_id": "q_temperature", "locked": false, "points": 1, "schema_version": 3, "solution": true}
# ### BEGIN SOLUTION
# Multiplying the scores by 10 multiplies every *difference* between scores by 10, and softmax
# turns differences into ratios of probabilities, $S_i / S_j = e^{y_i - y_j}$. So the ratios get
# raised to the 10th power: the top class takes nearly all the probability and the classifier
# becomes very confident, even though it ranks the classes exactly as before (dividing by 10 does
# the opposite and moves towards uniform). At the start of training the weights are arbitrary, so
# a confident prediction is mostly a confidently *wrong* one: the cross-entropy loss is huge and
# the softmax is saturated, so its gradient $S - L$ barely distinguishes between classes and
# training is slow or unstable. Small initial weights give scores near 0 and probabilities near
# $1/K$, a loss near $\log K$, and informative gradients; the classifier then earns its
# confidence as it learns.
# ### END SOLUTION

# %% [markdown]
# ## 7. Numerical stability: when small numbers meet big ones
#
# Floating-point numbers have a fixed number of significant digits (about 16 for float64), so the
# gap between one representable number and the next grows with the magnitude. Let's add
# $10^{-6}$ to $10^{9}$ a million times and subtract $10^{9}$ again. In exact arithmetic the answer
# is 1. A plain Python loop does the additions one at a time (Python floats are float64), which is
# the honest way to see the rounding; it takes a fraction of a second.

# %%
def add_many(start, step=1e-6, times=1_000_000):
    """Add `step` to `start` `times` times, one addition at a time; return the total minus start."""
    total = start
    for _ in range(times):
        total += step
    return total - start


t0 = time.perf_counter()
for start in (1e9, 0.0):
    result = add_many(start)
    print(f"start {start:<5g}: got {result:.10f}, error {result - 1:+.1e}")
print(f"({time.perf_counter() - t0:.2f} s)")

# %% [markdown]
# Starting from $10^9$ we get about 0.95367, almost 5% off; starting from 0 we get 1 up to an
# error of about $10^{-11}$ (the cell prints $+7.9 \times 10^{-12}$). The reason is the spacing of
# float64 numbers near $10^9$:

# %%
print("gap between float64 numbers next to 1e9:", np.spacing(1e9))  # 2**-23
print("1e-6 measured in those gaps:            ", 1e-6 / np.spacing(1e9))
print("what one addition really adds:          ", (1e9 + 1e-6) - 1e9)

# %% [markdown]
# Next to $10^9$ the representable numbers are $2^{-23} \approx 1.19 \times 10^{-7}$ apart. A step
# of $10^{-6}$ is 8.39 of those gaps, so every addition rounds to 8 gaps,
# $9.5367 \times 10^{-7}$, and a million of them add up to 0.95367. Near 0 the gaps are tiny and
# each addition is almost exact. The plot compares the gap with the step over many magnitudes.

# %%
starts = np.logspace(0, 12, 200)
one_add = (starts + 1e-6) - starts  # what a single addition of 1e-6 actually adds
fig, ax = plt.subplots(figsize=(6, 3.5))
ax.loglog(starts, np.spacing(starts), label="gap to the next float64")
ax.loglog(starts, np.abs(one_add - 1e-6), ".", ms=3, label="error of one addition of 1e-6")
ax.axhline(1e-6, color="k", linestyle=":", label="the step, 1e-6")
ax.set_xlabel("starting value")
ax.set_ylabel("size")
ax.set_title("Rounding error of adding 1e-6 to a large number")
ax.legend()
plt.show()

# %% [markdown]
# The error of each addition grows in step with the gap (up to half of it). From
# $2^{34} \approx 1.7 \times 10^{10}$ on, the gap is $2^{-18} \approx 3.8 \times 10^{-6}$, more than
# twice the step: every addition rounds back to the starting value, it is lost completely, and the
# error equals the step itself.
#
# **Why this matters for learning.** Training sums huge numbers of small updates and mixes the
# inputs, weights and gradients in long computations. When those quantities have very different
# magnitudes, the small ones get rounded away, as above. That is why we will prepare data so that
# each input feature has **zero mean and a small, equal variance** (assignment 02), and start
# from small random weights: all the numbers then live around the same scale, near 0, where
# floats are dense. It also makes the optimisation problem well conditioned, since no direction
# of the loss is vastly steeper than another.

# %% [markdown]
# ## 8. Wrap-up
#
# You built the last stage of every classifier in this course: softmax that cannot overflow,
# one-hot labels, cross-entropy, and the multinomial logistic loss with its gradient
# $(\operatorname{softmax}(s) - \operatorname{onehot}(y))/N$, checked against a numerical
# gradient. You also saw that scaling the scores controls confidence (temperature) and that
# floats lose small numbers next to big ones.
#
# From now on these functions live in the course package as `utils.losses` (`softmax`,
# `one_hot`, `cross_entropy`, `softmax_cross_entropy`), and the gradient checker you used is
# `utils.gradcheck`. Later notebooks import them from there, so a mistake left here does not follow
# you. Next, in assignment 02, we prepare a real data set of letter images: standardising it,
# removing duplicates between the splits, and asking how many validation samples we need to trust
# an accuracy.
