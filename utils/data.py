"""Offline data sets: letters A-J rendered from fonts (notMNIST-style), a harder "shifted letters"
variant (small letters anywhere on a cluttered canvas, ``load_shifted_letters``), and
scikit-learn's digits.

Nothing is downloaded. The letters are drawn from the font files that ship inside matplotlib,
distorted with numpy, and cached in ``data/cache/``; the digits ship inside scikit-learn.
Both loaders return the same dict: ``X_train, y_train, X_val, y_val, X_test, y_test`` with X float64
of shape (N, H, W) in [0, 1] (0 background, 1 ink) and y int64 of shape (N,), plus ``classes``.

How the letters are made (see ``data/README.md`` for sizes and timings):
1. every matplotlib font whose glyphs for A..J exist (named "A".."J") and are not blank is rendered
   once per letter with FreeType, the glyph's larger side scaled to ``GLYPH_BOX`` pixels;
2. each image picks a font and applies a random affine map (rotation, scale, aspect, shear, shift,
   kept inside the frame), sampled bilinearly on a 56x56 grid;
3. a 3x3 max or min filter, blended in by a random amount, thickens or thins the strokes;
4. 2x2 averaging gives 28x28 (bilinear sampling at the block centres); then random background and
   ink levels, Gaussian noise, and rounding to multiples of 1/255 (so the cache holds uint8).
5. into val and test a known number of exact copies and near copies (copy + at most 3/255 of
   noise per pixel) of training images is planted; the loader reports how many.
"""

import os
import tempfile
import warnings
import zipfile
from pathlib import Path

import numpy as np

__all__ = ["LETTERS", "DIGITS", "load_letters", "load_shifted_letters", "load_digits", "flatten", "CACHE_DIR"]

LETTERS = "ABCDEFGHIJ"
DIGITS = "0123456789"

VERSION = "1"  # bump when the images a given (sizes, seed) produce change: old caches are ignored
CACHE_DIR = Path(__file__).resolve().parent.parent / "data" / "cache"  # tests point it elsewhere

SIDE = 28  # output images are SIDE x SIDE
FRAME = 2 * SIDE  # working resolution of the warp and the stroke filter
GLYPH_BOX = 38  # larger side of an undistorted glyph, in FRAME pixels (68% of the frame)
BASE = 64  # canvas holding one rendered glyph, with a blank border for the sampler
MARGIN = 2  # FRAME pixels kept blank on each side after distortion (the filter may add 1)

ROTATION_DEG = 15.0  # rotation uniform in +-15 degrees
SCALE = (0.8, 1.15)  # overall scale, uniform; shrunk further if the glyph would leave the frame
ASPECT = 0.1  # width/height stretched by exp(U(-0.1, 0.1)) against each other
SHEAR = 0.2  # horizontal shear x += s * y, s uniform in +-0.2 (about +-11 degrees)
SHIFT = 6.0  # translation up to +-6 FRAME pixels (+-3 output pixels), if the frame has room
STROKE = (-0.6, 1.0)  # < 0 blends towards a 3x3 min filter (thinner), > 0 towards max (bolder)
BACKGROUND = (0.0, 0.1)  # background grey level, uniform
INK = (0.65, 1.0)  # ink grey level, uniform
NOISE = (0.01, 0.08)  # standard deviation of the Gaussian pixel noise, uniform

PLANTED_FRACTION = 0.02  # of each of val and test: this many exact copies, and as many near copies
NEAR_LEVELS = 3  # a near copy differs from its source by at most 3/255 (< 0.012) per pixel
CHUNK = 1000  # images distorted at a time (bounds memory to ~100 MB)


# ----------------------------------------------------------------------------- helpers


def flatten(X):
    """Flatten images into rows of pixels.

    Inputs:
    - X: images, shape (N, H, W).

    Returns a view or copy of shape (N, H * W).
    """
    X = np.asarray(X)
    if X.ndim != 3:
        raise ValueError(f"flatten expects images of shape (N, H, W), got shape {X.shape}")
    return X.reshape(X.shape[0], -1)


