# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Assignment 03: training a logistic classifier
#
# In 01 you built the end of the pipeline: scores, softmax, cross-entropy, and the gradient of the
# loss with respect to the scores. Now we put a linear model in front of it and *train* it:
#
# 1. the **logistic classifier** $s = XW + b$ and the gradient of its loss with respect to $W$
#    and $b$;
# 2. **full-batch gradient descent**, which follows that gradient downhill;
# 3. **mini-batches** and **stochastic gradient descent** (SGD), which follow a cheap, noisy
#    estimate of it instead;
# 4. three refinements from the lecture: **momentum**, **learning-rate decay** and **AdaGrad**.
#
# Then we train on 20,000 images of the letters A-J and on scikit-learn's digits, compare the
# optimisers, sweep the learning rate, and race scikit-learn's `LogisticRegression`.
#
# You write eight functions: `logistic_forward`, `logistic_loss`, `gd_step`, `minibatches`, `sgd`,
# `sgd_momentum`, `exponential_decay` and `adagrad`. `softmax_cross_entropy` from 01 is imported
# from the course package (`utils.losses`): use it.
#
# **How to check your work.** Run each function's cell, then the test cell under it. A passing
# test prints a line ending in `passed`; a failing one says what it expected, what it got and
# where to look. The grader also runs hidden tests on other inputs (a single sample, one feature,
# float32 arrays, huge scores, several optimiser steps in a row), so write code that works for
# every shape the docstring allows.
#
# **Shapes.** $N$ samples, $D$ features, $K$ classes. From now on everything is *batch-first*:
# one row per sample, so inputs are $(N, D)$ and scores $(N, K)$.

# %% nbgrader={"grade": false, "grade_id": "setup", "locked": true, "schema_version": 3, "solution": false}
import time
import warnings

import matplotlib.pyplot as plt
import numpy as np

from utils.data import flatten, load_digits, load_letters
from utils.gradcheck import check_gradient, numerical_gradient
from utils.losses import softmax_cross_entropy

# %% [markdown]
# ## 1. The logistic classifier
#
# A linear classifier gives sample $n$ (a row $x_n$ of $D$ features) one score per class,
#
# $$s_{nk} = \sum_{d=1}^{D} x_{nd} W_{dk} + b_k, \qquad\text{for all samples at once:}\qquad
#   \underbrace{S}_{N \times K} = \underbrace{X}_{N \times D}\,\underbrace{W}_{D \times K} + \underbrace{b}_{K}.$$
#
# The lecture writes $Wx + b$ for one column vector $x$; stacking the samples as rows turns that
# into $XW$ with $W$ transposed, which is the layout numpy (and every library) prefers. The bias
# $b$ has one entry per class and is added to every row: numpy's broadcasting does that when you
# add an array of shape $(K,)$ to one of shape $(N, K)$. The predicted class of sample $n$ is the
# column of its largest score; softmax and cross-entropy (01) turn the scores into a loss.

# %% nbgrader={"grade": false, "grade_id": "logistic_forward", "locked": false, "schema_version": 3, "solution": true}
def logistic_forward(X, W, b):
    """Compute the class scores of a linear classifier, one row per sample.

    Inputs:
    - X: samples, shape (N, D).
    - W: weights, shape (D, K).
    - b: biases, shape (K,).

    Returns scores of shape (N, K): scores[n, k] = sum_d X[n, d] W[d, k] + b[k].
    """
    ### BEGIN SOLUTION
    X = np.asarray(X, dtype=np.float64)
    return X @ W + b  # (N, D) @ (D, K) + (K,) -> (N, K)
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_logistic_forward", "locked": true, "points": 1, "schema_version": 3, "solution": false}
# logistic_forward computes X @ W + b with one row of K scores per sample
X = np.array([[1.0, 2.0],
              [0.0, -1.0],
              [3.0, 0.0],
              [1.0, 1.0]])  # (N=4, D=2)
W = np.array([[1.0, 0.0, -1.0],
              [0.5, 2.0, 0.0]])  # (D=2, K=3)
b = np.array([0.1, 0.2, 0.3])  # (K=3,)
# row 0: [1*1 + 2*0.5, 1*0 + 2*2, 1*(-1) + 2*0] + b = [2, 4, -1] + b
expected = np.array([[2.1, 4.2, -0.7],
                     [-0.4, -1.8, 0.3],
                     [3.1, 0.2, -2.7],
                     [1.6, 2.2, -0.7]])
try:
    scores = logistic_forward(X, W, b)
except ValueError as err:  # numpy could not broadcast two shapes together
    raise AssertionError(
        f"logistic_forward(X of shape (4, 2), W (2, 3), b (3,)) raised ValueError: {err}. "
        "Use the matrix product X @ W, (N, D) @ (D, K) -> (N, K), not X * W, and add b as it is, "
        "shape (K,): numpy adds it to every row (b[:, None] is a column and does not fit)") from err
assert np.shape(scores) == (4, 3), (
    f"4 samples and 3 classes should give scores of shape (4, 3), got {np.shape(scores)}: "
    "compute X @ W (N, D) @ (D, K), one row per sample, and add b to every row")
assert not np.allclose(scores, expected - b), (
    "logistic_forward returned X @ W without the bias: add b, shape (K,), to every row")
assert np.allclose(scores, expected), (
    f"logistic_forward should return\n{expected}\ngot\n{scores}\n"
    "check the order of the product (X @ W, not W @ X) and that b is added once per class")
print("test_logistic_forward passed")

# %% [markdown]
# ## 2. The loss and its gradient
#
# The training loss is the mean cross-entropy over the $N$ samples, a function of $W$ and $b$:
#
# $$\mathcal{L}(W, b) = \frac{1}{N} \sum_{n=1}^{N} -\log \operatorname{softmax}(s_n)_{y_n},
#   \qquad S = XW + b ,$$
#
# where $s_n$ is row $n$ of $S$ (the $K$ scores of sample $n$) and $y_n \in \{0, \dots, K-1\}$ its
# label, so $\operatorname{softmax}(s_n)_{y_n}$ is the probability the model gives the right class.
#
# In 01 you found its gradient with respect to the scores, $\frac{\partial \mathcal{L}}{\partial S}
# = \frac{1}{N}\big(\operatorname{softmax}(S) - \operatorname{onehot}(y)\big)$, an $(N, K)$ array
# that `softmax_cross_entropy` returns as `dscores`. The chain rule takes us the rest of the way.
# The weight $W_{dk}$ appears in the score $s_{nk}$ of every sample, multiplied by $x_{nd}$, and
# $b_k$ appears in the same scores with factor 1, so
#
# $$\frac{\partial \mathcal{L}}{\partial W_{dk}} = \sum_{n=1}^{N} x_{nd}\,\frac{\partial \mathcal{L}}{\partial s_{nk}}
#   \quad\Longrightarrow\quad dW = X^\top \, d\text{scores}\ \ (D \times K), \qquad
#   \frac{\partial \mathcal{L}}{\partial b_k} = \sum_{n=1}^{N} \frac{\partial \mathcal{L}}{\partial s_{nk}}
#   \quad\Longrightarrow\quad db = \textstyle\sum_n d\text{scores}_{n,:}\ \ (K,).$$
#
# A quick way to remember it: $dW$ must have the shape of $W$, $(D, K)$, and the only product of
# $X$ $(N, D)$ and dscores $(N, K)$ with that shape is `X.T @ dscores`. The sum over samples is
# inside the matrix product; the $\frac{1}{N}$ is already inside dscores, so don't divide again.

