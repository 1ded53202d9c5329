# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Assignment 08: batch normalisation and layer normalisation
#
# In assignment 01 we saw why inputs should have **zero mean and a small, equal variance**: the
# numbers then live where floats are dense, and no direction of the loss is much steeper than
# another. Assignment 02 standardised the *inputs* of a network with statistics of the training
# set. But a deep network is a chain of layers, and the input of layer 5 is the output of layer 4:
# its scale depends on every weight before it, and it changes every time those weights are
# updated. **Batch normalisation** (Ioffe and Szegedy, 2015) standardises the input of *every*
# layer, with statistics of the current mini-batch, inside the network, and backpropagates through
# that standardisation. **Layer normalisation** does the same per sample.
#
# You will write five functions, all in numpy:
#
# 1. `standardize`: the standardisation layer, along the batch or along the features;
# 2. `batchnorm_forward`: batch norm with its two modes, `train` and `test`, and running statistics;
# 3. `batchnorm_backward`: its gradients, through the batch's mean and variance;
# 4. `layernorm_forward` and `layernorm_backward`.
#
# Then you put them in a 5-layer network and train it on the letters with and without batch norm
# at several learning rates.
#
# **How to check your work.** Run each function's cell, then the test cells under it. A passing
# test prints a line ending in `passed`; a failing one says what it expected, what came back and
# where to look. The grader runs hidden tests on other inputs too (a batch of two, a constant
# feature, values around a million, float32), so write code that works for every input the
# docstring allows.
#
# Shapes: $N$ samples in a batch, $D$ features; layer inputs are $(N, D)$.

# %% nbgrader={"grade": false, "grade_id": "setup", "locked": true, "schema_version": 3, "solution": false}
import time

import matplotlib.pyplot as plt
import numpy as np

from utils import layers
from utils.data import flatten, load_letters
from utils.gradcheck import check_gradient, numerical_gradient_array
from utils.models import FullyConnectedNet
from utils.optim import sgd_momentum
from utils.train import train

# %% [markdown]
# ## 1. The standardisation layer
#
# For a batch $x \in \mathbb{R}^{N \times D}$, standardising feature $j$ over the batch means
#
# $$\mu_j = \frac{1}{N} \sum_{n=1}^{N} x_{nj}, \qquad
#   \sigma_j^2 = \frac{1}{N} \sum_{n=1}^{N} (x_{nj} - \mu_j)^2, \qquad
#   \hat{x}_{nj} = \frac{x_{nj} - \mu_j}{\sqrt{\sigma_j^2 + \varepsilon}} .$$
#
# Every column of $\hat{x}$ then has mean 0 and variance (almost exactly) 1. Three details matter:
#
# - **$\varepsilon$ goes inside the square root.** A feature that is constant over the batch (a
#   ReLU unit that is 0 for every sample, say) has $\sigma_j = 0$; with $\varepsilon = 10^{-5}$ it
#   becomes 0 instead of $0/0 = $ `nan`.
# - **The variance divides by $N$**, not $N - 1$: we want the spread of *this* batch, so that
#   $\hat{x}$ has variance 1 exactly.
# - **Two passes.** The shortcut $\sigma^2 = \overline{x^2} - \bar{x}^2$ subtracts two huge, almost
#   equal numbers when the values sit far from 0 (assignment 01's $10^9 + 10^{-6}$ again): at
#   $x \approx 10^6$ both terms are about $10^{12}$, and float64 keeps only about 16 digits. Compute
#   the mean first, then the mean of the squared deviations.
#
# The same computation along `axis=1` standardises each *sample* over its own features; that is
# the heart of layer norm (section 5). Keep the input's float dtype.

# %% nbgrader={"grade": false, "grade_id": "standardize", "locked": false, "schema_version": 3, "solution": true}
def standardize(x, axis=0, eps=1e-5):
    """Shift and scale x to zero mean and unit variance along `axis`.

    Inputs:
    - x: float array of shape (N, D). float32 input gives float32 output.
    - axis: 0 standardises each feature over the batch; 1 (or -1) each sample over its features.
    - eps: added to the variance (which divides by the count, not count - 1) before the square root.

    Returns x_hat = (x - mean) / sqrt(var + eps), shaped like x.
    """
    ### BEGIN SOLUTION
    mu = x.mean(axis=axis, keepdims=True)
    xc = x - mu  # centre first: the variance of centred values stays exact at large offsets
    var = (xc * xc).mean(axis=axis, keepdims=True)
    return xc / np.sqrt(var + eps)
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_standardize", "locked": true, "points": 2, "schema_version": 3, "solution": false}
# standardize gives hand-computed values along both axes, 0 for a constant feature, exact values
# at an offset of 1e6, and keeps float32
x = np.array([[1.0, 2.0],
              [3.0, 6.0]])  # columns: mean 2, var 1 and mean 4, var 4; rows: mean 1.5, var 0.25 and 4.5, 2.25
out = standardize(x, eps=0.0)
assert np.shape(out) == (2, 2), f"standardize should keep x's shape (2, 2), got {np.shape(out)}"
assert np.allclose(out, [[-1.0, -1.0], [1.0, 1.0]]), (
    f"standardize(x, axis=0, eps=0) of {x.tolist()} should be [[-1, -1], [1, 1]], got {out.tolist()}: "
    "per column, (x - mean) / sqrt(var) with the variance dividing by N")
rows = standardize(x, axis=1, eps=0.0)
assert np.allclose(rows, [[-1.0, 1.0], [-1.0, 1.0]]), (
    f"standardize(x, axis=1, eps=0) should be [[-1, 1], [-1, 1]], got {rows.tolist()}: "
    "take the mean and variance along `axis`, with keepdims=True")

