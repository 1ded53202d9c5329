"""Tests for utils.perceptron, utils.synthetic and utils.plotting (assignment 04_perceptron).

Oracles: hand-computed values, textbook formulas in float64 on safe inputs, the perceptron
convergence bound, centred differences, scikit-learn's Perceptron (which makes the same updates),
and, when installed, PyTorch in float64.
"""

import itertools
import warnings

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from utils.gradcheck import check_gradient, numerical_gradient  # noqa: E402
from utils.perceptron import (  # noqa: E402
    MARGIN_LOSSES, bce_with_logits, empirical_risk, logic_gate, logistic_step, margin_loss,
    mcculloch_pitts, perceptron_train, sigmoid,
)
from utils.plotting import plot_curves, plot_decision_boundary  # noqa: E402
from utils.synthetic import circles, linearly_separable, two_moons, xor  # noqa: E402

RTOL = 1e-12


def naive_sigmoid(z):
    """The formula as written: an oracle for moderate z."""
    return 1.0 / (1.0 + np.exp(-z))


# ----------------------------------------------------------------------------- McCulloch-Pitts


def test_mcculloch_pitts_hand_values_and_ties():
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]])
    out = mcculloch_pitts(X, np.array([2.0, -1.0]), 1.0)  # sums 0, -1, 2, 1
    np.testing.assert_array_equal(out, [0, 0, 1, 1])  # the sum equal to theta fires
    assert out.dtype == np.int64


def test_mcculloch_pitts_zero_threshold_fires_on_silence():
    np.testing.assert_array_equal(mcculloch_pitts(np.zeros((2, 3)), np.ones(3), 0.0), [1, 1])


@pytest.mark.parametrize("n", [1, 2, 3, 4])
@pytest.mark.parametrize("name,rule", [("and", all), ("or", any), ("nand", lambda b: not all(b)),
                                       ("nor", lambda b: not any(b))])
def test_logic_gate_truth_tables(name, rule, n):
    inputs = np.array(list(itertools.product([0, 1], repeat=n)))
    w, theta = logic_gate(name, n)
    assert w.shape == (n,)
    expected = [int(rule(row)) for row in inputs.astype(bool)]
    np.testing.assert_array_equal(mcculloch_pitts(inputs, w, theta), expected)


def test_logic_gate_not_has_one_input():
    w, theta = logic_gate("not", 5)
    assert w.shape == (1,)
    np.testing.assert_array_equal(mcculloch_pitts(np.array([[0], [1]]), w, theta), [1, 0])


@pytest.mark.parametrize("name", ["xor", "majority", "AND"])
def test_logic_gate_refuses_xor_and_unknown_names(name):
    with pytest.raises(ValueError):
        logic_gate(name)


# ----------------------------------------------------------------------------- perceptron


def test_perceptron_train_hand_trace():
    # epoch 1: mistakes on sample 0 (score 0) and sample 2 (score 0); epoch 2 is clean
    X = np.array([[1.0, 1.0], [2.0, 0.0], [0.0, -1.0], [-1.0, 0.0]])
    w, b, mistakes = perceptron_train(X, np.array([1, 1, 0, 0]))
    np.testing.assert_array_equal(w, [1.0, 2.0])
    assert b == 0.0 and isinstance(b, float)
    np.testing.assert_array_equal(mistakes, [2, 0])
    assert mistakes.dtype == np.int64


def test_perceptron_train_single_sample():
    w, b, mistakes = perceptron_train(np.array([[2.0, -1.0]]), np.array([0]))
    np.testing.assert_array_equal(w, [-2.0, 1.0])
    assert b == -1.0
    np.testing.assert_array_equal(mistakes, [1, 0])


@pytest.mark.parametrize("seed", [None, 0, 5])
@pytest.mark.parametrize("rng", [0, 1, 2, 3])
def test_perceptron_train_converges_within_the_bound(rng, seed):
    margin = 0.1
    offset = np.array([2.0, 1.0])
    X, y = linearly_separable(80, margin=margin, offset=offset, rng=rng)
    w, b, mistakes = perceptron_train(X, y, max_epochs=10_000, seed=seed)
    t = 2 * y - 1
    assert mistakes[-1] == 0 and np.all(mistakes[:-1] > 0)
    assert np.all(t * (X @ w + b) > 0)
    # Novikoff: at most (R / gamma)^2 mistakes, for the generator's own separating line
    u = np.array([np.cos(0.6), np.sin(0.6)])
    w_star = np.append(u, -u @ offset)
    X_aug = np.column_stack([X, np.ones(len(X))])
    gamma = np.min(t * (X_aug @ w_star)) / np.linalg.norm(w_star)
    R = np.max(np.linalg.norm(X_aug, axis=1))
    assert gamma >= margin / np.linalg.norm(w_star) - 1e-12
    assert mistakes.sum() <= (R / gamma) ** 2


