"""Hidden tests for 02_data: inputs the grader makes, judged against the reference solution.

Each entry of TESTS matches a visible test cell of the notebook (same grade_id, same points). The
judge calls the student's functions and the reference on the same inputs and compares outputs;
feedback shows a case's label and hint, never its inputs. See autograder/spec.py.

Every input is small (the largest, 200 x 2,000 rows of 784 pixels, checks that near-duplicate
search works in chunks); no data set is loaded.
"""

import numpy as np

from autograder.spec import call, case, compare_outputs

TAUGHT = {name: f"utils.preprocess.{name}" for name in (
    "standardize_fit", "standardize_apply", "class_balance", "stratified_split",
    "find_exact_duplicates", "find_near_duplicates", "min_validation_size")}


# ----------------------------------------------------------------------------- standardising


def _float64_outputs(student, reference, c):
    """Compare as usual, and insist that every array returned is float64."""
    for s, r in zip(student, reference):
        message = compare_outputs(s, r, c.rtol, "the result")
        if message:
            return message
        for part in s if isinstance(s, list) else [s]:
            if isinstance(part, np.ndarray) and part.dtype != np.float64:
                return f"the result has dtype {part.dtype}, expected float64"
    return None


FIT_HINT = "mean and std over axis 0 (the samples), in float64; std with ddof=0; every std <= eps becomes 1.0"
GUARD_HINT = "replace every std <= eps by 1.0 (a constant feature's np.std can be 1e-17 rather than exactly 0)"


def standardize_fit(rng):
    def fit_case(label, X, hint=FIT_HINT, **kwargs):
        return case(label, call("standardize_fit", X, **kwargs), hint=hint, compare=_float64_outputs)

    zero = rng.normal(size=(6, 4))
    zero[:, 2] = 0.0
    const = rng.normal(size=(7, 3))
    const[:, 0], const[:, 2] = 0.1, 0.7  # np.std gives 1.4e-17 and 1.1e-16 here, not 0
    tiny = rng.normal(size=(8, 3))
    tiny[:, 1] = 5.0 + 1e-3 * rng.normal(size=8)  # std about 1e-3, below eps=0.01
    return [
        fit_case("features on different scales (N=6, D=4)",
                 rng.normal(size=(6, 4)) * [1.0, 10.0, 0.1, 3.0] + [0.0, 5.0, -2.0, 100.0]),
        fit_case("images (N, H, W): statistics of shape (H, W)", rng.random((5, 3, 4))),
        fit_case("a feature that is 0 in every sample", zero, hint=GUARD_HINT),
        fit_case("features equal to 0.1 and 0.7 in every sample", const, hint=GUARD_HINT),
        fit_case("a single sample: every feature is constant", rng.normal(size=(1, 5)),
                 hint=GUARD_HINT + "; divide by N (ddof=0), so one sample gives std 0, not nan"),
        fit_case("a single feature (D = 1)", rng.normal(size=(7, 1))),
        fit_case("float32 values around 10,000 with a spread of 0.01",
                 (1e4 + 0.01 * rng.normal(size=(200, 3))).astype(np.float32),
                 hint="convert to float64 before summing, and use np.std rather than E[x^2] - E[x]^2"),
        fit_case("integer pixels 0..255 (uint8 images)", rng.integers(0, 256, size=(10, 2, 3)).astype(np.uint8)),
        fit_case("a custom eps = 0.01 and a feature with std 0.001", tiny, eps=0.01, hint=GUARD_HINT),
    ]


APPLY_HINT = "return (X - mean) / std in float64, with the mean and std you are given (not X's own)"


def standardize_apply(rng):
    def apply_case(label, X, mean, std, hint=APPLY_HINT):
        return case(label, call("standardize_apply", X, mean, std), hint=hint, compare=_float64_outputs)

    X_train = rng.normal(3.0, 2.0, size=(9, 4))
    guarded = np.array([2.0, 1.0, 0.5])  # feature 1 was constant in training
    return [
        apply_case("rows standardised with another set's statistics",
                   rng.normal(2.0, 3.0, size=(5, 4)), rng.normal(size=4), rng.uniform(0.5, 2.0, size=4)),
        apply_case("images (N, H, W) with statistics of shape (H, W)",
                   rng.random((4, 3, 3)), rng.random((3, 3)), rng.uniform(0.2, 1.0, size=(3, 3))),
        apply_case("a single sample", rng.normal(size=(1, 6)), rng.normal(size=6), rng.uniform(0.5, 2.0, size=6)),
        apply_case("float32 samples give a float64 result", rng.normal(size=(5, 3)).astype(np.float32),
                   rng.normal(size=3), rng.uniform(0.5, 2.0, size=3)),
        apply_case("integer pixels 0..255", rng.integers(0, 256, size=(3, 2, 2)).astype(np.uint8),
                   np.full((2, 2), 100.0), np.full((2, 2), 50.0)),
        apply_case("a feature whose std was set to 1 in training",
                   rng.normal(size=(4, 3)) + [0.0, 7.0, 0.0], np.array([0.5, 7.0, -1.0]), guarded),
        apply_case("the training set with its own statistics", X_train, X_train.mean(axis=0), X_train.std(axis=0)),
    ]


