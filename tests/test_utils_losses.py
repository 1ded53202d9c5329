"""Tests for utils.losses (softmax, one_hot, cross_entropy, softmax_cross_entropy) and
utils.gradcheck.

Oracles: hand-computed values, the textbook formulas evaluated in float64 on safe inputs, centred
differences, and (when installed) PyTorch in float64.
"""

import numpy as np
import pytest

from utils.gradcheck import check_gradient, numerical_gradient, numerical_gradient_array, rel_error
from utils.losses import cross_entropy, one_hot, softmax, softmax_cross_entropy

RTOL = 1e-12  # float64 results of the same formula in a different order agree to this


def naive_softmax(x, axis=-1):
    """The formula as written, without the max shift: an oracle for moderate scores."""
    e = np.exp(x)
    return e / e.sum(axis=axis, keepdims=True)


# ----------------------------------------------------------------------------- softmax


def test_softmax_hand_values():
    # e^3, e^1, e^0.2 over their sum 24.0252
    p = softmax(np.array([3.0, 1.0, 0.2]))
    np.testing.assert_allclose(p, [0.83601880, 0.11314284, 0.05083836], rtol=1e-7)


@pytest.mark.parametrize("shape,axis", [((5,), -1), ((4, 6), -1), ((6, 4), 0), ((2, 3, 5), 1)])
def test_softmax_matches_formula(shape, axis):
    x = np.random.default_rng(0).normal(scale=3.0, size=shape)
    p = softmax(x, axis=axis)
    assert p.shape == x.shape
    np.testing.assert_allclose(p, naive_softmax(x, axis=axis), rtol=RTOL)
    np.testing.assert_allclose(p.sum(axis=axis), 1.0, rtol=RTOL)
    assert np.all(p > 0)


def test_softmax_axis0_is_transpose_of_last_axis():
    x = np.random.default_rng(1).normal(size=(3, 7))  # (K, N)
    np.testing.assert_allclose(softmax(x, axis=0), softmax(x.T, axis=-1).T, rtol=RTOL)


def test_softmax_shift_invariant():
    x = np.random.default_rng(2).normal(size=(4, 5))
    np.testing.assert_allclose(softmax(x + 123.0), softmax(x), rtol=1e-10)


def test_softmax_stable_for_huge_scores():
    x = np.array([[1000.0, 1001.0, 1002.0], [-1000.0, -1001.0, -1002.0], [1e300, 0.0, -1e300]])
    p = softmax(x)
    assert np.all(np.isfinite(p))
    expected = naive_softmax(np.array([0.0, 1.0, 2.0]))
    np.testing.assert_allclose(p[0], expected, rtol=1e-12)
    np.testing.assert_allclose(p[1], expected[::-1], rtol=1e-12)
    np.testing.assert_array_equal(p[2], [1.0, 0.0, 0.0])


def test_softmax_float32_stays_float32():
    # exp(100) overflows float32, so this needs the max shift too
    x = np.array([[100.0, 101.0, 102.0], [1.0, 2.0, 3.0]], dtype=np.float32)
    p = softmax(x)
    assert p.dtype == np.float32
    assert np.all(np.isfinite(p))
    np.testing.assert_allclose(p, softmax(x.astype(np.float64)), rtol=1e-6)


def test_softmax_integer_input_gives_float64():
    p = softmax(np.array([[0, 1, 2]]))
    assert p.dtype == np.float64
    np.testing.assert_allclose(p[0], naive_softmax(np.array([0.0, 1.0, 2.0])), rtol=RTOL)


def test_softmax_single_class_is_one():
    np.testing.assert_array_equal(softmax(np.array([[5.0], [-7.0]])), [[1.0], [1.0]])


# ----------------------------------------------------------------------------- one_hot


def test_one_hot_values():
    out = one_hot(np.array([2, 0, 1, 2]), 3)
    expected = np.array([[0, 0, 1], [1, 0, 0], [0, 1, 0], [0, 0, 1]], dtype=np.float64)
    np.testing.assert_array_equal(out, expected)


def test_one_hot_shape_and_dtype():
    out = one_hot(np.array([1, 4], dtype=np.int32), 5)
    assert out.shape == (2, 5)
    assert out.dtype == np.float64
    np.testing.assert_array_equal(out.sum(axis=1), [1.0, 1.0])


def test_one_hot_accepts_list_and_empty():
    np.testing.assert_array_equal(one_hot([1], 2), [[0.0, 1.0]])
    assert one_hot(np.array([], dtype=int), 4).shape == (0, 4)