out = standardize(np.array([[0.0], [2.0]]), eps=3.0)  # mean 1, var 1: (x - 1) / sqrt(1 + 3)
assert np.allclose(out, [[-0.5], [0.5]]), (
    f"standardize([[0], [2]], eps=3) should be [[-0.5], [0.5]] (mean 1, variance 1, divided by sqrt(1 + 3) = 2), "
    f"got {np.asarray(out).tolist()}: eps goes inside the square root, (x - mean) / sqrt(var + eps)")

const = np.array([[5.0, 1.0], [5.0, 2.0], [5.0, 4.0]])  # feature 0 is constant
out = standardize(const)
assert np.all(np.isfinite(out)) and np.allclose(out[:, 0], 0.0), (
    f"a constant feature should standardise to 0, got {out[:, 0]}: add eps to the variance inside the sqrt")

noise = np.array([[0.3, -1.0], [-0.5, 0.5], [0.2, 0.5]])
expected = standardize(noise)
out = standardize(1e6 + noise)
assert np.allclose(out, expected, rtol=1e-6, atol=1e-7), (
    f"standardize(1e6 + x) should equal standardize(x) = {expected.tolist()}, got {out.tolist()}: "
    "compute the variance as mean((x - mean)**2), not mean(x**2) - mean(x)**2")
out32 = standardize(noise.astype(np.float32))
assert out32.dtype == np.float32, f"float32 input should give float32 output, got {out32.dtype}"
print("test_standardize passed")

# %% [markdown]
# ## 2. Batch normalisation, forward
#
# A standardised layer input is tidy, but it also takes something away: if the best input for the
# next layer had mean 3 and spread 0.1, the standardisation would undo it every step. So batch norm
# gives each feature back a learnable scale $\gamma_j$ and shift $\beta_j$:
#
# $$y_{nj} = \gamma_j \, \hat{x}_{nj} + \beta_j .$$
#
# With $\gamma_j = \sqrt{\sigma_j^2 + \varepsilon}$ and $\beta_j = \mu_j$ the layer is the identity,
# so nothing is lost; what changes is *how* the network is parametrised: the scale of a layer's
# output is now one number per feature, $\gamma_j$, instead of an accident of all the weights before
# it. A batch-norm layer usually sits between an affine layer and its activation.
#
# **Train and test.** In training, each batch is normalised with its own $\mu$ and $\sigma^2$. At
# test time that is wrong: a prediction for one image should not depend on which other images
# happen to share its batch, and a batch of one has no variance at all. So during training we keep
# **running averages** of the statistics and use them, frozen, at test time:
#
# $$\mu_{\text{run}} \leftarrow (1 - m)\, \mu_{\text{run}} + m\, \mu_{\text{batch}}, \qquad
#   \sigma^2_{\text{run}} \leftarrow (1 - m)\, \sigma^2_{\text{run}} + m\, \frac{N}{N - 1}\, \sigma^2_{\text{batch}} .$$
#
# Here the momentum $m$ (default 0.1) is the weight of the **new** batch, PyTorch's convention
# (Keras and CS231n call $1 - m$ the momentum). The running variance estimates the variance of the
# whole population, so it uses the *unbiased* batch variance (divide by $N - 1$); the batch itself
# is still normalised with the biased one (divide by $N$), as in section 1. Before the first
# training step the running statistics are zeros (mean) and ones (variance).
#
# **The interface.** Batch norm carries state between calls, so besides `(out, cache)` it takes and
# returns a dict `bn_param`:
#
# | key | meaning |
# |---|---|
# | `mode` | `"train"` or `"test"` (required) |
# | `eps` | added to the variance inside the square root, default `1e-5` |
# | `momentum` | weight of the new batch's statistics, default `0.1` |
# | `running_mean`, `running_var` | shape $(D,)$; zeros and ones when missing |
#
# `out, bn_param, cache = batchnorm_forward(x, gamma, beta, bn_param)`: update `running_mean` and
# `running_var` in the dict (train mode) and **return it**, as the optimisers of assignment 03
# return their `config`. Whoever calls you keeps what you return, so return the updated dict even
# if you modified it in place.

