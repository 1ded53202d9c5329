# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Assignment 04: from a threshold neuron to logistic regression
#
# This notebook follows the first neural classifiers in the order they were invented, and asks of
# each one the same two questions: what can it represent, and how is it trained?
#
# 1. **The McCulloch-Pitts neuron** (1943): a weighted sum of inputs and a threshold. You choose
#    its weights by hand, and it computes logic gates.
# 2. **Rosenblatt's perceptron** (1958): the same unit, but the weights are *learnt* from labelled
#    examples by a simple correction rule. It provably finds a separating line when one exists,
#    and never stops trying when none does.
# 3. **Empirical risk minimisation**: training as making the average loss on the data small. The
#    natural loss, "was the answer wrong?" (the 0-1 loss), has no useful gradient, so we replace it
#    with smooth *surrogate* losses of the margin.
# 4. **Binary logistic regression**: a sigmoid instead of the hard threshold and cross-entropy
#    instead of the 0-1 loss, trained by gradient descent.
#
# You will write eight functions in numpy: `mcculloch_pitts`, `logic_gate`, `perceptron_train`,
# `margin_loss`, `empirical_risk`, `sigmoid`, `bce_with_logits` and `logistic_step`.
#
# **How to check your work.** Run each function's cell, then the test cell under it. A passing test
# prints a line ending in `passed`; a failing one stops with a message saying what it expected,
# what it got and where to look. The grader runs hidden tests of the same functions on other
# inputs, including extreme ones, so follow the docstrings, not only the examples.
#
# **Conventions.** $N$ samples, $D$ features; a data set is `X` of shape $(N, D)$ and labels `y`
# of shape $(N,)$ with values in $\{0, 1\}$. Where a formula needs a sign we use the target
# $t = 2y - 1 \in \{-1, +1\}$. A linear unit computes the *score* $s = w^\top x + b$, and the
# *margin* of a sample is $m = t\,s$: positive when the sample is on its own class's side.

# %% nbgrader={"grade": false, "grade_id": "setup", "locked": true, "schema_version": 3, "solution": false}
import time
import warnings

import matplotlib.pyplot as plt
import numpy as np

from utils.gradcheck import check_gradient, numerical_gradient
from utils.plotting import plot_curves, plot_decision_boundary
from utils.synthetic import linearly_separable, xor

# %% [markdown]
# ## 1. The McCulloch-Pitts neuron
#
# McCulloch and Pitts modelled a neuron as a unit that receives binary signals $x_1, \dots, x_D$,
# weighs each one ($w_i > 0$ excites, $w_i < 0$ inhibits), and *fires* when the total reaches a
# threshold $\theta$:
#
# $$f(x) = \begin{cases} 1 & \text{if } \sum_{i=1}^{D} w_i x_i \ge \theta, \\ 0 & \text{otherwise.} \end{cases}$$
#
# Geometrically, the inputs where $w^\top x = \theta$ form a line (in $D$ dimensions, a
# hyperplane). The unit fires on one side of it, including on the line itself, and stays silent on
# the other. For $N$ inputs stacked as the rows of `X`, all the weighted sums are `X @ w` at once.

# %% nbgrader={"grade": false, "grade_id": "mcculloch_pitts", "locked": false, "schema_version": 3, "solution": true}
def mcculloch_pitts(X, w, theta):
    """Fire (1) where the weighted sum of the inputs reaches the threshold, else stay silent (0).

    Inputs:
    - X: inputs, shape (N, D), usually 0/1.
    - w: weights, shape (D,); negative weights are inhibitory.
    - theta: the threshold, a number.

    Returns an integer array of shape (N,): 1 where X @ w >= theta, else 0.
    """
    ### BEGIN SOLUTION
    sums = np.asarray(X) @ np.asarray(w)  # (N,)
    return (sums >= theta).astype(np.int64)
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_mcculloch_pitts", "locked": true, "points": 1, "schema_version": 3, "solution": false}
# mcculloch_pitts fires exactly where X @ w >= theta, a sum equal to theta included, as integers
X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]])
w = np.array([2.0, -1.0])  # x1 excites, x2 inhibits
# weighted sums: 0, -1, 2, 1; against theta = 1 only the last two reach it
out = mcculloch_pitts(X, w, 1.0)
assert np.shape(out) == (4,), f"mcculloch_pitts of 4 inputs should return shape (4,), got {np.shape(out)}"
assert np.asarray(out).dtype.kind in "iu", (
    f"mcculloch_pitts should return integers 0/1, got dtype {np.asarray(out).dtype}: "
    "turn the comparison's booleans into integers with .astype(int)")
assert np.array_equal(out, [0, 0, 1, 1]), (
    f"weighted sums 0, -1, 2, 1 against theta = 1 should give [0 0 1 1], got {out}: "
    "fire where X @ w >= theta (a sum equal to theta fires too)")
out = mcculloch_pitts(X, w, 0.0)
assert np.array_equal(out, [1, 0, 1, 1]), (
    f"the same sums against theta = 0 should give [1 0 1 1], got {out}: "
    "compare the weighted sum with theta itself, with >=")
print("test_mcculloch_pitts passed")

# %% [markdown]
# **Logic gates.** With 0/1 inputs, a single unit computes AND, OR and their negations if you pick
# the weights and the threshold well. AND on two inputs, for instance, can take $w = (1, 1)$ and
# $\theta = 2$: the sum reaches 2 only when both inputs are on. Any $\theta$ in $(1, 2]$ works, and
# $\theta = 1.5$, halfway between the sums that must fire and those that must not, keeps the line
# clear of all four inputs. Write `logic_gate`, which returns such a choice for any number of
# inputs. NOT has one input and must fire when that input is 0 (a negative weight helps). XOR has
# no such choice at all (this section ends with the reason), so `logic_gate("xor")` raises
# `ValueError`.

# %% nbgrader={"grade": false, "grade_id": "logic_gate", "locked": false, "schema_version": 3, "solution": true}
def logic_gate(name, n_inputs=2):
    """Choose the weights and threshold of a McCulloch-Pitts unit computing a logic gate.

    Inputs:
    - name: "and", "or", "nand", "nor" (on `n_inputs` inputs) or "not" (always one input).
    - n_inputs: number of inputs, at least 1; ignored for "not".

    Returns (w, theta): w of shape (n_inputs,) (shape (1,) for "not") and a number, such that
    mcculloch_pitts(X, w, theta) is the gate's truth table on every 0/1 input X.
    Raises ValueError for "xor", which no single threshold unit computes, and for unknown names.
    """
    ### BEGIN SOLUTION
    # each threshold sits halfway between the sums that must fire and those that must not
    if name == "not":
        return np.array([-1.0]), -0.5  # -x >= -0.5 only for x = 0
    if name == "and":
        return np.ones(n_inputs), n_inputs - 0.5  # all n inputs on
    if name == "or":
        return np.ones(n_inputs), 0.5  # at least one on
    if name == "nand":
        return -np.ones(n_inputs), -(n_inputs - 0.5)  # at most n - 1 on
    if name == "nor":
        return -np.ones(n_inputs), -0.5  # none on
    raise ValueError(f"no single threshold unit computes {name!r}")
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_logic_gates", "locked": true, "points": 1, "schema_version": 3, "solution": false}
# logic_gate's (w, theta) make a threshold unit compute each gate's truth table, and XOR is refused
def fires(X, w, theta):
    """The threshold unit, written here so that this test does not depend on your mcculloch_pitts."""
    return (np.asarray(X) @ np.asarray(w, dtype=float) >= theta).astype(int)