# %% nbgrader={"grade": false, "grade_id": "logistic_loss", "locked": false, "schema_version": 3, "solution": true}
def logistic_loss(X, y, W, b):
    """Compute the mean softmax cross-entropy of the classifier and its gradients w.r.t. W and b.

    Inputs:
    - X: samples, shape (N, D).
    - y: integer labels, shape (N,), each in 0 .. K-1.
    - W: weights, shape (D, K).
    - b: biases, shape (K,).

    Returns a tuple (loss, dW, db): the loss, a Python float; dW, shape (D, K); db, shape (K,).
    """
    ### BEGIN SOLUTION
    X = np.asarray(X, dtype=np.float64)
    scores = X @ W + b  # (N, K)
    loss, dscores = softmax_cross_entropy(scores, y)  # dscores (N, K), already divided by N
    dW = X.T @ dscores  # (D, N) @ (N, K) -> (D, K)
    db = dscores.sum(axis=0)  # (K,): b is added to every row
    return loss, dW, db
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_logistic_loss", "locked": true, "points": 2, "schema_version": 3, "solution": false}
# logistic_loss returns the hand-computed loss, and stays finite for scores of +-1000
X = np.array([[1.0, 2.0, 0.0],
              [3.0, 4.0, 1.0]])  # (N=2, D=3)
W, b = np.zeros((3, 3)), np.array([np.log(3.0), 0.0, 0.0])  # every row scores [log 3, 0, 0]
y = np.array([0, 1])
# softmax([log 3, 0, 0]) = [3/5, 1/5, 1/5]; losses -log(3/5) and -log(1/5)
expected = (np.log(5 / 3) + np.log(5)) / 2
out = logistic_loss(X, y, W, b)
assert isinstance(out, tuple) and len(out) == 3, (
    f"logistic_loss should return a tuple (loss, dW, db), got {type(out).__name__}"
    + (f" of length {len(out)}" if isinstance(out, (tuple, list)) else ""))
loss = out[0]
assert np.ndim(loss) == 0, f"the loss should be one number, got an array of shape {np.shape(loss)}"
assert abs(loss - expected) <= 1e-9 * expected, (
    f"loss should be (log(5/3) + log 5) / 2 = {expected:.6f}, got {float(loss):.6f}: scores = X @ W + b, "
    "then softmax_cross_entropy(scores, y)[0] (the mean over samples)")

X_big = np.array([[1000.0], [1000.0]])  # (N=2, D=1): scores [1000, -1000]
W_big, b_big = np.array([[1.0, -1.0]]), np.zeros(2)
loss = logistic_loss(X_big, np.array([0, 1]), W_big, b_big)[0]  # losses 0 and 2000
assert np.isfinite(loss) and abs(loss - 1000.0) <= 1e-9 * 1000.0, (
    f"for scores [1000, -1000] with labels 0 and 1 the loss is (0 + 2000) / 2 = 1000, got {loss}: "
    "use softmax_cross_entropy, which subtracts the max, rather than np.log(np.exp(...))")
print("test_logistic_loss passed")

# %% nbgrader={"grade": true, "grade_id": "test_logistic_grad", "locked": true, "points": 2, "schema_version": 3, "solution": false}
# dW and db have the shapes of W and b, the hand-computed values, and match a numerical gradient
X = np.array([[1.0, 2.0, 0.0],
              [3.0, 4.0, 1.0],
              [0.0, 0.0, 2.0]])  # (N=3, D=3)
y = np.array([0, 0, 1])
W, b = np.zeros((3, 2)), np.zeros(2)  # K = 2; all scores 0, softmax [1/2, 1/2]
# dscores rows: (softmax - onehot) / N = [-1/2, 1/2] / 3 for label 0, [1/2, -1/2] / 3 for label 1
expected_dW = np.array([[-2 / 3, 2 / 3],
                        [-1.0, 1.0],
                        [1 / 6, -1 / 6]])  # X.T @ dscores
expected_db = np.array([-1 / 6, 1 / 6])  # dscores summed over the samples
_, dW, db = logistic_loss(X, y, W, b)
assert np.shape(dW) == (3, 2), (
    f"dW should have the shape of W, (D, K) = (3, 2), got {np.shape(dW)}: X.T @ dscores, not dscores.T @ X")
assert np.shape(db) == (2,), (
    f"db should have the shape of b, (K,) = (2,), got {np.shape(db)}: sum dscores over the samples, axis=0")
assert np.allclose(dW, expected_dW), (
    f"dW should be\n{expected_dW}\ngot\n{dW}\nit is X.T @ dscores, with dscores from softmax_cross_entropy "
    "(already divided by N: don't divide again)")
assert np.allclose(db, expected_db), f"db should be {expected_db}, got {db}: dscores.sum(axis=0)"

rng = np.random.default_rng(0)
X, y = rng.normal(size=(5, 4)), np.array([0, 2, 1, 2, 2])  # N=5, D=4, K=3
W, b = rng.normal(size=(4, 3)), rng.normal(size=3)
_, dW, db = logistic_loss(X, y, W, b)
check_gradient(dW, numerical_gradient(lambda w: logistic_loss(X, y, w, b)[0], W.copy()), name="dW")
check_gradient(db, numerical_gradient(lambda v: logistic_loss(X, y, W, v)[0], b.copy()), name="db")
print("test_logistic_grad passed")

# %% [markdown]
# ## 3. Gradient descent
#
# The gradient points uphill, towards the steepest *increase* of the loss. Gradient descent steps
# the other way, by a small multiple $\alpha$ (the **learning rate**) of it, and repeats:
#
# $$W \leftarrow W - \alpha\, \frac{\partial \mathcal{L}}{\partial W}, \qquad
#   b \leftarrow b - \alpha\, \frac{\partial \mathcal{L}}{\partial b}.$$
#
# *Full-batch* means the gradient is the exact one, averaged over every training sample. Write one
# such step; it may call your `logistic_loss`. Return new arrays rather than changing `W` and `b`
# in place (`W - alpha * dW`, not `W -= alpha * dW`), so a caller's arrays never change under
# its feet.

# %% nbgrader={"grade": false, "grade_id": "gd_step", "locked": false, "schema_version": 3, "solution": true}
def gd_step(X, y, W, b, learning_rate):
    """Take one step of full-batch gradient descent on the softmax cross-entropy.

    Inputs:
    - X: every training sample, shape (N, D); y: their labels, shape (N,).
    - W: weights, shape (D, K); b: biases, shape (K,).
    - learning_rate: the step size, a positive number.

    Returns (next_W, next_b, loss): the parameters after the step, shapes (D, K) and (K,), and
    the loss at W and b (before the step), a Python float. W and b are not modified.
    """
    ### BEGIN SOLUTION
    X = np.asarray(X, dtype=np.float64)
    loss, dscores = softmax_cross_entropy(X @ W + b, y)  # the same as logistic_loss, written out
    next_W = W - learning_rate * (X.T @ dscores)  # (D, K)
    next_b = b - learning_rate * dscores.sum(axis=0)  # (K,)
    return next_W, next_b, loss
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_gd_step", "locked": true, "points": 1, "schema_version": 3, "solution": false}
# gd_step moves W and b against the gradient by learning_rate, returns the loss before the step,
# and leaves its inputs alone
X = np.array([[1.0, 2.0, 0.0],
              [3.0, 4.0, 1.0],
              [0.0, 0.0, 2.0]])