@pytest.mark.parametrize("epochs", [1, 2, 3, 50])
@pytest.mark.parametrize("rng", [0, 1, 3])
def test_perceptron_train_matches_sklearn(rng, epochs):
    # scikit-learn's Perceptron (eta0 = 1, no penalty, no shuffling) makes exactly the same updates
    from sklearn.linear_model import Perceptron

    X, y = linearly_separable(60, margin=0.1, offset=(2.0, 1.0), rng=rng)
    w, b, _ = perceptron_train(X, y, max_epochs=epochs)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # ConvergenceWarning for few epochs
        sk = Perceptron(max_iter=epochs, tol=None, shuffle=False).fit(X, y)
    np.testing.assert_allclose(w, sk.coef_[0], rtol=RTOL)
    assert b == pytest.approx(sk.intercept_[0], rel=RTOL)


def test_perceptron_train_never_converges_on_xor():
    X, y = xor(40, rng=0)
    _, _, mistakes = perceptron_train(X, y, max_epochs=30)
    assert len(mistakes) == 30 and np.all(mistakes > 0)
    table = np.array([[0, 0], [0, 1], [1, 0], [1, 1]])
    _, _, mistakes = perceptron_train(table, np.array([0, 1, 1, 0]), max_epochs=25)
    assert len(mistakes) == 25 and np.all(mistakes > 0)


def test_perceptron_train_seed_follows_the_documented_order():
    # with a seed, epoch e visits rng.permutation(N) of one generator: reproduce it by hand
    X, y = linearly_separable(30, margin=0.05, rng=4)
    w, b, mistakes = perceptron_train(X, y, max_epochs=3, seed=11)
    rng = np.random.default_rng(11)
    w_ref, b_ref, t = np.zeros(2), 0.0, 2 * y - 1
    for _ in range(len(mistakes)):
        for i in rng.permutation(len(y)):
            if t[i] * (X[i] @ w_ref + b_ref) <= 0:
                w_ref, b_ref = w_ref + t[i] * X[i], b_ref + t[i]
    np.testing.assert_allclose(w, w_ref, rtol=RTOL)
    assert b == b_ref
    w2, b2, m2 = perceptron_train(X, y, max_epochs=3, seed=11)
    np.testing.assert_array_equal(w, w2)
    np.testing.assert_array_equal(mistakes, m2)


def test_perceptron_train_accepts_integers_and_float32():
    table = np.array([[0, 0], [0, 1], [1, 0], [1, 1]])
    w, b, mistakes = perceptron_train(table, np.array([0, 0, 0, 1]))
    assert w.dtype == np.float64 and mistakes[-1] == 0
    assert np.all((2 * np.array([0, 0, 0, 1]) - 1) * (table @ w + b) > 0)
    X, y = linearly_separable(20, rng=2)
    w32, b32, _ = perceptron_train(X.astype(np.float32), y)
    assert w32.dtype == np.float64


# ----------------------------------------------------------------------------- losses and risk


def test_margin_loss_hand_values():
    m = np.array([-2.0, 0.0, 0.5, 1.0, 3.0])
    np.testing.assert_array_equal(margin_loss(m, "zero_one"), [1, 1, 0, 0, 0])
    np.testing.assert_array_equal(margin_loss(m, "perceptron"), [2, 0, 0, 0, 0])
    np.testing.assert_array_equal(margin_loss(m, "hinge"), [3, 1, 0.5, 0, 0])
    np.testing.assert_array_equal(margin_loss(m, "squared"), [9, 1, 0.25, 0, 4])
    np.testing.assert_allclose(margin_loss(m, "logistic"), np.log(1 + np.exp(-m)), rtol=RTOL)


def test_margin_loss_logistic_stable():
    with np.errstate(over="raise", invalid="raise", divide="raise"):  # underflow to 0 is fine
        out = margin_loss(np.array([-1000.0, 1000.0, -1e300]), "logistic")
    np.testing.assert_allclose(out, [1000.0, 0.0, 1e300], rtol=RTOL)


