"""utils.optim, 06_optimizers' part: Nesterov momentum, Rprop, RMSprop, Adam and the step, cosine
and cyclical schedules.

Each rule and schedule is checked against values worked out by hand (the working is in the
comments), then against torch.optim and torch.optim.lr_scheduler over many steps on the same
gradients (skipped when torch is not installed).
"""

import zlib

import numpy as np
import pytest

from utils.optim import (adagrad, adam, cosine_annealing, cyclical, exponential_decay, rmsprop, rprop, sgd,
                         sgd_momentum, sgd_nesterov, step_decay)

RULES = [sgd_nesterov, rprop, rmsprop, adam]
TORCH_RTOL = 1e-10  # float64 on both sides: only rounding differs


def _run(update, w, grads, config=None):
    """Apply update once per gradient, passing config back each time; return every iterate."""
    path = []
    for dw in grads:
        w, config = update(w, np.asarray(dw, dtype=float), config)
        path.append(w)
    return np.array(path), config


def _rel(a, b):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return float(np.max(np.abs(a - b)) / max(np.max(np.abs(b)), 1e-300))


# ----------------------------------------------------------------------------- by hand


def test_sgd_nesterov_hand_computed_two_steps():
    # step 1: v = [1, 2]; dw + 0.9 v = [1.9, 3.8]; w = [1, -2] - 0.1 * [1.9, 3.8] = [0.81, -2.38]
    # step 2: v = 0.9 [1, 2] + [-1, 0.5] = [-0.1, 2.3]; dw + 0.9 v = [-1.09, 2.57]; w = [0.919, -2.637]
    path, config = _run(sgd_nesterov, np.array([1.0, -2.0]), [[1.0, 2.0], [-1.0, 0.5]],
                        {"learning_rate": 0.1, "momentum": 0.9})
    np.testing.assert_allclose(path, [[0.81, -2.38], [0.919, -2.637]], rtol=1e-12)
    np.testing.assert_allclose(config["velocity"], [-0.1, 2.3], rtol=1e-12)


def test_sgd_nesterov_without_momentum_is_sgd():
    w, dw = np.array([0.5, -1.5]), np.array([2.0, 1.0])
    np.testing.assert_allclose(sgd_nesterov(w, dw, {"learning_rate": 0.3, "momentum": 0.0})[0],
                               sgd(w, dw, {"learning_rate": 0.3})[0], rtol=1e-15)


def test_rprop_hand_computed_four_steps():
    # lr (initial step) 0.1, eta_plus 1.2, eta_minus 0.5
    # 1: no previous gradient, steps stay 0.1: w = -0.1 sign([1, -1, 1]) = [-0.1, 0.1, -0.1]
    # 2: signs agree, agree, flip -> steps [0.12, 0.12, 0.05]; entry 2 does not move: [-0.22, 0.22, -0.1]
    # 3: entry 2's stored gradient is 0 -> its step stays 0.05; steps [0.144, 0.144, 0.05]: [-0.364, 0.364, -0.15]
    # 4: agree, flip, agree -> steps [0.1728, 0.072, 0.06]; entry 1 does not move: [-0.5368, 0.364, -0.21]
    grads = [[1.0, -1.0, 1.0], [2.0, -3.0, -1.0], [1.0, -1.0, 1.0], [1.0, 1.0, 1.0]]
    path, config = _run(rprop, np.zeros(3), grads, {"learning_rate": 0.1})
    np.testing.assert_allclose(path, [[-0.1, 0.1, -0.1], [-0.22, 0.22, -0.1], [-0.364, 0.364, -0.15],
                                      [-0.5368, 0.364, -0.21]], rtol=1e-12)
    np.testing.assert_allclose(config["step_size"], [0.1728, 0.072, 0.06], rtol=1e-12)
    np.testing.assert_allclose(config["prev_dw"], [1.0, 0.0, 1.0])


def test_rprop_ignores_the_gradients_size_and_respects_the_step_bounds():
    w = np.array([0.0, 0.0])
    a = rprop(w, np.array([1e-9, -1e9]), {"learning_rate": 0.25})[0]
    np.testing.assert_allclose(a, [-0.25, 0.25])
    # growing: 1, 1.2 -> capped at 1.1, then stays; shrinking: 1, 0.5 -> floored at 0.6
    _, config = _run(rprop, w, [[1.0, 1.0], [1.0, -1.0], [1.0, 0.0], [1.0, 1.0]],
                     {"learning_rate": 1.0, "step_min": 0.6, "step_max": 1.1})
    np.testing.assert_allclose(config["step_size"], [1.1, 0.6])


