"""A LeNet-style convolutional classifier (assignment 09_cnn), built from ``utils.conv`` and
``utils.layers``:

    conv - ReLU - 2x2 max pool - conv - ReLU - 2x2 max pool - affine - ReLU - affine - softmax

Convolutions have stride 1 and zero padding (K - 1) // 2 (an odd K x K kernel keeps the size);
each pool halves the height and width (rounding down). Layer functions are looked up in their
modules at call time, so the autograder sees every call.
"""

import numpy as np

from utils import conv, layers
from utils.losses import softmax_cross_entropy

__all__ = ["lenet_loss", "LeNet"]

POOL = {"pool_height": 2, "pool_width": 2, "stride": 2}


def lenet_loss(params, X, y=None, reg=0.0):
    """Compute a LeNet-style net's scores, or its loss and gradients.

    Inputs:
    - params: "W1" (F1, C, K1, K1), "b1" (F1,), "W2" (F2, F1, K2, K2), "b2" (F2,),
      "W3" (F2 * H2 * W2, Hd), "b3" (Hd,), "W4" (Hd, K), "b4" (K,), where H2 = (H // 2) // 2 and
      W2 = (W // 2) // 2 are the sizes after the two pools.
    - X: images (N, C, H, W).
    - y: integer labels (N,), or None.
    - reg: L2 strength; the loss adds 0.5 * reg * the sum of the squares of W1..W4 (not biases).

    Returns the scores (N, K) when y is None, else (loss, grads): a Python float and a dict of
    gradients keyed and shaped like params, in the parameters' dtype.
    """
    p = params
    c1 = {"stride": 1, "pad": (p["W1"].shape[2] - 1) // 2}
    c2 = {"stride": 1, "pad": (p["W2"].shape[2] - 1) // 2}
    h1, cache1 = conv.conv_relu_pool_forward(X, p["W1"], p["b1"], c1, POOL)  # (N, F1, H/2, W/2)
    h2, cache2 = conv.conv_relu_pool_forward(h1, p["W2"], p["b2"], c2, POOL)  # (N, F2, H2, W2)
    h3, cache3 = layers.affine_relu_forward(h2, p["W3"], p["b3"])  # (N, Hd): affine flattens
    scores, cache4 = layers.affine_forward(h3, p["W4"], p["b4"])  # (N, K)
    if y is None:
        return scores
    loss, dscores = softmax_cross_entropy(scores, y)
    grads = {}
    dh3, grads["W4"], grads["b4"] = layers.affine_backward(dscores.astype(scores.dtype, copy=False), cache4)
    dh2, grads["W3"], grads["b3"] = layers.affine_relu_backward(dh3, cache3)  # dh2 (N, F2, H2, W2)
    dh1, grads["W2"], grads["b2"] = conv.conv_relu_pool_backward(dh2, cache2)
    _, grads["W1"], grads["b1"] = conv.conv_relu_pool_backward(dh1, cache1)
    for k in ("W1", "W2", "W3", "W4"):
        loss += 0.5 * reg * float(np.sum(p[k] * p[k]))
        grads[k] = grads[k] + reg * p[k]
    return float(loss), grads


class LeNet:
    """The net of lenet_loss as a model for utils.train: a params dict and loss(X, y=None).

    Inputs:
    - input_shape: (C, H, W) of one image; images (N, H, W) are given a channel axis (C = 1).
    - filters: (F1, F2); kernel: K, odd, for both convolutions; hidden: Hd; num_classes: K.
    - reg: L2 strength. rng: seed or Generator for He initialisation (std sqrt(2 / fan-in)); biases 0.
    - dtype: of every parameter (float32 trains about twice as fast as float64).
    """

    def __init__(self, input_shape, filters=(8, 16), kernel=3, hidden=64, num_classes=10, reg=0.0, rng=0,
                 dtype=np.float32):
        c, h, w = input_shape
        f1, f2 = filters
        rng = np.random.default_rng(rng)
        flat = f2 * (h // 2 // 2) * (w // 2 // 2)

        def he(shape, fan_in):
            return (np.sqrt(2.0 / fan_in) * rng.standard_normal(shape)).astype(dtype)

        self.params = {"W1": he((f1, c, kernel, kernel), c * kernel * kernel), "b1": np.zeros(f1, dtype),
                       "W2": he((f2, f1, kernel, kernel), f1 * kernel * kernel), "b2": np.zeros(f2, dtype),
                       "W3": he((flat, hidden), flat), "b3": np.zeros(hidden, dtype),
                       "W4": he((hidden, num_classes), hidden), "b4": np.zeros(num_classes, dtype)}
        self.reg = float(reg)

    def loss(self, X, y=None):
        if X.ndim == 3:
            X = X[:, None]  # (N, 1, H, W)
        return lenet_loss(self.params, X, y, self.reg)

    def num_parameters(self):
        return int(sum(v.size for v in self.params.values()))