def _check_int(name, value, minimum):
    """Raise ValueError unless value is an integer (not a bool) of at least ``minimum``."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        raise ValueError(f"{name} must be an integer, got {value!r} of type {type(value).__name__}")
    if value < minimum:
        raise ValueError(f"{name} must be at least {minimum}, got {value}")
    return int(value)


def _check_fraction(name, value):
    """Raise ValueError unless value is a real number strictly between 0 and 1."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise ValueError(f"{name} must be a number in (0, 1), got {value!r}")
    if not 0.0 < value < 1.0:
        raise ValueError(f"{name} must lie strictly between 0 and 1, got {value}")
    return float(value)


def _result(arrays, classes):
    """Turn cached uint8 images and integer labels into the loaders' dict of float64/int64."""
    out = {}
    for split in ("train", "val", "test"):
        out[f"X_{split}"] = arrays[f"X_{split}"].astype(np.float64) / 255.0  # (N, 28, 28)
        out[f"y_{split}"] = arrays[f"y_{split}"].astype(np.int64)  # (N,)
    out["classes"] = list(classes)
    return out


# ----------------------------------------------------------------------------- fonts


def _font_files():
    """Return the sorted paths of the TrueType fonts that ship inside matplotlib."""
    import matplotlib

    return sorted((Path(matplotlib.get_data_path()) / "fonts" / "ttf").glob("*.ttf"))


def _char_index(font, char):
    """Glyph index of ``char`` in ``font`` itself (0 if missing), never a fallback font's."""
    try:
        return font.get_char_index(ord(char), _fallback=False)
    except TypeError:  # matplotlib < 3.10 has no fallback fonts, nor the keyword
        return font.get_char_index(ord(char))


def _render(font, char, size):
    """Render one glyph at ``size`` pixels per em; return its ink, cropped, in [0, 1]."""
    from matplotlib.ft2font import LoadFlags

    font.set_size(size, 72)  # at 72 dpi one point is one pixel
    font.set_text(char, flags=LoadFlags.NO_HINTING)  # the outline as designed, not grid-fitted
    font.draw_glyphs_to_bitmap(antialiased=True)
    img = np.asarray(font.get_image(), dtype=np.float64) / 255.0
    rows, cols = np.nonzero(img > 0)
    if rows.size == 0:
        return None
    return img[rows.min():rows.max() + 1, cols.min():cols.max() + 1]


def _render_bases():
    """Render A..J once in every usable matplotlib font.

    Returns (bases, centres, names):
    - bases: float64 (F * 10, BASE, BASE), glyph of font f and letter k at row f * 10 + k, ink 1,
      larger side GLYPH_BOX pixels, with a blank border;
    - centres: float64 (F * 10, 2), (row, col) of the middle of each glyph's ink box;
    - names: the F font names, e.g. "DejaVu Sans Bold".
    A font is skipped when a letter has no glyph of its own or a glyph named otherwise (symbol
    fonts such as cmex10 put brackets there; LastResort draws one placeholder for all), or when a
    glyph renders blank.
    """
    from matplotlib.ft2font import FT2Font

    bases, centres, names = [], [], []
    for path in _font_files():
        font = FT2Font(str(path))
        if any(_char_index(font, c) == 0 or font.get_glyph_name(_char_index(font, c)) != c
               for c in LETTERS):
            continue
        glyphs = []
        for c in LETTERS:
            probe = _render(font, c, 100)
            if probe is None:
                break
            size = 100 * GLYPH_BOX / max(probe.shape)  # larger side of the ink box -> GLYPH_BOX
            glyph = _render(font, c, size)
            if glyph is None or max(glyph.shape) > BASE - 4:
                break
            glyphs.append(glyph)
        if len(glyphs) != len(LETTERS):
            continue
        for glyph in glyphs:
            h, w = glyph.shape
            top, left = (BASE - h) // 2, (BASE - w) // 2
            canvas = np.zeros((BASE, BASE))
            canvas[top:top + h, left:left + w] = glyph
            bases.append(canvas)
            centres.append((top + (h - 1) / 2, left + (w - 1) / 2))
        style = "" if font.style_name in ("Regular", "Book") else " " + font.style_name
        names.append(font.family_name + style)
    return np.array(bases), np.array(centres), names


