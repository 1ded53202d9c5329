"""Wrong versions of 07_regularization's graded functions: the mistakes students really make.

The test suite puts each one into the released notebook in place of the student's cell, grades it,
and asserts that every test calling that function loses its points. The first version of each
function is the demo's "typical mistakes" student, so it must fail every test that calls
that function (the demo's expected score depends on it; a test checks it).

``PAIRS`` are matching pairs: a wrong forward pass with the backward pass that agrees with it, so a
test that only compares the backward pass with the student's own forward pass (or its numerical
gradient) passes them. ``tests/test_consistency_pairs.py`` grades each pair (both cells replaced)
and asserts that it loses the points of the backward test named beside it.
"""

WRONG = {
    "l2_penalty": [
        ("gradient missing the factor 2: reg * W", '''
import numpy as np
def l2_penalty(params, reg):
    loss, grads = 0.0, {}
    for name, w in params.items():
        if name.startswith("W"):
            loss += float(np.sum(w * w))
            grads[name] = reg * w
        else:
            grads[name] = np.zeros_like(w)
    return reg * loss, grads
'''),
        ("penalises the biases too", '''
import numpy as np
def l2_penalty(params, reg):
    loss, grads = 0.0, {}
    for name, w in params.items():
        loss += float(np.sum(w * w))
        grads[name] = 2 * reg * w
    return reg * loss, grads
'''),
        ("the 0.5 * reg convention: half the loss and half the gradient", '''
import numpy as np
def l2_penalty(params, reg):
    loss, grads = 0.0, {}
    for name, w in params.items():
        if name.startswith("W"):
            loss += 0.5 * reg * float(np.sum(w * w))
            grads[name] = reg * w
        else:
            grads[name] = np.zeros_like(w)
    return loss, grads
'''),
        ("the norm instead of the squared norm", '''
import numpy as np
def l2_penalty(params, reg):
    loss, grads = 0.0, {}
    for name, w in params.items():
        if name.startswith("W"):
            loss += reg * float(np.sqrt(np.sum(w * w)))
            grads[name] = 2 * reg * w
        else:
            grads[name] = np.zeros_like(w)
    return loss, grads
'''),
        ("grads only for the weights: no entries for the biases", '''
import numpy as np
def l2_penalty(params, reg):
    loss, grads = 0.0, {}
    for name, w in params.items():
        if name.startswith("W"):
            loss += reg * float(np.sum(w * w))
            grads[name] = 2 * reg * w
    return loss, grads
'''),
        ("float32 weights get float64 gradients", '''
import numpy as np
def l2_penalty(params, reg):
    loss, grads = 0.0, {}
    for name, w in params.items():
        if name.startswith("W"):
            loss += reg * float(np.sum(w * w))
            grads[name] = 2 * reg * w.astype(np.float64)
        else:
            grads[name] = np.zeros(w.shape)
    return loss, grads
'''),
    ],
    "l1_penalty": [
        ("gradient reg * W, the L2 form, instead of reg * sign(W)", '''
import numpy as np
def l1_penalty(params, reg):
    loss, grads = 0.0, {}
    for name, w in params.items():
        if name.startswith("W"):
            loss += reg * float(np.sum(np.abs(w)))
            grads[name] = reg * w
        else:
            grads[name] = np.zeros_like(w)
    return loss, grads
'''),
        ("subgradient +reg at 0 (w >= 0 counted as positive)", '''
import numpy as np
def l1_penalty(params, reg):
    loss, grads = 0.0, {}
    for name, w in params.items():
        if name.startswith("W"):
            loss += reg * float(np.sum(np.abs(w)))
            grads[name] = np.where(w >= 0, reg, -reg).astype(w.dtype)
        else:
            grads[name] = np.zeros_like(w)
    return loss, grads
'''),
        ("w / |w| for the sign: nan at 0", '''
import numpy as np
def l1_penalty(params, reg):
    loss, grads = 0.0, {}
    for name, w in params.items():
        if name.startswith("W"):
            loss += reg * float(np.sum(np.abs(w)))
            with np.errstate(invalid="ignore"):
                grads[name] = reg * w / np.abs(w)
        else:
            grads[name] = np.zeros_like(w)
    return loss, grads
'''),
        ("penalises the biases too", '''
import numpy as np
def l1_penalty(params, reg):
    loss, grads = 0.0, {}
    for name, w in params.items():
        loss += reg * float(np.sum(np.abs(w)))
        grads[name] = reg * np.sign(w)
    return loss, grads
'''),
        ("sum of the weights, not of their absolute values", '''
import numpy as np
def l1_penalty(params, reg):
    loss, grads = 0.0, {}
    for name, w in params.items():
        if name.startswith("W"):
            loss += reg * float(np.sum(w))
            grads[name] = reg * np.sign(w)
        else:
            grads[name] = np.zeros_like(w)
    return loss, grads
'''),
    ],
    "dropout_forward": [
        ("not inverted: no 1/p scaling in training", '''
import numpy as np
def dropout_forward(x, p, mode, rng=None):
    if mode == "test":
        return x.copy(), (None, p)
    mask = np.random.default_rng(rng).random(x.shape) < p
    return x * mask, (mask, p)
'''),
        ("classic dropout: no scaling in training, multiplies by p at test time", '''
import numpy as np
def dropout_forward(x, p, mode, rng=None):
    if mode == "test":
        return x * p, (None, p)
    mask = np.random.default_rng(rng).random(x.shape) < p
    return x * mask, (mask, p)
'''),
        ("drops units in test mode too", '''
import numpy as np
def dropout_forward(x, p, mode, rng=None):
    mask = np.random.default_rng(rng).random(x.shape) < p
    return x * mask / p, (mask, p)
'''),
        ("p taken as the probability of dropping", '''
import numpy as np
def dropout_forward(x, p, mode, rng=None):
    if mode == "test":
        return x.copy(), (None, p)
    mask = np.random.default_rng(rng).random(x.shape) >= p
    return x * mask / (1 - p) if p < 1 else x * 0, (mask, 1 - p)
'''),
        ("ignores rng: draws from numpy's global random state", '''
import numpy as np
def dropout_forward(x, p, mode, rng=None):
    if mode == "test":
        return x.copy(), (None, p)
    mask = np.random.rand(*x.shape) < p
    return x * mask / p, (mask, p)
'''),
        ("float32 input comes back float64", '''
import numpy as np
def dropout_forward(x, p, mode, rng=None):
    x = np.asarray(x, dtype=np.float64)
    if mode == "test":
        return x.copy(), (None, p)
    mask = np.random.default_rng(rng).random(x.shape) < p
    return x * mask / p, (mask, p)
'''),
    ],
    "dropout_backward": [
        ("forgets the 1/p: dout * mask", '''
import numpy as np
def dropout_backward(dout, cache):
    mask, p = cache
    if mask is None:
        return dout.copy()
    return dout * mask
'''),
        ("draws a new mask instead of reusing the forward pass's", '''
import numpy as np
def dropout_backward(dout, cache):
    mask, p = cache
    if mask is None:
        return dout.copy()
    mask = np.random.default_rng().random(dout.shape) < p
    return dout * mask / p
'''),
        ("ignores test mode: always applies the cached mask", '''
import numpy as np
def dropout_backward(dout, cache):
    mask, p = cache
    return dout * mask / p
'''),
        ("divides by the drop probability 1 - p", '''
import numpy as np
def dropout_backward(dout, cache):
    mask, p = cache
    if mask is None:
        return dout.copy()
    return dout * mask / (1 - p) if p < 1 else dout * mask
'''),
        ("passes dout straight through", '''
import numpy as np
def dropout_backward(dout, cache):
    return dout.copy()
'''),
    ],
    "shift_images": [
        ("np.roll: pixels that leave one side come back on the other", '''
import numpy as np
def shift_images(X, dy, dx):
    return np.stack([np.roll(X[n], (int(dy[n]), int(dx[n])), axis=(0, 1)) for n in range(X.shape[0])])
'''),
        ("shifts the wrong way (out[r] = X[r + dy])", '''
import numpy as np
def shift_images(X, dy, dx):
    N, H, W = X.shape
    out = np.zeros_like(X)
    for n in range(N):
        a, b = -int(dy[n]), -int(dx[n])
        if abs(a) >= H or abs(b) >= W:
            continue
        out[n, max(a, 0):H + min(a, 0), max(b, 0):W + min(b, 0)] = X[n, max(-a, 0):H - max(a, 0), max(-b, 0):W - max(b, 0)]
    return out
'''),
        ("rows and columns swapped: dy moves columns, dx rows", '''
import numpy as np
def shift_images(X, dy, dx):
    N, H, W = X.shape
    out = np.zeros_like(X)
    for n in range(N):
        a, b = int(dx[n]), int(dy[n])
        if abs(a) >= H or abs(b) >= W:
            continue
        out[n, max(a, 0):H + min(a, 0), max(b, 0):W + min(b, 0)] = X[n, max(-a, 0):H - max(a, 0), max(-b, 0):W - max(b, 0)]
    return out
'''),
        ("one shift for the whole batch (dy[0], dx[0])", '''
import numpy as np
def shift_images(X, dy, dx):
    N, H, W = X.shape
    a, b = int(dy[0]), int(dx[0])
    out = np.zeros_like(X)
    if abs(a) >= H or abs(b) >= W:
        return out
    out[:, max(a, 0):H + min(a, 0), max(b, 0):W + min(b, 0)] = X[:, max(-a, 0):H - max(a, 0), max(-b, 0):W - max(b, 0)]
    return out
'''),
        ("pads by repeating the edge pixels instead of background 0", '''
import numpy as np
def shift_images(X, dy, dx):
    N, H, W = X.shape
    rows, cols = np.arange(H), np.arange(W)
    out = np.empty_like(X)
    for n in range(N):
        r = np.clip(rows - int(dy[n]), 0, H - 1)
        c = np.clip(cols - int(dx[n]), 0, W - 1)
        out[n] = X[n][np.ix_(r, c)]
    return out
'''),
    ],
    "rotate_images": [
        ("rotates clockwise: the signs of the sin terms flipped", '''
import numpy as np
def rotate_images(X, angles):
    N, H, W = X.shape
    t = np.deg2rad(np.asarray(angles, dtype=float))[:, None, None]
    cy, cx = (H - 1) / 2, (W - 1) / 2
    y, x = np.meshgrid(np.arange(H) - cy, np.arange(W) - cx, indexing="ij")
    rows = cy - x * np.sin(t) + y * np.cos(t)
    cols = cx + x * np.cos(t) + y * np.sin(t)
    r0, c0 = np.floor(rows).astype(int), np.floor(cols).astype(int)
    fr, fc = rows - r0, cols - c0
    n = np.arange(N)[:, None, None]
    out = np.zeros(X.shape)
    for dr, dc, w in ((0, 0, (1 - fr) * (1 - fc)), (0, 1, (1 - fr) * fc), (1, 0, fr * (1 - fc)), (1, 1, fr * fc)):
        r, c = r0 + dr, c0 + dc
        inside = (r >= 0) & (r < H) & (c >= 0) & (c < W)
        out += w * np.where(inside, X[n, np.clip(r, 0, H - 1), np.clip(c, 0, W - 1)], 0.0)
    return out.astype(X.dtype)
'''),
        ("angles used as radians", '''
import numpy as np
def rotate_images(X, angles):
    N, H, W = X.shape
    t = np.asarray(angles, dtype=float)[:, None, None]
    cy, cx = (H - 1) / 2, (W - 1) / 2
    y, x = np.meshgrid(np.arange(H) - cy, np.arange(W) - cx, indexing="ij")
    rows = cy + x * np.sin(t) + y * np.cos(t)
    cols = cx + x * np.cos(t) - y * np.sin(t)
    r0, c0 = np.floor(rows).astype(int), np.floor(cols).astype(int)
    fr, fc = rows - r0, cols - c0
    n = np.arange(N)[:, None, None]
    out = np.zeros(X.shape)
    for dr, dc, w in ((0, 0, (1 - fr) * (1 - fc)), (0, 1, (1 - fr) * fc), (1, 0, fr * (1 - fc)), (1, 1, fr * fc)):
        r, c = r0 + dr, c0 + dc
        inside = (r >= 0) & (r < H) & (c >= 0) & (c < W)
        out += w * np.where(inside, X[n, np.clip(r, 0, H - 1), np.clip(c, 0, W - 1)], 0.0)
    return out.astype(X.dtype)
'''),
        ("nearest neighbour instead of bilinear interpolation", '''
import numpy as np
def rotate_images(X, angles):
    N, H, W = X.shape
    t = np.deg2rad(np.asarray(angles, dtype=float))[:, None, None]
    cy, cx = (H - 1) / 2, (W - 1) / 2
    y, x = np.meshgrid(np.arange(H) - cy, np.arange(W) - cx, indexing="ij")
    r = np.rint(cy + x * np.sin(t) + y * np.cos(t)).astype(int)
    c = np.rint(cx + x * np.cos(t) - y * np.sin(t)).astype(int)
    n = np.arange(N)[:, None, None]
    inside = (r >= 0) & (r < H) & (c >= 0) & (c < W)
    return np.where(inside, X[n, np.clip(r, 0, H - 1), np.clip(c, 0, W - 1)], 0.0).astype(X.dtype)
'''),
        ("rotates about the top-left corner instead of the centre", '''
import numpy as np
def rotate_images(X, angles):
    N, H, W = X.shape
    t = np.deg2rad(np.asarray(angles, dtype=float))[:, None, None]
    y, x = np.meshgrid(np.arange(H, dtype=float), np.arange(W, dtype=float), indexing="ij")
    rows = x * np.sin(t) + y * np.cos(t)
    cols = x * np.cos(t) - y * np.sin(t)
    r0, c0 = np.floor(rows).astype(int), np.floor(cols).astype(int)
    fr, fc = rows - r0, cols - c0
    n = np.arange(N)[:, None, None]
    out = np.zeros(X.shape)
    for dr, dc, w in ((0, 0, (1 - fr) * (1 - fc)), (0, 1, (1 - fr) * fc), (1, 0, fr * (1 - fc)), (1, 1, fr * fc)):
        r, c = r0 + dr, c0 + dc
        inside = (r >= 0) & (r < H) & (c >= 0) & (c < W)
        out += w * np.where(inside, X[n, np.clip(r, 0, H - 1), np.clip(c, 0, W - 1)], 0.0)
    return out.astype(X.dtype)
'''),
        ("outside pixels clamped to the edge instead of counting as 0", '''
import numpy as np
def rotate_images(X, angles):
    N, H, W = X.shape
    t = np.deg2rad(np.asarray(angles, dtype=float))[:, None, None]
    cy, cx = (H - 1) / 2, (W - 1) / 2
    y, x = np.meshgrid(np.arange(H) - cy, np.arange(W) - cx, indexing="ij")
    rows = cy + x * np.sin(t) + y * np.cos(t)
    cols = cx + x * np.cos(t) - y * np.sin(t)
    r0, c0 = np.floor(rows).astype(int), np.floor(cols).astype(int)
    fr, fc = rows - r0, cols - c0
    n = np.arange(N)[:, None, None]
    out = np.zeros(X.shape)
    for dr, dc, w in ((0, 0, (1 - fr) * (1 - fc)), (0, 1, (1 - fr) * fc), (1, 0, fr * (1 - fc)), (1, 1, fr * fc)):
        out += w * X[n, np.clip(r0 + dr, 0, H - 1), np.clip(c0 + dc, 0, W - 1)]
    return out.astype(X.dtype)
'''),
        ("float32 images come back float64", '''
import numpy as np
def rotate_images(X, angles):
    N, H, W = X.shape
    t = np.deg2rad(np.asarray(angles, dtype=float))[:, None, None]
    cy, cx = (H - 1) / 2, (W - 1) / 2
    y, x = np.meshgrid(np.arange(H) - cy, np.arange(W) - cx, indexing="ij")
    rows = cy + x * np.sin(t) + y * np.cos(t)
    cols = cx + x * np.cos(t) - y * np.sin(t)
    r0, c0 = np.floor(rows).astype(int), np.floor(cols).astype(int)
    fr, fc = rows - r0, cols - c0
    n = np.arange(N)[:, None, None]
    out = np.zeros(X.shape)
    for dr, dc, w in ((0, 0, (1 - fr) * (1 - fc)), (0, 1, (1 - fr) * fc), (1, 0, fr * (1 - fc)), (1, 1, fr * fc)):
        r, c = r0 + dr, c0 + dc
        inside = (r >= 0) & (r < H) & (c >= 0) & (c < W)
        out += w * np.where(inside, X[n, np.clip(r, 0, H - 1), np.clip(c, 0, W - 1)], 0.0)
    return out
'''),
    ],
    "add_noise": [
        ("sigma used as the variance: noise of standard deviation sqrt(sigma)", '''
import numpy as np
def add_noise(X, sigma, rng=None):
    noise = np.sqrt(sigma) * np.random.default_rng(rng).standard_normal(X.shape)
    return np.clip(X + noise, 0, 1).astype(X.dtype)
'''),
        ("no clipping into [0, 1]", '''
import numpy as np
def add_noise(X, sigma, rng=None):
    noise = sigma * np.random.default_rng(rng).standard_normal(X.shape)
    return (X + noise).astype(X.dtype)
'''),
        ("ignores rng: numpy's global random state", '''
import numpy as np
def add_noise(X, sigma, rng=None):
    noise = sigma * np.random.standard_normal(X.shape)
    return np.clip(X + noise, 0, 1).astype(X.dtype)
'''),
        ("one noise image shared by the whole batch", '''
import numpy as np
def add_noise(X, sigma, rng=None):
    noise = sigma * np.random.default_rng(rng).standard_normal(X.shape[1:])
    return np.clip(X + noise, 0, 1).astype(X.dtype)
'''),
        ("float32 images come back float64", '''
import numpy as np
def add_noise(X, sigma, rng=None):
    noise = sigma * np.random.default_rng(rng).standard_normal(X.shape)
    return np.clip(X + noise, 0, 1)
'''),
    ],
    "early_stopping": [
        ("returns the stop epoch as the best: keeps the last parameters, not the best", '''
import numpy as np
def early_stopping(val_scores, patience, min_delta=0.0):
    best_epoch, best = 0, val_scores[0]
    for epoch in range(1, len(val_scores)):
        if val_scores[epoch] > best + min_delta:
            best_epoch, best = epoch, val_scores[epoch]
        elif epoch - best_epoch >= patience:
            return epoch, epoch
    return len(val_scores) - 1, len(val_scores) - 1
'''),
        ("ties count as improvements (>= instead of >)", '''
import numpy as np
def early_stopping(val_scores, patience, min_delta=0.0):
    best_epoch, best = 0, val_scores[0]
    for epoch in range(1, len(val_scores)):
        if val_scores[epoch] >= best + min_delta:
            best_epoch, best = epoch, val_scores[epoch]
        elif epoch - best_epoch >= patience:
            return best_epoch, epoch
    return best_epoch, len(val_scores) - 1
'''),
        ("best epoch over the whole history, including epochs after the stop", '''
import numpy as np
def early_stopping(val_scores, patience, min_delta=0.0):
    best_epoch, best = 0, val_scores[0]
    stop = len(val_scores) - 1
    for epoch in range(1, len(val_scores)):
        if val_scores[epoch] > best + min_delta:
            best_epoch, best = epoch, val_scores[epoch]
        elif epoch - best_epoch >= patience:
            stop = epoch
            break
    return int(np.argmax(val_scores)), stop
'''),
        ("off by one: waits for patience + 1 epochs without improvement", '''
import numpy as np
def early_stopping(val_scores, patience, min_delta=0.0):
    best_epoch, best = 0, val_scores[0]
    for epoch in range(1, len(val_scores)):
        if val_scores[epoch] > best + min_delta:
            best_epoch, best = epoch, val_scores[epoch]
        elif epoch - best_epoch > patience:
            return best_epoch, epoch
    return best_epoch, len(val_scores) - 1
'''),
        ("ignores min_delta", '''
import numpy as np
def early_stopping(val_scores, patience, min_delta=0.0):
    best_epoch, best = 0, val_scores[0]
    for epoch in range(1, len(val_scores)):
        if val_scores[epoch] > best:
            best_epoch, best = epoch, val_scores[epoch]
        elif epoch - best_epoch >= patience:
            return best_epoch, epoch
    return best_epoch, len(val_scores) - 1
'''),
        ("epochs counted from 1", '''
import numpy as np
def early_stopping(val_scores, patience, min_delta=0.0):
    best_epoch, best = 0, val_scores[0]
    for epoch in range(1, len(val_scores)):
        if val_scores[epoch] > best + min_delta:
            best_epoch, best = epoch, val_scores[epoch]
        elif epoch - best_epoch >= patience:
            return best_epoch + 1, epoch + 1
    return best_epoch + 1, len(val_scores)
'''),
    ],
}


