"""Tests for utils.data (load_letters, load_digits, flatten).

Oracles are independent of the generator: duplicates are found by hashing rows (exact) and by the
largest absolute pixel difference to every training image (near); the digits are matched back to
scikit-learn's own array. Small letter sets (500/200/200) live in a temporary cache; one test
builds or loads the default size in the real ``data/cache/``.
"""

import subprocess
import sys
import time
import warnings

import numpy as np
import pytest

from utils import data
from utils.data import LETTERS, flatten, load_digits, load_letters

SMALL = dict(n_train=500, n_val=200, n_test=200)
NEAR = 0.02  # a near duplicate differs from its source by less than this in every pixel
SPLITS = ("train", "val", "test")


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("letters-cache")


@pytest.fixture(scope="module")
def small(cache_dir):
    return load_letters(**SMALL, seed=0, cache_dir=cache_dir)


@pytest.fixture(scope="module")
def default_letters():
    """The default-size set from the real cache (built once if missing), and the seconds it took."""
    start = time.perf_counter()
    d = load_letters()
    return d, time.perf_counter() - start


def exact_matches(A, B):
    """Indices i of rows of A equal to some row of B, found by hashing the bytes of each row."""
    seen = {row.tobytes() for row in flatten(B)}
    return {i for i, row in enumerate(flatten(A)) if row.tobytes() in seen}


def max_abs_to_nearest(A, B, skip_self=False):
    """For each row of A, the smallest over rows of B of the largest absolute pixel difference."""
    A, B = flatten(A), flatten(B)
    out = np.empty(A.shape[0])
    for i, a in enumerate(A):
        d = np.abs(B - a).max(axis=1)
        if skip_self:
            d[i] = np.inf
        out[i] = d.min()
    return out


def near_pairs_prefiltered(A, B):
    """Pairs (i, j) with max |A_i - B_j| < NEAR, for large sets: L2 <= NEAR * sqrt(D) is necessary."""
    A, B = flatten(A), flatten(B)
    a32, b32 = A.astype(np.float32), B.astype(np.float32)
    d2 = (a32 ** 2).sum(1)[:, None] + (b32 ** 2).sum(1)[None] - 2 * a32 @ b32.T
    bound = (NEAR * np.sqrt(A.shape[1])) ** 2 + 0.05  # + slack for float32 rounding
    cand = np.argwhere(d2 < bound)
    return {(i, j) for i, j in cand if np.abs(A[i] - B[j]).max() < NEAR}


# ----------------------------------------------------------------------------- letters


def test_load_letters_shapes_and_dtypes(small):
    for split in SPLITS:
        X, y = small[f"X_{split}"], small[f"y_{split}"]
        n = SMALL[f"n_{split}"]
        assert X.shape == (n, 28, 28) and X.dtype == np.float64, f"X_{split}: {X.shape} {X.dtype}"
        assert y.shape == (n,) and y.dtype == np.int64, f"y_{split}: {y.shape} {y.dtype}"
    assert small["classes"] == list("ABCDEFGHIJ") == list(LETTERS)


def test_load_letters_value_range(small):
    for split in SPLITS:
        X = small[f"X_{split}"]
        assert X.min() >= 0.0 and X.max() <= 1.0, f"X_{split} leaves [0, 1]: {X.min()}..{X.max()}"
        np.testing.assert_array_equal(X * 255, np.rint(X * 255), err_msg="pixels are multiples of 1/255")
        assert set(np.unique(small[f"y_{split}"])) == set(range(10))
        # every image has ink (ink level >= 0.65) standing out from its background (<= 0.1)
        assert (X.max(axis=(1, 2)) - np.median(X, axis=(1, 2)) > 0.4).all(), f"a blank image in X_{split}"


def test_load_letters_glyphs_inside_frame(small):
    X = np.concatenate([small[f"X_{s}"] for s in SPLITS])
    ring = np.concatenate([X[:, 0], X[:, -1], X[:, :, 0], X[:, :, -1]], axis=1)  # (N, 112) edge pixels
    assert ring.mean(axis=1).max() < 0.2, "ink on the image border: a glyph was clipped"


def test_load_letters_class_balance(small):
    for split in SPLITS:
        counts = np.bincount(small[f"y_{split}"], minlength=10)
        n = SMALL[f"n_{split}"]
        assert np.all(np.abs(counts - n / 10) <= max(1, 0.05 * n / 10)), f"{split} counts {counts}"


def test_load_letters_deterministic(small):
    again = load_letters(**SMALL, seed=0, cache=False)
    other = load_letters(**SMALL, seed=1, cache=False)
    for split in SPLITS:
        np.testing.assert_array_equal(again[f"X_{split}"], small[f"X_{split}"])
        np.testing.assert_array_equal(again[f"y_{split}"], small[f"y_{split}"])
        assert not np.array_equal(other[f"X_{split}"], small[f"X_{split}"]), f"seed 1 gave seed 0's X_{split}"
    assert again["planted"] == small["planted"]


