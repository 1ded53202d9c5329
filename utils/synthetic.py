"""Small deterministic 2-D data sets for binary classification.

Every generator returns ``(X, y)``: X float64 of shape (N, 2) and y int64 of shape (N,) with labels
in {0, 1}, the classes alternating 0, 1, 0, 1, ... (so the first samples hold both classes). Use
``t = 2 * y - 1`` where a formula wants targets in {-1, +1}. Randomness comes only from the ``rng``
argument: an int seed, None (fresh entropy) or a ``np.random.Generator``; the same seed always
gives the same set.
"""

import numpy as np

__all__ = ["linearly_separable", "xor", "two_moons", "circles"]


def _labels(n):
    return np.arange(n, dtype=np.int64) % 2  # 0, 1, 0, 1, ...


def linearly_separable(n=100, margin=0.5, angle=0.6, offset=(1.0, 0.5), spread=1.0, rng=0):
    """Sample two Gaussian blobs separated by a line, every point at least ``margin`` from it.

    The separating line is {x : u @ (x - offset) = 0} with the unit normal
    u = (cos angle, sin angle); class 1 lies on the side u points to. The blob centres sit at
    ``offset +- (margin + spread) * u``; points closer than ``margin`` to the line are redrawn. So
    w = u and b = -u @ offset separate the set with a geometric margin of at least ``margin``.

    Inputs:
    - n: number of samples (at least 1), half of each class (class 0 gets the odd one).
    - margin: smallest distance from a point to the line, > 0.
    - angle: direction of the line's normal u, in radians.
    - offset: a point on the line, length 2; away from the origin, a bias is needed.
    - spread: standard deviation of each blob.
    - rng: seed or generator.

    Returns (X, y): X float64 (n, 2), y int64 (n,) in {0, 1}.
    """
    rng = np.random.default_rng(rng)
    u = np.array([np.cos(angle), np.sin(angle)])
    offset = np.asarray(offset, dtype=np.float64)
    y = _labels(n)
    t = 2 * y - 1  # (n,) in {-1, +1}
    X = np.empty((n, 2))
    todo = np.arange(n)
    while todo.size:
        centre = offset + np.outer(t[todo], (margin + spread) * u)  # (k, 2)
        X[todo] = centre + spread * rng.normal(size=(todo.size, 2))
        todo = todo[t[todo] * ((X[todo] - offset) @ u) < margin]  # redraw the points too close
    return X, y


def xor(n=100, noise=0.25, rng=0):
    """Sample four Gaussian clusters at (+-1, +-1); the label is 1 where the signs differ.

    Inputs:
    - n: number of samples; the clusters take turns, so each gets about n / 4.
    - noise: standard deviation of each cluster.
    - rng: seed or generator.

    Returns (X, y): X float64 (n, 2), y int64 (n,) in {0, 1}. No line separates the classes.
    """
    rng = np.random.default_rng(rng)
    y = _labels(n)
    corner = (np.arange(n) // 2) % 2  # which of the two corners of its class a sample gets
    s1 = np.where(corner == 0, 1.0, -1.0)
    s2 = np.where(y == 1, -s1, s1)  # class 1: signs differ; class 0: signs agree
    X = np.column_stack([s1, s2]) + noise * rng.normal(size=(n, 2))
    return X, y


def two_moons(n=100, noise=0.1, rng=0):
    """Sample two interleaved half circles (class 0 on top, class 1 below and shifted).

    Inputs:
    - n: number of samples.
    - noise: standard deviation of the Gaussian noise added to each point.
    - rng: seed or generator.

    Returns (X, y): X float64 (n, 2), y int64 (n,) in {0, 1}.
    """
    rng = np.random.default_rng(rng)
    y = _labels(n)
    angle = np.pi * rng.uniform(size=n)  # (n,) position along the half circle
    top = np.column_stack([np.cos(angle), np.sin(angle)])
    bottom = np.column_stack([1.0 - np.cos(angle), 0.5 - np.sin(angle)])
    X = np.where(y[:, None] == 0, top, bottom) + noise * rng.normal(size=(n, 2))
    return X, y


def circles(n=100, noise=0.1, factor=0.5, rng=0):
    """Sample two concentric circles: class 0 on the unit circle, class 1 inside at radius ``factor``.

    Inputs:
    - n: number of samples.
    - noise: standard deviation of the Gaussian noise added to each point.
    - factor: radius of the inner circle, between 0 and 1.
    - rng: seed or generator.

    Returns (X, y): X float64 (n, 2), y int64 (n,) in {0, 1}.
    """
    rng = np.random.default_rng(rng)
    y = _labels(n)
    angle = 2 * np.pi * rng.uniform(size=n)
    radius = np.where(y == 0, 1.0, factor)
    X = radius[:, None] * np.column_stack([np.cos(angle), np.sin(angle)]) + noise * rng.normal(size=(n, 2))
    return X, y
