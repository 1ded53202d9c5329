"""utils.linear and utils.optim (03_logistic's part): hand-computed values, numerical gradients,
errors on bad input, and PyTorch's loss and optimisers when torch is installed."""

import numpy as np
import pytest

from utils import linear, optim
from utils.gradcheck import check_gradient, numerical_gradient


@pytest.fixture
def rng():
    return np.random.default_rng(0)


def _problem(rng, n=5, d=4, k=3):
    return rng.normal(size=(n, d)), rng.integers(0, k, size=n), rng.normal(size=(d, k)), rng.normal(size=k)


# ----------------------------------------------------------------------------- utils.linear


def test_logistic_forward_hand_computed():
    X = np.array([[1.0, 2.0], [0.0, -1.0]])
    W = np.array([[1.0, 0.0, -1.0], [0.5, 2.0, 0.0]])
    b = np.array([0.1, 0.2, 0.3])
    # row 0: [1 + 1, 0 + 4, -1 + 0] + b; row 1: [-0.5, -2, 0] + b
    assert np.allclose(linear.logistic_forward(X, W, b), [[2.1, 4.2, -0.7], [-0.4, -1.8, 0.3]])


def test_logistic_forward_computes_in_float64(rng):
    X, _, W, b = _problem(rng)
    scores = linear.logistic_forward(X.astype(np.float32), W.astype(np.float32), b.astype(np.float32))
    assert scores.dtype == np.float64 and scores.shape == (5, 3)
    assert np.allclose(scores, X @ W + b, rtol=1e-5)


@pytest.mark.parametrize("X_shape, W_shape, b_shape, match", [
    ((4,), (4, 3), (3,), r"X should have shape \(N, D\)"),
    ((2, 4), (3, 3), (3,), "W should have shape"),
    ((2, 4), (4,), (3,), "W should have shape"),
    ((2, 4), (4, 3), (2, 3), r"b should have shape \(K,\) = \(3,\)"),
    ((3, 4), (4, 3), (1, 3), "b should have shape"),
])
def test_logistic_forward_rejects_shapes_that_do_not_fit(X_shape, W_shape, b_shape, match):
    with pytest.raises(ValueError, match=match):
        linear.logistic_forward(np.zeros(X_shape), np.zeros(W_shape), np.zeros(b_shape))


def test_logistic_loss_hand_computed():
    X = np.array([[1.0, 2.0, 0.0], [3.0, 4.0, 1.0]])
    W, b = np.zeros((3, 3)), np.array([np.log(3.0), 0.0, 0.0])  # every row scores [log 3, 0, 0]
    loss, _, _ = linear.logistic_loss(X, np.array([0, 1]), W, b)
    # softmax = [3/5, 1/5, 1/5]: losses -log(3/5) and -log(1/5)
    assert isinstance(loss, float)
    assert loss == pytest.approx((np.log(5 / 3) + np.log(5)) / 2, rel=1e-12)


def test_logistic_loss_is_log_k_at_zero_parameters(rng):
    X, y, _, _ = _problem(rng, n=7, d=3, k=4)
    loss, _, _ = linear.logistic_loss(X, y, np.zeros((3, 4)), np.zeros(4))
    assert loss == pytest.approx(np.log(4), rel=1e-12)


def test_logistic_loss_gradients_hand_computed():
    X = np.array([[1.0, 2.0, 0.0], [3.0, 4.0, 1.0], [0.0, 0.0, 2.0]])
    y = np.array([0, 0, 1])
    # all scores 0, softmax [1/2, 1/2]; dscores rows [-1/2, 1/2] / 3 (label 0) and [1/2, -1/2] / 3
    _, dW, db = linear.logistic_loss(X, y, np.zeros((3, 2)), np.zeros(2))
    assert np.allclose(dW, [[-2 / 3, 2 / 3], [-1.0, 1.0], [1 / 6, -1 / 6]])
    assert np.allclose(db, [-1 / 6, 1 / 6])