# %% nbgrader={"grade": false, "grade_id": "batchnorm_forward", "locked": false, "schema_version": 3, "solution": true}
def batchnorm_forward(x, gamma, beta, bn_param):
    """Batch-normalise x feature by feature, then scale by gamma and shift by beta.

    Inputs:
    - x: (N, D) input, N >= 2 in train mode.
    - gamma, beta: (D,) scale and shift.
    - bn_param: dict with "mode" ("train" or "test") and optionally "eps" (default 1e-5),
      "momentum" (default 0.1), "running_mean" (D,) (default zeros), "running_var" (D,)
      (default ones).

    Returns (out, bn_param, cache):
    - out: (N, D), gamma * x_hat + beta, where x_hat uses the batch's mean and biased variance in
      train mode and running_mean, running_var in test mode.
    - bn_param: the dict, with running_mean and running_var updated in train mode:
      running = (1 - momentum) * running + momentum * batch statistic (the unbiased variance).
    - cache: whatever batchnorm_backward needs (train mode); None in test mode.
    """
    ### BEGIN SOLUTION
    mode = bn_param["mode"]
    eps = bn_param.get("eps", 1e-5)
    momentum = bn_param.get("momentum", 0.1)
    n, d = x.shape
    running_mean = bn_param.get("running_mean", np.zeros(d, dtype=x.dtype))  # (D,)
    running_var = bn_param.get("running_var", np.ones(d, dtype=x.dtype))  # (D,)
    if mode == "train":
        mu = x.mean(axis=0)  # (D,) over the batch
        xc = x - mu  # (N, D)
        var = (xc * xc).mean(axis=0)  # (D,) biased: the spread of this batch
        inv_std = 1.0 / np.sqrt(var + eps)  # (D,)
        x_hat = xc * inv_std  # (N, D)
        out = gamma * x_hat + beta
        bn_param["running_mean"] = (1 - momentum) * running_mean + momentum * mu
        bn_param["running_var"] = (1 - momentum) * running_var + momentum * var * (n / (n - 1))
        return out, bn_param, (x_hat, gamma, inv_std)
    if mode == "test":
        out = gamma * (x - running_mean) / np.sqrt(running_var + eps) + beta
        bn_param["running_mean"], bn_param["running_var"] = running_mean, running_var
        return out, bn_param, None
    raise ValueError(f"bn_param['mode'] must be 'train' or 'test', got {mode!r}")
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_batchnorm_train", "locked": true, "points": 2, "schema_version": 3, "solution": false}
# in train mode batchnorm_forward normalises with the batch's statistics, then scales and shifts
x = np.array([[1.0, 2.0],
              [3.0, 6.0]])  # per column: x_hat = [-1, 1] (eps = 0)
gamma, beta = np.array([2.0, 0.5]), np.array([1.0, -1.0])
result = batchnorm_forward(x, gamma, beta, {"mode": "train", "eps": 0.0})
assert isinstance(result, tuple) and len(result) == 3, (
    "batchnorm_forward should return a tuple (out, bn_param, cache), got "
    f"{type(result).__name__} of length {len(result) if isinstance(result, tuple) else '-'}")
out, bn_param, cache = result
expected = np.array([[-1.0, -1.5], [3.0, -0.5]])  # gamma * x_hat + beta
assert np.shape(out) == (2, 2), f"out should have x's shape (2, 2), got {np.shape(out)}"
assert np.allclose(out, expected), (
    f"batchnorm_forward in train mode should give {expected.tolist()}, got {np.asarray(out).tolist()}: "
    "normalise each column (axis=0) with its own mean and variance, then gamma * x_hat + beta")
assert isinstance(bn_param, dict), f"the second item should be the bn_param dict, got {type(bn_param).__name__}"
out, _, _ = batchnorm_forward(np.array([[0.0], [2.0]]), np.ones(1), np.zeros(1), {"mode": "train", "eps": 3.0})
assert np.allclose(out, [[-0.5], [0.5]]), (
    f"with eps = 3, the batch [[0], [2]] (mean 1, variance 1) should give (x - 1) / sqrt(1 + 3) = [[-0.5], [0.5]], "
    f"got {np.asarray(out).tolist()}: read eps from bn_param and add it inside the square root")

rng = np.random.default_rng(0)
x = 3.0 + 5.0 * rng.standard_normal((64, 4))
out, _, _ = batchnorm_forward(x, np.ones(4), np.zeros(4), {"mode": "train"})
assert np.allclose(out.mean(axis=0), 0.0, atol=1e-10) and np.allclose(out.var(axis=0), 1.0, atol=1e-5), (
    f"with gamma = 1, beta = 0 every column should have mean 0 and variance 1, got means "
    f"{out.mean(axis=0).round(4)} and variances {out.var(axis=0).round(4)}: reduce over axis 0, the batch")
stale = {"mode": "train", "running_mean": np.full(4, 100.0), "running_var": np.full(4, 9.0)}
out_stale, _, _ = batchnorm_forward(x, np.ones(4), np.zeros(4), stale)
assert np.allclose(out_stale, out), (
    "in train mode the output must not depend on the running statistics already in bn_param: "
    "use the batch's own mean and variance")
print("test_batchnorm_train passed")

# %% nbgrader={"grade": true, "grade_id": "test_batchnorm_running_stats", "locked": true, "points": 2, "schema_version": 3, "solution": false}
# train mode updates the running statistics with momentum = weight of the new batch, unbiased variance
x = np.array([[1.0, 2.0],
              [3.0, 6.0]])  # batch means (2, 4); biased variances (1, 4), unbiased (N = 2) twice that: (2, 8)
_, bn_param, _ = batchnorm_forward(x, np.ones(2), np.zeros(2), {"mode": "train"})
for key in ("running_mean", "running_var"):
    assert key in bn_param, f"the returned bn_param has no '{key}'; its keys are {sorted(bn_param)}"
mean_expected = np.array([0.2, 0.4])  # 0.9 * 0 + 0.1 * (2, 4)
var_expected = np.array([1.1, 1.7])  # 0.9 * 1 + 0.1 * (2, 8)
assert np.allclose(bn_param["running_mean"], mean_expected), (
    f"after one step with the default momentum 0.1 running_mean should be {mean_expected}, got "
    f"{bn_param['running_mean']}: start from zeros, running = 0.9 * running + 0.1 * batch mean")
assert np.allclose(bn_param["running_var"], var_expected), (
    f"after one step running_var should be {var_expected}, got {bn_param['running_var']}: start from ones, "
    "and average the unbiased variance sum((x - mean)^2) / (N - 1), here (2, 8)")

bn_param = {"mode": "train", "momentum": 0.5}
for batch in (x, x + 2.0):  # the second batch has means (4, 6), the same variances
    _, bn_param, _ = batchnorm_forward(batch, np.ones(2), np.zeros(2), bn_param)