y = np.array([0, 0, 1])
W, b = np.zeros((3, 2)), np.zeros(2)  # the fixture of test_logistic_grad: loss log 2
next_W, next_b, loss = gd_step(X, y, W, b, 0.5)
expected_W = -0.5 * np.array([[-2 / 3, 2 / 3], [-1.0, 1.0], [1 / 6, -1 / 6]])  # W - 0.5 dW
expected_b = -0.5 * np.array([-1 / 6, 1 / 6])
assert abs(loss - np.log(2)) <= 1e-9, (
    f"gd_step should return the loss before the step, log 2 = {np.log(2):.6f}, got {loss}: "
    "compute the loss and the gradients first, then step")
assert np.array_equal(W, np.zeros((3, 2))) and np.array_equal(b, np.zeros(2)), (
    "gd_step changed its input W or b in place: return W - learning_rate * dW as a new array")
assert np.allclose(next_W, expected_W) and np.allclose(next_b, expected_b), (
    f"after one step with learning rate 0.5, W should be\n{expected_W}\nand b {expected_b}, got\n"
    f"{next_W}\nand {next_b}\nstep *against* the gradient (W - learning_rate * dW), and update b too")
for _ in range(20):
    next_W, next_b, new_loss = gd_step(X, y, next_W, next_b, 0.5)
assert new_loss < loss, (
    f"after 20 steps the loss should have dropped below log 2 = {loss:.4f}, got {new_loss:.4f}: "
    "check the sign of the step")
print("test_gd_step passed")

# %% [markdown]
# ### The data
#
# The letters A-J of assignment 02: 20,000 training, 2,000 validation and 2,000 test images of
# $28 \times 28$ pixels, flattened into rows of $D = 784$ numbers. The lecture asks for inputs with
# zero mean and a small, equal variance, so we subtract the mean training image (every pixel
# then has mean 0) and divide by one number, the standard deviation of all training pixels.
# One number rather than one per pixel, because all pixels share a unit: dividing each by its own
# spread would blow up the faint noise of the nearly blank border pixels. The statistics come
# from the training set only and are applied unchanged to validation and test.

# %%
def prepare(data):
    """Flatten the images and centre and scale them with training statistics.

    Returns {"train": (X, y), "val": (X, y), "test": (X, y)}, each X of shape (N, D).
    """
    X_train = flatten(data["X_train"])  # (N, 784)
    mean, scale = X_train.mean(axis=0), X_train.std()  # (D,) and one number
    return {split: ((flatten(data[f"X_{split}"]) - mean) / scale, data[f"y_{split}"])
            for split in ("train", "val", "test")}


letters = prepare(load_letters())
X_train, y_train = letters["train"]
print("training set:", X_train.shape, "labels:", np.bincount(y_train))

# %% [markdown]
# How expensive is one step of full-batch gradient descent here? Each step multiplies all 20,000
# rows by $W$ and back again.

# %%
rng = np.random.default_rng(0)
W, b = 0.01 * rng.standard_normal((784, 10)), np.zeros(10)  # small weights: loss near log 10
start = time.perf_counter()
for step in range(5):
    W, b, loss = gd_step(X_train, y_train, W, b, learning_rate=0.25)
    print(f"step {step}: loss {loss:.3f}")
per_step = (time.perf_counter() - start) / 5
print(f"{1000 * per_step:.0f} ms per step; 1,000 steps would take {1000 * per_step:.0f} s")

# %% [markdown]
# The loss falls from $\log 10 \approx 2.30$, but every step touches every image. Real training sets
# hold millions of images, and gradient descent needs many steps: this does not scale.
#
# ## 4. Mini-batches and stochastic gradient descent
#
# The lecture's way out is to cheat: estimate the loss and its gradient from a small random
# sample of the training set, a **mini-batch** of $B$ samples (between 1 and a few hundred), and
# step on that estimate. It is a noisy estimate (sometimes it even points uphill), but it costs
# $B/N$ of a full gradient, so we can afford many more, smaller steps. That is **stochastic
# gradient descent**.
#
# "Random" matters: batches drawn in a fixed order (say, all the A's first) would drag the
# weights back and forth. The usual recipe shuffles the samples once per pass over the data (an
# **epoch**) and cuts the shuffled order into consecutive batches, so that every sample is used
# exactly once per epoch. When $N$ is not a multiple of $B$, the last batch is smaller; keep it,
# or those samples are never seen.
#
# Randomness comes in through `rng`, which may be a seed (an int) or a `np.random.Generator`:
# `np.random.default_rng(rng)` handles both (a Generator is returned as it is). Draw the order with
# one call of `rng.permutation(N)`. The same seed must give the same batches; during training we
# pass one Generator for all epochs, so every epoch gets a new order. Shuffle `X` and `y` with the
# *same* order, or the images lose their labels.

# %% nbgrader={"grade": false, "grade_id": "minibatches", "locked": false, "schema_version": 3, "solution": true}
def minibatches(X, y, batch_size, rng=None):
    """Shuffle the samples and cut them into mini-batches covering each sample exactly once.

    Inputs:
    - X: samples, shape (N, D); y: their labels, shape (N,).
    - batch_size: B, samples per batch; the last batch holds the N % B samples left over, if any.
    - rng: a seed (int), a np.random.Generator, or None.

    Returns a list of ceil(N / B) pairs (X_batch, y_batch) of shapes (B, D) and (B,), in the
    order given by rng.permutation(N).
    """
    ### BEGIN SOLUTION
    rng = np.random.default_rng(rng)
    order = rng.permutation(X.shape[0])  # (N,), one shuffle for X and y together
    return [(X[order[i:i + batch_size]], y[order[i:i + batch_size]])
            for i in range(0, X.shape[0], batch_size)]
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_minibatches", "locked": true, "points": 2, "schema_version": 3, "solution": false}
# minibatches keeps the last partial batch, uses every sample once, keeps rows with their labels,
# shuffles, and gives the same batches for the same seed
X = np.arange(20.0).reshape(10, 2)  # (N=10, D=2): row i is [2i, 2i + 1]
y = np.arange(10)  # label i belongs to row i
batches = minibatches(X, y, 4, rng=0)
sizes = [len(yb) for _, yb in batches]
assert sizes == [4, 4, 2], (
    f"10 samples in batches of 4 should give batch sizes [4, 4, 2], got {sizes}: "
    "loop over range(0, N, batch_size) and keep the last, smaller batch")