@pytest.mark.parametrize("n, d, k", [(5, 4, 3), (1, 3, 4), (6, 1, 2), (3, 5, 5)])
def test_logistic_loss_matches_numerical_gradient(rng, n, d, k):
    X, y, W, b = _problem(rng, n, d, k)
    _, dW, db = linear.logistic_loss(X, y, W, b)
    assert dW.shape == (d, k) and db.shape == (k,)
    check_gradient(dW, numerical_gradient(lambda w: linear.logistic_loss(X, y, w, b)[0], W.copy()), "dW", tol=1e-7)
    check_gradient(db, numerical_gradient(lambda v: linear.logistic_loss(X, y, W, v)[0], b.copy()), "db", tol=1e-7)


def test_logistic_loss_stays_finite_for_huge_scores():
    X = np.array([[1000.0], [1000.0]])  # scores [1000, -1000] for both rows
    loss, dW, db = linear.logistic_loss(X, np.array([0, 1]), np.array([[1.0, -1.0]]), np.zeros(2))
    assert loss == pytest.approx(1000.0, rel=1e-12)  # losses 0 and 2000
    assert np.all(np.isfinite(dW)) and np.all(np.isfinite(db))
    assert np.allclose(db, [0.5, -0.5])  # (softmax - onehot) / 2 summed: [0, 0] + [1, -1] over 2


@pytest.mark.parametrize("y, match", [
    (np.array([0, -1, 2]), r"labels should lie in 0..2"),
    (np.array([0, 3, 2]), r"labels should lie in 0..2"),
    (np.array([0.0, 1.0, 2.0]), "integer labels"),
    (np.array([[0], [1], [2]]), r"y should have shape \(N,\) = \(3,\)"),
    (np.array([0, 1]), r"y should have shape"),
])
def test_logistic_loss_rejects_bad_labels(rng, y, match):
    X, _, W, b = _problem(rng, n=3, d=2, k=3)
    with pytest.raises(ValueError, match=match):
        linear.logistic_loss(X, y, W, b)


def test_gd_step_steps_against_the_gradient_and_leaves_inputs_alone(rng):
    X, y, W, b = _problem(rng)
    W0, b0 = W.copy(), b.copy()
    loss, dW, db = linear.logistic_loss(X, y, W, b)
    next_W, next_b, step_loss = linear.gd_step(X, y, W, b, 0.3)
    assert step_loss == loss  # the loss before the step
    assert np.allclose(next_W, W0 - 0.3 * dW) and np.allclose(next_b, b0 - 0.3 * db)
    assert np.array_equal(W, W0) and np.array_equal(b, b0)


def test_gd_step_lowers_the_loss(rng):
    X, y, W, b = _problem(rng, n=20, d=4, k=3)
    losses = []
    for _ in range(30):
        W, b, loss = linear.gd_step(X, y, W, b, 0.1)
        losses.append(loss)
    assert np.all(np.diff(losses) < 0), losses


def test_logistic_classifier_params_and_loss(rng):
    model = linear.LogisticClassifier(4, 3, weight_scale=1e-2, rng=0)
    assert set(model.params) == {"W", "b"}
    assert model.params["W"].shape == (4, 3) and np.array_equal(model.params["b"], np.zeros(3))
    assert 0 < np.std(model.params["W"]) < 0.05
    X, y, _, _ = _problem(rng, n=6, d=4, k=3)
    scores = model.loss(X)
    assert np.allclose(scores, X @ model.params["W"])
    loss, grads = model.loss(X, y)
    ref_loss, dW, db = linear.logistic_loss(X, y, model.params["W"], model.params["b"])
    assert loss == ref_loss and set(grads) == set(model.params)
    assert np.array_equal(grads["W"], dW) and np.array_equal(grads["b"], db)
    assert abs(loss - np.log(3)) < 0.1  # small weights: nearly uniform predictions


