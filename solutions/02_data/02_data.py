# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Assignment 02: data you can trust
#
# Before training anything we have to prepare the data and decide how we will measure success.
# Both are easy to get subtly wrong, and a mistake here makes every later number meaningless. You
# will write seven numpy functions:
#
# 1. `standardize_fit` and `standardize_apply`: zero mean and unit variance per feature, with
#    statistics from the training set only;
# 2. `class_balance`: how many samples each class has;
# 3. `stratified_split`: hold out the same share of every class;
# 4. `find_exact_duplicates` and `find_near_duplicates`: images that sit in two splits at once;
# 5. `min_validation_size`: the "rule of 30", how many validation examples you need to trust a
#    change of accuracy.
#
# Along the way you will train scikit-learn's logistic regression on 50 to 20,000 images: the
# baseline that the classifiers you write from assignment 03 on have to beat.
#
# **How to check your work.** As in assignment 01: run a function's cell, then its test cell. A
# passing test prints a line ending in `passed`; a failing one says what it expected, what it got
# and where to look. The grader runs hidden tests on other inputs (other shapes, float32, single
# samples, ties), so write for any input the docstring allows.
#
# Shapes: $N$ samples, $D$ features per sample, images $(N, H, W)$, $K$ classes.

# %% nbgrader={"grade": false, "grade_id": "setup", "locked": true, "schema_version": 3, "solution": false}
import time

import matplotlib.pyplot as plt
import numpy as np

from utils.data import flatten, load_digits, load_letters

# %% [markdown]
# ## 1. Two data sets
#
# **Letters.** Ten classes, the letters A to J, as 28x28 grey images: the idea of notMNIST, letters
# cut from thousands of fonts. We cannot download notMNIST, so the course package draws the letters
# from the fonts that ship with matplotlib, then rotates, shears, thickens and adds noise to each
# image. 20,000 training, 2,000 validation and 2,000 test images; building them takes a few seconds
# the first time, after that they load from a cache.
#
# **Digits.** scikit-learn's 1,797 handwritten digits, 8x8 images, split 70/15/15 per class.
#
# In both, a pixel is a float between 0 (white) and 1 (black ink); the letters' background is a
# light grey with noise, not exactly 0.

# %%
t0 = time.perf_counter()
letters = load_letters()  # dict: X_train (20000, 28, 28), y_train (20000,), X_val, ..., classes
digits = load_digits()  # X_train (1259, 8, 8), X_val (269, 8, 8), X_test (269, 8, 8)
print(f"loaded in {time.perf_counter() - t0:.1f} s")
for name, d in (("letters", letters), ("digits", digits)):
    print(f"{name:>8}: " + ", ".join(f"{s} {d['X_' + s].shape}" for s in ("train", "val", "test")))

# %%
fig, axes = plt.subplots(4, 10, figsize=(10, 4.6))
for row, (d, first) in enumerate(((letters, 0), (letters, 1), (digits, 0), (digits, 1))):
    for k in range(10):
        idx = np.flatnonzero(d["y_train"] == k)[first]  # the first (or second) training image of class k
        ax = axes[row, k]
        ax.imshow(d["X_train"][idx], cmap="gray_r", vmin=0, vmax=1)
        ax.set_xticks([])
        ax.set_yticks([])
        if k == 0:
            ax.set_ylabel("letters" if row < 2 else "digits")
        if row in (0, 2):
            ax.set_title(d["classes"][k])
fig.suptitle("Two training images of each class (dark = ink)")
plt.show()

# %% [markdown]
# Each letter comes in many shapes (serif, sans, italic, the calligraphic capitals of one maths
# font), with a grey background and noise; the digits are coarser, 8x8 pixels with 17 grey levels.

# %% [markdown]
# ## 2. Standardising with training statistics
#
# Learning works best when every input feature lives on the same scale around 0 (assignment 01
# showed why: small numbers next to big ones get rounded away, and the loss becomes badly
# conditioned). For each feature $d$ (here: each pixel) we compute, over the $N$ training samples,
#
# $$\mu_d = \frac{1}{N} \sum_{n=1}^{N} x_{nd}, \qquad
#   \sigma_d = \sqrt{\frac{1}{N} \sum_{n=1}^{N} (x_{nd} - \mu_d)^2}, \qquad
#   \tilde{x}_{nd} = \frac{x_{nd} - \mu_d}{\sigma_d}.$$
#
# After this every feature of the training set has mean 0 and standard deviation 1.
#
# **Training statistics only.** $\mu$ and $\sigma$ are part of the model, just like its weights:
# they are fitted on the training set and then *applied unchanged* to validation, test, and every
# image that arrives after deployment. Computing them on the test set (or on everything at once)
# lets information from the test set into the model, and it is not even possible in deployment,
# where images come one at a time. So the work is split in two functions: `standardize_fit` looks
# at the training set once; `standardize_apply` uses what it found.
#
# **Constant features.** A pixel that is 0 in every training image has $\sigma_d = 0$, and
# $0 / 0$ is `nan`. Such a feature carries no information; we keep it centred and set its
# $\sigma_d$ to 1. Floating point makes "constant" fuzzy: the standard deviation of seven copies of
# 0.1 comes out as about $1.4 \times 10^{-17}$, not 0. So treat every $\sigma_d \le \varepsilon$
# (`eps`, default $10^{-8}$) as zero.
#
# Hints: `np.mean` and `np.std` take `axis=0`, which reduces over the samples and keeps the shape
# of one sample, so the same code works for rows $(N, D)$ and images $(N, H, W)$. Compute in
# float64 whatever the input (`np.asarray(X, dtype=np.float64)`): summing thousands of float32
# values loses digits. Use `np.std` itself rather than $\sqrt{E[x^2] - E[x]^2}$, which can come out
# slightly negative for a constant feature.

# %% nbgrader={"grade": false, "grade_id": "standardize_fit", "locked": false, "schema_version": 3, "solution": true}
def standardize_fit(X, eps=1e-8):
    """Compute the per-feature mean and standard deviation of a training set.

    Inputs:
    - X: training samples, shape (N, D) or (N, H, W), any real dtype, N >= 1.
    - eps: a feature whose standard deviation is at most eps counts as constant.

    Returns (mean, std): float64 arrays of shape X.shape[1:] (one entry per feature), computed in
    float64 over the samples (axis 0). std divides by N (np.std's default, ddof=0), and every std
    that is <= eps is replaced by 1.0.
    """
    ### BEGIN SOLUTION
    X = np.asarray(X, dtype=np.float64)
    mean = X.mean(axis=0)  # X.shape[1:]
    std = X.std(axis=0)
    std[std <= eps] = 1.0  # constant features: centre them, do not scale
    return mean, std
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_standardize_fit", "locked": true, "points": 2, "schema_version": 3, "solution": false}
# standardize_fit returns per-feature float64 mean and std (ddof=0), with constant features' std 1
X = np.array([[1.0, 0.0, 5.0],
              [3.0, 0.0, 5.0],
              [5.0, 0.0, 5.0],
              [7.0, 0.0, 5.0]])  # (N=4, D=3); features 1 and 2 are constant
# feature 0: mean 4, deviations -3, -1, 1, 3, variance (9 + 1 + 1 + 9) / 4 = 5, std sqrt(5) = 2.2361
mean, std = standardize_fit(X)
assert np.shape(mean) == (3,) and np.shape(std) == (3,), (
    f"for X of shape (4, 3) mean and std should have shape (3,), one entry per feature, got "
    f"{np.shape(mean)} and {np.shape(std)}: reduce over the samples only, axis=0")
