"""Numerical gradients by centred differences, and a checker that asserts.

The centred difference (f(x + h) - f(x - h)) / 2h has error O(h^2); with float64 and h = 1e-5 a
correct analytic gradient agrees to a relative error around 1e-8 or better.
"""

import numpy as np


def numerical_gradient(f, x, h=1e-5):
    """Estimate the gradient of the scalar function ``f`` at ``x`` by centred differences.

    Inputs:
    - f: callable taking an array shaped like x and returning a scalar.
    - x: float64 array, any shape. It is perturbed in place and restored.

    Returns an array shaped like x.
    """
    grad = np.zeros_like(x, dtype=np.float64)
    it = np.nditer(x, flags=["multi_index"], op_flags=[["readwrite"]])
    while not it.finished:
        i = it.multi_index
        old = x[i]
        x[i] = old + h
        fplus = float(f(x))
        x[i] = old - h
        fminus = float(f(x))
        x[i] = old
        grad[i] = (fplus - fminus) / (2 * h)
        it.iternext()
    return grad


def numerical_gradient_array(f, x, dout, h=1e-5):
    """Estimate the gradient of sum(f(x) * dout) at ``x``, for a function with array output."""
    return numerical_gradient(lambda v: np.sum(f(v) * dout), x, h)


def rel_error(a, b):
    """Largest elementwise relative error between a and b, scaled by their magnitudes."""
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    return float(np.max(np.abs(a - b) / np.maximum(1e-8, np.abs(a) + np.abs(b))))


def check_gradient(analytic, numeric, name="gradient", tol=1e-6):
    """Assert that an analytic gradient matches a numerical one; return the relative error.

    Raises AssertionError naming ``name`` and the worst entry when the error exceeds ``tol``.
    """
    analytic = np.asarray(analytic, dtype=np.float64)
    numeric = np.asarray(numeric, dtype=np.float64)
    if analytic.shape != numeric.shape:
        raise AssertionError(f"{name} has shape {analytic.shape}, expected {numeric.shape}")
    err = rel_error(analytic, numeric)
    if not err <= tol:
        worst = tuple(int(i) for i in np.unravel_index(np.argmax(np.abs(analytic - numeric)), analytic.shape))
        raise AssertionError(
            f"{name} disagrees with the numerical gradient: relative error {err:.2e} > {tol:.0e}; "
            f"worst at index {worst}: analytic {analytic[worst]:.6g}, numerical {numeric[worst]:.6g}"
        )
    return err