two = np.array([[0, 0], [0, 1], [1, 0], [1, 1]])
tables = {"and": [0, 0, 0, 1], "or": [0, 1, 1, 1], "nand": [1, 1, 1, 0], "nor": [1, 0, 0, 0]}
for name, table in tables.items():
    w, theta = logic_gate(name)
    assert np.shape(w) == (2,), f"logic_gate({name!r}) should return w of shape (2,), got {np.shape(w)}"
    got = fires(two, w, theta)
    assert np.array_equal(got, table), (
        f"logic_gate({name!r}) returned w = {w}, theta = {theta}; on inputs 00, 01, 10, 11 the unit "
        f"gives {got}, expected {table}: write down the weighted sum for each input and pick theta between "
        "the sums that must fire and those that must not")
three = np.array([[a, b, c] for a in (0, 1) for b in (0, 1) for c in (0, 1)])
w, theta = logic_gate("and", 3)
assert np.shape(w) == (3,), f"logic_gate('and', 3) should return w of shape (3,), got {np.shape(w)}"
assert np.array_equal(fires(three, w, theta), [0] * 7 + [1]), (
    f"logic_gate('and', 3) returned w = {w}, theta = {theta}, which is not AND of 3 inputs: "
    "the threshold must grow with n_inputs")
w, theta = logic_gate("not")
assert np.shape(w) == (1,), f"logic_gate('not') should return w of shape (1,), one input, got {np.shape(w)}"
assert np.array_equal(fires([[0], [1]], w, theta), [1, 0]), (
    f"logic_gate('not') returned w = {w}, theta = {theta}; NOT should fire for input 0 only: "
    "use a negative weight")
try:
    logic_gate("xor")
except ValueError:
    pass
else:
    raise AssertionError("logic_gate('xor') should raise ValueError: no single threshold unit computes XOR")
try:
    logic_gate("nxor")
except ValueError:
    pass
else:
    raise AssertionError("logic_gate('nxor') should raise ValueError for a name it does not know, "
                         "not fall through to one of the gates: check every name, then raise")
print("test_logic_gates passed")

# %% [markdown]
# **Experiment: what the gates look like.** Each panel shades where a unit fires (red) or not
# (blue) over the square around the four binary inputs, draws its line $w^\top x = \theta$ in
# black, and marks the four inputs by their wanted output.

# %%
corners = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
units = {name: logic_gate(name) for name in ["and", "or"]}  # (w, theta) of each gate
fired = {name: mcculloch_pitts(corners, w, theta) for name, (w, theta) in units.items()}  # (4,) each


def describe(w, theta):
    """A unit's weights and threshold for a title: 'w = (1, 1), θ = 1.5'."""
    return f"w = ({', '.join(f'{v:g}' for v in w)}), θ = {theta:g}"


fig, axes = plt.subplots(1, 3, figsize=(12, 3.8))
for ax, (name, (w, theta)) in zip(axes[:2], units.items()):
    plot_decision_boundary(ax, lambda P: mcculloch_pitts(P, w, theta), corners, fired[name],
                           title=f"{name.upper()}: {describe(w, theta)}")
w, theta = units["or"]
plot_decision_boundary(axes[2], lambda P: mcculloch_pitts(P, w, theta), corners, np.array([0, 1, 1, 0]),
                       title="XOR's targets against the OR unit")
axes[0].legend(loc="upper left")
plt.tight_layout()
plt.show()

# %% [markdown]
# AND's line cuts off the corner $(1, 1)$ alone and OR's line cuts off $(0, 0)$ alone; XOR's two
# class-1 inputs (orange) sit on opposite corners, and the OR unit wrongly fires on $(1, 1)$.
#
# **Why no unit computes XOR.** Silence at $(0, 0)$ needs $0 < \theta$. Firing at $(1, 0)$ and
# $(0, 1)$ needs $w_1 \ge \theta$ and $w_2 \ge \theta$. Adding the two, $w_1 + w_2 \ge 2\theta >
# \theta$, so the unit fires at $(1, 1)$ as well. No single line puts the diagonal corners on one
# side and the other two on the other.

# %% [markdown]
# ## 2. Rosenblatt's perceptron
#
# Rosenblatt kept the threshold unit but wrote the threshold as a bias, $b = -\theta$, so the unit
# predicts class 1 when its score $s = w^\top x + b$ is positive, and he *learnt* $w$ and $b$ from
# labelled examples. With targets $t_n = 2y_n - 1$, sample $n$ is classified correctly when its
# margin $t_n s_n$ is positive. The algorithm starts from $w = 0$, $b = 0$, and visits the samples
# one at a time:
#
# $$\text{if } t_n\,(w^\top x_n + b) \le 0: \qquad w \leftarrow w + t_n x_n, \qquad b \leftarrow b + t_n .$$
#
# A mistake turns and shifts the line in the sample's favour: the new margin of that sample is the
# old one plus $\lVert x_n \rVert^2 + 1$. A margin of exactly 0 (on the line, as every sample is at
# the start) counts as a mistake, or the algorithm would never move. One pass over all $N$ samples
# is an *epoch*; we count the mistakes in each epoch and stop after the first epoch with none,
# since then every sample is on its side of the line.
#
# **Convergence theorem** (Block and Novikoff, 1962). Suppose some line separates the data with
# room to spare: there is a unit vector $(w^*, b^*)$ with $t_n (w^{*\top} x_n + b^*) \ge \gamma > 0$
# for every sample (the *margin* $\gamma$), and let $R = \max_n \lVert (x_n, 1) \rVert$ be the
# size of the data, the 1 standing for the bias. Then the perceptron makes at most
#
# $$\left(\frac{R}{\gamma}\right)^2$$
#
# mistakes in total, in any order of the samples, and so stops. In words: each mistake pushes
# $(w, b)$ a fixed amount along $(w^*, b^*)$ while its length grows only like the square root of
# the number of mistakes, and a vector cannot keep up both for long. A wide gap relative to the
# spread of the data means few mistakes. When no separating line exists there is always another
# mistake to make, and the perceptron never stops.
#
# **Order.** The result depends on the order of the visits. Your function visits the samples in
# index order when `seed` is None; otherwise it makes one generator before the first epoch,
# `rng = np.random.default_rng(seed)`, and visits the samples in the order `rng.permutation(N)`,
# drawn anew at the start of each epoch. The grader compares your weights with ours for a given
# seed, so draw exactly that and nothing else from `rng`.