assert np.allclose(mean, [4.0, 0.0, 5.0]), f"mean should be [4, 0, 5], got {mean}"
assert np.isclose(std[0], np.sqrt(5.0)), (
    f"std of feature 0 should be sqrt(20 / 4) = 2.2361, got {std[0]:.4f}: divide by N "
    "(np.std's default, ddof=0), not by N - 1")
assert np.all(np.isfinite(std)) and np.allclose(std[1:], 1.0), (
    f"constant features 1 and 2 should get std 1.0 (so that they are only centred), got {std[1:]}")

mean, std = standardize_fit(np.arange(12.0).reshape(3, 2, 2))  # three 2x2 "images"
assert np.shape(mean) == (2, 2) and np.allclose(mean, [[4.0, 5.0], [6.0, 7.0]]), (
    f"for images of shape (3, 2, 2) mean should be the (2, 2) mean image [[4, 5], [6, 7]], got\n{mean}")
assert np.allclose(std, np.sqrt(32 / 3)), f"every pixel's std should be sqrt(32 / 3) = 3.266, got\n{std}"

mean, std = standardize_fit(np.full((7, 2), 0.1))
assert np.allclose(std, 1.0), (
    f"a feature equal to 0.1 in every sample should get std 1.0, got {std}: its np.std is about "
    "1e-17 rather than 0, so replace every std <= eps, not only std == 0")
mean, std = standardize_fit(1e8 + np.array([[1.0], [2.0], [3.0], [4.0]]))  # spread 1 around 1e8
assert np.isclose(std[0], np.sqrt(1.25)), (
    f"the std of 1e8 + [1, 2, 3, 4] should be sqrt(1.25) = 1.1180, got {std[0]:.4f}: sqrt(E[x^2] - E[x]^2) "
    "subtracts two numbers near 1e16 and loses the digits; use np.std, which subtracts the mean first")
mean, std = standardize_fit(np.array([[1.0, 2.0], [3.0, 6.0]], dtype=np.float32))
assert mean.dtype == np.float64 and std.dtype == np.float64, (
    f"statistics should be float64 for float32 input, got {mean.dtype} and {std.dtype}: "
    "convert X with np.asarray(X, dtype=np.float64) first")
print("test_standardize_fit passed")

# %% [markdown]
# `standardize_apply` uses statistics it is given. It must not look at the mean or spread of the
# `X` it standardises: that `X` is the validation set, the test set, or a single new image.

# %% nbgrader={"grade": false, "grade_id": "standardize_apply", "locked": false, "schema_version": 3, "solution": true}
def standardize_apply(X, mean, std):
    """Standardise samples with statistics computed on the training set.

    Inputs:
    - X: samples to transform, shape (N, D) or (N, H, W), any real dtype.
    - mean, std: from standardize_fit on the training set, shape X.shape[1:].

    Returns the float64 array (X - mean) / std, of the shape of X.
    """
    ### BEGIN SOLUTION
    X = np.asarray(X, dtype=np.float64)
    return (X - mean) / std  # mean and std broadcast over the samples
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_standardize_apply", "locked": true, "points": 1, "schema_version": 3, "solution": false}
# standardize_apply uses the statistics it is given, not those of the X it transforms
mean, std = np.array([4.0, 0.0]), np.array([2.0, 1.0])  # from some training set
X_val = np.array([[6.0, 3.0],
                  [4.0, -1.0]])
expected = np.array([[1.0, 3.0],     # (6 - 4) / 2, (3 - 0) / 1
                     [0.0, -1.0]])   # (4 - 4) / 2, (-1 - 0) / 1
out = standardize_apply(X_val, mean, std)
own = (X_val - X_val.mean(axis=0)) / X_val.std(axis=0)
assert np.shape(out) == (2, 2), f"the result should have the shape of X, (2, 2), got {np.shape(out)}"
assert not np.allclose(out, own), (
    f"standardize_apply returned\n{out}\nwhich is X standardised with its own mean and std: use the "
    "`mean` and `std` arguments, which come from the training set")
assert np.allclose(out, expected), (
    f"standardize_apply(X, mean=[4, 0], std=[2, 1]) should be\n{expected}\ngot\n{out}\n"
    "subtract the mean first, then divide by std")

one = standardize_apply(np.ones((1, 2, 2), dtype=np.float32), np.zeros((2, 2)), np.full((2, 2), 4.0))
assert np.shape(one) == (1, 2, 2) and np.allclose(one, 0.25), (
    f"a single 2x2 image of ones with mean 0 and std 4 should give a (1, 2, 2) array of 0.25, got\n{one}")
assert one.dtype == np.float64, f"the result should be float64, got {one.dtype}"
print("test_standardize_apply passed")

# %% [markdown]
# **What the statistics look like.** Here are $\mu$ and $\sigma$ of the 784 pixels of the
# training letters, shown as images.

# %%
X_train, X_val = flatten(letters["X_train"]), flatten(letters["X_val"])  # (N, 784) rows
mean, std = standardize_fit(X_train)  # training statistics, shape (784,)

fig, axes = plt.subplots(1, 2, figsize=(8, 3.3), layout="constrained")
for ax, img, title in ((axes[0], mean, "mean $\\mu$ of each pixel"), (axes[1], std, "std $\\sigma$ of each pixel")):
    shown = ax.imshow(img.reshape(28, 28), cmap="viridis")
    ax.set_title(title)
    ax.set_xlabel("pixel column")
    ax.set_ylabel("pixel row")
    fig.colorbar(shown, ax=ax, label="grey level")
fig.suptitle("Statistics of the 20,000 training letters")
plt.show()
print(f"std ranges from {std.min():.3f} (border) to {std.max():.3f} (centre)")

# %% [markdown]
# The centre of the frame, where strokes fall, varies a lot; the border is background plus noise
# and varies about seven times less. Standardising divides each border pixel by that small $\sigma$,
# which blows its noise up to the same scale as the strokes: a reminder that standardising is a
# choice with consequences, not a law.
#
# Now apply the training statistics to the validation set. Its features come out close to mean 0
# and std 1, but not exactly: it is a different sample of the same distribution, and that small
# mismatch is exactly what we will see after deployment too.

# %%
Z_val = standardize_apply(X_val, mean, std)
print(f"validation, standardised with training statistics: per-pixel means within "
      f"[{Z_val.mean(axis=0).min():+.3f}, {Z_val.mean(axis=0).max():+.3f}], "
      f"per-pixel stds within [{Z_val.std(axis=0).min():.3f}, {Z_val.std(axis=0).max():.3f}]")

one_image = X_val[:1]  # deployment: a single image arrives
own_mean, own_std = standardize_fit(one_image)
print("the same image standardised with its own statistics: all zeros?",
      np.all(standardize_apply(one_image, own_mean, own_std) == 0))

digit_mean, digit_std = standardize_fit(flatten(digits["X_train"]))
constant = np.flatnonzero(flatten(digits["X_train"]).std(axis=0) == 0)  # pixel numbers 0..63, row-major
print(f"digit pixels constant over the training set: {constant.tolist()}, at (row, column) "
      f"{[divmod(int(k), 8) for k in constant]}; your std there: {digit_std[constant]}")

# %% [markdown]
# A single image standardised with its own statistics becomes all zeros: every bit of it is erased,
# and a classifier would give every new image the same answer. And three pixels of the digits are 0
# in every training image (the top-left corner and both ends of row 4 of the 8x8 frame); without
# the guard, $0 / 0$ would turn those pixels of every digit into `nan`.

