"""Preparing data for a classifier, and judging how much to trust a validation score (02_data).

Shapes: N samples; a sample is a row of D features, shape (N, D), or an image, shape (N, H, W).
Statistics and standardised data are float64; index arrays are int64.
"""

import numpy as np

STD_EPS = 1e-8  # a feature whose standard deviation is at most this counts as constant
MIN_CHANGED = 30  # the "rule of 30": a change that moves this many validation examples is real
_REL_TOL = 1e-9  # relative slack for "n * delta reaches min_changed" (0.57 - 0.56 is not 0.01)
_BLOCK = 2_500_000  # entries of a (rows of A, rows of B) block held at once: 20 MB of float64


def standardize_fit(X, eps=STD_EPS):
    """Compute the per-feature mean and standard deviation of a training set.

    Inputs:
    - X: training samples, shape (N, ...) with N >= 1, any real dtype.
    - eps: a feature whose standard deviation is at most eps is constant; its std is set to 1.

    Returns (mean, std), float64 arrays of shape X.shape[1:], computed in float64 over axis 0,
    std with ddof=0 (divide by N).
    """
    X = np.asarray(X, dtype=np.float64)
    if X.ndim < 2 or X.shape[0] == 0:
        raise ValueError(f"standardize_fit expects samples of shape (N, ...) with N >= 1, got {X.shape}")
    mean = X.mean(axis=0)
    std = X.std(axis=0)  # sqrt(mean((x - mean)^2)): never negative, unlike E[x^2] - E[x]^2
    std[std <= eps] = 1.0  # constant features are centred, not scaled
    return mean, std


def standardize_apply(X, mean, std):
    """Standardise samples with statistics computed elsewhere (on the training set).

    Inputs:
    - X: samples, shape (N, ...).
    - mean, std: from ``standardize_fit``, shape X.shape[1:].

    Returns float64 (X - mean) / std, shape of X.
    """
    X = np.asarray(X, dtype=np.float64)
    return (X - np.asarray(mean, dtype=np.float64)) / np.asarray(std, dtype=np.float64)


def _rows(X, name):
    """Samples as float64 rows (N, D); -0.0 becomes 0.0 so that bytes compare like ==."""
    X = np.asarray(X, dtype=np.float64)
    if X.ndim < 1:
        raise ValueError(f"{name} must hold samples along axis 0, got a scalar")
    return X.reshape(X.shape[0], -1) + 0.0


def _pairs(i, j):
    """Index pairs as an int64 array (M, 2), sorted by i, then j."""
    pairs = np.stack([np.asarray(i, dtype=np.int64), np.asarray(j, dtype=np.int64)], axis=1).reshape(-1, 2)
    return pairs[np.lexsort((pairs[:, 1], pairs[:, 0]))]


def find_exact_duplicates(A, B):
    """Find every pair of identical samples, one from A and one from B.

    Inputs:
    - A: samples, shape (N_A, ...); B: samples, shape (N_B, ...) with the same sample shape.

    Returns an int64 array (M, 2) of (i, j) with A[i] == B[j] in every entry, sorted by i then j;
    shape (0, 2) when there is none. Repeats inside A or B give one pair per combination; two
    samples of A (or of B) that are equal to each other are not a pair.
    """
    A2, B2 = _rows(A, "A"), _rows(B, "B")
    if A2.shape[1] != B2.shape[1]:
        raise ValueError(f"A and B must have the same sample shape, got {np.shape(A)} and {np.shape(B)}")
    where = {}  # bytes of a row of B -> indices of B holding it
    for j, row in enumerate(B2):
        where.setdefault(row.tobytes(), []).append(j)
    hits = [(i, j) for i, row in enumerate(A2) for j in where.get(row.tobytes(), ())]
    i, j = zip(*hits) if hits else ((), ())
    return _pairs(i, j)


