# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Assignment 07: over-fitting and regularisation
#
# Give a network with 100,000 weights only 500 training images and it will learn them by heart:
# training accuracy climbs to 100% while accuracy on new images stalls far below. The network has
# fitted the quirks of its few samples (a stray pixel, a particular font) instead of what makes an
# "A" an "A". This is **over-fitting**, and the tools that fight it are called **regularisation**.
# Lecture 17 names three causes: too complex a model, too little data, and co-adaptation (units
# that only work in a particular team). Each tool here attacks one of them:
#
# 1. **weight penalties**, L2 (weight decay) and L1 (Lasso), keep the model simple;
# 2. **dropout** breaks co-adaptation by silencing random units during training;
# 3. **data augmentation** manufactures more data: shifted, rotated and noisy copies;
# 4. **early stopping** ends training when the validation score stops improving.
#
# Graded: `l2_penalty`, `l1_penalty`, `dropout_forward`, `dropout_backward`, `shift_images`,
# `rotate_images`, `add_noise` and `early_stopping`. Between them you train the same small network
# with each cure and compare train and validation curves; a table at the end collects the results.
#
# **How to check your work.** Run each function's cell, then the test cell after it: a passing test
# prints a line ending in `passed`; a failing one says what it expected, what it got and where to
# look. The grader runs hidden tests on other inputs (a batch of one, float32, 3-D arrays, extreme
# settings), so write code that works for any input the docstring allows. Every random draw comes
# from an `rng` argument (an int seed or a `np.random.Generator`) exactly as the docstring says, so
# the same seed gives the same answer as the reference.
#
# Shapes: $N$ samples, $H \times W$ pixels, $D$ input features, $K$ classes.

# %% nbgrader={"grade": false, "grade_id": "setup", "locked": true, "schema_version": 3, "solution": false}
import copy
import time

import matplotlib.pyplot as plt
import numpy as np

from utils.data import load_letters
from utils.gradcheck import check_gradient, numerical_gradient, numerical_gradient_array
from utils.losses import softmax_cross_entropy
from utils.models import FullyConnectedNet
from utils.optim import sgd
from utils.train import train

# %% [markdown]
# ## 1. Watching a network over-fit
#
# We take the first 500 of the 20,000 training letters (about 50 per class) and keep the full
# validation set of 2,000 to measure what the network really learnt. The network is
# `utils.models.FullyConnectedNet` with one hidden layer of 128 ReLU units (101,770 parameters,
# 200 per training image). The class below extends it with the tools you are about to write; each
# is switched off until you ask for it, so the baseline needs none of your code.

# %%
from threadpoolctl import threadpool_limits  # noqa: E402 - installed with scikit-learn; not needed for grading

threadpool_limits(1)  # one BLAS thread: on a busy 2-core machine, two threads fight and run many times slower

letters = load_letters()  # cached after the first run: X (N, 28, 28) in [0, 1], y (N,)
X_train, y_train = letters["X_train"][:500], letters["y_train"][:500]
X_val, y_val = letters["X_val"], letters["y_val"]
X_test, y_test = letters["X_test"], letters["y_test"]
print("train", X_train.shape, "per class", np.bincount(y_train), " val", X_val.shape, " test", X_test.shape)

# %% [markdown]
# `RegularizedNet` adds three switches to the plain network: `l2` and `l1` add your penalty to the
# loss and its gradient to the gradients, and `keep < 1` puts your dropout after the hidden ReLU
# layer. With the defaults it is exactly `FullyConnectedNet`.

# %%
class RegularizedNet(FullyConnectedNet):
    """One-hidden-layer net with optional L2 / L1 penalties and dropout, built from your functions."""

    def __init__(self, l2=0.0, l1=0.0, keep=1.0, seed=0):
        super().__init__([128], 28 * 28, 10, weight_scale=0.05, rng=seed)
        self.l2, self.l1, self.keep = l2, l1, keep
        self.dropout_rng = np.random.default_rng(seed + 1)  # one generator: a new mask every batch

    def _hidden_forward(self, i, h, mode):
        out, cache = super()._hidden_forward(i, h, mode)  # (N, 128) after ReLU
        drop_cache = None
        if self.keep < 1.0:
            out, drop_cache = dropout_forward(out, self.keep, mode, self.dropout_rng)
        return out, (cache, drop_cache)

    def _hidden_backward(self, i, dout, cache):
        cache, drop_cache = cache
        if drop_cache is not None:
            dout = dropout_backward(dout, drop_cache)
        return super()._hidden_backward(i, dout, cache)

    def loss(self, X, y=None):
        result = super().loss(X, y)  # scores (test mode), or data loss and gradients
        if y is None:
            return result
        loss, grads = result
        penalties = []
        if self.l2:
            penalties.append(l2_penalty(self.params, self.l2))
        if self.l1:
            penalties.append(l1_penalty(self.params, self.l1))
        for value, extra in penalties:
            loss, grads = loss + value, {k: grads[k] + extra[k] for k in grads}
        return loss, grads


# %% [markdown]
# `fit` trains for a number of epochs with plain SGD and records, after every epoch, the accuracy
# on the training images, and the accuracy and the loss on the validation images. It can also
# transform each epoch's training images (`augment`) and stop early (`patience`); we use those
# later.

# %%
EPOCHS, LR, BATCH = 40, 0.2, 50


def fit(model, epochs=EPOCHS, augment=None, patience=None, seed=0):
    """Train model in place; return its curves, one value per epoch."""
    rng = np.random.default_rng(seed)  # one generator for shuffling and augmentation
    h = {"model": model, "train_acc": [], "val_acc": [], "val_loss": [], "best_epoch": None}
    start, best_params = time.perf_counter(), None
    for epoch in range(epochs):
        X_epoch = X_train if augment is None else augment(X_train, rng)
        curves = train(model, X_epoch, y_train, sgd, {"learning_rate": LR}, epochs=1, batch_size=BATCH,
                       rng=rng, progress=False)
        scores = model.loss(X_train)  # (500, 10), test mode: no dropout
        h["train_acc"].append(float(np.mean(scores.argmax(axis=1) == y_train)))
        scores = model.loss(X_val)  # (2000, 10)
        h["val_acc"].append(float(np.mean(scores.argmax(axis=1) == y_val)))
        h["val_loss"].append(softmax_cross_entropy(scores, y_val)[0])
        if patience is not None:
            best, stop = early_stopping(h["val_acc"], patience)
            if best == epoch:
                best_params = copy.deepcopy(model.params)  # the parameters worth keeping
            if epoch - best >= patience:
                break  # early_stopping says: stop after this epoch
    if patience is not None:
        if best_params is None:
            raise ValueError(f"early_stopping never returned the current epoch as the best one (last answer: "
                             f"best epoch {best}); count epochs from 0, with epoch 0 the first best")
        model.params.update(best_params)  # restore the best epoch's parameters
        h["best_epoch"] = best
    h["seconds"] = time.perf_counter() - start
    return h

