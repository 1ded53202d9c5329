"""Model classes built from ``utils.layers`` (assignment 05_mlp), and the functional ``mlp_loss``.

A model is a ``params`` dict of arrays and ``loss(X, y=None)``: the scores (N, K) when ``y`` is
None, else ``(loss, grads)`` with ``grads`` keyed like ``params``. ``utils.train.train`` trains any
such object.

``FullyConnectedNet`` is ``{affine - activation} x (L - 1) - affine - softmax`` with L2
regularisation ``0.5 * reg * sum_l ||W_l||^2`` (biases are not regularised). Later assignments
extend it by overriding its hooks rather than copying it:

- ``_hidden_forward(i, h, mode)`` / ``_hidden_backward(i, dh, cache)``: hidden layer ``i`` (1-based).
  07 (dropout) and 08 (batch norm) insert their layers here; ``mode`` is ``"train"`` when ``loss``
  was given labels and ``"test"`` when it was not.
- ``_init_weight(fan_in, fan_out, rng)``: the initial weights of one layer; ``weight_scale`` may
  also be a callable with this signature (10 adds He and Xavier initialisation).

Layer functions are looked up in ``utils.layers`` at call time, never copied, so everything the
autograder wraps to notice delegation is seen.
"""

import numpy as np

from utils import layers
from utils.losses import softmax_cross_entropy

__all__ = ["FullyConnectedNet", "mlp_loss", "ACTIVATIONS"]

ACTIVATIONS = ("relu", "sigmoid", "tanh")  # each has <name>_forward / <name>_backward in utils.layers


def _check_activation(activation):
    if activation not in ACTIVATIONS:
        raise ValueError(f"activation must be one of {ACTIVATIONS}, got {activation!r}")
    return activation


