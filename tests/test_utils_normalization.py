"""utils.normalization: hand-computed values, numerical gradients, running statistics, and
PyTorch (when installed) as an independent oracle for batch norm and layer norm."""

import numpy as np
import pytest

from utils.gradcheck import numerical_gradient_array, rel_error
from utils.normalization import (NormalizedNet, batchnorm_backward, batchnorm_forward, layernorm_backward,
                                 layernorm_forward, standardize)

# ----------------------------------------------------------------------------- hand-computed values

X_HAND = np.array([[1.0, 2.0],
                   [3.0, 6.0]])  # feature 0: mean 2, var 1; feature 1: mean 4, var 4


def test_standardize_hand_computed():
    out = standardize(X_HAND, eps=0.0)
    assert np.allclose(out, [[-1.0, -1.0], [1.0, 1.0]], rtol=1e-12), out
    rows = standardize(X_HAND, axis=1, eps=0.0)  # row 0: mean 1.5, std 0.5; row 1: mean 4.5, std 1.5
    assert np.allclose(rows, [[-1.0, 1.0], [-1.0, 1.0]], rtol=1e-12), rows


def test_standardize_constant_feature_gives_zero_not_nan():
    x = np.array([[5.0, 1.0], [5.0, 2.0], [5.0, 4.0]])
    out = standardize(x)
    assert np.all(np.isfinite(out)) and np.all(out[:, 0] == 0.0), out


def test_standardize_two_pass_at_large_offsets():
    rng = np.random.default_rng(0)
    noise = 0.1 * rng.standard_normal((50, 3))
    out = standardize(1e6 + noise)
    expected = standardize(noise)
    assert rel_error(out, expected) < 1e-6, "standardize lost precision at an offset of 1e6"


def test_standardize_keeps_float32():
    assert standardize(np.ones((3, 2), dtype=np.float32)).dtype == np.float32


def test_batchnorm_forward_hand_computed():
    gamma, beta = np.array([2.0, 0.5]), np.array([1.0, -1.0])
    out, bn_param, cache = batchnorm_forward(X_HAND, gamma, beta, {"mode": "train", "eps": 0.0})
    assert np.allclose(out, [[-1.0, -1.5], [3.0, -0.5]], rtol=1e-12), out  # gamma * (+-1) + beta
    # N = 2: unbiased variances are 2 * (1, 4) = (2, 8); momentum 0.1 from (0, 0) and (1, 1)
    assert np.allclose(bn_param["running_mean"], [0.2, 0.4])
    assert np.allclose(bn_param["running_var"], [0.9 + 0.2, 0.9 + 0.8])
    assert cache is not None


def test_batchnorm_forward_train_statistics():
    rng = np.random.default_rng(1)
    x = 3.0 + 5.0 * rng.standard_normal((64, 4))
    out, _, _ = batchnorm_forward(x, np.ones(4), np.zeros(4), {"mode": "train"})
    assert np.allclose(out.mean(axis=0), 0.0, atol=1e-12)
    assert np.allclose(out.var(axis=0), 1.0, atol=1e-5)  # 1 / (1 + eps / var)


def test_batchnorm_bn_param_is_updated_in_place_and_returned():
    bn_param = {"mode": "train", "momentum": 0.5}
    _, returned, _ = batchnorm_forward(X_HAND, np.ones(2), np.zeros(2), bn_param)
    assert returned is bn_param
    assert np.allclose(bn_param["running_mean"], [1.0, 2.0])  # 0.5 * 0 + 0.5 * (2, 4)


def test_batchnorm_running_statistics_converge_to_the_data():
    rng = np.random.default_rng(2)
    bn_param = {"mode": "train", "momentum": 0.1}
    mean, std = np.array([10.0, -3.0, 0.0]), np.array([2.0, 0.5, 7.0])
    for _ in range(300):
        x = mean + std * rng.standard_normal((32, 3))
        _, bn_param, _ = batchnorm_forward(x, np.ones(3), np.zeros(3), bn_param)
    assert np.allclose(bn_param["running_mean"], mean, atol=0.1 * std)
    assert np.allclose(bn_param["running_var"], std ** 2, rtol=0.15)