# %% [markdown]
# `run` trains one configuration, prints a summary line and keeps the result in `results` for the
# table of section 7. If one of the functions it needs is not written yet, it skips the run with a
# note instead of failing.

# %%
results = {}  # name -> {"model", "train_acc", "val_acc", "val_loss", "best_epoch", "seconds"}


def run(name, model, **kwargs):
    """Train one configuration, print a summary line and keep its curves in `results`."""
    try:
        h = fit(model, **kwargs)
    except NotImplementedError as err:
        print(f"{name}: skipped, a function it needs is not written yet ({err!r})")
        return None
    train_acc = float(np.mean(model.loss(X_train).argmax(axis=1) == y_train))  # the model we keep
    val = float(np.mean(model.loss(X_val).argmax(axis=1) == y_val))
    results[name] = dict(h, final_val=val)
    print(f"{name:>18}: {len(h['val_acc'])} epochs in {h['seconds']:.1f} s, train acc {train_acc:.3f}, "
          f"val acc {val:.3f}")
    return h

# %% [markdown]
# `plot_runs` draws the named runs side by side: accuracy on the left (training dashed, validation
# solid, one colour per run) and validation loss on the right. The distance between a run's dashed
# and solid lines is how much it over-fits.

# %%
def plot_runs(names, title):
    """Accuracy (train dashed, validation solid) and validation loss of the named runs."""
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 3.8))
    for name in names:
        if name not in results:
            continue
        h = results[name]
        epochs = np.arange(1, len(h["val_acc"]) + 1)
        line, = ax1.plot(epochs, h["val_acc"], label=f"{name}, validation")
        ax1.plot(epochs, h["train_acc"], "--", color=line.get_color(), label=f"{name}, train")
        ax2.plot(epochs, h["val_loss"], color=line.get_color(), label=name)
        if h["best_epoch"] is not None:  # early stopping: the epoch whose parameters were kept
            for ax in (ax1, ax2):
                ax.axvline(h["best_epoch"] + 1, color=line.get_color(), linestyle=":",
                           label=f"{name}: best epoch, kept" if ax is ax1 else None)
    ax1.set(xlabel="epoch", ylabel="accuracy", title=f"{title}: accuracy", ylim=(0.5, 1.01))
    ax2.set(xlabel="epoch", ylabel="validation cross-entropy", title=f"{title}: validation loss")
    for ax in (ax1, ax2):
        ax.grid(True, alpha=0.3)
        ax.legend(fontsize=8)
    plt.show()

# %% [markdown]
# **The baseline**: the network without any regularisation. Watch the two accuracy curves part and
# the validation loss stop falling.

# %%
t_start = time.perf_counter()  # for the total training time in section 7
run("no regularisation", RegularizedNet())
plot_runs(["no regularisation"], "500 training letters")

# %% [markdown]
# Training accuracy reaches 100% within about 30 epochs while validation accuracy levels off near
# 78%: that gap of more than 20 points is over-fitting. The validation loss stops falling after
# about 20 epochs; from then on the training only memorises the 500 images.

# %% [markdown]
# ## 2. Weight decay: the L2 penalty
#
# A network that memorises usually does it with large weights: sharp, high-contrast detectors for
# individual training images. The L2 penalty adds the squared size of every weight to the loss,
#
# $$\tilde{\mathcal{L}}(\theta) = \mathcal{L}(\theta) + \lambda \sum_{l} \lVert W_l \rVert^2
#   = \mathcal{L}(\theta) + \lambda \sum_{l} \sum_{i,j} (W_l)_{ij}^2 ,$$
#
# so a weight only grows when that buys a real drop of the data loss $\mathcal{L}$. Its gradient
# is one line per weight,
#
# $$\frac{\partial \tilde{\mathcal{L}}}{\partial W_l} = \frac{\partial \mathcal{L}}{\partial W_l} + 2 \lambda W_l ,$$
#
# and a gradient step becomes $W \leftarrow (1 - 2\eta\lambda) W - \eta\, \partial\mathcal{L}/\partial W$:
# before each ordinary step every weight shrinks by a constant factor, hence the name *weight
# decay*. (Some texts, and `mlp_loss` in assignment 05, write $\frac{\lambda}{2}\lVert W\rVert^2$ to
# make the 2 disappear; here the penalty is exactly $\lambda \lVert W \rVert^2$.)
#
# **Only weights.** Biases are left alone: there are few of them, they only shift a unit's
# threshold, and pulling them to 0 would not make the function any simpler. In our `params` dicts
# the weights are the entries whose name starts with `"W"` (`"W1"`, `"W2"`, ...); every other
# entry gets a gradient of zeros, so that the returned `grads` can be added to the model's
# gradients key by key.

# %% nbgrader={"grade": false, "grade_id": "l2_penalty", "locked": false, "schema_version": 3, "solution": true}
def l2_penalty(params, reg):
    """Compute the L2 penalty reg * sum over weights of W**2, and its gradient.

    Inputs:
    - params: dict of arrays, e.g. {"W1": (D, H), "b1": (H,), "W2": (H, K), "b2": (K,)}. Entries
      whose name starts with "W" are weights and are penalised; all others (biases) are not.
    - reg: the strength lambda, a number >= 0.

    Returns (loss, grads):
    - loss: reg * (sum of the squares of every weight entry), a Python float.
    - grads: a dict with the same keys as params; grads[name] has the shape and dtype of
      params[name] and is 2 * reg * W for a weight, all zeros for anything else.
    """
    ### BEGIN SOLUTION
    loss, grads = 0.0, {}
    for name, w in params.items():
        w = np.asarray(w)
        if name.startswith("W"):
            loss += float(np.sum(w * w))
            grads[name] = (2 * reg * w).astype(w.dtype)  # d(reg w^2)/dw
        else:
            grads[name] = np.zeros_like(w)  # biases are not penalised
    return reg * loss, grads
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_l2_penalty", "locked": true, "points": 2, "schema_version": 3, "solution": false}
# l2_penalty gives the hand-computed value, 2 * reg * W for weights, zeros for biases,
# and matches a numerical gradient
params = {"W1": np.array([[1.0, -2.0], [3.0, 0.0]]), "b1": np.array([5.0, 5.0]),
          "W2": np.array([[0.5], [-1.0]]), "b2": np.array([7.0])}
loss, grads = l2_penalty(params, 0.1)
# squares of the weights: 1 + 4 + 9 + 0 + 0.25 + 1 = 15.25; times 0.1
assert np.isclose(loss, 1.525), (
    f"l2_penalty(params, 0.1) should be 0.1 * 15.25 = 1.525, got {loss}: sum the squares of the weights "
    "(names starting with 'W') only, times reg, with no 1/2 in front; leave the biases b1, b2 out")