class FullyConnectedNet:
    """A multi-layer perceptron classifier: L - 1 hidden layers, then affine scores and softmax.

    Inputs:
    - hidden_dims: sizes of the hidden layers, e.g. [256] or [128, 64]; may be empty (then the
      net is a linear softmax classifier).
    - input_dim: D, features per sample (inputs (N, d_1, ..., d_k) are flattened, D = d_1...d_k).
    - num_classes: K.
    - activation: "relu", "sigmoid" or "tanh", used after every hidden affine layer.
    - weight_scale: standard deviation of the initial weights (a number), or a callable
      ``(fan_in, fan_out, rng) -> (fan_in, fan_out) array``. Biases start at 0.
    - reg: L2 strength; the loss adds 0.5 * reg * sum of every squared weight (not biases).
    - rng: a seed or np.random.Generator for the initial weights.
    - dtype: of every parameter; float64 for gradient checks.

    params: "W1" (D, H_1), "b1" (H_1,), ..., "WL" (H_{L-1}, K), "bL" (K,).
    """

    def __init__(self, hidden_dims, input_dim, num_classes, activation="relu", weight_scale=1e-2,
                 reg=0.0, rng=0, dtype=np.float64):
        self.activation = _check_activation(activation)
        self.reg = float(reg)
        self.weight_scale = weight_scale
        self.dtype = dtype
        self.hidden_dims = [int(h) for h in hidden_dims]
        self.num_layers = len(self.hidden_dims) + 1  # L affine layers
        rng = np.random.default_rng(rng)
        dims = [int(input_dim), *self.hidden_dims, int(num_classes)]
        self.params = {}
        for i in range(1, self.num_layers + 1):
            fan_in, fan_out = dims[i - 1], dims[i]
            self.params[f"W{i}"] = np.asarray(self._init_weight(fan_in, fan_out, rng), dtype=dtype)  # (fan_in, fan_out)
            self.params[f"b{i}"] = np.zeros(fan_out, dtype=dtype)  # (fan_out,)

    @classmethod
    def from_params(cls, params, activation="relu", reg=0.0):
        """Wrap existing parameters {"W1", "b1", ..., "WL", "bL"} (shared, not copied) in a net."""
        net = cls.__new__(cls)
        net.activation = _check_activation(activation)
        net.reg = float(reg)
        net.num_layers = sum(1 for k in params if k.startswith("W"))
        expected = {f"{p}{i}" for i in range(1, net.num_layers + 1) for p in "Wb"}
        if set(params) != expected:
            raise ValueError(f"params should have the keys {sorted(expected)}, got {sorted(params)}")
        net.hidden_dims = [params[f"b{i}"].shape[0] for i in range(1, net.num_layers)]
        net.weight_scale, net.dtype = None, params["W1"].dtype
        net.params = params
        return net

    def _init_weight(self, fan_in, fan_out, rng):
        """Initial weights of one affine layer, (fan_in, fan_out)."""
        if callable(self.weight_scale):
            return self.weight_scale(fan_in, fan_out, rng)
        return self.weight_scale * rng.standard_normal((fan_in, fan_out))

    def _hidden_forward(self, i, h, mode):
        """Hidden layer i (1-based): affine, then the activation. Returns (out (N, H_i), cache)."""
        a, fc_cache = layers.affine_forward(h, self.params[f"W{i}"], self.params[f"b{i}"])  # (N, H_i)
        out, act_cache = getattr(layers, f"{self.activation}_forward")(a)
        return out, (fc_cache, act_cache)

    def _hidden_backward(self, i, dout, cache):
        """Backward pass of _hidden_forward. Returns (dh shaped like its input, {"Wi": dW, "bi": db})."""
        fc_cache, act_cache = cache
        da = getattr(layers, f"{self.activation}_backward")(dout, act_cache)
        dh, dw, db = layers.affine_backward(da, fc_cache)
        return dh, {f"W{i}": dw, f"b{i}": db}

    def loss(self, X, y=None):
        """Scores (N, K) of inputs X (N, d_1, ..., d_k) when y is None; else (loss, grads).

        With labels y (N,): loss = mean softmax cross-entropy + 0.5 * reg * sum_l ||W_l||^2, a
        Python float, and grads a dict of arrays keyed and shaped like params.
        """
        mode = "test" if y is None else "train"
        L = self.num_layers
        h, caches = X, []
        for i in range(1, L):
            h, cache = self._hidden_forward(i, h, mode)  # (N, H_i)
            caches.append(cache)
        scores, out_cache = layers.affine_forward(h, self.params[f"W{L}"], self.params[f"b{L}"])  # (N, K)
        if y is None:
            return scores

        loss, dscores = softmax_cross_entropy(scores, y)
        grads = {}
        dh, grads[f"W{L}"], grads[f"b{L}"] = layers.affine_backward(dscores, out_cache)
        for i in range(L - 1, 0, -1):
            dh, layer_grads = self._hidden_backward(i, dh, caches[i - 1])
            grads.update(layer_grads)
        for i in range(1, L + 1):
            W = self.params[f"W{i}"]
            loss += 0.5 * self.reg * float(np.sum(W * W))
            grads[f"W{i}"] = grads[f"W{i}"] + self.reg * W
        return float(loss), grads

    def num_parameters(self):
        """Total number of scalar parameters."""
        return int(sum(p.size for p in self.params.values()))


def mlp_loss(params, X, y=None, reg=0.0, activation="relu"):
    """Compute a fully connected classifier's scores, or its loss and gradients.

    Inputs:
    - params: {"W1": (D, H_1), "b1": (H_1,), ..., "WL": (H_{L-1}, K), "bL": (K,)}, L >= 1.
    - X: inputs (N, d_1, ..., d_k), flattened to (N, D).
    - y: integer labels (N,), or None.
    - reg: L2 strength; the loss adds 0.5 * reg * sum_l ||W_l||^2 (biases are not regularised).
    - activation: "relu", "sigmoid" or "tanh", after every affine layer but the last.

    Returns the scores (N, K) when y is None, else (loss, grads): the mean softmax cross-entropy
    plus the penalty, a Python float, and a dict of gradients keyed and shaped like params.
    """
    return FullyConnectedNet.from_params(params, activation=activation, reg=reg).loss(X, y)