expected = np.array([0.25 * 2 + 0.5 * 4, 0.25 * 4 + 0.5 * 6])  # (2.5, 4.0)
assert np.allclose(bn_param["running_mean"], expected), (
    f"after two steps with momentum 0.5 running_mean should be {expected}, got {bn_param['running_mean']}: "
    "read momentum from bn_param, and return the updated dict so the next call starts from it")
print("test_batchnorm_running_stats passed")

# %% nbgrader={"grade": true, "grade_id": "test_batchnorm_test_mode", "locked": true, "points": 2, "schema_version": 3, "solution": false}
# test mode normalises with the running statistics (zeros and ones before any training) and updates nothing
bn_param = {"mode": "test", "running_mean": np.array([1.0, -2.0]), "running_var": np.array([4.0, 0.25]),
            "eps": 0.0}
x = np.array([[3.0, -2.0]])  # a batch of one sample: fine in test mode
out, returned, _ = batchnorm_forward(x, np.array([1.0, 3.0]), np.array([0.0, 1.0]), bn_param)
assert np.allclose(out, [[1.0, 1.0]]), (
    f"test mode should give [[1, 1]] ((3 - 1) / 2 = 1 and 3 * 0 + 1 = 1), got {np.asarray(out).tolist()}: "
    "use running_mean and running_var, not the batch's own statistics")
assert np.array_equal(returned["running_mean"], [1.0, -2.0]) and np.array_equal(returned["running_var"], [4.0, 0.25]), (
    "test mode must not change the running statistics")

x = np.array([[1.0, -2.0], [0.5, 4.0]])
out, _, _ = batchnorm_forward(x, np.ones(2), np.zeros(2), {"mode": "test"})
assert np.allclose(out, x / np.sqrt(1 + 1e-5)), (
    f"test mode before any training step should use mean 0 and variance 1, giving x / sqrt(1 + eps) = "
    f"{(x / np.sqrt(1 + 1e-5)).round(6).tolist()}, got {np.asarray(out).round(6).tolist()}")
print("test_batchnorm_test_mode passed")

# %% [markdown]
# ### What the running statistics see
#
# Feed batches of 32 samples from a feature with mean 5 and variance 4 to your layer in train mode
# and follow the running statistics, for two momenta.

# %%
rng = np.random.default_rng(1)
steps = 60
batches = [5.0 + 2.0 * rng.standard_normal((32, 1)) for _ in range(steps)]  # each (32, 1)
tracks = {}
for momentum in (0.1, 0.5):
    bn_param = {"mode": "train", "momentum": momentum}
    tracks[momentum] = [(0.0, 1.0)]  # step 0: the starting values, before any batch
    for batch in batches:
        _, bn_param, _ = batchnorm_forward(batch, np.ones(1), np.zeros(1), bn_param)
        tracks[momentum].append((bn_param["running_mean"][0], bn_param["running_var"][0]))

fig, axes = plt.subplots(1, 2, figsize=(10, 3.5))
for momentum, track in tracks.items():
    means, variances = np.array(track).T
    axes[0].plot(range(steps + 1), means, label=f"momentum {momentum}")
    axes[1].plot(range(steps + 1), variances, label=f"momentum {momentum}")
for ax, truth, name in zip(axes, (5.0, 4.0), ("running mean", "running variance")):
    ax.axhline(truth, color="k", linestyle=":", label=f"true value {truth:g}")
    ax.set_xlabel("training step (batches of 32 seen)")
    ax.set_ylabel(name)
    ax.set_title(f"The {name} over training steps")
    ax.legend()
plt.tight_layout()
plt.show()

# %% [markdown]
# Both estimates start at 0 and 1 and climb towards the true values; with momentum 0.1 they take
# about 20-30 steps ($0.9^{25} \approx 0.07$) but then stay close, while momentum 0.5 arrives in a
# few steps and then jitters with every batch.
#
# In train mode a sample's output depends on its batch-mates; in test mode it does not:

# %%
gamma, beta = np.ones(1), np.zeros(1)
sample = np.array([[6.0]])
for mates in ([[4.0], [5.0]], [[7.0], [9.0]]):
    batch = np.vstack([sample, mates])
    out, _, _ = batchnorm_forward(batch, gamma, beta, {"mode": "train"})
    print(f"train mode, batch-mates {np.ravel(mates)}: output for 6.0 is {out[0, 0]:+.3f}")
out, _, _ = batchnorm_forward(sample, gamma, beta, {"mode": "test", "running_mean": np.array([5.0]),
                                                    "running_var": np.array([4.0])})
print(f"test mode, any batch:               output for 6.0 is {out[0, 0]:+.3f}")

