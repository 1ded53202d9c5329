"""Synthetic sequence tasks made from a seed (assignments 11-12).

Batch-first, as everywhere in 11-14: inputs (N, T, D) float64, labels and masks (N, T). Each
generator takes ``rng``: an int seed, None or a ``np.random.Generator``; the same seed gives the
same set. The tasks differ in how far back the answer lies, which is what 11 and 12 measure.

- ``recall``: remember the first symbol through ``length - 1`` distractors, answer at the end
  (the distance between cue and answer is the knob for memory-span experiments).
- ``adding``: Hochreiter and Schmidhuber's adding problem: the sum of two marked numbers.
- ``parity``: the running parity (XOR) of a bit stream, answered at every step.
"""

import numpy as np

__all__ = ["recall", "adding", "parity"]


def recall(n, length, n_symbols=4, n_distractors=4, rng=0):
    """The recall task: the label at the last step is the symbol shown at the first step.

    Step 0 shows a cue, one of ``n_symbols`` symbols (one-hot in features 0..n_symbols-1); steps
    1..length-1 show random distractors (one-hot in the next ``n_distractors`` features). Only the
    last step is scored, so the cue must be kept for ``length - 1`` steps. Chance is 1 / n_symbols.

    Returns (x, y, mask): x (n, length, n_symbols + n_distractors) float64 one-hot rows; y (n, length)
    int64, the cue at the last step and 0 elsewhere; mask (n, length) bool, True only at the last step.
    """
    if length < 1:
        raise ValueError(f"length must be at least 1, got {length}")
    rng = np.random.default_rng(rng)
    cue = rng.integers(0, n_symbols, size=n)
    x = np.zeros((n, length, n_symbols + n_distractors))
    x[np.arange(n), 0, cue] = 1.0
    if length > 1:
        noise = n_symbols + rng.integers(0, n_distractors, size=(n, length - 1))
        x[np.arange(n)[:, None], np.arange(1, length)[None, :], noise] = 1.0
    y = np.zeros((n, length), dtype=np.int64)
    y[:, -1] = cue
    mask = np.zeros((n, length), dtype=bool)
    mask[:, -1] = True
    return x, y, mask


def adding(n, length, rng=0):
    """The adding problem: the target is the sum of the two numbers whose marker is 1.

    Feature 0 of each step is a number uniform in [0, 1]; feature 1 is the marker, 1 at one step in
    the first half and one in the second half (length >= 2), 0 elsewhere. Predicting 1 always has a
    mean squared error of about 1/6; a model that solves it does much better.

    Returns (x, target): x (n, length, 2) float64; target (n,) float64.
    """
    if length < 2:
        raise ValueError(f"length must be at least 2, got {length}")
    rng = np.random.default_rng(rng)
    values = rng.uniform(size=(n, length))
    half = length // 2
    first = rng.integers(0, half, size=n)
    second = rng.integers(half, length, size=n)
    marker = np.zeros((n, length))
    marker[np.arange(n), first] = 1.0
    marker[np.arange(n), second] = 1.0
    return np.stack([values, marker], axis=2), (values * marker).sum(axis=1)


def parity(n, length, rng=0):
    """Running parity: the label at step t is the XOR of the bits at steps 0..t.

    Returns (x, y): x (n, length, 1) float64 bits in {0, 1}; y (n, length) int64 in {0, 1}.
    """
    rng = np.random.default_rng(rng)
    bits = rng.integers(0, 2, size=(n, length))
    return bits[:, :, None].astype(np.float64), np.cumsum(bits, axis=1) % 2