assert sorted(grads) == sorted(params), f"grads should have the keys of params {sorted(params)}, got {sorted(grads)}"
assert np.allclose(grads["W1"], 0.2 * params["W1"]), (
    f"grads['W1'] should be 2 * 0.1 * W1 = {(0.2 * params['W1']).round(4).tolist()}, "
    f"got {np.round(grads['W1'], 4).tolist()}: "
    "the derivative of reg * w**2 is 2 * reg * w")
assert np.array_equal(grads["b1"], np.zeros(2)) and np.array_equal(grads["b2"], np.zeros(1)), (
    f"biases are not penalised, so grads['b1'] and grads['b2'] should be zeros, got {grads['b1']} and {grads['b2']}")

rng = np.random.default_rng(0)
W = rng.normal(size=(4, 3))
for name in ("W", "b"):
    numeric = numerical_gradient(lambda v: l2_penalty({name: v}, 0.3)[0], W.copy())
    check_gradient(l2_penalty({name: W}, 0.3)[1][name], numeric, name=f"the gradient of l2_penalty for {name!r}")
g32 = l2_penalty({"W1": np.ones((2, 2), dtype=np.float32)}, 0.1)[1]["W1"]
assert g32.dtype == np.float32, (
    f"for float32 weights the gradient should be float32 too, got {g32.dtype}: build it from w itself "
    "(2 * reg * w keeps w's dtype), not from a float64 array")
print("test_l2_penalty passed")

# %% [markdown]
# **Experiment.** The same network with $\lambda = 3 \cdot 10^{-3}$.

# %%
run("L2, 3e-3", RegularizedNet(l2=3e-3))
plot_runs(["no regularisation", "L2, 3e-3"], "Weight decay")

# %% [markdown]
# On this problem the penalty changes little: both curves stay within a point or so of the
# baseline's (stronger penalties, which we tried, cost training *and* validation accuracy). Weight
# decay cannot add what 500 images do not contain; it only limits how sharply the net may fit them.

# %% [markdown]
# ## 3. The L1 penalty (Lasso)
#
# Replace the squares by absolute values:
#
# $$\tilde{\mathcal{L}}(\theta) = \mathcal{L}(\theta) + \lambda \sum_{l} \sum_{i,j} \lvert (W_l)_{ij} \rvert ,
#   \qquad \frac{\partial \tilde{\mathcal{L}}}{\partial W_l} = \frac{\partial \mathcal{L}}{\partial W_l} + \lambda \operatorname{sign}(W_l) .$$
#
# The pull towards 0 now has the same strength $\lambda$ whatever the size of the weight, while L2's
# pull $2\lambda w$ fades as $w$ shrinks. So L1 pushes small, useless weights all the way to
# (almost) 0 and leaves a *sparse* network, while L2 makes all weights small but rarely zero.
#
# $\lvert w \rvert$ has no derivative at $w = 0$: every number in $[-\lambda, \lambda]$ is a valid
# *subgradient* there. We take 0 (which `np.sign(0.0)` gives), so a weight that sits exactly at
# 0 feels no push in either direction. Biases are again left alone.

# %% nbgrader={"grade": false, "grade_id": "l1_penalty", "locked": false, "schema_version": 3, "solution": true}
def l1_penalty(params, reg):
    """Compute the L1 penalty reg * sum over weights of |W|, and its subgradient.

    Inputs:
    - params: dict of arrays; entries whose name starts with "W" are penalised, others are not.
    - reg: the strength lambda, a number >= 0.

    Returns (loss, grads):
    - loss: reg * (sum of the absolute values of every weight entry), a Python float.
    - grads: a dict with the same keys as params; grads[name] has the shape and dtype of
      params[name] and is reg * sign(W) for a weight (0 where W == 0), zeros for anything else.
    """
    ### BEGIN SOLUTION
    loss, grads = 0.0, {}
    for name, w in params.items():
        w = np.asarray(w)
        if name.startswith("W"):
            loss += float(np.sum(np.abs(w)))
            grads[name] = (reg * np.sign(w)).astype(w.dtype)  # sign(0) = 0
        else:
            grads[name] = np.zeros_like(w)
    return reg * loss, grads
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_l1_penalty", "locked": true, "points": 2, "schema_version": 3, "solution": false}
# l1_penalty gives the hand-computed value, reg * sign(W) for weights (0 at 0), zeros for biases,
# and matches a numerical gradient away from 0
params = {"W1": np.array([[1.0, -2.0], [3.0, 0.0]]), "b1": np.array([5.0, -5.0]),
          "W2": np.array([[0.5], [-1.0]]), "b2": np.array([7.0])}
loss, grads = l1_penalty(params, 0.1)
# absolute values of the weights: 1 + 2 + 3 + 0 + 0.5 + 1 = 7.5; times 0.1
assert np.isclose(loss, 0.75), (
    f"l1_penalty(params, 0.1) should be 0.1 * 7.5 = 0.75, got {loss}: sum |w| over the weights "
    "(names starting with 'W') only, times reg; leave the biases out")
assert sorted(grads) == sorted(params), f"grads should have the keys of params {sorted(params)}, got {sorted(grads)}"
expected = np.array([[0.1, -0.1], [0.1, 0.0]])
assert np.allclose(grads["W1"], expected), (
    f"grads['W1'] should be 0.1 * sign(W1) = {expected.tolist()}, got {np.asarray(grads['W1']).tolist()}: "
    "the slope of reg * |w| is +reg for w > 0, -reg for w < 0, and we use 0 at w == 0 (np.sign)")
assert np.array_equal(grads["b1"], np.zeros(2)) and np.array_equal(grads["b2"], np.zeros(1)), (
    f"biases are not penalised, so grads['b1'] and grads['b2'] should be zeros, got {grads['b1']} and {grads['b2']}")

rng = np.random.default_rng(1)
W = rng.normal(size=(4, 3))  # no entry within 1e-5 of 0, where |w| has a kink
numeric = numerical_gradient(lambda v: l1_penalty({"W": v}, 0.3)[0], W.copy())
check_gradient(l1_penalty({"W": W}, 0.3)[1]["W"], numeric, name="the gradient of l1_penalty")
print("test_l1_penalty passed")

# %% [markdown]
# **Experiment.** The network with $\lambda = 3 \cdot 10^{-4}$, and a look at the first layer's weights of
# the three networks trained so far.

# %%
run("L1, 3e-4", RegularizedNet(l1=3e-4))
plot_runs(["no regularisation", "L1, 3e-4"], "L1 penalty")