X_all = np.concatenate([Xb for Xb, _ in batches])
y_all = np.concatenate([yb for _, yb in batches])
assert sorted(y_all.tolist()) == list(range(10)), (
    f"every sample should appear exactly once per epoch, got labels {y_all.tolist()}: "
    "draw one permutation of 0..N-1 instead of sampling with replacement")
assert np.array_equal(X_all[:, 0], 2 * y_all), (
    f"rows and labels were separated: labels {y_all.tolist()} came with rows {X_all[:, 0].tolist()} (x 2): "
    "index X and y with the same shuffled indices")
assert y_all.tolist() != list(range(10)), (
    "the batches are in the original order: shuffle with rng.permutation(N) first")
again = np.concatenate([yb for _, yb in minibatches(X, y, 4, rng=0)])
assert np.array_equal(again, y_all), (
    f"the same seed gave a different order ({y_all.tolist()}, then {again.tolist()}): "
    "make the Generator with np.random.default_rng(rng) and use it, not np.random's global state")
other = np.concatenate([yb for _, yb in minibatches(X, y, 4, rng=1)])
assert not np.array_equal(other, y_all), "seeds 0 and 1 gave the same order: use the rng argument"
print("test_minibatches passed")

# %% [markdown]
# ## 5. Update rules: SGD and momentum
#
# From here on an optimiser is an **update rule** with one signature for all of them, the one
# the rest of the course uses:
#
# ```python
# next_w, config = update(w, dw, config)
# ```
#
# `w` is one parameter (here $W$ or $b$) and `dw` its gradient. `config` is a dict holding the
# rule's hyperparameters (`learning_rate`, ...) and its **state** (what it remembers between
# steps), or `None` for the defaults. Fill in missing hyperparameters with
# `config.setdefault("learning_rate", 1e-2)`; create state arrays on the first call with
# `np.zeros_like(w)` (same shape and dtype as `w`) and store them in `config`. Return the new
# parameter and the config; the training loop keeps one config per parameter and passes it back
# next time. Nothing is hidden in global variables, so re-running a cell cannot corrupt anything.
#
# **SGD** is gradient descent on whatever gradient you pass in:
# $w \leftarrow w - \alpha\, dw$.
#
# **Momentum.** Each mini-batch gradient is noisy, but on average they point the right way. The
# lecture's fix is to keep a running average of the gradients, the **velocity** $v$, and step
# along it instead of along the latest gradient alone:
#
# $$v \leftarrow \mu\, v + dw, \qquad w \leftarrow w - \alpha\, v, \qquad v = 0 \text{ before the first step.}$$
#
# With momentum $\mu = 0.9$ a gradient's weight fades by 10% per step, so $v$ sums roughly the
# last ten gradients: their noise partly cancels, while a direction they agree on adds up to a
# step up to $1/(1-\mu) = 10$ times larger. Mind the order: update $v$ first, then step with the
# new $v$. This is also what PyTorch's `torch.optim.SGD(momentum=0.9)` does.

# %% nbgrader={"grade": false, "grade_id": "sgd", "locked": false, "schema_version": 3, "solution": true}
def sgd(w, dw, config=None):
    """Take one plain gradient-descent step: w - learning_rate * dw.

    Inputs:
    - w: a parameter, any shape; dw: its gradient, same shape.
    - config: dict or None, with
      - learning_rate: the step size (default 1e-2).

    Returns (next_w, config): next_w has the shape of w; config holds the learning rate used.
    """
    ### BEGIN SOLUTION
    if config is None:
        config = {}
    config.setdefault("learning_rate", 1e-2)
    next_w = w - config["learning_rate"] * dw
    return next_w, config
    ### END SOLUTION


# %% nbgrader={"grade": false, "grade_id": "sgd_momentum", "locked": false, "schema_version": 3, "solution": true}
def sgd_momentum(w, dw, config=None):
    """Take one step of gradient descent with momentum: v = momentum * v + dw; w - learning_rate * v.

    Inputs:
    - w: a parameter, any shape; dw: its gradient, same shape.
    - config: dict or None, with
      - learning_rate: the step size (default 1e-2).
      - momentum: the share of the previous velocity kept, in [0, 1) (default 0.9).
      - velocity: the state, same shape and dtype as w; missing (or None) before the first step,
        when it starts at zeros.

    Returns (next_w, config): next_w has the shape and dtype of w; config["velocity"] holds the
    new velocity.
    """
    ### BEGIN SOLUTION
    if config is None:
        config = {}
    config.setdefault("learning_rate", 1e-2)
    config.setdefault("momentum", 0.9)
    v = config.get("velocity")
    if v is None:
        v = np.zeros_like(w)
    v = config["momentum"] * v + dw  # first the velocity ...
    next_w = w - config["learning_rate"] * v  # ... then the step along it
    config["velocity"] = v
    return next_w, config
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_sgd_momentum", "locked": true, "points": 2, "schema_version": 3, "solution": false}
# sgd steps against the gradient; sgd_momentum keeps its velocity in config and steps along it
w, dw = np.array([1.0, 2.0]), np.array([0.5, -1.0])
out = sgd(w, dw, {"learning_rate": 0.1})
assert isinstance(out, tuple) and len(out) == 2, (
    f"sgd should return a tuple (next_w, config), got {type(out).__name__}: return next_w, config")
next_w, config = out
assert np.allclose(next_w, [0.95, 2.1]), (
    f"sgd([1, 2], [0.5, -1], learning_rate 0.1) should give [0.95, 2.1], got {next_w}: "
    "w - learning_rate * dw, with the learning rate from config")
try:
    next_w, config = sgd(w, dw, None)
except (AttributeError, TypeError, KeyError) as err:
    raise AssertionError(f"sgd(w, dw, None) raised {type(err).__name__}: {err}. config=None means "
                         "the defaults: start with `if config is None: config = {}`") from err
assert isinstance(config, dict) and config.get("learning_rate") == 1e-2 and np.allclose(next_w, [0.995, 2.01]), (
    f"with config=None sgd should use learning_rate 1e-2 and return it in config, got {next_w} and {config}: "
    "start from an empty dict and use config.setdefault")

out = sgd_momentum(np.array([1.0, 2.0]), np.array([1.0, -1.0]), {"learning_rate": 0.1, "momentum": 0.9})
assert isinstance(out, tuple) and len(out) == 2, (
    f"sgd_momentum should return a tuple (next_w, config), got {type(out).__name__}: return next_w, config")
w1, config = out
# step 1: v = 0.9 * 0 + [1, -1] = [1, -1];  w = [1, 2] - 0.1 * v = [0.9, 2.1]
assert config.get("velocity") is not None, (
    "after the first step config['velocity'] is missing: start from np.zeros_like(w), compute the new "
    "velocity and store it with config['velocity'] = v")
assert np.allclose(config["velocity"], [1.0, -1.0]), (
    f"after the first step config['velocity'] should be 0.9 * 0 + dw = [1, -1], got {config['velocity']}: "
    "v = momentum * v + dw, with neither a (1 - momentum) factor nor the learning rate inside v")
assert np.allclose(w1, [0.9, 2.1]), (
    f"the first step should give [1, 2] - 0.1 * [1, -1] = [0.9, 2.1], got {w1}: "
    "update the velocity first, then step with the new velocity")