# %% [markdown]
# ## 3. Class balance
#
# A classifier that always answers the most frequent class gets an accuracy equal to that class's
# share. With 10 balanced classes this is 10%, but with a rare class it can look impressive:
# 99% for a disease that 1% of patients have. Always look at the counts first, in every split. For
# labels $y_n \in \{0, \dots, K-1\}$ report the counts $c_k$, the fractions $c_k / N$, and the
# imbalance ratio $\max_k c_k / \min_k c_k$ (1 for perfectly balanced data, $\infty$ when a class
# has no sample at all).
#
# Hint: `np.bincount(y, minlength=K)` counts every class, including those after the largest label
# present; `np.unique` only reports the labels it sees.

# %% nbgrader={"grade": false, "grade_id": "class_balance", "locked": false, "schema_version": 3, "solution": true}
def class_balance(y, num_classes):
    """Count the samples of each class.

    Inputs:
    - y: integer labels, shape (N,), each in 0 .. num_classes - 1.
    - num_classes: K, the number of classes.

    Returns a dict:
    - "counts": int64 array (K,), the number of samples of each class (0 for a class with none);
    - "fractions": float64 array (K,), counts / N;
    - "ratio": a float, the largest count divided by the smallest (inf if some class has no sample).
    Raises ValueError if y is not 1-D or has a label outside 0 .. K-1.
    """
    ### BEGIN SOLUTION
    y = np.asarray(y)
    if y.ndim != 1:
        raise ValueError(f"class_balance expects labels of shape (N,), got shape {y.shape}")
    if y.size and (y.min() < 0 or y.max() >= num_classes):
        raise ValueError(f"labels must lie in 0..{num_classes - 1}, got {y.min()}..{y.max()}")
    counts = np.bincount(y, minlength=num_classes).astype(np.int64)  # (K,)
    fractions = counts / max(y.shape[0], 1)
    ratio = float(counts.max() / counts.min()) if counts.min() > 0 else float("inf")
    return {"counts": counts, "fractions": fractions, "ratio": ratio}
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_class_balance", "locked": true, "points": 1, "schema_version": 3, "solution": false}
# class_balance counts every class, including absent ones, and reports fractions and the ratio
report = class_balance(np.array([0, 2, 2, 1, 2, 0, 1, 2]), 3)  # counts 2, 2, 4
assert isinstance(report, dict) and set(report) == {"counts", "fractions", "ratio"}, (
    f"class_balance should return a dict with keys 'counts', 'fractions', 'ratio', got {report!r}")
assert np.array_equal(report["counts"], [2, 2, 4]), f"counts should be [2, 2, 4], got {report['counts']}"
assert np.allclose(report["fractions"], [0.25, 0.25, 0.5]), (
    f"fractions should be counts / N = [2/8, 2/8, 4/8], got {report['fractions']}: divide by the "
    "number of samples, not by the number of classes")
assert np.isclose(report["ratio"], 2.0), f"ratio should be largest / smallest = 4 / 2 = 2, got {report['ratio']}"

report = class_balance(np.array([1, 0, 1]), 4)  # classes 2 and 3 have no sample
assert np.array_equal(report["counts"], [1, 2, 0, 0]), (
    f"with num_classes=4 counts should be [1, 2, 0, 0], got {report['counts']}: count every class "
    "from 0 to K-1 (np.bincount's minlength), not only the labels that occur")
assert report["ratio"] == np.inf, f"a class with no sample makes the ratio inf, got {report['ratio']}"
try:
    class_balance(np.array([0, 3]), 3)
except ValueError:
    pass
else:
    raise AssertionError("class_balance([0, 3], 3) should raise ValueError: label 3 is outside 0..2")
print("test_class_balance passed")

# %%
reports = {(name, split): class_balance(d["y_" + split], 10)
           for name, d in (("letters", letters), ("digits", digits)) for split in ("train", "val", "test")}

fig, axes = plt.subplots(1, 2, figsize=(10, 3.6), sharey=True, layout="constrained")
for ax, (name, d) in zip(axes, (("letters", letters), ("digits", digits))):
    x = np.arange(10)
    for i, split in enumerate(("train", "val", "test")):
        report = reports[name, split]
        ax.bar(x + (i - 1) * 0.27, 100 * report["fractions"], 0.27,
               label=f"{split} (N={len(d['y_' + split])}, ratio {report['ratio']:.2f})")
    ax.axhline(10, color="k", linestyle=":", linewidth=1)
    ax.set_xticks(x, d["classes"])
    ax.set_xlabel("class")
    ax.set_title(name)
    ax.set_ylim(0, 15)
    ax.legend(fontsize=8, loc="upper center", ncol=2)
axes[0].set_ylabel("share of the split (%)")
fig.suptitle("Class balance of every split (dotted: 10%, perfectly balanced)")
plt.show()

# %% [markdown]
# The letters are balanced by construction (ratio 1.00 in every split). The digits are nearly so:
# each class holds 174 to 183 of the 1,797 images, and because they were split class by class,
# every split keeps those shares. Always-guess-one-class scores about 10% on either.

# %% [markdown]
# ## 4. Stratified split
#
# To hold out a validation set, or to take a small training subset, shuffling all indices and
# cutting them leaves the class shares to chance: in a small held-out set a class can be
# over- or under-represented by a lot. A **stratified** split holds out the same fraction of every
# class: for class $k$ with $n_k$ samples it holds out `round(fraction * n_k)` of them, chosen at
# random, and keeps the rest.
#
# The split must be random, but reproducible: the same `rng` gives the same split, so that you and
# the grader (and you next week) see the same sets. Start with
# `rng = np.random.default_rng(rng)`, which accepts a seed or a generator, and draw everything
# from it; never use `np.random.shuffle` or `np.random.seed`, which use a global generator that
# any other code can move. Return the indices of each part sorted, so that the order of the
# samples is the original one.
#
# Hints: `np.unique(y)` lists the classes, `np.flatnonzero(y == k)` the indices of class $k$, and
# `rng.permutation(idx)[:m]` picks $m$ of them at random.

# %% nbgrader={"grade": false, "grade_id": "stratified_split", "locked": false, "schema_version": 3, "solution": true}
def stratified_split(y, fraction, rng=0):
    """Split sample indices in two, holding out the same fraction of every class.

    Inputs:
    - y: labels, shape (N,); every distinct value is a class.
    - fraction: the share of each class to hold out, between 0 and 1.
    - rng: a seed (int) or a numpy Generator, passed to np.random.default_rng.

    Returns (keep, held): int64 arrays of indices into y, each sorted ascending, which together
    hold every index 0 .. N-1 exactly once. For each class k with n_k samples, held has
    round(fraction * n_k) of them (Python's round), chosen at random with rng; the same rng always
    gives the same split.
    """
    ### BEGIN SOLUTION
    y = np.asarray(y)
    rng = np.random.default_rng(rng)
    held = [np.zeros(0, dtype=np.int64)]
    for k in np.unique(y):
        idx = np.flatnonzero(y == k)  # indices of class k
        held.append(rng.permutation(idx)[:int(round(fraction * idx.size))])
    is_held = np.zeros(y.shape[0], dtype=bool)
    is_held[np.concatenate(held)] = True
    return np.flatnonzero(~is_held).astype(np.int64), np.flatnonzero(is_held).astype(np.int64)
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_stratified_split", "locked": true, "points": 2, "schema_version": 3, "solution": false}
# stratified_split holds out round(fraction * n_k) of each class, as a reproducible random partition
y = np.array([0, 1, 2, 2, 0, 2, 1, 0, 2, 2, 0, 1, 2, 0, 2, 1, 0, 2, 2, 2])  # 6 zeros, 4 ones, 10 twos
keep, held = stratified_split(y, 0.5, rng=0)
keep, held = np.asarray(keep), np.asarray(held)
assert np.issubdtype(held.dtype, np.integer) and np.issubdtype(keep.dtype, np.integer), (
    f"keep and held should be integer index arrays, got dtypes {keep.dtype} and {held.dtype}")
