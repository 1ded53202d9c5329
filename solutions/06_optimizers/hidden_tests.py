"""Hidden tests for 06_optimizers: inputs the grader makes, judged against the reference solution.

Each entry of TESTS matches a visible test cell of the notebook (same grade_id). The judge calls
the student's functions and the reference on the same inputs and compares outputs; feedback shows
a case's label and hint, never its inputs. See autograder/spec.py.

Update rules are judged over several steps in a row: call k hands the student's own next_w and
config from call k - 1 back to the function (``Out``), as a training loop does, so state that is
lost, mis-stored or mis-counted shows up at the step where it matters. Each step's *move*
(next_w minus the previous w) is compared with the reference's, relative to the size of that
move: a small error in a step of 1e-3 is not hidden by weights of size 1. One case per rule checks
that w is not modified in place: it takes a step, takes another from the result, then reads the
first result again through a step with learning rate 0 and a zero gradient, which returns w
unchanged.

Each graded function is called by its own test only, so a mistake costs exactly that test.
"""

import numpy as np

from autograder.spec import Out, call, case, compare_outputs

TAUGHT = {name: f"utils.optim.{name}" for name in
          ("sgd_nesterov", "rprop", "rmsprop", "adam", "step_decay", "cosine_annealing", "cyclical")}

F32_RTOL = 2e-5  # next_w itself, in float32
F32_MOVE_RTOL = 2e-3  # a move of about 1e-2 read off float32 weights of about 1


# ----------------------------------------------------------------------------- update rules


def _moves(function, w0, rtol, move_rtol):
    """Compare next_w of every call, then each call's move from the w it was given."""

    def compare(student, reference, c):
        prev_s, prev_r = np.asarray(w0, dtype=np.float64), np.asarray(w0, dtype=np.float64)
        for k, (s, r) in enumerate(zip(student, reference), start=1):
            where = f"next_w after step {k}"
            if not isinstance(s, np.ndarray) or s.shape != r.shape:
                return compare_outputs(s, r, rtol, where)
            if r.dtype != np.float64 and s.dtype != r.dtype:
                return f"{where} has dtype {s.dtype}, expected {r.dtype} (keep w's dtype: create state with np.zeros_like(w))"
            move_s, move_r = s.astype(np.float64) - prev_s, r.astype(np.float64) - prev_r
            message = compare_outputs(move_s, move_r, move_rtol, f"the move of step {k} (next_w - w)")
            if message:
                return message
            prev_s, prev_r = s.astype(np.float64), r.astype(np.float64)
        return None

    return compare


def _chain(function, label, w0, grads, config, hint, rtol=1e-6, move_rtol=1e-6, pass_config=True):
    """Steps from w0 with each gradient in turn, feeding back next_w and config."""
    first = call(function, w0, grads[0], config, send=0) if pass_config else call(function, w0, grads[0], send=0)
    calls = [first]
    for k, g in enumerate(grads[1:], start=1):
        calls.append(call(function, Out(k - 1, 0), g, Out(k - 1, 1), send=0))
    return case(label, *calls, hint=hint, rtol=rtol, compare=_moves(function, w0, rtol, move_rtol))


def _in_place(function, w0, g1, g2, config, still):
    """Step 1 from w0, step 2 from step 1's result, then read step 1's result again."""
    return case("w is not modified in place: next_w of step 1 is still intact after step 2",
                call(function, w0, g1, config, send=0),
                call(function, Out(0, 0), g2, Out(0, 1), send=False),
                call(function, Out(0, 0), np.zeros_like(w0), still, send=0),
                hint="compute a new array, next_w = w - ...; `w -= ...` changes the caller's array "
                     "(here the result of your previous step)")


def _grads(rng, steps, shape, scale=1.0, dtype=np.float64):
    return [(scale * rng.normal(size=shape)).astype(dtype) for _ in range(steps)]


def _float32_case(function, rng, config, hint):
    w0 = rng.normal(size=(3, 4)).astype(np.float32)
    grads = _grads(rng, 3, (3, 4), dtype=np.float32)
    return _chain(function, "float32 w and gradients, 3 steps: next_w stays float32", w0, grads, config, hint,
                  rtol=F32_RTOL, move_rtol=F32_MOVE_RTOL)


