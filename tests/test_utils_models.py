"""utils.models: the whole net's gradients against numerical ones, over-fitting a tiny batch, the
extension hooks later assignments use, and PyTorch when it is installed."""

import numpy as np
import pytest

from utils import models
from utils.gradcheck import check_gradient, numerical_gradient
from utils.models import FullyConnectedNet, mlp_loss
from utils.train import accuracy, train


def _data(n=6, d=5, k=4, rng=0):
    rng = np.random.default_rng(rng)
    return rng.normal(size=(n, d)), rng.integers(0, k, size=n)


def _sgd(w, dw, config):
    config.setdefault("learning_rate", 1e-2)
    return w - config["learning_rate"] * dw, config


def test_net_has_one_weight_and_bias_per_layer():
    net = FullyConnectedNet([7, 6], input_dim=5, num_classes=3, rng=0)
    shapes = {k: v.shape for k, v in net.params.items()}
    assert shapes == {"W1": (5, 7), "b1": (7,), "W2": (7, 6), "b2": (6,), "W3": (6, 3), "b3": (3,)}
    assert net.num_layers == 3 and net.num_parameters() == 5 * 7 + 7 + 7 * 6 + 6 + 6 * 3 + 3
    assert all(not np.any(net.params[f"b{i}"]) for i in range(1, 4)), "biases start at 0"


def test_initial_weights_follow_weight_scale_and_seed():
    a = FullyConnectedNet([200], 300, 10, weight_scale=0.05, rng=1)
    b = FullyConnectedNet([200], 300, 10, weight_scale=0.05, rng=1)
    assert np.array_equal(a.params["W1"], b.params["W1"])
    assert abs(a.params["W1"].std() - 0.05) < 0.002
    he = FullyConnectedNet([200], 300, 10, weight_scale=lambda i, o, rng: rng.normal(0, np.sqrt(2 / i), (i, o)))
    assert abs(he.params["W1"].std() - np.sqrt(2 / 300)) < 0.002


def test_small_weights_give_loss_log_k():
    X, y = _data(n=50, k=10)
    net = FullyConnectedNet([20], 5, 10, weight_scale=1e-4)
    loss, _ = net.loss(X, y)
    assert abs(loss - np.log(10)) < 1e-3, f"loss {loss} should be near log 10 = {np.log(10):.4f}"


@pytest.mark.parametrize("activation", ["relu", "sigmoid", "tanh"])
@pytest.mark.parametrize("hidden", [[], [6], [6, 4]], ids=["L1", "L2", "L3"])
@pytest.mark.parametrize("reg", [0.0, 0.3])
def test_loss_gradients_match_numerical_gradient(activation, hidden, reg):
    X, y = _data()
    net = FullyConnectedNet(hidden, 5, 4, activation=activation, weight_scale=0.5, reg=reg, rng=2)
    for name, p in net.params.items():  # random biases too, so no pre-activation sits at 0
        p += 0.1 * np.random.default_rng(3).normal(size=p.shape)
    loss, grads = net.loss(X, y)
    assert isinstance(loss, float) and sorted(grads) == sorted(net.params)
    for name in net.params:
        numeric = numerical_gradient(lambda v: net.loss(X, y)[0], net.params[name])
        check_gradient(grads[name], numeric, f"{activation} {hidden} reg={reg} d{name}")


def test_scores_accept_images_and_match_flattened_input():
    rng = np.random.default_rng(0)
    images = rng.normal(size=(3, 4, 5))
    net = FullyConnectedNet([8], 20, 3, weight_scale=0.3, rng=0)
    scores = net.loss(images)
    assert scores.shape == (3, 3)
    assert np.allclose(scores, net.loss(images.reshape(3, 20)))


def test_regularisation_adds_half_reg_times_squared_weights():
    X, y = _data()
    net = FullyConnectedNet([6], 5, 4, weight_scale=0.5, rng=0)
    plain, g0 = net.loss(X, y)
    net.reg = 0.4
    penalised, g1 = net.loss(X, y)
    squares = sum(np.sum(net.params[k] ** 2) for k in net.params if k.startswith("W"))
    assert np.isclose(penalised - plain, 0.5 * 0.4 * squares)
    assert np.allclose(g1["W1"] - g0["W1"], 0.4 * net.params["W1"])
    assert np.array_equal(g1["b1"], g0["b1"]), "biases are not regularised"