def test_rmsprop_hand_computed_two_steps():
    # decay 0.75, epsilon 0, lr 0.1
    # 1: mean_sq = 0.25 [4, 16] = [1, 4]; step 0.1 [2 / 1, -4 / 2] = [0.2, -0.2]; w = [0.8, 1.2]
    # 2: mean_sq = 0.75 [1, 4] + 0.25 [1, 4] = [1, 4]; step 0.1 [-1 / 1, 2 / 2] = [-0.1, 0.1]; w = [0.9, 1.1]
    path, config = _run(rmsprop, np.array([1.0, 1.0]), [[2.0, -4.0], [-1.0, 2.0]],
                        {"learning_rate": 0.1, "decay_rate": 0.75, "epsilon": 0.0})
    np.testing.assert_allclose(path, [[0.8, 1.2], [0.9, 1.1]], rtol=1e-12)
    np.testing.assert_allclose(config["mean_sq"], [1.0, 4.0], rtol=1e-12)


def test_adam_hand_computed_three_steps():
    # a constant gradient g: m_hat = g and v_hat = g^2 on every step, so each entry moves by lr * sign(g)
    lr, b1, b2 = 0.1, 0.9, 0.999
    g = np.array([3.0, -0.5])
    path, config = _run(adam, np.array([1.0, 1.0]), [g, g, np.zeros(2)],
                        {"learning_rate": lr, "epsilon": 0.0})
    np.testing.assert_allclose(path[:2], [[0.9, 1.1], [0.8, 1.2]], rtol=1e-12)
    # then a zero gradient: m_3 = b1 (1 - b1^2) g, v_3 = b2 (1 - b2^2) g^2, each bias-corrected
    m_hat = b1 * (1 - b1 ** 2) / (1 - b1 ** 3)  # times g
    v_hat = b2 * (1 - b2 ** 2) / (1 - b2 ** 3)  # times g^2
    np.testing.assert_allclose(path[2], path[1] - lr * m_hat / np.sqrt(v_hat) * np.sign(g), rtol=1e-12)
    assert config["t"] == 3


def test_adam_first_step_moves_every_entry_by_the_learning_rate():
    w = np.array([[0.0, 1.0, -2.0]])
    dw = np.array([[1e-3, -50.0, 7.0]])
    step = w - adam(w, dw, {"learning_rate": 0.01})[0]
    np.testing.assert_allclose(step, 0.01 * np.sign(dw), rtol=1e-4)


def test_step_decay_hand_computed():
    np.testing.assert_allclose(step_decay(np.arange(7), 1.0, 3, gamma=0.5), [1, 1, 1, 0.5, 0.5, 0.5, 0.25])
    assert step_decay(25, 0.2, 10) == pytest.approx(0.002)  # two drops of the default gamma 0.1


def test_cosine_annealing_hand_computed():
    c = np.cos(np.pi / 4)  # (1 + c) / 2 = 0.8536, (1 - c) / 2 = 0.1464
    expected = np.array([1.0, (1 + c) / 2, 0.5, (1 - c) / 2, 0.0, 0.0, 0.0])
    np.testing.assert_allclose(cosine_annealing(np.arange(7), 1.0, 4), expected, atol=1e-15)
    np.testing.assert_allclose(cosine_annealing(np.arange(7), 1.0, 4, min_lr=0.2), 0.2 + 0.8 * expected, atol=1e-15)
    restarted = cosine_annealing(np.arange(10), 1.0, 4, restart=True)
    np.testing.assert_allclose(restarted, np.tile(expected[:4], 3)[:10], atol=1e-15)