@pytest.mark.parametrize("kind", ["perceptron", "hinge", "squared", "logistic"])
def test_margin_loss_surrogates_are_convex_and_hinge_squared_logistic_bound_zero_one(kind):
    m = np.linspace(-4, 4, 801)
    loss = margin_loss(m, kind)
    assert np.all(np.diff(loss, 2) >= -1e-12)  # convex
    if kind != "perceptron":
        scale = np.log(2) if kind == "logistic" else 1.0
        assert np.all(loss / scale >= margin_loss(m, "zero_one") - 1e-12)


def test_margin_loss_keeps_shape_and_rejects_unknown_kind():
    assert margin_loss(np.zeros((2, 3), dtype=np.float32), "hinge").shape == (2, 3)
    assert margin_loss(np.array([1, -1]), "hinge").dtype == np.float64
    assert set(MARGIN_LOSSES) == {"zero_one", "perceptron", "hinge", "logistic", "squared"}
    with pytest.raises(ValueError):
        margin_loss(np.zeros(2), "absolute")


def test_empirical_risk_hand_values():
    scores, y = np.array([2.0, -1.0, 0.0, 0.5]), np.array([1, 1, 0, 0])  # margins 2, -1, 0, -0.5
    assert empirical_risk(scores, y) == 0.75
    assert empirical_risk(scores, y, "hinge") == pytest.approx(1.125, rel=RTOL)
    assert type(empirical_risk(scores, y)) is float


def test_empirical_risk_zero_one_is_the_error_rate():
    rng = np.random.default_rng(0)
    scores, y = rng.normal(size=50), rng.integers(0, 2, size=50)
    assert empirical_risk(scores, y) == pytest.approx(np.mean((scores > 0) != y), rel=RTOL)


def test_empirical_risk_logistic_equals_bce():
    rng = np.random.default_rng(1)
    scores, y = 5 * rng.normal(size=20), rng.integers(0, 2, size=20)
    assert empirical_risk(scores, y, "logistic") == pytest.approx(bce_with_logits(scores, y)[0], rel=1e-12)


# ----------------------------------------------------------------------------- sigmoid


def test_sigmoid_hand_values():
    np.testing.assert_allclose(sigmoid(np.array([0.0, np.log(3.0), -np.log(3.0)])), [0.5, 0.75, 0.25], rtol=RTOL)


def test_sigmoid_matches_formula_and_symmetry():
    z = np.random.default_rng(2).normal(scale=5, size=(4, 5))
    np.testing.assert_allclose(sigmoid(z), naive_sigmoid(z), rtol=1e-14)
    np.testing.assert_allclose(sigmoid(-z), 1 - sigmoid(z), rtol=1e-12, atol=1e-16)


def test_sigmoid_no_overflow_and_accurate_tails():
    z = np.array([-1000.0, -700.0, -40.0, 40.0, 1000.0])
    with np.errstate(over="raise", invalid="raise", divide="raise"):  # underflow to 0 is fine
        p = sigmoid(z)
    np.testing.assert_allclose(p[1:3], np.exp(z[1:3]), rtol=1e-12)  # e^z / (1 + e^z) = e^z here
    np.testing.assert_array_equal(p[[0, 4]], [0.0, 1.0])


@pytest.mark.parametrize("dtype", [np.float16, np.float32])
def test_sigmoid_keeps_low_precision_dtypes(dtype):
    z = np.linspace(-16, 16, 9).astype(dtype)
    with np.errstate(over="raise", invalid="raise", divide="raise"):  # underflow to 0 is fine
        p = sigmoid(z)
    assert p.dtype == dtype
    tiny = 2 * float(np.finfo(dtype).smallest_subnormal)  # float16 subnormals near e^-16 are coarse
    np.testing.assert_allclose(p.astype(np.float64), naive_sigmoid(z.astype(np.float64)),
                               rtol=2 * float(np.finfo(dtype).eps), atol=tiny)


def test_sigmoid_integers_give_float64():
    assert sigmoid(np.array([0, 1])).dtype == np.float64


# ----------------------------------------------------------------------------- binary cross-entropy


def test_bce_with_logits_hand_values():
    loss, dscores = bce_with_logits(np.array([0.0, np.log(3.0), -np.log(3.0)]), np.array([1, 1, 0]))
    assert type(loss) is float
    assert loss == pytest.approx((np.log(2) + 2 * np.log(4 / 3)) / 3, rel=RTOL)
    np.testing.assert_allclose(dscores, np.array([-0.5, -0.25, 0.25]) / 3, rtol=RTOL)


