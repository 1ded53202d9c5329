"""Normalisation layers (assignment 08_batchnorm): standardisation, batch norm, layer norm.

Shapes: N samples, D features; inputs are (N, D). Layers follow the course's contract,
``<name>_forward(x, ...) -> (out, cache)`` and ``<name>_backward(dout, cache) -> (dx, dgamma,
dbeta)``, with one addition for batch norm, which carries state between calls:

    out, bn_param, cache = batchnorm_forward(x, gamma, beta, bn_param)

``bn_param`` is a plain dict holding the mode and the running statistics. It is updated in place
*and returned*, as the optimisers return their config (``utils.optim``), so a caller that keeps
what comes back (a model, or a grader running the function in another process) always has the
current running statistics. Its keys:

- ``mode``: ``"train"`` (normalise with the batch's own statistics and update the running ones) or
  ``"test"`` (normalise with the running statistics; nothing is updated). Required.
- ``eps``: added to the variance before the square root (default 1e-5, as in PyTorch).
- ``momentum``: the weight of the *new* batch's statistic in the running averages (default 0.1),
  PyTorch's convention: ``running = (1 - momentum) * running + momentum * batch``. (Keras and
  CS231n call ``1 - momentum`` "momentum", e.g. 0.9 or 0.99.)
- ``running_mean``, ``running_var``: (D,) arrays; zeros and ones when missing, so test mode before
  any training step is ``gamma * x / sqrt(1 + eps) + beta``. The running variance is updated with
  the *unbiased* batch variance (divide by N - 1), an estimate of the population's variance, as
  PyTorch does; the batch itself is normalised with the biased one (divide by N).

Layer norm normalises each sample over its own D features, so it has no batch statistics, no
running statistics and no modes: train and test are the same computation.
"""

import numpy as np

from utils import layers
from utils.models import FullyConnectedNet

__all__ = ["standardize", "batchnorm_forward", "batchnorm_backward", "layernorm_forward",
           "layernorm_backward", "NormalizedNet", "BN_DEFAULTS"]

BN_DEFAULTS = {"eps": 1e-5, "momentum": 0.1}  # PyTorch's defaults and momentum convention


def standardize(x, axis=0, eps=1e-5):
    """Shift and scale x to zero mean and unit variance along ``axis``.

    Inputs:
    - x: float array (N, D). float32 stays float32.
    - axis: 0 standardises each feature over the batch (batch norm's statistics), 1 or -1 each
      sample over its features (layer norm's).
    - eps: added to the (biased, divide-by-count) variance before the square root, so a constant
      feature becomes 0 instead of nan.

    Returns x_hat = (x - mean) / sqrt(var + eps), shaped like x.
    """
    mu = x.mean(axis=axis, keepdims=True)
    xc = x - mu  # two passes: the variance of the centred values stays exact at large offsets
    var = (xc * xc).mean(axis=axis, keepdims=True)
    return xc / np.sqrt(var + eps)


def batchnorm_forward(x, gamma, beta, bn_param):
    """Batch-normalise x, feature by feature, then scale by gamma and shift by beta.

    Inputs:
    - x: (N, D), N >= 2 in train mode.
    - gamma, beta: (D,) scale and shift.
    - bn_param: dict with "mode" ("train" or "test") and optionally "eps", "momentum",
      "running_mean" (D,), "running_var" (D,); see the module's docstring.

    Returns (out, bn_param, cache):
    - out: (N, D), gamma * x_hat + beta.
    - bn_param: the same dict, its running_mean and running_var updated in train mode (and
      created when missing).
    - cache: what batchnorm_backward needs, (x_hat, gamma, inv_std); train mode only, None in test.
    """
    mode = bn_param["mode"]
    eps = bn_param.get("eps", BN_DEFAULTS["eps"])
    momentum = bn_param.get("momentum", BN_DEFAULTS["momentum"])
    n, d = x.shape
    running_mean = bn_param.get("running_mean", np.zeros(d, dtype=x.dtype))  # (D,)
    running_var = bn_param.get("running_var", np.ones(d, dtype=x.dtype))  # (D,)
    if mode == "train":
        mu = x.mean(axis=0)  # (D,) statistics over the batch
        xc = x - mu  # (N, D)
        var = (xc * xc).mean(axis=0)  # (D,) biased: the spread of this very batch
        inv_std = 1.0 / np.sqrt(var + eps)  # (D,)
        x_hat = xc * inv_std  # (N, D)
        out = gamma * x_hat + beta
        unbiased = var * (n / (n - 1))  # estimates the population's variance
        bn_param["running_mean"] = (1 - momentum) * running_mean + momentum * mu
        bn_param["running_var"] = (1 - momentum) * running_var + momentum * unbiased
        return out, bn_param, (x_hat, gamma, inv_std)
    if mode == "test":
        out = gamma * (x - running_mean) / np.sqrt(running_var + eps) + beta
        bn_param["running_mean"], bn_param["running_var"] = running_mean, running_var
        return out, bn_param, None
    raise ValueError(f"bn_param['mode'] must be 'train' or 'test', got {mode!r}")