def test_load_letters_planted_counts(small):
    k = round(data.PLANTED_FRACTION * 200)  # 4
    assert small["planted"] == {"exact": {"val": k, "test": k}, "near": {"val": k, "test": k}}
    for kind in ("exact", "near"):
        for split in ("val", "test"):
            assert small["planted_pairs"][kind][split].shape == (k, 2)


def test_load_letters_planted_exact_found_by_hashing(small):
    for split in ("val", "test"):
        found = exact_matches(small[f"X_{split}"], small["X_train"])
        assert len(found) == small["planted"]["exact"][split], f"{split}: found {len(found)} exact copies"
        assert found == set(small["planted_pairs"]["exact"][split][:, 0].tolist())


def test_load_letters_planted_near_found(small):
    for split in ("val", "test"):
        dist = max_abs_to_nearest(small[f"X_{split}"], small["X_train"])
        near = set(np.flatnonzero((dist > 0) & (dist < NEAR)).tolist())
        assert len(near) == small["planted"]["near"][split], f"{split}: found {len(near)} near copies"
        pairs = small["planted_pairs"]["near"][split]
        assert near == set(pairs[:, 0].tolist())
        # each near copy sits next to the training image the answer key names, and keeps its label
        diff = np.abs(small[f"X_{split}"][pairs[:, 0]] - small["X_train"][pairs[:, 1]]).max(axis=(1, 2))
        assert np.all((diff > 0) & (diff < NEAR)), diff
        np.testing.assert_array_equal(small[f"y_{split}"][pairs[:, 0]], small["y_train"][pairs[:, 1]])


def test_load_letters_no_accidental_duplicates(small):
    # apart from the planted copies, every image is far from every other, across and within splits
    for split in ("val", "test"):
        dist = max_abs_to_nearest(small[f"X_{split}"], small["X_train"])
        planted = np.concatenate([small["planted_pairs"][k][split][:, 0] for k in ("exact", "near")])
        rest = np.delete(dist, planted)
        assert rest.min() > 0.1, f"{split}: an unplanted image within {rest.min():.3f} of a training image"
    assert max_abs_to_nearest(small["X_val"], small["X_test"]).min() > 0.1, "val and test share an image"
    for split in SPLITS:
        assert max_abs_to_nearest(small[f"X_{split}"], small[f"X_{split}"], skip_self=True).min() > 0.1


def test_load_letters_cache_hit_builds_nothing_and_is_equal(small, cache_dir, monkeypatch):
    assert len(list(cache_dir.glob("letters-*.npz"))) == 1

    def no_build(*args, **kwargs):
        raise AssertionError("the letters were built again although they are cached")

    monkeypatch.setattr(data, "_build_letters", no_build)
    again = load_letters(**SMALL, seed=0, cache_dir=cache_dir)
    for key in ("X_train", "y_train", "X_val", "y_val", "X_test", "y_test"):
        np.testing.assert_array_equal(again[key], small[key])
    assert again["planted"] == small["planted"] and again["fonts"] == small["fonts"]


def test_load_letters_concurrent_builds_do_not_corrupt_the_cache(tmp_path):
    code = ("import sys; from utils.data import load_letters; "
            "d = load_letters(100, 20, 20, seed=3, cache_dir=sys.argv[1]); print(d['X_train'].sum())")
    procs = [subprocess.Popen([sys.executable, "-c", code, str(tmp_path)], stdout=subprocess.PIPE, text=True)
             for _ in range(2)]
    outs = [p.communicate(timeout=60)[0] for p in procs]
    assert all(p.returncode == 0 for p in procs), outs
    assert outs[0] == outs[1]
    assert [p.name for p in tmp_path.iterdir()] == ["letters-v1-100-20-20-seed3.npz"], "temporary files left"
    cached = load_letters(100, 20, 20, seed=3, cache_dir=tmp_path)
    np.testing.assert_array_equal(cached["X_train"], load_letters(100, 20, 20, seed=3, cache=False)["X_train"])


