"""utils.train: the loop trains a small network, keeps optimiser state per parameter, and stops
with a clear message when the loss blows up."""

import numpy as np
import pytest

from utils import layers
from utils.losses import softmax_cross_entropy
from utils.train import accuracy, train


class TwoLayerNet:
    def __init__(self, d, h, k, rng=0):
        rng = np.random.default_rng(rng)
        self.params = {"W1": rng.normal(0, np.sqrt(2 / d), (d, h)), "b1": np.zeros(h),
                       "W2": rng.normal(0, np.sqrt(1 / h), (h, k)), "b2": np.zeros(k)}

    def loss(self, X, y=None):
        p = self.params
        a, c1 = layers.affine_relu_forward(X, p["W1"], p["b1"])
        scores, c2 = layers.affine_forward(a, p["W2"], p["b2"])
        if y is None:
            return scores
        loss, ds = softmax_cross_entropy(scores, y)
        da, dW2, db2 = layers.affine_backward(ds, c2)
        _, dW1, db1 = layers.affine_relu_backward(da, c1)
        return loss, {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}


def sgd(w, dw, config):
    config.setdefault("learning_rate", 1e-2)
    return w - config["learning_rate"] * dw, config


def _blobs(n, rng=0):
    rng = np.random.default_rng(rng)
    y = rng.integers(0, 3, size=n)
    centres = np.array([[0.0, 3.0], [3.0, -2.0], [-3.0, -2.0]])
    return centres[y] + rng.normal(size=(n, 2)), y


def test_train_fits_separable_blobs():
    X, y = _blobs(600)
    Xv, yv = _blobs(200, rng=1)
    model = TwoLayerNet(2, 16, 3)
    hist = train(model, X, y, sgd, {"learning_rate": 0.1}, Xv, yv, epochs=10, batch_size=50, progress=False)
    assert len(hist["loss"]) == 10 * 12 and len(hist["val_acc"]) == 10
    assert hist["loss"][-1] < hist["loss"][0]
    assert accuracy(model, Xv, yv) > 0.95


def test_train_is_deterministic_given_rng():
    X, y = _blobs(200)
    runs = []
    for _ in range(2):
        model = TwoLayerNet(2, 8, 3)
        runs.append(train(model, X, y, sgd, {"learning_rate": 0.1}, epochs=2, batch_size=32, rng=5,
                          progress=False)["loss"])
    assert runs[0] == runs[1]


def test_train_keeps_a_config_per_parameter():
    seen = []

    def counting(w, dw, config):
        config["steps"] = config.get("steps", 0) + 1
        seen.append(id(config))
        return w, config

    X, y = _blobs(64)
    train(TwoLayerNet(2, 4, 3), X, y, counting, {}, epochs=1, batch_size=32, progress=False)
    assert len(set(seen)) == 4  # W1, b1, W2, b2


def test_train_applies_the_schedule_each_epoch():
    X, y = _blobs(64)
    hist = train(TwoLayerNet(2, 4, 3), X, y, sgd, {}, epochs=3, batch_size=64,
                 lr_schedule=lambda e: 0.1 * 0.5 ** e, progress=False)
    assert hist["lr"] == [0.1, 0.05, 0.025]


def test_train_stops_clearly_when_the_loss_explodes():
    X, y = _blobs(64)
    with pytest.raises(FloatingPointError, match="lower the learning rate"):
        with np.errstate(all="ignore"):
            train(TwoLayerNet(2, 4, 3), X * 1e200, y, sgd, {"learning_rate": 1e10}, epochs=3, progress=False)


def test_train_stops_at_the_time_budget():
    X, y = _blobs(400)
    model = TwoLayerNet(2, 8, 3)
    hist = train(model, X, y, sgd, {"learning_rate": 0.1}, X, y, epochs=50, batch_size=40, progress=False,
                 max_seconds=0.0)
    assert len(hist["loss"]) == 1, "a budget of 0 s allows exactly one update"
    assert len(hist["val_acc"]) == len(hist["train_acc"]) == 1, "the cut-short epoch is still scored"
    hist = train(TwoLayerNet(2, 8, 3), X, y, sgd, {"learning_rate": 0.1}, epochs=3, batch_size=40,
                 progress=False, max_seconds=1e6)
    assert len(hist["loss"]) == 30, "a budget that is never reached changes nothing"
