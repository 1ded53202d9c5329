"""utils.regularization: penalties, inverted dropout, augmentation and early stopping.

Hand-computed values, numerical gradients, statistics of the random parts, and (when torch is
installed) torch as an independent oracle for the L2 gradient and dropout's backward pass.
"""

import numpy as np
import pytest

from utils.gradcheck import check_gradient, numerical_gradient, numerical_gradient_array
from utils.regularization import (EarlyStopping, RegularizedNet, add_noise, augment, dropout_backward,
                                  dropout_forward, early_stopping, l1_penalty, l2_penalty, random_rotation,
                                  random_shift, rotate_images, shift_images)

PARAMS = {"W1": np.array([[1.0, -2.0], [3.0, 0.0]]), "b1": np.array([5.0, 5.0]),
          "W2": np.array([[0.5], [-1.0]]), "b2": np.array([7.0])}


# ----------------------------------------------------------------------------- penalties


def test_l2_penalty_hand_computed():
    loss, grads = l2_penalty(PARAMS, 0.1)
    assert loss == pytest.approx(0.1 * 15.25, rel=1e-12)  # 1 + 4 + 9 + 0 + 0.25 + 1
    assert sorted(grads) == sorted(PARAMS)
    np.testing.assert_allclose(grads["W1"], [[0.2, -0.4], [0.6, 0.0]], rtol=1e-12)
    assert not grads["b1"].any() and not grads["b2"].any(), "biases must not be penalised"


def test_l1_penalty_hand_computed_and_zero_subgradient():
    loss, grads = l1_penalty(PARAMS, 0.1)
    assert loss == pytest.approx(0.75, rel=1e-12)  # 0.1 * (1 + 2 + 3 + 0 + 0.5 + 1)
    np.testing.assert_array_equal(grads["W1"], [[0.1, -0.1], [0.1, 0.0]])  # 0 at w == 0
    assert not grads["b1"].any()


@pytest.mark.parametrize("penalty", [l2_penalty, l1_penalty])
def test_penalty_gradient_numerical(penalty):
    rng = np.random.default_rng(0)
    w = rng.normal(size=(5, 4))
    w[np.abs(w) < 1e-2] = 0.3  # away from |w|'s kink
    analytic = penalty({"W1": w, "b1": np.ones(4)}, 0.37)[1]["W1"]
    numeric = numerical_gradient(lambda v: penalty({"W1": v, "b1": np.ones(4)}, 0.37)[0], w.copy())
    check_gradient(analytic, numeric, name=penalty.__name__)


@pytest.mark.parametrize("penalty", [l2_penalty, l1_penalty])
def test_penalty_keeps_float32_and_ignores_non_weights(penalty):
    params = {"W1": np.ones((2, 3), np.float32), "gamma1": np.ones(3, np.float32)}
    loss, grads = penalty(params, 0.5)
    assert loss == pytest.approx(3.0)  # 6 entries of 1, times 0.5, for both penalties
    assert grads["W1"].dtype == np.float32 and grads["gamma1"].dtype == np.float32
    assert not grads["gamma1"].any()


# ----------------------------------------------------------------------------- dropout


def test_dropout_mask_drawn_as_documented():
    x = np.arange(1.0, 21.0).reshape(4, 5)
    out, (mask, p) = dropout_forward(x, 0.6, "train", 7)
    expected_mask = np.random.default_rng(7).random(x.shape) < 0.6
    np.testing.assert_array_equal(mask, expected_mask)
    np.testing.assert_allclose(out, x * expected_mask / 0.6, rtol=1e-15)


def test_dropout_test_mode_is_identity_and_draws_nothing():
    x = np.random.default_rng(0).normal(size=(3, 4, 5)).astype(np.float32)
    gen = np.random.default_rng(1)
    state = gen.bit_generator.state
    out, cache = dropout_forward(x, 0.3, "test", gen)
    np.testing.assert_array_equal(out, x)
    assert out.dtype == np.float32 and out is not x
    assert gen.bit_generator.state == state, "test mode must not consume random numbers"
    np.testing.assert_array_equal(dropout_backward(x, cache), x)