fig, ax = plt.subplots(figsize=(6, 3.5))
bins = np.logspace(-6, 0, 61)
for name in ("no regularisation", "L2, 3e-3", "L1, 3e-4"):
    if name in results:
        ax.hist(np.abs(results[name]["model"].params["W1"]).ravel(), bins=bins, histtype="step", label=name)
ax.set(xscale="log", xlabel="|weight| of the first layer", ylabel="number of weights",
       title="First-layer weights after training")
ax.legend()
plt.show()

# %% [markdown]
# L2 moves the whole histogram of weight sizes a little to the left, keeping its shape. L1 splits
# it in two: a heap of weights near $10^{-5}$ to $10^{-4}$ (with SGD they jitter around 0 instead of
# landing on it exactly) and a group of large ones that the data really needs, a sparse network.

# %% [markdown]
# ## 4. Inverted dropout
#
# Dropout (Hinton et al. 2012; Srivastava et al. 2014) switches every hidden unit off at random,
# independently, in every training step: the unit is *kept* with probability $p$ and set to 0
# otherwise. A unit can no longer count on any particular partner being there, which breaks
# co-adaptation; and each step trains a different thinned network, all sharing the same weights,
# a cheap ensemble.
#
# **This course's $p$ is the probability of keeping a unit**, as in Srivastava et al.
# (PyTorch's `nn.Dropout(q)` uses the probability of *dropping*, so $q = 1 - p$.)
#
# **Why "inverted".** With a mask $m_i \sim \text{Bernoulli}(p)$ the kept output $m_i h_i$ has
# expectation $p\,h_i$, so the next layer sees smaller inputs during training than at test time,
# when nothing is dropped. *Inverted* dropout divides by $p$ at training time instead:
#
# $$\text{out}_i = \frac{m_i\, h_i}{p}, \qquad
#   \mathbb{E}[\text{out}_i] = \frac{\Pr(m_i = 1)\, h_i}{p} = \frac{p\, h_i}{p} = h_i ,$$
#
# so on average training sees the same scale as testing, and the test-time layer is simply the
# identity: nothing to remember, nothing to rescale. Backward, each output is $h_i$ times the
# constant $m_i / p$, so $\partial \text{out}_i / \partial h_i = m_i / p$ and
# $dx = dout \cdot m / p$ with **the same mask** that the forward pass drew: the cache must keep it.
#
# **Drawing the mask.** Make it reproducible and identical to the reference by drawing it exactly
# like this, and nothing else from `rng` (in `"train"` mode only):
#
# ```python
# rng = np.random.default_rng(rng)      # an int seed, or a Generator passed through unchanged
# mask = rng.random(x.shape) < p        # True = kept, with probability p
# ```

# %% nbgrader={"grade": false, "grade_id": "dropout_forward", "locked": false, "schema_version": 3, "solution": true}
def dropout_forward(x, p, mode, rng=None):
    """Apply inverted dropout to x, keeping each unit with probability p.

    Inputs:
    - x: activations, an array of any shape.
    - p: the probability of KEEPING a unit, 0 < p <= 1 (p = 1 keeps everything).
    - mode: "train" or "test". "train": draw the mask as
      `mask = np.random.default_rng(rng).random(x.shape) < p` and return x * mask / p.
      "test": draw nothing and return x unchanged (a copy).
    - rng: an int seed or a np.random.Generator (used in "train" mode only).

    Returns (out, cache): out has the shape and dtype of x; cache holds what dropout_backward
    needs (your choice: the mask, p, the mode, ...).
    """
    ### BEGIN SOLUTION
    x = np.asarray(x)
    if mode == "test":
        return x.copy(), (None, p)
    mask = np.random.default_rng(rng).random(x.shape) < p  # True = kept
    out = (x * mask / p).astype(x.dtype)  # E[out] = x
    return out, (mask, p)
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_dropout_forward", "locked": true, "points": 2, "schema_version": 3, "solution": false}
# dropout_forward keeps units with probability p, scales them by 1/p in train mode, draws the mask
# as documented, and is the identity in test mode
x = np.arange(1.0, 11.0).reshape(2, 5)  # (2, 5)
out, _ = dropout_forward(x, 0.6, "test", 0)
assert np.array_equal(out, x), (
    f"in test mode dropout_forward should return x unchanged, got\n{out}\n"
    "inverted dropout does all its scaling in train mode: no mask and no 1/p at test time")

out, _ = dropout_forward(x, 0.6, "train", 0)
mask = np.random.default_rng(0).random(x.shape) < 0.6  # the documented way to draw the mask
assert out.shape == x.shape, f"out should have the shape of x, {x.shape}, got {out.shape}"
assert np.allclose(out, x * mask / 0.6), (
    f"with p=0.6 and rng=0, out should be x * mask / 0.6 =\n{x * mask / 0.6}\ngot\n{out}\n"
    "draw mask = np.random.default_rng(rng).random(x.shape) < p (True = kept), and divide by p")

big = np.ones((500, 400))  # 200,000 units
out, _ = dropout_forward(big, 0.3, "train", 1)
kept = np.mean(out != 0)
assert abs(kept - 0.3) < 0.005, (
    f"with p=0.3 about 30% of the units should be kept, got {kept:.1%}: p is the probability of KEEPING")
assert np.allclose(out[out != 0], 1 / 0.3), (
    f"kept units should be divided by p (1 -> {1 / 0.3:.4f}), got values {np.unique(out[out != 0])[:5]}")
assert abs(out.mean() - 1.0) < 0.02, (
    f"inverted dropout preserves the mean: E[out] = x = 1, got an average of {out.mean():.4f}")
out32, _ = dropout_forward(np.ones((2, 3), dtype=np.float32), 0.5, "train", 0)
assert out32.dtype == np.float32, (
    f"float32 input should come back float32, got {out32.dtype}: don't convert x to float64, and cast "
    "the result to x.dtype if an operation promoted it")
print("test_dropout_forward passed")

# %% [markdown]
# The backward pass receives your own cache, so store in it whatever you need: the mask (or
# `None`, or the mode, in test mode) and $p$.