NESTEROV_HINT = ("v = momentum * v + dw, then next_w = w - learning_rate * (dw + momentum * v) with the updated v; "
                 "keep v in config['velocity'] between steps")


def sgd_nesterov(rng):
    h = NESTEROV_HINT
    return [
        _chain("sgd_nesterov", "five steps on a (4, 3) parameter, learning rate 0.05, momentum 0.9",
               rng.normal(size=(4, 3)), _grads(rng, 5, (4, 3)), {"learning_rate": 0.05, "momentum": 0.9}, h),
        _chain("sgd_nesterov", "four steps with momentum 0.5 and learning rate 0.2", rng.normal(size=7),
               _grads(rng, 4, (7,)), {"learning_rate": 0.2, "momentum": 0.5}, h),
        _chain("sgd_nesterov", "the defaults (no config), three steps", rng.normal(size=(2, 5)),
               _grads(rng, 3, (2, 5)), None, "defaults: learning_rate 1e-2, momentum 0.9; " + h, pass_config=False),
        _chain("sgd_nesterov", "an empty config dict, three steps", rng.normal(size=4), _grads(rng, 3, (4,)), {},
               "fill in missing hyperparameters with config.setdefault(...)"),
        _chain("sgd_nesterov", "a config with only the learning rate", rng.normal(size=(3, 2)),
               _grads(rng, 3, (3, 2)), {"learning_rate": 0.3}, "momentum defaults to 0.9; " + h),
        _chain("sgd_nesterov", "a 3-D parameter (2, 3, 4), three steps", rng.normal(size=(2, 3, 4)),
               _grads(rng, 3, (2, 3, 4)), {"learning_rate": 0.1, "momentum": 0.8}, h),
        _chain("sgd_nesterov", "a single weight, shape (1,), six steps", rng.normal(size=1), _grads(rng, 6, (1,)),
               {"learning_rate": 0.1, "momentum": 0.9}, h),
        _chain("sgd_nesterov", "momentum 0 is plain gradient descent", rng.normal(size=5), _grads(rng, 3, (5,)),
               {"learning_rate": 0.3, "momentum": 0.0}, h),
        _float32_case("sgd_nesterov", rng, {"learning_rate": 0.1, "momentum": 0.9},
                      "keep w's dtype: create the velocity with np.zeros_like(w)"),
        _in_place("sgd_nesterov", rng.normal(size=(3, 3)), rng.normal(size=(3, 3)), rng.normal(size=(3, 3)),
                  {"learning_rate": 0.1, "momentum": 0.9}, {"learning_rate": 0.0}),
    ]


RPROP_HINT = ("grow a step size by eta_plus where dw * prev_dw > 0, shrink it by eta_minus where < 0 and clip it to "
              "[step_min, step_max]; where the sign flipped do not move and store 0 as prev_dw; move by "
              "-sign(dw) * step_size")


def _signs_with_flips(rng, steps, shape):
    """Gradients whose signs persist for a while, flip now and then, and are sometimes exactly 0,
    with sizes spread over many orders of magnitude (only the sign should matter)."""
    sign = rng.choice([-1.0, 1.0], size=shape)
    grads = []
    for _ in range(steps):
        sign = np.where(rng.random(shape) < 0.3, -sign, sign)
        g = sign * 10.0 ** rng.uniform(-3, 3, size=shape)
        g[rng.random(shape) < 0.1] = 0.0
        grads.append(g)
    return grads