assert np.array_equal(np.sort(np.concatenate([keep, held])), np.arange(20)), (
    f"keep and held together should hold every index 0..19 exactly once, got keep={keep}, held={held}")
assert np.array_equal(held, np.sort(held)) and np.array_equal(keep, np.sort(keep)), (
    "keep and held should each be sorted ascending")
counts = np.bincount(y[held], minlength=3)
assert np.array_equal(counts, [3, 2, 5]), (
    f"with fraction 0.5 held should have 3, 2 and 5 samples of classes 0, 1, 2 (half of 6, 4, 10), got "
    f"{counts}: hold out round(fraction * n_k) per class instead of cutting one shuffled list")
again = stratified_split(y, 0.5, rng=0)
assert np.array_equal(again[1], held), (
    "the same rng should give the same split twice: create np.random.default_rng(rng) and draw from it, "
    "not from np.random's global generator")

y_big = np.repeat(np.arange(4), 25)  # 25 samples of each of 4 classes
held_sets = {tuple(np.asarray(stratified_split(y_big, 0.2, rng=seed)[1])) for seed in range(5)}
assert len(held_sets) > 1, (
    "five different seeds gave the same held-out set: choose the held-out samples of each class at "
    "random (rng.permutation), not the first ones")
n_held = len(stratified_split(np.repeat(np.arange(3), 6), 0.3, rng=0)[1])  # round(0.3 * 6) = 2 per class
assert n_held == 6, (
    f"fraction 0.3 of 3 classes of 6 samples should hold out 3 x round(1.8) = 6, got {n_held}: "
    "round to the nearest integer with round(), don't cut off with int()")
held = np.asarray(stratified_split(np.array([-1, 3, 3, -1, 3, 3]), 0.5, rng=0)[1])
assert sorted(np.array([-1, 3, 3, -1, 3, 3])[held].tolist()) == [-1, 3, 3], (
    f"labels [-1, 3, 3, -1, 3, 3] with fraction 0.5 should hold out one -1 and two 3s, got held={held.tolist()}: "
    "every distinct value of y is a class (np.unique(y)), not only 0 .. max(y)")
print("test_stratified_split passed")

# %% [markdown]
# **Why stratify?** Hold out 5% of the 1,259 training digits (63 images, about 6 per class) 1,000
# times, once with a plain shuffle-and-cut and once stratified, and count how many images of each
# class land in the held-out set.

# %%
y_digits = digits["y_train"]
n_held = int(round(0.05 * y_digits.size))
rng = np.random.default_rng(0)
plain = np.array([np.bincount(y_digits[rng.permutation(y_digits.size)[:n_held]], minlength=10)
                  for _ in range(1000)])  # (1000, 10) counts per class
strat = np.array([np.bincount(y_digits[stratified_split(y_digits, 0.05, rng=seed)[1]], minlength=10)
                  for seed in range(1000)])

fig, ax = plt.subplots(figsize=(6, 3.2))
bins = np.arange(plain.min(), plain.max() + 2) - 0.5
ax.hist(plain.ravel(), bins=bins, alpha=0.6, label="shuffle and cut")
ax.hist(strat.ravel(), bins=bins, alpha=0.6, label="stratified")
ax.set_xticks(np.arange(0, plain.max() + 1, 2))
ax.set_xlabel("images of one class in the 5% held-out set")
ax.set_ylabel("count (1,000 splits x 10 classes)")
ax.set_title("Class counts in a 5% held-out set of the digits")
ax.legend()
plt.show()
print(f"shuffle and cut: between {plain.min()} and {plain.max()} images of a class; "
      f"stratified: between {strat.min()} and {strat.max()}")

# %% [markdown]
# With a plain shuffle a class gets anything from none at all to three times its share (the wide
# blue histogram), so a small held-out set may not test some classes at all; the stratified split
# always gives each class 6, its 5% rounded (the single orange bar, 60 images in all). Below we use `stratified_split` to take balanced training subsets.

# %% [markdown]
# ## 5. A baseline: scikit-learn's logistic regression
#
# Before writing our own classifiers, let us see what a standard library does with this data:
# scikit-learn's `LogisticRegression` (a multinomial logistic classifier, $L_2$-regularised, fitted
# with L-BFGS) on 50, 100, 1,000 and all training images, each subset balanced with
# `stratified_split`. The input is the raw pixels in $[0, 1]$, flattened to rows of $D = 784$
# (letters) or $64$ (digits): they are already on a common scale, and for a regularised model like
# this one, per-pixel standardising mostly changes how strongly the penalty acts on each pixel
# (on the letters it costs a few points of accuracy at the default penalty). L-BFGS stops when
# the gradient falls below $10^{-3}$: after 80 iterations and a few seconds on all 20,000 letters.
# scikit-learn's default, $10^{-4}$, takes three times as many iterations and, as it happens,
# scores a point lower on the test set: stopping early acts as a little extra regularisation.

# %%
from sklearn.linear_model import LogisticRegression
from threadpoolctl import threadpool_limits  # installed with scikit-learn


def fit_baseline(d, n, seed=0):
    """Fit LogisticRegression on a class-balanced subset of about n training images.

    Returns the model, its accuracy on the images it was trained on, their number, and the seconds.
    """
    X, y = flatten(d["X_train"]), d["y_train"]
    if n < len(y):
        _, subset = stratified_split(y, n / len(y), rng=seed)  # about n images, balanced
        X, y = X[subset], y[subset]
    start = time.perf_counter()
    with threadpool_limits(limits=1):  # one thread: on products this small, two mostly wait
        model = LogisticRegression(C=1.0, tol=1e-3, max_iter=200).fit(X, y)
    return model, model.score(X, y), len(y), time.perf_counter() - start


# %% [markdown]
# Now fit it on four training-set sizes of each data set and score every model on the images it was
# trained on, on validation and on test (about ten seconds, most of it for the 20,000 letters).
# The models are kept in `models`: we use the one trained on all letters again in sections 6 and 7.

# %%
def baseline_table(results, models):
    """Fit every baseline, print its accuracies, and store them in results and models by (data, size)."""
    print(f"{'data':>8} {'train size':>10} {'train acc':>9} {'val acc':>8} {'test acc':>8} {'fit (s)':>7}")
    for name, d in (("letters", letters), ("digits", digits)):
        for n in (50, 100, 1000, len(d["y_train"])):
            model, train_acc, n_used, seconds = fit_baseline(d, n)
            row = {"n": n_used, "train": train_acc, "seconds": seconds,
                   "val": model.score(flatten(d["X_val"]), d["y_val"]),
                   "test": model.score(flatten(d["X_test"]), d["y_test"])}
            results[name, n], models[name, n] = row, model
            print(f"{name:>8} {n_used:>10} {row['train']:>9.3f} {row['val']:>8.3f} {row['test']:>8.3f} {seconds:>7.2f}")


results, models = {}, {}  # (data set, requested size) -> accuracies, and -> the fitted model
baseline_table(results, models)

# %%
if len(models) < 8:
    raise NotImplementedError("the baselines of section 5 did not finish: they need your stratified_split")
curves = {name: [row for (data, _), row in results.items() if data == name] for name in ("letters", "digits")}

fig, ax = plt.subplots(figsize=(6, 3.6))
for name, colour in (("letters", "C0"), ("digits", "C1")):
    rows = curves[name]
    sizes = [r["n"] for r in rows]
    ax.plot(sizes, [100 * r["val"] for r in rows], "o-", color=colour, label=f"{name}, validation")
    ax.plot(sizes, [100 * r["train"] for r in rows], "o:", color=colour, alpha=0.6, label=f"{name}, training")
