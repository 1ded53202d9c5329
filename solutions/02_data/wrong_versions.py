"""Wrong versions of 02_data's graded functions: the mistakes students really make.

The test suite puts each one into the released notebook in place of the student's cell, grades it,
and asserts that every test calling that function loses its points. The first version of each
function is the demo's "typical mistakes" student, so it must fail every test that calls
that function (the demo's expected score depends on it; a test checks it).
"""

WRONG = {
    "standardize_fit": [
        ("one mean and one std for the whole array, not one per feature", '''
import numpy as np
def standardize_fit(X, eps=1e-8):
    X = np.asarray(X, dtype=np.float64)
    mean, std = X.mean(), X.std()
    if std <= eps:
        std = 1.0
    return mean, std
'''),
        ("no guard: a constant feature keeps std 0", '''
import numpy as np
def standardize_fit(X, eps=1e-8):
    X = np.asarray(X, dtype=np.float64)
    return X.mean(axis=0), X.std(axis=0)
'''),
        ("guards only std == 0, so a constant 0.1 (np.std 1e-17) is divided by 1e-17", '''
import numpy as np
def standardize_fit(X, eps=1e-8):
    X = np.asarray(X, dtype=np.float64)
    mean, std = X.mean(axis=0), X.std(axis=0)
    std[std == 0] = 1.0
    return mean, std
'''),
        ("sample standard deviation (ddof=1)", '''
import numpy as np
def standardize_fit(X, eps=1e-8):
    X = np.asarray(X, dtype=np.float64)
    mean, std = X.mean(axis=0), X.std(axis=0, ddof=1)
    std[~(std > eps)] = 1.0
    return mean, std
'''),
        ("std as sqrt(E[x^2] - E[x]^2), which cancels catastrophically", '''
import numpy as np
def standardize_fit(X, eps=1e-8):
    X = np.asarray(X, dtype=np.float64)
    mean = X.mean(axis=0)
    std = np.sqrt((X ** 2).mean(axis=0) - mean ** 2)
    std[std <= eps] = 1.0
    return mean, std
'''),
        ("computes in the input's dtype: float32 statistics", '''
import numpy as np
def standardize_fit(X, eps=1e-8):
    X = np.asarray(X)
    mean, std = X.mean(axis=0), X.std(axis=0)
    return mean, np.where(std <= eps, 1, std).astype(std.dtype)
'''),
    ],
    "standardize_apply": [
        ("standardises X with its own mean and std, ignoring the training statistics", '''
import numpy as np
def standardize_apply(X, mean, std):
    X = np.asarray(X, dtype=np.float64)
    m, s = X.mean(axis=0), X.std(axis=0)
    s[s == 0] = 1.0
    return (X - m) / s
'''),
        ("multiplies by std instead of dividing", '''
import numpy as np
def standardize_apply(X, mean, std):
    return (np.asarray(X, dtype=np.float64) - mean) * std
'''),
        ("divides before subtracting: X / std - mean", '''
import numpy as np
def standardize_apply(X, mean, std):
    return np.asarray(X, dtype=np.float64) / std - mean
'''),
        ("only centres: forgets to divide by std", '''
import numpy as np
def standardize_apply(X, mean, std):
    return np.asarray(X, dtype=np.float64) - mean
'''),
        ("keeps the input's dtype (uint8 wraps around, float32 stays float32)", '''
import numpy as np
def standardize_apply(X, mean, std):
    X = np.asarray(X)
    return ((X - mean) / std).astype(X.dtype)
'''),
    ],
    "class_balance": [
        ("np.unique counts: classes without samples are left out", '''
import numpy as np
def class_balance(y, num_classes):
    labels, counts = np.unique(y, return_counts=True)
    return {"counts": counts, "fractions": counts / len(y), "ratio": counts.max() / counts.min()}
'''),
        ("np.bincount without minlength: classes after the largest label are missing", '''
import numpy as np
def class_balance(y, num_classes):
    y = np.asarray(y)
    if y.min() < 0 or y.max() >= num_classes:
        raise ValueError("label out of range")
    counts = np.bincount(y)
    ratio = counts.max() / counts.min() if counts.min() > 0 else np.inf
    return {"counts": counts, "fractions": counts / len(y), "ratio": ratio}
'''),
        ("fractions divided by the number of classes instead of the number of samples", '''
import numpy as np
def class_balance(y, num_classes):
    y = np.asarray(y)
    if y.min() < 0 or y.max() >= num_classes:
        raise ValueError("label out of range")
    counts = np.bincount(y, minlength=num_classes)
    ratio = counts.max() / counts.min() if counts.min() > 0 else np.inf
    return {"counts": counts, "fractions": counts / num_classes, "ratio": ratio}
'''),
        ("ratio upside down: smallest / largest", '''
import numpy as np
def class_balance(y, num_classes):
    y = np.asarray(y)
    if y.min() < 0 or y.max() >= num_classes:
        raise ValueError("label out of range")
    counts = np.bincount(y, minlength=num_classes)
    return {"counts": counts, "fractions": counts / len(y), "ratio": counts.min() / counts.max()}
'''),
        ("ratio over the classes present only: an empty class is ignored", '''
import numpy as np
def class_balance(y, num_classes):
    y = np.asarray(y)
    if y.min() < 0 or y.max() >= num_classes:
        raise ValueError("label out of range")
    counts = np.bincount(y, minlength=num_classes)
    present = counts[counts > 0]
    return {"counts": counts, "fractions": counts / len(y), "ratio": present.max() / present.min()}
'''),
        ("no range check: a label equal to num_classes is counted as an extra class", '''
import numpy as np
def class_balance(y, num_classes):
    counts = np.bincount(np.asarray(y), minlength=num_classes)
    ratio = counts.max() / counts.min() if counts.min() > 0 else np.inf
    return {"counts": counts, "fractions": counts / len(y), "ratio": ratio}
'''),
    ],
    "stratified_split": [
        ("not stratified: shuffles all indices and cuts at round(fraction * N)", '''
import numpy as np
def stratified_split(y, fraction, rng=0):
    rng = np.random.default_rng(rng)
    perm = rng.permutation(len(y))
    n_held = int(round(fraction * len(y)))
    return np.sort(perm[n_held:]), np.sort(perm[:n_held])
'''),
        ("ignores rng: np.random.shuffle moves the global generator, so every call differs", '''
import numpy as np
def stratified_split(y, fraction, rng=0):
    y = np.asarray(y)
    held = []
    for k in np.unique(y):
        idx = np.flatnonzero(y == k)
        np.random.shuffle(idx)
        held.extend(idx[:int(round(fraction * len(idx)))])
    held = np.sort(np.array(held, dtype=np.int64))
    return np.setdiff1d(np.arange(len(y)), held), held
'''),
        ("not random: holds out the first samples of each class", '''
import numpy as np
def stratified_split(y, fraction, rng=0):
    y = np.asarray(y)
    held = []
    for k in np.unique(y):
        idx = np.flatnonzero(y == k)
        held.extend(idx[:int(round(fraction * len(idx)))])
    held = np.sort(np.array(held, dtype=np.int64))
    return np.setdiff1d(np.arange(len(y)), held), held
'''),
        ("int() instead of round(): 0.3 * 6 = 1.8 holds out 1, not 2", '''
import numpy as np
def stratified_split(y, fraction, rng=0):
    y = np.asarray(y)
    rng = np.random.default_rng(rng)
    held = []
    for k in np.unique(y):
        idx = np.flatnonzero(y == k)
        held.extend(rng.permutation(idx)[:int(fraction * len(idx))])
    held = np.sort(np.array(held, dtype=np.int64))
    return np.setdiff1d(np.arange(len(y)), held), held
'''),
        ("returns the indices in shuffled order, not sorted", '''
import numpy as np
def stratified_split(y, fraction, rng=0):
    y = np.asarray(y)
    rng = np.random.default_rng(rng)
    keep, held = [], []
    for k in np.unique(y):
        idx = rng.permutation(np.flatnonzero(y == k))
        n = int(round(fraction * len(idx)))
        held.extend(idx[:n])
        keep.extend(idx[n:])
    return np.array(keep, dtype=np.int64), np.array(held, dtype=np.int64)
'''),
        ("classes taken as 0 .. max(y): negative labels and strings are missed", '''
import numpy as np
def stratified_split(y, fraction, rng=0):
    y = np.asarray(y)
    rng = np.random.default_rng(rng)
    held = []
    for k in range(int(np.max(y)) + 1):
        idx = np.flatnonzero(y == k)
        held.extend(rng.permutation(idx)[:int(round(fraction * len(idx)))])
    held = np.sort(np.array(held, dtype=np.int64))
    return np.setdiff1d(np.arange(len(y)), held), held
'''),
    ],
    "find_exact_duplicates": [
        ("stacks A and B and pairs any two equal rows, so repeats inside A or B count as overlap", '''
import numpy as np
def find_exact_duplicates(A, B):
    A = np.asarray(A, dtype=np.float64).reshape(len(A), -1)
    B = np.asarray(B, dtype=np.float64).reshape(len(B), -1)
    both = np.concatenate([A, B])
    groups = {}
    for k, row in enumerate(both):
        groups.setdefault(row.tobytes(), []).append(k)
    pairs = sorted((p, q - len(A)) for idx in groups.values() for p in idx for q in idx
                   if p < q and p < len(A))
    return np.array(pairs, dtype=np.int64).reshape(-1, 2)
'''),
        ("a dict from row to one index of B: a sample repeated in B pairs only once", '''
import numpy as np
def find_exact_duplicates(A, B):
    A = np.asarray(A, dtype=np.float64).reshape(len(A), -1)
    B = np.asarray(B, dtype=np.float64).reshape(len(B), -1)
    where = {row.tobytes(): j for j, row in enumerate(B)}
    pairs = [(i, where[row.tobytes()]) for i, row in enumerate(A) if row.tobytes() in where]
    return np.array(pairs, dtype=np.int64).reshape(-1, 2)
'''),
        ("np.allclose: rows that differ by 1e-12 count as equal", '''
import numpy as np
def find_exact_duplicates(A, B):
    A = np.asarray(A, dtype=np.float64).reshape(len(A), -1)
    B = np.asarray(B, dtype=np.float64).reshape(len(B), -1)
    pairs = [(i, j) for i in range(len(A)) for j in range(len(B)) if np.allclose(A[i], B[j])]
    return np.array(pairs, dtype=np.int64).reshape(-1, 2)
'''),
        ("compares row sums, so rows with the same sum match", '''
import numpy as np
def find_exact_duplicates(A, B):
    sa = np.asarray(A, dtype=np.float64).reshape(len(A), -1).sum(axis=1)
    sb = np.asarray(B, dtype=np.float64).reshape(len(B), -1).sum(axis=1)
    i, j = np.nonzero(sa[:, None] == sb[None, :])
    return np.stack([i, j], axis=1).astype(np.int64)
'''),
        ("returns shape (0,) instead of (0, 2) when nothing matches", '''
import numpy as np
def find_exact_duplicates(A, B):
    A = np.asarray(A, dtype=np.float64).reshape(len(A), -1)
    B = np.asarray(B, dtype=np.float64).reshape(len(B), -1)
    where = {}
    for j, row in enumerate(B):
        where.setdefault(row.tobytes(), []).append(j)
    return np.array([(i, j) for i, row in enumerate(A) for j in where.get(row.tobytes(), [])], dtype=np.int64)
'''),
    ],
    "find_near_duplicates": [
        ("Euclidean distance instead of the largest pixel difference", '''
import numpy as np
def find_near_duplicates(A, B, threshold):
    A = np.asarray(A, dtype=np.float64).reshape(len(A), -1)
    B = np.asarray(B, dtype=np.float64).reshape(len(B), -1)
    pairs = []
    for i, a in enumerate(A):
        for j in np.flatnonzero(np.sqrt(((B - a) ** 2).sum(axis=1)) <= threshold):
            pairs.append((i, j))
    return np.array(pairs, dtype=np.int64).reshape(-1, 2)
'''),
        ("mean absolute difference instead of the largest", '''
import numpy as np
def find_near_duplicates(A, B, threshold):
    A = np.asarray(A, dtype=np.float64).reshape(len(A), -1)
    B = np.asarray(B, dtype=np.float64).reshape(len(B), -1)
    pairs = []
    for i, a in enumerate(A):
        for j in np.flatnonzero(np.abs(B - a).mean(axis=1) <= threshold):
            pairs.append((i, j))
    return np.array(pairs, dtype=np.int64).reshape(-1, 2)
'''),
        ("strict <: a pair exactly at the threshold is missed", '''
import numpy as np
def find_near_duplicates(A, B, threshold):
    A = np.asarray(A, dtype=np.float64).reshape(len(A), -1)
    B = np.asarray(B, dtype=np.float64).reshape(len(B), -1)
    pairs = []
    for i, a in enumerate(A):
        for j in np.flatnonzero(np.abs(B - a).max(axis=1) < threshold):
            pairs.append((i, j))
    return np.array(pairs, dtype=np.int64).reshape(-1, 2)
'''),
        ("matrix-product prefilter without the factor D: keeps only ||a - b||^2 <= threshold^2", '''
import numpy as np
def find_near_duplicates(A, B, threshold):
    A = np.asarray(A, dtype=np.float64).reshape(len(A), -1)
    B = np.asarray(B, dtype=np.float64).reshape(len(B), -1)
    d2 = (A ** 2).sum(axis=1)[:, None] + (B ** 2).sum(axis=1)[None, :] - 2 * A @ B.T
    pairs = []
    for i, j in zip(*np.nonzero(d2 <= threshold ** 2 + 1e-9)):
        if np.abs(A[i] - B[j]).max() <= threshold:
            pairs.append((i, j))
    return np.array(pairs, dtype=np.int64).reshape(-1, 2)
'''),
        ("leaves out exact copies: only 0 < difference <= threshold", '''
import numpy as np
def find_near_duplicates(A, B, threshold):
    A = np.asarray(A, dtype=np.float64).reshape(len(A), -1)
    B = np.asarray(B, dtype=np.float64).reshape(len(B), -1)
    pairs = []
    for i, a in enumerate(A):
        diff = np.abs(B - a).max(axis=1)
        for j in np.flatnonzero((diff > 0) & (diff <= threshold)):
            pairs.append((i, j))
    return np.array(pairs, dtype=np.int64).reshape(-1, 2)
'''),
        ("chunk loop range(0, len(A) - chunk, chunk) skips the last rows of A", '''
import numpy as np
def find_near_duplicates(A, B, threshold):
    A = np.asarray(A, dtype=np.float64).reshape(len(A), -1)
    B = np.asarray(B, dtype=np.float64).reshape(len(B), -1)
    chunk, pairs = 4, []
    for start in range(0, len(A) - chunk, chunk):
        a = A[start:start + chunk]
        diff = np.abs(a[:, None, :] - B[None, :, :]).max(axis=2)
        i, j = np.nonzero(diff <= threshold)
        pairs.extend(zip(i + start, j))
    return np.array(sorted(pairs), dtype=np.int64).reshape(-1, 2)
'''),
    ],
    "min_validation_size": [
        ("multiplies instead of dividing: min_changed * |delta|", '''
import numpy as np
def min_validation_size(delta, min_changed=30):
    return int(np.ceil(min_changed * abs(delta)))
'''),
        ("rounds down: int(30 / 0.007) = 4285", '''
def min_validation_size(delta, min_changed=30):
    if delta == 0 or abs(delta) > 1:
        raise ValueError("delta out of range")
    return int(min_changed / abs(delta))
'''),
        ("rounds up with no tolerance: 30 / (0.57 - 0.56) gives 3001", '''
import math
def min_validation_size(delta, min_changed=30):
    if delta == 0 or abs(delta) > 1:
        raise ValueError("delta out of range")
    return math.ceil(min_changed / abs(delta))
'''),
        ("reads delta in percentage points: 100 * 30 / |delta|", '''
import math
def min_validation_size(delta, min_changed=30):
    if delta == 0 or abs(delta) > 1:
        raise ValueError("delta out of range")
    return math.ceil(100 * min_changed / abs(delta) * (1 - 1e-9))
'''),
        ("no check: delta 0 raises ZeroDivisionError, delta 1.5 returns 20", '''
import math
def min_validation_size(delta, min_changed=30):
    return math.ceil(min_changed / abs(delta) * (1 - 1e-9))
'''),
        ("ignores the sign: a drop gives a negative size", '''
import math
def min_validation_size(delta, min_changed=30):
    if delta == 0 or abs(delta) > 1:
        raise ValueError("delta out of range")
    return math.ceil(min_changed / delta * (1 - 1e-9))
'''),
    ],
}
