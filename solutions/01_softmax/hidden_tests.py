"""Hidden tests for 01_softmax: inputs the grader makes, judged against the reference solution.

Each entry of TESTS matches a visible test cell of the notebook (same grade_id, same points). The
judge calls the student's functions and the reference on the same inputs and compares outputs;
feedback shows a case's label and hint, never its inputs. See autograder/spec.py.
"""

import numpy as np

from autograder.spec import ARGS, call, case
from utils.gradcheck import rel_error

TAUGHT = {
    "softmax": "utils.losses.softmax",
    "one_hot": "utils.losses.one_hot",
    "cross_entropy": "utils.losses.cross_entropy",
    "softmax_cross_entropy": "utils.losses.softmax_cross_entropy",
}

SUM_HINT = "divide exp(x) by its sum along `axis` only (keepdims=True keeps the shapes aligned)"
MAX_HINT = "subtract the max along `axis` before exponentiating; it changes nothing mathematically"


def softmax_basic(rng):
    return [
        case("one vector of 3 scores, default axis", call("softmax", rng.normal(size=3)), hint=SUM_HINT),
        case("the seed's layout: one row per class, one column per sample (axis=0)",
             call("softmax", rng.normal(size=(3, 7)), axis=0), hint=SUM_HINT),
        case("batch-first scores (N, K) with the default axis",
             call("softmax", rng.normal(size=(5, 4))), hint=SUM_HINT),
        case("batch-first scores (N, K) with axis=1",
             call("softmax", rng.normal(size=(6, 3)), axis=1), hint=SUM_HINT),
        case("a 3-D array, classes on the middle axis",
             call("softmax", rng.normal(size=(2, 5, 3)), axis=1), hint=SUM_HINT),
        case("a single class", call("softmax", rng.normal(size=(4, 1))),
             hint="with one class every probability is 1"),
        case("a batch of one sample", call("softmax", rng.normal(size=(1, 6))), hint=SUM_HINT),
        case("equal scores", call("softmax", np.full((2, 5), 3.0)), hint="equal scores give a uniform distribution"),
    ]


def softmax_stable(rng):
    return [
        case("scores around +1000", call("softmax", 1000 + rng.normal(size=(4, 5))), hint=MAX_HINT),
        case("scores around -1000", call("softmax", -1000 + rng.normal(size=(4, 5))), hint=MAX_HINT),
        case("scores spread from -1000 to +1000 along axis 0",
             call("softmax", np.array([[1000.0, -5.0], [0.0, 0.0], [-1000.0, 5.0]]), axis=0), hint=MAX_HINT),
        case("float32 scores, which must stay float32",
             call("softmax", (50 * rng.normal(size=(3, 4))).astype(np.float32)), rtol=1e-5,
             hint="compute in the input's dtype: avoid np.float64 constants and astype(float)"),
        case("float32 scores around 100 (float32 overflows at e^89)",
             call("softmax", (100 + rng.normal(size=(2, 3))).astype(np.float32)), rtol=1e-5, hint=MAX_HINT),
    ]


OH_HINT = "row i of the (N, K) result is all zeros except a 1.0 in column y[i]"


def one_hot(rng):
    return [
        case("eight labels, five classes", call("one_hot", rng.integers(0, 5, size=8), 5), hint=OH_HINT),
        case("more classes than labels used", call("one_hot", np.array([0, 3, 1]), 10), hint=OH_HINT),
        case("a single label", call("one_hot", np.array([2]), 3), hint=OH_HINT),
        case("every class once, shuffled", call("one_hot", rng.permutation(7), 7), hint=OH_HINT),
        case("int32 labels (still a float64 result)", call("one_hot", rng.integers(0, 4, size=6).astype(np.int32), 4),
             hint="accept any integer dtype; build the result with np.zeros((N, K)), which is float64"),
        case("a label equal to num_classes", call("one_hot", np.array([0, 4]), 4),
             hint="raise ValueError when a label is outside 0 .. num_classes - 1"),
        case("a negative label", call("one_hot", np.array([1, -1]), 3),
             hint="raise ValueError for negative labels; numpy indexing would silently wrap -1 around"),
    ]