def test_batchnorm_test_mode_uses_running_statistics_only():
    bn_param = {"mode": "test", "running_mean": np.array([1.0, -2.0]), "running_var": np.array([4.0, 0.25]),
                "eps": 0.0}
    x = np.array([[3.0, -2.0]])  # a batch of one is fine in test mode
    out, returned, _ = batchnorm_forward(x, np.array([1.0, 3.0]), np.array([0.0, 1.0]), bn_param)
    assert np.allclose(out, [[1.0, 1.0]])  # (3 - 1) / 2 = 1; 3 * 0 + 1 = 1
    assert np.array_equal(returned["running_mean"], [1.0, -2.0])  # unchanged


def test_batchnorm_test_mode_before_training_is_nearly_identity():
    x = np.array([[1.0, -2.0], [0.5, 4.0]])
    out, bn_param, _ = batchnorm_forward(x, np.ones(2), np.zeros(2), {"mode": "test"})
    assert np.allclose(out, x / np.sqrt(1 + 1e-5))
    assert np.array_equal(bn_param["running_mean"], [0.0, 0.0])
    assert np.array_equal(bn_param["running_var"], [1.0, 1.0])


def test_batchnorm_rejects_unknown_mode():
    with pytest.raises(ValueError, match="mode"):
        batchnorm_forward(X_HAND, np.ones(2), np.zeros(2), {"mode": "eval"})


def test_batchnorm_keeps_float32():
    x = np.random.default_rng(3).standard_normal((5, 3)).astype(np.float32)
    g, b = np.ones(3, np.float32), np.zeros(3, np.float32)
    out, bn_param, _ = batchnorm_forward(x, g, b, {"mode": "train"})
    assert out.dtype == np.float32 and bn_param["running_var"].dtype == np.float32


def test_layernorm_forward_hand_computed():
    out, _ = layernorm_forward(X_HAND, np.array([2.0, 1.0]), np.array([0.0, 1.0]), eps=0.0)
    assert np.allclose(out, [[-2.0, 2.0], [-2.0, 2.0]]), out  # x_hat = [-1, 1] in each row


def test_layernorm_is_per_sample():
    rng = np.random.default_rng(4)
    x = rng.standard_normal((6, 5))
    g, b = rng.standard_normal(5), rng.standard_normal(5)
    full, _ = layernorm_forward(x, g, b)
    one, _ = layernorm_forward(x[2:3], g, b)
    assert np.allclose(full[2:3], one, rtol=1e-13)


# ----------------------------------------------------------------------------- numerical gradients


def _bn_train(x, gamma, beta):
    return batchnorm_forward(x, gamma, beta, {"mode": "train"})[0]


@pytest.mark.parametrize("shape", [(2, 3), (5, 4), (7, 1)])
def test_batchnorm_backward_matches_numerical_gradient(shape):
    rng = np.random.default_rng(5)
    x = 4.0 + 3.0 * rng.standard_normal(shape)
    gamma, beta = rng.standard_normal(shape[1]), rng.standard_normal(shape[1])
    dout = rng.standard_normal(shape)
    _, _, cache = batchnorm_forward(x, gamma, beta, {"mode": "train"})
    dx, dgamma, dbeta = batchnorm_backward(dout, cache)
    dx_num = numerical_gradient_array(lambda v: _bn_train(v, gamma, beta), x.copy(), dout)
    dg_num = numerical_gradient_array(lambda v: _bn_train(x, v, beta), gamma.copy(), dout)
    db_num = numerical_gradient_array(lambda v: _bn_train(x, gamma, v), beta.copy(), dout)
    assert rel_error(dx, dx_num) < 1e-6 or np.linalg.norm(dx - dx_num) < 1e-8 * np.linalg.norm(dx_num) + 1e-9
    assert rel_error(dgamma, dg_num) < 1e-7
    assert rel_error(dbeta, db_num) < 1e-7


def test_batchnorm_backward_input_gradient_sums_to_zero():
    rng = np.random.default_rng(6)
    x, dout = rng.standard_normal((8, 3)), rng.standard_normal((8, 3))
    _, _, cache = batchnorm_forward(x, np.ones(3), np.zeros(3), {"mode": "train"})
    dx, _, _ = batchnorm_backward(dout, cache)
    assert np.allclose(dx.sum(axis=0), 0.0, atol=1e-12)  # shifting a column changes nothing


