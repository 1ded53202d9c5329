"""Wrong versions of 01_softmax's graded functions: the mistakes students really make.

The test suite puts each one into the released notebook in place of the student's cell, grades it,
and asserts that every test calling that function loses its points. The first version of each
function is the demo's "typical mistakes" student, so it must fail every test that calls
that function (the demo's expected score depends on it; a test checks it).
"""

WRONG = {
    "softmax": [
        ("sums over the whole array, not along axis", '''
import numpy as np
def softmax(x, axis=-1):
    e = np.exp(x - np.max(x))
    return e / np.sum(e)
'''),
        ("no max subtraction (overflows near 1000)", '''
import numpy as np
def softmax(x, axis=-1):
    e = np.exp(x)
    return e / np.sum(e, axis=axis, keepdims=True)
'''),
        ("ignores axis: always normalises columns (the seed's layout only)", '''
import numpy as np
def softmax(x, axis=-1):
    e = np.exp(x - np.max(x, axis=0))
    return e / np.sum(e, axis=0)
'''),
        ("casts to float64, so float32 input comes back float64", '''
import numpy as np
def softmax(x, axis=-1):
    x = np.asarray(x, dtype=np.float64)
    e = np.exp(x - np.max(x, axis=axis, keepdims=True))
    return e / np.sum(e, axis=axis, keepdims=True)
'''),
        ("subtracts the mean instead of the max", '''
import numpy as np
def softmax(x, axis=-1):
    e = np.exp(x - np.mean(x, axis=axis, keepdims=True))
    return e / np.sum(e, axis=axis, keepdims=True)
'''),
    ],
    "one_hot": [
        ("transposed: (K, N)", '''
import numpy as np
def one_hot(y, num_classes):
    y = np.asarray(y)
    if y.min() < 0 or y.max() >= num_classes:
        raise ValueError("label out of range")
    return np.eye(num_classes)[:, y]
'''),
        ("no range check: np.eye indexing wraps -1 around", '''
import numpy as np
def one_hot(y, num_classes):
    return np.eye(num_classes)[np.asarray(y)]
'''),
        ("off by one: labels treated as 1-based", '''
import numpy as np
def one_hot(y, num_classes):
    y = np.asarray(y)
    if y.min() < 0 or y.max() >= num_classes:
        raise ValueError("label out of range")
    out = np.zeros((len(y), num_classes))
    out[np.arange(len(y)), y - 1] = 1.0
    return out
'''),
        ("K taken from the labels instead of num_classes", '''
import numpy as np
def one_hot(y, num_classes):
    y = np.asarray(y)
    if y.min() < 0 or y.max() >= num_classes:
        raise ValueError("label out of range")
    return np.eye(y.max() + 1)[y]
'''),
    ],
    "cross_entropy": [
        ("sums over samples instead of averaging", '''
import numpy as np
def cross_entropy(probs, targets):
    if np.shape(probs) != np.shape(targets):
        raise ValueError("shapes differ")
    mask = targets != 0
    return float(-np.sum(targets[mask] * np.log(probs[mask])))
'''),
        ("nan from 0 * log(0)", '''
import numpy as np
def cross_entropy(probs, targets):
    if np.shape(probs) != np.shape(targets):
        raise ValueError("shapes differ")
    return float(-np.mean(np.sum(targets * np.log(probs), axis=1)))
'''),
        ("arguments swapped: D(L, S)", '''
import numpy as np
def cross_entropy(probs, targets):
    if np.shape(probs) != np.shape(targets):
        raise ValueError("shapes differ")
    mask = probs != 0
    terms = np.zeros_like(probs)
    terms[mask] = probs[mask] * np.log(np.where(targets[mask] > 0, targets[mask], 1e-300))
    return float(-terms.sum() / probs.shape[0])
'''),
        ("log of the target's probability only, ignoring soft targets", '''
import numpy as np
def cross_entropy(probs, targets):
    if np.shape(probs) != np.shape(targets):
        raise ValueError("shapes differ")
    y = np.argmax(targets, axis=1)
    return float(-np.mean(np.log(probs[np.arange(len(y)), y])))
'''),
        ("averages over every entry (N * K) instead of over samples", '''
import numpy as np
def cross_entropy(probs, targets):
    if np.shape(probs) != np.shape(targets):
        raise ValueError("shapes differ")
    mask = targets != 0
    terms = np.zeros_like(probs)
    terms[mask] = targets[mask] * np.log(probs[mask])
    return float(-terms.mean())
'''),
    ],
    "softmax_cross_entropy": [
        ("unstable: exp of raw scores, and the gradient misses 1/N", '''
import numpy as np
def softmax_cross_entropy(scores, y):
    n = scores.shape[0]
    p = np.exp(scores) / np.sum(np.exp(scores), axis=1, keepdims=True)
    loss = -np.mean(np.log(p[np.arange(n), y]))
    d = p.copy()
    d[np.arange(n), y] -= 1
    return loss, d
'''),
        ("gradient with the sign flipped", '''
import numpy as np
def softmax_cross_entropy(scores, y):
    n = scores.shape[0]
    s = scores - scores.max(axis=1, keepdims=True)
    logp = s - np.log(np.exp(s).sum(axis=1, keepdims=True))
    d = np.exp(logp)
    d[np.arange(n), y] -= 1
    return float(-logp[np.arange(n), y].mean()), -d / n
'''),
        ("stable loss, but the gradient is missing the division by N", '''
import numpy as np
def softmax_cross_entropy(scores, y):
    n = scores.shape[0]
    s = scores - scores.max(axis=1, keepdims=True)
    logp = s - np.log(np.exp(s).sum(axis=1, keepdims=True))
    d = np.exp(logp)
    d[np.arange(n), y] -= 1
    return float(-logp[np.arange(n), y].mean()), d
'''),
        ("softmax computed along the wrong axis (over samples)", '''
import numpy as np
def softmax_cross_entropy(scores, y):
    n = scores.shape[0]
    s = scores - scores.max(axis=0, keepdims=True)
    logp = s - np.log(np.exp(s).sum(axis=0, keepdims=True))
    d = np.exp(logp)
    d[np.arange(n), y] -= 1
    return float(-logp[np.arange(n), y].mean()), d / n
'''),
        ("computes in place in the caller's `scores` array (right values, input overwritten)", '''
import numpy as np
def softmax_cross_entropy(scores, y):
    n = scores.shape[0]
    scores -= scores.max(axis=1, keepdims=True)
    log_norm = np.log(np.exp(scores).sum(axis=1, keepdims=True))
    loss = float(log_norm.mean() - scores[np.arange(n), y].mean())
    np.exp(scores, out=scores)
    scores /= scores.sum(axis=1, keepdims=True)
    dscores = scores.copy()
    dscores[np.arange(n), y] -= 1
    return loss, dscores / n
'''),
        ("subtracts the row maximum in place (`scores -= max`): right results, the caller's scores shifted", '''
import numpy as np
def softmax_cross_entropy(scores, y):
    n = scores.shape[0]
    scores -= scores.max(axis=1, keepdims=True)
    log_probs = scores - np.log(np.exp(scores).sum(axis=1, keepdims=True))
    loss = float(-log_probs[np.arange(n), y].mean())
    dscores = np.exp(log_probs)
    dscores[np.arange(n), y] -= 1
    return loss, dscores / n
'''),
        ("returns the loss only, no gradient", '''
import numpy as np
def softmax_cross_entropy(scores, y):
    n = scores.shape[0]
    s = scores - scores.max(axis=1, keepdims=True)
    logp = s - np.log(np.exp(s).sum(axis=1, keepdims=True))
    return float(-logp[np.arange(n), y].mean())
'''),
    ],
}
