"""The logistic classifier: scores = X W + b, trained on the softmax cross-entropy (03_logistic).

Shapes: N samples, D features, K classes. X is (N, D), W is (D, K), b is (K,), scores are (N, K).
Computations run in float64 (gradient checks need it), whatever the inputs' dtype.

05_mlp generalises the forward pass and its gradient to any affine layer with a cache; this module
keeps the classifier whole, as 03 teaches it.
"""

import numpy as np

from utils.losses import softmax_cross_entropy

__all__ = ["logistic_forward", "logistic_loss", "gd_step", "LogisticClassifier"]


def _checked(X, W, b, y=None):
    """Return X as float64 after checking the shapes of X, W, b (and y); raise ValueError if not.

    numpy would broadcast some wrong shapes silently (a b of shape (N, K), labels of shape (N, 1))
    and index with negative labels as if they counted from the end; both give a wrong loss with no
    error, so they are refused here.
    """
    X = np.asarray(X, dtype=np.float64)
    W, b = np.asarray(W), np.asarray(b)
    if X.ndim != 2:
        raise ValueError(f"X should have shape (N, D), got shape {X.shape}")
    if W.ndim != 2 or W.shape[0] != X.shape[1]:
        raise ValueError(f"W should have shape (D, K) with D = {X.shape[1]} (the columns of X), got shape {W.shape}")
    if b.shape != (W.shape[1],):
        raise ValueError(f"b should have shape (K,) = ({W.shape[1]},), one bias per column of W, got shape {b.shape}")
    if y is not None:
        y = np.asarray(y)
        if y.shape != (X.shape[0],):
            raise ValueError(f"y should have shape (N,) = ({X.shape[0]},), one label per row of X, got shape {y.shape}")
        if y.dtype.kind not in "iu":
            raise ValueError(f"y should hold integer labels, got dtype {y.dtype}")
        if y.size and (y.min() < 0 or y.max() >= W.shape[1]):
            raise ValueError(f"labels should lie in 0..{W.shape[1] - 1} (K = {W.shape[1]} classes), "
                             f"got {y.min()}..{y.max()}")
    return X


def logistic_forward(X, W, b):
    """Compute the class scores of a linear classifier, one row per sample.

    Inputs:
    - X: samples, shape (N, D).
    - W: weights, shape (D, K).
    - b: biases, shape (K,).

    Returns float64 scores of shape (N, K): scores[n, k] = sum_d X[n, d] W[d, k] + b[k].
    Raises ValueError when the shapes do not fit together.
    """
    X = _checked(X, W, b)
    return X @ W + b  # (N, D) @ (D, K) + (K,) -> (N, K)


def logistic_loss(X, y, W, b):
    """Compute the mean softmax cross-entropy of the classifier and its gradients w.r.t. W and b.

    Inputs:
    - X: samples, shape (N, D).
    - y: integer labels, shape (N,), each in 0 .. K-1.
    - W: weights, shape (D, K).
    - b: biases, shape (K,).

    Returns a tuple (loss, dW, db): loss a Python float, dW float64 of shape (D, K), db float64
    of shape (K,). Raises ValueError for shapes that do not fit together, non-integer labels or
    labels outside 0..K-1.
    """
    X = _checked(X, W, b, y)
    scores = X @ W + b  # (N, K)
    loss, dscores = softmax_cross_entropy(scores, y)  # dscores (N, K), already divided by N
    dW = X.T @ dscores  # (D, N) @ (N, K) -> (D, K)
    db = dscores.sum(axis=0)  # (K,): b is added to every row
    return loss, dW, db


def gd_step(X, y, W, b, learning_rate):
    """Take one step of full-batch gradient descent on the softmax cross-entropy.

    Inputs:
    - X: every training sample, shape (N, D); y: their labels, shape (N,).
    - W: weights, shape (D, K); b: biases, shape (K,).
    - learning_rate: the step size, a positive number.

    Returns (next_W, next_b, loss): the parameters after the step, shapes (D, K) and (K,), and
    the loss at the parameters before the step, a Python float. W and b are not modified.
    """
    loss, dW, db = logistic_loss(X, y, W, b)
    return W - learning_rate * dW, b - learning_rate * db, loss


class LogisticClassifier:
    """Multinomial logistic regression with parameters ``params = {"W": (D, K), "b": (K,)}``.

    Inputs:
    - input_dim: D, features per sample.
    - num_classes: K.
    - weight_scale: standard deviation of the initial weights; small, so the first predictions
      are nearly uniform and the first loss is near log K. Biases start at 0.
    - rng: a seed, a np.random.Generator or None, for the initial weights.
    """

    def __init__(self, input_dim, num_classes, weight_scale=1e-2, rng=None):
        rng = np.random.default_rng(rng)
        self.params = {
            "W": weight_scale * rng.standard_normal((input_dim, num_classes)),  # (D, K)
            "b": np.zeros(num_classes),  # (K,)
        }

    def loss(self, X, y=None):
        """Return the scores (N, K) when y is None, else (loss, grads) with grads keyed like params."""
        W, b = self.params["W"], self.params["b"]
        if y is None:
            return logistic_forward(X, W, b)
        loss, dW, db = logistic_loss(X, y, W, b)
        return loss, {"W": dW, "b": db}