def test_cyclical_hand_computed():
    # base 0.1, max 1.0, half cycle 2: up 0.1, 0.55, 1.0, down 0.55, 0.1, ...
    np.testing.assert_allclose(cyclical(np.arange(9), 0.1, 1.0, 2), [0.1, 0.55, 1.0, 0.55, 0.1, 0.55, 1.0, 0.55, 0.1])
    # triangular2: the second cycle peaks halfway, at 0.55, the third at 0.325
    np.testing.assert_allclose(cyclical(np.arange(13), 0.1, 1.0, 2, mode="triangular2"),
                               [0.1, 0.55, 1.0, 0.55, 0.1, 0.325, 0.55, 0.325, 0.1, 0.2125, 0.325, 0.2125, 0.1])
    with pytest.raises(ValueError, match="mode"):
        cyclical(0, 0.1, 1.0, 2, mode="exp_range")


# ----------------------------------------------------------------------------- the shared contract


@pytest.mark.parametrize("update", RULES, ids=lambda f: f.__name__)
def test_rule_keeps_w_shape_and_dtype_and_leaves_w_alone(update):
    rng = np.random.default_rng(0)
    for dtype in (np.float64, np.float32):
        w = rng.normal(size=(3, 4)).astype(dtype)
        before = w.copy()
        config = None
        for _ in range(3):
            dw = rng.normal(size=w.shape).astype(dtype)
            next_w, config = update(w, dw, config)
            assert next_w.shape == w.shape and next_w.dtype == dtype
            assert next_w is not w
        np.testing.assert_array_equal(w, before)
        for key, value in config.items():
            if isinstance(value, np.ndarray):
                assert value.shape == w.shape and value.dtype == dtype, key


@pytest.mark.parametrize("update, defaults", [
    (sgd_nesterov, {"learning_rate": 1e-2, "momentum": 0.9}),
    (rprop, {"learning_rate": 1e-2, "eta_plus": 1.2, "eta_minus": 0.5, "step_min": 1e-6, "step_max": 50.0}),
    (rmsprop, {"learning_rate": 1e-2, "decay_rate": 0.99, "epsilon": 1e-8}),
    (adam, {"learning_rate": 1e-3, "beta1": 0.9, "beta2": 0.999, "epsilon": 1e-8}),
], ids=lambda v: getattr(v, "__name__", ""))
def test_rule_fills_in_documented_defaults(update, defaults):
    w, dw = np.array([1.0, -1.0]), np.array([0.3, 0.2])
    _, config = update(w, dw, None)
    for key, value in defaults.items():
        assert config[key] == value, key
    # a config holding only some hyperparameters keeps them and gets the others
    _, partial = update(w, dw, {"learning_rate": 0.5})
    assert partial["learning_rate"] == 0.5


@pytest.mark.parametrize("update", RULES, ids=lambda f: f.__name__)
def test_rule_zero_gradient_from_rest_does_not_move(update):
    w = np.array([0.5, -2.0, 3.0])
    next_w, _ = update(w, np.zeros(3), None)
    np.testing.assert_array_equal(next_w, w)


@pytest.mark.parametrize("schedule, args", [
    (step_decay, (0.1, 4)), (cosine_annealing, (0.1, 6)), (cyclical, (0.01, 0.1, 3)),
], ids=lambda v: getattr(v, "__name__", ""))
def test_schedule_accepts_ints_and_arrays_of_any_shape(schedule, args):
    its = np.arange(12).reshape(3, 4)
    grid = schedule(its, *args)
    assert np.shape(grid) == (3, 4)
    for i in range(12):
        one = schedule(i, *args)
        assert np.ndim(one) == 0 and float(one) == pytest.approx(float(grid.flat[i]), rel=1e-14)


# ----------------------------------------------------------------------------- against torch


def _torch_run(make_optimizer, w0, grads):
    torch = pytest.importorskip("torch")
    p = torch.nn.Parameter(torch.tensor(w0, dtype=torch.float64))
    opt = make_optimizer([p])
    path = []
    for g in grads:
        opt.zero_grad()
        p.grad = torch.tensor(np.asarray(g), dtype=torch.float64)
        opt.step()
        path.append(p.detach().numpy().copy())
    return np.array(path)


def _noisy_gradients(steps, shape, rng):
    """Gradients with a drift, so that signs sometimes persist and sometimes flip, and some exact zeros."""
    grads = rng.normal(size=(steps, *shape)) + 0.5 * np.sin(np.arange(steps) / 3.0)[:, None, None]
    grads[rng.random(grads.shape) < 0.05] = 0.0
    return grads


