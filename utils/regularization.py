"""Regularisation (assignment 07_regularization): penalties, inverted dropout, augmentation, early stopping.

- ``l2_penalty`` / ``l1_penalty``: ``(params, reg) -> (loss, grads)``. Only the weights are
  penalised: the parameters whose name starts with ``"W"``; every other parameter (biases
  ``"b1"``, ...) gets a zero gradient. L2 is ``reg * sum ||W||^2`` (gradient ``2 reg W``), L1 is
  ``reg * sum |W|`` (subgradient ``reg * sign(W)``, 0 where W is exactly 0).
- ``dropout_forward(x, p, mode, rng)`` / ``dropout_backward(dout, cache)``: INVERTED dropout where
  ``p`` is the probability of KEEPING a unit (the retention probability of Srivastava et al. 2014;
  ``torch.nn.Dropout(q)`` drops with probability q, so q = 1 - p). In ``"train"`` mode the mask is
  ``np.random.default_rng(rng).random(x.shape) < p`` and kept units are scaled by ``1 / p``; in
  ``"test"`` mode the layer is the identity.
- augmentation of image batches (N, H, W), background 0: ``shift_images`` / ``rotate_images`` /
  ``add_noise`` (deterministic given their arguments) and ``random_shift`` / ``random_rotation`` /
  ``augment`` (which draw the random amounts from ``rng``).
- ``early_stopping(val_scores, patience)`` -> (best epoch, stop epoch), and ``EarlyStopping``, a
  helper that remembers the best parameters and restores them.
- ``RegularizedNet``: ``utils.models.FullyConnectedNet`` with dropout after every hidden layer and
  L2 / L1 penalties from this module.

Randomness always comes in as ``rng``: an int seed or a ``np.random.Generator``
(``np.random.default_rng(rng)`` returns a Generator unchanged, so passing one advances its state).
"""

import copy

import numpy as np

from utils.models import FullyConnectedNet

__all__ = ["l2_penalty", "l1_penalty", "dropout_forward", "dropout_backward", "shift_images", "rotate_images",
           "add_noise", "random_shift", "random_rotation", "augment", "early_stopping", "EarlyStopping",
           "RegularizedNet"]


# ----------------------------------------------------------------------------- penalties


def _is_weight(name):
    return str(name).startswith("W")


def l2_penalty(params, reg):
    """Compute the L2 penalty reg * sum_W ||W||^2 over the weights, and its gradient.

    Inputs:
    - params: dict of arrays, e.g. {"W1": (D, H), "b1": (H,), "W2": (H, K), "b2": (K,)}. Only
      entries whose name starts with "W" are penalised; the others (biases) are not.
    - reg: the strength, a number >= 0.

    Returns (loss, grads): loss a Python float; grads a dict keyed like params, each array shaped
    and typed like its parameter: 2 * reg * W for weights, zeros for everything else.
    """
    loss = 0.0
    grads = {}
    for name, w in params.items():
        w = np.asarray(w)
        if _is_weight(name):
            loss += float(np.sum(w * w))
            grads[name] = (2 * reg * w).astype(w.dtype, copy=False)  # d(reg w^2)/dw = 2 reg w
        else:
            grads[name] = np.zeros_like(w)
    return reg * loss, grads


def l1_penalty(params, reg):
    """Compute the L1 (Lasso) penalty reg * sum_W |W| over the weights, and its subgradient.

    Inputs and outputs as ``l2_penalty``; the gradient of a weight is reg * sign(W), which is 0
    where W is exactly 0 (the subgradient the course uses there), and biases get zeros.
    """
    loss = 0.0
    grads = {}
    for name, w in params.items():
        w = np.asarray(w)
        if _is_weight(name):
            loss += float(np.sum(np.abs(w)))
            grads[name] = (reg * np.sign(w)).astype(w.dtype, copy=False)  # sign(0) = 0
        else:
            grads[name] = np.zeros_like(w)
    return reg * loss, grads


# ----------------------------------------------------------------------------- dropout


def dropout_forward(x, p, mode, rng=None):
    """Apply inverted dropout to x, keeping each unit with probability p.

    Inputs:
    - x: activations, any shape.
    - p: probability of KEEPING a unit, 0 < p <= 1 (p = 1 keeps everything).
    - mode: "train" draws a mask and scales the kept units by 1 / p; "test" returns x unchanged.
    - rng: an int seed or a np.random.Generator. In train mode the mask is drawn exactly as
      ``mask = np.random.default_rng(rng).random(x.shape) < p``; test mode draws nothing.

    Returns (out, cache): out shaped and typed like x; cache = (mask, p), mask None in test mode.
    """
    if mode not in ("train", "test"):
        raise ValueError(f"mode must be 'train' or 'test', got {mode!r}")
    x = np.asarray(x)
    if mode == "test":
        return x.copy(), (None, p)
    mask = np.random.default_rng(rng).random(x.shape) < p  # True = kept
    out = (x * mask / p).astype(x.dtype, copy=False)  # E[out] = p * x / p = x
    return out, (mask, p)


