"""Connectionist temporal classification (13_ctc): loss, gradient and decoders, in log space.

Conventions: batch first. ``logits`` is (N, T, C) of unnormalised scores, class ``blank`` (0 by
default) is the blank; ``input_lengths`` (N,) says how many steps of each row are real (the rest
is padding and gets no gradient); ``targets`` is (N, S) of integer labels padded with anything,
``target_lengths`` (N,) says how many are real (0 is allowed). All recursions work on log
probabilities with ``np.logaddexp`` (a stable log-sum-exp that accepts -inf), vectorised over the
batch and the extended labels, looping only over time.

An infeasible target (shorter input than the labels plus one blank between each pair of equal
neighbours need) has probability 0: its loss is +inf and its gradient is set to zero, which is
what PyTorch's ``ctc_loss(..., zero_infinity=True)`` does (without it PyTorch returns inf and a
nan/inf gradient).
"""

import numpy as np

__all__ = [
    "ctc_extend_targets",
    "ctc_log_softmax",
    "ctc_alpha",
    "ctc_beta",
    "ctc_loss_forward",
    "ctc_loss_backward",
    "ctc_greedy_decode",
    "ctc_prefix_beam_search",
]


def ctc_extend_targets(targets, target_lengths, blank=0):
    """Extended label sequences l' = (blank, l1, blank, l2, ..., lS, blank) for a batch.

    Returns ``ext`` (N, 2*S+1) int64 (padded with ``blank``), ``ext_lengths`` (N,) = 2*S_n + 1 and
    ``skip`` (N, 2*S+1) bool: True at position s when the transition s-2 -> s is allowed, i.e.
    l'_s is a label (not a blank) different from l'_{s-2}.
    """
    targets = np.asarray(targets)
    target_lengths = np.asarray(target_lengths, dtype=np.int64)
    n = targets.shape[0]
    s_max = targets.shape[1] if targets.ndim == 2 else 0
    width = 2 * s_max + 1
    ext = np.full((n, width), blank, dtype=np.int64)
    real = np.arange(s_max)[None, :] < target_lengths[:, None]
    if s_max:
        ext[:, 1::2] = np.where(real, targets, blank)
    ext_lengths = 2 * target_lengths + 1
    skip = np.zeros((n, width), dtype=bool)
    skip[:, 2:] = (ext[:, 2:] != blank) & (ext[:, 2:] != ext[:, :-2])
    skip &= np.arange(width)[None, :] < ext_lengths[:, None]
    return ext, ext_lengths, skip


def ctc_log_softmax(logits):
    """Log of the softmax over the last axis, stable for large logits; same shape and dtype."""
    logits = np.asarray(logits)
    shifted = logits - logits.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


def _emissions(log_probs, ext):
    """(N, T, S') log probability of the extended label at each step."""
    return np.take_along_axis(log_probs, np.broadcast_to(ext[:, None, :], (ext.shape[0], log_probs.shape[1],
                                                                           ext.shape[1])), axis=2)


def ctc_alpha(log_probs, input_lengths, ext, ext_lengths, skip):
    """Forward variables log alpha (N, T, S'): log probability of all partial alignments of the
    first t+1 steps ending at extended label s. Steps t >= input_lengths[n] and positions
    s >= ext_lengths[n] hold -inf."""
    n, t_len, _ = log_probs.shape
    width = ext.shape[1]
    emit = _emissions(log_probs, ext)
    valid_s = np.arange(width)[None, :] < ext_lengths[:, None]
    alpha = np.full((n, t_len, width), -np.inf, dtype=log_probs.dtype)
    start = np.full((n, width), -np.inf, dtype=log_probs.dtype)
    start[:, :2] = emit[:, 0, :2]
    start[~valid_s] = -np.inf
    alpha[:, 0] = np.where(np.asarray(input_lengths)[:, None] > 0, start, -np.inf)
    with np.errstate(invalid="ignore"):
        for t in range(1, t_len):
            prev = alpha[:, t - 1]
            total = prev.copy()
            total[:, 1:] = np.logaddexp(total[:, 1:], prev[:, :-1])
            total[:, 2:] = np.logaddexp(total[:, 2:], np.where(skip[:, 2:], prev[:, :-2], -np.inf))
            step = total + emit[:, t]
            live = (t < np.asarray(input_lengths))[:, None] & valid_s
            alpha[:, t] = np.where(live, step, -np.inf)
    return alpha


def ctc_beta(log_probs, input_lengths, ext, ext_lengths, skip):
    """Backward variables log beta (N, T, S'): log probability of all partial alignments of the
    steps t..T_n-1 starting at extended label s (the emission at t included), ending on the last
    label or the final blank. -inf outside each sequence's lengths."""
    n, t_len, _ = log_probs.shape
    width = ext.shape[1]
    emit = _emissions(log_probs, ext)
    input_lengths = np.asarray(input_lengths)
    pos = np.arange(width)[None, :]
    valid_s = pos < ext_lengths[:, None]
    final = (pos == ext_lengths[:, None] - 1) | (pos == ext_lengths[:, None] - 2)
    beta = np.full((n, t_len, width), -np.inf, dtype=log_probs.dtype)
    nxt = np.full((n, width), -np.inf, dtype=log_probs.dtype)
    skip_from = np.zeros_like(skip)
    skip_from[:, :-2] = skip[:, 2:]  # s -> s+2 allowed
    with np.errstate(invalid="ignore"):
        for t in range(t_len - 1, -1, -1):
            total = nxt.copy()
            total[:, :-1] = np.logaddexp(total[:, :-1], nxt[:, 1:])
            total[:, :-2] = np.logaddexp(total[:, :-2], np.where(skip_from[:, :-2], nxt[:, 2:], -np.inf))
            last = (t == input_lengths - 1)[:, None]
            total = np.where(last, np.where(final, 0.0, -np.inf), total)
            live = (t < input_lengths)[:, None] & valid_s
            beta[:, t] = np.where(live, total + emit[:, t], -np.inf)
            nxt = beta[:, t]
    return beta


