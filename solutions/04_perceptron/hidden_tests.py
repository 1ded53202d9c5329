"""Hidden tests for 04_perceptron: inputs the grader makes, judged against the reference solution.

Each entry of TESTS matches a visible test cell of the notebook (same grade_id, same points). The
judge calls the student's functions and the reference on the same inputs and compares outputs;
feedback shows a case's label and hint, never its inputs. See autograder/spec.py.
"""

import itertools

import numpy as np

from autograder.spec import Out, call, case, compare_outputs
from utils.gradcheck import rel_error
from utils.synthetic import linearly_separable, xor

TAUGHT = {
    "mcculloch_pitts": "utils.perceptron.mcculloch_pitts",
    "logic_gate": "utils.perceptron.logic_gate",
    "perceptron_train": "utils.perceptron.perceptron_train",
    "margin_loss": "utils.perceptron.margin_loss",
    "empirical_risk": "utils.perceptron.empirical_risk",
    "sigmoid": "utils.perceptron.sigmoid",
    "bce_with_logits": "utils.perceptron.bce_with_logits",
    "logistic_step": "utils.perceptron.logistic_step",
}


def _as_array(value):
    """A returned list of numbers arrives as a list of 0-d arrays: make it one array again."""
    if isinstance(value, list) and all(isinstance(v, np.ndarray) and v.ndim == 0 for v in value):
        return np.array(value)
    return value


def _named(names, what):
    """A compare function for tuple outputs that names the item that differs."""
    def compare(student, reference, c):
        for s, r in zip(student, reference):
            if r is None:  # the reference raised, and so did the student (checked before)
                continue
            if not isinstance(s, list) or len(s) != len(names):
                return f"{what} should return a tuple ({', '.join(names)})"
            for name, s_item, r_item in zip(names, s, r):
                message = compare_outputs(_as_array(s_item), r_item, c.rtol, name)
                if message:
                    return message
        return None
    return compare


# ----------------------------------------------------------------------------- McCulloch-Pitts

MP_HINT = "fire (1) where X @ w >= theta, a sum equal to theta included; return integers 0/1, shape (N,)"


def _int_outputs(student, reference, c):
    """The 0/1 outputs must be integers (not booleans or floats) and equal the reference's."""
    for s in student:
        if isinstance(s, np.ndarray) and s.dtype.kind not in "iu":
            return (f"the result of `mcculloch_pitts` has dtype {s.dtype}: return integers 0/1, "
                    "e.g. with .astype(int)")
    for s, r in zip(student, reference):
        message = compare_outputs(s, r, c.rtol, "the result of `mcculloch_pitts`")
        if message:
            return message
    return None


def mcculloch_pitts(rng):
    def mp(label, X, w, theta, hint=MP_HINT):
        return case(label, call("mcculloch_pitts", X, w, theta), compare=_int_outputs, hint=hint)

    X = rng.integers(0, 2, size=(16, 4))
    w = rng.integers(-2, 3, size=4).astype(float)
    sums = X @ w
    return [
        mp("binary inputs, excitatory and inhibitory weights, some sums equal to theta",
           X, w, float(np.median(sums)),
           hint="a weighted sum equal to theta fires: compare with >=, not >"),
        mp("real-valued inputs and weights", rng.normal(size=(10, 3)), rng.normal(size=3), 0.25),
        mp("a single sample of five inputs", rng.integers(0, 2, size=(1, 5)),
           np.array([1.0, -1.0, 2.0, 0.5, -0.5]), 1.0),
        mp("theta = 0 with all inputs off (a sum of 0 reaches 0)", np.zeros((3, 2)), np.array([1.0, 1.0]), 0.0,
           hint="a weighted sum equal to theta fires: compare with >=, not >"),
        mp("a negative threshold", rng.integers(0, 2, size=(8, 3)), -np.ones(3), -1.5),
    ]


GATE_HINT = ("pick weights and a threshold that separate the sums of the inputs that must fire from the "
             "others; the threshold of AND and NAND depends on n_inputs; NOT has one input")
TRUTH = {"and": all, "or": any, "nand": lambda b: not all(b), "nor": lambda b: not any(b)}