def rprop(rng):
    h = RPROP_HINT
    const = [np.full((2, 3), 0.7) * np.array([1.0, -1.0, 1.0]) for _ in range(9)]
    alternating = [(-1.0) ** k * np.array([2.0, -0.5, 1.0, 3.0]) for k in range(10)]
    return [
        _chain("rprop", "eight steps with persisting signs, flips and zeros, (3, 4)", rng.normal(size=(3, 4)),
               _signs_with_flips(rng, 8, (3, 4)), {"learning_rate": 0.05}, h),
        _chain("rprop", "the defaults (no config), six steps", rng.normal(size=(2, 5)),
               _signs_with_flips(rng, 6, (2, 5)), None,
               "defaults: learning_rate (the initial step) 1e-2, eta_plus 1.2, eta_minus 0.5, step_min 1e-6, "
               "step_max 50", pass_config=False),
        _chain("rprop", "an empty config dict", rng.normal(size=5), _signs_with_flips(rng, 4, (5,)), {},
               "fill in missing hyperparameters with config.setdefault(...)"),
        _chain("rprop", "custom eta_plus 1.5 and eta_minus 0.3", rng.normal(size=(4, 2)),
               _signs_with_flips(rng, 8, (4, 2)), {"learning_rate": 0.1, "eta_plus": 1.5, "eta_minus": 0.3}, h),
        _chain("rprop", "step sizes growing into step_max", np.zeros((2, 3)), const,
               {"learning_rate": 0.5, "step_max": 1.0}, "clip the step sizes to at most step_max"),
        _chain("rprop", "step sizes shrinking into step_min (a sign that flips every step)", np.ones(4), alternating,
               {"learning_rate": 1.0, "eta_minus": 0.1, "step_min": 1e-3},
               "clip the step sizes to at least step_min; after a flip store 0 as that entry's previous gradient"),
        _chain("rprop", "gradients from 1e-8 to 1e8 in size: only their signs count", np.zeros(6),
               [np.array([1e-8, -1e8, 3.0, -1e-3, 1e5, -7.0])] * 3, {"learning_rate": 0.2},
               "move by -sign(dw) * step_size: the size of the gradient is never used"),
        _chain("rprop", "a 3-D parameter (2, 2, 3)", rng.normal(size=(2, 2, 3)), _signs_with_flips(rng, 5, (2, 2, 3)),
               {"learning_rate": 0.05}, h),
        _float32_case("rprop", rng, {"learning_rate": 0.01},
                      "keep w's dtype: create the step sizes with np.full_like(w, learning_rate)"),
        _in_place("rprop", rng.normal(size=(3, 3)), rng.normal(size=(3, 3)), rng.normal(size=(3, 3)),
                  {"learning_rate": 0.1}, {"learning_rate": 0.0}),
    ]


RMS_HINT = ("mean_sq = decay_rate * mean_sq + (1 - decay_rate) * dw**2, then next_w = w - learning_rate * dw / "
            "(sqrt(mean_sq) + epsilon); keep mean_sq in config between steps")


def rmsprop(rng):
    h = RMS_HINT
    return [
        _chain("rmsprop", "six steps on a (4, 3) parameter, decay_rate 0.9", rng.normal(size=(4, 3)),
               _grads(rng, 6, (4, 3)), {"learning_rate": 1e-2, "decay_rate": 0.9}, h),
        _chain("rmsprop", "the defaults (no config), four steps", rng.normal(size=(2, 5)), _grads(rng, 4, (2, 5)),
               None, "defaults: learning_rate 1e-2, decay_rate 0.99, epsilon 1e-8; " + h, pass_config=False),
        _chain("rmsprop", "an empty config dict", rng.normal(size=5), _grads(rng, 3, (5,)), {},
               "fill in missing hyperparameters with config.setdefault(...)"),
        _chain("rmsprop", "tiny gradients (about 1e-7), where epsilon's place matters", rng.normal(size=6),
               _grads(rng, 3, (6,), scale=1e-7), None,
               "epsilon is added after the square root: sqrt(mean_sq) + epsilon", pass_config=False),
        _chain("rmsprop", "a large epsilon, 0.1", rng.normal(size=(3, 3)), _grads(rng, 3, (3, 3)),
               {"learning_rate": 0.05, "epsilon": 0.1}, "use config['epsilon'], added after the square root"),
        _chain("rmsprop", "gradients of about 1000", rng.normal(size=(2, 4)), _grads(rng, 4, (2, 4), scale=1e3),
               {"learning_rate": 1e-2, "decay_rate": 0.5}, h),
        _chain("rmsprop", "a gradient that is 0 in some entries", rng.normal(size=4),
               [np.array([0.0, 1.0, 0.0, -2.0]), np.array([0.0, -1.0, 0.5, 0.0]), np.array([0.0, 3.0, 0.0, 1.0])],
               {"learning_rate": 0.1}, "a zero gradient must give a finite, zero move: keep epsilon in the denominator"),
        _chain("rmsprop", "twenty steps, a 3-D parameter (2, 3, 2)", rng.normal(size=(2, 3, 2)),
               _grads(rng, 20, (2, 3, 2)), {"learning_rate": 1e-2, "decay_rate": 0.95}, h),
        _float32_case("rmsprop", rng, {"learning_rate": 1e-2}, "keep w's dtype: create mean_sq with np.zeros_like(w)"),
        _in_place("rmsprop", rng.normal(size=(3, 3)), rng.normal(size=(3, 3)), rng.normal(size=(3, 3)),
                  {"learning_rate": 0.1}, {"learning_rate": 0.0}),
    ]


