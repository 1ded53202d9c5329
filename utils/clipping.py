"""Gradient clipping (assignment 11_rnn).

Gradients are a dict ``{name: array}`` as models return them. Both functions return new arrays in
the gradients' dtypes and leave the input untouched.

- ``clip_grad_norm``: if the global norm sqrt(sum over every entry of every array of g^2) exceeds
  ``max_norm``, every array is multiplied by the one number ``max_norm / norm``: the direction of
  the whole update is kept, only its length is capped. PyTorch's ``clip_grad_norm_`` does the same
  with ``max_norm / (norm + 1e-6)``; we divide by the norm itself.
- ``clip_grad_value``: every entry is clipped to [-clip_value, clip_value] on its own, which
  changes the direction.
"""

import numpy as np


def global_norm(grads):
    """sqrt of the sum of squares of every entry of every array in the dict, as a Python float."""
    return float(np.sqrt(sum(float(np.sum(np.square(g, dtype=np.float64))) for g in grads.values())))


def clip_grad_norm(grads, max_norm):
    """Scale all gradients together so that their global norm is at most max_norm.

    Inputs: grads {name: array}; max_norm > 0.
    Returns (clipped, scale): a new dict of arrays (same keys, shapes, dtypes) and the Python float
    the arrays were multiplied by: max_norm / norm when norm > max_norm, else 1.0.
    """
    norm = global_norm(grads)
    scale = max_norm / norm if norm > max_norm else 1.0
    return {name: g * g.dtype.type(scale) for name, g in grads.items()}, float(scale)


def clip_grad_value(grads, clip_value):
    """Clip every gradient entry to [-clip_value, clip_value].

    Inputs: grads {name: array}; clip_value > 0.
    Returns (clipped, fraction): a new dict of arrays (same keys, shapes, dtypes) and the fraction
    of all entries whose magnitude exceeded clip_value, a Python float in [0, 1].
    """
    total = sum(g.size for g in grads.values())
    over = sum(int(np.count_nonzero(np.abs(g) > clip_value)) for g in grads.values())
    clipped = {name: np.clip(g, -clip_value, clip_value).astype(g.dtype, copy=False) for name, g in grads.items()}
    return clipped, over / max(total, 1)