# %% [markdown]
# ## 3. Batch normalisation, backward
#
# The computation graph of one feature (columns are independent, so we drop the index $j$), with
# the intermediate values a backward pass walks through:
#
# ```
# x ──► μ = mean(x) ──► x − μ ──► σ² = mean((x − μ)²) ──► s = 1/√(σ² + ε)
#                         │                                     │
#                         └──────────► x̂ = (x − μ)·s ◄──────────┘ ──► y = γ x̂ + β
# ```
#
# $x$ reaches $\hat{x}$ along three paths: directly, through $\mu$, and through $\sigma^2$. This is
# what makes batch norm different from every layer so far: each output depends on **every** input
# of the batch. Write $g_n = \partial L / \partial \hat{x}_n = \gamma\, \text{dout}_n$. The
# parameters are easy: $\partial L/\partial \beta = \sum_n \text{dout}_n$ and
# $\partial L/\partial \gamma = \sum_n \text{dout}_n\, \hat{x}_n$, summed over the batch because
# every sample used the same $\gamma$ and $\beta$.
#
# For $x$, differentiate $\hat{x}_k = (x_k - \mu)\, s$ with respect to $x_n$. We need
# $\partial \mu / \partial x_n = 1/N$ and
# $\partial \sigma^2 / \partial x_n = \frac{2}{N} (x_n - \mu)$ (the term through $\mu$ vanishes,
# since the deviations sum to 0). With $\partial s / \partial \sigma^2 = -\tfrac{1}{2} s^3$:
#
# $$\frac{\partial \hat{x}_k}{\partial x_n}
#   = s\Big([k = n] - \frac{1}{N}\Big) - (x_k - \mu)\, \frac{s^3}{2} \cdot \frac{2}{N}(x_n - \mu)
#   = \frac{s}{N}\Big(N [k = n] - 1 - \hat{x}_k \hat{x}_n\Big).$$
#
# Summing over $k$ with the weights $g_k$ gives the compact formula:
#
# $$\frac{\partial L}{\partial x_n} = \sum_k g_k \frac{\partial \hat{x}_k}{\partial x_n}
#   = s \Big( g_n - \frac{1}{N} \sum_k g_k - \hat{x}_n \, \frac{1}{N} \sum_k g_k \hat{x}_k \Big).$$
#
# Read it as: take the upstream gradient, remove its mean (a shift of all inputs changes nothing)
# and its component along $\hat{x}$ (neither does a rescaling), and scale by $s$. In numpy that is
# one line over the whole $(N, D)$ batch, with the means over `axis=0`. Store in `cache` whatever
# your forward pass computed that this needs.

# %% nbgrader={"grade": false, "grade_id": "batchnorm_backward", "locked": false, "schema_version": 3, "solution": true}
def batchnorm_backward(dout, cache):
    """Backward pass of batchnorm_forward in train mode.

    Inputs:
    - dout: (N, D) upstream gradient.
    - cache: from batchnorm_forward.

    Returns (dx, dgamma, dbeta): dx (N, D); dgamma, dbeta (D,).
    """
    ### BEGIN SOLUTION
    x_hat, gamma, inv_std = cache
    dbeta = dout.sum(axis=0)  # (D,)
    dgamma = (dout * x_hat).sum(axis=0)  # (D,)
    g = dout * gamma  # (N, D) gradient w.r.t. x_hat
    dx = inv_std * (g - g.mean(axis=0) - x_hat * (g * x_hat).mean(axis=0))  # (N, D)
    return dx, dgamma, dbeta
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_batchnorm_backward", "locked": true, "points": 3, "schema_version": 3, "solution": false}
# batchnorm_backward matches numerical gradients of batchnorm_forward (train mode) for dx, dgamma, dbeta
rng = np.random.default_rng(2)
x = 4.0 + 3.0 * rng.standard_normal((5, 3))  # (N, D)
gamma, beta = rng.standard_normal(3), rng.standard_normal(3)
dout = rng.standard_normal((5, 3))


def bn_out(x_, gamma_, beta_):
    return batchnorm_forward(x_, gamma_, beta_, {"mode": "train"})[0]


_, _, cache = batchnorm_forward(x, gamma, beta, {"mode": "train"})
dx, dgamma, dbeta = batchnorm_backward(dout, cache)
assert np.shape(dx) == x.shape and np.shape(dgamma) == (3,) and np.shape(dbeta) == (3,), (
    f"expected shapes dx {x.shape}, dgamma (3,), dbeta (3,), got {np.shape(dx)}, {np.shape(dgamma)}, "
    f"{np.shape(dbeta)}: sum the parameter gradients over the batch (axis 0)")
check_gradient(dbeta, numerical_gradient_array(lambda b: bn_out(x, gamma, b), beta.copy(), dout), "dbeta")
check_gradient(dgamma, numerical_gradient_array(lambda g: bn_out(x, g, beta), gamma.copy(), dout),
               "dgamma (sum over the batch of dout * x_hat)")
try:
    check_gradient(dx, numerical_gradient_array(lambda v: bn_out(v, gamma, beta), x.copy(), dout), "dx")
except AssertionError as err:
    raise AssertionError(f"{err}. The mean and the variance depend on every x: "
                         "dx = inv_std * (g - mean(g) - x_hat * mean(g * x_hat)) with g = dout * gamma, "
                         "means over axis 0") from None
print("test_batchnorm_backward passed")

# %% [markdown]
# ## 4. Layer normalisation
#
# Batch norm needs a batch: its statistics are noisy for small batches, meaningless for a batch of
# one, and it behaves differently in training and at test time. **Layer norm** (Ba, Kiros and
# Hinton, 2016) standardises each **sample** over its own $D$ features instead:
#
# $$\mu_n = \frac{1}{D} \sum_{j} x_{nj}, \qquad \sigma_n^2 = \frac{1}{D} \sum_j (x_{nj} - \mu_n)^2,
#   \qquad y_{nj} = \gamma_j \frac{x_{nj} - \mu_n}{\sqrt{\sigma_n^2 + \varepsilon}} + \beta_j .$$
#
# It is batch norm on the transposed problem, except that $\gamma$ and $\beta$ remain per
# *feature*. No batch statistics means no running averages and no modes: training and test are the
# same computation, and a sample's output never depends on the others. That is why it is preferred
# where batches are small or ragged and where the same layer is applied many times: recurrent
# networks (one step at a time, assignments 11-12) and transformers. Batch norm remains the usual
# choice in convolutional networks trained with decent batch sizes, where its batch statistics
# help and its noise even regularises a little.
#
# The backward pass is the formula of section 3 with the two means taken over each sample's
# features (`axis=1, keepdims=True`); because $\gamma$ now varies along that axis, multiply
# `dout * gamma` first. $\partial L / \partial \gamma$ and $\partial L / \partial \beta$ still sum
# over the batch.

