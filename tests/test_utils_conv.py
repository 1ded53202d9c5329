"""utils.conv and utils.convnet: hand-computed values, numerical gradients, and PyTorch (conv2d,
max_pool2d, avg_pool2d) on random shapes, strides and paddings when it is installed."""

import numpy as np
import pytest

from utils import conv
from utils.convnet import LeNet, lenet_loss
from utils.gradcheck import check_gradient, numerical_gradient, numerical_gradient_array

HAND_X = np.arange(1.0, 10.0).reshape(1, 1, 3, 3)
HAND_W = np.array([[[[1.0, 0.0], [0.0, -1.0]]]])  # top-left minus bottom-right: flipping changes the sign


def pool(ph, pw, s):
    return {"pool_height": ph, "pool_width": pw, "stride": s}


# ----------------------------------------------------------------------------- sizes

@pytest.mark.parametrize("args, expected", [
    ((28, 3), 26), ((28, 3, 1, 1), 28), ((28, 2, 2), 14), ((7, 3, 2, 1), 4), ((8, 3, 2), 3), ((5, 5), 1),
    ((10, 3, 1, 0, 2), 6), ((1, 1), 1)])
def test_conv_output_size_hand_computed(args, expected):
    assert conv.conv_output_size(*args) == expected


def test_conv_output_size_rejects_a_kernel_that_does_not_fit():
    with pytest.raises(ValueError, match="does not fit"):
        conv.conv_output_size(4, 5)


@pytest.mark.parametrize("stack, expected", [
    ([], 1), ([(3, 1)], 3), ([(3, 1), (3, 1)], 5), ([(3, 1), (2, 2), (3, 1), (2, 2)], 10),
    ([(5, 2), (3, 2), (3, 1)], 17), ([(3, 1, 2), (3, 1, 4)], 13), ([(1, 2), (1, 2), (3, 1)], 9)])
def test_receptive_field_hand_computed(stack, expected):
    assert conv.receptive_field(stack) == expected


# ----------------------------------------------------------------------------- convolution

def test_conv_forward_hand_computed_no_flip_stride_and_padding():
    out, _ = conv.conv_forward(HAND_X, HAND_W, np.array([0.5]), {"stride": 1, "pad": 0})
    assert out.shape == (1, 1, 2, 2) and np.allclose(out, -3.5)
    out, _ = conv.conv_forward(HAND_X, HAND_W, np.array([0.5]), {"stride": 2, "pad": 1})
    assert np.allclose(out[0, 0], [[-0.5, -2.5], [-6.5, -3.5]])


def test_conv_backward_hand_computed():
    _, cache = conv.conv_forward(HAND_X, HAND_W, np.zeros(1), {"stride": 1, "pad": 0})
    dx, dw, db = conv.conv_backward(np.ones((1, 1, 2, 2)), cache)
    assert np.allclose(db, [4.0])
    assert np.allclose(dw[0, 0], [[12.0, 16.0], [24.0, 28.0]])
    assert np.allclose(dx[0, 0], [[1.0, 1.0, 0.0], [1.0, 0.0, -1.0], [0.0, -1.0, -1.0]])


def _loop_conv(x, w, b, stride, pad):
    """The definition, written out: an independent oracle for the fast kernel."""
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    n, f = x.shape[0], w.shape[0]
    hh, ww = w.shape[2:]
    h_out = (xp.shape[2] - hh) // stride + 1
    w_out = (xp.shape[3] - ww) // stride + 1
    out = np.empty((n, f, h_out, w_out))
    for i in range(h_out):
        for j in range(w_out):
            window = xp[:, :, i * stride:i * stride + hh, j * stride:j * stride + ww]
            out[:, :, i, j] = np.tensordot(window, w, axes=([1, 2, 3], [1, 2, 3])) + b
    return out


CONV_CASES = [((2, 3, 5, 6), (4, 3, 3, 2), 2, 1), ((1, 1, 4, 4), (2, 1, 4, 4), 1, 0),
              ((3, 2, 5, 5), (3, 2, 1, 1), 2, 1), ((2, 2, 7, 6), (2, 2, 3, 3), 3, 2)]


@pytest.mark.parametrize("xs, ws, stride, pad", CONV_CASES)
def test_conv_forward_matches_the_definition(xs, ws, stride, pad):
    rng = np.random.default_rng(0)
    x, w, b = rng.normal(size=xs), rng.normal(size=ws), rng.normal(size=ws[0])
    out, _ = conv.conv_forward(x, w, b, {"stride": stride, "pad": pad})
    assert np.allclose(out, _loop_conv(x, w, b, stride, pad))