def _gate_compare(name, n):
    """Judge a (w, theta) by the unit's truth table, so any valid choice of weights passes."""
    inputs = np.array(list(itertools.product([0, 1], repeat=n)), dtype=np.float64)  # (2^n, n)
    if name == "not":
        table = np.array([1, 0])
    else:
        table = np.array([int(TRUTH[name](row)) for row in inputs.astype(bool)])

    def compare(student, reference, c):
        s = student[0]
        if reference[0] is None:  # "xor": both raised ValueError
            return None
        if not isinstance(s, list) or len(s) != 2:
            return "logic_gate should return a tuple (w, theta)"
        w, theta = _as_array(s[0]), s[1]
        if not isinstance(w, np.ndarray) or w.dtype.kind not in "biuf" or w.shape != (n,):
            return f"w should be an array of shape ({n},), one weight per input"
        if not isinstance(theta, np.ndarray) or theta.size != 1 or theta.dtype.kind not in "biuf":
            return "theta should be a single number"
        got = (inputs @ w.astype(np.float64) >= float(theta.reshape(-1)[0])).astype(int)
        if not np.array_equal(got, table):
            wrong = int(np.sum(got != table))
            return f"the unit with your w and theta gets {wrong} of the {len(table)} rows of the truth table wrong"
        return None

    return compare


def logic_gates(rng):
    def gate(label, name, n=None):
        args = (name,) if n is None else (name, n)
        width = 1 if name == "not" else (2 if n is None else n)
        return case(label, call("logic_gate", *args), compare=_gate_compare(name, width), hint=GATE_HINT)

    return [
        gate("AND of two inputs", "and"),
        gate("OR of two inputs", "or"),
        gate("NAND of two inputs", "nand"),
        gate("NOR of two inputs", "nor"),
        gate("NOT", "not"),
        gate("AND of three inputs", "and", 3),
        gate("OR of four inputs", "or", 4),
        gate("NAND of three inputs", "nand", 3),
        gate("NOR of one input", "nor", 1),
        case("XOR", call("logic_gate", "xor"), compare=_gate_compare("and", 2),
             hint="raise ValueError for 'xor': no single threshold unit computes it"),
        case("a name that is not one of the five gates", call("logic_gate", "xnor"), compare=_gate_compare("and", 2),
             hint="raise ValueError for any name other than and, or, nand, nor, not; don't let it fall through "
                  "to one of the gates"),
    ]


# ----------------------------------------------------------------------------- perceptron

PERC_HINT = ("start from w = 0, b = 0; on a mistake, t * (w @ x + b) <= 0 with t = 2y - 1, add t * x to w and "
             "t to b; stop after the first epoch without mistakes or after max_epochs")
ORDER_HINT = ("with a seed, make rng = np.random.default_rng(seed) once, before the first epoch, and visit the "
              "samples in the order rng.permutation(N) drawn at the start of each epoch")


def _epochs(k):
    return f"{k} epoch" + ("" if k == 1 else "s")


def _perceptron_compare(student, reference, c):
    """Compare (w, b, mistakes), saying which item differs and how the epochs went."""
    rule = "check the mistake test t * (w @ x + b) <= 0 with t = 2y - 1 and the update w += t * x, b += t"
    for call_, s, r in zip(c.calls, student, reference):
        if not isinstance(s, list) or len(s) != 3:
            return "perceptron_train should return a tuple (w, b, mistakes)"
        w, b, mistakes = (_as_array(v) for v in s)
        r_mistakes = r[2]
        if not isinstance(mistakes, np.ndarray) or mistakes.ndim != 1 or mistakes.size == 0:
            return "mistakes should be a 1-D array (or list) with one count per epoch run"
        ran, expected = len(mistakes), len(r_mistakes)
        clean = bool(mistakes[-1] == 0)
        if ran > expected and np.any(mistakes[:-1] == 0):
            return "training went on after an epoch without mistakes: stop right after the first clean epoch"
        if ran > expected:
            return (f"no epoch was free of mistakes in {_epochs(ran)}, but the expected run has a clean epoch "
                    f"by epoch {expected}: {rule}")
        if ran < expected and not clean and ran < call_.kwargs.get("max_epochs", 100):
            return (f"training stopped after {_epochs(ran)} although the last one had mistakes: keep going "
                    "until an epoch has none, or until max_epochs")
        if ran < expected:
            return (f"an epoch without mistakes came after {_epochs(ran)}, the expected run needs {expected}: "
                    f"{rule} (at w = 0 every score is 0, and that is a mistake)")
        if not np.array_equal(mistakes, r_mistakes):
            return ("the number of mistakes per epoch differs from the expected counts: "
                    f"{rule}; with a seed, also the order of the visits")
        for name, s_item, r_item in (("w", w, r[0]), ("b", b, r[1])):
            message = compare_outputs(s_item, r_item, c.rtol, name)
            if message:
                return message
    return None