def batchnorm_backward(dout, cache):
    """Backward pass of batchnorm_forward in train mode.

    Inputs:
    - dout: (N, D) upstream gradient.
    - cache: (x_hat, gamma, inv_std) from batchnorm_forward.

    Returns (dx, dgamma, dbeta): dx (N, D); dgamma, dbeta (D,).
    With g = dout * gamma (the gradient w.r.t. x_hat), the chain rule through the batch's mean and
    variance collapses to
        dx = inv_std * (g - mean_n(g) - x_hat * mean_n(g * x_hat)).
    """
    x_hat, gamma, inv_std = cache
    dbeta = dout.sum(axis=0)  # (D,)
    dgamma = (dout * x_hat).sum(axis=0)  # (D,)
    g = dout * gamma  # (N, D)
    dx = inv_std * (g - g.mean(axis=0) - x_hat * (g * x_hat).mean(axis=0))  # (N, D)
    return dx, dgamma, dbeta


def layernorm_forward(x, gamma, beta, eps=1e-5):
    """Layer-normalise each sample over its D features, then scale by gamma and shift by beta.

    Inputs:
    - x: (N, D), any N >= 1 (statistics are per sample: no batch needed).
    - gamma, beta: (D,) per-feature scale and shift.
    - eps: added to each sample's variance before the square root.

    Returns (out, cache): out (N, D); cache (x_hat, gamma, inv_std) with inv_std (N, 1).
    """
    mu = x.mean(axis=1, keepdims=True)  # (N, 1) one mean per sample
    xc = x - mu
    var = (xc * xc).mean(axis=1, keepdims=True)  # (N, 1)
    inv_std = 1.0 / np.sqrt(var + eps)  # (N, 1)
    x_hat = xc * inv_std  # (N, D)
    return gamma * x_hat + beta, (x_hat, gamma, inv_std)


def layernorm_backward(dout, cache):
    """Backward pass of layernorm_forward.

    Inputs:
    - dout: (N, D) upstream gradient.
    - cache: (x_hat, gamma, inv_std) from layernorm_forward.

    Returns (dx, dgamma, dbeta): dx (N, D); dgamma, dbeta (D,). The formula is batch norm's with
    the means taken over the features of each sample instead of over the batch.
    """
    x_hat, gamma, inv_std = cache
    dbeta = dout.sum(axis=0)  # (D,) gamma and beta are shared by all samples
    dgamma = (dout * x_hat).sum(axis=0)  # (D,)
    g = dout * gamma  # (N, D) gradient w.r.t. x_hat
    dx = inv_std * (g - g.mean(axis=1, keepdims=True) - x_hat * (g * x_hat).mean(axis=1, keepdims=True))
    return dx, dgamma, dbeta


class NormalizedNet(FullyConnectedNet):
    """utils.models.FullyConnectedNet with a normalisation layer after every hidden affine layer:
    ``{affine - [batchnorm | layernorm] - activation} x (L - 1) - affine - softmax``.

    Inputs: those of FullyConnectedNet, plus
    - normalization: None (the plain net), "batchnorm" or "layernorm".
    - bn_defaults: extra entries of every layer's bn_param, e.g. {"momentum": 0.2}.

    params adds "gamma{i}" (ones) and "beta{i}" (zeros), (H_i,), for each hidden layer i. The
    running statistics of batch norm live in ``self.bn_params[i - 1]``, one dict per hidden
    layer; ``loss(X, y)`` (train mode) updates them and ``loss(X)`` (test mode) uses them.
    """

    NORMALIZATIONS = (None, "batchnorm", "layernorm")

    def __init__(self, hidden_dims, input_dim, num_classes, normalization="batchnorm", bn_defaults=None,
                 **kwargs):
        if normalization not in self.NORMALIZATIONS:
            raise ValueError(f"normalization must be one of {self.NORMALIZATIONS}, got {normalization!r}")
        super().__init__(hidden_dims, input_dim, num_classes, **kwargs)
        self.normalization = normalization
        self.bn_params = [dict(bn_defaults or {}) for _ in self.hidden_dims]
        if normalization is not None:
            for i, h in enumerate(self.hidden_dims, start=1):
                self.params[f"gamma{i}"] = np.ones(h, dtype=self.dtype)
                self.params[f"beta{i}"] = np.zeros(h, dtype=self.dtype)

    def _hidden_forward(self, i, h, mode):
        a, fc_cache = layers.affine_forward(h, self.params[f"W{i}"], self.params[f"b{i}"])  # (N, H_i)
        norm_cache = None
        gamma, beta = self.params.get(f"gamma{i}"), self.params.get(f"beta{i}")
        if self.normalization == "batchnorm":
            bn_param = dict(self.bn_params[i - 1], mode=mode)
            a, self.bn_params[i - 1], norm_cache = batchnorm_forward(a, gamma, beta, bn_param)
        elif self.normalization == "layernorm":
            a, norm_cache = layernorm_forward(a, gamma, beta)
        out, act_cache = getattr(layers, f"{self.activation}_forward")(a)
        return out, (fc_cache, norm_cache, act_cache)

    def _hidden_backward(self, i, dout, cache):
        fc_cache, norm_cache, act_cache = cache
        da = getattr(layers, f"{self.activation}_backward")(dout, act_cache)
        grads = {}
        if self.normalization is not None:
            backward = batchnorm_backward if self.normalization == "batchnorm" else layernorm_backward
            da, grads[f"gamma{i}"], grads[f"beta{i}"] = backward(da, norm_cache)
        dh, grads[f"W{i}"], grads[f"b{i}"] = layers.affine_backward(da, fc_cache)
        return dh, grads
