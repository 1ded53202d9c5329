"""utils.layers: hand-computed values, numerical gradients, and PyTorch when it is installed."""

import numpy as np
import pytest

from utils import layers
from utils.gradcheck import check_gradient, numerical_gradient_array


@pytest.fixture
def rng():
    return np.random.default_rng(0)


def test_affine_forward_hand_computed():
    x = np.array([[1.0, 2.0]])
    w = np.array([[1.0, 0.0, -1.0], [0.5, 2.0, 1.0]])
    b = np.array([0.0, 1.0, 2.0])
    out, _ = layers.affine_forward(x, w, b)
    assert np.allclose(out, [[2.0, 5.0, 3.0]])


def test_affine_forward_flattens_trailing_axes(rng):
    x = rng.normal(size=(4, 2, 3))
    w, b = rng.normal(size=(6, 5)), rng.normal(size=5)
    out, _ = layers.affine_forward(x, w, b)
    assert out.shape == (4, 5)
    assert np.allclose(out, x.reshape(4, 6) @ w + b)


@pytest.mark.parametrize("shape", [(3, 4), (2, 2, 3), (1, 5)])
def test_affine_backward_matches_numerical_gradient(rng, shape):
    x = rng.normal(size=shape)
    d = int(np.prod(shape[1:]))
    w, b = rng.normal(size=(d, 3)), rng.normal(size=3)
    dout = rng.normal(size=(shape[0], 3))
    dx, dw, db = layers.affine_backward(dout, layers.affine_forward(x, w, b)[1])
    check_gradient(dx, numerical_gradient_array(lambda v: layers.affine_forward(v, w, b)[0], x, dout), "dx")
    check_gradient(dw, numerical_gradient_array(lambda v: layers.affine_forward(x, v, b)[0], w, dout), "dw")
    check_gradient(db, numerical_gradient_array(lambda v: layers.affine_forward(x, w, v)[0], b, dout), "db")


@pytest.mark.parametrize("name", ["relu", "sigmoid", "tanh"])
def test_activation_backward_matches_numerical_gradient(rng, name):
    fwd, bwd = getattr(layers, f"{name}_forward"), getattr(layers, f"{name}_backward")
    x = rng.normal(size=(4, 5))
    x[np.abs(x) < 1e-3] = 0.5  # keep away from ReLU's kink
    dout = rng.normal(size=x.shape)
    dx = bwd(dout, fwd(x)[1])
    check_gradient(dx, numerical_gradient_array(lambda v: fwd(v)[0], x, dout), f"{name} dx")


def test_affine_relu_backward_matches_numerical_gradient(rng):
    x, w, b = rng.normal(size=(3, 4)), rng.normal(size=(4, 5)), rng.normal(size=5)
    dout = rng.normal(size=(3, 5))
    dx, dw, _ = layers.affine_relu_backward(dout, layers.affine_relu_forward(x, w, b)[1])
    check_gradient(dx, numerical_gradient_array(lambda v: layers.affine_relu_forward(v, w, b)[0], x, dout), "dx")
    check_gradient(dw, numerical_gradient_array(lambda v: layers.affine_relu_forward(x, v, b)[0], w, dout), "dw")


def test_sigmoid_is_stable_at_extremes():
    with np.errstate(over="raise", divide="raise", invalid="raise"):  # underflow to 0 is fine
        s = layers.sigmoid(np.array([-1000.0, 0.0, 1000.0]))
    assert np.allclose(s, [0.0, 0.5, 1.0])


def test_check_gradient_rejects_a_wrong_backward(rng):
    x = rng.normal(size=(3, 4))
    dout = rng.normal(size=x.shape)
    wrong = dout * layers.sigmoid(x)  # forgot the (1 - s) factor
    with pytest.raises(AssertionError):
        check_gradient(wrong, numerical_gradient_array(lambda v: layers.sigmoid_forward(v)[0], x, dout))


def test_layers_match_torch(rng):
    torch = pytest.importorskip("torch")
    x, w, b = rng.normal(size=(5, 4)), rng.normal(size=(4, 3)), rng.normal(size=3)
    dout = rng.normal(size=(5, 3))
    tx, tw, tb = (torch.tensor(a, requires_grad=True) for a in (x, w, b))
    out_t = torch.tanh(torch.relu(tx @ tw + tb))
    out_t.backward(torch.tensor(dout))
    a, c1 = layers.affine_relu_forward(x, w, b)
    out, c2 = layers.tanh_forward(a)
    dx, dw, db = layers.affine_relu_backward(layers.tanh_backward(dout, c2), c1)
    assert np.allclose(out, out_t.detach().numpy(), rtol=1e-12)
    for mine, theirs in ((dx, tx), (dw, tw), (db, tb)):
        assert np.allclose(mine, theirs.grad.numpy(), rtol=1e-10)