ax.set_xscale("log")
ax.set_xlabel("training images (log scale)")
ax.set_ylabel("accuracy (%)")
ax.set_title("Learning curves of logistic regression")
ax.legend(fontsize=8)
plt.show()

# %% [markdown]
# With 50 images the model fits its training set perfectly and is right on only about half of the
# validation letters: it has memorised, not generalised. More data closes the gap between the two
# curves, and the validation accuracy is still rising at 20,000 letters (about 90%). The digits
# are easier: about 97% on validation and 94% on test from their 1,259 training images. Those
# accuracies are the numbers your own classifiers will be compared with.

# %% [markdown]
# ## 6. Overlap between training, validation and test
#
# notMNIST, the data set our letters imitate, was cut from fonts found on the web, and many images
# occur twice: the same glyph from two copies of a font, in both the training and the test set.
# A test image that also sits in the training set does not measure generalisation. Think of the
# classifier that memorises the training set and answers with the label of the most similar
# training image: on such a copy it is always right.
#
# Our letter generator planted copies on purpose, and tells us how many: in each of the
# validation and test sets, 40 **exact** copies of training images and 40 **near** copies (a
# training image plus a little noise, at most $3/255 \approx 0.012$ per pixel). Your two
# detectors must find them.
#
# **Exact duplicates.** Comparing every pair is $N_A N_B$ comparisons of $D$ pixels. Hashing is
# faster: turn each sample of `B` into a hashable key, `row.tobytes()` (its raw bytes), and keep a
# dict from key to the list of indices of `B` with those bytes; then look up every sample of `A`.
# A pair is one sample of `A` and one of `B`: two equal samples inside `A` (or inside `B`) are not
# an overlap between the splits. Convert to float64 first, so that `A` and `B` are compared by
# value, whatever their dtypes.

# %% nbgrader={"grade": false, "grade_id": "find_exact_duplicates", "locked": false, "schema_version": 3, "solution": true}
def find_exact_duplicates(A, B):
    """Find every pair of identical samples, one from A and one from B.

    Inputs:
    - A: samples, shape (N_A, D) or (N_A, H, W).
    - B: samples of the same shape per sample, (N_B, D) or (N_B, H, W).

    Returns an int64 array of shape (M, 2) whose rows are the pairs (i, j) with A[i] equal to B[j]
    in every entry, sorted by i, then by j; shape (0, 2) if there is none. A sample that occurs
    several times gives one pair per combination.
    """
    ### BEGIN SOLUTION
    A = np.asarray(A, dtype=np.float64).reshape(len(A), -1)  # (N_A, D)
    B = np.asarray(B, dtype=np.float64).reshape(len(B), -1)  # (N_B, D)
    where = {}  # bytes of a sample of B -> indices of B with those bytes
    for j, row in enumerate(B):
        where.setdefault(row.tobytes(), []).append(j)
    pairs = [(i, j) for i, row in enumerate(A) for j in where.get(row.tobytes(), [])]
    return np.array(pairs, dtype=np.int64).reshape(-1, 2)  # (M, 2), already sorted
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_exact_duplicates", "locked": true, "points": 2, "schema_version": 3, "solution": false}
# find_exact_duplicates returns every (i in A, j in B) pair of equal samples, sorted, as (M, 2)
A = np.array([[0.0, 1.0],
              [0.5, 0.5],
              [0.0, 1.0],    # equal to A[0]: both pair with B[1]
              [0.3, 0.7]])   # same sum as A[1], but not equal to anything
B = np.array([[0.5, 0.5],
              [0.0, 1.0],
              [0.9, 0.9],
              [0.5, 0.5]])   # equal to B[0]: both pair with A[1]
expected = np.array([[0, 1], [1, 0], [1, 3], [2, 1]])
pairs = find_exact_duplicates(A, B)
got = {tuple(p) for p in np.asarray(pairs).reshape(-1, 2).tolist()}
missing, extra = sorted({tuple(p) for p in expected.tolist()} - got), sorted(got - {tuple(p) for p in expected.tolist()})
assert not missing, (
    f"the pairs {missing} are missing (got {sorted(got)}): a sample that occurs twice pairs with every "
    "copy, so map each key to the list of all indices of B that have it")
assert not extra, (
    f"the pairs {extra} should not be there (got {sorted(got)}): a pair is (index in A, index in B) of two "
    "samples equal in every entry; A[3] only has the same sum as B[0], and repeats inside one split do not count")
assert np.shape(pairs) == (4, 2) and np.array_equal(pairs, expected), (
    f"find_exact_duplicates should return\n{expected}\ngot\n{pairs}\nsorted by i, then j")

none = find_exact_duplicates(np.array([[1.0, 2.0], [1.0, 2.0]]), np.array([[3.0, 4.0], [3.0, 4.0]]))
assert np.shape(none) == (0, 2), (
    f"A and B share nothing (each only repeats its own sample), so the result should have shape (0, 2), "
    f"got {np.shape(none)}: {none.tolist()}. Equal samples inside one split are not an overlap")

images = np.zeros((2, 3, 3))
images[1, 1, 1] = 1e-9  # differs from images[0] in a single pixel, by a tiny amount
pairs = find_exact_duplicates(images, images[:1])
assert np.array_equal(pairs, [[0, 0]]), (
    f"for images of shape (N, 3, 3) only image 0 equals B's image, expected [[0, 0]], got {pairs.tolist()}: "
    "compare every pixel exactly, no tolerance")
print("test_exact_duplicates passed")

# %% [markdown]
# **Near duplicates.** Two images are near duplicates when no pixel differs by more than a
# threshold $t$:
#
# $$\|a - b\|_\infty = \max_{k} |a_k - b_k| \le t .$$
#
# (The largest difference, not the Euclidean distance or the average: a near copy may differ a
# little in every pixel, but in none by much.) Checking all pairs directly costs $N_A N_B D$
# operations: $2{,}000 \times 20{,}000 \times 784 \approx 3 \times 10^{10}$ for our validation set
# against the training set, a minute or more in numpy, and a $(N_A, N_B, D)$ array of 250 GB if you
# broadcast it in one go. Two tricks make it fast:
#
# 1. **A bound that a matrix product computes.** If every one of the $D$ differences is at most
#    $t$, then $\|a - b\|_2^2 = \sum_k (a_k - b_k)^2 \le D\,t^2$. And all squared distances
#    between a chunk of rows of $A$ and all rows of $B$ come from one matrix product:
#    $\|a - b\|_2^2 = \|a\|^2 + \|b\|^2 - 2\, a \cdot b$. Pairs above $D\,t^2$ cannot be near
#    duplicates; the few that remain are checked pixel by pixel with the exact condition.
# 2. **Chunks.** Take about a hundred rows of $A$ at a time, so that the $(\text{chunk}, N_B)$
#    matrix of distances stays around 20 MB ($125 \times 20{,}000$ float64 numbers).
#
# Careful: the matrix-product distances carry rounding errors of about $10^{-13}$, so compare with
# $D\,t^2$ plus a small margin (say $10^{-8}(\|a\|^2 + \|b\|^2)$); the final pixel check decides.
# A pair exactly at the threshold counts ($\le$). Exact duplicates are near duplicates too.