# %% nbgrader={"grade": false, "grade_id": "perceptron_train", "locked": false, "schema_version": 3, "solution": true}
def perceptron_train(X, y, max_epochs=100, seed=None):
    """Train a perceptron with Rosenblatt's rule, starting from w = 0 and b = 0.

    Each epoch visits every sample once: in index order if seed is None, otherwise in the order
    rng.permutation(N) drawn at the start of the epoch from one generator
    rng = np.random.default_rng(seed) made before the first epoch. A sample with target
    t = 2y - 1 is a mistake when t * (w @ x + b) <= 0; then w += t * x and b += t. Stop after the
    first epoch without a mistake, or after max_epochs epochs.

    Inputs:
    - X: inputs, shape (N, D).
    - y: labels in {0, 1}, shape (N,).
    - max_epochs: the most passes over the data.
    - seed: None for index order, or an int seeding the shuffles.

    Returns (w, b, mistakes): w float64 of shape (D,), b a float, and mistakes an integer array
    of shape (E,) with the number of mistakes in each of the E epochs run.
    """
    ### BEGIN SOLUTION
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
            if t[i] * (X[i] @ w + b) <= 0:  # wrong side, or on the line
                w += t[i] * X[i]
                b += float(t[i])
                count += 1
        mistakes.append(count)
        if count == 0:
            break
    return w, b, np.array(mistakes, dtype=np.int64)
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_perceptron", "locked": true, "points": 3, "schema_version": 3, "solution": false}
# perceptron_train follows the update rule on a traceable example, stops after an epoch without
# mistakes, never stops on XOR, and is reproducible for a seed
X = np.array([[1.0, 1.0], [2.0, 0.0], [0.0, -1.0], [-1.0, 0.0]])
y = np.array([1, 1, 0, 0])
# epoch 1: sample 0 has score 0, a mistake: w = (1, 1), b = 1.  Sample 1: score 3, fine.
#          sample 2 (t = -1): score -1 + 1 = 0, a mistake: w = (1, 2), b = 0.  Sample 3: score -1, fine.
# epoch 2: scores 3, 2, -2, -1 are all on their side: no mistakes, stop.
result = perceptron_train(X, y)
assert isinstance(result, tuple) and len(result) == 3, (
    f"perceptron_train should return a tuple (w, b, mistakes), got {type(result).__name__}")
w, b, mistakes = result
assert np.shape(w) == (2,), f"w should have shape (D,) = (2,), got {np.shape(w)}"
assert isinstance(mistakes, np.ndarray) and mistakes.dtype.kind in "iu", (
    f"mistakes should be an integer numpy array, one count per epoch, got {type(mistakes).__name__}"
    f"{' of dtype ' + str(mistakes.dtype) if isinstance(mistakes, np.ndarray) else ''}: collect the counts "
    "in a list and return np.array(counts)")
assert mistakes.tolist() == [2, 0], (
    f"mistakes per epoch should be [2, 0] (two updates, then a clean epoch), got {mistakes.tolist()}: "
    "count a score of exactly 0 as a mistake (t * s <= 0), convert labels with t = 2y - 1, and stop "
    "only after an epoch with no mistakes")
assert np.allclose(w, [1.0, 2.0]) and np.isclose(b, 0.0), (
    f"after the updates w should be [1.0, 2.0] and b 0.0, got w = {np.asarray(w).tolist()}, b = {b}: "
    "on a mistake add t * x to w and t to b (follow the trace in the comments above)")

xor_X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
xor_y = np.array([0, 1, 1, 0])
_, _, mistakes = perceptron_train(xor_X, xor_y, max_epochs=10)
assert len(mistakes) == 10 and np.all(np.asarray(mistakes) > 0), (
    f"on XOR no line is right, so every one of the 10 epochs should have mistakes; got "
    f"{np.asarray(mistakes).tolist()}: keep going until max_epochs when an epoch still has mistakes")

X, y = linearly_separable(40, margin=0.3, rng=1)
w1, b1, m1 = perceptron_train(X, y, seed=7)
w2, b2, m2 = perceptron_train(X, y, seed=7)
assert np.array_equal(w1, w2) and b1 == b2 and np.array_equal(m1, m2), (
    "two runs with seed=7 gave different results: make one generator np.random.default_rng(seed) "
    "before the first epoch and draw rng.permutation(N) from it at the start of each epoch")
assert m1[-1] == 0 and np.all((2 * y - 1) * (X @ w1 + b1) > 0), (
    f"with seed=7 on a separable set the last epoch should have no mistakes and every margin should be "
    f"positive; mistakes per epoch were {np.asarray(m1).tolist()}")
print("test_perceptron passed")

# %% [markdown]
# **Experiment: the perceptron on separable data.** The set below has 100 points in two clouds,
# separated by a line that stays at least $0.05$ away from every point. The line does not
# pass through the origin, so the bias matters. Training stops after epoch $E$; running it again
# with `max_epochs=1` and `2` shows the line on its way.

# %%
X_sep, y_sep = linearly_separable(100, margin=0.05, offset=(2.0, 1.0), rng=2)
w_p, b_p, mistakes_sep = perceptron_train(X_sep, y_sep)
print(f"stopped after {len(mistakes_sep)} epochs; mistakes per epoch: {mistakes_sep.tolist()}, "
      f"{mistakes_sep.sum()} in all")
snapshots = {epochs: perceptron_train(X_sep, y_sep, max_epochs=epochs)[:2] for epochs in [1, 2, len(mistakes_sep)]}

fig, axes = plt.subplots(1, 4, figsize=(17, 3.8))
for ax, (epochs, (w_e, b_e)) in zip(axes[:3], snapshots.items()):
    plot_decision_boundary(ax, lambda P: (P @ w_e + b_e > 0).astype(int), X_sep, y_sep,
                           title=f"After {epochs} epoch{'s' * (epochs > 1)}")
axes[0].legend(loc="upper left")
plot_curves(axes[3], {"separable set": mistakes_sep}, "epoch", "mistakes in the epoch",
            "Mistakes per epoch", marker="o")
plt.tight_layout()
plt.show()

# %% [markdown]
# After one epoch the line already runs the right way but leaves part of the blue cloud on the red
# side. Each later epoch nudges it with the few points near the gap, until the 7th passes without a
# mistake and every point is on its own side. The count on the right falls to 0 there, though not
# steadily: epoch 6 made more mistakes than epoch 5.
#
# **The bound.** We know a separating line of this set, the one it was generated from, so we can
# evaluate the theorem's guarantee.

# %%
u = np.array([np.cos(0.6), np.sin(0.6)])  # the generator's normal (its default angle)
w_star = np.append(u, -u @ np.array([2.0, 1.0]))  # (w*, b*) through the offset (2, 1)
w_star /= np.linalg.norm(w_star)  # a unit vector, as the theorem wants
X_aug = np.column_stack([X_sep, np.ones(len(X_sep))])  # (N, 3): the bias as a constant input
gamma = np.min((2 * y_sep - 1) * (X_aug @ w_star))
R = np.max(np.linalg.norm(X_aug, axis=1))
total = perceptron_train(X_sep, y_sep)[2].sum()  # the run above, again
print(f"R = {R:.2f}, gamma = {gamma:.4f}: at most (R/gamma)^2 = {(R / gamma) ** 2:,.0f} mistakes; made {total}")