w2, config = sgd_momentum(w1, np.array([1.0, 1.0]), config)
# step 2: v = 0.9 * [1, -1] + [1, 1] = [1.9, 0.1];  w = [0.9, 2.1] - 0.1 * v = [0.71, 2.09]
assert np.allclose(config["velocity"], [1.9, 0.1]) and np.allclose(w2, [0.71, 2.09]), (
    f"the second step should give velocity [1.9, 0.1] and w [0.71, 2.09], got {config['velocity']} and {w2}: "
    "v = momentum * (the previous velocity from config) + dw, then w - learning_rate * v")
w32, _ = sgd_momentum(np.ones(2, dtype=np.float32), np.ones(2, dtype=np.float32), None)
assert w32.dtype == np.float32, (
    f"float32 parameters came back as {w32.dtype}: create the velocity with np.zeros_like(w), "
    "which keeps w's dtype, rather than np.zeros(w.shape)")
print("test_sgd_momentum passed")

# %% [markdown]
# ## 6. Learning-rate decay
#
# SGD's steps are noisy, and near the bottom of the loss the noise dominates: a fixed learning rate
# keeps the weights bouncing around the minimum. The lecture's remedy is to make the steps smaller
# as training goes on. A common schedule multiplies the learning rate by a factor
# $\gamma < 1$ (the `decay_rate`) after every epoch:
#
# $$\alpha_t = \alpha_0\, \gamma^{\lfloor t / T \rfloor},$$
#
# where $t = 0, 1, 2, \dots$ counts iterations (mini-batch steps) and $T$ is the number of
# iterations per epoch, $\lceil N / B \rceil$. Within an epoch the rate stays constant; it drops at
# the first iteration of the next epoch. Use integer division (`//`) so that it really is
# constant within an epoch. Your function should also work when `iteration` is an integer array
# (numpy's `//` and `**` work elementwise), which is handy for plotting a schedule.

# %% nbgrader={"grade": false, "grade_id": "exponential_decay", "locked": false, "schema_version": 3, "solution": true}
def exponential_decay(iteration, learning_rate, decay_rate, iterations_per_epoch=1):
    """Return the learning rate for an iteration: learning_rate * decay_rate ** (completed epochs).

    Inputs:
    - iteration: t, the step number counted from 0; an int, or an integer array of any shape.
    - learning_rate: the rate during epoch 0.
    - decay_rate: the factor applied once per epoch, e.g. 0.9.
    - iterations_per_epoch: T, steps per epoch, at least 1.

    Returns learning_rate * decay_rate ** (t // T): a number, or an array shaped like iteration.
    """
    ### BEGIN SOLUTION
    epoch = np.floor_divide(iteration, iterations_per_epoch)  # completed epochs
    return learning_rate * decay_rate ** epoch
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_lr_decay", "locked": true, "points": 1, "schema_version": 3, "solution": false}
# exponential_decay is constant within an epoch and drops by decay_rate at each epoch's first iteration
rates = [float(exponential_decay(t, 0.1, 0.5, iterations_per_epoch=3)) for t in range(8)]
expected = [0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.025, 0.025]
assert np.isclose(rates[0], 0.1), (
    f"iteration 0 should get the initial learning rate 0.1, got {rates[0]}: during epoch 0 nothing has "
    "decayed yet, decay_rate ** 0 = 1 (count completed epochs, iteration // iterations_per_epoch)")
assert np.allclose(rates, expected), (
    f"with 3 iterations per epoch, iterations 0..7 should get {expected}, got {rates}: "
    "decay once per epoch, decay_rate ** (iteration // iterations_per_epoch), not once per iteration")
try:
    as_array = exponential_decay(np.arange(8), 0.1, 0.5, 3)
except TypeError as err:
    raise AssertionError(f"an array of iterations 0..7 raised TypeError: {err}. Use numpy operations "
                         "(// and **), which work elementwise, rather than int() or math.floor()") from err
assert np.shape(as_array) == (8,) and np.allclose(as_array, expected), (
    f"an array of iterations 0..7 should give the array {expected}, got {as_array}: "
    "use numpy operations (// and **) rather than int() or math.floor()")
print("test_lr_decay passed")

# %% [markdown]
# ## 7. AdaGrad
#
# One learning rate for all the weights is a compromise: weights whose gradients are large (here,
# pixels in the middle of the image, where the ink is) want small steps, and weights whose
# gradients are tiny (border pixels) want large ones. **AdaGrad** gives every entry its own step
# size by dividing by the square root of the sum of all its squared gradients so far:
#
# $$s \leftarrow s + dw^2, \qquad w \leftarrow w - \alpha\, \frac{dw}{\sqrt{s} + \epsilon},
#   \qquad s = 0 \text{ before the first step},$$
#
# everything elementwise. On the first step $|dw| / \sqrt{s} = 1$, so every entry moves by about
# $\alpha$, whatever the size of its gradient. As $s$ grows the steps shrink, which is a
# learning-rate decay built in. The small $\epsilon$ (default $10^{-8}$) keeps the division finite
# for an entry whose gradients have all been zero. Store $s$ in `config["sum_sq"]`.

# %% nbgrader={"grade": false, "grade_id": "adagrad", "locked": false, "schema_version": 3, "solution": true}
def adagrad(w, dw, config=None):
    """Take one AdaGrad step: sum_sq += dw ** 2; w - learning_rate * dw / (sqrt(sum_sq) + epsilon).

    Inputs:
    - w: a parameter, any shape; dw: its gradient, same shape.
    - config: dict or None, with
      - learning_rate: the step size (default 1e-2).
      - epsilon: added to the root, keeps the division finite (default 1e-8).
      - sum_sq: the state, the sum of the squared gradients so far, same shape and dtype as w;
        missing (or None) before the first step, when it starts at zeros.

    Returns (next_w, config): next_w has the shape and dtype of w; config["sum_sq"] holds the new
    sum.
    """
    ### BEGIN SOLUTION
    if config is None:
        config = {}
    config.setdefault("learning_rate", 1e-2)
    config.setdefault("epsilon", 1e-8)
    s = config.get("sum_sq")
    if s is None:
        s = np.zeros_like(w)
    s = s + dw * dw  # first add this step's squares ...
    next_w = w - config["learning_rate"] * dw / (np.sqrt(s) + config["epsilon"])  # ... then divide
    config["sum_sq"] = s
    return next_w, config
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_adagrad", "locked": true, "points": 2, "schema_version": 3, "solution": false}
# adagrad divides each entry's step by the root of its summed squared gradients, kept in config
out = adagrad(np.array([1.0, 1.0, 1.0]), np.array([3.0, -0.5, 0.0]), {"learning_rate": 0.1})
assert isinstance(out, tuple) and len(out) == 2, (
    f"adagrad should return a tuple (next_w, config), got {type(out).__name__}: return next_w, config")
w1, config = out
# step 1: sum_sq = [9, 0.25, 0]; steps 0.1 * [3/3, -0.5/0.5, 0/(0 + eps)] = [0.1, -0.1, 0]
assert "sum_sq" in config and np.allclose(config["sum_sq"], [9.0, 0.25, 0.0]), (
    f"after one step config['sum_sq'] should be dw ** 2 = [9, 0.25, 0], got {config.get('sum_sq')}: "
    "start from np.zeros_like(w), add dw * dw and store the sum in config")