# ----------------------------------------------------------------------------- class balance


BALANCE_HINT = ("counts of every class 0..K-1 (np.bincount with minlength=K), fractions = counts / N, "
                "ratio = largest count / smallest (inf when a class has none)")


def class_balance(rng):
    def balance_case(label, y, k, hint=BALANCE_HINT):
        return case(label, call("class_balance", y, k), hint=hint)

    return [
        balance_case("balanced labels", rng.permutation(np.repeat(np.arange(4), 5)), 4),
        balance_case("imbalanced labels", rng.permutation(np.repeat(np.arange(3), [2, 7, 11])), 3),
        balance_case("the last classes have no sample", rng.permutation(np.repeat(np.arange(3), [3, 1, 2])), 6),
        balance_case("a class in the middle has no sample", rng.permutation(np.array([0, 0, 2, 3, 3, 3])), 4),
        balance_case("a single label", np.array([1]), 3),
        balance_case("int32 labels", rng.permutation(np.repeat(np.arange(5), [4, 4, 2, 4, 6])).astype(np.int32), 5),
        balance_case("a label equal to num_classes", np.array([0, 1, 3]), 3,
                     hint="raise ValueError when a label is outside 0 .. num_classes - 1"),
    ]


# ----------------------------------------------------------------------------- stratified split


SPLIT_HINT = ("for each class (np.unique(y)) hold out round(fraction * n_k) of its indices, chosen with "
              "np.random.default_rng(rng); return (keep, held), each sorted, covering 0..N-1 once")


def _split_case(label, y, fraction, seeds=(0,), hint=SPLIT_HINT):
    """Calls with each seed, then the first seed again; judged on properties, not exact indices."""
    y = np.asarray(y)
    calls = [call("stratified_split", y, fraction, rng=s) for s in (*seeds, seeds[0])]

    def compare(student, reference, c):
        helds = []
        for s, r in zip(student, reference):
            if not isinstance(s, list) or len(s) != 2:
                return "stratified_split should return a pair (keep, held)"
            keep, held = s
            if not all(isinstance(a, np.ndarray) and a.ndim == 1 and a.dtype.kind in "iu" for a in (keep, held)):
                return "keep and held should be 1-D integer arrays of indices"
            if not np.array_equal(np.sort(np.concatenate([keep, held])), np.arange(len(y))):
                return "keep and held together should hold every index 0..N-1 exactly once"
            if np.any(np.diff(keep) < 0) or np.any(np.diff(held) < 0):
                return "keep and held should each be sorted ascending"
            classes = np.unique(y)
            got = np.array([np.sum(y[held] == k) for k in classes])
            want = np.array([np.sum(y[r[1]] == k) for k in classes])
            if not np.array_equal(got, want):
                return "held has the wrong number of samples of some class"
            helds.append(held)
        if not np.array_equal(helds[0], helds[-1]):
            return "the same rng gave two different splits"
        ref_differ = len({tuple(r[1].tolist()) for r in reference[:-1]}) > 1
        if ref_differ and len({tuple(h.tolist()) for h in helds[:-1]}) == 1:
            return "different seeds gave the same split: the held-out samples should be chosen at random"
        return None

    return case(label, *calls, compare=compare, hint=hint)


def stratified_split(rng):
    return [
        _split_case("three classes of 6, 4 and 10, fraction 0.5, two seeds",
                    rng.permutation(np.repeat(np.arange(3), [6, 4, 10])), 0.5, seeds=(0, 1)),
        _split_case("three classes of 3, fraction 0.4: round(1.2) = 1 per class, 3 in all", np.repeat(np.arange(3), 3),
                    0.4, hint="round per class, not over the whole set: round(0.4 * 3) = 1 for each class"),
        _split_case("fraction 0.3 of classes of 6: round(1.8) = 2 each", rng.permutation(np.repeat(np.arange(3), 6)), 0.3,
                    hint="round(fraction * n_k) rounds to the nearest integer; int() cuts 1.8 down to 1"),
        _split_case("labels -1 and +1", rng.permutation(np.repeat([-1, 1], [8, 12])), 0.25,
                    hint="take the classes from np.unique(y), whatever their values"),
        _split_case("labels 3, 7 and 42", rng.permutation(np.repeat([3, 7, 42], [5, 10, 5])), 0.2,
                    hint="take the classes from np.unique(y), whatever their values"),
        _split_case("class names as strings", rng.permutation(np.repeat(np.array(["cat", "dog"]), [6, 9])), 1 / 3,
                    hint="take the classes from np.unique(y), whatever their values"),
        _split_case("a class with one sample (round(0.3) = 0 of it held out)",
                    rng.permutation(np.array([0, 0, 0, 0, 1, 2, 2, 2, 2, 2, 2])), 0.3),
        _split_case("a single sample", np.array([4]), 0.4),
        _split_case("four classes of 25, five seeds", rng.permutation(np.repeat(np.arange(4), 25)), 0.2,
                    seeds=(0, 1, 2, 3, 4), hint="draw the held-out samples at random with the rng you are given"),
    ]