@pytest.mark.parametrize("xs, ws, stride, pad", CONV_CASES)
def test_conv_backward_matches_numerical_gradients(xs, ws, stride, pad):
    rng = np.random.default_rng(1)
    x, w, b = rng.normal(size=xs), rng.normal(size=ws), rng.normal(size=ws[0])
    param = {"stride": stride, "pad": pad}
    out, cache = conv.conv_forward(x, w, b, param)
    dout = rng.normal(size=out.shape)
    dx, dw, db = conv.conv_backward(dout, cache)
    check_gradient(dx, numerical_gradient_array(lambda v: conv.conv_forward(v, w, b, param)[0], x, dout), "dx")
    check_gradient(dw, numerical_gradient_array(lambda v: conv.conv_forward(x, v, b, param)[0], w, dout), "dw")
    check_gradient(db, numerical_gradient_array(lambda v: conv.conv_forward(x, w, v, param)[0], b, dout), "db")


def test_conv_keeps_float32():
    rng = np.random.default_rng(2)
    x = rng.normal(size=(2, 3, 6, 6)).astype(np.float32)
    w = rng.normal(size=(4, 3, 3, 3)).astype(np.float32)
    out, cache = conv.conv_forward(x, w, np.zeros(4, np.float32), {"stride": 1, "pad": 1})
    assert out.dtype == np.float32
    assert all(g.dtype == np.float32 for g in conv.conv_backward(np.ones_like(out), cache))


# ----------------------------------------------------------------------------- pooling

POOL_X = np.array([[1.0, 5.0, 2.0, 0.0], [3.0, 4.0, 8.0, 6.0], [0.0, 2.0, 1.0, 3.0],
                   [7.0, 1.0, 9.0, 2.0]]).reshape(1, 1, 4, 4)


def test_max_pool_hand_computed():
    out, cache = conv.max_pool_forward(POOL_X, pool(2, 2, 2))
    assert np.allclose(out[0, 0], [[5.0, 8.0], [7.0, 9.0]])
    dx = conv.max_pool_backward(np.array([[[[1.0, 2.0], [3.0, 4.0]]]]), cache)
    assert np.allclose(dx[0, 0], [[0, 1, 0, 0], [0, 0, 2, 0], [0, 0, 0, 0], [3, 0, 4, 0]])
    _, cache = conv.max_pool_forward(POOL_X, pool(2, 2, 1))  # overlapping windows add up
    dx = conv.max_pool_backward(np.ones((1, 1, 3, 3)), cache)
    assert np.allclose(dx[0, 0], [[0, 1, 0, 0], [0, 1, 4, 0], [0, 0, 0, 0], [1, 0, 2, 0]])


def test_max_pool_ties_go_to_the_first_maximum():
    x = np.ones((1, 1, 2, 2))
    _, cache = conv.max_pool_forward(x, pool(2, 2, 2))
    assert np.array_equal(conv.max_pool_backward(np.ones((1, 1, 1, 1)), cache)[0, 0], [[1, 0], [0, 0]])


def test_avg_pool_hand_computed():
    out, cache = conv.avg_pool_forward(POOL_X, pool(2, 2, 2))
    assert np.allclose(out[0, 0], [[3.25, 4.0], [2.5, 3.75]])
    dx = conv.avg_pool_backward(np.array([[[[4.0, 8.0], [12.0, 16.0]]]]), cache)
    assert np.allclose(dx[0, 0], np.kron([[1.0, 2.0], [3.0, 4.0]], np.ones((2, 2))))


POOL_CASES = [((2, 3, 6, 6), 2, 2, 2), ((1, 2, 7, 7), 3, 3, 2), ((2, 1, 5, 6), 2, 3, 1), ((1, 2, 4, 5), 4, 5, 1)]


@pytest.mark.parametrize("kind", ["max", "avg"])
@pytest.mark.parametrize("xs, ph, pw, s", POOL_CASES)
def test_pool_backward_matches_numerical_gradients(kind, xs, ph, pw, s):
    rng = np.random.default_rng(3)
    x = rng.permutation(int(np.prod(xs))).reshape(xs) / 10.0  # distinct values: no ties
    forward, backward = getattr(conv, f"{kind}_pool_forward"), getattr(conv, f"{kind}_pool_backward")
    out, cache = forward(x, pool(ph, pw, s))
    dout = rng.normal(size=out.shape)
    check_gradient(backward(dout, cache),
                   numerical_gradient_array(lambda v: forward(v, pool(ph, pw, s))[0], x, dout), f"{kind} dx")


@pytest.mark.parametrize("kind", ["max", "avg"])
def test_pool_keeps_float32(kind):
    x = np.random.default_rng(4).normal(size=(2, 2, 4, 4)).astype(np.float32)
    out, cache = getattr(conv, f"{kind}_pool_forward")(x, pool(2, 2, 2))
    assert out.dtype == np.float32
    assert getattr(conv, f"{kind}_pool_backward")(np.ones_like(out), cache).dtype == np.float32


# ----------------------------------------------------------------------------- PyTorch as the oracle