def test_bce_with_logits_matches_the_textbook_formula():
    rng = np.random.default_rng(3)
    s, y = 3 * rng.normal(size=10), rng.integers(0, 2, size=10)
    p = naive_sigmoid(s)
    expected = np.mean(-y * np.log(p) - (1 - y) * np.log(1 - p))
    assert bce_with_logits(s, y)[0] == pytest.approx(expected, rel=1e-12)


def test_bce_with_logits_stable_for_huge_scores():
    with np.errstate(over="raise", invalid="raise", divide="raise"):  # underflow to 0 is fine
        loss, dscores = bce_with_logits(np.array([1000.0, -1000.0, 1000.0, -1000.0]), np.array([1, 0, 0, 1]))
    assert loss == pytest.approx(500.0, rel=RTOL)
    np.testing.assert_allclose(dscores, [0.0, 0.0, 0.25, -0.25], atol=1e-300)


def test_bce_with_logits_numerical_gradient():
    rng = np.random.default_rng(4)
    s, y = rng.normal(size=7), rng.integers(0, 2, size=7)
    _, dscores = bce_with_logits(s, y)
    numeric = numerical_gradient(lambda v: bce_with_logits(v, y)[0], s.copy())
    assert check_gradient(dscores, numeric, name="dscores", tol=1e-8) < 1e-8


# ----------------------------------------------------------------------------- logistic step


def test_logistic_step_hand_values():
    w, b, loss = logistic_step(np.zeros(2), 0.0, np.array([[1.0, 2.0], [-1.0, 0.0]]), np.array([1, 0]), 1.0)
    np.testing.assert_allclose(w, [0.5, 0.5], rtol=RTOL)
    assert b == 0.0 and type(b) is float
    assert loss == pytest.approx(np.log(2), rel=RTOL)


def test_logistic_step_numerical_gradient():
    rng = np.random.default_rng(5)
    X, y = rng.normal(size=(6, 3)), rng.integers(0, 2, size=6)
    w, b = rng.normal(size=3), -0.2
    w_new, b_new, _ = logistic_step(w, b, X, y, 1.0)
    params = np.append(w, b)
    numeric = numerical_gradient(lambda p: logistic_step(p[:3], p[3], X, y, 0.0)[2], params.copy())
    check_gradient(np.append(w - w_new, b - b_new), numeric, name="(dw, db)", tol=1e-8)


def test_logistic_step_lowers_the_loss_and_separates():
    X, y = linearly_separable(60, margin=0.2, rng=7)
    w, b, losses = np.zeros(2), 0.0, []
    for _ in range(200):
        w, b, loss = logistic_step(w, b, X, y, 0.5)
        losses.append(loss)
    assert np.all(np.diff(losses) < 0)
    assert np.mean((X @ w + b > 0) == y) >= 0.98


def test_logistic_step_zero_rate_changes_nothing():
    rng = np.random.default_rng(8)
    X, y, w = rng.normal(size=(4, 2)), np.array([0, 1, 1, 0]), rng.normal(size=2)
    w_new, b_new, _ = logistic_step(w, 0.3, X, y, 0.0)
    np.testing.assert_array_equal(w_new, w)
    assert b_new == 0.3


# ----------------------------------------------------------------------------- against PyTorch


@pytest.mark.parametrize("scale", [1.0, 30.0, 1000.0])
def test_sigmoid_matches_torch(scale):
    torch = pytest.importorskip("torch")
    z = scale * np.random.default_rng(9).normal(size=20)
    np.testing.assert_allclose(sigmoid(z), torch.sigmoid(torch.from_numpy(z)).numpy(), rtol=1e-12, atol=1e-300)


@pytest.mark.parametrize("scale", [1.0, 30.0, 1000.0])
def test_bce_with_logits_matches_torch(scale):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(10)
    s, y = scale * rng.normal(size=12), rng.integers(0, 2, size=12)
    t_s = torch.tensor(s, dtype=torch.float64, requires_grad=True)
    t_loss = torch.nn.functional.binary_cross_entropy_with_logits(t_s, torch.tensor(y, dtype=torch.float64))
    t_loss.backward()
    loss, dscores = bce_with_logits(s, y)
    assert loss == pytest.approx(t_loss.item(), rel=1e-10)
    np.testing.assert_allclose(dscores, t_s.grad.numpy(), rtol=1e-10, atol=1e-300)