def _probs(rng, n, k):
    s = rng.normal(size=(n, k))
    e = np.exp(s - s.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def _onehot(y, k):
    return np.eye(k)[y]


CE_HINT = "average -sum_k L_k log S_k over the N rows (sum over classes, mean over samples)"


def cross_entropy(rng):
    zeros = _probs(rng, 3, 4)
    zeros[:, 3] = 0.0
    zeros /= zeros.sum(axis=1, keepdims=True)
    soft = _probs(rng, 5, 3)
    return [
        case("predictions against one-hot targets",
             call("cross_entropy", _probs(rng, 6, 4), _onehot(rng.integers(0, 4, size=6), 4)), hint=CE_HINT),
        case("soft (non one-hot) targets", call("cross_entropy", _probs(rng, 5, 3), soft), hint=CE_HINT),
        case("a probability of exactly 0 where the target is 0",
             call("cross_entropy", zeros, _onehot(np.array([0, 1, 2]), 4)),
             hint="0 * log(0) is nan in numpy: leave out the terms whose target is 0"),
        case("a single sample", call("cross_entropy", _probs(rng, 1, 5), _onehot(np.array([2]), 5)), hint=CE_HINT),
        case("a perfect prediction", call("cross_entropy", _onehot(np.array([1, 0]), 3), _onehot(np.array([1, 0]), 3)),
             hint="a probability of 1 on the target gives a loss of exactly 0"),
        case("probs and targets of different shapes",
             call("cross_entropy", _probs(rng, 4, 3), _onehot(np.array([0, 1, 2]), 3)),
             hint="raise ValueError when the two shapes differ"),
    ]


def _loss_only(student, reference, c):
    """Compare only the loss (item 0) of each (loss, dscores) pair."""
    from autograder.spec import compare_outputs

    for s, r in zip(student, reference):
        if not isinstance(s, list) or len(s) != 2:
            return "softmax_cross_entropy should return a pair (loss, dscores)"
        message = compare_outputs(s[0], r[0], c.rtol, "the loss")
        if message:
            return message
    return None


def _grad_only(student, reference, c):
    """Compare only the gradient (item 1) of each (loss, dscores) pair."""
    from autograder.spec import compare_outputs

    for s, r in zip(student, reference):
        if not isinstance(s, list) or len(s) != 2:
            return "softmax_cross_entropy should return a pair (loss, dscores)"
        message = compare_outputs(s[1], r[1], c.rtol, "dscores")
        if message:
            return message
    return None


LOSS_HINT = "loss = mean over samples of log(sum_k e^{s_k}) - s_y; use log-sum-exp with the max subtracted"
GRAD_HINT = "dscores = (softmax(scores) - one_hot(y)) / N, the same shape as scores"


def logistic_loss(rng):
    def loss_case(label, scores, y, hint=LOSS_HINT):
        return case(label, call("softmax_cross_entropy", scores, y), compare=_loss_only, hint=hint)

    return [
        loss_case("random scores, 6 samples, 4 classes", rng.normal(size=(6, 4)), rng.integers(0, 4, size=6)),
        loss_case("scores around +1000", 1000 + rng.normal(size=(5, 3)), rng.integers(0, 3, size=5)),
        loss_case("scores spread over thousands", 800 * rng.normal(size=(4, 6)), rng.integers(0, 6, size=4)),
        loss_case("a single sample", rng.normal(size=(1, 5)), np.array([4])),
        loss_case("uniform scores (loss = log K)", np.zeros((3, 7)), np.array([0, 3, 6])),
    ]


def _numerical_gradient_case(rng, n, k, h=1e-5):
    """A case whose calls evaluate the loss at +-h around each score, judged by centred differences."""
    scores = rng.normal(size=(n, k))
    y = rng.integers(0, k, size=n)
    calls = [call("softmax_cross_entropy", scores, y)]
    for idx in np.ndindex(n, k):
        for sign in (1, -1):
            moved = scores.copy()
            moved[idx] += sign * h
            calls.append(call("softmax_cross_entropy", moved, y))

    def compare(student, reference, c):
        for s in student:
            if not isinstance(s, list) or len(s) != 2:
                return "softmax_cross_entropy should return a pair (loss, dscores)"
        analytic = student[0][1]
        if not isinstance(analytic, np.ndarray) or analytic.shape != (n, k):
            return f"dscores should have the shape of scores, {(n, k)}"
        losses = np.array([float(np.asarray(s[0]).reshape(-1)[0]) if np.asarray(s[0]).size == 1 else np.nan
                           for s in student[1:]])
        numeric = ((losses[0::2] - losses[1::2]) / (2 * h)).reshape(n, k)
        err = rel_error(analytic, numeric)
        if not err < 1e-6:
            return f"dscores disagrees with the numerical gradient of your own loss (relative error {err:.1e})"
        return None

    return case("dscores against the numerical gradient of the loss", *calls, compare=compare, hint=GRAD_HINT)


def _input_kept_case(rng, n=4, k=3):
    """The scores array as the student's function left it, judged against the reference's (unchanged)."""
    scores = 3.0 * rng.normal(size=(n, k))
    return case("`scores` is left as it was", call("softmax_cross_entropy", scores, rng.integers(0, k, size=n),
                                                  send=ARGS),
                hint="leave `scores` unchanged: compute new arrays (s = scores - max, not scores -= max; "
                     "no out=scores)")


def logistic_grad(rng):
    def grad_case(label, scores, y):
        return case(label, call("softmax_cross_entropy", scores, y), compare=_grad_only, hint=GRAD_HINT)

    return [
        grad_case("random scores, 6 samples, 4 classes", rng.normal(size=(6, 4)), rng.integers(0, 4, size=6)),
        grad_case("scores around -1000", -1000 + rng.normal(size=(3, 5)), rng.integers(0, 5, size=3)),
        grad_case("a single sample", rng.normal(size=(1, 3)), np.array([1])),
        _numerical_gradient_case(rng, 3, 4),
        _input_kept_case(rng),
    ]


TESTS = {
    "test_softmax_basic": softmax_basic,
    "test_softmax_stable": softmax_stable,
    "test_one_hot": one_hot,
    "test_cross_entropy": cross_entropy,
    "test_logistic_loss": logistic_loss,
    "test_logistic_grad": logistic_grad,
}