def test_dropout_preserves_expectation_in_train_mode():
    x = np.full((500, 400), 3.0)  # 200,000 units
    out, _ = dropout_forward(x, 0.25, "train", 0)
    kept = np.mean(out != 0)
    assert abs(kept - 0.25) < 0.005, kept  # std of the fraction is about 0.001
    np.testing.assert_allclose(out[out != 0], 12.0)
    assert abs(out.mean() - 3.0) < 0.05, out.mean()


def test_dropout_keep_all_and_float32():
    x = np.random.default_rng(2).normal(size=(1, 6)).astype(np.float32)
    out, _ = dropout_forward(x, 1.0, "train", 3)
    np.testing.assert_array_equal(out, x)
    assert out.dtype == np.float32


def test_dropout_backward_numerical_with_fixed_mask():
    rng = np.random.default_rng(4)
    x = rng.normal(size=(4, 6))
    dout = rng.normal(size=(4, 6))
    _, cache = dropout_forward(x, 0.7, "train", 11)
    dx = dropout_backward(dout, cache)
    numeric = numerical_gradient_array(lambda v: dropout_forward(v, 0.7, "train", 11)[0], x.copy(), dout)
    check_gradient(dx, numeric, name="dropout dx")


def test_dropout_rejects_unknown_mode():
    with pytest.raises(ValueError):
        dropout_forward(np.ones(3), 0.5, "eval", 0)


def test_l2_gradient_and_dropout_backward_match_torch():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(5)
    w = rng.normal(size=(4, 3))
    tw = torch.tensor(w, requires_grad=True)
    (0.3 * (tw ** 2).sum()).backward()
    np.testing.assert_allclose(l2_penalty({"W1": w}, 0.3)[1]["W1"], tw.grad.numpy(), rtol=1e-12)

    # torch's dropout draws its own mask, so apply ours with torch's autograd: x * mask / p
    x = rng.normal(size=(5, 4))
    dout = rng.normal(size=(5, 4))
    out, cache = dropout_forward(x, 0.6, "train", 9)
    mask = torch.tensor(cache[0].astype(np.float64))
    tx = torch.tensor(x, requires_grad=True)
    tout = tx * mask / 0.6
    tout.backward(torch.tensor(dout))
    np.testing.assert_allclose(out, tout.detach().numpy(), rtol=1e-12)
    np.testing.assert_allclose(dropout_backward(dout, cache), tx.grad.numpy(), rtol=1e-12)


# ----------------------------------------------------------------------------- augmentation


def test_shift_images_hand_computed_no_wrap():
    X = np.arange(1.0, 13.0).reshape(1, 3, 4)
    out = shift_images(X, np.array([1]), np.array([-1]))
    np.testing.assert_array_equal(out[0], [[0, 0, 0, 0], [2, 3, 4, 0], [6, 7, 8, 0]])
    np.testing.assert_array_equal(shift_images(X, np.array([-3]), np.array([0])), np.zeros_like(X))
    np.testing.assert_array_equal(shift_images(X, np.array([0]), np.array([0])), X)


def test_rotate_images_quarter_turns_and_hand_value():
    X = np.random.default_rng(6).uniform(size=(2, 5, 7))
    np.testing.assert_allclose(rotate_images(X, np.zeros(2)), X, atol=1e-12)
    square = X[:, :5, :5]
    np.testing.assert_allclose(rotate_images(square, np.array([90.0, 180.0])),
                               np.stack([np.rot90(square[0]), np.rot90(square[1], 2)]), atol=1e-12)
    one = np.zeros((1, 3, 3))
    one[0, 1, 2] = 1.0
    out = rotate_images(one, np.array([45.0]))
    assert out[0, 0, 2] == pytest.approx(2 - np.sqrt(2), rel=1e-12)
    assert out.sum() == pytest.approx(1.0, rel=1e-12)