PAIRS = [
    ("forward returns zeros, backward returns zeros", "test_dropout_backward", {
        "dropout_forward": '''
import numpy as np
def dropout_forward(x, p, mode, rng=None):
    return np.zeros_like(x), (None, p)
''',
        "dropout_backward": '''
import numpy as np
def dropout_backward(dout, cache):
    return np.zeros_like(dout)
'''}),
    ("forward is the identity, backward passes dout through", "test_dropout_backward", {
        "dropout_forward": '''
import numpy as np
def dropout_forward(x, p, mode, rng=None):
    return np.array(x, copy=True), (None, p)
''',
        "dropout_backward": '''
import numpy as np
def dropout_backward(dout, cache):
    return np.array(dout, copy=True)
'''}),
    ("no 1/p in either pass: out = x * mask, dx = dout * mask", "test_dropout_backward", {
        "dropout_forward": '''
import numpy as np
def dropout_forward(x, p, mode, rng=None):
    if mode == "test":
        return x.copy(), None
    mask = np.random.default_rng(rng).random(x.shape) < p
    return (x * mask).astype(x.dtype), mask
''',
        "dropout_backward": '''
import numpy as np
def dropout_backward(dout, cache):
    if cache is None:
        return dout.copy()
    return (dout * cache).astype(dout.dtype)
'''}),
    ("keeps everything and scales by 1/p in training, in both passes", "test_dropout_backward", {
        "dropout_forward": '''
import numpy as np
def dropout_forward(x, p, mode, rng=None):
    if mode == "test":
        return x.copy(), 1.0
    return (x / p).astype(x.dtype), 1.0 / p
''',
        "dropout_backward": '''
import numpy as np
def dropout_backward(dout, cache):
    return (dout * cache).astype(dout.dtype)
'''}),
    ("classic dropout in both passes: no 1/p in training, times p at test time", "test_dropout_backward", {
        "dropout_forward": '''
import numpy as np
def dropout_forward(x, p, mode, rng=None):
    if mode == "test":
        return (x * p).astype(x.dtype), ("test", p, None)
    mask = np.random.default_rng(rng).random(x.shape) < p
    return (x * mask).astype(x.dtype), ("train", p, mask)
''',
        "dropout_backward": '''
import numpy as np
def dropout_backward(dout, cache):
    mode, p, mask = cache
    if mode == "test":
        return (dout * p).astype(dout.dtype)
    return (dout * mask).astype(dout.dtype)
'''}),
]