# ----------------------------------------------------------------------------- distortions


def _affine(n, rng):
    """Draw n random linear maps (rotation, scale, aspect, shear): float64 (n, 2, 2) on (row, col)."""
    theta = np.deg2rad(rng.uniform(-ROTATION_DEG, ROTATION_DEG, n))
    scale = rng.uniform(*SCALE, n)
    aspect = np.exp(rng.uniform(-ASPECT, ASPECT, n))
    shear = rng.uniform(-SHEAR, SHEAR, n)
    cos, sin = np.cos(theta), np.sin(theta)
    rot = np.stack([np.stack([cos, -sin], -1), np.stack([sin, cos], -1)], -2)  # (n, 2, 2)
    shr = np.zeros((n, 2, 2))
    shr[:, 0, 0] = shr[:, 1, 1] = 1.0
    shr[:, 1, 0] = shear  # col += shear * row
    stretch = np.zeros((n, 2, 2))
    stretch[:, 0, 0] = scale / np.sqrt(aspect)  # rows
    stretch[:, 1, 1] = scale * np.sqrt(aspect)  # cols
    return rot @ shr @ stretch


def _warp(bases, centres, sizes, index, rng):
    """Distort glyphs ``bases[index]`` into FRAME x FRAME images, sampled bilinearly.

    Inputs:
    - bases: (B, BASE, BASE) glyphs; centres: (B, 2) their ink-box centres; sizes: (B, 2) the
      ink-box heights and widths.
    - index: (n,) which glyph each output image starts from.

    Returns float64 (n, FRAME, FRAME) in [0, 1].
    """
    n = index.shape[0]
    A = _affine(n, rng)  # (n, 2, 2), maps glyph offsets to frame offsets
    # Corners of each ink box after the map: shrink what would leave the frame, then shift.
    h, w = sizes[index, 0] / 2, sizes[index, 1] / 2
    corners = np.stack([np.stack([s * h, t * w], -1) for s in (-1, 1) for t in (-1, 1)], 1)  # (n, 4, 2)
    extent = np.abs(corners @ A.transpose(0, 2, 1)).max(axis=1)  # (n, 2) half-extents in the frame
    room = (FRAME - 1) / 2 - MARGIN
    shrink = np.minimum(1.0, room / extent.max(axis=1))  # (n,)
    A *= shrink[:, None, None]
    extent *= shrink[:, None]
    slack = np.minimum(room - extent, SHIFT)  # (n, 2), >= 0
    shift = rng.uniform(-1.0, 1.0, (n, 2)) * slack

    # Inverse map: for every output pixel, where to read in the glyph canvas.
    rr, cc = np.meshgrid(np.arange(FRAME), np.arange(FRAME), indexing="ij")
    grid = np.stack([rr.ravel(), cc.ravel()], -1) - (FRAME - 1) / 2  # (P, 2) offsets from the centre
    src = (grid[None] - shift[:, None]) @ np.linalg.inv(A).transpose(0, 2, 1)  # (n, P, 2)
    src += centres[index][:, None]
    src = np.clip(src, 0, BASE - 1.001)  # outside the canvas reads its blank border
    r0, c0 = np.floor(src[..., 0]).astype(np.int64), np.floor(src[..., 1]).astype(np.int64)
    fr, fc = src[..., 0] - r0, src[..., 1] - c0  # (n, P)
    flat = bases.reshape(-1)
    at = index[:, None] * BASE * BASE + r0 * BASE + c0  # (n, P) flat index of the top-left sample
    out = ((1 - fr) * (1 - fc) * flat[at] + (1 - fr) * fc * flat[at + 1]
           + fr * (1 - fc) * flat[at + BASE] + fr * fc * flat[at + BASE + 1])
    return out.reshape(n, FRAME, FRAME)


def _filter3(X, op):
    """Apply a 3x3 max or min filter (``op`` = np.maximum or np.minimum) to images (n, H, W)."""
    P = np.pad(X, ((0, 0), (1, 1), (1, 1)))  # zero border: the glyphs never touch it
    rows = op(op(P[:, :-2], P[:, 1:-1]), P[:, 2:])  # (n, H, W + 2)
    return op(op(rows[:, :, :-2], rows[:, :, 1:-1]), rows[:, :, 2:])  # (n, H, W)