# %% nbgrader={"grade": false, "grade_id": "dropout_backward", "locked": false, "schema_version": 3, "solution": true}
def dropout_backward(dout, cache):
    """Backward pass of dropout_forward.

    Inputs:
    - dout: upstream gradient, shaped like the x given to dropout_forward.
    - cache: the cache dropout_forward returned with that call.

    Returns dx, shaped and typed like dout: dout * mask / p for a "train" call (the same mask
    the forward pass drew), dout unchanged (a copy) for a "test" call.
    """
    ### BEGIN SOLUTION
    mask, p = cache
    dout = np.asarray(dout)
    if mask is None:
        return dout.copy()
    return (dout * mask / p).astype(dout.dtype)
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_dropout_backward", "locked": true, "points": 2, "schema_version": 3, "solution": false}
# dropout_backward multiplies dout by the forward pass's own mask / p, matches a numerical gradient
# with that mask held fixed, and passes dout through in test mode
rng = np.random.default_rng(3)
x = rng.uniform(0.5, 1.5, size=(6, 5))  # no zeros, so out != 0 shows the kept units
dout = rng.normal(size=(6, 5))
out, cache = dropout_forward(x, 0.7, "train", 3)
dx = dropout_backward(dout, cache)
expected = dout * (out != 0) / 0.7
assert np.shape(dx) == x.shape, f"dx should have the shape of x, {x.shape}, got {np.shape(dx)}"
assert np.allclose(dx, expected), (
    f"dx should be dout * mask / p, with the mask your forward pass drew (the zeros of out), got\n{dx}\n"
    f"expected\n{expected}\nkeep the mask in the cache and reuse it; don't draw a new one, don't forget 1/p")

# with the same seed the forward pass draws the same mask, so it is a fixed function of x
numeric = numerical_gradient_array(lambda v: dropout_forward(v, 0.7, "train", 3)[0], x.copy(), dout)
check_gradient(dx, numeric, name="dropout_backward's dx")

_, cache = dropout_forward(x, 0.7, "test", 3)
try:
    dx = dropout_backward(dout, cache)
except TypeError as err:
    raise AssertionError(f"dropout_backward after a test-mode forward pass raised TypeError ({err}): no mask was "
                         "drawn in test mode, so return dout unchanged; keep what tells the two modes apart in "
                         "the cache") from None
assert np.allclose(dx, dout), (
    "after a test-mode forward pass dropout is the identity, so dx should equal dout; "
    f"got dx / dout ranging over {np.min(dx / dout):.3f} .. {np.max(dx / dout):.3f}")
print("test_dropout_backward passed")

# %% [markdown]
# **Experiment.** Dropout keeping half of the 128 hidden units, $p = 0.5$.

# %%
run("dropout, p=0.5", RegularizedNet(keep=0.5))
plot_runs(["no regularisation", "dropout, p=0.5"], "Dropout")

# %% [markdown]
# The training curve is measured in test mode (nothing dropped), yet it rises more slowly, because
# every step trains a thinned network. Validation accuracy ends one to two points above the
# baseline, and the validation loss ends lower: the ensemble of thinned networks over-fits less.

# %% [markdown]
# **Question.** A classmate implements dropout without the $1/p$ scaling during training, and
# forgets to do anything at test time. What goes wrong at test time, and how would you fix it
# without retraining? And why do we turn dropout off when we evaluate the network at all?
# (Three to five sentences.)

# %% [markdown] nbgrader={"grade": true, "grade_id": "q_dropout_scaling", "locked": false, "points": 1, "schema_version": 3, "solution": true}
# ### BEGIN SOLUTION
# Without the $1/p$ the next layer was trained on inputs whose expected size is $p\,h$, but at
# test time, with every unit present, it receives $h$: all its inputs are $1/p$ times larger than
# anything it saw in training (twice as large for $p = 0.5$), so the scores are distorted and the
# accuracy drops. The fix without retraining is the original, non-inverted recipe: multiply the
# activations (equivalently the outgoing weights) by $p$ at test time. We switch dropout off at
# evaluation because we want one deterministic answer from the whole network, which approximates
# the average of all the thinned networks trained; keeping it on would make predictions random and
# on average worse, like asking one random member of the ensemble.
# ### END SOLUTION

# %% [markdown]
# ## 5. Data augmentation
#
# The most direct cure for too little data is more data. We cannot draw new letters, but we know
# changes that do not change the letter: a shift by a pixel or two, a small rotation, a little
# pixel noise. Applying random ones to every training image in every epoch shows the network a
# fresh variant each time, so memorising any single one no longer pays. (A horizontal flip, a
# classic for photos, would turn a "J" into a mirror J: the transformations must keep the label.)
#
# You write the three transformations, each deterministic given its arguments; `augment` below
# draws the random amounts. Images are $(N, H, W)$, ink near 1 on a background near 0; whatever a
# transformation brings in from outside the frame is 0.
#
# **Shift.** Image $n$ moves down by `dy[n]` rows and right by `dx[n]` columns (negative: up or
# left): $\text{out}[n, r, c] = X[n, r - dy_n, c - dx_n]$ when that pixel exists, else 0. What leaves
# the frame is lost. Careful: `np.roll` looks right but wraps the pixels that leave on one side
# back in on the other.

# %% nbgrader={"grade": false, "grade_id": "shift_images", "locked": false, "schema_version": 3, "solution": true}
def shift_images(X, dy, dx):
    """Shift each image by whole pixels, filling the uncovered part with background 0.

    Inputs:
    - X: images, shape (N, H, W).
    - dy, dx: integer arrays of shape (N,): image n moves dy[n] rows down and dx[n] columns right
      (negative values move up / left); out[n, r, c] = X[n, r - dy[n], c - dx[n]] where that index
      lies inside the image, and 0 elsewhere. A shift of H rows (or W columns) or more leaves an
      all-zero image; nothing wraps around.

    Returns the shifted images, shape (N, H, W), with the dtype of X.
    """
    ### BEGIN SOLUTION
    N, H, W = X.shape
    out = np.zeros_like(X)
    for n in range(N):
        a, b = int(dy[n]), int(dx[n])
        if abs(a) >= H or abs(b) >= W:
            continue  # everything left the frame
        out[n, max(a, 0):H + min(a, 0), max(b, 0):W + min(b, 0)] = \
            X[n, max(-a, 0):H - max(a, 0), max(-b, 0):W - max(b, 0)]
    return out
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_shift_images", "locked": true, "points": 1, "schema_version": 3, "solution": false}
# shift_images moves each image by its own (dy, dx), pads with 0 and never wraps around
X = np.arange(1.0, 13.0).reshape(1, 3, 4)  # one 3x4 image: rows [1 2 3 4], [5 6 7 8], [9 10 11 12]
out = shift_images(X, np.array([1]), np.array([-1]))  # one row down, one column left
expected = np.array([[[0.0, 0.0, 0.0, 0.0],
                      [2.0, 3.0, 4.0, 0.0],
                      [6.0, 7.0, 8.0, 0.0]]])
assert np.shape(out) == X.shape, f"out should keep the shape of X, {X.shape}, got {np.shape(out)}"
assert np.array_equal(out, expected), (
    f"shifting [[1..4], [5..8], [9..12]] down 1 and left 1 should give\n{expected[0]}\ngot\n{out[0]}\n"
    "out[r, c] = X[r - dy, c - dx]; the row and column that come in from outside are 0 "
    "(np.roll wraps them around instead)")