def ctc_loss_forward(logits, targets, input_lengths, target_lengths, blank=0):
    """CTC loss per sequence, -log p(target | input), and a cache for ``ctc_loss_backward``.

    ``logits`` (N, T, C) float; returns ``loss`` (N,) in the logits' dtype (+inf for infeasible
    targets; an empty target is allowed) and the cache.
    """
    logits = np.asarray(logits)
    input_lengths = np.asarray(input_lengths, dtype=np.int64)
    log_probs = ctc_log_softmax(logits)
    ext, ext_lengths, skip = ctc_extend_targets(targets, target_lengths, blank)
    alpha = ctc_alpha(log_probs, input_lengths, ext, ext_lengths, skip)
    rows = np.arange(logits.shape[0])
    t_last = np.maximum(input_lengths - 1, 0)
    a_last = alpha[rows, t_last, ext_lengths - 1]
    a_prev = np.where(ext_lengths >= 2, alpha[rows, t_last, np.maximum(ext_lengths - 2, 0)], -np.inf)
    loss = -np.logaddexp(a_last, a_prev)
    loss = np.where(input_lengths > 0, loss, np.where(ext_lengths == 1, 0.0, np.inf)).astype(logits.dtype)
    cache = (log_probs, input_lengths, ext, ext_lengths, skip, alpha, loss)
    return loss, cache


def ctc_loss_backward(dloss, cache):
    """Gradient of sum_n dloss[n] * loss[n] with respect to the logits, (N, T, C).

    Through the posteriors gamma[t, s] = alpha[t, s] beta[t, s] / (y[t, l'_s] p): the gradient of
    -log p at step t < T_n is softmax(logits[t]) minus the summed posteriors of each class. Padded
    steps and infeasible sequences (infinite loss) get zero.
    """
    log_probs, input_lengths, ext, ext_lengths, skip, alpha, loss = cache
    n, t_len, n_classes = log_probs.shape
    beta = ctc_beta(log_probs, input_lengths, ext, ext_lengths, skip)
    emit = _emissions(log_probs, ext)
    feasible = np.isfinite(loss)
    log_p = np.where(feasible, -loss, 0.0)
    with np.errstate(invalid="ignore"):
        log_gamma = alpha + beta - emit - log_p[:, None, None]
    gamma = np.where(np.isfinite(log_gamma), np.exp(np.where(np.isfinite(log_gamma), log_gamma, 0.0)), 0.0)
    onehot = (ext[:, :, None] == np.arange(n_classes)[None, None, :]).astype(log_probs.dtype)
    occupancy = np.matmul(gamma.astype(log_probs.dtype), onehot)
    live = (np.arange(t_len)[None, :] < input_lengths[:, None]) & feasible[:, None]
    grad = np.exp(log_probs) - occupancy
    grad = np.where(live[:, :, None], grad, 0.0)
    return (grad * np.asarray(dloss, dtype=log_probs.dtype)[:, None, None]).astype(log_probs.dtype)


def ctc_greedy_decode(logits, input_lengths, blank=0):
    """Best-path decoding: the most probable class at each real step, repeats merged, then blanks
    dropped. Works on logits or (log) probabilities (N, T, C); returns a list of N lists of ints."""
    best = np.asarray(logits).argmax(axis=-1)
    out = []
    for row, length in zip(best, np.asarray(input_lengths)):
        path = row[:length]
        keep = np.ones(len(path), dtype=bool)
        keep[1:] = path[1:] != path[:-1]
        out.append([int(c) for c in path[keep] if c != blank])
    return out


def ctc_prefix_beam_search(log_probs, beam_width=8, blank=0):
    """Prefix beam search over one utterance's log probabilities (T, C) (already normalised).

    Each prefix keeps two log probabilities: of the alignments ending in a blank and of those
    ending in its last label, so that a repeated label is only extended after a blank. Returns
    (best labelling as a tuple of ints, its log probability summed over the alignments kept).
    """
    log_probs = np.asarray(log_probs, dtype=np.float64)
    beams = {(): (0.0, -np.inf)}  # prefix -> (log p ending in blank, log p ending in a label)
    for t in range(log_probs.shape[0]):
        lp = log_probs[t]
        new = {}

        def add(prefix, pb, pnb):
            ob, onb = new.get(prefix, (-np.inf, -np.inf))
            new[prefix] = (np.logaddexp(ob, pb), np.logaddexp(onb, pnb))

        for prefix, (pb, pnb) in beams.items():
            total = np.logaddexp(pb, pnb)
            add(prefix, total + lp[blank], -np.inf)
            if prefix:
                add(prefix, -np.inf, pnb + lp[prefix[-1]])
            for c in range(log_probs.shape[1]):
                if c == blank:
                    continue
                if prefix and c == prefix[-1]:
                    add(prefix + (c,), -np.inf, pb + lp[c])
                else:
                    add(prefix + (c,), -np.inf, total + lp[c])
        ranked = sorted(new.items(), key=lambda kv: -np.logaddexp(*kv[1]))
        beams = dict(ranked[:beam_width])
    best, (pb, pnb) = max(beams.items(), key=lambda kv: np.logaddexp(*kv[1]))
    return best, float(np.logaddexp(pb, pnb))