ADAM_HINT = ("t = t + 1; m and v are moving averages of dw and dw**2; divide them by (1 - beta1**t) and "
             "(1 - beta2**t); next_w = w - learning_rate * m_hat / (sqrt(v_hat) + epsilon); store the raw m, v and t")


def adam(rng):
    h = ADAM_HINT
    return [
        _chain("adam", "six steps on a (4, 3) parameter, learning rate 0.01", rng.normal(size=(4, 3)),
               _grads(rng, 6, (4, 3)), {"learning_rate": 1e-2}, h),
        _chain("adam", "the defaults (no config), four steps", rng.normal(size=(2, 5)), _grads(rng, 4, (2, 5)),
               None, "defaults: learning_rate 1e-3, beta1 0.9, beta2 0.999, epsilon 1e-8; " + h, pass_config=False),
        _chain("adam", "an empty config dict", rng.normal(size=5), _grads(rng, 3, (5,)), {},
               "fill in missing hyperparameters with config.setdefault(...)"),
        _chain("adam", "beta1 0.5 and beta2 0.9, learning rate 0.1", rng.normal(size=(3, 2)),
               _grads(rng, 5, (3, 2)), {"learning_rate": 0.1, "beta1": 0.5, "beta2": 0.9}, h),
        _chain("adam", "forty steps: the bias corrections fade as t grows", rng.normal(size=4),
               [g + 0.5 for g in _grads(rng, 40, (4,))], {"learning_rate": 0.05},
               "count t in config['t'], one more per step, and use it in both corrections"),
        _chain("adam", "tiny gradients (about 1e-9), where epsilon's place matters", rng.normal(size=6),
               _grads(rng, 3, (6,), scale=1e-9), {"learning_rate": 0.01},
               "epsilon is added after the square root of the corrected v: sqrt(v_hat) + epsilon"),
        _chain("adam", "a gradient that is 0 in some entries", rng.normal(size=4),
               [np.array([0.0, 1.0, 0.0, -2.0]), np.array([0.0, -1.0, 0.5, 0.0]), np.array([0.0, 3.0, 0.0, 1.0])],
               {"learning_rate": 0.1}, "a zero gradient must give a finite move: keep epsilon in the denominator"),
        _chain("adam", "a 3-D parameter (2, 3, 2)", rng.normal(size=(2, 3, 2)), _grads(rng, 3, (2, 3, 2)),
               {"learning_rate": 0.02}, h),
        _float32_case("adam", rng, {"learning_rate": 1e-2}, "keep w's dtype: create m and v with np.zeros_like(w)"),
        _in_place("adam", rng.normal(size=(3, 3)), rng.normal(size=(3, 3)), rng.normal(size=(3, 3)),
                  {"learning_rate": 0.1}, {"learning_rate": 0.0}),
    ]


# ----------------------------------------------------------------------------- schedules


def _iterations(rng, n, high):
    """An unsorted integer array of iterations, with 0 and a few repeats."""
    its = rng.integers(0, high, size=n)
    its[0] = 0
    return its


STEP_HINT = "lr = learning_rate * gamma ** (iteration // step_size): the number of completed steps, floored"