# %% nbgrader={"grade": false, "grade_id": "find_near_duplicates", "locked": false, "schema_version": 3, "solution": true}
def find_near_duplicates(A, B, threshold):
    """Find every pair of samples, one from A and one from B, that differ by at most threshold in
    every entry.

    Inputs:
    - A: samples, shape (N_A, D) or (N_A, H, W).
    - B: samples of the same shape per sample, (N_B, D) or (N_B, H, W).
    - threshold: a number >= 0.

    Returns an int64 array of shape (M, 2) whose rows are the pairs (i, j) with
    max_k |A[i, k] - B[j, k]| <= threshold (computed in float64; exact duplicates included),
    sorted by i, then by j; shape (0, 2) if there is none. Must handle 2,000 x 20,000 samples of
    784 pixels in seconds, holding no more than a few tens of MB at once.
    """
    ### BEGIN SOLUTION
    A = np.asarray(A, dtype=np.float64).reshape(len(A), -1)  # (N_A, D)
    B = np.asarray(B, dtype=np.float64).reshape(len(B), -1)  # (N_B, D)
    D = B.shape[1]
    sq_b = np.sum(B**2, axis=1)  # (N_B,)
    chunk = max(1, 2_500_000 // max(len(B), 1))  # rows of A per matrix product
    pairs = []
    for start in range(0, len(A), chunk):
        a = A[start:start + chunk]  # (n, D)
        sq_a = np.sum(a**2, axis=1)  # (n,)
        d2 = sq_a[:, None] + sq_b[None, :] - 2.0 * (a @ B.T)  # (n, N_B) squared distances
        margin = 1e-8 * (sq_a[:, None] + sq_b[None, :]) + 1e-12
        ci, cj = np.nonzero(d2 <= D * threshold**2 + margin)  # candidates
        for s in range(0, len(ci), chunk):  # check the candidates a chunk at a time
            ii, jj = ci[s:s + chunk], cj[s:s + chunk]
            ok = np.max(np.abs(a[ii] - B[jj]), axis=1) <= threshold
            pairs.append(np.stack([ii[ok] + start, jj[ok]], axis=1))
    pairs = np.concatenate(pairs) if pairs else np.zeros((0, 2))
    pairs = pairs.astype(np.int64).reshape(-1, 2)
    return pairs[np.lexsort((pairs[:, 1], pairs[:, 0]))]  # sorted by i, then j
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_near_duplicates", "locked": true, "points": 3, "schema_version": 3, "solution": false}
# find_near_duplicates pairs samples whose largest absolute difference is <= threshold
A = np.array([[0.0, 0.0, 0.0, 0.0],
              [1.0, 1.0, 1.0, 1.0],
              [0.5, 0.5, 0.5, 0.5]])
B = np.array([[0.02, 0.02, 0.02, 0.02],   # differs from A[0] by 0.02 everywhere: near (Euclidean 0.04)
              [1.0, 1.0, 1.0, 1.0],       # equal to A[1]: exact duplicates are near duplicates too
              [0.5, 0.5, 0.5, 0.75],      # differs from A[2] by exactly 0.25 in one pixel: not near at 0.03
              [0.0, 0.0, 0.0, 0.1]])      # differs from A[0] by 0.1 in one pixel (mean 0.025): not near
why = {(0, 0): "its largest difference is 0.02 <= 0.03; only its Euclidean distance, 0.04, is not (a matrix-product "
               "prefilter must keep every pair with ||a - b||^2 <= D t^2)",
       (1, 1): "B[1] equals A[1], and exact copies are near duplicates too",
       (0, 3): "its largest difference is 0.1 > 0.03; only its MEAN difference, 0.025, is below"}
pairs = find_near_duplicates(A, B, 0.03)
got = {tuple(p) for p in np.asarray(pairs).reshape(-1, 2).tolist()}
problems = [f"{p} is missing: {why[p]}" for p in ((0, 0), (1, 1)) if p not in got] + (
    [] if got else ["no pair at all came back: does your loop over chunks of A visit every row, range(0, N_A, chunk)?"])
problems += [f"{p} should not be there: {why.get(p, 'its largest difference is above 0.03')}" for p in sorted(got - {(0, 0), (1, 1)})]
assert not problems and np.array_equal(pairs, [[0, 0], [1, 1]]), (
    f"with threshold 0.03 the pairs should be [[0, 0], [1, 1]], got {np.asarray(pairs).tolist()}:\n" + "\n".join(problems))
pairs = find_near_duplicates(A, B, 0.25)
assert np.array_equal(pairs, [[0, 0], [0, 3], [1, 1], [2, 2]]), (
    f"with threshold 0.25 the pairs should be [[0, 0], [0, 3], [1, 1], [2, 2]], got "
    f"{np.asarray(pairs).tolist()}: a difference exactly equal to the threshold counts (<=)")
none = find_near_duplicates(A[:1], B[1:3], 0.03)
assert np.shape(none) == (0, 2), f"no pair is near, so the result should have shape (0, 2), got {np.shape(none)}"
rng = np.random.default_rng(0)
A_img = rng.random((300, 28, 28))
B_img = rng.random((1000, 28, 28))
B_img[[17, 500]] = A_img[[3, 200]] + rng.uniform(-0.01, 0.01, size=(2, 28, 28))  # two near copies
start = time.perf_counter()
pairs = find_near_duplicates(A_img, B_img, 0.02)
seconds = time.perf_counter() - start
assert np.array_equal(pairs, [[3, 17], [200, 500]]), (
    f"among 300 x 1,000 random 28x28 images the near pairs are [[3, 17], [200, 500]], got {np.asarray(pairs).tolist()}: "
    "do your chunks cover every row of A (with the right offset, start + i), and is the prefilter D t^2 plus a margin?")
print(f"test_near_duplicates passed (300 x 1,000 images in {seconds:.2f} s)")

# %% [markdown]
# Now the real search: validation and test against the 20,000 training letters, and validation
# against test. The threshold 0.03 lies well between the near copies' largest difference (0.012)
# and the largest difference between any other validation or test letter and its closest training
# letter (0.2 or more).

# %%
def overlap(a, b):
    """Find the exact and near pairs between splits a and b, print what was found; return both."""
    start = time.perf_counter()
    exact = find_exact_duplicates(letters["X_" + a], letters["X_" + b])
    near = find_near_duplicates(letters["X_" + a], letters["X_" + b], 0.03)
    line = f"{a:>4} vs {b:<5}: {len(exact):>3} exact, {len(near) - len(exact):>3} near (not exact)"
    if b == "train":
        planted = letters["planted_pairs"]
        key_exact = {tuple(p) for p in planted["exact"][a]}
        key_near = {tuple(p) for p in planted["near"][a]}
        hit_exact = len(key_exact & {tuple(p) for p in exact})
        hit_near = len(key_near & {tuple(p) for p in near})
        line += f"; found {hit_exact} of the {len(key_exact)} planted exact and {hit_near} of the {len(key_near)} near"
    print(line + f"  ({time.perf_counter() - start:.1f} s)")
    return exact, near


found = {}  # (split a, split b) -> (exact pairs, near pairs)
for a, b in (("val", "train"), ("test", "train"), ("val", "test")):
    found[a, b] = overlap(a, b)

# %%
if len(found) < 3:
    raise NotImplementedError("the search above did not finish: it needs find_exact_duplicates and find_near_duplicates")
exact, near = found["val", "train"]
only_near = np.array([p for p in near.tolist() if p not in exact.tolist()])[:3]  # three near, not exact, pairs
fig, axes = plt.subplots(3, 3, figsize=(5.4, 5.6))
for row, (i, j) in enumerate(only_near):
    diff = np.abs(letters["X_val"][i] - letters["X_train"][j])
    for col, (img, title, vmax) in enumerate(((letters["X_val"][i], f"validation #{i}", 1),
                                              (letters["X_train"][j], f"training #{j}", 1),
                                              (diff, f"|difference|, max {diff.max():.3f}", 0.05))):
        axes[row, col].imshow(img, cmap="gray_r", vmin=0, vmax=vmax)
        axes[row, col].set_title(title, fontsize=9)
        axes[row, col].set_xticks([])
        axes[row, col].set_yticks([])
fig.suptitle("Near duplicates: a validation letter, its training twin, and their difference\n"
             "(difference shown on a scale 20x finer, 0 to 0.05)", fontsize=10)
plt.show()

# %% [markdown]
# The two images of a pair cannot be told apart by eye; their difference is faint noise of at most
# 3/255. No test of accuracy should count them.
#
# **How much do duplicates inflate a score?** Remove every test image that has an exact or near
# copy in the training set and score two classifiers on the full and on the cleaned test set: the
# logistic regression trained on all 20,000 letters, and the memoriser from the lecture, which
# answers with the label of the closest training image (1-nearest neighbour, computed with the
# same matrix-product distances).

# %%
def nearest_neighbour_labels(X, X_ref, y_ref, chunk=250):
    """Label of the closest row of X_ref (Euclidean) for every row of X."""
    sq_ref = np.sum(X_ref**2, axis=1)
    out = np.empty(len(X), dtype=y_ref.dtype)
    for start in range(0, len(X), chunk):
        d2 = sq_ref[None, :] - 2.0 * X[start:start + chunk] @ X_ref.T  # + |x|^2, the same along a row
        out[start:start + chunk] = y_ref[np.argmin(d2, axis=1)]
    return out


if len(found) < 3:
    raise NotImplementedError("the search above did not finish: it needs find_exact_duplicates and find_near_duplicates")
if len(models) < 8:
    raise NotImplementedError("the baselines of section 5 did not finish: they need your stratified_split")
X_test, y_test = flatten(letters["X_test"]), letters["y_test"]
copies = np.unique(found["test", "train"][1][:, 0])  # test images with a training twin
clean = np.setdiff1d(np.arange(len(y_test)), copies)
predictions = {
    "logistic regression": models["letters", len(letters["y_train"])].predict(X_test),
    "1-nearest neighbour": nearest_neighbour_labels(X_test, X_train, letters["y_train"]),
}
print(f"{len(copies)} of {len(y_test)} test images have a twin in the training set")
print(f"{'':>20} {'full test':>9} {'cleaned':>8} {'on the twins':>12}")
for name, pred in predictions.items():
    right = pred == y_test
    print(f"{name:>20} {right.mean():>9.2%} {right[clean].mean():>8.2%} {right[copies].mean():>12.2%}")

# %% [markdown]
# The memoriser gets every twin right, against about 92% of the other test letters, so the full
# test set flatters it by about 0.3 points (six letters). The logistic regression is barely
# better on the twins (about 90%) than on the rest (88.4%): a difference of one or two letters out
# of 80, which is noise (section 7 shows why so few examples prove nothing). That is no surprise:
# it gets only 92% of its own training images right, so it has not memorised them, and a copy of
# one helps it little. The more a model memorises, the more a leak flatters its score, and the
# networks of the coming assignments memorise a lot. Here only 4% of the test set is a copy; in
# notMNIST, cut from web fonts with many copies of the same font, overlap was far more common.
# Measure on the cleaned set, and remove the twins from the validation set too, before you tune
# anything on it.
#
# Notice also that the memoriser beats logistic regression even on the cleaned set. It is not
# cheating there: our letters come from only 23 fonts, so most test letters have a close relative
# (same font, similar distortion) among 20,000 training letters. A linear classifier cannot
# express "looks like one of these thousands of examples"; the networks of the coming assignments
# can.

# %% [markdown]
# **Question.** The statistics for standardising, $\mu$ and $\sigma$, must come from the training
# set only. What exactly goes wrong if you compute them on the test set, or on training and test
# together? And why is deleting the test images that also sit in the training set the right fix
# for overlap, rather than deleting their training copies? (Three to five sentences.)

# %% [markdown] nbgrader={"grade": true, "grade_id": "q_train_statistics", "locked": false, "points": 1, "schema_version": 3, "solution": true}
# ### BEGIN SOLUTION
# The test set stands for data the model has never seen, and $\mu$, $\sigma$ are fitted parameters
# of the model like its weights. Fitting them on the test set (or on train and test together) lets
# the test data shape the model, so the test score no longer measures what happens on new data;
# it also cannot be done in deployment, where images arrive one at a time (a single image
# standardised with its own statistics is all zeros), and the model would be applied to inputs
# scaled differently from those it was trained on. Either way of fixing overlap removes the
# leak, but what we want to measure is accuracy on images the model has not seen: dropping the
# copies from the test set measures exactly that and leaves the training set, and so the model,
# unchanged. Deleting the training copies instead changes the model we are evaluating (and throws
# away training data); it is the right choice only when the test set is fixed by someone else.
# ### END SOLUTION

# %% [markdown]
# ## 7. How big must the validation set be? The rule of 30
#
# Accuracy on a validation set of $n$ examples can only take the values $0, 1/n, 2/n, \dots, 1$.
# With six examples every change of the model that flips one answer moves the accuracy by 16.7
# points, and that one flip may be luck. The larger the set, the finer and the less noisy the
# measurement. A rule of thumb from the lecture: **a change of accuracy that moves at least 30
# examples, one way or the other, is usually real.**
#
# With 3,000 validation examples and a model at 80%:
#
# | new accuracy | change | examples that changed | trust it? |
# |---|---|---|---|
# | 80.1% | 0.1% | $0.001 \times 3000 = 3$ | no |
# | 80.5% | 0.5% | $0.005 \times 3000 = 15$ | no |
# | 81.0% | 1.0% | $0.01 \times 3000 = 30$ | yes |
#
# Turned around: to trust a change of $\Delta$ you need $n \ge 30 / |\Delta|$ validation examples,
# 3,000 for one point and 30,000 for 0.1 point, which is why people often hold back 30,000 or more.
#
# Where does 30 come from? Compare two versions of a model on the same validation set. Only the
# examples on which they disagree can change the accuracy; suppose there are $m$ of them. If the
# change were pure luck, each of those would go either way like a coin flip, so the net change
# would be about $0 \pm \sqrt{m}$ examples. Thirty net examples are more than two standard
# deviations when $m < 225$: true for a small tweak of a model, which changes few answers, but not
# guaranteed. With rare classes the rule breaks down: 30 examples may be all you have of a class.
#
# Write `min_validation_size`, the smallest $n$ with $n\,|\Delta| \ge 30$. Floating point gets in
# the way: `0.57 - 0.56` is `0.010000000000000009` and `30 / (0.57 - 0.56)` is `2999.99999...` or
# `3000.0000...03` depending on the numbers, so allow for a relative error of $10^{-9}$, e.g. round
# up `min_changed / abs(delta) * (1 - 1e-9)`.

# %% nbgrader={"grade": false, "grade_id": "min_validation_size", "locked": false, "schema_version": 3, "solution": true}
def min_validation_size(delta, min_changed=30):
    """Return the smallest validation set on which an accuracy change of delta moves min_changed examples.

    Inputs:
    - delta: a change of accuracy as a fraction (0.01 is one percentage point), positive or
      negative, with 0 < |delta| <= 1.
    - min_changed: how many examples must change (30 by the rule of 30).

    Returns the smallest int n with n * |delta| >= min_changed, allowing a relative error of
    1e-9 in delta (so a delta of 0.57 - 0.56 gives 3000, like 0.01).
    Raises ValueError if delta is 0 or |delta| > 1.
    """
    ### BEGIN SOLUTION
    delta = abs(float(delta))
    if delta == 0 or delta > 1:
        raise ValueError(f"an accuracy change must satisfy 0 < |delta| <= 1, got {delta}")
    return int(np.ceil(min_changed / delta * (1 - 1e-9)))
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_rule_of_30", "locked": true, "points": 1, "schema_version": 3, "solution": false}
# min_validation_size gives the smallest n with n * |delta| >= 30, rounding up, robust to float error
for delta, expected in ((0.01, 3000), (0.001, 30000), (0.005, 6000), (-0.01, 3000), (0.007, 4286)):
    n = min_validation_size(delta)
    hint = ("use |delta|: a drop of accuracy needs as many examples as a rise" if n < 0 else
            "delta is a fraction (0.01 is one point), not percentage points" if n > 10 * expected else
            "n * |delta| >= 30 means n >= 30 / |delta|: divide 30 by |delta|" if n < expected / 10 else
            "the smallest such n is 30 / |delta| rounded UP (30 / 0.007 = 4285.7 needs 4286)")
    assert n == expected, f"min_validation_size({delta}) should be {expected}, got {n}: {hint}"
n = min_validation_size(0.57 - 0.56)
assert n == 3000, (
    f"min_validation_size(0.57 - 0.56) should be 3000, got {n}: 0.57 - 0.56 is 0.010000000000000009, so "
    "allow a relative error of 1e-9 before rounding up")
assert min_validation_size(0.02, min_changed=10) == 500, "a change of 2% moving 10 examples needs n = 500"
for bad in (0.0, 1.5):
    try:
        n = min_validation_size(bad)
    except ValueError:
        continue
    except Exception as err:
        raise AssertionError(f"min_validation_size({bad}) raised {type(err).__name__} ({err}), expected ValueError: "
                             "check 0 < |delta| <= 1 before dividing") from None
    raise AssertionError(f"min_validation_size({bad}) returned {n}, expected ValueError: an accuracy change must "
                         "satisfy 0 < |delta| <= 1 (no validation set resolves a change of 0)")
print("test_rule_of_30 passed")

# %%
for delta in (0.01, 0.005, 0.001):
    print(f"a change of {delta:.1%} needs {min_validation_size(delta):>6,} validation examples")
n_val = len(letters["y_val"])
print(f"our {n_val:,} validation letters resolve changes of {30 / n_val:.1%} and more")

# %% [markdown]
# **How much does a measured accuracy move by chance?** Take the logistic regression trained on all
# letters; on our validation set it is right on a fraction $p \approx 0.9$ of the letters. If each
# validation example is right with probability $p$, independently, the accuracy measured on $n$
# examples has standard deviation
#
# $$\mathrm{SE} = \sqrt{\frac{p(1 - p)}{n}},$$
#
# the binomial standard error. We simulate it: 2,000 validation sets of each size from 6 to 30,000,
# drawn as binomial counts with probability $p$ (a **simulation**, because we do not have 30,000
# validation letters). To check that the simple model describes our real classifier, we also
# draw random subsets of 6 and 300 of the 2,000 real validation predictions, without replacement,
# and compare their spread with the formula (times $\sqrt{(N - n)/(N - 1)}$, the correction for
# sampling without replacement from $N$ examples).

# %%
if len(models) < 8:
    raise NotImplementedError("the baselines of section 5 did not finish: they need your stratified_split")
right = models["letters", len(letters["y_train"])].predict(X_val) == letters["y_val"]  # (2000,) bool
p = right.mean()
rng = np.random.default_rng(0)
sizes = np.array([6, 10, 30, 100, 300, 1000, 3000, 10000, 30000])
measured = rng.binomial(sizes[:, None], p, size=(len(sizes), 2000)) / sizes[:, None]  # (9, 2000) accuracies
low, high = np.percentile(measured, [2.5, 97.5], axis=1)

fig, ax = plt.subplots(figsize=(7, 3.8))
ax.fill_between(sizes, 100 * low, 100 * high, alpha=0.25, label="95% of the measurements")
for i in np.flatnonzero(np.isin(sizes, (6, 3000, 30000))):
    jitter = np.exp(rng.normal(0, 0.06, size=40))  # spread the dots sideways on the log axis
    ax.plot(sizes[i] * jitter, 100 * measured[i, :40], ".", color="C0", alpha=0.6,
            label="40 of the measurements, at n = 6, 3,000, 30,000" if i == 0 else None)
ax.axhline(100 * p, color="k", linestyle=":", label=f"the classifier's accuracy p = {p:.1%}")
ax.set_xscale("log")
ax.set_xlabel("validation examples n (log scale)")
ax.set_ylabel("measured accuracy (%)")
ax.set_title("One classifier measured on random validation sets (binomial simulation)")
ax.legend(loc="lower right")
plt.show()
for n, lo, hi in zip(sizes, low, high):
    if n in (6, 3000, 30000):
        print(f"n = {n:>6,}: 95% of the measurements between {lo:.2%} and {hi:.2%}, "
              f"SE = {np.sqrt(p * (1 - p) / n):.2%}")

N = len(right)
for n in (6, 300):
    subsets = np.array([right[rng.choice(N, size=n, replace=False)].mean() for _ in range(2000)])
    formula = np.sqrt(p * (1 - p) / n * (N - n) / (N - 1))
    print(f"n = {n:>3}: spread of real subsets {subsets.std():.4f}, formula {formula:.4f}")

# %% [markdown]
# The funnel narrows like $1/\sqrt{n}$. On six examples the same classifier measures 67%, 83% or
# 100%, and now and then 50%; on 3,000 it stays within about $\pm 1.1$ points of the truth (two
# standard errors), on 30,000 within $\pm 0.35$. Subsets of the real predictions spread just as
# the formula says, so the binomial picture is fair for our classifier. This is the noise of *one*
# accuracy measured on a fresh set; comparing two models on the *same* set is less noisy, because
# only the examples on which they disagree count, and that is what the rule of 30 relies on.

# %% [markdown]
# **Question.** Your validation set has 2,000 letters. A change to your model raises the validation
# accuracy from 85.0% to 85.6%. Would you trust it? What could you do to find out? (Two to four
# sentences.)

# %% [markdown] nbgrader={"grade": true, "grade_id": "q_rule_of_30", "locked": false, "points": 1, "schema_version": 3, "solution": true}
# ### BEGIN SOLUTION
# A change of 0.6 points on 2,000 examples is a net $0.006 \times 2000 = 12$ examples, below the
# 30 of the rule, so not on its own: to trust a 0.6-point change the rule asks for
# $30 / 0.006 = 5{,}000$ validation examples. With the same data we can count the $m$ examples on
# which the two models disagree: a net gain of 12 is about $12 / \sqrt{m}$ standard deviations of
# coin-flip luck, so if only 12 to 20 changed (almost all for the better) it is convincing, if 100
# changed it is noise. (Comparing with a *different* validation set would be noisier still: one
# accuracy of 85% on 2,000 examples moves by $\pm 1.6$ points, two standard errors of
# $\sqrt{0.85 \times 0.15 / 2000} = 0.8$ points.) Beyond that: repeat the comparison with several
# seeds or with cross-validation, or get more validation data.
# ### END SOLUTION

# %% [markdown]
# ## 8. Wrap-up
#
# You prepared data the way the rest of the course needs it: standardised with statistics fitted on
# the training set only, checked for class balance, split by class, and cleaned of the copies that
# link the test set to the training set. You also know how many validation examples it takes to
# trust a change: 30 that changed, so 3,000 for one point and 30,000 for a tenth of one.
#
# The baselines to beat, on raw pixels: scikit-learn's logistic regression reaches about 88.5% on
# the letter test set with all 20,000 training images (about 90% on validation), and 94% on the
# digit test set (97% on validation); the nearest-neighbour memoriser reaches about 92.5% on the
# letters.
#
# From now on these functions live in the course package as `utils.preprocess`
# (`standardize_fit`, `standardize_apply`, `class_balance`, `stratified_split`,
# `find_exact_duplicates`, `find_near_duplicates`, `min_validation_size`). In assignment 03 you
# write that logistic classifier yourself, train it with gradient descent, and compare it with
# this baseline.