def test_logistic_classifier_same_seed_same_weights():
    a, b = linear.LogisticClassifier(5, 2, rng=7), linear.LogisticClassifier(5, 2, rng=7)
    c = linear.LogisticClassifier(5, 2, rng=8)
    assert np.array_equal(a.params["W"], b.params["W"])
    assert not np.array_equal(a.params["W"], c.params["W"])


def test_logistic_loss_matches_torch_cross_entropy(rng):
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    X, y, W, b = _problem(rng, n=8, d=5, k=4)
    loss, dW, db = linear.logistic_loss(X, y, W, b)
    tW, tb = torch.tensor(W, requires_grad=True), torch.tensor(b, requires_grad=True)
    t_loss = F.cross_entropy(torch.tensor(X) @ tW + tb, torch.tensor(y))
    t_loss.backward()
    assert loss == pytest.approx(t_loss.item(), rel=1e-12)
    assert np.allclose(dW, tW.grad.numpy(), rtol=1e-10, atol=1e-14)
    assert np.allclose(db, tb.grad.numpy(), rtol=1e-10, atol=1e-14)


# ----------------------------------------------------------------------------- utils.optim: update rules


def test_sgd_hand_computed_and_defaults():
    w, dw = np.array([1.0, 2.0]), np.array([0.5, -1.0])
    next_w, config = optim.sgd(w, dw, {"learning_rate": 0.1})
    assert np.allclose(next_w, [0.95, 2.1]) and config == {"learning_rate": 0.1}
    next_w, config = optim.sgd(w, dw)
    assert np.allclose(next_w, [0.995, 2.01]) and config == {"learning_rate": 1e-2}
    assert np.array_equal(w, [1.0, 2.0])  # not modified


def test_sgd_momentum_two_steps_hand_computed():
    config = {"learning_rate": 0.1, "momentum": 0.9}
    w1, config = optim.sgd_momentum(np.array([1.0, 2.0]), np.array([1.0, -1.0]), config)
    assert np.allclose(config["velocity"], [1.0, -1.0]) and np.allclose(w1, [0.9, 2.1])
    w2, config = optim.sgd_momentum(w1, np.array([1.0, 1.0]), config)
    # v = 0.9 * [1, -1] + [1, 1] = [1.9, 0.1]; w = [0.9, 2.1] - 0.1 * v
    assert np.allclose(config["velocity"], [1.9, 0.1]) and np.allclose(w2, [0.71, 2.09])


def test_sgd_momentum_defaults_and_momentum_zero_is_sgd(rng):
    w, dw = rng.normal(size=(3, 2)), rng.normal(size=(3, 2))
    _, config = optim.sgd_momentum(w, dw)
    assert config["learning_rate"] == 1e-2 and config["momentum"] == 0.9
    w_m, w_s, c_m, c_s = w, w, {"learning_rate": 0.1, "momentum": 0.0}, {"learning_rate": 0.1}
    for g in (dw, -2 * dw, 0.5 * dw):
        w_m, c_m = optim.sgd_momentum(w_m, g, c_m)
        w_s, c_s = optim.sgd(w_s, g, c_s)
    assert np.allclose(w_m, w_s)


def test_adagrad_two_steps_hand_computed():
    config = {"learning_rate": 0.1}
    w1, config = optim.adagrad(np.array([1.0, 1.0, 1.0]), np.array([3.0, -0.5, 0.0]), config)
    # sum_sq = [9, 0.25, 0]: the first step moves each entry by the learning rate (0 stays 0)
    assert np.allclose(config["sum_sq"], [9.0, 0.25, 0.0]) and np.allclose(w1, [0.9, 1.1, 1.0])
    assert config["epsilon"] == 1e-8
    w2, config = optim.adagrad(w1, np.array([4.0, 0.5, 0.0]), config)
    # sum_sq = [25, 0.5, 0]; steps 0.1 * [4 / 5, 0.5 / sqrt(0.5), 0]
    assert np.allclose(config["sum_sq"], [25.0, 0.5, 0.0])
    assert np.allclose(w2, [0.82, 1.1 - 0.1 * np.sqrt(0.5), 1.0])