# ----------------------------------------------------------------------------- duplicates


EXACT_HINT = ("one (i, j) row per pair of equal samples, i from A and j from B, sorted by i then j, shape (M, 2); "
              "equal samples within A or within B are not pairs")


def find_exact_duplicates(rng):
    def exact_case(label, A, B, hint=EXACT_HINT):
        return case(label, call("find_exact_duplicates", A, B), hint=hint)

    A, B = rng.random((6, 5)), rng.random((12, 5))
    A[[1, 4]] = B[[7, 2]]
    imgs_a, imgs_b = rng.random((4, 3, 3)), rng.random((7, 3, 3))
    imgs_a[[0, 3]] = imgs_b[[5, 5]]
    rep_b_a, rep_b = rng.random((3, 4)), rng.random((9, 4))
    rep_b[8] = rep_b[3]
    rep_b_a[0] = rep_b[3]
    row, other = rng.random(4), rng.random(4)
    within_a, within_b = np.array([row, row, rng.random(4)]), np.array([other, other])
    tiny_a = rng.random((3, 4))
    tiny_b = tiny_a.copy()
    tiny_b[1, 2] += 1e-12
    perm_a = np.array([[0.0, 0.25, 0.5, 0.75, 1.0, 0.125]]) + rng.integers(0, 8, size=(2, 1)) / 8
    perm_b = np.roll(perm_a, 1, axis=1)  # the same entries, in another order: equal sums, exactly
    f32_a, f32_b = rng.random((5, 4)).astype(np.float32), rng.random((6, 4)).astype(np.float32)
    f32_a[2] = f32_b[0]
    u8_a, u8_b = rng.integers(0, 256, size=(3, 2, 2)).astype(np.uint8), rng.integers(0, 256, size=(4, 2, 2)).astype(np.uint8)
    u8_a[1] = u8_b[3]
    single = rng.random((1, 3))
    return [
        exact_case("rows of A copied from B", A, B),
        exact_case("images (N, H, W)", imgs_a, imgs_b),
        exact_case("no overlap at all", rng.random((4, 3)), rng.random((5, 3)),
                   hint="with no pair, return an empty int64 array of shape (0, 2)"),
        exact_case("a sample that occurs twice in B", rep_b_a, rep_b,
                   hint="keep every index of B for a repeated sample: one pair per combination"),
        exact_case("a sample that occurs twice in A", rep_b[[3, 0, 3]], rep_b[:5],
                   hint="keep every index of A for a repeated sample: one pair per combination"),
        exact_case("repeats inside A and inside B, nothing shared", within_a, within_b,
                   hint="only pairs between A and B count: equal samples inside one split are not an overlap"),
        exact_case("rows that differ by 1e-12 in one entry", tiny_a, tiny_b,
                   hint="exact means equal in every entry: no tolerance, no np.allclose"),
        exact_case("rows with the same entries in another order", perm_a, perm_b,
                   hint="compare the whole row, not a summary of it such as its sum"),
        exact_case("float32 samples", f32_a, f32_b),
        exact_case("integer images (uint8)", u8_a, u8_b),
        exact_case("one sample in each, equal", single, single.copy()),
    ]


NEAR_HINT = ("pairs (i, j) with max_k |A[i, k] - B[j, k]| <= threshold (the largest difference, <=, exact "
             "copies included), sorted by i then j, shape (M, 2)")