def _one_update_set(rng, n=12):
    """A set the perceptron separates with its first update: mistakes per epoch [1, 0]."""
    # sample 0 is (1, 0) in class 1, so the first update gives w = (1, 0), b = 1 and score x_1 + 1
    x1 = np.where(np.arange(n) % 2 == 1, rng.uniform(0.5, 3.0, n), rng.uniform(-4.0, -1.5, n))
    X = np.column_stack([x1, rng.uniform(-3.0, 3.0, n)])
    y = (np.arange(n) % 2).astype(np.int64)
    X[0], y[0] = (1.0, 0.0), 1
    return X, y


def _separable_3d(rng, n=30):
    """Points in 3-D labelled by a random plane, at least 0.3 away from it."""
    w_star, b_star = rng.normal(size=3), 0.5
    w_star /= np.linalg.norm(w_star)
    X = rng.normal(size=(4 * n, 3))
    s = X @ w_star + b_star
    keep = np.abs(s) > 0.3
    return X[keep][:n], (s[keep][:n] > 0).astype(np.int64)


def perceptron(rng):
    def pt(label, X, y, hint=PERC_HINT, **kwargs):
        return case(label, call("perceptron_train", X, y, **kwargs), compare=_perceptron_compare, hint=hint)

    offset = rng.uniform(0.5, 2.0, size=2)
    X, y = linearly_separable(30, margin=0.3, offset=offset, rng=int(rng.integers(1 << 30)))
    X_one, y_one = _one_update_set(rng)
    X_xor, y_xor = xor(24, noise=0.2, rng=int(rng.integers(1 << 30)))
    X3, y3 = _separable_3d(rng)
    table = np.array([[0, 0], [0, 1], [1, 0], [1, 1]])
    return [
        pt("separable blobs away from the origin (the bias matters), index order", X, y),
        pt("the same blobs, shuffled every epoch with a seed", X, y, seed=int(rng.integers(1000)), hint=ORDER_HINT),
        pt("a set separated by the first update, so it converges in one epoch", X_one, y_one),
        pt("the XOR truth table: never converges within max_epochs", table.astype(float),
           np.array([0, 1, 1, 0]), max_epochs=12),
        pt("a noisy XOR cloud with a seed: never converges within max_epochs", X_xor, y_xor, max_epochs=8,
           seed=int(rng.integers(1000)), hint=ORDER_HINT),
        pt("a single sample", rng.normal(size=(1, 3)), np.array([0])),
        pt("three features in float32", X3.astype(np.float32), y3),
        pt("integer inputs: the AND truth table", table, np.array([0, 0, 0, 1])),
        pt("every sample in class 1", rng.uniform(0.5, 2.0, size=(6, 2)), np.ones(6, dtype=np.int64)),
    ]


# ----------------------------------------------------------------------------- losses and risk

KINDS = ["zero_one", "perceptron", "hinge", "logistic", "squared"]
LOSS_HINTS = {
    "zero_one": "1 where m <= 0 (a margin of exactly 0 is a mistake), else 0",
    "perceptron": "max(0, -m)",
    "hinge": "max(0, 1 - m): the hinge starts at margin 1, not 0",
    "logistic": "log(1 + e^-m) in natural log, computed as np.logaddexp(0, -m) so that it cannot overflow",
    "squared": "(1 - m)^2, also for margins above 1",
}
RISK_HINT = "margins are t * s with t = 2y - 1 (labels come as 0/1); average the loss over the N samples"


