"""utils.init and utils.resnet: initialisation statistics, numerical gradients of the residual
block and the small ResNet, batch norm modes inside the block, and PyTorch (when installed) as an
independent oracle for a block assembled from torch layers with the same weights."""

import numpy as np
import pytest

from utils.gradcheck import numerical_gradient, numerical_gradient_array, rel_error
from utils.init import kaiming_init, weight_fans, xavier_init
from utils.resnet import (init_residual_block, init_small_resnet, residual_block_backward, residual_block_forward,
                          small_resnet_loss, spatial_batchnorm_backward, spatial_batchnorm_forward)


# ----------------------------------------------------------------------------- initialisation

def test_weight_fans_dense_and_conv():
    assert weight_fans((30, 20)) == (30, 20)
    assert weight_fans((8, 3, 5, 5)) == (75, 200)
    with pytest.raises(ValueError):
        weight_fans((3, 4, 5))


@pytest.mark.parametrize("dist", ["normal", "uniform"])
@pytest.mark.parametrize("shape", [(400, 100), (64, 32, 3, 3)])
def test_init_variances(dist, shape):
    fan_in, fan_out = weight_fans(shape)
    w = kaiming_init(shape, dist, rng=0)
    assert w.shape == shape and abs(w.mean()) < 0.01
    assert abs(w.var() / (2.0 / fan_in) - 1) < 0.05, w.var()
    w = xavier_init(shape, dist, rng=1)
    assert abs(w.var() / (2.0 / (fan_in + fan_out)) - 1) < 0.05, w.var()
    if dist == "uniform":
        assert np.abs(w).max() <= np.sqrt(6.0 / (fan_in + fan_out))


# ----------------------------------------------------------------------------- block gradients

def _block(c, f, stride, seed=0):
    rng = np.random.default_rng(seed)
    p = init_residual_block(c, f, stride, rng)
    p["gamma1"] = 1 + 0.3 * rng.standard_normal(f)
    p["beta1"] = 0.2 * rng.standard_normal(f)
    p["gamma2"] = 1 + 0.3 * rng.standard_normal(f)
    p["beta2"] = 0.2 * rng.standard_normal(f)
    if "bs" in p:
        p["bs"] = 0.1 * rng.standard_normal(f)
    x = rng.standard_normal((3, c, 5, 5))
    return p, x


@pytest.mark.parametrize("c,f,stride", [(3, 3, 1), (2, 4, 1), (3, 4, 2)])
def test_residual_block_numerical_gradients(c, f, stride):
    p, x = _block(c, f, stride)
    assert ("ws" in p) == (c != f or stride != 1)
    out, cache = residual_block_forward(x, p, [{"mode": "train"}, {"mode": "train"}], stride)
    dout = np.random.default_rng(5).standard_normal(out.shape)
    dx, grads = residual_block_backward(dout, cache)
    assert set(grads) == set(p)

    def f_of(name):
        def fn(v):
            q = dict(p)
            q[name] = v
            xx = v if name == "x" else x
            return residual_block_forward(xx, q if name != "x" else p, [{"mode": "train"}, {"mode": "train"}],
                                          stride)[0]
        return fn

    assert rel_error(dx, numerical_gradient_array(f_of("x"), x.copy(), dout)) < 1e-6
    for k in p:
        num = numerical_gradient_array(f_of(k), p[k].copy(), dout)
        assert rel_error(grads[k], num) < 1e-6, k


def test_identity_block_needs_matching_shape():
    p, x = _block(3, 3, 1)
    with pytest.raises(ValueError):
        residual_block_forward(x, p, [{"mode": "train"}, {"mode": "train"}], stride=2)


def test_block_test_mode_uses_running_statistics_and_leaves_them():
    p, x = _block(3, 4, 2)
    bn = [{"mode": "train"}, {"mode": "train"}]
    for _ in range(3):
        residual_block_forward(x, p, bn, 2)
    before = [(b["running_mean"].copy(), b["running_var"].copy()) for b in bn]
    for b in bn:
        b["mode"] = "test"
    out1, _ = residual_block_forward(x[:1], p, bn, 2)
    out_all, _ = residual_block_forward(x, p, bn, 2)
    for b, (m, v) in zip(bn, before):
        assert np.array_equal(b["running_mean"], m) and np.array_equal(b["running_var"], v)
    assert np.allclose(out1, out_all[:1])  # test mode: each example on its own
    assert out_all.shape == (3, 4, 3, 3) and np.all(out_all >= 0)


def test_spatial_batchnorm_per_channel():
    rng = np.random.default_rng(0)
    x = 3 + 2 * rng.standard_normal((4, 3, 5, 5))
    out, _, cache = spatial_batchnorm_forward(x, np.ones(3), np.zeros(3), {"mode": "train"})
    assert np.allclose(out.mean(axis=(0, 2, 3)), 0, atol=1e-10)
    assert np.allclose(out.var(axis=(0, 2, 3)), 1, atol=1e-3)
    dout = rng.standard_normal(x.shape)
    dx, _, _ = spatial_batchnorm_backward(dout, cache)
    num = numerical_gradient_array(
        lambda v: spatial_batchnorm_forward(v, np.ones(3), np.zeros(3), {"mode": "train"})[0], x, dout)
    assert rel_error(dx, num) < 1e-6