def find_near_duplicates(A, B, threshold):
    """Find every pair of samples, one from A and one from B, whose largest difference is small.

    Inputs:
    - A: samples, shape (N_A, ...); B: samples, shape (N_B, ...) with the same sample shape.
    - threshold: a number >= 0.

    Returns an int64 array (M, 2) of (i, j) with max_k |A[i, k] - B[j, k]| <= threshold (computed
    in float64; exact duplicates included), sorted by i then j; shape (0, 2) when there is none.

    Works through A in chunks: since max_k |a_k - b_k| >= ||a - b||_2 / sqrt(D), only pairs with
    ||a - b||_2^2 <= D * threshold^2 can qualify; their squared distances come from one matrix
    product per chunk, and only those candidates are checked pixel by pixel.
    """
    A2, B2 = _rows(A, "A"), _rows(B, "B")
    if A2.shape[1] != B2.shape[1]:
        raise ValueError(f"A and B must have the same sample shape, got {np.shape(A)} and {np.shape(B)}")
    threshold = float(threshold)
    if not threshold >= 0:
        raise ValueError(f"threshold must be >= 0, got {threshold}")
    n_b, d = B2.shape
    sq_b = np.sum(B2**2, axis=1)  # (N_B,)
    chunk = max(1, _BLOCK // max(n_b, 1))
    batch = max(1, _BLOCK // max(d, 1))  # candidate pairs checked at once
    found_i, found_j = [], []
    for start in range(0, A2.shape[0], chunk):
        a = A2[start:start + chunk]  # (n, D)
        sq_a = np.sum(a**2, axis=1)
        d2 = sq_a[:, None] + sq_b[None, :] - 2.0 * (a @ B2.T)  # (n, N_B) squared distances
        slack = 1e-8 * (sq_a[:, None] + sq_b[None, :]) + 1e-12  # rounding of the matrix product
        ci, cj = np.nonzero(d2 <= d * threshold**2 + slack)
        for s in range(0, ci.size, batch):
            ii, jj = ci[s:s + batch], cj[s:s + batch]
            ok = np.max(np.abs(a[ii] - B2[jj]), axis=1, initial=0.0) <= threshold
            found_i.append(ii[ok] + start)
            found_j.append(jj[ok])
    if not found_i:
        return _pairs((), ())
    return _pairs(np.concatenate(found_i), np.concatenate(found_j))


def stratified_split(y, fraction, rng=0):
    """Split sample indices in two, holding out the same fraction of every class.

    Inputs:
    - y: labels, shape (N,), any values (a class is a distinct value).
    - fraction: share of each class to hold out, in [0, 1].
    - rng: a seed or a numpy Generator, passed to np.random.default_rng.

    Returns (keep, held): int64 index arrays into y, each sorted ascending, together holding
    0 .. N-1 exactly once. held has round(fraction * n_k) samples of each class k (Python's
    round), chosen at random; the same rng gives the same split.
    """
    y = np.asarray(y)
    if y.ndim != 1:
        raise ValueError(f"stratified_split expects labels of shape (N,), got shape {y.shape}")
    if not 0.0 <= fraction <= 1.0:
        raise ValueError(f"fraction must lie in [0, 1], got {fraction}")
    rng = np.random.default_rng(rng)
    held = [np.zeros(0, dtype=np.int64)]
    for k in np.unique(y):
        idx = np.flatnonzero(y == k)
        n_held = int(round(fraction * idx.size))
        held.append(rng.permutation(idx)[:n_held])
    is_held = np.zeros(y.shape[0], dtype=bool)
    is_held[np.concatenate(held)] = True
    return np.flatnonzero(~is_held).astype(np.int64), np.flatnonzero(is_held).astype(np.int64)


def class_balance(y, num_classes):
    """Count the samples of each class.

    Inputs:
    - y: integer labels, shape (N,), each in 0 .. num_classes - 1.
    - num_classes: K.

    Returns a dict:
    - "counts": int64 (K,), samples per class (0 for a class with none);
    - "fractions": float64 (K,), counts / N;
    - "ratio": float, the largest count over the smallest (inf when a class has no sample).
    Raises ValueError for labels outside 0 .. K-1 or y that is not 1-D.
    """
    y = np.asarray(y)
    if y.ndim != 1:
        raise ValueError(f"class_balance expects labels of shape (N,), got shape {y.shape}")
    if y.size and (y.min() < 0 or y.max() >= num_classes):
        raise ValueError(f"labels must lie in 0..{num_classes - 1}, got {y.min()}..{y.max()}")
    counts = np.bincount(y.astype(np.int64), minlength=num_classes).astype(np.int64)
    fractions = counts / max(y.shape[0], 1)
    ratio = float(counts.max() / counts.min()) if counts.min() > 0 else float("inf")
    return {"counts": counts, "fractions": fractions, "ratio": ratio}


def min_validation_size(delta, min_changed=MIN_CHANGED):
    """Smallest validation set on which an accuracy change of delta moves min_changed examples.

    Inputs:
    - delta: a change of accuracy as a fraction (0.01 is one percentage point), 0 < |delta| <= 1.
    - min_changed: how many examples must change (the rule of 30).

    Returns the smallest int n with n * |delta| >= min_changed, allowing a relative 1e-9 of
    rounding error in delta. Raises ValueError for delta == 0 or |delta| > 1.
    """
    delta = abs(float(delta))
    if delta == 0 or delta > 1:
        raise ValueError(f"an accuracy change must satisfy 0 < |delta| <= 1, got {delta}")
    return int(np.ceil(min_changed / delta * (1 - _REL_TOL)))