TORCH_CASES = [
    ("sgd_momentum", sgd_momentum, {"learning_rate": 0.05, "momentum": 0.9},
     lambda t, ps: t.optim.SGD(ps, lr=0.05, momentum=0.9)),
    ("sgd_nesterov", sgd_nesterov, {"learning_rate": 0.05, "momentum": 0.9},
     lambda t, ps: t.optim.SGD(ps, lr=0.05, momentum=0.9, nesterov=True)),
    ("sgd_nesterov defaults", sgd_nesterov, None,
     lambda t, ps: t.optim.SGD(ps, lr=1e-2, momentum=0.9, nesterov=True)),
    ("rprop", rprop, {"learning_rate": 0.02, "eta_plus": 1.3, "eta_minus": 0.4, "step_min": 1e-4, "step_max": 0.2},
     lambda t, ps: t.optim.Rprop(ps, lr=0.02, etas=(0.4, 1.3), step_sizes=(1e-4, 0.2))),
    ("rprop defaults", rprop, None, lambda t, ps: t.optim.Rprop(ps)),
    ("rmsprop", rmsprop, {"learning_rate": 3e-3, "decay_rate": 0.9, "epsilon": 1e-6},
     lambda t, ps: t.optim.RMSprop(ps, lr=3e-3, alpha=0.9, eps=1e-6)),
    ("rmsprop defaults", rmsprop, None, lambda t, ps: t.optim.RMSprop(ps)),
    ("adam", adam, {"learning_rate": 0.02, "beta1": 0.8, "beta2": 0.99, "epsilon": 1e-6},
     lambda t, ps: t.optim.Adam(ps, lr=0.02, betas=(0.8, 0.99), eps=1e-6)),
    ("adam defaults", adam, None, lambda t, ps: t.optim.Adam(ps)),
    ("adagrad", adagrad, {"learning_rate": 0.1, "epsilon": 1e-10},
     lambda t, ps: t.optim.Adagrad(ps, lr=0.1, eps=1e-10)),
]


@pytest.mark.parametrize("name, update, config, make", TORCH_CASES, ids=[c[0] for c in TORCH_CASES])
def test_rule_matches_torch_on_the_same_gradients(name, update, config, make):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(zlib.crc32(name.encode()))  # a stable seed per case
    w0 = rng.normal(size=(3, 5))
    grads = _noisy_gradients(60, w0.shape, rng)
    ours, _ = _run(update, w0, grads, None if config is None else dict(config))
    theirs = _torch_run(lambda ps: make(torch, ps), w0, grads)
    assert _rel(ours - w0, theirs - w0) < TORCH_RTOL, f"{name}: moved differently from torch.optim"


def _rosenbrock_grad(w):
    x, y = w
    return np.array([-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)])


ROSENBROCK_CASES = [
    ("sgd_momentum", sgd_momentum, {"learning_rate": 2e-4}, lambda t, ps: t.optim.SGD(ps, lr=2e-4, momentum=0.9)),
    ("sgd_nesterov", sgd_nesterov, {"learning_rate": 2e-4},
     lambda t, ps: t.optim.SGD(ps, lr=2e-4, momentum=0.9, nesterov=True)),
    ("rprop", rprop, {}, lambda t, ps: t.optim.Rprop(ps)),
    ("rmsprop", rmsprop, {}, lambda t, ps: t.optim.RMSprop(ps)),
    ("adam", adam, {"learning_rate": 0.05}, lambda t, ps: t.optim.Adam(ps, lr=0.05)),
]


@pytest.mark.parametrize("name, update, config, make", ROSENBROCK_CASES, ids=[c[0] for c in ROSENBROCK_CASES])
def test_rule_follows_torchs_path_on_rosenbrock(name, update, config, make):
    """Closed loop: each step's gradient is taken where that optimiser now stands, so any
    difference would compound; after 200 steps the two paths still agree."""
    torch = pytest.importorskip("torch")
    w, cfg = np.array([-1.2, 1.0]), dict(config)
    p = torch.nn.Parameter(torch.tensor(w))
    opt = make(torch, [p])
    for _ in range(200):
        w, cfg = update(w, _rosenbrock_grad(w), cfg)
        opt.zero_grad()
        p.grad = torch.tensor(_rosenbrock_grad(p.detach().numpy()))
        opt.step()
    assert np.all(np.isfinite(w)) and np.linalg.norm(w - [-1.2, 1.0]) > 0.1, f"{name} did not move sensibly: {w}"
    assert _rel(w, p.detach().numpy()) < 1e-8, f"{name}: {w} vs torch {p.detach().numpy()}"