# %% nbgrader={"grade": false, "grade_id": "layernorm_forward", "locked": false, "schema_version": 3, "solution": true}
def layernorm_forward(x, gamma, beta, eps=1e-5):
    """Layer-normalise each sample over its D features, then scale by gamma and shift by beta.

    Inputs:
    - x: (N, D), any N >= 1.
    - gamma, beta: (D,) per-feature scale and shift.
    - eps: added to each sample's (biased) variance before the square root.

    Returns (out, cache): out (N, D); cache, whatever layernorm_backward needs.
    """
    ### BEGIN SOLUTION
    mu = x.mean(axis=1, keepdims=True)  # (N, 1) one mean per sample
    xc = x - mu
    var = (xc * xc).mean(axis=1, keepdims=True)  # (N, 1)
    inv_std = 1.0 / np.sqrt(var + eps)  # (N, 1)
    x_hat = xc * inv_std  # (N, D)
    return gamma * x_hat + beta, (x_hat, gamma, inv_std)
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_layernorm_forward", "locked": true, "points": 2, "schema_version": 3, "solution": false}
# layernorm_forward normalises each sample over its own features, independently of the batch
x = np.array([[1.0, 2.0],
              [3.0, 6.0]])  # every row standardises to [-1, 1] (eps = 0)
result = layernorm_forward(x, np.array([2.0, 1.0]), np.array([0.0, 1.0]), eps=0.0)
assert isinstance(result, tuple) and len(result) == 2, "layernorm_forward should return a pair (out, cache)"
out, _ = result
assert np.shape(out) == (2, 2), f"out should have x's shape (2, 2), got {np.shape(out)}"
assert np.allclose(out, [[-2.0, 2.0], [-2.0, 2.0]]), (
    f"layernorm_forward should give [[-2, 2], [-2, 2]] (x_hat = [-1, 1] per row, times gamma = [2, 1], "
    f"plus beta = [0, 1]), got {np.asarray(out).tolist()}: mean and variance over axis=1, keepdims=True")

rng = np.random.default_rng(3)
x = rng.standard_normal((6, 5))
gamma, beta = rng.standard_normal(5), rng.standard_normal(5)
full, _ = layernorm_forward(x, gamma, beta)
alone, _ = layernorm_forward(x[2:3], gamma, beta)
assert np.allclose(full[2], alone[0]), (
    "a sample's output should not depend on the other samples in the batch: "
    "take the statistics along axis 1 (features), not axis 0")
out, _ = layernorm_forward(np.array([[0.0, 2.0]]), np.ones(2), np.zeros(2), eps=3.0)
assert np.allclose(out, [[-0.5, 0.5]]), (
    f"layernorm_forward([[0, 2]], eps=3) should be [[-0.5, 0.5]] (mean 1, variance 1, divided by sqrt(1 + 3)), "
    f"got {np.asarray(out).tolist()}: eps goes inside the square root")
far, _ = layernorm_forward(1e6 + x, gamma, beta)
assert np.allclose(far, full, rtol=1e-6, atol=1e-6), (
    "layernorm_forward(1e6 + x) should equal layernorm_forward(x): compute each sample's variance as "
    "mean((x - mean)**2), not mean(x**2) - mean(x)**2")
print("test_layernorm_forward passed")

# %% nbgrader={"grade": false, "grade_id": "layernorm_backward", "locked": false, "schema_version": 3, "solution": true}
def layernorm_backward(dout, cache):
    """Backward pass of layernorm_forward.

    Inputs:
    - dout: (N, D) upstream gradient.
    - cache: from layernorm_forward.

    Returns (dx, dgamma, dbeta): dx (N, D); dgamma, dbeta (D,).
    """
    ### BEGIN SOLUTION
    x_hat, gamma, inv_std = cache
    dbeta = dout.sum(axis=0)  # (D,) shared by all samples
    dgamma = (dout * x_hat).sum(axis=0)  # (D,)
    g = dout * gamma  # (N, D) gradient w.r.t. x_hat
    dx = inv_std * (g - g.mean(axis=1, keepdims=True) - x_hat * (g * x_hat).mean(axis=1, keepdims=True))
    return dx, dgamma, dbeta
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_layernorm_backward", "locked": true, "points": 2, "schema_version": 3, "solution": false}
# layernorm_backward matches numerical gradients of layernorm_forward for dx, dgamma, dbeta
rng = np.random.default_rng(4)
x = -2.0 + 2.0 * rng.standard_normal((4, 5))  # (N, D)
gamma, beta = rng.standard_normal(5), rng.standard_normal(5)
dout = rng.standard_normal((4, 5))
_, cache = layernorm_forward(x, gamma, beta)
dx, dgamma, dbeta = layernorm_backward(dout, cache)
assert np.shape(dx) == x.shape and np.shape(dgamma) == (5,) and np.shape(dbeta) == (5,), (
    f"expected shapes dx {x.shape}, dgamma (5,), dbeta (5,), got {np.shape(dx)}, {np.shape(dgamma)}, "
    f"{np.shape(dbeta)}: gamma and beta are shared by all samples, so sum their gradients over axis 0")
check_gradient(dbeta, numerical_gradient_array(lambda b: layernorm_forward(x, gamma, b)[0], beta.copy(), dout),
               "dbeta")
