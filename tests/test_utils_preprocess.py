"""Tests for utils.preprocess (standardising, class balance, stratified split, duplicate search,
the rule of 30).

Oracles: hand-computed values, scikit-learn's StandardScaler, brute-force loops over every pair of
samples, Python's statistics module, and the planted duplicates of a small letter set.
"""

import math

import numpy as np
import pytest

from utils.preprocess import (class_balance, find_exact_duplicates, find_near_duplicates, min_validation_size,
                              standardize_apply, standardize_fit, stratified_split)

RTOL = 1e-12


def brute_pairs(A, B, threshold=None):
    """Every (i, j) with A[i] == B[j] (threshold None) or max |A[i] - B[j]| <= threshold, by loops."""
    A = np.asarray(A, dtype=np.float64).reshape(len(A), -1)
    B = np.asarray(B, dtype=np.float64).reshape(len(B), -1)
    out = []
    for i in range(len(A)):
        for j in range(len(B)):
            if threshold is None:
                hit = all(a == b for a, b in zip(A[i], B[j]))
            else:
                hit = max(abs(a - b) for a, b in zip(A[i], B[j])) <= threshold
            if hit:
                out.append((i, j))
    return np.array(out, dtype=np.int64).reshape(-1, 2)


# ----------------------------------------------------------------------------- standardize


def test_standardize_fit_hand_values():
    X = np.array([[1.0, 0.0, 5.0], [3.0, 0.0, 5.0], [5.0, 0.0, 5.0], [7.0, 0.0, 5.0]])
    mean, std = standardize_fit(X)
    np.testing.assert_allclose(mean, [4.0, 0.0, 5.0], rtol=RTOL)
    np.testing.assert_allclose(std, [math.sqrt(5.0), 1.0, 1.0], rtol=RTOL)


def test_standardize_matches_sklearn_scaler():
    from sklearn.preprocessing import StandardScaler

    rng = np.random.default_rng(0)
    X_train = rng.normal(size=(50, 6)) * [1, 10, 0.1, 3, 1, 2] + [0, 5, -2, 100, 0, 0]
    X_train[:, 4] = 3.0  # constant: sklearn also leaves its scale at 1
    X_test = rng.normal(size=(7, 6))
    scaler = StandardScaler().fit(X_train)
    mean, std = standardize_fit(X_train)
    np.testing.assert_allclose(mean, scaler.mean_, rtol=RTOL)
    np.testing.assert_allclose(std, scaler.scale_, rtol=1e-10)
    np.testing.assert_allclose(standardize_apply(X_test, mean, std), scaler.transform(X_test), rtol=1e-10, atol=1e-12)