def _float64_compare(student, reference, c):
    """Like the default comparison, but the result must be float64 (not booleans or integers)."""
    s = student[0]
    if isinstance(s, np.ndarray) and s.dtype != np.float64:
        return f"the result of `margin_loss` has dtype {s.dtype}, expected float64"
    return compare_outputs(s, reference[0], c.rtol, "the result of `margin_loss`")


def losses_and_risk(rng):
    margins = np.concatenate([2 * rng.normal(size=9), [0.0, 1.0, -1.0]])
    cases = [case(f"the {kind} loss of margins around 0, including exactly 0 and +-1",
                  call("margin_loss", margins, kind), hint=LOSS_HINTS[kind]) for kind in KINDS]
    scores = rng.normal(size=10)
    scores[:2] = 0.0
    y = rng.integers(0, 2, size=10)
    y[:2] = (0, 1)
    cases += [
        case("the logistic loss of margins of +-1000", call("margin_loss", np.array([-1000.0, -50.0, 50.0, 1000.0]),
                                                           "logistic"), hint=LOSS_HINTS["logistic"]),
        case("margins in a 2-D array", call("margin_loss", rng.normal(size=(3, 4)), "hinge"),
             hint="apply the loss elementwise; keep the shape of margins"),
        case("an unknown kind", call("margin_loss", margins, "absolute"),
             hint="raise ValueError when kind is not one of the five losses"),
        case("the zero_one loss is float64", call("margin_loss", margins, "zero_one"), compare=_float64_compare,
             hint="turn the booleans of m <= 0 into numbers with .astype(np.float64)"),
    ]
    cases += [case(f"the empirical {kind} risk of random scores, some exactly 0",
                   call("empirical_risk", scores, y, kind), hint=RISK_HINT) for kind in KINDS]
    cases += [
        case("the default kind is the 0-1 risk", call("empirical_risk", scores, y),
             hint="kind defaults to 'zero_one', the error rate"),
        case("a single sample of class 0", call("empirical_risk", np.array([0.7]), np.array([0]), "hinge"),
             hint=RISK_HINT),
        case("scores of +-1000 with the logistic loss",
             call("empirical_risk", np.array([1000.0, -1000.0, 1000.0]), np.array([0, 0, 1]), "logistic"),
             hint=RISK_HINT),
    ]
    return cases


# ----------------------------------------------------------------------------- sigmoid

SIG_HINT = "1 / (1 + e^-z); exponentiate only -|z|: 1/(1 + e) for z >= 0 and e/(1 + e) for z < 0, e = exp(-|z|)"


def sigmoid(rng):
    return [
        case("random scores", call("sigmoid", rng.normal(size=7)), hint=SIG_HINT),
        case("a 2-D array of scores", call("sigmoid", 3 * rng.normal(size=(4, 3))), hint=SIG_HINT),
        case("scores of +-1000 and other large values",
             call("sigmoid", np.array([-1000.0, -745.0, -50.0, 0.0, 50.0, 745.0, 1000.0])), hint=SIG_HINT),
        case("float32 scores, which must stay float32",
             call("sigmoid", (20 * rng.normal(size=6)).astype(np.float32)), rtol=1e-5,
             hint="keep the input's float dtype: avoid astype(float) and float64 constants"),
        case("float16 scores from -16 to -11 (float16's exp overflows above 11)",
             call("sigmoid", np.linspace(-16.0, -11.0, 6).astype(np.float16)), rtol=2e-2,
             hint="for z < 0 compute e^z / (1 + e^z) with e^z = exp(-|z|): no overflow, and small probabilities "
                  "keep their digits (1 - something close to 1 does not)"),
        case("a single score", call("sigmoid", np.array([0.3])), hint=SIG_HINT),
        case("integer scores give float64", call("sigmoid", np.array([-3, 0, 2])), hint=SIG_HINT),
    ]


# ----------------------------------------------------------------------------- binary cross-entropy

BCE_HINT = ("loss = mean of log(1 + e^s) - y s, with log(1 + e^s) = max(s, 0) + log1p(exp(-|s|)); "
            "never take the log of a probability")
DS_HINT = "dscores = (sigmoid(s) - y) / N, shape (N,)"