def test_logistic_step_matches_torch_autograd():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(11)
    X, y, w, b = rng.normal(size=(9, 4)), rng.integers(0, 2, size=9), rng.normal(size=4), 0.7
    t_w = torch.tensor(w, requires_grad=True)
    t_b = torch.tensor(b, dtype=torch.float64, requires_grad=True)
    t_loss = torch.nn.functional.binary_cross_entropy_with_logits(
        torch.from_numpy(X) @ t_w + t_b, torch.tensor(y, dtype=torch.float64))
    t_loss.backward()
    w_new, b_new, loss = logistic_step(w, b, X, y, 0.1)
    assert loss == pytest.approx(t_loss.item(), rel=1e-12)
    np.testing.assert_allclose(w_new, w - 0.1 * t_w.grad.numpy(), rtol=1e-12)
    assert b_new == pytest.approx(b - 0.1 * t_b.grad.item(), rel=1e-12)


# ----------------------------------------------------------------------------- synthetic data


@pytest.mark.parametrize("make", [linearly_separable, xor, two_moons, circles])
def test_synthetic_shapes_dtypes_labels_and_determinism(make):
    X, y = make(51, rng=3)
    assert X.shape == (51, 2) and X.dtype == np.float64
    assert y.shape == (51,) and y.dtype == np.int64
    np.testing.assert_array_equal(y, np.arange(51) % 2)  # classes alternate
    X2, y2 = make(51, rng=3)
    np.testing.assert_array_equal(X, X2)
    X3, _ = make(51, rng=np.random.default_rng(3))
    np.testing.assert_array_equal(X, X3)
    assert not np.array_equal(X, make(51, rng=4)[0])


@pytest.mark.parametrize("margin,angle,offset",
                         [(0.5, 0.6, (1.0, 0.5)), (0.05, 2.0, (-3.0, 1.0)), (1.0, 0.0, (0, 0))])
def test_linearly_separable_keeps_its_margin(margin, angle, offset):
    X, y = linearly_separable(200, margin=margin, angle=angle, offset=offset, rng=0)
    u = np.array([np.cos(angle), np.sin(angle)])
    distance = (2 * y - 1) * ((X - np.asarray(offset)) @ u)  # signed distance to the line
    assert distance.min() >= margin


def test_xor_labels_follow_the_quadrants():
    X, y = xor(200, noise=0.1, rng=0)
    np.testing.assert_array_equal(y, (X[:, 0] * X[:, 1] < 0).astype(int))


def test_circles_radii():
    X, y = circles(100, noise=0.0, factor=0.3, rng=0)
    np.testing.assert_allclose(np.linalg.norm(X, axis=1), np.where(y == 0, 1.0, 0.3), rtol=1e-12)


# ----------------------------------------------------------------------------- plotting


def test_plot_decision_boundary_draws_regions_line_and_points():
    X, y = linearly_separable(40, rng=0)
    fig, ax = plt.subplots()
    out = plot_decision_boundary(ax, lambda P: (P[:, 0] > 1.0).astype(int), X, y, title="t")
    assert out is ax and ax.get_title() == "t" and ax.get_xlabel() and ax.get_ylabel()
    assert len(ax.collections) >= 3  # filled regions, the 0.5 line, one scatter per class
    assert sorted(h.get_label() for h in ax.get_legend_handles_labels()[0]) == ["class 0", "class 1"]
    plt.close(fig)


def test_plot_decision_boundary_accepts_probabilities_and_constant_predictions():
    X, y = xor(20, rng=0)
    fig, axes = plt.subplots(1, 2)
    plot_decision_boundary(axes[0], lambda P: sigmoid(P[:, 0]), X, y)
    plot_decision_boundary(axes[1], lambda P: np.zeros(len(P)), X, y)  # no 0.5 crossing: no line
    plt.close(fig)


def test_plot_curves_lines_labels_and_explicit_x():
    fig, ax = plt.subplots()
    plot_curves(ax, {"a": [3, 2, 1], "b": (np.array([0.0, 0.5]), [1.0, 2.0])}, "epoch", "loss", "T", logy=True)
    lines = ax.get_lines()
    assert [ln.get_label() for ln in lines] == ["a", "b"]
    np.testing.assert_array_equal(lines[0].get_xdata(), [1, 2, 3])
    np.testing.assert_array_equal(lines[1].get_xdata(), [0.0, 0.5])
    assert (ax.get_xlabel(), ax.get_ylabel(), ax.get_title(), ax.get_yscale()) == ("epoch", "loss", "T", "log")
    assert ax.get_legend() is not None
    plt.close(fig)
