"""Weight initialisation (assignment 10_resnet): Xavier/Glorot and He/Kaiming, uniform and normal.

Shapes: a dense weight is (D, M) (inputs, outputs), as in utils.layers.affine_forward; a conv
weight is (F, C, HH, WW), as in utils.conv.conv_forward. Then
    fan_in  = D        or C * HH * WW   (numbers each output adds up)
    fan_out = M        or F * HH * WW   (numbers each input feeds)
Xavier keeps the variance of both the signal and the gradient: Var = 2 / (fan_in + fan_out).
He keeps the variance of the signal through ReLU layers: Var = 2 / fan_in.
A uniform law on [-a, a] has variance a^2 / 3, so a = sqrt(3 * Var).
"""

import numpy as np


def weight_fans(shape):
    """(fan_in, fan_out) of a dense (D, M) or conv (F, C, HH, WW) weight shape, as ints."""
    shape = tuple(int(s) for s in shape)
    if len(shape) == 2:
        return shape[0], shape[1]
    if len(shape) == 4:
        field = shape[2] * shape[3]
        return shape[1] * field, shape[0] * field
    raise ValueError(f"expected a dense (D, M) or conv (F, C, HH, WW) shape, got {shape}")


def _draw(shape, var, dist, rng):
    rng = np.random.default_rng(rng)
    if dist == "normal":
        return np.sqrt(var) * rng.standard_normal(shape)
    if dist == "uniform":
        a = np.sqrt(3.0 * var)
        return rng.uniform(-a, a, size=shape)
    raise ValueError(f"dist must be 'normal' or 'uniform', got {dist!r}")


def xavier_init(shape, dist="normal", rng=None):
    """Xavier/Glorot weights of the given shape (float64): mean 0, variance 2 / (fan_in + fan_out)."""
    fan_in, fan_out = weight_fans(shape)
    return _draw(shape, 2.0 / (fan_in + fan_out), dist, rng)


def kaiming_init(shape, dist="normal", rng=None):
    """He/Kaiming weights of the given shape (float64): mean 0, variance 2 / fan_in (ReLU nets)."""
    fan_in, _ = weight_fans(shape)
    return _draw(shape, 2.0 / fan_in, dist, rng)