def step_decay(rng):
    its = np.arange(40)
    return [
        case("iterations 0..39, step_size 7, gamma 0.5", call("step_decay", its, 0.3, 7, 0.5), hint=STEP_HINT),
        case("gamma by keyword", call("step_decay", its, 1.0, 10, gamma=0.8), hint=STEP_HINT),
        case("the default gamma (0.1)", call("step_decay", its, 0.2, 12), hint="gamma defaults to 0.1"),
        case("a single int iteration", call("step_decay", 23, 0.5, 5, 0.3), hint=STEP_HINT),
        case("an int iteration exactly at a drop", call("step_decay", 20, 0.5, 5, 0.3),
             hint="the drop happens at iteration step_size itself: 5 // 5 = 1"),
        case("a 2-D array of unsorted iterations", call("step_decay", _iterations(rng, 12, 100).reshape(3, 4), 0.1, 9,
                                                        0.6), hint="work elementwise with numpy: np.floor_divide"),
        case("step_size 1: a drop every iteration", call("step_decay", np.arange(8), 1.0, 1, 0.5), hint=STEP_HINT),
    ]


COS_HINT = ("lr = min_lr + (learning_rate - min_lr) * (1 + cos(pi * tau / period)) / 2 with tau = min(iteration, "
            "period), or iteration % period with restart=True; use np.cos so arrays work")


def cosine_annealing(rng):
    its = np.arange(50)
    return [
        case("iterations 0..49, period 40", call("cosine_annealing", its, 0.1, 40), hint=COS_HINT),
        case("min_lr 0.01", call("cosine_annealing", its, 0.1, 30, 0.01),
             hint="interpolate between learning_rate and min_lr: min_lr + (learning_rate - min_lr) * ..."),
        case("past the end of the period, without restarts", call("cosine_annealing", np.arange(20, 60), 0.5, 25, 0.05),
             hint="after one period the rate stays at min_lr: tau = min(iteration, period)"),
        case("warm restarts, period 9", call("cosine_annealing", its, 0.2, 9, 0.0, True),
             hint="with restart=True, tau = iteration % period: back to learning_rate every period"),
        case("warm restarts and min_lr by keyword", call("cosine_annealing", its, 0.2, 12, min_lr=0.02, restart=True),
             hint=COS_HINT),
        case("a single int iteration", call("cosine_annealing", 7, 0.3, 20), hint=COS_HINT),
        case("a 2-D array of unsorted iterations",
             call("cosine_annealing", _iterations(rng, 12, 60).reshape(4, 3), 0.1, 45, 0.001),
             hint="work elementwise with numpy: np.cos and np.minimum, not math.cos, min or if"),
    ]


CYC_HINT = ("c = iteration // (2 * step_size), x = |iteration / step_size - 2c - 1|, "
            "lr = learning_rate + (max_lr - learning_rate) * (1 - x), times 1 / 2**c in mode 'triangular2'")


def cyclical(rng):
    its = np.arange(60)
    return [
        case("iterations 0..59, step_size 5", call("cyclical", its, 0.01, 0.1, 5), hint=CYC_HINT),
        case("step_size 7, which does not divide the iterations evenly", call("cyclical", its, 1e-3, 0.05, 7),
             hint="use true division, iteration / step_size, for x: the climb is linear, not stepped"),
        case("mode triangular2: the height halves every cycle", call("cyclical", its, 0.01, 0.2, 4, "triangular2"),
             hint="multiply the climb by 1 / 2**c with c = iteration // (2 * step_size), counting from 0"),
        case("mode by keyword", call("cyclical", its, 0.02, 0.3, 6, mode="triangular"), hint=CYC_HINT),
        case("a single int iteration", call("cyclical", 13, 0.01, 0.1, 4), hint=CYC_HINT),
        case("a 2-D array of unsorted iterations", call("cyclical", _iterations(rng, 12, 80).reshape(2, 6), 0.01, 0.1, 6),
             hint="work elementwise with numpy: np.abs and np.floor_divide, not abs() inside if"),
        case("step_size 1: up and down every other iteration", call("cyclical", np.arange(10), 0.1, 0.5, 1), hint=CYC_HINT),
    ]


TESTS = {
    "test_sgd_nesterov": sgd_nesterov,
    "test_rprop": rprop,
    "test_rmsprop": rmsprop,
    "test_adam": adam,
    "test_step_decay": step_decay,
    "test_cosine_annealing": cosine_annealing,
    "test_cyclical": cyclical,
}