def find_near_duplicates(rng):
    def near_case(label, A, B, t, hint=NEAR_HINT):
        return case(label, call("find_near_duplicates", A, B, t), hint=hint)

    A, B = rng.random((8, 6)), rng.random((15, 6))
    B[3] = A[2] + rng.uniform(-0.025, 0.025, size=6)
    B[10] = A[5]
    imgs_a, imgs_b = rng.random((5, 4, 4)), rng.random((9, 4, 4))
    imgs_b[[1, 6]] = imgs_a[[4, 0]] + rng.uniform(-0.01, 0.01, size=(2, 4, 4))
    tie_a = np.array([[0.5, 0.25, 0.75, 0.0]])
    tie_b = tie_a + np.array([[0.25, -0.25, 0.0, 0.0],
                              [0.25 + 2.0**-10, 0.0, 0.0, 0.0],
                              [0.0, 0.0, -0.25, 0.125]])  # at, just above, at the threshold 0.25
    spread_a = rng.random((2, 16))
    spread_b = np.vstack([spread_a[0] + 0.02 * rng.choice([-1.0, 1.0], size=16),  # 0.02 everywhere: near
                          spread_a[1] + 0.05 * np.eye(16)[3]])  # 0.05 in one pixel, mean 0.003: not near
    zero_a, zero_b = rng.random((3, 5)), rng.random((4, 5))
    zero_b[0], zero_b[2] = zero_a[1], zero_a[2] + 1e-6
    f32_a, f32_b = rng.random((4, 8)).astype(np.float32), rng.random((6, 8)).astype(np.float32)
    f32_b[4] = f32_a[1] + rng.uniform(-0.01, 0.01, size=8).astype(np.float32)
    # 120 x 2,000 x 784: all pairs at once needs ~1.5 GB per temporary (over the 2 GB limit with
    # two of them), while a loop over rows runs in about a second
    big_a, big_b = rng.random((120, 784)), rng.random((2000, 784))
    big_b[[5, 999, 1500]] = big_a[[0, 60, 119]] + rng.uniform(-0.01, 0.01, size=(3, 784))
    return [
        near_case("near copies and an exact copy among random rows", A, B, 0.05),
        near_case("images (N, H, W)", imgs_a, imgs_b, 0.02),
        near_case("differences exactly equal to the threshold count", tie_a, tie_b, 0.25,
                  hint="a pair whose largest difference equals the threshold is a near duplicate (<=, not <)"),
        near_case("small differences in every pixel, or one large one", spread_a, spread_b, 0.03,
                  hint="compare the LARGEST absolute difference with the threshold, not the Euclidean "
                       "distance or the mean difference (and with an L2 bound, use D * threshold^2)"),
        near_case("threshold 0: exact duplicates only", zero_a, zero_b, 0.0,
                  hint="with threshold 0 only identical samples pair up; exact copies are near duplicates"),
        near_case("nothing near", rng.random((3, 5)), rng.random((4, 5)), 0.01,
                  hint="with no pair, return an empty int64 array of shape (0, 2)"),
        near_case("float32 samples", f32_a, f32_b, 0.02),
        near_case("a threshold that every pair meets", rng.random((3, 4)), rng.random((5, 4)), 1.0),
        near_case("120 x 2,000 samples of 784 pixels", big_a, big_b, 0.02,
                  hint="work through A in chunks: an (N_A, N_B, D) array does not fit in memory"),
    ]


# ----------------------------------------------------------------------------- rule of 30


RULE_HINT = "the smallest n with n * |delta| >= min_changed: min_changed / |delta| rounded up, allowing 1e-9"


def rule_of_30(rng):
    def rule_case(label, *args, hint=RULE_HINT, **kwargs):
        return case(label, call("min_validation_size", *args, **kwargs), hint=hint)

    k = int(rng.integers(1, 500))
    return [
        rule_case("a change of one point (0.01)", 0.01),
        rule_case("a change of a tenth of a point (0.001)", 0.001),
        rule_case("a change of 2 points", 0.02),
        rule_case("a drop of half a point (negative delta)", -0.005, hint="use |delta|: a drop counts like a rise"),
        rule_case("30 / 0.007 is not a whole number", 0.007, hint="round UP: n = 4285 moves only 29.995 examples"),
        rule_case("a difference of two accuracies, 0.57 - 0.56", 0.57 - 0.56,
                  hint="0.57 - 0.56 is 0.009999999999999898: allow a relative error of 1e-9 before rounding up"),
        rule_case("a difference of two accuracies, 0.80 - 0.81", 0.80 - 0.81, hint=RULE_HINT + "; use |delta|"),
        rule_case("a change of k / 10,000", k / 10000),
        rule_case("a change of 1/3", 1 / 3),
        rule_case("min_changed = 10", 0.02, min_changed=10),
        rule_case("min_changed = 100", 0.004, min_changed=100),
        rule_case("the largest change, delta = 1", 1.0),
        rule_case("delta = 0", 0.0, hint="raise ValueError: no validation set resolves a change of 0"),
        rule_case("delta = 1.5", 1.5, hint="raise ValueError: an accuracy cannot change by more than 1"),
    ]


TESTS = {
    "test_standardize_fit": standardize_fit,
    "test_standardize_apply": standardize_apply,
    "test_class_balance": class_balance,
    "test_stratified_split": stratified_split,
    "test_exact_duplicates": find_exact_duplicates,
    "test_near_duplicates": find_near_duplicates,
    "test_rule_of_30": rule_of_30,
}