assert np.all(np.isfinite(w1)), (
    f"a zero gradient gave {w1}: add epsilon (config.setdefault('epsilon', 1e-8)) to the square root")
assert np.allclose(w1, [0.9, 1.1, 1.0]), (
    f"the first step should move every entry by learning_rate: [0.9, 1.1, 1.0], got {w1}: "
    "add the squared gradient to sum_sq first, then divide dw by sqrt(sum_sq) + epsilon")
w2, config = adagrad(w1, np.array([4.0, 0.5, 0.0]), config)
# step 2: sum_sq = [25, 0.5, 0]; steps 0.1 * [4/5, 0.5/sqrt(0.5), 0] = [0.08, 0.0707, 0]
expected = np.array([0.82, 1.1 - 0.1 * np.sqrt(0.5), 1.0])
assert np.allclose(config["sum_sq"], [25.0, 0.5, 0.0]) and np.allclose(w2, expected), (
    f"the second step should give sum_sq [25, 0.5, 0] and w {np.round(expected, 4)}, got "
    f"{config['sum_sq']} and {w2}: keep adding to the sum from config, and take its square root")
w, config = adagrad(np.array([1.0]), np.array([1e-6]), {"learning_rate": 0.1, "epsilon": 1e-4})
# sum_sq = 1e-12, its root 1e-6; the step is 0.1 * 1e-6 / (1e-6 + 1e-4) = 0.1 / 101
assert abs(w[0] - (1 - 0.1 / 101)) <= 1e-9, (
    f"with a gradient of 1e-6 and epsilon 1e-4 the step should be 0.1 / 101, giving {1 - 0.1 / 101:.8f}, "
    f"got {w[0]:.8f}: add epsilon after the square root, sqrt(sum_sq) + epsilon, not sqrt(sum_sq + epsilon)")
w32, _ = adagrad(np.ones(2, dtype=np.float32), np.ones(2, dtype=np.float32), None)
assert w32.dtype == np.float32, (
    f"float32 parameters came back as {w32.dtype}: start the sum with np.zeros_like(w), which keeps "
    "w's dtype, rather than np.zeros(w.shape)")
print("test_adagrad passed")

# %% [markdown]
# ## 8. Training on the letters
#
# Everything is in place for a real training run. The loop below is the same for every update
# rule: at each epoch, shuffle and cut the training set into batches (`minibatches`); for each
# batch, compute the loss and its gradients (`logistic_loss`), look up this iteration's learning
# rate (`exponential_decay`; a `decay_rate` of 1 keeps it constant) and update $W$ and $b$, each
# with its own config and so its own state. It keeps the loss of every batch (a cheap, noisy
# trace of the training loss) and the validation accuracy after every epoch. It calls only your
# functions, so if they pass their tests the runs below are yours.