@pytest.mark.parametrize("shape", [(3, 2), (4, 6), (1, 5)])
def test_layernorm_backward_matches_numerical_gradient(shape):
    rng = np.random.default_rng(7)
    x = -2.0 + 2.0 * rng.standard_normal(shape)
    gamma, beta = rng.standard_normal(shape[1]), rng.standard_normal(shape[1])
    dout = rng.standard_normal(shape)
    _, cache = layernorm_forward(x, gamma, beta)
    dx, dgamma, dbeta = layernorm_backward(dout, cache)
    f = layernorm_forward
    dx_num = numerical_gradient_array(lambda v: f(v, gamma, beta)[0], x.copy(), dout)
    dg_num = numerical_gradient_array(lambda v: f(x, v, beta)[0], gamma.copy(), dout)
    db_num = numerical_gradient_array(lambda v: f(x, gamma, v)[0], beta.copy(), dout)
    # with D = 2 each x_hat row is almost exactly (-1, 1) whatever x is, so dx is tiny: absolute slack
    assert np.linalg.norm(dx - dx_num) <= 1e-7 * np.linalg.norm(dx_num) + 1e-9
    assert rel_error(dgamma, dg_num) < 1e-7
    assert rel_error(dbeta, db_num) < 1e-7


@pytest.mark.parametrize("normalization", [None, "batchnorm", "layernorm"])
def test_normalized_net_gradients(normalization):
    rng = np.random.default_rng(8)
    X, y = rng.standard_normal((6, 5)), rng.integers(0, 3, size=6)
    net = NormalizedNet([4, 4], 5, 3, normalization=normalization, weight_scale=0.5, reg=0.1, rng=0)
    for name in net.params:  # generic gamma, beta and biases: a dead ReLU layer with b = 0 puts the
        if name[0] in "gb":  # next pre-activations exactly on ReLU's kink, where differences fail
            net.params[name] = net.params[name] + 0.3 * rng.standard_normal(net.params[name].shape)
    loss, grads = net.loss(X, y)
    assert set(grads) == set(net.params)
    for name, p in net.params.items():
        num = numerical_gradient_array(lambda v: net.loss(X, y)[0], p, np.ones(()))
        assert np.linalg.norm(grads[name] - num) <= 1e-6 * np.linalg.norm(num) + 1e-10, name


def test_normalized_net_batchnorm_modes():
    rng = np.random.default_rng(9)
    net = NormalizedNet([5], 4, 3, normalization="batchnorm", rng=1)
    X, y = 2.0 + rng.standard_normal((20, 4)), rng.integers(0, 3, size=20)
    net.loss(X, y)
    assert "running_mean" in net.bn_params[0]
    before = {k: v.copy() for k, v in net.bn_params[0].items() if isinstance(v, np.ndarray)}
    scores_a = net.loss(X[:3])  # test mode: deterministic, per sample, no update
    scores_b = net.loss(X[:1])
    assert np.allclose(scores_a[:1], scores_b)
    for k, v in before.items():
        assert np.array_equal(net.bn_params[0][k], v)


# ----------------------------------------------------------------------------- PyTorch as the oracle


def _torch_bn_steps(torch, xs, gamma, beta, momentum, eps):
    """Run torch's F.batch_norm in training mode over the batches xs; return outputs, running stats,
    and autograd's gradients of sum(out * dout) for the last batch."""
    F = torch.nn.functional
    rm = torch.zeros(xs[0].shape[1], dtype=torch.float64)
    rv = torch.ones(xs[0].shape[1], dtype=torch.float64)
    outs = []
    for x in xs:
        out = F.batch_norm(torch.tensor(x), rm, rv, torch.tensor(gamma), torch.tensor(beta),
                           training=True, momentum=momentum, eps=eps)
        outs.append(out.numpy())
    return outs, rm.numpy(), rv.numpy()