check_gradient(dgamma, numerical_gradient_array(lambda g: layernorm_forward(x, g, beta)[0], gamma.copy(), dout),
               "dgamma")
try:
    check_gradient(dx, numerical_gradient_array(lambda v: layernorm_forward(v, gamma, beta)[0], x.copy(), dout),
                   "dx")
except AssertionError as err:
    raise AssertionError(f"{err}. Use batch norm's formula with the means over axis=1 (keepdims=True) "
                         "and g = dout * gamma computed first") from None
print("test_layernorm_backward passed")

# %% [markdown]
# ## 5. Experiment: a deeper network with and without batch norm
#
# `FullyConnectedNet` from assignment 05 lets a subclass replace its hidden layer. The class below
# inserts your normalisation between each hidden affine layer and its ReLU:
# `{affine - norm - relu} x 4 - affine - softmax`. Batch norm's `bn_param` of each layer lives in
# the model, and `loss(X, y)` (training) runs it in train mode while `loss(X)` (predictions) runs
# it in test mode.

# %%
class NormNet(FullyConnectedNet):
    """FullyConnectedNet with "batchnorm", "layernorm" or no normalisation (None) before each ReLU."""

    def __init__(self, hidden_dims, input_dim, num_classes, normalization=None, **kwargs):
        super().__init__(hidden_dims, input_dim, num_classes, **kwargs)
        self.normalization = normalization
        self.bn_params = [{} for _ in self.hidden_dims]  # running statistics, one dict per layer
        if normalization is not None:
            for i, h in enumerate(self.hidden_dims, start=1):
                self.params[f"gamma{i}"] = np.ones(h)
                self.params[f"beta{i}"] = np.zeros(h)

    def _hidden_forward(self, i, h, mode):
        a, fc_cache = layers.affine_forward(h, self.params[f"W{i}"], self.params[f"b{i}"])  # (N, H_i)
        norm_cache = None
        if self.normalization == "batchnorm":
            bn_param = dict(self.bn_params[i - 1], mode=mode)
            a, self.bn_params[i - 1], norm_cache = batchnorm_forward(
                a, self.params[f"gamma{i}"], self.params[f"beta{i}"], bn_param)
        elif self.normalization == "layernorm":
            a, norm_cache = layernorm_forward(a, self.params[f"gamma{i}"], self.params[f"beta{i}"])
        out, relu_cache = layers.relu_forward(a)
        return out, (fc_cache, norm_cache, relu_cache)

    def _hidden_backward(self, i, dout, cache):
        fc_cache, norm_cache, relu_cache = cache
        da = layers.relu_backward(dout, relu_cache)
        grads = {}
        if self.normalization == "batchnorm":
            da, grads[f"gamma{i}"], grads[f"beta{i}"] = batchnorm_backward(da, norm_cache)
        elif self.normalization == "layernorm":
            da, grads[f"gamma{i}"], grads[f"beta{i}"] = layernorm_backward(da, norm_cache)
        dh, grads[f"W{i}"], grads[f"b{i}"] = layers.affine_backward(da, fc_cache)
        return dh, grads


# %% [markdown]
# We train on 6,000 letters (28 x 28 pixels, flattened to 784 features, centred with the training
# mean) and validate on 1,000. Every net has four hidden layers of 100 units, He initialisation
# ($\mathcal{N}(0, 2/\text{fan-in})$, assignment 10 explains why) and the same seed, and is trained
# by SGD with momentum 0.9 for 4 epochs of batches of 64, at six learning rates. A run whose loss
# becomes infinite is stopped and marked as diverged.

# %%
from threadpoolctl import threadpool_limits  # noqa: E402 - installed with scikit-learn; not needed for grading

threadpool_limits(1)  # one BLAS thread: on products this small, two threads on a busy 2-core machine mostly wait

letters = load_letters()
n_train, n_val = 6000, 1000
X_train = flatten(letters["X_train"][:n_train])  # (6000, 784)
y_train = letters["y_train"][:n_train]
X_val = flatten(letters["X_val"][:n_val])  # (1000, 784)
y_val = letters["y_val"][:n_val]
pixel_mean = X_train.mean(axis=0)
X_train, X_val = X_train - pixel_mean, X_val - pixel_mean


def he_init(fan_in, fan_out, rng):
    return np.sqrt(2.0 / fan_in) * rng.standard_normal((fan_in, fan_out))


learning_rates = [0.003, 0.01, 0.03, 0.1, 0.3, 1.0]
variants = {"plain": None, "batch norm": "batchnorm", "layer norm": "layernorm"}
histories = {}
start = time.perf_counter()
for lr in learning_rates:
    for name, normalization in variants.items():
        net = NormNet([100] * 4, 784, 10, normalization=normalization, weight_scale=he_init, rng=0)
        try:
            with np.errstate(over="ignore", invalid="ignore"):
                histories[name, lr] = train(net, X_train, y_train, sgd_momentum,
                                            {"learning_rate": lr, "momentum": 0.9}, X_val, y_val,
                                            epochs=4, batch_size=64, rng=0, progress=False)
        except FloatingPointError:
            histories[name, lr] = None  # the loss became inf or nan
        final = "diverged" if histories[name, lr] is None else f"{histories[name, lr]['val_acc'][-1]:.3f}"
        print(f"lr {lr:<5g} {name:<11} final validation accuracy {final}")
print(f"{len(histories)} runs in {time.perf_counter() - start:.1f} s")

# %%
def smooth(values, width=20):
    """Moving average of a loss curve, for reading the trend through the mini-batch noise."""
    values = np.asarray(values)
    return np.convolve(values, np.ones(width) / width, mode="valid") if len(values) >= width else values