X2 = np.stack([X[0], 10 * X[0]])  # two images, each with its own shift
out = shift_images(X2, np.array([0, -2]), np.array([2, 0]))
assert np.array_equal(out[0], np.pad(X[0], ((0, 0), (2, 0)))[:, :4]), (
    f"image 0 moved 2 columns right should be\n{np.pad(X[0], ((0, 0), (2, 0)))[:, :4]}\ngot\n{out[0]}\n"
    "use dy[n] and dx[n] of image n, not the same shift for every image")
assert np.array_equal(out[1], np.pad(10 * X[0], ((0, 2), (0, 0)))[2:]), (
    f"image 1 moved 2 rows up should be\n{np.pad(10 * X[0], ((0, 2), (0, 0)))[2:]}\ngot\n{out[1]}\n"
    "each image has its own shift: move image n by dy[n] rows and dx[n] columns")
out = shift_images(X, np.array([5]), np.array([0]))
assert np.array_equal(out, np.zeros_like(X)), (
    f"a shift of 5 rows in a 3-row image should leave only background (zeros), got\n{out[0]}")
print("test_shift_images passed")

# %% [markdown]
# **Rotation.** Rotating an image by $\theta$ counter-clockwise (as `plt.imshow` shows it) about its
# centre $(c_y, c_x) = (\frac{H-1}{2}, \frac{W-1}{2})$ is easiest done backwards: for each *output*
# pixel $(r, c)$, find where it came from and read the input there. With $y = r - c_y$ (rows grow
# downwards) and $x = c - c_x$, the source point is
#
# $$r_s = c_y + x \sin\theta + y \cos\theta, \qquad c_s = c_x + x \cos\theta - y \sin\theta .$$
#
# (Check with $\theta = 90°$: the top-centre output pixel, $x = 0, y = -1$, reads from
# $r_s = c_y$, $c_s = c_x + 1$, just right of the centre: the right side has turned to the top.)
#
# The source point falls between pixels, so read it by **bilinear interpolation**: with
# $r_0 = \lfloor r_s \rfloor$, $c_0 = \lfloor c_s \rfloor$, $f_r = r_s - r_0$ and $f_c = c_s - c_0$,
#
# $$\text{out} = (1-f_r)(1-f_c)\,X[r_0, c_0] + (1-f_r) f_c\,X[r_0, c_0+1] + f_r (1-f_c)\,X[r_0+1, c_0] + f_r f_c\,X[r_0+1, c_0+1],$$
#
# where a pixel outside the image counts as 0. Compute all the source coordinates at once, shape
# $(N, H, W)$, with `np.meshgrid` and broadcasting; no loop over pixels is needed.

# %% nbgrader={"grade": false, "grade_id": "rotate_images", "locked": false, "schema_version": 3, "solution": true}
def rotate_images(X, angles):
    """Rotate each image counter-clockwise about its centre, with bilinear interpolation.

    Inputs:
    - X: images, shape (N, H, W).
    - angles: rotation of each image in degrees, shape (N,); positive = counter-clockwise as
      plt.imshow displays the image (row 0 at the top).

    Output pixel (r, c) of image n is X[n] read bilinearly at the source point
    (cy + x sin t + y cos t, cx + x cos t - y sin t), where t = angles[n] in radians,
    (cy, cx) = ((H - 1) / 2, (W - 1) / 2), y = r - cy and x = c - cx. Pixels outside the image
    count as 0.

    Returns the rotated images, shape (N, H, W), with the dtype of X.
    """
    ### BEGIN SOLUTION
    N, H, W = X.shape
    t = np.deg2rad(np.asarray(angles, dtype=np.float64))[:, None, None]  # (N, 1, 1)
    cy, cx = (H - 1) / 2, (W - 1) / 2
    y, x = np.meshgrid(np.arange(H) - cy, np.arange(W) - cx, indexing="ij")  # (H, W) each
    rows = cy + x * np.sin(t) + y * np.cos(t)  # (N, H, W) source coordinates
    cols = cx + x * np.cos(t) - y * np.sin(t)
    r0, c0 = np.floor(rows).astype(int), np.floor(cols).astype(int)
    fr, fc = rows - r0, cols - c0
    n = np.arange(N)[:, None, None]
    out = np.zeros(X.shape)
    for dr, dc, weight in ((0, 0, (1 - fr) * (1 - fc)), (0, 1, (1 - fr) * fc),
                           (1, 0, fr * (1 - fc)), (1, 1, fr * fc)):
        r, c = r0 + dr, c0 + dc
        inside = (r >= 0) & (r < H) & (c >= 0) & (c < W)
        out += weight * np.where(inside, X[n, np.clip(r, 0, H - 1), np.clip(c, 0, W - 1)], 0.0)
    return out.astype(X.dtype)
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_rotate_images", "locked": true, "points": 2, "schema_version": 3, "solution": false}
# rotate_images leaves 0 degrees alone, turns 90 degrees counter-clockwise like np.rot90, and
# interpolates bilinearly with background 0 (a hand-computed 45-degree case)
rng = np.random.default_rng(4)
X = rng.uniform(size=(2, 5, 5))
out = rotate_images(X, np.array([0.0, 0.0]))
assert np.shape(out) == X.shape, f"out should keep the shape of X, {X.shape}, got {np.shape(out)}"
assert np.allclose(out, X), "rotating by 0 degrees should return the images unchanged: check the source-point formula"
out = rotate_images(X, np.array([90.0, -90.0]))
assert np.allclose(out[0], np.rot90(X[0], 1)), (
    f"a 90-degree rotation should turn the image counter-clockwise like np.rot90(X[0]):\n"
    f"{np.round(np.rot90(X[0], 1), 2)}\ngot\n{np.round(out[0], 2)}\n"
    "check the signs of the sin terms, that angles are converted from degrees to radians, and that you "
    "rotate about the centre (cy, cx) = ((H - 1) / 2, (W - 1) / 2)")
assert np.allclose(out[1], np.rot90(X[1], -1)), "-90 degrees should turn image 1 clockwise, like np.rot90(X[1], -1)"

# a 3x3 image with a single 1 right of the centre, turned 45 degrees: output pixel (0, 2) reads
# the source point (1, 1 + sqrt 2) = (1, 2.414), 0.586 of pixel (1, 2) and 0.414 of outside (0)
X = np.zeros((1, 3, 3))
X[0, 1, 2] = 1.0
out = rotate_images(X, np.array([45.0]))
assert np.isclose(out[0, 0, 2], 2 - np.sqrt(2)), (
    f"turning [[0 0 0], [0 0 1], [0 0 0]] by 45 degrees, pixel (0, 2) should be 2 - sqrt(2) = 0.5858, got "
    f"{out[0, 0, 2]:.4f}: weight the 4 neighbours by (1-fr)(1-fc), (1-fr)fc, fr(1-fc), fr*fc; outside ones count 0")