def _torch_rates(make_scheduler, base_lr, steps):
    torch = pytest.importorskip("torch")
    p = torch.nn.Parameter(torch.zeros(1))
    opt = torch.optim.SGD([p], lr=base_lr)
    sched = make_scheduler(torch.optim.lr_scheduler, opt)
    rates = []
    for _ in range(steps):
        rates.append(opt.param_groups[0]["lr"])
        opt.step()
        sched.step()
    return np.array(rates)


SCHEDULE_CASES = [
    ("step_decay", lambda it: step_decay(it, 0.1, 4, gamma=0.3),
     lambda s, o: s.StepLR(o, step_size=4, gamma=0.3), 0.1, 30),
    ("exponential_decay", lambda it: exponential_decay(it, 0.1, 0.9),
     lambda s, o: s.ExponentialLR(o, gamma=0.9), 0.1, 30),
    ("cosine_annealing", lambda it: cosine_annealing(it, 0.1, 25, min_lr=1e-3),
     lambda s, o: s.CosineAnnealingLR(o, T_max=25, eta_min=1e-3), 0.1, 26),
    ("cosine_annealing restart", lambda it: cosine_annealing(it, 0.1, 7, min_lr=1e-3, restart=True),
     lambda s, o: s.CosineAnnealingWarmRestarts(o, T_0=7, T_mult=1, eta_min=1e-3), 0.1, 40),
    ("cyclical", lambda it: cyclical(it, 1e-3, 0.1, 5),
     lambda s, o: s.CyclicLR(o, base_lr=1e-3, max_lr=0.1, step_size_up=5, cycle_momentum=False), 1e-3, 47),
    ("cyclical triangular2", lambda it: cyclical(it, 1e-3, 0.1, 5, mode="triangular2"),
     lambda s, o: s.CyclicLR(o, base_lr=1e-3, max_lr=0.1, step_size_up=5, mode="triangular2",
                             cycle_momentum=False), 1e-3, 47),
]


@pytest.mark.parametrize("name, ours, make, base_lr, steps", SCHEDULE_CASES, ids=[c[0] for c in SCHEDULE_CASES])
def test_schedule_matches_torch_lr_scheduler(name, ours, make, base_lr, steps):
    pytest.importorskip("torch")
    theirs = _torch_rates(make, base_lr, steps)
    np.testing.assert_allclose(ours(np.arange(steps)), theirs, rtol=1e-9, err_msg=name)


# ----------------------------------------------------------------------------- with utils.train


def test_train_applies_a_schedule_before_every_update():
    """utils.train(schedule_per="update") hands the schedule the update number, counted over the run."""
    from utils.train import train

    class Quadratic:  # loss 0.5 ||w||^2 whatever the batch: each update is w -= lr * w
        def __init__(self):
            self.params = {"w": np.array([1.0])}

        def loss(self, X, y=None):
            if y is None:
                return np.zeros((len(X), 1))  # scores, for the accuracy train reports
            return 0.5 * float(self.params["w"] @ self.params["w"]), {"w": self.params["w"].copy()}

    seen = []

    def schedule(it):
        seen.append(it)
        return 0.1 * (it + 1)

    model = Quadratic()
    X, y = np.zeros((10, 1)), np.zeros(10, dtype=int)
    hist = train(model, X, y, sgd, {}, epochs=2, batch_size=4, lr_schedule=schedule, progress=False,
                 schedule_per="update")
    assert seen == list(range(6))  # 3 batches per epoch, 2 epochs
    assert hist["lr"] == pytest.approx([0.3, 0.6])  # the rate of each epoch's last update
    expected = np.prod([1 - 0.1 * (i + 1) for i in range(6)])
    assert model.params["w"][0] == pytest.approx(expected)
    with pytest.raises(ValueError, match="schedule_per"):
        train(model, X, y, sgd, {}, epochs=1, lr_schedule=schedule, progress=False, schedule_per="batch")