# %%
def train(data, update, learning_rate, epochs, batch_size, decay_rate=1.0, seed=0, verbose=False, **hyper):
    """Train a logistic classifier on data["train"] with mini-batches and one update rule.

    `hyper` holds the rule's other hyperparameters, e.g. momentum=0.9. Returns (W, b, history):
    history["loss"] is the loss of every batch, history["val_acc"] the validation accuracy after
    every epoch. With verbose=True it prints one line per epoch.
    """
    X, y = data["train"]
    N, D = X.shape
    K = int(y.max()) + 1
    rng = np.random.default_rng(seed)
    W, b = 0.01 * rng.standard_normal((D, K)), np.zeros(K)  # small weights: the loss starts near log K
    configs = {"W": dict(hyper), "b": dict(hyper)}  # one config, and so one state, per parameter
    T = -(-N // batch_size)  # iterations per epoch, ceil(N / batch_size)
    history, t, start = {"loss": [], "val_acc": []}, 0, time.perf_counter()
    for epoch in range(epochs):
        for X_batch, y_batch in minibatches(X, y, batch_size, rng):
            loss, dW, db = logistic_loss(X_batch, y_batch, W, b)
            lr = exponential_decay(t, learning_rate, decay_rate, T)
            configs["W"]["learning_rate"] = configs["b"]["learning_rate"] = lr
            W, configs["W"] = update(W, dW, configs["W"])
            b, configs["b"] = update(b, db, configs["b"])
            history["loss"].append(loss)
            t += 1
        history["val_acc"].append(accuracy(W, b, *data["val"]))
        if verbose:
            print(f"  epoch {epoch + 1:2d}/{epochs}: mean batch loss {np.mean(history['loss'][-T:]):.3f}, "
                  f"validation accuracy {history['val_acc'][-1]:.3f}, learning rate {float(lr):.3g}, "
                  f"{time.perf_counter() - start:.1f} s")
    return W, b, {key: np.array(values) for key, values in history.items()}

# %% [markdown]
# Two small helpers for the runs below: the accuracy of a trained $(W, b)$ on a data set, and a
# moving average that shows the trend through the noise of the batch losses.

# %%
def accuracy(W, b, X, y):
    """Fraction of the rows of X whose highest score is their label."""
    return float(np.mean(np.argmax(logistic_forward(X, W, b), axis=1) == y))


def smooth(values, window):
    """Moving average over `window` consecutive values (to see through the batch noise)."""
    return np.convolve(values, np.ones(window) / window, mode="valid")

# %% [markdown]
# ### Full-batch gradient descent against SGD
#
# Both runs get the same budget, 8 passes over the 20,000 images, and start from the same small
# random weights. For gradient descent that is 8 steps; for SGD with batches of 100 it is
# $8 \times 200 = 1{,}600$ steps, each on a two-hundredth of the data. Each method has a good
# constant learning rate: 0.25 for gradient descent (at 0.5 its loss already goes back up between
# some steps) and 0.3 for SGD (section 9 sweeps the rate: 0.1 and 0.3 are both near the top).
#
# The left plot counts computation (epochs); the right one counts updates, on a log scale.

# %%
EPOCHS, BATCH = 8, 100
T = -(-len(y_train) // BATCH)  # 200 iterations per epoch
rng = np.random.default_rng(0)
W, b = 0.01 * rng.standard_normal((784, 10)), np.zeros(10)  # the start train() uses
gd_losses = []  # gd_losses[e]: the training loss after e steps, i.e. after e epochs of computation
for step in range(EPOCHS):
    W, b, loss = gd_step(X_train, y_train, W, b, learning_rate=0.25)
    gd_losses.append(loss)  # gd_step returns the loss before its step
gd_losses.append(logistic_loss(X_train, y_train, W, b)[0])  # and the loss after the last step
print(f"full-batch gradient descent, {EPOCHS} steps: loss {gd_losses[0]:.3f} -> {gd_losses[-1]:.3f}")
print(f"SGD, learning rate 0.3, batches of {BATCH}:")
_, _, history = train(letters, sgd, 0.3, EPOCHS, BATCH, verbose=True)
sgd_losses = history["loss"]

fig, (ax0, ax1) = plt.subplots(1, 2, figsize=(12, 4), sharey=True)
ax0.plot(np.arange(sgd_losses.size) / T, sgd_losses, color="C0", alpha=0.25, lw=0.5, label="SGD: each batch's loss")
curve = smooth(sgd_losses, T // 4)
ax0.plot((np.arange(curve.size) + T // 4) / T, curve, color="C0", label="SGD: averaged over a quarter epoch")
ax0.plot(np.arange(EPOCHS + 1), gd_losses, "ko-", label="full-batch GD: one step per epoch")
ax0.set_xlabel("epochs (passes over the 20,000 training images)")
ax0.set_ylabel("training loss (cross-entropy)")
ax0.set_title("The same computation")
ax0.legend()
ax1.semilogx(np.arange(1, sgd_losses.size + 1), sgd_losses, color="C0", alpha=0.5, lw=0.5, label="SGD (batch loss)")
ax1.semilogx(np.arange(1, EPOCHS + 2), gd_losses, "ko-", label="full-batch GD")
ax1.set_xlabel("update number (log scale)")
ax1.set_title("The same number of updates")
ax1.legend()
plt.show()

# %% [markdown]
# On the left, after 8 epochs gradient descent is still far up the slope, at a loss SGD's batches
# were already below after 30 to 40 updates, under a fifth of its first epoch. On the right, step
# for step, gradient descent is the better one: its first few steps gain more than SGD's first
# few, whose batch losses scatter widely around their trend. SGD wins because its steps are so cheap that it can take 200 of them for the price
# of one, and 200 roughly right steps beat one exact step.
#
# ### Momentum, learning-rate decay and AdaGrad
#
# Now four mini-batch runs, each with 8 epochs of batches of 100 on the same shuffles:
#
# - plain SGD at a constant learning rate of 0.3, as above;
# - the same SGD with the rate multiplied by $\gamma = 0.8$ after every epoch;
# - momentum $\mu = 0.9$ with the same decay, at a tenth of the rate, 0.03, because its velocity
#   adds up to $1/(1 - \mu) = 10$ gradients when they agree;
# - AdaGrad at 0.1 and no schedule: its division by $\sqrt{s}$ already shrinks the steps.
#
# The left plot shows each run's batch losses averaged over a quarter epoch, zoomed on the end of
# training where they differ; the right one, in the same colours (legend below), the validation
# accuracy after each epoch.

# %%
runs = {}
for name, update, lr, decay, hyper in [
        ("SGD, constant rate 0.3", sgd, 0.3, 1.0, {}),
        ("SGD, rate 0.3 decayed by 0.8 per epoch", sgd, 0.3, 0.8, {}),
        ("momentum 0.9, rate 0.03 decayed by 0.8", sgd_momentum, 0.03, 0.8, {"momentum": 0.9}),
        ("AdaGrad, rate 0.1", adagrad, 0.1, 1.0, {})]:
    start = time.perf_counter()
    W, b, runs[name] = train(letters, update, lr, EPOCHS, BATCH, decay_rate=decay, **hyper)
    full_loss = logistic_loss(X_train, y_train, W, b)[0]
    print(f"{name:<40} training loss {full_loss:.3f}, validation accuracy {runs[name]['val_acc'][-1]:.3f}, "
          f"{time.perf_counter() - start:.1f} s")

fig, (ax0, ax1) = plt.subplots(1, 2, figsize=(12, 4))
for name, history in runs.items():
    curve = smooth(history["loss"], T // 4)
    ax0.plot((np.arange(curve.size) + T // 4) / T, curve, label=name)
    ax1.plot(np.arange(1, EPOCHS + 1), history["val_acc"], "o-", label=name)
ax0.set_ylim(0.2, 0.6)
ax0.set_xlabel("epochs")
ax0.set_ylabel("training loss (batch average over a quarter epoch)")
ax0.set_title("Training loss")
fig.legend(*ax0.get_legend_handles_labels(), loc="upper center", bbox_to_anchor=(0.5, 0.0), ncol=2)
ax1.set_xlabel("epochs")
ax1.set_ylabel("validation accuracy")
ax1.set_title("Validation accuracy after each epoch")
plt.show()

# %% [markdown]
# Three things to see. First, with a constant rate SGD's loss levels off early and keeps
# jittering, and its validation accuracy zigzags from epoch to epoch; the decayed run, identical
# for its first epoch, settles lower with less jitter and its accuracy climbs steadily: smaller
# steps late in training settle the weights instead of bouncing them around the minimum. Second,
# momentum at a tenth of the rate follows decayed SGD's training loss almost exactly, as the
# factor of ten predicts; its validation accuracy runs about a point higher, which on 2,000
# images is within the noise (02's rule of 30: 1.5 points). On a problem this well-conditioned
# momentum's averaging has little else to add. Third, AdaGrad reaches the lowest training loss
# with no schedule at all, yet not the best validation accuracy: the lecture says as much, that
# it is a good way to get things working and often a little worse than tuned SGD with momentum.
#
# ## 9. Choosing the learning rate
#
# The learning rate is the first knob to turn, and the lecture's advice about it sounds backwards:
# a larger rate does not mean faster learning, and when training does not work, **lower the
# learning rate first**. Let's sweep it over more than three orders of magnitude, from 0.001 to 3,
# training each rule for two epochs at a constant rate and judging each run on the validation set
# (never on the test set: it stays untouched until the end).

# %%
rates = [0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0]
sweep = {}  # {rule name: [validation accuracy at each rate]}
momentum_losses = {}  # {rate: batch losses}, for a few rates of SGD with momentum
for name, update, hyper in [("SGD", sgd, {}), ("SGD + momentum 0.9", sgd_momentum, {"momentum": 0.9}),
                            ("AdaGrad", adagrad, {})]:
    sweep[name] = []
    for lr in rates:
        W, b, history = train(letters, update, lr, 2, BATCH, **hyper)
        sweep[name].append(history["val_acc"][-1])
        if update is sgd_momentum and lr in (0.001, 0.01, 0.1, 1.0):
            momentum_losses[lr] = history["loss"]
    print(f"{name:<20} validation accuracy:", "  ".join(f"{lr:g}: {a:.3f}" for lr, a in zip(rates, sweep[name])))

fig, (ax0, ax1) = plt.subplots(1, 2, figsize=(12, 4))
for lr, losses in momentum_losses.items():
    curve = smooth(losses, 20)
    ax0.plot((np.arange(curve.size) + 20) / T, curve, label=f"learning rate {lr:g}")
ax0.set_yscale("log")
ax0.set_xlabel("epochs")
ax0.set_ylabel("training loss (average of 20 batches, log scale)")
ax0.set_title("SGD + momentum at four learning rates")
ax0.legend()
for name, accs in sweep.items():
    ax1.semilogx(rates, accs, "o-", label=name)
ax1.set_xlabel("learning rate (log scale)")
ax1.set_ylabel("validation accuracy after 2 epochs")
ax1.set_title("Validation accuracy against the learning rate")
ax1.legend()
plt.show()

# %% [markdown]
# On the left, the loss at the largest rate shoots up to several times its starting value in the
# first few batches and stays there: every step overshoots. The smallest rate is safe but slow,
# still descending when the two epochs end; the best is in between.
#
# On the right, each rule's accuracy is a hill with a broad top. Momentum's hill is plain SGD's
# moved to rates about ten times smaller (the velocity multiplies the step). AdaGrad's falls off
# least on the side of large rates, because dividing by the root of the summed squares tames
# steps that are too long; that is much of why it is easy to get working. On the side of small
# rates it drops steeply like the others, since its steps only ever shrink. When a run goes wrong you rarely
# know which side of the hill you are on, but a loss that climbs says "too large" loudly, and
# lowering the rate is cheap to try.

# %% [markdown]
# ## 10. Against scikit-learn
#
# Finally, your classifier against a standard library: scikit-learn's `LogisticRegression`, on the
# same preprocessed split. It minimises the same cross-entropy plus an L2 penalty on $W$ whose
# strength is $1/C$, with L-BFGS, a quasi-Newton method that uses the full batch at every step.
# Our side is SGD with momentum 0.9 and a decayed rate, regularised only by stopping after a few
# epochs.
#
# Both sides had their settings chosen on the validation set beforehand, which takes too long to
# repeat here: several values of scikit-learn's $C$ between 0.001 and 1 (up to 100 for the
# digits), and a few learning rates, epoch counts and decay rates for ours; ties went to the
# smallest $C$ and to our shortest run. On the letters scikit-learn stops at
# its default limit of 100 iterations and warns that it has not fully converged; we silence that
# warning. The digits are scikit-learn's 8×8 images ($D = 64$), 1,797 of them split 70/15/15 by
# `load_digits` as in assignment 02. Both sides run on one core (`threadpool_limits`), so that the
# times compare the two methods rather than how each library spreads its work over threads, and a
# fit that takes milliseconds is repeated and timed at its fastest.

# %%
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from threadpoolctl import threadpool_limits

def fastest(fit, budget=0.3):
    """Call fit() until `budget` seconds have passed (at least once); return its result and its fastest time."""
    times = []
    while sum(times) < budget:
        start = time.perf_counter()
        result = fit()
        times.append(time.perf_counter() - start)
    return result, min(times)


def sklearn_fit(X, y, C):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return LogisticRegression(C=C).fit(X, y)

# %% [markdown]
# The comparison: on each data set, both sides train with their chosen settings and predict the
# test set they have not seen; the table gives the accuracies and the fastest training times.

# %%
digits = prepare(load_digits())
settings = {  # data, scikit-learn's C, our training settings
    "letters": (letters, 0.02, dict(learning_rate=0.03, epochs=8, batch_size=100, decay_rate=0.85)),
    "digits": (digits, 1.0, dict(learning_rate=0.1, epochs=5, batch_size=64, decay_rate=0.9)),
}
print(f"{'test set':<9}{'images':>7}{'ours: accuracy':>16}{'time':>10}{'scikit-learn: accuracy':>24}{'time':>10}")
for name, (data, C, ours) in settings.items():
    X_test, y_test = data["test"]
    with threadpool_limits(limits=1):  # one core each
        (W, b, _), ours_time = fastest(lambda: train(data, sgd_momentum, momentum=0.9, **ours))
        clf, sk_time = fastest(lambda: sklearn_fit(*data["train"], C))
    sk_acc = float(np.mean(clf.predict(X_test) == y_test))
    print(f"{name:<9}{len(y_test):>7}{accuracy(W, b, X_test, y_test):>16.1%}{ours_time:>9.3f}s"
          f"{sk_acc:>24.1%}{sk_time:>9.3f}s")

# %% [markdown]
# Your numpy SGD lands within a point of scikit-learn's test accuracy on both data sets. On the
# letters it needs a fraction of scikit-learn's time; on the small digits both finish within
# milliseconds, ours typically in about half the time. (Times move with the machine and with
# whatever else runs on it; the ratio is what to look at.) Differences in accuracy this small are
# noise: by assignment 02's "rule of 30", a change needs about 30 test images to be trusted, 1.5
# points of the letters' 2,000 and 11 points of the digits' 269.

# %% [markdown]
# **Question 1.** After one epoch on the letters, mini-batch SGD is far below full-batch gradient
# descent, although both did the same amount of arithmetic. Explain why. Then say what would go
# wrong if you kept SGD's learning rate constant for many more epochs, and how the decay (or
# AdaGrad) deals with it. (Four to six sentences.)

# %% [markdown] nbgrader={"grade": true, "grade_id": "q_sgd_vs_gd", "locked": false, "points": 2, "schema_version": 3, "solution": true}
# ### BEGIN SOLUTION
# In one epoch full-batch gradient descent takes one step, however good its direction, while SGD
# with batches of 100 takes 200 steps. Each of SGD's gradients is noisy, but 100 samples already
# estimate the average gradient well enough that almost every step goes roughly downhill, and
# 200 roughly-right steps get much further than one exact step (whose length is limited by the
# same learning-rate stability bound). With a constant learning rate, however, the noise of the
# batch gradients never goes away: near the minimum the true gradient becomes small while the
# noise does not, so the weights keep jittering around the minimum at a distance set by the
# learning rate, and the loss stops improving. Shrinking the learning rate over time (decay per
# epoch) shrinks that jitter so the weights settle; AdaGrad does the same automatically, since
# each entry's step is divided by the root of its growing sum of squared gradients.
# ### END SOLUTION

# %% [markdown]
# **Question 2.** A classmate's loss is `nan` after a few hundred iterations. Name the first thing
# you would change and why, and one way to tell from the loss curve that the learning rate is too
# *small* instead. (Two to four sentences.)

# %% [markdown] nbgrader={"grade": true, "grade_id": "q_learning_rate", "locked": false, "points": 1, "schema_version": 3, "solution": true}
# ### BEGIN SOLUTION
# Lower the learning rate (by a factor of 3 to 10) first: a loss that grows to inf or nan is the
# typical sign of steps so large that each one overshoots the minimum by more than the last, and a
# smaller step is the cheapest fix that addresses it directly (after that, check the inputs are
# standardised and the weights start small). A learning rate that is too small instead gives a
# smooth loss curve that is still falling steadily, almost in a straight line, when training
# ends, far above where larger rates reached.
# ### END SOLUTION

# %% [markdown]
# ## 11. Wrap-up
#
# You wrote a complete trainer from scratch: the classifier and its gradient ($dW = X^\top
# d\text{scores}$, $db = \sum_n d\text{scores}_n$, checked against a numerical gradient),
# full-batch gradient descent, shuffled mini-batches, and four update rules behind one signature,
# `update(w, dw, config) -> (next_w, config)`. You saw why SGD wins on cost, why the learning rate
# is the first knob to turn, and that well under a second of numpy SGD matches a standard
# library's accuracy.
#
# From now on these live in the course package: `utils.linear` (`logistic_forward`,
# `logistic_loss`, `gd_step`, and a `LogisticClassifier` model with a `params` dict) and
# `utils.optim` (`sgd`, `sgd_momentum`, `adagrad`, `exponential_decay`, `minibatches`). Assignment
# 06 adds Nesterov momentum, RMSprop, Adam and more schedules to `utils.optim`, behind the same
# signature.