def test_add_noise_documented_draw_statistics_and_clip():
    X = np.full((2, 3, 3), 0.5)
    expected = np.clip(X + 0.1 * np.random.default_rng(0).standard_normal(X.shape), 0, 1)
    np.testing.assert_array_equal(add_noise(X, 0.1, 0), expected)
    big = np.full((100, 28, 28), 0.5)
    noise = add_noise(big, 0.05, 1) - big
    assert abs(noise.std() - 0.05) < 0.001 and abs(noise.mean()) < 0.001
    out = add_noise(np.ones((1, 8, 8), np.float32), 1.0, 2)
    assert out.dtype == np.float32 and out.min() >= 0 and out.max() <= 1


@pytest.mark.parametrize("transform", [lambda X, r: random_shift(X, 2, r), lambda X, r: random_rotation(X, 10, r),
                                       lambda X, r: add_noise(X, 0.05, r), lambda X, r: augment(X, r)],
                         ids=["shift", "rotation", "noise", "augment"])
def test_augmentation_shapes_determinism_and_labels(transform):
    from utils.data import load_letters

    d = load_letters()
    X, y = d["X_train"][:40], d["y_train"][:40]
    a, b = transform(X, 3), transform(X, 3)
    assert a.shape == X.shape and a.dtype == X.dtype
    np.testing.assert_array_equal(a, b)  # same seed, same images
    assert not np.array_equal(transform(X, 4), a)
    # label preservation: an augmented letter stays nearer to its original than to other letters
    d_own = np.mean([np.sum((a[i] - X[i]) ** 2) for i in range(len(X))])
    d_other = np.mean([np.sum((a[i] - X[j]) ** 2) for i in range(len(X)) for j in range(len(X)) if y[j] != y[i]])
    assert d_own < d_other, (d_own, d_other)


# ----------------------------------------------------------------------------- early stopping


def test_early_stopping_hand_computed():
    assert early_stopping([0.50, 0.60, 0.65, 0.64, 0.66, 0.63, 0.62, 0.61, 0.70], 3) == (4, 7)
    assert early_stopping([0.5, 0.5, 0.5, 0.5], 2) == (0, 2)  # ties do not improve
    assert early_stopping([0.1, 0.2, 0.3], 2) == (2, 2)
    assert early_stopping([0.42], 5) == (0, 0)
    assert early_stopping([0.50, 0.505, 0.51, 0.49], 2, min_delta=0.02) == (0, 2)


def test_early_stopping_helper_keeps_and_restores_best_params():
    net = RegularizedNet([4], 3, 2, rng=0)
    stopper = EarlyStopping(patience=2)
    history, stopped_at = [0.3, 0.6, 0.5, 0.55, 0.9], None
    for epoch, score in enumerate(history):
        net.params["W1"] = net.params["W1"] + 1.0  # "training" changes the params every epoch
        if epoch == 1:
            best_w1 = net.params["W1"].copy()
        if stopper.step(score, net.params):
            stopped_at = epoch
            break
    assert (stopper.best_epoch, stopped_at) == early_stopping(history, 2) == (1, 3)
    stopper.restore(net)
    np.testing.assert_array_equal(net.params["W1"], best_w1)


# ----------------------------------------------------------------------------- the model


def test_regularized_net_gradients():
    rng = np.random.default_rng(8)
    X, y = rng.normal(size=(5, 6)), rng.integers(0, 3, size=5)
    net = RegularizedNet([7], 6, 3, l2=0.1, l1=0.05, keep=0.6, dropout_rng=0, weight_scale=0.5, rng=1)
    for p in net.params.values():
        p[np.abs(p) < 1e-3] = 0.1  # away from |w|'s kink

    def loss_with_fixed_masks(_):
        net.dropout_rng = np.random.default_rng(0)  # the same masks every call
        return net.loss(X, y)[0]

    loss_with_fixed_masks(None)
    net.dropout_rng = np.random.default_rng(0)
    _, grads = net.loss(X, y)
    for name, value in net.params.items():
        numeric = numerical_gradient(loss_with_fixed_masks, value)
        check_gradient(grads[name], numeric, name=name, tol=1e-6)
    scores = net.loss(X)  # test mode: deterministic
    np.testing.assert_array_equal(scores, net.loss(X))