@pytest.mark.parametrize("bad", [[0, 3], [-1, 0], [0.0, 1.0], [[0, 1]], [True, False]])
def test_one_hot_rejects_bad_labels(bad):
    with pytest.raises(ValueError):
        one_hot(np.array(bad), 3)


# ----------------------------------------------------------------------------- cross_entropy


def test_cross_entropy_hand_value():
    S = np.array([[0.5, 0.25, 0.25], [0.2, 0.6, 0.2]])
    L = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]])
    ce = cross_entropy(S, L)
    assert type(ce) is float
    assert ce == pytest.approx(-(np.log(0.5) + np.log(0.6)) / 2, rel=RTOL)


def test_cross_entropy_zero_times_log_zero_is_zero():
    S = np.array([[0.0, 1.0, 0.0]])
    L = np.array([[0.0, 1.0, 0.0]])
    with np.errstate(all="raise"):  # no log(0) may be evaluated at all
        assert cross_entropy(S, L) == 0.0


def test_cross_entropy_soft_targets():
    S = np.array([[0.5, 0.5]])
    L = np.array([[0.25, 0.75]])
    assert cross_entropy(S, L) == pytest.approx(np.log(2.0), rel=RTOL)


def test_cross_entropy_not_symmetric():
    S = np.array([[0.7, 0.2, 0.1]])
    L = np.array([[0.0, 1.0, 0.0]])
    with np.errstate(divide="ignore"):
        assert cross_entropy(S, L) == pytest.approx(-np.log(0.2), rel=RTOL)
        assert cross_entropy(L, S) == np.inf


@pytest.mark.parametrize("tshape", [(3,), (1, 3), (2, 4), (3, 2)])
def test_cross_entropy_rejects_shape_mismatch(tshape):
    with pytest.raises(ValueError):
        cross_entropy(np.full((2, 3), 1 / 3), np.zeros(tshape))


# ------------------------------------------------------------------ softmax_cross_entropy


def test_softmax_cross_entropy_hand_value():
    # softmax rows: (1/3, 1/3, 1/3) and (3/5, 1/5, 1/5)
    scores = np.array([[0.0, 0.0, 0.0], [np.log(3.0), 0.0, 0.0]])
    loss, dscores = softmax_cross_entropy(scores, np.array([1, 0]))
    assert type(loss) is float
    assert loss == pytest.approx(np.log(5.0) / 2, rel=RTOL)
    expected = np.array([[1 / 3, -2 / 3, 1 / 3], [-2 / 5, 1 / 5, 1 / 5]]) / 2
    np.testing.assert_allclose(dscores, expected, rtol=1e-12)


def test_softmax_cross_entropy_agrees_with_composition():
    rng = np.random.default_rng(3)
    scores = rng.normal(scale=2.0, size=(6, 4))
    y = rng.integers(0, 4, size=6)
    loss, dscores = softmax_cross_entropy(scores, y)
    assert loss == pytest.approx(cross_entropy(softmax(scores), one_hot(y, 4)), rel=1e-12)
    np.testing.assert_allclose(dscores, (softmax(scores) - one_hot(y, 4)) / 6, rtol=1e-10)


def test_softmax_cross_entropy_stable_for_huge_scores():
    scores = np.array([[1000.0, 0.0, -1000.0], [1000.0, 0.0, -1000.0]])
    loss, dscores = softmax_cross_entropy(scores, np.array([0, 2]))
    assert loss == pytest.approx(1000.0, rel=RTOL)
    assert np.all(np.isfinite(dscores))
    np.testing.assert_allclose(dscores, [[0.0, 0.0, 0.0], [0.5, 0.0, -0.5]], atol=1e-300)


def test_softmax_cross_entropy_gradient_rows_sum_to_zero():
    rng = np.random.default_rng(4)
    _, dscores = softmax_cross_entropy(rng.normal(size=(5, 3)), rng.integers(0, 3, size=5))
    np.testing.assert_allclose(dscores.sum(axis=1), 0.0, atol=1e-15)


def test_softmax_cross_entropy_numerical_gradient():
    rng = np.random.default_rng(5)
    scores = rng.normal(size=(5, 4))
    y = np.array([0, 3, 1, 1, 2])
    _, dscores = softmax_cross_entropy(scores, y)
    num = numerical_gradient(lambda s: softmax_cross_entropy(s, y)[0], scores.copy())
    assert check_gradient(dscores, num, name="dscores", tol=1e-7) < 1e-7