# %% [markdown]
# Why is $\gamma$ only 0.0397 when every point is at least 0.05 from the line? Two things happen.
# The generator promises *at least* 0.05; the point closest to this line actually lies 0.0966 from
# it. And the theorem measures the margin with the unit vector $(w^*, b^*)$ in three dimensions,
# bias included: $(u, -u^\top (2, 1))$ has length $\sqrt{1 + 2.215^2} \approx 2.43$, and dividing
# by it turns the distance 0.0966 in the plane into $0.0966 / 2.43 = 0.0397$: a line far from the
# origin needs a large bias, and in this sense the bias costs margin.
#
# The guarantee holds with plenty to spare: it has to cover the worst order of the samples, and
# our $\gamma$ belongs to one particular separating line, not to the widest one.
#
# **Experiment: XOR.** Now a cloud of 100 points around the four corners $(\pm 1, \pm 1)$, labelled
# 1 where the two coordinates have different signs, and the four points of the truth table itself.

# %%
X_xor, y_xor = xor(100, noise=0.25, rng=0)
X_table = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])  # XOR's truth table
y_table = np.array([0, 1, 1, 0])
w_x, b_x, mistakes_xor = perceptron_train(X_xor, y_xor, max_epochs=50)
_, _, mistakes_table = perceptron_train(X_table, y_table, max_epochs=50)
print(f"XOR cloud: {len(mistakes_xor)} epochs, fewest mistakes in an epoch {mistakes_xor.min()} of 100")
print(f"XOR truth table: mistakes in the first epochs {mistakes_table[:5].tolist()} of 4")

fig, axes = plt.subplots(1, 2, figsize=(10, 3.8))
plot_curves(axes[0], {"XOR cloud (100 points)": mistakes_xor / 100, "XOR truth table (4 points)": mistakes_table / 4,
                      "separable set (100 points)": mistakes_sep / 100},
            "epoch", "mistakes in the epoch / N", "Share of samples that were mistakes")
plot_decision_boundary(axes[1], lambda P: (P @ w_x + b_x > 0).astype(int), X_xor, y_xor,
                       title="XOR cloud: the perceptron after 50 epochs")
plt.tight_layout()
plt.show()

# %% [markdown]
# On both XOR sets the count never reaches 0 in 50 epochs, while the separable set reaches 0 after
# 7. On XOR it is even worse than guessing: each update undoes the previous one, so most visits
# are mistakes, and the line it happens to end on (right) cuts the cloud in half.

# %% [markdown]
# ## 3. Empirical risk: the 0-1 loss and its surrogates
#
# What we want from a classifier is a small *risk*, the expected loss over the data it will meet:
# $\mathcal{R}(w, b) = \mathbb{E}_{(x, y)}\big[\ell(t\, s(x))\big]$. That distribution is unknown,
# but the law of large numbers says the average over $N$ independent samples approaches the
# expectation. So we minimise the **empirical risk**
#
# $$\hat{\mathcal{R}}(w, b) = \frac{1}{N} \sum_{n=1}^{N} \ell(t_n s_n), \qquad s_n = w^\top x_n + b .$$
#
# For classification the loss we care about is the **0-1 loss** of the margin, 1 for a mistake and
# 0 otherwise, and its empirical risk is the error rate:
#
# $$\ell_{01}(m) = \mathbb{1}[m \le 0] .$$
#
# (A margin of exactly 0 counts as a mistake, as in the perceptron.) Its trouble is the gradient:
# $\ell_{01}$ is flat everywhere except at $m = 0$, where it jumps, so its derivative is 0 or
# undefined and gradient descent gets no direction from it. We train on a **surrogate**
# instead, a loss of the margin that has useful slopes:
#
# | name | $\ell(m)$ | where it comes from |
# |---|---|---|
# | perceptron | $\max(0, -m)$ | the perceptron: gradient steps of size 1 on it, one sample at a time, are Rosenblatt's updates |
# | hinge | $\max(0, 1 - m)$ | support vector machines: also punishes correct but narrow margins |
# | logistic | $\log(1 + e^{-m})$ | logistic regression (section 4); smooth everywhere |
# | squared | $(1 - m)^2 = (t - s)^2$ | least squares on targets $\pm 1$; also punishes margins *above* 1 |
#
# Logs are natural logs. $\log(1 + e^{-m})$ overflows for a margin of $-1000$ if written as it
# reads; `np.logaddexp(0, -m)` $= \log(e^0 + e^{-m})$ computes it safely.

# %% nbgrader={"grade": false, "grade_id": "margin_loss", "locked": false, "schema_version": 3, "solution": true}
def margin_loss(margins, kind):
    """Evaluate a loss of the margin m = t * s elementwise.

    Inputs:
    - margins: array of margins, any shape.
    - kind: "zero_one" 1[m <= 0], "perceptron" max(0, -m), "hinge" max(0, 1 - m),
      "logistic" log(1 + e^-m) (natural log, without overflow), "squared" (1 - m)^2.

    Returns a float64 array shaped like margins. Raises ValueError for an unknown kind.
    """
    ### BEGIN SOLUTION
    m = np.asarray(margins, dtype=np.float64)
    if kind == "zero_one":
        return (m <= 0).astype(np.float64)
    if kind == "perceptron":
        return np.maximum(0.0, -m)
    if kind == "hinge":
        return np.maximum(0.0, 1.0 - m)
    if kind == "logistic":
        return np.logaddexp(0.0, -m)  # log(e^0 + e^-m): no overflow
    if kind == "squared":
        return (1.0 - m) ** 2
    raise ValueError(f"unknown loss {kind!r}")
    ### END SOLUTION


# %% [markdown]
# `empirical_risk` turns labels into targets, scores into margins, and averages one of these losses.

# %% nbgrader={"grade": false, "grade_id": "empirical_risk", "locked": false, "schema_version": 3, "solution": true}
def empirical_risk(scores, y, kind="zero_one"):
    """Average a margin loss over a data set: (1/N) sum_n loss(t_n * s_n), with t = 2y - 1.

    Inputs:
    - scores: scores s, shape (N,).
    - y: labels in {0, 1}, shape (N,).
    - kind: the loss, as in margin_loss; "zero_one" gives the error rate.

    Returns a Python float.
    """
    ### BEGIN SOLUTION
    t = 2 * np.asarray(y) - 1  # (N,) in {-1, +1}
    margins = t * np.asarray(scores, dtype=np.float64)
    return float(np.mean(margin_loss(margins, kind)))
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_losses_and_risk", "locked": true, "points": 2, "schema_version": 3, "solution": false}
# margin_loss gives each loss's hand-computed values, stays finite at +-1000, and empirical_risk
# averages it over margins made from {0, 1} labels
m = np.array([-2.0, 0.0, 0.5, 1.0, 3.0])
expected = {
    "zero_one": [1.0, 1.0, 0.0, 0.0, 0.0],  # a margin of 0 is a mistake
    "perceptron": [2.0, 0.0, 0.0, 0.0, 0.0],
    "hinge": [3.0, 1.0, 0.5, 0.0, 0.0],
    "squared": [9.0, 1.0, 0.25, 0.0, 4.0],
    "logistic": [2.126928, 0.693147, 0.474077, 0.313262, 0.048587],  # log(1 + e^2), log 2, ...
}
for kind, values in expected.items():
    got = margin_loss(m, kind)
    assert np.shape(got) == m.shape, f"margin_loss(m, {kind!r}) should have m's shape {m.shape}, got {np.shape(got)}"
    assert np.asarray(got).dtype == np.float64, (
        f"margin_loss(m, {kind!r}) should return float64, got dtype {np.asarray(got).dtype}: "
        "turn the booleans of m <= 0 into numbers with .astype(np.float64)")
    assert np.allclose(got, values, atol=1e-6), (
        f"margin_loss([-2, 0, 0.5, 1, 3], {kind!r}) should be {values}, got {got}: "
        "check the formula in the table above (and for zero_one, m <= 0 counts as a mistake)")