def test_load_letters_rebuilds_a_corrupt_cache(tmp_path):
    path = tmp_path / f"letters-v{data.VERSION}-100-20-20-seed0.npz"
    fresh = load_letters(100, 20, 20, seed=0, cache=False)
    good = load_letters(100, 20, 20, seed=0, cache_dir=tmp_path) and path.read_bytes()
    for garbage in (b"not a zip file", good[: len(good) // 2]):  # garbled, then truncated
        path.write_bytes(garbage)
        d = load_letters(100, 20, 20, seed=0, cache_dir=tmp_path)
        np.testing.assert_array_equal(d["X_val"], fresh["X_val"])
        assert path.read_bytes() == good, "the broken cache file was not rebuilt"


def test_load_letters_unwritable_cache_warns_and_still_loads(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    with pytest.warns(UserWarning, match="could not cache"):
        d = load_letters(100, 20, 20, seed=0, cache_dir=blocker / "cache")
    assert d["X_train"].shape == (100, 28, 28)


def test_load_letters_fonts(small):
    fonts = small["fonts"]
    assert len(fonts) == len(set(fonts)) >= 20, fonts
    for name in ("DejaVu Sans", "DejaVu Serif Bold Italic", "DejaVu Sans Mono", "STIXGeneral", "cmr10", "cmtt10"):
        assert name in fonts
    for name in fonts:  # symbol, placeholder and display fonts lack real A..J glyphs
        assert not name.startswith(("cmex", "Last Resort", "STIXSize", "STIXNonUnicode")) and "Display" not in name


@pytest.mark.parametrize("kwargs", [
    dict(n_train=0), dict(n_val=-5), dict(n_test=9), dict(n_train=2.5), dict(n_val="100"),
    dict(n_test=True), dict(seed=-1), dict(seed=1.5), dict(seed="0"), dict(seed=None),
    dict(n_train=20, n_val=1000),  # too few training images to copy into val and test
])
def test_load_letters_bad_arguments_raise(kwargs, tmp_path):
    args = dict(SMALL, cache_dir=tmp_path)
    args.update(kwargs)
    with pytest.raises(ValueError):
        load_letters(**args)


def test_load_letters_default_size(default_letters):
    d, seconds = default_letters  # (the time is printed by make bench-notebooks, not asserted)
    assert d["X_train"].shape == (20000, 28, 28)
    assert d["X_val"].shape == d["X_test"].shape == (2000, 28, 28)
    assert d["planted"] == {"exact": {"val": 40, "test": 40}, "near": {"val": 40, "test": 40}}
    for split in SPLITS:
        counts = np.bincount(d[f"y_{split}"], minlength=10)
        assert counts.min() == counts.max(), counts
    for split in ("val", "test"):
        assert len(exact_matches(d[f"X_{split}"], d["X_train"])) == 40
        pairs = near_pairs_prefiltered(d[f"X_{split}"], d["X_train"])
        exact = {(i, j) for i, j in pairs if np.array_equal(d[f"X_{split}"][i], d["X_train"][j])}
        expected = {tuple(p) for k in ("exact", "near") for p in d["planted_pairs"][k][split].tolist()}
        assert pairs == expected, f"{split}: near-or-exact pairs differ from the planted ones"
        assert len(pairs - exact) == 40


def test_load_letters_learnable_not_trivial(default_letters):
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.linear_model import LogisticRegression

    d, _ = default_letters
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf = LogisticRegression(max_iter=100, tol=1e-3).fit(flatten(d["X_train"][:5000]), d["y_train"][:5000])
    acc = clf.score(flatten(d["X_test"]), d["y_test"])
    print(f"logistic regression on 5000 letters: test accuracy {acc:.3f}")
    assert 0.75 <= acc <= 0.95, f"test accuracy {acc:.3f}: the letters are too hard or too easy"


# ----------------------------------------------------------------------------- digits and flatten


def test_flatten_shape():
    X = np.arange(2 * 3 * 4.0).reshape(2, 3, 4)
    np.testing.assert_array_equal(flatten(X), X.reshape(2, 12))
    with pytest.raises(ValueError):
        flatten(np.zeros((2, 3)))


def test_load_digits_shapes_dtypes_range():
    d = load_digits()
    assert d["classes"] == list("0123456789")
    for split in SPLITS:
        X, y = d[f"X_{split}"], d[f"y_{split}"]
        assert X.ndim == 3 and X.shape[1:] == (8, 8) and X.dtype == np.float64
        assert y.shape == (X.shape[0],) and y.dtype == np.int64
        assert X.min() >= 0.0 and X.max() <= 1.0
    assert d["X_train"].max() == 1.0


def test_load_digits_covers_all_images_once():
    from sklearn.datasets import load_digits as sklearn_digits

    ref = sklearn_digits()
    where = {row.tobytes(): i for i, row in enumerate(ref.images.reshape(-1, 64) / 16.0)}
    assert len(where) == 1797  # the digits hold no duplicates, so a row names its image
    d = load_digits(seed=4)
    seen = []
    for split in SPLITS:
        idx = [where[row.tobytes()] for row in flatten(d[f"X_{split}"])]
        np.testing.assert_array_equal(d[f"y_{split}"], ref.target[idx])
        seen += idx
    assert sorted(seen) == list(range(1797))


@pytest.mark.parametrize("val_fraction,test_fraction", [(0.15, 0.15), (0.1, 0.3), (0.5, 0.25)])
def test_load_digits_stratified(val_fraction, test_fraction):
    d = load_digits(val_fraction, test_fraction, seed=0)
    total = np.bincount(np.concatenate([d[f"y_{s}"] for s in SPLITS]), minlength=10)
    for split, frac in (("val", val_fraction), ("test", test_fraction)):
        counts = np.bincount(d[f"y_{split}"], minlength=10)
        assert np.all(np.abs(counts - frac * total) <= 0.5 + 1e-9), f"{split}: {counts} vs {frac} of {total}"


def test_load_digits_deterministic():
    a, b, c = load_digits(seed=7), load_digits(seed=7), load_digits(seed=8)
    for split in SPLITS:
        np.testing.assert_array_equal(a[f"X_{split}"], b[f"X_{split}"])
        np.testing.assert_array_equal(a[f"y_{split}"], b[f"y_{split}"])
    assert not np.array_equal(a["X_test"], c["X_test"])


@pytest.mark.parametrize("kwargs", [
    dict(val_fraction=0), dict(val_fraction=1), dict(test_fraction=-0.1), dict(test_fraction=1.2),
    dict(val_fraction=0.6, test_fraction=0.4), dict(val_fraction=0.7, test_fraction=0.5),
    dict(val_fraction="0.1"), dict(val_fraction=1e-4), dict(seed=1.0), dict(seed=-3), dict(seed=True),
])
def test_load_digits_bad_arguments_raise(kwargs):
    with pytest.raises(ValueError):
        load_digits(**kwargs)


# ----------------------------------------------------------------------------- shifted letters


@pytest.fixture(scope="module")
def shifted(cache_dir, small):
    return data.load_shifted_letters(**SMALL, side=22, seed=0, cache_dir=cache_dir)


def test_load_shifted_letters_shapes_labels_and_range(shifted, small):
    for split in SPLITS:
        X = shifted[f"X_{split}"]
        assert X.shape == (SMALL[f"n_{split}"], 22, 22) and X.dtype == np.float64
        assert X.min() >= 0.0 and X.max() <= 1.0
        np.testing.assert_array_equal(np.rint(X * 255) / 255, X)
        np.testing.assert_array_equal(shifted[f"y_{split}"], small[f"y_{split}"])
        offsets = shifted["offsets"][split]
        assert offsets.shape == (X.shape[0], 2) and offsets.min() == 0 and offsets.max() == 22 - 14


def test_load_shifted_letters_letter_sits_at_its_offset(shifted, small):
    """The halved letter correlates with the canvas at its own offset far better than elsewhere."""
    own, other = [], []
    for i in range(100):
        letter = small["X_train"][i].reshape(14, 2, 14, 2).mean(axis=(1, 3))
        r, c = shifted["offsets"]["train"][i]
        box = shifted["X_train"][i][r:r + 14, c:c + 14]
        own.append(np.corrcoef(letter.ravel(), box.ravel())[0, 1])
        r2, c2 = (r + 4) % 9, (c + 5) % 9
        other.append(np.corrcoef(letter.ravel(), shifted["X_train"][i][r2:r2 + 14, c2:c2 + 14].ravel())[0, 1])
    assert np.median(own) > 0.8 and np.median(own) > np.median(other) + 0.4, (np.median(own), np.median(other))


def test_load_shifted_letters_deterministic_and_cached(shifted, cache_dir):
    assert len(list(cache_dir.glob("shifted-*.npz"))) == 1
    again = data.load_shifted_letters(**SMALL, side=22, seed=0, cache_dir=cache_dir)
    fresh = data.load_shifted_letters(**SMALL, side=22, seed=0, cache=False)
    for key in ("X_train", "X_val", "X_test"):
        np.testing.assert_array_equal(again[key], shifted[key])
        np.testing.assert_array_equal(fresh[key], shifted[key])
    other = data.load_shifted_letters(**SMALL, side=22, seed=1, cache=False)
    assert not np.array_equal(other["X_train"], shifted["X_train"])


def test_load_shifted_letters_harder_than_the_letters(shifted, small):
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.linear_model import LogisticRegression

    scores = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        for name, d in (("letters", small), ("shifted", shifted)):
            clf = LogisticRegression(max_iter=200).fit(flatten(d["X_train"]), d["y_train"])
            scores[name] = clf.score(flatten(d["X_test"]), d["y_test"])
    print(f"logistic regression on 500 images: {scores}")
    assert scores["shifted"] < scores["letters"] - 0.2, scores