# ----------------------------------------------------------------------------- small ResNet

def test_small_resnet_numerical_gradients():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((4, 2, 6, 6))
    y = np.array([0, 1, 2, 1])
    params, bn, strides = init_small_resnet((2, 6, 6), widths=(3, 4), num_classes=3, rng=1)
    assert strides == [1, 2] and "ws" not in params["blocks"][0] and "ws" in params["blocks"][1]
    loss, grads = small_resnet_loss(params, bn, strides, X, y)
    assert abs(loss - np.log(3)) < 1.5
    leaves = [("stem", None, k) for k in params["stem"]] + [("fc", None, k) for k in params["fc"]]
    leaves += [("blocks", i, k) for i, b in enumerate(params["blocks"]) for k in b]
    for group, i, k in leaves:
        holder = params[group] if i is None else params[group][i]
        g = grads[group] if i is None else grads[group][i]

        def f(v, holder=holder, k=k):
            old = holder[k]
            holder[k] = v
            try:
                return small_resnet_loss(params, bn, strides, X, y)[0]
            finally:
                holder[k] = old
        num = numerical_gradient(f, holder[k].copy())
        assert rel_error(g[k], num) < 1e-5, (group, i, k)
    scores = small_resnet_loss(params, bn, strides, X, mode="test")
    assert scores.shape == (4, 3) and np.all(np.isfinite(scores))


# ----------------------------------------------------------------------------- PyTorch oracle

@pytest.mark.parametrize("c,f,stride", [(3, 3, 1), (3, 4, 2)])
def test_block_against_torch(c, f, stride):
    torch = pytest.importorskip("torch")
    nn = torch.nn
    p, x = _block(c, f, stride, seed=3)
    bn = [{"mode": "train", "momentum": 0.1}, {"mode": "train", "momentum": 0.1}]
    out, cache = residual_block_forward(x, p, bn, stride)
    dout = np.random.default_rng(7).standard_normal(out.shape)
    dx, grads = residual_block_backward(dout, cache)

    t = lambda a: torch.tensor(a, dtype=torch.float64)  # noqa: E731
    conv1 = nn.Conv2d(c, f, 3, stride, 1, bias=False).double()
    conv2 = nn.Conv2d(f, f, 3, 1, 1, bias=False).double()
    bn1, bn2 = nn.BatchNorm2d(f, eps=1e-5, momentum=0.1).double(), nn.BatchNorm2d(f, eps=1e-5, momentum=0.1).double()
    with torch.no_grad():
        conv1.weight.copy_(t(p["w1"]))
        conv2.weight.copy_(t(p["w2"]))
        bn1.weight.copy_(t(p["gamma1"]))
        bn1.bias.copy_(t(p["beta1"]))
        bn2.weight.copy_(t(p["gamma2"]))
        bn2.bias.copy_(t(p["beta2"]))
    proj = None
    if "ws" in p:
        proj = nn.Conv2d(c, f, 1, stride, 0, bias=True).double()
        with torch.no_grad():
            proj.weight.copy_(t(p["ws"]))
            proj.bias.copy_(t(p["bs"]))
    xt = t(x).requires_grad_(True)
    short = xt if proj is None else proj(xt)
    ot = torch.relu(bn2(conv2(torch.relu(bn1(conv1(xt))))) + short)
    ot.backward(t(dout))
    assert rel_error(out, ot.detach().numpy()) < 1e-9
    assert rel_error(dx, xt.grad.numpy()) < 1e-8
    pairs = {"w1": conv1.weight, "w2": conv2.weight, "gamma1": bn1.weight, "beta1": bn1.bias,
             "gamma2": bn2.weight, "beta2": bn2.bias}
    if proj is not None:
        pairs.update(ws=proj.weight, bs=proj.bias)
    for k, tp in pairs.items():
        assert rel_error(grads[k], tp.grad.numpy()) < 1e-8, k
    for ours, theirs in zip(bn, (bn1, bn2)):
        assert np.allclose(ours["running_mean"], theirs.running_mean.numpy())
        assert np.allclose(ours["running_var"], theirs.running_var.numpy())
    # test mode: the same running statistics give the same output
    for b in bn:
        b["mode"] = "test"
    bn1.eval(), bn2.eval()
    out_test, _ = residual_block_forward(x, p, bn, stride)
    with torch.no_grad():
        short = t(x) if proj is None else proj(t(x))
        ref = torch.relu(bn2(conv2(torch.relu(bn1(conv1(t(x)))))) + short)
    assert rel_error(out_test, ref.numpy()) < 1e-9