got = margin_loss(np.array([-1000.0, 1000.0]), "logistic")
assert np.all(np.isfinite(got)) and np.allclose(got, [1000.0, 0.0]), (
    f"the logistic loss of margins [-1000, 1000] should be [1000, 0], got {got}: "
    "np.log(1 + np.exp(1000)) overflows; use np.logaddexp(0, -m)")
try:
    margin_loss(m, "cubic")
except ValueError:
    pass
else:
    raise AssertionError("margin_loss(m, 'cubic') should raise ValueError for an unknown kind")

scores = np.array([2.0, -1.0, -0.5, 0.0])
y = np.array([1, 1, 0, 0])  # targets +1, +1, -1, -1: margins 2, -1, 0.5, 0
risk = empirical_risk(scores, y)
assert np.isclose(risk, 0.5), (
    f"the 0-1 risk of margins [2, -1, 0.5, 0] is 2 mistakes / 4 = 0.5, got {risk}: turn labels into "
    "targets t = 2y - 1 before multiplying by the scores (with y itself every class-0 margin is 0, "
    "a mistake, and the risk comes out 0.75), and average (not sum) over the samples")
risk = empirical_risk(scores, y, "hinge")
assert np.isclose(risk, 0.875), (
    f"the hinge risk of margins [2, -1, 0.5, 0] is (0 + 2 + 0.5 + 1) / 4 = 0.875, got {risk}: "
    "use the kind argument, and the margins t * s with t = 2y - 1")
print("test_losses_and_risk passed")

# %% [markdown]
# **Experiment: the losses side by side.**

# %%
m = np.linspace(-3, 3, 601)
formulas = {"zero_one": r"0-1: $1[m \leq 0]$", "perceptron": r"perceptron: $\max(0, -m)$",
            "hinge": r"hinge: $\max(0, 1 - m)$", "logistic": r"logistic: $\log(1 + e^{-m})$",
            "squared": r"squared: $(1 - m)^2$"}  # kind: legend
curves = {formulas[kind]: (m, margin_loss(m, kind)) for kind in formulas}  # before the figure
fig, ax = plt.subplots(figsize=(6.5, 4))
plot_curves(ax, curves, "margin m = t s", "loss", "The 0-1 loss and its surrogates")
ax.set_ylim(-0.2, 4.5)
plt.show()

# %% [markdown]
# Unlike the flat steps of the 0-1 loss, every surrogate slopes down for negative margins, so
# pushing a misclassified sample towards its side lowers it; hinge, logistic and squared keep
# pushing while the margin is small and positive too. Hinge and squared lie on or above the 0-1
# loss everywhere (both touch it at $m = 0$ and $m = 1$), so their empirical risks are upper bounds
# on the error rate; the logistic loss does the same once divided by $\log 2$ (it is
# $\log 2 \approx 0.69$ at $m = 0$). Past $m = 1$ the squared loss rises again: it punishes samples
# for being *too* right.
#
# **Experiment: why the 0-1 risk cannot be trained on.** Take the separable set from section 2 and a
# family of lines through its centre, turned by an angle $\varphi$:
# $w = 3(\cos\varphi, \sin\varphi)$ with $b$ chosen so the line passes through the mean of the
# data. We plot three empirical risks as the line turns.

# %%
phis = np.linspace(0, 2 * np.pi, 721)
centre = X_sep.mean(axis=0)
labels = {"zero_one": "0-1 (error rate)", "hinge": "hinge", "logistic": "logistic"}  # kind: legend
risks = {kind: [] for kind in labels}
for phi in phis:
    w_phi = 3 * np.array([np.cos(phi), np.sin(phi)])
    s = (X_sep - centre) @ w_phi  # the line through the centre: b = -w @ centre
    for kind in risks:
        risks[kind].append(empirical_risk(s, y_sep, kind))
fig, axes = plt.subplots(1, 2, figsize=(12, 4))
plot_curves(axes[0], {labels[kind]: (phis, r) for kind, r in risks.items()}, "angle φ of w (radians)",
            "empirical risk", "Risks of lines through the data's centre")
near = (phis > 0.1) & (phis < 1.1)
plot_curves(axes[1], {labels[kind]: (phis[near], np.array(r)[near]) for kind, r in risks.items()},
            "angle φ of w (radians)", "empirical risk", "The same, near the best angle", marker=".")
plt.tight_layout()
plt.show()

# %% [markdown]
# The 0-1 risk (blue) is a staircase, clearest in the zoom on the right: between the angles where
# a point changes sides it is flat, so its gradient is 0 and tells gradient descent nothing. The
# hinge and logistic risks slope smoothly down to about the same best angle (near $0.6$ rad, the
# generator's normal), so gradient descent on them finds it.

# %% [markdown]
# ## 4. Binary logistic regression
#
# To train by gradient descent we make both halves of the unit smooth. The hard threshold becomes
# the **sigmoid**, read as the probability of class 1:
#
# $$p = \sigma(s) = \frac{1}{1 + e^{-s}}, \qquad \sigma(-s) = 1 - \sigma(s), \qquad
#   \sigma'(s) = \sigma(s)\,\big(1 - \sigma(s)\big).$$
#
# **Overflow.** For $s = -1000$, $e^{-s} = e^{1000}$ is `inf` with an overflow warning (the
# result 0 happens to be right), and the equivalent $e^{s} / (1 + e^{s})$ gives `inf / inf = nan`
# for $s = 1000$. Only ever exponentiate a non-positive number: with $e = e^{-|s|} \in (0, 1]$,
#
# $$\sigma(s) = \frac{1}{1 + e} \text{ for } s \ge 0, \qquad \sigma(s) = \frac{e}{1 + e} \text{ for } s < 0 .$$
#
# `np.where(cond, a, b)` evaluates both `a` and `b` everywhere, so give it these two safe branches,
# not the two unsafe formulas. Keep float32 as float32 (the hidden tests also try float16, whose
# `exp` overflows already above 11). The second form also keeps small probabilities accurate;
# `1 - (a number close to 1)` would round them to 0.

# %% nbgrader={"grade": false, "grade_id": "sigmoid", "locked": false, "schema_version": 3, "solution": true}
def sigmoid(z):
    """Compute 1 / (1 + e^-z) elementwise without overflow.

    Inputs:
    - z: array, any shape. Float input keeps its dtype; integer input gives float64.

    Returns an array shaped like z with entries in [0, 1].
    """
    ### BEGIN SOLUTION
    z = np.asarray(z)
    if not np.issubdtype(z.dtype, np.floating):
        z = z.astype(np.float64)
    e = np.exp(-np.abs(z))  # in (0, 1]: cannot overflow
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_sigmoid", "locked": true, "points": 1, "schema_version": 3, "solution": false}
# sigmoid gives hand-computed values, is accurate in the tails, never overflows, and keeps float32
z = np.array([0.0, np.log(3.0), -np.log(3.0)])
p = sigmoid(z)
assert np.allclose(p, [0.5, 0.75, 0.25], rtol=1e-12), (
    f"sigmoid([0, log 3, -log 3]) should be [1/2, 1/(1 + 1/3), 1/(1 + 3)] = [0.5, 0.75, 0.25], got {p}")