@pytest.mark.parametrize("n", [2, 3, 16])
def test_batchnorm_matches_torch_in_train_and_eval_modes(n):
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    rng = np.random.default_rng(10 + n)
    d, momentum, eps = 4, 0.3, 1e-3
    gamma, beta = rng.standard_normal(d), rng.standard_normal(d)
    xs = [5.0 + 2.0 * rng.standard_normal((n, d)) for _ in range(4)]
    t_outs, t_rm, t_rv = _torch_bn_steps(torch, xs, gamma, beta, momentum, eps)
    bn_param = {"mode": "train", "momentum": momentum, "eps": eps}
    for x, t_out in zip(xs, t_outs):
        out, bn_param, _ = batchnorm_forward(x, gamma, beta, bn_param)
        assert rel_error(out, t_out) < 1e-9 or np.max(np.abs(out - t_out)) < 1e-12
    assert np.allclose(bn_param["running_mean"], t_rm, rtol=1e-12, atol=1e-14)
    assert np.allclose(bn_param["running_var"], t_rv, rtol=1e-12, atol=1e-14)  # unbiased, as torch

    x_test = rng.standard_normal((3, d))
    t_eval = F.batch_norm(torch.tensor(x_test), torch.tensor(t_rm), torch.tensor(t_rv), torch.tensor(gamma),
                          torch.tensor(beta), training=False, momentum=momentum, eps=eps).numpy()
    out, _, _ = batchnorm_forward(x_test, gamma, beta, dict(bn_param, mode="test"))
    assert np.allclose(out, t_eval, rtol=1e-12, atol=1e-13)


@pytest.mark.parametrize("shape", [(2, 3), (10, 5)])
def test_batchnorm_backward_matches_torch_autograd(shape):
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    rng = np.random.default_rng(20)
    x, dout = rng.standard_normal(shape), rng.standard_normal(shape)
    gamma, beta = rng.standard_normal(shape[1]), rng.standard_normal(shape[1])
    tx, tg, tb = (torch.tensor(a, requires_grad=True) for a in (x, gamma, beta))
    out = F.batch_norm(tx, None, None, tg, tb, training=True, eps=1e-5)
    (out * torch.tensor(dout)).sum().backward()
    _, _, cache = batchnorm_forward(x, gamma, beta, {"mode": "train"})
    dx, dgamma, dbeta = batchnorm_backward(dout, cache)
    assert np.allclose(dx, tx.grad.numpy(), rtol=1e-10, atol=1e-12)
    assert np.allclose(dgamma, tg.grad.numpy(), rtol=1e-10, atol=1e-12)
    assert np.allclose(dbeta, tb.grad.numpy(), rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("shape", [(1, 4), (6, 7)])
def test_layernorm_matches_torch_forward_and_autograd(shape):
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    rng = np.random.default_rng(30)
    x, dout = 3.0 + rng.standard_normal(shape), rng.standard_normal(shape)
    gamma, beta = rng.standard_normal(shape[1]), rng.standard_normal(shape[1])
    tx, tg, tb = (torch.tensor(a, requires_grad=True) for a in (x, gamma, beta))
    t_out = F.layer_norm(tx, (shape[1],), tg, tb, eps=1e-5)
    (t_out * torch.tensor(dout)).sum().backward()
    out, cache = layernorm_forward(x, gamma, beta, eps=1e-5)
    dx, dgamma, dbeta = layernorm_backward(dout, cache)
    assert np.allclose(out, t_out.detach().numpy(), rtol=1e-12, atol=1e-12)
    assert np.allclose(dx, tx.grad.numpy(), rtol=1e-10, atol=1e-12)
    assert np.allclose(dgamma, tg.grad.numpy(), rtol=1e-10, atol=1e-12)
    assert np.allclose(dbeta, tb.grad.numpy(), rtol=1e-10, atol=1e-12)


def test_normalized_net_batchnorm_matches_torch_training_step():
    """One train-mode loss and its gradients of a 2-hidden-layer batch-norm net, against autograd."""
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    rng = np.random.default_rng(40)
    X, y = rng.standard_normal((8, 6)), rng.integers(0, 3, size=8)
    net = NormalizedNet([5, 4], 6, 3, normalization="batchnorm", weight_scale=0.5, rng=2)
    loss, grads = net.loss(X, y)
    tp = {k: torch.tensor(v, requires_grad=True) for k, v in net.params.items()}
    h = torch.tensor(X)
    for i in (1, 2):
        h = F.relu(F.batch_norm(h @ tp[f"W{i}"] + tp[f"b{i}"], None, None, tp[f"gamma{i}"], tp[f"beta{i}"],
                                training=True, eps=1e-5))
    t_loss = F.cross_entropy(h @ tp["W3"] + tp["b3"], torch.tensor(y))
    t_loss.backward()
    assert abs(loss - t_loss.item()) < 1e-12 * max(1.0, abs(loss))
    for k in net.params:
        assert np.allclose(grads[k], tp[k].grad.numpy(), rtol=1e-9, atol=1e-12), k