if len(histories) != len(learning_rates) * len(variants):
    raise NotImplementedError("the experiment above did not finish: it needs your batchnorm and layernorm functions")
fig, axes = plt.subplots(1, 3, figsize=(14, 3.8), sharey=True)
for ax, lr in zip(axes, (0.003, 0.03, 0.3)):
    for name, color in zip(variants, ("tab:gray", "tab:blue", "tab:orange")):
        h = histories[name, lr]
        if h is None:
            ax.plot([], [], color=color, label=f"{name} (diverged)")
            continue
        ax.plot(smooth(h["loss"]), color=color, label=name)
    ax.axhline(np.log(10), color="k", linestyle=":", label="guessing, log 10")
    ax.set_ylim(0, 3)
    ax.set_xlabel("training step (batch of 64)")
    ax.set_title(f"Training loss, learning rate {lr:g}")
    ax.legend()
axes[0].set_ylabel("cross-entropy (moving average of 20)")
plt.tight_layout()
plt.show()

# %% [markdown]
# At the small learning rate 0.003 both normalised nets bring the loss down much faster than the
# plain one; at 0.03, the plain net's best rate, the three are close; at 0.3 the plain net's loss
# climbs back to the level of guessing ($\log 10 \approx 2.3$) and stays there, while the
# batch-norm net learns as fast as ever.

# %%
if len(histories) != len(learning_rates) * len(variants):
    raise NotImplementedError("the experiment above did not finish: it needs your batchnorm and layernorm functions")
fig, ax = plt.subplots(figsize=(6, 3.8))
for name, color in zip(variants, ("tab:gray", "tab:blue", "tab:orange")):
    accs = [np.nan if histories[name, lr] is None else histories[name, lr]["val_acc"][-1] for lr in learning_rates]
    ax.semilogx(learning_rates, accs, "o-", color=color, label=name)
ax.axhline(0.1, color="k", linestyle=":", label="guessing (10 classes)")
ax.set_xlabel("learning rate")
ax.set_ylabel("validation accuracy after 4 epochs")
ax.set_title("Learning-rate tolerance")
ax.legend()
plt.show()

print(f"{'learning rate':>13} | " + " | ".join(f"{name:>10}" for name in variants))
for lr in learning_rates:
    cells = ["diverged" if histories[name, lr] is None else f"{histories[name, lr]['val_acc'][-1]:.3f}"
             for name in variants]
    print(f"{lr:>13g} | " + " | ".join(f"{c:>10}" for c in cells))

# %% [markdown]
# The plain net does well only between 0.01 and 0.1 and falls to guessing above that; the
# batch-norm net stays within two points of its best from 0.01 up to 0.3 and still learns
# something at 1.0, with layer norm in between. Each normalised layer's input keeps unit scale
# whatever the weights before it do, so a large step cannot blow up the activations of the layers
# above it. (A run whose loss overflowed would show as a missing point.)

# %% [markdown]
# **Question 1.** Your network was trained with batch norm in train mode. Why would it be a mistake
# to classify the validation set, one image at a time, with batch norm still in train mode? What
# would the prediction be, and what would it be for a batch of 1,000 images that all show the
# letter A? (Three to five sentences.)

# %% [markdown] nbgrader={"grade": true, "grade_id": "q_test_mode", "locked": false, "points": 1, "schema_version": 3, "solution": true}
# ### BEGIN SOLUTION
# In train mode every feature is standardised with the statistics of the batch itself. For a batch
# of one image each feature equals its own mean, so $\hat{x} = 0$ and every batch-norm layer outputs
# just $\beta$: the image is ignored and every image gets the same prediction. For a batch of
# 1,000 A's the statistics describe A's only, so what makes an A differ from other letters is
# subtracted away and the images are compared only with each other; the predictions are again
# nonsense. A prediction should be a function of the one image, so at test time we use the running
# averages, fixed statistics of the training data that make each layer an ordinary affine map.
# ### END SOLUTION

# %% [markdown]
# **Question 2.** Name a situation where you would choose layer norm over batch norm, and explain
# what about batch norm goes wrong there. (Two to four sentences.)

# %% [markdown] nbgrader={"grade": true, "grade_id": "q_layernorm", "locked": false, "points": 1, "schema_version": 3, "solution": true}
# ### BEGIN SOLUTION
# When the batches are small (a large model that fits only 2 samples in memory, or online learning
# with one sample at a time), batch norm's mean and variance are estimated from a handful of
# numbers: they are noisy, so the training signal is noisy, and the running averages used at test
# time describe a different normalisation from the one seen in training. In recurrent networks the
# statistics would also differ per time step and sequence length. Layer norm computes its
# statistics per sample over the features, so it is the same in training and at test time, works
# for a batch of one, and does not care about the other samples.
# ### END SOLUTION

# %% [markdown]
# ## 6. Wrap-up
#
# You wrote the standardisation layer, batch norm with its train and test modes and running
# statistics, its backward pass through the batch's mean and variance (the compact formula
# $s\,(g - \bar{g} - \hat{x}\, \overline{g \hat{x}})$), and layer norm, which applies the same idea
# per sample. In a 5-layer network batch norm made training faster and tolerant of learning rates
# that made the plain network fail.
#
# From now on these live in `utils.normalization` (`standardize`, `batchnorm_forward`,
# `batchnorm_backward`, `layernorm_forward`, `layernorm_backward`), with `NormalizedNet`, the
# network of section 5. Assignment 09 normalises convolutional feature maps, and assignment 10
# adds batch norm to residual blocks.