tail = sigmoid(np.array([-40.0]))[0]
assert np.isclose(tail, np.exp(-40.0) / (1 + np.exp(-40.0)), rtol=1e-9, atol=0), (
    f"sigmoid(-40) should be e^-40 / (1 + e^-40) = 4.248e-18, got {tail:.4g}: for negative z compute "
    "e^z / (1 + e^z) directly, not 1 minus something close to 1")
with warnings.catch_warnings():
    warnings.simplefilter("error")  # an overflow warning from np.exp fails the test
    try:
        p = sigmoid(np.array([-1000.0, 1000.0]))
    except RuntimeWarning as err:
        raise AssertionError(
            f"sigmoid([-1000, 1000]) warned '{err}': only exponentiate -|z| (np.exp(-np.abs(z))), and "
            "remember np.where evaluates both of its branches everywhere") from None
assert np.array_equal(p, [0.0, 1.0]), f"sigmoid([-1000, 1000]) should be [0, 1], got {p}"
p32 = sigmoid(np.array([-100.0, 0.0, 100.0], dtype=np.float32))
assert p32.dtype == np.float32, (
    f"sigmoid of float32 input should return float32, got {p32.dtype}: don't convert float input to float64")
print("test_sigmoid passed")

# %% [markdown]
# **Binary cross-entropy from scores.** The loss of logistic regression is the cross-entropy of
# assignment 01 with two classes, probabilities $(1 - p, p)$ against labels $(1 - y, y)$:
#
# $$\ell = -y \log p - (1 - y) \log(1 - p).$$
#
# Written with $p = \sigma(s)$ it gets simpler. Since $\log \sigma(s) = -\log(1 + e^{-s})$ and
# $\log(1 - \sigma(s)) = -\log(1 + e^{s})$,
#
# $$\ell(s, y) = y \log(1 + e^{-s}) + (1 - y) \log(1 + e^{s}) = \log(1 + e^{s}) - y\,s ,$$
#
# which for both labels is $\log(1 + e^{-t s})$: the logistic loss of the margin from section 3.
# Computing $p$ first and then its log fails at the extremes: $\sigma(-1000)$ rounds to 0 and
# $\log 0 = -\infty$ (and $0 \cdot \log 0$ is `nan`). Instead use
# $\log(1 + e^{s}) = \max(s, 0) + \log(1 + e^{-|s|})$, where the exponential is at most 1
# (`np.log1p(x)` computes $\log(1 + x)$ accurately for small $x$).
#
# **Gradient.** Differentiating $\log(1 + e^{s}) - y s$ gives
# $\dfrac{\partial \ell}{\partial s} = \dfrac{e^{s}}{1 + e^{s}} - y = \sigma(s) - y$:
# predicted probability minus label, the two-class version of 01's $S - L$. The loss over a batch
# is the mean of the $N$ losses, so each entry of its gradient is divided by $N$.