def _loss_only(student, reference, c):
    for s, r in zip(student, reference):
        if not isinstance(s, list) or len(s) != 2:
            return "bce_with_logits should return a pair (loss, dscores)"
        message = compare_outputs(s[0], r[0], c.rtol, "the loss")
        if message:
            return message
    return None


def _grad_only(student, reference, c):
    for s, r in zip(student, reference):
        if not isinstance(s, list) or len(s) != 2:
            return "bce_with_logits should return a pair (loss, dscores)"
        message = compare_outputs(s[1], r[1], c.rtol, "dscores")
        if message:
            return message
    return None


def _bce_inputs(rng):
    """Named inputs shared by the loss and the gradient tests."""
    return [
        ("random scores, 7 samples", rng.normal(size=7), rng.integers(0, 2, size=7)),
        ("scores of +-1000 with both labels", np.array([1000.0, -1000.0, 1000.0, -1000.0, 0.0]),
         np.array([1, 0, 0, 1, 1])),
        ("large scores, mostly confidently right", np.array([40.0, -40.0, 800.0, 0.5]), np.array([1, 0, 1, 0])),
        ("a single sample", np.array([-0.8]), np.array([1])),
        ("float32 scores", (3 * rng.normal(size=5)).astype(np.float32), rng.integers(0, 2, size=5)),
    ]


def bce_loss(rng):
    return [case(label, call("bce_with_logits", s, y), compare=_loss_only, hint=BCE_HINT, rtol=1e-6 if
                 s.dtype == np.float64 else 1e-5) for label, s, y in _bce_inputs(rng)]


def _bce_numerical_case(rng, n=5, h=1e-5):
    """The student's dscores against centred differences of the student's own loss."""
    scores = rng.normal(size=n)
    y = rng.integers(0, 2, size=n)
    calls = [call("bce_with_logits", scores, y)]
    for i in range(n):
        for sign in (1, -1):
            moved = scores.copy()
            moved[i] += sign * h
            calls.append(call("bce_with_logits", moved, y))

    def compare(student, reference, c):
        for s in student:
            if not isinstance(s, list) or len(s) != 2:
                return "bce_with_logits should return a pair (loss, dscores)"
        analytic = student[0][1]
        if not isinstance(analytic, np.ndarray) or analytic.shape != (n,):
            return f"dscores should have the shape of scores, ({n},)"
        losses = np.array([float(np.asarray(s[0]).reshape(-1)[0]) if np.asarray(s[0]).size == 1 else np.nan
                           for s in student[1:]])
        numeric = (losses[0::2] - losses[1::2]) / (2 * h)
        err = rel_error(analytic, numeric)
        if not err < 1e-6:
            return f"dscores disagrees with the numerical gradient of your own loss (relative error {err:.1e})"
        return None

    return case("dscores against the numerical gradient of the loss", *calls, compare=compare, hint=DS_HINT)


def bce_grad(rng):
    cases = [case(label, call("bce_with_logits", s, y), compare=_grad_only, hint=DS_HINT,
                  rtol=1e-6 if s.dtype == np.float64 else 1e-5) for label, s, y in _bce_inputs(rng)]
    return cases + [_bce_numerical_case(rng)]


# ----------------------------------------------------------------------------- logistic step

STEP_HINT = ("dw = X.T @ (sigmoid(X @ w + b) - y) / N, db = mean(sigmoid(X @ w + b) - y); return "
             "(w - lr * dw, b - lr * db, the loss before the step)")