def test_adagrad_epsilon_is_added_after_the_square_root():
    w, _ = optim.adagrad(np.array([1.0]), np.array([1e-6]), {"learning_rate": 0.1, "epsilon": 1e-4})
    assert w[0] == pytest.approx(1 - 0.1 * 1e-6 / (1e-6 + 1e-4), abs=1e-12)


@pytest.mark.parametrize("rule, state", [(optim.sgd_momentum, "velocity"), (optim.adagrad, "sum_sq")])
def test_update_rules_keep_float32(rule, state):
    w, dw = np.ones((2, 3), dtype=np.float32), np.full((2, 3), 0.5, dtype=np.float32)
    next_w, config = rule(w, dw, None)
    next_w, config = rule(next_w, dw, config)
    assert next_w.dtype == np.float32 and config[state].dtype == np.float32


@pytest.mark.parametrize("rule", [optim.sgd, optim.sgd_momentum, optim.adagrad])
def test_update_rules_leave_w_and_dw_alone(rng, rule):
    w, dw = rng.normal(size=(3, 4)), rng.normal(size=(3, 4))
    w0, dw0 = w.copy(), dw.copy()
    config = {"learning_rate": 0.1}
    for _ in range(2):
        _, config = rule(w, dw, config)
    assert np.array_equal(w, w0) and np.array_equal(dw, dw0)


def test_separate_configs_keep_separate_state(rng):
    a, b = rng.normal(size=3), rng.normal(size=2)
    ca, cb = {"learning_rate": 0.1}, {"learning_rate": 0.1}
    _, ca = optim.adagrad(a, np.ones(3), ca)
    _, cb = optim.adagrad(b, 2 * np.ones(2), cb)
    assert np.allclose(ca["sum_sq"], 1.0) and np.allclose(cb["sum_sq"], 4.0)


def _torch_trajectory(torch, make_optimiser, w0, grads):
    """Run a torch optimiser on a parameter starting at w0, feeding it the given gradients."""
    p = torch.nn.Parameter(torch.tensor(w0))
    opt = make_optimiser([p])
    out = []
    for g in grads:
        opt.zero_grad()
        p.grad = torch.tensor(g)
        opt.step()
        out.append(p.detach().numpy().copy())
    return out


def _our_trajectory(rule, w0, grads, config):
    w, out = w0, []
    for g in grads:
        w, config = rule(w, g, config)
        out.append(w)
    return out


@pytest.mark.parametrize("momentum", [0.0, 0.5, 0.9])
def test_sgd_and_momentum_match_torch(rng, momentum):
    torch = pytest.importorskip("torch")
    w0, grads = rng.normal(size=(4, 3)), [rng.normal(size=(4, 3)) for _ in range(6)]
    theirs = _torch_trajectory(torch, lambda ps: torch.optim.SGD(ps, lr=0.05, momentum=momentum), w0, grads)
    if momentum == 0.0:
        ours = _our_trajectory(optim.sgd, w0, grads, {"learning_rate": 0.05})
    else:
        ours = _our_trajectory(optim.sgd_momentum, w0, grads, {"learning_rate": 0.05, "momentum": momentum})
    for step, (a, b) in enumerate(zip(ours, theirs)):
        assert np.allclose(a, b, rtol=1e-12, atol=1e-14), f"step {step + 1}"