def dropout_backward(dout, cache):
    """Backward pass of dropout_forward: dout * mask / p in train mode, dout in test mode.

    Inputs: dout, the upstream gradient shaped like x; cache from dropout_forward.
    Returns dx shaped and typed like dout.
    """
    mask, p = cache
    dout = np.asarray(dout)
    if mask is None:
        return dout.copy()
    return (dout * mask / p).astype(dout.dtype, copy=False)


# ----------------------------------------------------------------------------- augmentation


def shift_images(X, dy, dx):
    """Move image n down by dy[n] rows and right by dx[n] columns, filling with background 0.

    Inputs:
    - X: images (N, H, W).
    - dy, dx: integer shifts (N,); negative values move up / left. Pixels pushed out of the image
      are lost (nothing wraps around); a shift of H or more rows leaves only background.

    Returns the shifted images, shaped and typed like X.
    """
    X = np.asarray(X)
    N, H, W = X.shape
    dy = np.broadcast_to(np.asarray(dy, dtype=np.int64), (N,))
    dx = np.broadcast_to(np.asarray(dx, dtype=np.int64), (N,))
    out = np.zeros_like(X)
    for n in range(N):
        a, b = int(dy[n]), int(dx[n])
        if abs(a) >= H or abs(b) >= W:
            continue
        # out[r, c] = X[r - a, c - b] where both are inside the image
        out[n, max(a, 0):H + min(a, 0), max(b, 0):W + min(b, 0)] = X[n, max(-a, 0):H - max(a, 0),
                                                                   max(-b, 0):W - max(b, 0)]
    return out


def rotate_images(X, angles):
    """Rotate image n counter-clockwise (as shown by imshow) by angles[n] degrees about its centre.

    Output pixel (r, c) samples X[n] bilinearly at the point the rotation brings to (r, c). With
    the centre (cy, cx) = ((H - 1) / 2, (W - 1) / 2), y = r - cy, x = c - cx and t in radians:

        source row    = cy + x * sin(t) + y * cos(t)
        source column = cx + x * cos(t) - y * sin(t)

    Bilinear sampling weights the four pixels around the source point by how close it is to them;
    pixels outside the image count as background 0.

    Inputs: X (N, H, W); angles (N,) in degrees.
    Returns the rotated images, shaped and typed like X.
    """
    X = np.asarray(X)
    N, H, W = X.shape
    t = np.deg2rad(np.broadcast_to(np.asarray(angles, dtype=np.float64), (N,)))[:, None, None]  # (N, 1, 1)
    cy, cx = (H - 1) / 2, (W - 1) / 2
    y, x = np.meshgrid(np.arange(H) - cy, np.arange(W) - cx, indexing="ij")  # (H, W) each
    rows = cy + x * np.sin(t) + y * np.cos(t)  # (N, H, W) source coordinates
    cols = cx + x * np.cos(t) - y * np.sin(t)
    r0, c0 = np.floor(rows).astype(np.int64), np.floor(cols).astype(np.int64)
    fr, fc = rows - r0, cols - c0  # (N, H, W) in [0, 1)
    n = np.arange(N)[:, None, None]
    out = np.zeros(X.shape, dtype=np.float64)
    for dr, dc, w in ((0, 0, (1 - fr) * (1 - fc)), (0, 1, (1 - fr) * fc), (1, 0, fr * (1 - fc)), (1, 1, fr * fc)):
        r, c = r0 + dr, c0 + dc
        inside = (r >= 0) & (r < H) & (c >= 0) & (c < W)
        out += w * np.where(inside, X[n, np.clip(r, 0, H - 1), np.clip(c, 0, W - 1)], 0.0)
    return out.astype(X.dtype, copy=False)


def add_noise(X, sigma, rng=None):
    """Add Gaussian pixel noise of standard deviation sigma, then clip into [0, 1].

    Inputs:
    - X: images (N, H, W) (any shape works), values in [0, 1].
    - sigma: standard deviation of the noise, >= 0.
    - rng: an int seed or a np.random.Generator; the noise is drawn exactly as
      ``sigma * np.random.default_rng(rng).standard_normal(X.shape)``.

    Returns np.clip(X + noise, 0, 1), shaped and typed like X.
    """
    X = np.asarray(X)
    noise = sigma * np.random.default_rng(rng).standard_normal(X.shape)
    return np.clip(X + noise.astype(X.dtype), 0, 1).astype(X.dtype, copy=False)


def random_shift(X, max_shift, rng=None):
    """Shift each image by whole pixels drawn uniformly from -max_shift .. max_shift in each direction."""
    rng = np.random.default_rng(rng)
    dy, dx = rng.integers(-max_shift, max_shift + 1, size=(2, X.shape[0]))  # (N,) each
    return shift_images(X, dy, dx)


