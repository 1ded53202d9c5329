"""Probabilities and losses for classification (assignment 01_softmax).

Shapes: N samples, K classes. Scores (logits) are ``(N, K)`` unless an ``axis`` says otherwise.
"""

import numpy as np


def softmax(x, axis=-1):
    """Turn scores into probabilities along ``axis``, stably.

    Inputs:
    - x: array of scores, any shape; float32 input gives float32 output.
    - axis: the axis that holds the classes. ``-1`` for batch-first ``(N, K)`` scores, ``0`` for
      the one-row-per-class ``(K, N)`` layout.

    Returns an array of the same shape whose entries along ``axis`` are positive and sum to 1.
    """
    x = np.asarray(x)
    if not np.issubdtype(x.dtype, np.floating):
        x = x.astype(np.float64)
    shifted = x - np.max(x, axis=axis, keepdims=True)  # largest score becomes 0: exp cannot overflow
    e = np.exp(shifted)
    return e / np.sum(e, axis=axis, keepdims=True)


def one_hot(y, num_classes):
    """Encode integer labels as one-hot rows.

    Inputs:
    - y: integer labels, shape (N,), each in ``0 .. num_classes - 1``.
    - num_classes: K, the number of classes.

    Returns a float64 array of shape (N, K) with a single 1.0 per row, at column ``y[i]``.
    Raises ValueError for a label outside ``0 .. K - 1`` or labels that are not integers.
    """
    y = np.asarray(y)
    if y.ndim != 1:
        raise ValueError(f"one_hot expects labels of shape (N,), got shape {y.shape}")
    if y.size and not np.issubdtype(y.dtype, np.integer):
        raise ValueError(f"one_hot expects integer labels, got dtype {y.dtype}")
    if y.size and (y.min() < 0 or y.max() >= num_classes):
        raise ValueError(f"labels must lie in 0..{num_classes - 1}, got {y.min()}..{y.max()}")
    out = np.zeros((y.shape[0], num_classes))
    out[np.arange(y.shape[0]), y] = 1.0
    return out


def cross_entropy(probs, targets):
    """Average cross-entropy D(S, L) = -sum_k L_k log S_k over the N rows.

    Inputs:
    - probs: predicted probabilities S, shape (N, K), rows summing to 1.
    - targets: target distributions L, shape (N, K), usually one-hot rows.

    Returns a Python float. Terms with L_k = 0 contribute nothing, even where S_k = 0.
    """
    probs = np.asarray(probs, dtype=np.float64)
    targets = np.asarray(targets, dtype=np.float64)
    if probs.shape != targets.shape:
        raise ValueError(f"probs {probs.shape} and targets {targets.shape} must have one shape")
    mask = targets != 0
    terms = np.zeros_like(probs)
    terms[mask] = targets[mask] * np.log(probs[mask])  # skip 0 * log(0), which would be nan
    return float(-terms.sum() / probs.shape[0])


def softmax_cross_entropy(scores, y):
    """Multinomial logistic loss from scores, and its gradient.

    Inputs:
    - scores: logits, shape (N, K).
    - y: integer labels, shape (N,).

    Returns (loss, dscores): the mean cross-entropy of softmax(scores) against one-hot(y), a
    Python float, and its gradient with respect to scores, shape (N, K).
    """
    scores = np.asarray(scores, dtype=np.float64)
    n = scores.shape[0]
    shifted = scores - scores.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))  # log-sum-exp
    loss = -log_probs[np.arange(n), y].mean()
    dscores = np.exp(log_probs)
    dscores[np.arange(n), y] -= 1.0
    dscores /= n  # (N, K)
    return float(loss), dscores
