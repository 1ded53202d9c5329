"""A bidirectional wrapper around any of the course's recurrent layers (12_lstm_gru).

One layer reads each sequence from its first step to its last, a second layer (its own weights)
from its last *real* step back to the first, and their states are concatenated at every step:
``h[..., :H]`` forward, ``h[..., H:]`` backward. Sequences are batch-first and padded at the end,
with a mask (N, T), True on real steps. The backward direction must start at each sequence's own
last step: reversing the whole padded array would make it read the padding first. So each sequence
is reversed within its length (padded steps stay where they are, after the real ones), run forward,
and reversed back. Both directions' outputs are 0 on padded steps, as PyTorch's
``pad_packed_sequence`` gives them, so padding gets no gradient and leaks into nothing.

``cell`` is "rnn" (``utils.rnn``, params {"Wx", "Wh", "b"}), "lstm" (``utils.lstm``, {"Wx", "Wh",
"b"}) or "gru" (``utils.gru``, {"Wx", "Wh", "bx", "bh"}); both directions start from zero states.
``torch.nn.LSTM(..., bidirectional=True, batch_first=True)`` on a packed batch is the same with the
``*_reverse`` weights as ``params_bwd``.
"""

import numpy as np

from . import gru, lstm, rnn

__all__ = ["bidirectional_forward", "bidirectional_backward", "reverse_index"]

_PARAM_NAMES = {"rnn": ("Wx", "Wh", "b"), "lstm": ("Wx", "Wh", "b"), "gru": ("Wx", "Wh", "bx", "bh")}


def reverse_index(mask, t_len):
    """(N, T) integer index that reverses each sequence within its length: row n is
    L_n - 1, ..., 0, L_n, ..., T - 1 with L_n = mask[n].sum(). It is its own inverse."""
    steps = np.arange(t_len)[None, :]
    lengths = np.full((1, 1), t_len) if mask is None else np.asarray(mask).sum(axis=1, keepdims=True)
    return np.where(steps < lengths, lengths - 1 - steps, steps)  # (N or 1, T)


def _layer_forward(cell, x, params):
    hidden = params["Wh"].shape[0]
    h0 = np.zeros((x.shape[0], hidden), dtype=np.result_type(x, params["Wh"]))
    args = [params[name] for name in _PARAM_NAMES[cell]]
    if cell == "lstm":
        h, _, cache = lstm.lstm_forward(x, h0, None, *args)
    elif cell == "gru":
        h, cache = gru.gru_forward(x, h0, *args)
    else:
        h, cache = rnn.rnn_forward(x, h0, *args)
    return h, cache


def _layer_backward(cell, dh, cache):
    if cell == "lstm":
        dx, _, _, *dparams = lstm.lstm_backward(dh, cache)
    elif cell == "gru":
        dx, _, *dparams = gru.gru_backward(dh, cache)
    else:
        dx, _, *dparams = rnn.rnn_backward(dh, cache)
    return dx, dict(zip(_PARAM_NAMES[cell], dparams))


def bidirectional_forward(x, params_fwd, params_bwd, cell, mask=None):
    """Run a recurrent layer over the sequences in both directions and concatenate the states.

    Inputs: x (N, T, D); params_fwd, params_bwd: the two directions' weights (dicts, see above),
    both with H hidden units; cell: "rnn", "lstm" or "gru"; mask (N, T) booleans or 0/1 with the
    padding at the end of each row, or None (every step real).
    Returns (h, cache): h (N, T, 2H), forward states then backward states, 0 on padded steps.
    """
    if cell not in _PARAM_NAMES:
        raise ValueError(f"cell must be 'rnn', 'lstm' or 'gru', got {cell!r}")
    n, t_len, _ = x.shape
    rows = np.arange(n)[:, None]
    index = np.broadcast_to(reverse_index(mask, t_len), (n, t_len))
    keep = np.ones((n, t_len, 1), dtype=bool) if mask is None else np.asarray(mask, dtype=bool)[:, :, None]
    h_fwd, cache_fwd = _layer_forward(cell, x, params_fwd)
    h_rev, cache_bwd = _layer_forward(cell, x[rows, index], params_bwd)  # each sequence read from its end
    h = np.concatenate([h_fwd, h_rev[rows, index]], axis=2) * keep  # (N, T, 2H)
    return h, (cell, rows, index, keep, h_fwd.shape[2], cache_fwd, cache_bwd)


def bidirectional_backward(dh, cache):
    """Backward pass of bidirectional_forward.

    Inputs: dh (N, T, 2H); cache.
    Returns (dx, grads_fwd, grads_bwd): dx (N, T, D), 0 on padded steps; the gradients of
    params_fwd and params_bwd, dicts with the same keys.
    """
    cell, rows, index, keep, hidden, cache_fwd, cache_bwd = cache
    dh = dh * keep  # padded outputs were set to 0: no gradient flows from them
    dx_fwd, grads_fwd = _layer_backward(cell, dh[:, :, :hidden], cache_fwd)
    dx_rev, grads_bwd = _layer_backward(cell, dh[:, :, hidden:][rows, index], cache_bwd)
    return dx_fwd + dx_rev[rows, index], grads_fwd, grads_bwd