assert np.isclose(out.sum(), 1.0), (
    f"bilinear weights sum to 1, and here nothing inside the image is lost: the total ink should stay 1.0, "
    f"got {out.sum():.4f}\n{np.round(out[0], 4)}")
out32 = rotate_images(np.ones((1, 4, 4), dtype=np.float32), np.array([30.0]))
assert out32.dtype == np.float32, (
    f"float32 images should come back float32, got {out32.dtype}: the interpolation weights are float64, "
    "so cast the result to X.dtype")
print("test_rotate_images passed")

# %% [markdown]
# **Noise.** Add independent Gaussian noise of standard deviation $\sigma$ to every pixel, then clip
# back into the pixel range $[0, 1]$. Draw the noise exactly as
# `sigma * np.random.default_rng(rng).standard_normal(X.shape)`, and keep the dtype of `X`
# (float32 images stay float32).

# %% nbgrader={"grade": false, "grade_id": "add_noise", "locked": false, "schema_version": 3, "solution": true}
def add_noise(X, sigma, rng=None):
    """Add Gaussian pixel noise and clip into [0, 1].

    Inputs:
    - X: images (N, H, W), or any array, values in [0, 1].
    - sigma: the standard deviation of the noise, >= 0.
    - rng: an int seed or a np.random.Generator; the noise is
      `sigma * np.random.default_rng(rng).standard_normal(X.shape)`.

    Returns np.clip(X + noise, 0, 1), with the shape and dtype of X.
    """
    ### BEGIN SOLUTION
    noise = sigma * np.random.default_rng(rng).standard_normal(X.shape)
    return np.clip(X + noise.astype(X.dtype), 0, 1).astype(X.dtype)
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_add_noise", "locked": true, "points": 1, "schema_version": 3, "solution": false}
# add_noise draws the documented noise, of standard deviation sigma, and clips into [0, 1]
X = np.full((2, 3, 3), 0.5)
out = add_noise(X, 0.1, 0)
expected = np.clip(X + 0.1 * np.random.default_rng(0).standard_normal(X.shape), 0, 1)
assert np.shape(out) == X.shape, f"out should keep the shape of X, {X.shape}, got {np.shape(out)}"
for n in range(2):
    assert np.allclose(out[n], expected[n]), (
        f"with sigma=0.1 and rng=0, image {n} of the two should be\n{np.round(expected[n], 4)}\ngot\n"
        f"{np.round(out[n], 4)}\ndraw the noise as sigma * np.random.default_rng(rng).standard_normal(X.shape): "
        "one value per pixel of every image, in one call")
big = np.full((100, 28, 28), 0.5)
noise = add_noise(big, 0.05, 1) - big
assert abs(noise.std() - 0.05) < 0.002 and abs(noise.mean()) < 0.002, (
    f"noise with sigma=0.05 should have mean 0 and standard deviation 0.05, got mean {noise.mean():.4f} "
    f"and std {noise.std():.4f}: sigma is the standard deviation, not the variance")
out = add_noise(np.ones((1, 28, 28)), 0.5, 2)
assert out.min() >= 0.0 and out.max() <= 1.0, (
    f"pixels must stay in [0, 1], got {out.min():.3f} .. {out.max():.3f}: clip after adding the noise")
out32 = add_noise(np.full((1, 4, 4), 0.5, dtype=np.float32), 0.1, 3)
assert out32.dtype == np.float32, (
    f"float32 images should come back float32, got {out32.dtype}: the noise is drawn in float64, so cast "
    "it (or the result) to X.dtype")
print("test_add_noise passed")

# %% [markdown]
# **A look at the augmented letters.** `augment` turns each image by up to $\pm 10°$, shifts it by up
# to 2 pixels each way and adds noise of $\sigma = 0.05$, with random amounts drawn from one
# generator.

# %%
def augment(X, rng, max_degrees=10.0, max_shift=2, sigma=0.05):
    """Randomly rotate, shift and add noise to images (N, H, W); the same rng gives the same result."""
    N = X.shape[0]
    X = rotate_images(X, rng.uniform(-max_degrees, max_degrees, size=N))
    dy, dx = rng.integers(-max_shift, max_shift + 1, size=(2, N))  # (N,) each
    X = shift_images(X, dy, dx)
    return add_noise(X, sigma, rng)


try:
    demo_rng = np.random.default_rng(0)
    fig, axes = plt.subplots(3, 8, figsize=(10, 4))
    for row in range(3):
        images = X_train[:8] if row == 0 else augment(X_train[:8], demo_rng)
        for ax, image in zip(axes[row], images):
            ax.imshow(image, cmap="gray_r", vmin=0, vmax=1)
            ax.set(xticks=[], yticks=[])
        axes[row, 0].set_ylabel("original" if row == 0 else f"augmented {row}")
    fig.suptitle("Eight training letters and two random augmentations of each")
    plt.show()
except NotImplementedError as err:
    print(f"skipped: write the augmentation functions first ({err!r})")

# %% [markdown]
# Every variant is still clearly the same letter, just a little moved, tilted or grainy: label
# preserving, as an augmentation must be.
#
# **Experiment.** Each epoch now trains on a fresh augmented copy of the 500 images.

# %%
run("augmentation", RegularizedNet(), augment=augment)
plot_runs(["no regularisation", "augmentation"], "Data augmentation")

# %% [markdown]
# This is the cure that works best here. The network never sees the same image twice, so it cannot
# memorise the 500 originals: its accuracy on them (the dashed curve, measured on the unaugmented
# images) stays near 90%. Validation accuracy ends several points above the baseline, and its loss
# keeps falling after the baseline's has stopped: the network was made to learn what stays the
# same under small shifts and turns, which is what distinguishes letters. Both curves are still
# rising at epoch 40, and they jump around more than the baseline's, because every epoch trains
# on different images.

# %% [markdown]
# ## 6. Early stopping
#
# The validation curves above peak and then flatten or decline. *Early stopping* watches the
# validation score after every epoch, remembers the parameters of the best epoch so far, and stops
# once `patience` epochs have passed without improvement; the parameters kept are those of the
# best epoch, not the last. It also saves the time of all the epochs after it.
#
# Your function replays the rule on a list of validation scores, one per epoch (higher is
# better), numbering epochs from 0:
#
# - epoch 0 is the first best; a later epoch **improves** when its score is *strictly* greater
#   than the best so far plus `min_delta` (a tie is not an improvement);
# - training **stops** after the first epoch $e$ with $e - \text{best epoch} \ge$ `patience`;
#   if there is none, it stops after the last epoch;
# - the result is `(best_epoch, stop_epoch)`, where `best_epoch` is the best epoch *up to the
#   stop*: scores after `stop_epoch` were never seen, so they do not count.
#
# `fit` above calls it after every epoch with the scores so far, copies the parameters whenever
# the current epoch is the best, and restores them at the end.