def test_adagrad_matches_torch(rng):
    torch = pytest.importorskip("torch")
    w0 = rng.normal(size=(3, 5))
    grads = [rng.normal(size=(3, 5)) * s for s in (1.0, 3.0, 0.1, 1.0, 2.0)]
    grads[0][1, 2] = 0.0  # an entry whose first gradient is 0: epsilon keeps it finite in both
    # torch: state_sum += g^2; p -= lr * g / (sqrt(state_sum) + eps), the same form as ours when
    # the accumulator starts at 0 and the learning rate does not decay
    theirs = _torch_trajectory(torch, lambda ps: torch.optim.Adagrad(
        ps, lr=0.1, eps=1e-8, initial_accumulator_value=0.0, lr_decay=0.0), w0, grads)
    ours = _our_trajectory(optim.adagrad, w0, grads, {"learning_rate": 0.1, "epsilon": 1e-8})
    for step, (a, b) in enumerate(zip(ours, theirs)):
        assert np.allclose(a, b, rtol=1e-12, atol=1e-14), f"step {step + 1}"


# ----------------------------------------------------------------------------- schedules


def test_exponential_decay_drops_once_per_epoch():
    rates = [optim.exponential_decay(t, 0.1, 0.5, iterations_per_epoch=3) for t in range(8)]
    assert np.allclose(rates, [0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.025, 0.025])


def test_exponential_decay_arrays_and_default():
    t = np.arange(8).reshape(2, 4)
    rates = optim.exponential_decay(t, 0.1, 0.5, 3)
    assert rates.shape == (2, 4) and np.allclose(rates, 0.1 * 0.5 ** (t // 3))
    assert optim.exponential_decay(4, 0.3, 0.9) == pytest.approx(0.3 * 0.9 ** 4)  # one step per epoch
    assert optim.exponential_decay(100_000, 0.1, 0.99, 300) == pytest.approx(0.1 * 0.99 ** 333)


# ----------------------------------------------------------------------------- mini-batches


def test_minibatches_sizes_cover_and_keep_pairs():
    X = np.arange(20.0).reshape(10, 2)  # row i is [2i, 2i + 1]
    y = np.arange(10)
    batches = optim.minibatches(X, y, 4, rng=0)
    assert [len(yb) for _, yb in batches] == [4, 4, 2]
    X_all = np.concatenate([Xb for Xb, _ in batches])
    y_all = np.concatenate([yb for _, yb in batches])
    assert sorted(y_all) == list(range(10))
    assert np.array_equal(X_all[:, 0], 2 * y_all)
    assert not np.array_equal(y_all, np.arange(10))  # shuffled


def test_minibatches_follow_the_rng():
    X, y = np.zeros((12, 1)), np.arange(12)
    order = lambda batches: np.concatenate([yb for _, yb in batches])  # noqa: E731
    assert np.array_equal(order(optim.minibatches(X, y, 5, rng=3)), order(optim.minibatches(X, y, 5, rng=3)))
    assert np.array_equal(order(optim.minibatches(X, y, 5, rng=3)), np.random.default_rng(3).permutation(12))
    gen = np.random.default_rng(3)
    first, second = order(optim.minibatches(X, y, 5, gen)), order(optim.minibatches(X, y, 5, gen))
    assert not np.array_equal(first, second)  # one Generator: a new order every epoch


def test_minibatches_keep_dtype_and_trailing_axes():
    X, y = np.ones((5, 2, 3), dtype=np.float32), np.arange(5)
    batches = optim.minibatches(X, y, 2, rng=0)
    assert [Xb.shape for Xb, _ in batches] == [(2, 2, 3), (2, 2, 3), (1, 2, 3)]
    assert all(Xb.dtype == np.float32 for Xb, _ in batches)


def test_minibatches_batch_larger_than_n():
    batches = optim.minibatches(np.zeros((3, 2)), np.arange(3), 10, rng=0)
    assert len(batches) == 1 and len(batches[0][1]) == 3


def test_minibatches_reject_bad_input():
    with pytest.raises(ValueError, match="X has 4 samples but y has 3 labels"):
        optim.minibatches(np.zeros((4, 2)), np.arange(3), 2)
    with pytest.raises(ValueError, match="batch_size must be at least 1, got 0"):
        optim.minibatches(np.zeros((4, 2)), np.arange(4), 0)