def test_standardize_training_set_has_zero_mean_unit_std():
    X = np.random.default_rng(1).normal(3.0, 2.0, size=(40, 5))
    Z = standardize_apply(X, *standardize_fit(X))
    np.testing.assert_allclose(Z.mean(axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose(Z.std(axis=0), 1.0, rtol=1e-12)


def test_standardize_images_keep_their_shape():
    X = np.arange(12.0).reshape(3, 2, 2)
    mean, std = standardize_fit(X)
    assert mean.shape == std.shape == (2, 2)
    np.testing.assert_allclose(mean, [[4.0, 5.0], [6.0, 7.0]], rtol=RTOL)
    np.testing.assert_allclose(std, math.sqrt(32 / 3), rtol=RTOL)
    assert standardize_apply(X, mean, std).shape == (3, 2, 2)


@pytest.mark.parametrize("value,n", [(0.1, 7), (0.7, 7), (0.0, 4)])
def test_standardize_fit_guards_constant_features(value, n):
    X = np.random.default_rng(2).normal(size=(n, 3))
    X[:, 1] = value
    mean, std = standardize_fit(X)
    assert std[1] == 1.0
    Z = standardize_apply(X, mean, std)
    assert np.all(np.isfinite(Z))
    np.testing.assert_allclose(Z[:, 1], 0.0, atol=1e-15)


def test_standardize_fit_single_sample_and_custom_eps():
    mean, std = standardize_fit(np.array([[1.0, -2.0, 3.0]]))
    np.testing.assert_array_equal(std, [1.0, 1.0, 1.0])
    X = np.column_stack([np.linspace(0, 1, 9), 5.0 + 1e-3 * np.linspace(-1, 1, 9)])
    assert standardize_fit(X, eps=0.01)[1][1] == 1.0
    assert standardize_fit(X)[1][1] < 0.01


def test_standardize_float32_and_uint8_inputs_give_float64():
    X32 = (1e4 + 0.01 * np.random.default_rng(3).normal(size=(200, 3))).astype(np.float32)
    mean, std = standardize_fit(X32)
    assert mean.dtype == std.dtype == np.float64
    X64 = X32.astype(np.float64)
    np.testing.assert_allclose(std, [np.std(X64[:, k]) for k in range(3)], rtol=1e-9)
    u8 = np.array([[0, 255], [255, 0]], dtype=np.uint8)
    Z = standardize_apply(u8, np.array([100.0, 100.0]), np.array([50.0, 50.0]))
    assert Z.dtype == np.float64
    np.testing.assert_allclose(Z, [[-2.0, 3.1], [3.1, -2.0]], rtol=RTOL)


def test_standardize_apply_uses_given_statistics_not_its_own():
    X = np.array([[6.0, 3.0], [4.0, -1.0]])
    out = standardize_apply(X, np.array([4.0, 0.0]), np.array([2.0, 1.0]))
    np.testing.assert_allclose(out, [[1.0, 3.0], [0.0, -1.0]], rtol=RTOL)


# ----------------------------------------------------------------------------- class_balance


def test_class_balance_values():
    report = class_balance(np.array([0, 2, 2, 1, 2, 0, 1, 2]), 3)
    np.testing.assert_array_equal(report["counts"], [2, 2, 4])
    assert report["counts"].dtype == np.int64
    np.testing.assert_allclose(report["fractions"], [0.25, 0.25, 0.5], rtol=RTOL)
    assert report["ratio"] == 2.0 and isinstance(report["ratio"], float)


def test_class_balance_absent_classes_make_the_ratio_infinite():
    report = class_balance(np.array([1, 0, 1]), 4)
    np.testing.assert_array_equal(report["counts"], [1, 2, 0, 0])
    assert report["ratio"] == np.inf


@pytest.mark.parametrize("bad", [[0, 3], [-1, 0], [[0, 1]]])
def test_class_balance_rejects_bad_labels(bad):
    with pytest.raises(ValueError):
        class_balance(np.array(bad), 3)


# ----------------------------------------------------------------------------- stratified_split


@pytest.mark.parametrize("fraction", [0.0, 0.2, 0.3, 0.5, 0.77, 1.0])
def test_stratified_split_is_a_stratified_partition(fraction):
    y = np.random.default_rng(4).permutation(np.repeat([5, -1, 7, 2], [6, 4, 10, 1]))
    keep, held = stratified_split(y, fraction, rng=3)
    assert keep.dtype == held.dtype == np.int64
    np.testing.assert_array_equal(np.sort(np.concatenate([keep, held])), np.arange(len(y)))
    assert np.all(np.diff(keep) > 0) and np.all(np.diff(held) > 0)
    for k in np.unique(y):
        n_k = int(np.sum(y == k))
        assert np.sum(y[held] == k) == round(fraction * n_k)


def test_stratified_split_reproducible_and_random():
    y = np.repeat(np.arange(4), 25)
    first = stratified_split(y, 0.2, rng=0)
    again = stratified_split(y, 0.2, rng=np.random.default_rng(0))
    np.testing.assert_array_equal(first[1], again[1])
    held_sets = {tuple(stratified_split(y, 0.2, rng=s)[1]) for s in range(10)}
    assert len(held_sets) == 10
    # every sample is held out sometimes: the choice is not always the first ones of a class
    counts = np.zeros(len(y))
    for s in range(200):
        counts[stratified_split(y, 0.2, rng=s)[1]] += 1
    assert counts.min() > 10 and counts.max() < 70  # expectation 40


def test_stratified_split_string_labels_and_single_sample():
    y = np.array(["cat"] * 6 + ["dog"] * 9)
    keep, held = stratified_split(y, 1 / 3, rng=1)
    assert sorted(y[held].tolist()) == ["cat"] * 2 + ["dog"] * 3
    keep, held = stratified_split(np.array([4]), 0.4)
    np.testing.assert_array_equal(keep, [0])
    assert held.shape == (0,)


@pytest.mark.parametrize("fraction", [-0.1, 1.5])
def test_stratified_split_rejects_bad_fraction(fraction):
    with pytest.raises(ValueError):
        stratified_split(np.array([0, 1, 1]), fraction)


# ----------------------------------------------------------------------------- duplicates


def test_find_exact_duplicates_hand_example():
    A = np.array([[0.0, 1.0], [0.5, 0.5], [0.0, 1.0], [0.3, 0.7]])
    B = np.array([[0.5, 0.5], [0.0, 1.0], [0.9, 0.9], [0.5, 0.5]])
    pairs = find_exact_duplicates(A, B)
    assert pairs.dtype == np.int64
    np.testing.assert_array_equal(pairs, [[0, 1], [1, 0], [1, 3], [2, 1]])


def test_find_exact_duplicates_matches_brute_force():
    rng = np.random.default_rng(5)
    A = rng.integers(0, 3, size=(30, 2, 2)).astype(np.float64)  # many collisions on purpose
    B = rng.integers(0, 3, size=(25, 2, 2)).astype(np.float64)
    np.testing.assert_array_equal(find_exact_duplicates(A, B), brute_pairs(A, B))


def test_find_exact_duplicates_edge_cases():
    row = np.array([1.0, 2.0])
    assert find_exact_duplicates(np.array([row, row]), np.array([row + 1, row + 1])).shape == (0, 2)
    np.testing.assert_array_equal(find_exact_duplicates(np.array([[0.0, 1.0]]), np.array([[-0.0, 1.0]])), [[0, 0]])
    tiny = np.array([[0.5, 0.5 + 1e-12]])
    assert find_exact_duplicates(np.array([[0.5, 0.5]]), tiny).shape == (0, 2)
    a32 = np.array([[0.1, 0.2]], dtype=np.float32)
    np.testing.assert_array_equal(find_exact_duplicates(a32, a32.astype(np.float64)), [[0, 0]])
    with pytest.raises(ValueError):
        find_exact_duplicates(np.zeros((2, 3)), np.zeros((2, 4)))


def test_find_near_duplicates_hand_example():
    A = np.array([[0.0, 0.0, 0.0, 0.0], [1.0, 1.0, 1.0, 1.0], [0.5, 0.5, 0.5, 0.5]])
    B = np.array([[0.02, 0.02, 0.02, 0.02], [1.0, 1.0, 1.0, 1.0], [0.5, 0.5, 0.5, 0.75], [0.0, 0.0, 0.0, 0.1]])
    np.testing.assert_array_equal(find_near_duplicates(A, B, 0.03), [[0, 0], [1, 1]])
    np.testing.assert_array_equal(find_near_duplicates(A, B, 0.25), [[0, 0], [0, 3], [1, 1], [2, 2]])
    assert find_near_duplicates(A[:1], B[1:3], 0.03).shape == (0, 2)


@pytest.mark.parametrize("threshold", [0.0, 0.1, 0.25, 0.5, 1.0])
def test_find_near_duplicates_matches_brute_force(threshold):
    rng = np.random.default_rng(6)
    A = rng.integers(0, 5, size=(20, 3)) / 4  # multiples of 1/4: exact ties at the thresholds
    B = rng.integers(0, 5, size=(30, 3)) / 4
    np.testing.assert_array_equal(find_near_duplicates(A, B, threshold), brute_pairs(A, B, threshold))


def test_find_near_duplicates_with_threshold_zero_is_exact():
    rng = np.random.default_rng(7)
    A = rng.integers(0, 2, size=(40, 4)).astype(np.float64)
    B = rng.integers(0, 2, size=(30, 4)).astype(np.float64)
    np.testing.assert_array_equal(find_near_duplicates(A, B, 0.0), find_exact_duplicates(A, B))


def test_find_near_duplicates_works_in_chunks(monkeypatch):
    import utils.preprocess as pp

    monkeypatch.setattr(pp, "_BLOCK", 64)  # chunks of 2 rows of A, 64 candidate pairs at a time
    rng = np.random.default_rng(8)
    A, B = rng.random((9, 8)), rng.random((30, 8))
    B[[3, 20, 29]] = A[[0, 4, 8]] + rng.uniform(-0.01, 0.01, size=(3, 8))
    np.testing.assert_array_equal(pp.find_near_duplicates(A, B, 0.02), brute_pairs(A, B, 0.02))
    np.testing.assert_array_equal(pp.find_near_duplicates(A, B, 1.0), brute_pairs(A, B, 1.0))


def test_find_near_duplicates_rejects_negative_threshold():
    with pytest.raises(ValueError):
        find_near_duplicates(np.zeros((1, 2)), np.zeros((1, 2)), -0.1)


def test_duplicate_search_finds_the_planted_letters(tmp_path):
    from utils.data import load_letters

    d = load_letters(n_train=500, n_val=200, n_test=200, seed=0, cache_dir=tmp_path)
    for split in ("val", "test"):
        exact = find_exact_duplicates(d[f"X_{split}"], d["X_train"])
        near = find_near_duplicates(d[f"X_{split}"], d["X_train"], 0.03)
        planted_exact = d["planted_pairs"]["exact"][split]
        planted_all = np.concatenate([planted_exact, d["planted_pairs"]["near"][split]])
        assert {tuple(p) for p in exact} == {tuple(p) for p in planted_exact}
        assert {tuple(p) for p in near} == {tuple(p) for p in planted_all}


# ----------------------------------------------------------------------------- rule of 30


@pytest.mark.parametrize("delta,expected", [
    (0.01, 3000), (0.001, 30000), (0.005, 6000), (0.02, 1500), (-0.005, 6000), (0.007, 4286),
    (0.57 - 0.56, 3000), (0.80 - 0.81, 3000), (0.12 - 0.11, 3000), (1 / 3, 90), (1.0, 30)])
def test_min_validation_size_values(delta, expected):
    n = min_validation_size(delta)
    assert n == expected and isinstance(n, int)


def test_min_validation_size_is_the_smallest_size():
    for k in range(1, 300):
        delta = k / 1000
        n = min_validation_size(delta)
        exact = 30_000 / k  # in exact arithmetic, n = ceil(30000 / k)
        assert n == math.ceil(exact - 1e-9)
        assert n * delta >= 30 * (1 - 1e-9) and (n - 1) * delta < 30


def test_min_validation_size_other_min_changed_and_errors():
    assert min_validation_size(0.02, min_changed=10) == 500
    assert min_validation_size(0.004, min_changed=100) == 25000
    for bad in (0.0, 1.5, -2.0):
        with pytest.raises(ValueError):
            min_validation_size(bad)