def test_softmax_cross_entropy_float32_scores():
    scores = np.array([[1.0, 2.0, 3.0]], dtype=np.float32)
    loss, dscores = softmax_cross_entropy(scores, np.array([2]))
    assert loss == pytest.approx(-np.log(naive_softmax(np.array([1.0, 2.0, 3.0]))[2]), rel=1e-12)
    assert dscores.shape == (1, 3)


# ----------------------------------------------------------------------------- gradcheck


def test_numerical_gradient_quadratic():
    # f(x) = sum(a * x^2) has gradient 2 a x; centred differences are exact for quadratics
    a = np.array([[1.0, -2.0], [0.5, 3.0]])
    x = np.array([[0.3, -1.2], [2.0, 0.7]])
    num = numerical_gradient(lambda v: np.sum(a * v**2), x)
    np.testing.assert_allclose(num, 2 * a * x, rtol=1e-8)


def test_numerical_gradient_restores_input():
    x = np.random.default_rng(6).normal(size=(3, 4))
    before = x.copy()
    numerical_gradient(lambda v: np.sum(np.sin(v)), x)
    np.testing.assert_array_equal(x, before)


def test_numerical_gradient_array_matches_jacobian_product():
    x = np.random.default_rng(7).normal(size=(2, 3))
    dout = np.random.default_rng(8).normal(size=(2, 3))
    num = numerical_gradient_array(np.tanh, x, dout)
    np.testing.assert_allclose(num, dout * (1 - np.tanh(x) ** 2), rtol=1e-7)


def test_rel_error_zero_for_equal_and_scale_free():
    a = np.array([1.0, -2.0, 3.0])
    assert rel_error(a, a) == 0.0
    small = rel_error(a, a * (1 + 1e-9))
    assert rel_error(1e6 * a, 1e6 * a * (1 + 1e-9)) == pytest.approx(small, rel=1e-3)


def test_check_gradient_accepts_correct_gradient():
    x = np.random.default_rng(9).normal(size=(3, 3))
    num = numerical_gradient(lambda v: np.sum(v**3), x.copy())
    assert check_gradient(3 * x**2, num) < 1e-8


@pytest.mark.parametrize("wrong", [lambda g: 2 * g, lambda g: -g, lambda g: g + 1e-3])
def test_check_gradient_raises_on_wrong_gradient(wrong):
    x = np.random.default_rng(10).normal(size=(3, 3))
    num = numerical_gradient(lambda v: np.sum(v**3), x.copy())
    with pytest.raises(AssertionError, match="dx disagrees with the numerical gradient"):
        check_gradient(wrong(3 * x**2), num, name="dx")


def test_check_gradient_raises_on_shape_mismatch():
    with pytest.raises(AssertionError, match="shape"):
        check_gradient(np.zeros((2, 3)), np.zeros((3, 2)))


def test_check_gradient_raises_on_nan():
    with pytest.raises(AssertionError):
        check_gradient(np.array([np.nan, 1.0]), np.array([1.0, 1.0]))


# ----------------------------------------------------------------------------- against PyTorch


@pytest.mark.parametrize("shape,axis", [((4, 5), -1), ((5, 4), 0), ((2, 3, 4), 1)])
def test_softmax_matches_torch(shape, axis):
    torch = pytest.importorskip("torch")
    x = np.random.default_rng(11).normal(scale=5.0, size=shape)
    x[0] += 800.0  # large scores: both implementations must stay finite
    expected = torch.softmax(torch.from_numpy(x), dim=axis).numpy()
    np.testing.assert_allclose(softmax(x, axis=axis), expected, rtol=1e-10, atol=1e-300)


@pytest.mark.parametrize("scale", [1.0, 30.0, 1000.0])
def test_softmax_cross_entropy_matches_torch(scale):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(12)
    scores = scale * rng.normal(size=(8, 5))
    y = rng.integers(0, 5, size=8)
    t_scores = torch.tensor(scores, dtype=torch.float64, requires_grad=True)
    t_loss = torch.nn.functional.cross_entropy(t_scores, torch.from_numpy(y))  # mean over N
    t_loss.backward()
    loss, dscores = softmax_cross_entropy(scores, y)
    assert loss == pytest.approx(t_loss.item(), rel=1e-10)
    np.testing.assert_allclose(dscores, t_scores.grad.numpy(), rtol=1e-8, atol=1e-15)