def test_mlp_loss_is_the_functional_form_of_the_class():
    X, y = _data()
    net = FullyConnectedNet([6, 5], 5, 4, activation="tanh", weight_scale=0.5, reg=0.1, rng=0)
    assert np.array_equal(mlp_loss(net.params, X, activation="tanh"), net.loss(X))
    loss_f, grads_f = mlp_loss(net.params, X, y, reg=0.1, activation="tanh")
    loss_c, grads_c = net.loss(X, y)
    assert loss_f == loss_c and all(np.array_equal(grads_f[k], grads_c[k]) for k in grads_c)


def test_mlp_loss_rejects_bad_params_and_activation():
    X, _ = _data()
    with pytest.raises(ValueError, match="keys"):
        mlp_loss({"W1": np.ones((5, 3)), "b1": np.zeros(3), "W2": np.ones((3, 2))}, X)
    with pytest.raises(ValueError, match="activation"):
        FullyConnectedNet([3], 5, 2, activation="softplus")


def test_overfits_a_tiny_batch():
    X, y = _data(n=10, d=20, k=5, rng=4)
    net = FullyConnectedNet([50, 50], 20, 5, weight_scale=lambda i, o, rng: rng.normal(0, np.sqrt(2 / i), (i, o)))
    hist = train(net, X, y, _sgd, {"learning_rate": 0.2}, epochs=100, batch_size=10, progress=False)
    assert hist["loss"][-1] < 0.02, f"final loss {hist['loss'][-1]:.3f}: a 2-hidden-layer net should memorise 10 samples"
    assert accuracy(net, X, y) == 1.0


def test_hooks_let_subclasses_insert_layers_and_see_the_mode():
    """07/08 extend the net by overriding _hidden_forward/_hidden_backward; 'mode' follows y."""
    seen = []

    class Scaled(FullyConnectedNet):
        def _hidden_forward(self, i, h, mode):
            seen.append(mode)
            out, cache = super()._hidden_forward(i, h, mode)
            return 2 * out, cache  # a layer that doubles its input, inserted after the activation

        def _hidden_backward(self, i, dout, cache):
            return super()._hidden_backward(i, 2 * dout, cache)

    X, y = _data()
    net = Scaled([6], 5, 4, activation="tanh", weight_scale=0.5, rng=0)
    net.loss(X)
    loss, grads = net.loss(X, y)
    assert seen == ["test", "train"]
    numeric = numerical_gradient(lambda v: net.loss(X, y)[0], net.params["W1"])
    check_gradient(grads["W1"], numeric, "dW1 through the overridden hooks")


def test_layers_are_looked_up_at_call_time(monkeypatch):
    """The grader wraps utils.layers' functions to notice delegation: models must not hold copies."""
    calls = []
    original = models.layers.affine_forward

    def spy(*args):
        calls.append(1)
        return original(*args)

    monkeypatch.setattr(models.layers, "affine_forward", spy)
    X, _ = _data()
    mlp_loss(FullyConnectedNet([3], 5, 2).params, X)
    assert len(calls) == 2


@pytest.mark.parametrize("activation", ["relu", "sigmoid", "tanh"])
def test_net_matches_torch(activation):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(5)
    X, y = rng.normal(size=(8, 2, 3)), rng.integers(0, 4, size=8)
    net = FullyConnectedNet([7, 5], 6, 4, activation=activation, weight_scale=0.5, reg=0.2, rng=5)
    for p in net.params.values():
        p += 0.1 * rng.normal(size=p.shape)
    loss, grads = net.loss(X, y)

    tp = {k: torch.tensor(v, requires_grad=True) for k, v in net.params.items()}
    act = {"relu": torch.relu, "sigmoid": torch.sigmoid, "tanh": torch.tanh}[activation]
    h = torch.tensor(X).reshape(8, -1)
    for i in (1, 2):
        h = act(h @ tp[f"W{i}"] + tp[f"b{i}"])
    scores = h @ tp["W3"] + tp["b3"]
    t_loss = torch.nn.functional.cross_entropy(scores, torch.tensor(y))
    t_loss = t_loss + 0.5 * 0.2 * sum((tp[f"W{i}"] ** 2).sum() for i in (1, 2, 3))
    t_loss.backward()

    assert np.allclose(net.loss(X), scores.detach().numpy(), rtol=1e-10, atol=1e-12)
    assert abs(loss - t_loss.item()) <= 1e-10 * abs(loss)
    for k in net.params:
        assert np.allclose(grads[k], tp[k].grad.numpy(), rtol=1e-8, atol=1e-12), f"d{k} differs from torch"