# %% nbgrader={"grade": false, "grade_id": "bce_with_logits", "locked": false, "schema_version": 3, "solution": true}
def bce_with_logits(scores, y):
    """Compute the mean binary cross-entropy of sigmoid(scores) against labels, and its gradient.

    Inputs:
    - scores: logits s, shape (N,), any float dtype.
    - y: labels in {0, 1}, shape (N,).

    Returns a tuple (loss, dscores):
    - loss: (1/N) sum_n [log(1 + e^{s_n}) - y_n s_n], a Python float, finite for any finite scores.
    - dscores: the gradient of loss with respect to scores, (sigmoid(s) - y) / N, shape (N,).
    """
    ### BEGIN SOLUTION
    s = np.asarray(scores, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    n = s.shape[0]
    # log(1 + e^s) - y s with log(1 + e^s) = max(s, 0) + log(1 + e^-|s|): no overflow
    loss = np.mean(np.maximum(s, 0.0) - y * s + np.log1p(np.exp(-np.abs(s))))
    e = np.exp(-np.abs(s))
    p = np.where(s >= 0, 1 / (1 + e), e / (1 + e))  # sigmoid(s)
    return float(loss), (p - y) / n
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_bce_loss", "locked": true, "points": 2, "schema_version": 3, "solution": false}
# bce_with_logits gives the hand-computed mean loss and stays finite for scores of +-1000
scores = np.array([0.0, np.log(3.0), -np.log(3.0)])  # p = 0.5, 0.75, 0.25
y = np.array([1, 1, 0])
expected = (np.log(2.0) + 2 * np.log(4 / 3)) / 3  # -log 0.5, -log 0.75, -log(1 - 0.25); mean 0.4229
result = bce_with_logits(scores, y)
assert isinstance(result, tuple) and len(result) == 2, (
    f"bce_with_logits should return a tuple (loss, dscores), got {type(result).__name__}")
loss = result[0]
assert np.isclose(loss, expected, rtol=1e-9), (
    f"the loss should be (log 2 + 2 log(4/3)) / 3 = {expected:.6f}, got {loss}: average "
    "-y log p - (1 - y) log(1 - p) over the N samples")
loss, _ = bce_with_logits(np.array([1000.0, -1000.0, 1000.0, -1000.0]), np.array([1, 0, 0, 1]))
assert np.isfinite(loss) and np.isclose(loss, 500.0), (
    f"for scores [1000, -1000, 1000, -1000] and labels [1, 0, 0, 1] the losses are 0, 0, 1000, 1000 "
    f"with mean 500, got {loss}: compute log(1 + e^s) as max(s, 0) + log1p(exp(-|s|)), never log(sigmoid)")
print("test_bce_loss passed")

# %% nbgrader={"grade": true, "grade_id": "test_bce_grad", "locked": true, "points": 2, "schema_version": 3, "solution": false}
# dscores is (sigmoid(s) - y) / N: hand-computed, finite at +-1000, and equal to a numerical gradient
_, dscores = bce_with_logits(np.array([0.0, np.log(3.0), -np.log(3.0)]), np.array([1, 1, 0]))
expected = np.array([0.5 - 1, 0.75 - 1, 0.25 - 0]) / 3
assert np.shape(dscores) == (3,), f"dscores should have the shape of scores, (3,), got {np.shape(dscores)}"
assert np.allclose(dscores, expected, rtol=1e-9), (
    f"dscores should be (p - y) / N = {expected}, got {dscores}: check the sign (p - y, not y - p) "
    "and the division by N")
_, dscores = bce_with_logits(np.array([1000.0, -1000.0, 1000.0, -1000.0]), np.array([1, 0, 0, 1]))
assert np.allclose(dscores, [0.0, 0.0, 0.25, -0.25]), (
    f"for scores [1000, -1000, 1000, -1000] and labels [1, 0, 0, 1], dscores should be "
    f"[0, 0, 0.25, -0.25], got {dscores}: compute sigmoid without overflow")
rng = np.random.default_rng(0)
scores = rng.normal(size=6)
y = np.array([0, 1, 1, 0, 1, 0])
_, dscores = bce_with_logits(scores, y)
numeric = numerical_gradient(lambda s: bce_with_logits(s, y)[0], scores.copy())
try:
    check_gradient(dscores, numeric, name="dscores")
except AssertionError as err:
    raise AssertionError(f"{err}. Expected (sigmoid(scores) - y) / N: if the loss test passes, check the "
                         "sign (p - y) and the division by N; do not modify `scores` in place") from None
print("test_bce_grad passed")

# %% [markdown]
# **A gradient-descent step.** For a data set the scores are $s = Xw + b$, one per sample, and the
# chain rule carries the gradient from the scores to the parameters: each $s_n$ depends on $w$
# through $x_n$ and on $b$ with slope 1, so
#
# $$\frac{\partial \mathcal{L}}{\partial w} = X^\top \frac{\partial \mathcal{L}}{\partial s}
#   = \frac{1}{N} X^\top \big(\sigma(s) - y\big), \qquad
#   \frac{\partial \mathcal{L}}{\partial b} = \sum_n \frac{\partial \mathcal{L}}{\partial s_n}
#   = \frac{1}{N} \sum_n \big(\sigma(s_n) - y_n\big),$$
#
# and one step of gradient descent with learning rate $\eta$ is
# $w \leftarrow w - \eta\, \partial\mathcal{L}/\partial w$, $b \leftarrow b - \eta\, \partial\mathcal{L}/\partial b$.
# Compare with the perceptron: both add multiples of the samples to $w$, but here every sample
# contributes, weighted by how wrong its probability is, instead of only the mistakes with
# weight 1. `logistic_step` also returns the loss at the old parameters, for plotting.

# %% nbgrader={"grade": false, "grade_id": "logistic_step", "locked": false, "schema_version": 3, "solution": true}
def logistic_step(w, b, X, y, lr):
    """Take one full-batch gradient-descent step of binary logistic regression.

    The model is p = sigmoid(X @ w + b) and the loss the mean binary cross-entropy.

    Inputs:
    - w: weights, shape (D,); b: bias, a number.
    - X: inputs, shape (N, D), any float dtype; y: labels in {0, 1}, shape (N,).
    - lr: the learning rate.

    Returns (w_new, b_new, loss): w - lr * dw of shape (D,), b - lr * db as a float, and the loss
    at (w, b), before the step, as a float.
    """
    ### BEGIN SOLUTION
    w = np.asarray(w, dtype=np.float64)
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    n = X.shape[0]
    s = X @ w + b  # (N,)
    loss = np.mean(np.maximum(s, 0.0) - y * s + np.log1p(np.exp(-np.abs(s))))  # mean BCE
    e = np.exp(-np.abs(s))
    dscores = (np.where(s >= 0, 1 / (1 + e), e / (1 + e)) - y) / n  # (N,)
    dw = X.T @ dscores  # (D,)
    db = float(np.sum(dscores))
    return w - lr * dw, float(b) - lr * db, float(loss)
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_logistic_step", "locked": true, "points": 2, "schema_version": 3, "solution": false}
# logistic_step moves w and b against the gradient of the mean loss, which matches a numerical gradient
X = np.array([[1.0, 2.0], [-1.0, 0.0]])
y = np.array([1, 0])
# at w = 0, b = 0 both scores are 0, so p = 0.5 and p - y = [-0.5, 0.5]; the loss is log 2
# dw = X.T @ (p - y) / 2 = [-0.5, -0.5] and db = (-0.5 + 0.5) / 2 = 0
result = logistic_step(np.zeros(2), 0.0, X, y, lr=1.0)
assert isinstance(result, tuple) and len(result) == 3, (
    f"logistic_step should return a tuple (w_new, b_new, loss), got {type(result).__name__}")
w_new, b_new, loss = result
assert np.isclose(loss, np.log(2.0)), (
    f"the loss at w = 0, b = 0 should be log 2 = 0.6931, got {loss}: return the loss before the step")
assert np.allclose(w_new, [0.5, 0.5]) and np.isclose(b_new, 0.0), (
    f"one step with lr = 1 from w = 0, b = 0 should give w = [0.5, 0.5], b = 0, got w = {w_new}, "
    f"b = {b_new}: dw = X.T @ (p - y) / N and w_new = w - lr * dw (minus: we descend)")

rng = np.random.default_rng(1)
X = rng.normal(size=(5, 3))
y = np.array([1, 0, 0, 1, 1])
w, b = rng.normal(size=3), 0.3
w_before = w.copy()
w_new, b_new, _ = logistic_step(w, b, X, y, lr=1.0)  # with lr = 1 the step is minus the gradient
assert np.array_equal(w, w_before), (
    "logistic_step changed the caller's w in place (w -= ... or w += ...): the caller still needs the "
    "old w, so return a new array, w_new = w - lr * dw")
dw, db = w - w_new, b - b_new
numeric_w = numerical_gradient(lambda v: logistic_step(v, b, X, y, lr=0.0)[2], w.copy())
numeric_b = numerical_gradient(lambda v: logistic_step(w, v[0], X, y, lr=0.0)[2], np.array([b]))
try:
    check_gradient(dw, numeric_w, name="dw (w - w_new with lr = 1)")
    check_gradient(np.array([db]), numeric_b, name="db (b - b_new with lr = 1)")
except AssertionError as err:
    raise AssertionError(f"{err}. Expected dw = X.T @ (sigmoid(X @ w + b) - y) / N and db = the mean of "
                         "sigmoid(X @ w + b) - y: check the sigmoid, the division by N and the sign") from None
print("test_logistic_step passed")

# %% [markdown]
# **Experiment: training logistic regression.** We start from $w = 0$, $b = 0$ and take 300 steps
# with $\eta = 0.5$ on the separable set of section 2, and on the XOR cloud.

# %%
def train_logistic(X, y, steps=300, lr=0.5):
    """Full-batch gradient descent from w = 0, b = 0; return w, b and the loss before each step."""
    w, b, losses = np.zeros(X.shape[1]), 0.0, []
    for _ in range(steps):
        w, b, loss = logistic_step(w, b, X, y, lr)
        losses.append(loss)
    return w, b, losses


# %%
t0 = time.perf_counter()
w_lr, b_lr, losses_sep = train_logistic(X_sep, y_sep)
w_lx, b_lx, losses_xor = train_logistic(X_xor, y_xor)
acc_sep = np.mean((X_sep @ w_lr + b_lr > 0) == y_sep)
acc_xor = np.mean((X_xor @ w_lx + b_lx > 0) == y_xor)
print(f"separable: training accuracy {acc_sep:.0%}, final loss {losses_sep[-1]:.3f}")
print(f"XOR:       training accuracy {acc_xor:.0%}, final loss {losses_xor[-1]:.3f} (log 2 = {np.log(2):.3f})")
print(f"({time.perf_counter() - t0:.2f} s for 600 steps)")

fig, axes = plt.subplots(1, 3, figsize=(15, 4))
plot_decision_boundary(axes[0], lambda P: sigmoid(P @ w_lr + b_lr), X_sep, y_sep,
                       title="Separable set: p(class 1 | x)")
plot_decision_boundary(axes[1], lambda P: sigmoid(P @ w_lx + b_lx), X_xor, y_xor,
                       title="XOR cloud: p(class 1 | x)")
plot_curves(axes[2], {"separable set": losses_sep, "XOR cloud": losses_xor}, "gradient step",
            "mean cross-entropy", "Training loss")
axes[2].axhline(np.log(2), color="k", linestyle=":", linewidth=1, label="log 2")
axes[2].legend()
plt.tight_layout()
plt.show()

# %% [markdown]
# On the separable set the shading turns from blue to red across a band around the black line
# $p = 0.5$, and the loss keeps falling; on XOR the model can only tilt one line, its
# probabilities stay near 0.5 everywhere and the loss stalls at $\log 2$ (dotted), the loss of
# answering "50-50" to every sample.
#
# On separable data the loss has no minimum at all: making $w$ and $b$ longer pushes every margin
# further out and the loss closer to 0, so gradient descent would keep growing the weights forever.
# In practice we stop early or add a penalty on $\lVert w \rVert$ (assignment 07).

# %% [markdown]
# ## 5. Comparison with scikit-learn
#
# scikit-learn's `Perceptron` and `LogisticRegression` fit the same two models. We train ours and
# theirs on the separable set and measure accuracy on it and on 1,000 new samples from the same
# generator (another seed). scikit-learn's logistic regression adds a small penalty on $\lVert w \rVert^2$
# by default, so its weights differ from ours; the accuracies should not differ by much.

# %%
from sklearn.linear_model import LogisticRegression, Perceptron

w_p, b_p, _ = perceptron_train(X_sep, y_sep)  # ours again, so that this cell stands alone
w_lr, b_lr, _ = train_logistic(X_sep, y_sep)
X_new, y_new = linearly_separable(1000, margin=0.05, offset=(2.0, 1.0), rng=12)
sk_perceptron = Perceptron(max_iter=100, tol=None, shuffle=False).fit(X_sep, y_sep)
sk_logistic = LogisticRegression().fit(X_sep, y_sep)
rows = {
    "perceptron (ours)": lambda P: (P @ w_p + b_p > 0).astype(int),
    "Perceptron (scikit-learn)": sk_perceptron.predict,
    "logistic regression (ours)": lambda P: (P @ w_lr + b_lr > 0).astype(int),
    "LogisticRegression (scikit-learn)": sk_logistic.predict,
}
print(f"{'model':<36}{'train':>8}{'new data':>10}")
for name, predict in rows.items():
    print(f"{name:<36}{np.mean(predict(X_sep) == y_sep):>8.1%}{np.mean(predict(X_new) == y_new):>10.1%}")
same = np.allclose(sk_perceptron.coef_[0], w_p) and np.isclose(sk_perceptron.intercept_[0], b_p)
print(f"scikit-learn's perceptron found the same w and b as ours: {same}")

# %% [markdown]
# All four models classify the training set perfectly and score about the same on new data; the
# small differences come from where each one puts its line inside the narrow gap. Without
# shuffling, scikit-learn's `Perceptron` makes exactly Rosenblatt's updates in the same order, so it
# ends with the very same weights as yours.

# %% [markdown]
# ## 6. Questions
#
# **Question 1.** Neither the perceptron nor logistic regression learns XOR. Explain why, from the
# shape of the set where they predict class 1. Then describe one way to make XOR learnable:
# either a new input feature, or a second layer of McCulloch-Pitts units built from the gates
# you wrote in section 1 (give the weights). (Four to six sentences.)

# %% [markdown] nbgrader={"grade": true, "grade_id": "q_xor", "locked": false, "points": 2, "schema_version": 3, "solution": true}
# ### BEGIN SOLUTION
# Both models predict class 1 exactly where $w^\top x + b > 0$, a half-plane bounded by a straight
# line (logistic regression only softens the edge with the sigmoid); XOR puts its two classes on
# the two diagonals of a square, and section 1 showed that no line has one diagonal on each side.
# A new feature fixes this: with $x_3 = x_1 x_2$ the truth table becomes separable, e.g.
# $w = (1, 1, -2)$ and $\theta = 1$ fire for $01$ and $10$ (sum 1) but not for $00$ (sum 0) or $11$
# (sum 0). Or two layers: a hidden layer with an OR unit, $h_1 = [x_1 + x_2 \ge 1]$, and a NAND
# unit, $h_2 = [-x_1 - x_2 \ge -1]$, followed by an AND unit $[h_1 + h_2 \ge 2]$, since XOR is
# "at least one, but not both". The hidden units map the four inputs to points that one line
# separates; learning such hidden units by gradient descent is what assignment 05 does.
# ### END SOLUTION

# %% [markdown]
# **Question 2.** The quantity we really want small is the error rate, the empirical 0-1 risk.
# Why do we train logistic regression on the cross-entropy instead of running gradient descent on
# the 0-1 risk directly? Use the plot of risks against the angle $\varphi$. And why does the
# perceptron never need a learning rate? (Hint: it starts at $w = 0$, $b = 0$; what does a rate
# $\eta$ in the update change?) (Three to five sentences.)

# %% [markdown] nbgrader={"grade": true, "grade_id": "q_surrogate", "locked": false, "points": 2, "schema_version": 3, "solution": true}
# ### BEGIN SOLUTION
# The 0-1 risk is piecewise constant in the parameters: moving $w$ a little changes no prediction,
# so its gradient is 0 almost everywhere (and undefined at the jumps), which is the staircase in
# the plot; gradient descent would not move. The cross-entropy is smooth and keeps decreasing as
# margins grow, so its gradient points towards better lines, and because it bounds the 0-1 loss
# (after dividing by $\log 2$) making it small also makes the error rate small. For the
# perceptron, with a rate $\eta$ every update adds $\eta\, t_n x_n$ and $\eta\, t_n$, so starting
# from 0 the weights and bias are always $\eta$ times those of the rate-1 run; the sign of every
# score, hence every mistake and every decision, is the same, and only the length of $(w, b)$
# changes, which does not move the line.
# ### END SOLUTION

# %% [markdown]
# ## 7. Wrap-up
#
# You built the first classifiers: a threshold unit with hand-set weights, the perceptron that
# learns them and stops when the data are separable, the empirical risk with the 0-1 loss and its
# surrogates, and logistic regression, sigmoid and cross-entropy computed without overflow, with a
# gradient checked against numerical differences. All of them draw a straight line, which is why
# they fail on XOR.
#
# From now on these live in `utils.perceptron` (`mcculloch_pitts`, `logic_gate`,
# `perceptron_train`, `margin_loss`, `empirical_risk`, `sigmoid`, `bce_with_logits`,
# `logistic_step`), the 2-D data sets in `utils.synthetic` (`linearly_separable`, `xor`,
# `two_moons`, `circles`) and the plots in `utils.plotting`. Assignment 05 puts a hidden layer in
# front of the sigmoid unit and learns XOR.