# %% nbgrader={"grade": false, "grade_id": "early_stopping", "locked": false, "schema_version": 3, "solution": true}
def early_stopping(val_scores, patience, min_delta=0.0):
    """Find the epoch at which early stopping stops, and the best epoch up to then.

    Inputs:
    - val_scores: the validation score of each epoch, a sequence of E >= 1 numbers (higher is
      better); epochs are numbered 0 .. E - 1.
    - patience: how many epochs without improvement are tolerated, an integer >= 1.
    - min_delta: an epoch improves when its score > best so far + min_delta.

    Returns (best_epoch, stop_epoch), two ints: stop_epoch is the first epoch e with
    e - (best epoch so far) >= patience, or E - 1 if there is none; best_epoch is the last epoch
    that improved up to and including stop_epoch (0 if none did).
    """
    ### BEGIN SOLUTION
    scores = np.asarray(val_scores, dtype=np.float64).reshape(-1)
    best_epoch, best = 0, scores[0]
    for epoch in range(1, len(scores)):
        if scores[epoch] > best + min_delta:
            best_epoch, best = epoch, scores[epoch]
        elif epoch - best_epoch >= patience:
            return best_epoch, epoch
    return best_epoch, len(scores) - 1
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_early_stopping", "locked": true, "points": 2, "schema_version": 3, "solution": false}
# early_stopping stops `patience` epochs after the last improvement, returns the best epoch seen
# up to then (not the overall best, nor the last), ignores ties and honours min_delta
scores = [0.50, 0.60, 0.65, 0.64, 0.66, 0.63, 0.62, 0.61, 0.70]
result = early_stopping(scores, 3)
assert tuple(int(v) for v in result) == (4, 7), (
    f"early_stopping({scores}, patience=3) should be (4, 7): the last improvement is epoch 4 (0.66), "
    f"epochs 5, 6, 7 do not improve, so it stops after epoch 7 and epoch 8 is never seen; got {result}. "
    "Count epochs from 0; the best epoch is the best before the stop, not the overall best or the last")
result = early_stopping([0.5, 0.5, 0.5, 0.5], 2)
assert tuple(int(v) for v in result) == (0, 2), (
    f"with equal scores [0.5, 0.5, 0.5, 0.5] and patience 2 the answer is (0, 2): a tie is not an improvement, "
    f"got {result}; compare with > , not >=")
result = early_stopping([0.1, 0.2, 0.3], 2)
assert tuple(int(v) for v in result) == (2, 2), (
    f"scores that improve every epoch never trigger the stop: (2, 2) for [0.1, 0.2, 0.3], got {result}")
result = early_stopping([0.50, 0.505, 0.51, 0.49], 2, min_delta=0.02)
assert tuple(int(v) for v in result) == (0, 2), (
    f"with min_delta=0.02 neither 0.505 nor 0.51 improves on 0.50 by more than 0.02, so the answer is (0, 2), "
    f"got {result}")
print("test_early_stopping passed")

# %% [markdown]
# **Experiment.** The unregularised network again, stopped with a patience of 5 epochs.

# %%
run("early stopping", RegularizedNet(), patience=5)
plot_runs(["no regularisation", "early stopping"], "Early stopping")
if "early stopping" in results:
    print("best epoch (counting from 1):", results["early stopping"]["best_epoch"] + 1,
          "of", len(results["early stopping"]["val_acc"]), "trained")

# %% [markdown]
# The two runs are the same until early stopping ends its run, 5 epochs after the last improvement
# of validation accuracy and before the 40 epochs are up; the model kept is the one from the best
# epoch (the dotted line). Its validation accuracy is the best
# the baseline reached; early stopping cannot do better than the run it watches, but it is free
# and saves the wasted epochs.

# %% [markdown]
# ## 7. The results side by side
#
# Validation accuracy of the model each method ends with (for early stopping, the restored best
# epoch), and the test accuracy of the best of them. The test set is used exactly once, for the
# method chosen on validation: choosing by test accuracy would make it one more validation set.

# %%
print(f"{'method':>20} | {'epochs':>6} | {'train acc':>9} | {'val acc':>7} | {'seconds':>7}")
for name, h in results.items():
    train_acc = float(np.mean(h["model"].loss(X_train).argmax(axis=1) == y_train))
    print(f"{name:>20} | {len(h['val_acc']):>6} | {train_acc:>9.3f} | {h['final_val']:>7.3f} | {h['seconds']:>7.1f}")
if results:
    best = max(results, key=lambda k: results[k]["final_val"])
    test_acc = float(np.mean(results[best]["model"].loss(X_test).argmax(axis=1) == y_test))
    print(f"\nbest on validation: {best}; its test accuracy: {test_acc:.3f}")
print(f"all training took {time.perf_counter() - t_start:.0f} s")

# %% [markdown]
# **Question.** Rank the cures by how much they helped here, and explain the ranking in terms of
# what each one does. Would you expect the same ranking with 20,000 training images instead of
# 500? (Three to six sentences.)

# %% [markdown] nbgrader={"grade": true, "grade_id": "q_ranking", "locked": false, "points": 1, "schema_version": 3, "solution": true}
# ### BEGIN SOLUTION
# Augmentation helped most by far, then dropout and early stopping by a point or so; the weight
# penalties changed validation accuracy by less than the noise of the measurement. Augmentation is the
# only method that adds information: it tells the network which changes (small shifts, tilts,
# noise) do not change the letter, exactly the variation between the few training images and the
# validation ones. Dropout, L2 and L1 only restrict how the network may fit the same 500 images,
# and early stopping just picks a point on the same training run; they make the network less
# confident when wrong more than they make it right. With 20,000 images the network over-fits far
# less, so every cure has less to win and too much regularisation would start to cost accuracy
# (under-fitting); augmentation would still help some, the penalties hardly at all.
# ### END SOLUTION

# %% [markdown]
# ## 8. Wrap-up
#
# You wrote the two weight penalties with their gradients, inverted dropout forward and backward,
# three label-preserving image transformations and the early-stopping rule, and saw what each does
# to the train and validation curves of a network trained on too few images. From now on they live
# in `utils.regularization` (`l2_penalty`, `l1_penalty`, `dropout_forward`, `dropout_backward`,
# `shift_images`, `rotate_images`, `add_noise`, `augment`, `early_stopping`, and an
# `EarlyStopping` helper that keeps the best parameters), with `RegularizedNet`, a
# `FullyConnectedNet` with dropout and penalties. Next, in assignment 08, batch normalisation,
# which speeds up training and, as a side effect, regularises a little too.