@pytest.mark.parametrize("seed", range(8))
def test_conv_matches_torch_on_random_shapes(seed):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(seed)
    n, c, f = (int(v) for v in rng.integers(1, 4, size=3))
    hh, ww = (int(v) for v in rng.integers(1, 5, size=2))
    stride, pad = int(rng.integers(1, 4)), int(rng.integers(0, 3))
    h, w = hh + int(rng.integers(0, 7)), ww + int(rng.integers(0, 7))
    x, wt, b = rng.normal(size=(n, c, h, w)), rng.normal(size=(f, c, hh, ww)), rng.normal(size=f)
    out, cache = conv.conv_forward(x, wt, b, {"stride": stride, "pad": pad})
    dout = rng.normal(size=out.shape)
    dx, dw, db = conv.conv_backward(dout, cache)
    tx, tw, tb = (torch.tensor(v, requires_grad=True) for v in (x, wt, b))
    tout = torch.nn.functional.conv2d(tx, tw, tb, stride=stride, padding=pad)
    tout.backward(torch.tensor(dout))
    assert np.allclose(out, tout.detach().numpy())
    for ours, theirs in ((dx, tx), (dw, tw), (db, tb)):
        assert np.allclose(ours, theirs.grad.numpy())


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("kind", ["max", "avg"])
def test_pooling_matches_torch_on_random_shapes(seed, kind):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(seed)
    ph, pw = (int(v) for v in rng.integers(1, 4, size=2))
    s = int(rng.integers(1, 4))
    xs = (int(rng.integers(1, 3)), int(rng.integers(1, 4)), ph + int(rng.integers(0, 6)), pw + int(rng.integers(0, 6)))
    x = rng.normal(size=xs)
    out, cache = getattr(conv, f"{kind}_pool_forward")(x, pool(ph, pw, s))
    dout = rng.normal(size=out.shape)
    dx = getattr(conv, f"{kind}_pool_backward")(dout, cache)
    tx = torch.tensor(x, requires_grad=True)
    tout = getattr(torch.nn.functional, f"{kind}_pool2d")(tx, (ph, pw), stride=s)
    tout.backward(torch.tensor(dout))
    assert np.allclose(out, tout.detach().numpy())
    assert np.allclose(dx, tx.grad.numpy())


# ----------------------------------------------------------------------------- LeNet

def _small_params(rng):
    return {"W1": rng.normal(size=(2, 1, 3, 3)), "b1": 0.1 * rng.normal(size=2),
            "W2": 0.5 * rng.normal(size=(3, 2, 3, 3)), "b2": 0.1 * rng.normal(size=3),
            "W3": 0.5 * rng.normal(size=(12, 4)), "b3": 0.1 * rng.normal(size=4),
            "W4": rng.normal(size=(4, 3)), "b4": 0.1 * rng.normal(size=3)}


def test_lenet_loss_gradients_match_numerical_ones():
    rng = np.random.default_rng(5)
    params, X, y = _small_params(rng), rng.normal(size=(2, 1, 8, 8)), np.array([0, 2])
    loss, grads = lenet_loss(params, X, y, reg=0.1)
    assert sorted(grads) == sorted(params)
    for key in params:
        def f(v, key=key):
            return lenet_loss(dict(params, **{key: v}), X, y, reg=0.1)[0]
        check_gradient(grads[key], numerical_gradient(f, params[key].copy()), key, tol=1e-5)


def test_lenet_matches_torch():
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    rng = np.random.default_rng(6)
    params, X, y = _small_params(rng), rng.normal(size=(3, 1, 8, 8)), np.array([0, 2, 1])
    loss, grads = lenet_loss(params, X, y, reg=0.2)
    t = {k: torch.tensor(v, requires_grad=True) for k, v in params.items()}
    h = F.max_pool2d(F.relu(F.conv2d(torch.tensor(X), t["W1"], t["b1"], padding=1)), 2)
    h = F.max_pool2d(F.relu(F.conv2d(h, t["W2"], t["b2"], padding=1)), 2)
    h = F.relu(h.reshape(3, -1) @ t["W3"] + t["b3"])
    tloss = F.cross_entropy(h @ t["W4"] + t["b4"], torch.tensor(y))
    tloss = tloss + 0.1 * sum((t[k] ** 2).sum() for k in ("W1", "W2", "W3", "W4"))
    tloss.backward()
    assert np.isclose(loss, tloss.item())
    for k in params:
        assert np.allclose(grads[k], t[k].grad.numpy()), k


def test_lenet_model_trains_on_a_toy_problem():
    from utils.optim import sgd_momentum
    from utils.train import accuracy, train

    rng = np.random.default_rng(7)
    X = rng.normal(0, 0.1, size=(200, 8, 8)).astype(np.float32)
    y = rng.integers(0, 2, size=200)
    X[y == 1, 2:6, 3:5] += 1.0  # class 1 has a vertical bar
    model = LeNet((1, 8, 8), filters=(4, 4), hidden=8, num_classes=2, rng=0)
    assert all(v.dtype == np.float32 for v in model.params.values())
    train(model, X, y, sgd_momentum, {"learning_rate": 0.05, "momentum": 0.9}, epochs=5, batch_size=20,
          progress=False)
    assert accuracy(model, X, y) > 0.95