def _step_numerical_case(rng, n=6, d=3, h=1e-5):
    """w - w_new and b - b_new at lr = 1 against centred differences of the student's own loss."""
    X = rng.normal(size=(n, d))
    y = rng.integers(0, 2, size=n)
    w, b = rng.normal(size=d), 0.2
    calls = [call("logistic_step", w, b, X, y, 1.0)]
    for i in range(d + 1):
        for sign in (1, -1):
            w_moved, b_moved = w.copy(), b
            if i < d:
                w_moved[i] += sign * h
            else:
                b_moved += sign * h
            calls.append(call("logistic_step", w_moved, b_moved, X, y, 0.0))

    def compare(student, reference, c):
        for s in student:
            if not isinstance(s, list) or len(s) != 3:
                return "logistic_step should return a tuple (w_new, b_new, loss)"
        w_new, b_new = student[0][0], student[0][1]
        if not isinstance(w_new, np.ndarray) or w_new.shape != (d,) or np.asarray(b_new).size != 1:
            return f"w_new should have shape ({d},) and b_new be a number"
        analytic = np.append(w - w_new, b - float(np.asarray(b_new).reshape(-1)[0]))
        losses = np.array([float(np.asarray(s[2]).reshape(-1)[0]) if np.asarray(s[2]).size == 1 else np.nan
                           for s in student[1:]])
        numeric = (losses[0::2] - losses[1::2]) / (2 * h)
        err = rel_error(analytic, numeric)
        if not err < 1e-6:
            return ("the step (w - w_new, b - b_new at lr = 1) disagrees with the numerical gradient of your own "
                    f"loss (relative error {err:.1e})")
        return None

    return case("the step against the numerical gradient of the loss", *calls, compare=compare, hint=STEP_HINT)


def _w_kept_case(rng, n=5, d=3):
    """Step twice from the same w array (the w_new of a first step, which stays in the student's
    process): the two results must agree, or the first step changed the w it was given."""
    X = rng.normal(size=(n, d))
    y = rng.integers(0, 2, size=n)
    calls = [call("logistic_step", rng.normal(size=d), 0.1, X, y, 0.5, send=False),
             call("logistic_step", Out(0, 0), 0.1, X, y, 0.5),
             call("logistic_step", Out(0, 0), 0.1, X, y, 0.5)]

    def compare(student, reference, c):
        first, again = student[1], student[2]
        for s in (first, again):
            if not isinstance(s, list) or len(s) != 3:
                return "logistic_step should return a tuple (w_new, b_new, loss)"
        for name, a, b in zip(("w_new", "b_new", "the loss"), first, again):
            a, b = _as_array(a), _as_array(b)
            if not (isinstance(a, np.ndarray) and isinstance(b, np.ndarray) and a.shape == b.shape
                    and np.array_equal(a, b, equal_nan=True)):
                return (f"a second step from the same w array gave a different {name}: the first step changed "
                        "the w it was given")
        return None

    return case("two steps from the same w array give the same result", *calls, compare=compare,
                hint="leave the caller's w unchanged: return a new array w - lr * dw (not w -= lr * dw)")


def logistic_step(rng):
    compare = _named(["w_new", "b_new", "the loss"], "logistic_step")

    def step(label, w, b, X, y, lr, rtol=1e-6):
        return case(label, call("logistic_step", w, b, X, y, lr), compare=compare, hint=STEP_HINT, rtol=rtol)

    X = rng.normal(size=(8, 3))
    y = rng.integers(0, 2, size=8)
    return [
        step("random data, 8 samples, 3 features", rng.normal(size=3), 0.1, X, y, 0.5),
        step("from w = 0, b = 0", np.zeros(3), 0.0, X, y, 1.0),
        step("a learning rate of 0 leaves w and b unchanged", rng.normal(size=3), -0.4, X, y, 0.0),
        step("scores of +-1000", np.array([500.0, -500.0]), 0.0, np.array([[2.0, 0.0], [0.0, 2.0], [1.0, 1.0]]),
             np.array([1, 1, 0]), 0.1),
        step("a single sample", rng.normal(size=2), 0.5, rng.normal(size=(1, 2)), np.array([1]), 0.3),
        step("float32 inputs", rng.normal(size=4).astype(np.float32), 0.0,
             rng.normal(size=(6, 4)).astype(np.float32), rng.integers(0, 2, size=6), 0.5, rtol=1e-5),
        _step_numerical_case(rng),
        _w_kept_case(rng),
    ]


TESTS = {
    "test_mcculloch_pitts": mcculloch_pitts,
    "test_logic_gates": logic_gates,
    "test_perceptron": perceptron,
    "test_losses_and_risk": losses_and_risk,
    "test_sigmoid": sigmoid,
    "test_bce_loss": bce_loss,
    "test_bce_grad": bce_grad,
    "test_logistic_step": logistic_step,
}