def random_rotation(X, max_degrees, rng=None):
    """Rotate each image by an angle drawn uniformly from -max_degrees .. max_degrees."""
    rng = np.random.default_rng(rng)
    return rotate_images(X, rng.uniform(-max_degrees, max_degrees, size=X.shape[0]))


def augment(X, rng=None, max_shift=2, max_degrees=10.0, sigma=0.05):
    """Randomly shift, rotate and add noise to a batch of images (N, H, W); deterministic given rng."""
    rng = np.random.default_rng(rng)
    X = random_rotation(X, max_degrees, rng)
    X = random_shift(X, max_shift, rng)
    return add_noise(X, sigma, rng)


# ----------------------------------------------------------------------------- early stopping


def early_stopping(val_scores, patience, min_delta=0.0):
    """Replay early stopping on a history of validation scores (higher is better).

    An epoch improves when its score exceeds the best so far by more than min_delta (ties do not
    count). Training stops after the first epoch that comes ``patience`` epochs after the last
    improvement; if that never happens it runs to the last epoch.

    Inputs:
    - val_scores: the validation score of each epoch, shape (E,), E >= 1; epochs count from 0.
    - patience: epochs without improvement tolerated, an integer >= 1.
    - min_delta: the margin an improvement needs, >= 0.

    Returns (best_epoch, stop_epoch): ints; best_epoch is the last improving epoch up to and
    including stop_epoch (epoch 0 always counts as one), whose parameters are the ones to keep.
    """
    scores = np.asarray(val_scores, dtype=np.float64).reshape(-1)
    best_epoch, best = 0, scores[0]
    for epoch in range(1, scores.shape[0]):
        if scores[epoch] > best + min_delta:
            best_epoch, best = epoch, scores[epoch]
        elif epoch - best_epoch >= patience:
            return best_epoch, epoch
    return best_epoch, scores.shape[0] - 1


class EarlyStopping:
    """Track validation scores epoch by epoch, keep a copy of the best parameters, say when to stop.

    ``step(score, params)`` after every epoch returns True when training should stop; its rule is
    ``early_stopping``'s. ``best_params`` is a deep copy of the params at ``best_epoch``, and
    ``restore(model)`` copies them back into ``model.params`` (same keys).
    """

    def __init__(self, patience, min_delta=0.0):
        self.patience, self.min_delta = int(patience), float(min_delta)
        self.scores, self.best_epoch, self.best_score, self.best_params = [], -1, -np.inf, None

    def step(self, score, params):
        """Record one epoch's validation score; return True when training should stop now."""
        epoch = len(self.scores)
        self.scores.append(float(score))
        if epoch == 0 or score > self.best_score + self.min_delta:
            self.best_epoch, self.best_score = epoch, float(score)
            self.best_params = copy.deepcopy(params)
            return False
        return epoch - self.best_epoch >= self.patience

    def restore(self, model):
        """Put the best parameters back into model.params; return the model."""
        for name, value in self.best_params.items():
            model.params[name] = value.copy()
        return model


# ----------------------------------------------------------------------------- a model


class RegularizedNet(FullyConnectedNet):
    """FullyConnectedNet with inverted dropout after every hidden activation and L2 / L1 penalties.

    Inputs as ``FullyConnectedNet`` (its own ``reg`` is left at 0) plus:
    - l2: strength of ``l2_penalty`` (reg * sum ||W||^2); l1: strength of ``l1_penalty``.
    - keep: dropout's probability of keeping a hidden unit; 1.0 means no dropout.
    - dropout_rng: seed or Generator for the dropout masks (one Generator, advanced every batch).

    ``loss(X)`` runs in test mode (no dropout); ``loss(X, y)`` in train mode.
    """

    def __init__(self, hidden_dims, input_dim, num_classes, l2=0.0, l1=0.0, keep=1.0, dropout_rng=None, **kwargs):
        super().__init__(hidden_dims, input_dim, num_classes, **kwargs)
        self.l2, self.l1, self.keep = float(l2), float(l1), float(keep)
        self.dropout_rng = np.random.default_rng(dropout_rng)

    def _hidden_forward(self, i, h, mode):
        out, cache = super()._hidden_forward(i, h, mode)  # (N, H_i)
        if self.keep >= 1.0:
            return out, (cache, None)
        out, drop_cache = dropout_forward(out, self.keep, mode, self.dropout_rng)
        return out, (cache, drop_cache)

    def _hidden_backward(self, i, dout, cache):
        cache, drop_cache = cache
        if drop_cache is not None:
            dout = dropout_backward(dout, drop_cache)
        return super()._hidden_backward(i, dout, cache)

    def loss(self, X, y=None):
        result = super().loss(X, y)
        if y is None:
            return result
        loss, grads = result
        for penalty, strength in ((l2_penalty, self.l2), (l1_penalty, self.l1)):
            if strength:
                value, extra = penalty(self.params, strength)
                loss += value
                grads = {k: grads[k] + extra[k] for k in grads}
        return float(loss), grads