def _distort(bases, centres, sizes, index, rng):
    """Make one finished uint8 image (n, SIDE, SIDE) per entry of ``index``; 255 is full ink."""
    n = index.shape[0]
    X = _warp(bases, centres, sizes, index, rng)  # (n, FRAME, FRAME)
    stroke = rng.uniform(*STROKE, n)[:, None, None]
    X = np.where(stroke > 0, X + stroke * (_filter3(X, np.maximum) - X),
                 X - stroke * (_filter3(X, np.minimum) - X))
    X = X.reshape(n, SIDE, 2, SIDE, 2).mean(axis=(2, 4))  # (n, SIDE, SIDE)
    bg = rng.uniform(*BACKGROUND, n)[:, None, None]
    ink = rng.uniform(*INK, n)[:, None, None]
    X = bg + (ink - bg) * X
    X += rng.uniform(*NOISE, n)[:, None, None] * rng.standard_normal(X.shape)
    return np.rint(np.clip(X, 0.0, 1.0) * 255).astype(np.uint8)


def _make_split(bases, centres, sizes, n_fonts, n, rng):
    """Draw n images with labels balanced over the classes (counts differ by at most 1)."""
    y = rng.permutation(np.arange(n) % len(LETTERS)).astype(np.int64)  # (n,)
    font = rng.integers(n_fonts, size=n)
    index = font * len(LETTERS) + y
    X = np.empty((n, SIDE, SIDE), dtype=np.uint8)
    for start in range(0, n, CHUNK):
        X[start:start + CHUNK] = _distort(bases, centres, sizes, index[start:start + CHUNK], rng)
    return X, y


def _plant(X_train, y_train, X, y, n_exact, n_near, free, rng):
    """Overwrite n_exact + n_near random images of (X, y) with copies of training images.

    Each copy keeps the class of the slot it replaces, and comes from a training image not used
    before (``free[k]`` lists the unused training indices of class k and is consumed), so no
    training image is copied twice and val and test share nothing. Near copies get integer noise
    in [-NEAR_LEVELS, NEAR_LEVELS] (then clipped), and differ from their source in at least one pixel.

    Returns (exact, near): int64 arrays (n_exact, 2) and (n_near, 2) of (index in X, training index).
    """
    slots = rng.choice(X.shape[0], n_exact + n_near, replace=False)
    pairs = []
    for i in slots:
        if not free[y[i]]:
            raise ValueError("n_train is too small to plant this many duplicates into val and test")
        pairs.append((i, free[y[i]].pop()))
    pairs = np.array(pairs, dtype=np.int64).reshape(-1, 2)
    for j, (i, t) in enumerate(pairs):
        if j < n_exact:
            X[i] = X_train[t]
        else:
            noise = rng.integers(-NEAR_LEVELS, NEAR_LEVELS + 1, (SIDE, SIDE))
            copy = np.clip(X_train[t].astype(np.int64) + noise, 0, 255)
            if np.array_equal(copy, X_train[t]):  # all noise landed on 0 or clipped away
                r, c = np.unravel_index(np.argmin(copy), copy.shape)
                copy[r, c] += 1
            X[i] = copy.astype(np.uint8)
    return pairs[:n_exact], pairs[n_exact:]


def _build_letters(n_train, n_val, n_test, seed):
    """Generate the letters from scratch; return the dict of arrays that the cache stores."""
    bases, centres, names = _render_bases()
    ink = bases > 0
    sizes = np.stack([ink.any(axis=2).sum(axis=1), ink.any(axis=1).sum(axis=1)], -1).astype(np.float64)
    # one independent stream per split, so the training images do not depend on n_val or n_test
    rng_train, rng_val, rng_test, rng_plant = (np.random.default_rng(s)
                                               for s in np.random.SeedSequence(seed).spawn(4))
    arrays = {}
    for split, n, rng in (("train", n_train, rng_train), ("val", n_val, rng_val), ("test", n_test, rng_test)):
        arrays[f"X_{split}"], arrays[f"y_{split}"] = _make_split(bases, centres, sizes, len(names), n, rng)
    free = [list(rng_plant.permutation(np.flatnonzero(arrays["y_train"] == k))) for k in range(len(LETTERS))]
    for split in ("val", "test"):
        n = arrays[f"X_{split}"].shape[0]
        k = int(round(PLANTED_FRACTION * n))
        arrays[f"exact_{split}"], arrays[f"near_{split}"] = _plant(
            arrays["X_train"], arrays["y_train"], arrays[f"X_{split}"], arrays[f"y_{split}"], k, k, free, rng_plant)
    arrays["fonts"] = np.array(names)
    arrays["version"] = np.array(VERSION)
    return arrays


def _save_atomic(path, arrays):
    """Write ``arrays`` to ``path`` as a compressed npz via a temporary file and os.replace."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name + ".", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            np.savez_compressed(f, **arrays)
        os.chmod(tmp, 0o644)  # mkstemp makes it private; a cache is for everyone on the machine
        os.replace(tmp, path)  # readers see the old file or the whole new one, never half of one
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def _load_cached(path, version=VERSION):
    """Return the arrays stored at ``path``, or None if it is missing, unreadable or not ``version``."""
    try:
        with np.load(path, allow_pickle=False) as z:
            arrays = {k: z[k] for k in z.files}
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile):  # missing, garbled, truncated
        return None
    if str(arrays.get("version")) != version:
        return None
    return arrays


# ----------------------------------------------------------------------------- public loaders


def load_letters(n_train=20000, n_val=2000, n_test=2000, seed=0, cache=True, cache_dir=None):
    """Load letters A-J rendered from matplotlib's fonts (notMNIST-style), building them if needed.

    Inputs:
    - n_train, n_val, n_test: images per split, integers of at least 10. Each split is balanced
      over the 10 classes (counts differ by at most one).
    - seed: non-negative integer; the same arguments always give identical arrays.
    - cache: read and write ``<cache_dir>/letters-v<VERSION>-<n_train>-<n_val>-<n_test>-seed<seed>.npz``.
      If the folder cannot be written the data is built in memory with a warning.
    - cache_dir: where the cache lives; None means ``utils.data.CACHE_DIR`` (``data/cache/``).

    Returns a dict:
    - X_train (n_train, 28, 28), X_val (n_val, 28, 28), X_test (n_test, 28, 28): float64 in
      [0, 1], multiples of 1/255, 0 background and 1 ink.
    - y_train (n_train,), y_val (n_val,), y_test (n_test,): int64 class indices 0..9.
    - classes: ["A", ..., "J"], the name of each class index.
    - fonts: names of the fonts the glyphs came from.
    - planted: {"exact": {"val": int, "test": int}, "near": {"val": int, "test": int}}, how many
      images of val and test are exact copies of training images, and how many are near copies
      (max absolute pixel difference at most 3/255, never 0). round(2%) of each split, each kind.
    - planted_pairs: the same layout holding int64 arrays (count, 2) of (index in val or test,
      index in train), the answer key for a duplicate detector.
    Raises ValueError for sizes below 10, a negative or non-integer seed, or an n_train too small
    to supply distinct training images for the planted copies.
    """
    n_train = _check_int("n_train", n_train, 10)
    n_val = _check_int("n_val", n_val, 10)
    n_test = _check_int("n_test", n_test, 10)
    seed = _check_int("seed", seed, 0)
    arrays = None
    if cache:
        folder = Path(CACHE_DIR if cache_dir is None else cache_dir)
        path = folder / f"letters-v{VERSION}-{n_train}-{n_val}-{n_test}-seed{seed}.npz"
        arrays = _load_cached(path)
    if arrays is None:
        arrays = _build_letters(n_train, n_val, n_test, seed)
        if cache:
            try:
                _save_atomic(path, arrays)
            except OSError as err:
                warnings.warn(f"could not cache the letters at {path} ({err}); they will be rebuilt next time")
    out = _result(arrays, LETTERS)
    out["fonts"] = [str(f) for f in arrays["fonts"]]
    out["planted_pairs"] = {kind: {split: arrays[f"{kind}_{split}"].astype(np.int64) for split in ("val", "test")}
                            for kind in ("exact", "near")}
    out["planted"] = {kind: {split: int(v.shape[0]) for split, v in d.items()}
                      for kind, d in out["planted_pairs"].items()}
    return out


def load_digits(val_fraction=0.15, test_fraction=0.15, seed=0):
    """Load scikit-learn's 1,797 bundled 8x8 handwritten digits, split stratified by class.

    Inputs:
    - val_fraction, test_fraction: share of each class sent to val and to test, each in (0, 1),
      summing to less than 1; the rest is training data. Per class the counts are rounded.
    - seed: non-negative integer; the same arguments always give identical splits.

    Returns a dict:
    - X_train (N_train, 8, 8), X_val (N_val, 8, 8), X_test (N_test, 8, 8): float64 in [0, 1]
      (the original 0..16 grey levels divided by 16), 0 background and 1 ink.
    - y_train, y_val, y_test: int64 digits 0..9, shapes (N_train,), (N_val,), (N_test,).
    - classes: ["0", ..., "9"].
    Every one of the 1,797 images lands in exactly one split.
    Raises ValueError for fractions outside (0, 1), fractions summing to 1 or more, a split that
    would be empty, or a negative or non-integer seed.
    """
    val_fraction = _check_fraction("val_fraction", val_fraction)
    test_fraction = _check_fraction("test_fraction", test_fraction)
    if val_fraction + test_fraction >= 1.0:
        raise ValueError(f"val_fraction + test_fraction must be below 1 to leave training data, "
                         f"got {val_fraction} + {test_fraction} = {val_fraction + test_fraction}")
    seed = _check_int("seed", seed, 0)
    from sklearn.datasets import load_digits as sklearn_digits

    digits = sklearn_digits()
    X = digits.images.astype(np.float64) / 16.0  # (1797, 8, 8)
    y = digits.target.astype(np.int64)  # (1797,)
    rng = np.random.default_rng(seed)
    parts = {"train": [], "val": [], "test": []}
    for k in range(len(DIGITS)):
        idx = rng.permutation(np.flatnonzero(y == k))
        n_test, n_val = int(round(test_fraction * idx.size)), int(round(val_fraction * idx.size))
        parts["test"].append(idx[:n_test])
        parts["val"].append(idx[n_test:n_test + n_val])
        parts["train"].append(idx[n_test + n_val:])
    out = {"classes": list(DIGITS)}
    for split, chunks in parts.items():
        idx = rng.permutation(np.concatenate(chunks))
        if idx.size == 0:
            raise ValueError(f"the {split} split of the digits would be empty: "
                             f"val_fraction={val_fraction}, test_fraction={test_fraction}")
        out[f"X_{split}"], out[f"y_{split}"] = X[idx], y[idx]
    return out


# ----------------------------------------------------------------------------- shifted letters

SHIFTED_VERSION = "1"  # bump when the images load_shifted_letters makes for given arguments change
SHIFTED_SIDE = 22  # default canvas side
CLUTTER = 2  # fragments of other letters per image
FRAGMENT = 6  # side of a fragment, in canvas pixels
CLUTTER_STRENGTH = (0.3, 0.8)  # a fragment's ink relative to the letter's, uniform
SHIFTED_NOISE = (0.02, 0.1)  # standard deviation of the Gaussian pixel noise, uniform


def _shift_split(X, side, rng):
    """Place half-size copies of uint8 letters X (n, 28, 28) at random offsets on side x side
    canvases with clutter and noise; return uint8 (n, side, side) and the offsets (n, 2)."""
    n = X.shape[0]
    small = X.reshape(n, SIDE // 2, 2, SIDE // 2, 2).mean(axis=(2, 4)) / 255.0  # (n, 14, 14)
    g = SIDE // 2
    out = np.empty((n, side, side))
    offsets = rng.integers(0, side - g + 1, size=(n, 2))
    background = rng.uniform(0.0, 0.15, n)
    donors = rng.integers(0, n, size=(n, CLUTTER))  # other letters the fragments are cut from
    cut = rng.integers(0, g - FRAGMENT + 1, size=(n, CLUTTER, 2))
    place = rng.integers(0, side - FRAGMENT + 1, size=(n, CLUTTER, 2))
    strength = rng.uniform(*CLUTTER_STRENGTH, size=(n, CLUTTER))
    noise = rng.uniform(*SHIFTED_NOISE, n)
    for i in range(n):
        canvas = np.full((side, side), background[i])
        for k in range(CLUTTER):
            (a, b), (r, c) = cut[i, k], place[i, k]
            patch = strength[i, k] * small[donors[i, k], a:a + FRAGMENT, b:b + FRAGMENT]
            np.maximum(canvas[r:r + FRAGMENT, c:c + FRAGMENT], patch, out=canvas[r:r + FRAGMENT, c:c + FRAGMENT])
        r, c = offsets[i]
        np.maximum(canvas[r:r + g, c:c + g], small[i], out=canvas[r:r + g, c:c + g])
        out[i] = canvas + noise[i] * rng.standard_normal((side, side))
    return np.rint(np.clip(out, 0.0, 1.0) * 255).astype(np.uint8), offsets


def load_shifted_letters(n_train=5000, n_val=1000, n_test=2000, side=SHIFTED_SIDE, seed=0, cache=True,
                         cache_dir=None):
    """Load a harder variant of the letters: small letters anywhere on a larger, cluttered canvas.

    Each image starts from the letter of the same index in ``load_letters(n_train, n_val, n_test,
    seed)``, halved to 14 x 14 pixels (2 x 2 averaging; the glyph itself is about 10 pixels tall),
    and is pasted (pixel-wise maximum) at a uniformly random offset onto a ``side`` x ``side``
    canvas of random grey level in [0, 0.15], over 3 fragments (7 x 7 pixels, 40-100% strength)
    cut from other letters of the split, placed at random; then Gaussian noise (standard deviation
    uniform in [0.02, 0.1]), clipping and rounding to multiples of 1/255. Where the letter sits
    changes from image to image by up to ``side - 14`` pixels in each direction, so a pixel means
    something different in every image: a model must find the letter before reading it.

    Inputs: sizes and seed as ``load_letters``; ``side`` the canvas side, an integer of at least 14.
    Cached like the letters in ``<cache_dir>/shifted-v<V>-<n_train>-<n_val>-<n_test>-<side>-seed<seed>.npz``.

    Returns a dict: ``X_train, X_val, X_test`` float64 (N, side, side) in [0, 1]; ``y_train, y_val,
    y_test`` int64 (N,), the same labels as load_letters'; ``classes``; ``offsets`` {"train", "val",
    "test"}: int64 (N, 2), the (row, column) of each letter's 14 x 14 box on its canvas.
    """
    n_train = _check_int("n_train", n_train, 10)
    n_val = _check_int("n_val", n_val, 10)
    n_test = _check_int("n_test", n_test, 10)
    side = _check_int("side", side, SIDE // 2)
    seed = _check_int("seed", seed, 0)
    arrays = None
    if cache:
        folder = Path(CACHE_DIR if cache_dir is None else cache_dir)
        path = folder / f"shifted-v{SHIFTED_VERSION}-{n_train}-{n_val}-{n_test}-{side}-seed{seed}.npz"
        arrays = _load_cached(path, SHIFTED_VERSION)
    if arrays is None:
        letters = load_letters(n_train, n_val, n_test, seed=seed, cache=cache, cache_dir=cache_dir)
        streams = np.random.SeedSequence([seed, side, 9]).spawn(3)
        arrays = {"version": np.array(SHIFTED_VERSION)}
        for split, ss in zip(("train", "val", "test"), streams):
            X = np.rint(letters[f"X_{split}"] * 255).astype(np.uint8)
            arrays[f"X_{split}"], arrays[f"offsets_{split}"] = _shift_split(X, side, np.random.default_rng(ss))
            arrays[f"y_{split}"] = letters[f"y_{split}"]
        if cache:
            try:
                _save_atomic(path, arrays)
            except OSError as err:
                warnings.warn(f"could not cache the shifted letters at {path} ({err}); they will be rebuilt next time")
    out = _result(arrays, LETTERS)
    out["offsets"] = {split: arrays[f"offsets_{split}"].astype(np.int64) for split in ("train", "val", "test")}
    return out
