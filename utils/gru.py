"""Gated recurrent unit (GRU): one step and a whole layer, forward and backward (12_lstm_gru).

Batch-first as in ``utils.rnn``. PyTorch's convention (``torch.nn.GRU``), gate blocks in the order
**r, z, n** (reset, update, candidate):

    ax = x_t @ Wx + bx,  ah = h_{t-1} @ Wh + bh          # (N, 3H) each, columns [r | z | n]
    r = sigmoid(ax_r + ah_r),  z = sigmoid(ax_z + ah_z)
    n = tanh(ax_n + r * ah_n)                           # the reset gate scales h_{t-1} @ Wh_n + bh_n
    h_t = (1 - z) * n + z * h_{t-1}

with Wx (D, 3H), Wh (H, 3H), bx (3H,), bh (3H,): ``weight_ih_l0 = Wx.T``, ``weight_hh_l0 = Wh.T``,
``bias_ih_l0 = bx``, ``bias_hh_l0 = bh``. The two bias vectors are both needed: bh_n sits inside the
reset gate's product. The update gate z is the share of the *old* state kept, as in Cho et al.
(2014); Chung et al. (2014) and some texts write h_t = (1 - z) h_{t-1} + z n, the same family with z
replaced by 1 - z.

Layer: ``gru_forward(x, h0, Wx, Wh, bx, bh) -> (h, cache)``,
``gru_backward(dh, cache) -> (dx, dh0, dWx, dWh, dbx, dbh)``; the final state is ``h[:, -1]`` and a
gradient on it goes into ``dh[:, -1]``. The input projection of all steps is one product.
"""

import numpy as np

__all__ = ["gru_step_forward", "gru_step_backward", "gru_forward", "gru_backward", "init_gru_params"]


def _sigmoid(a):
    """Logistic function, written with tanh: exact, stable for any a, and keeps the dtype."""
    return 0.5 + 0.5 * np.tanh(0.5 * a)


def gru_step_forward(x, prev_h, Wx, Wh, bx, bh):
    """Run one GRU step on a batch.

    Inputs: x (N, D), prev_h (N, H), Wx (D, 3H), Wh (H, 3H), bx (3H,), bh (3H,), blocks r, z, n.
    Returns (next_h, cache): next_h (N, H) in the inputs' dtype.
    """
    hidden = prev_h.shape[1]
    ax, ah = x @ Wx + bx, prev_h @ Wh + bh  # (N, 3H) each
    rz = _sigmoid(ax[:, :2 * hidden] + ah[:, :2 * hidden])
    r, z = rz[:, :hidden], rz[:, hidden:]
    n = np.tanh(ax[:, 2 * hidden:] + r * ah[:, 2 * hidden:])
    next_h = (1 - z) * n + z * prev_h
    return next_h, (x, prev_h, Wx, Wh, r, z, n, ah[:, 2 * hidden:])


def gru_step_backward(dnext_h, cache):
    """Backward pass of gru_step_forward.

    Inputs: dnext_h (N, H); cache.
    Returns (dx, dprev_h, dWx, dWh, dbx, dbh): (N, D), (N, H), (D, 3H), (H, 3H), (3H,), (3H,).
    """
    x, prev_h, Wx, Wh, r, z, n, ah_n = cache
    dan = dnext_h * (1 - z) * (1 - n * n)  # (N, H) through n's tanh
    dar = dan * ah_n * r * (1 - r)
    daz = dnext_h * (prev_h - n) * z * (1 - z)
    dax = np.concatenate([dar, daz, dan], axis=1)  # (N, 3H)
    dah = np.concatenate([dar, daz, dan * r], axis=1)
    dprev_h = dah @ Wh.T + dnext_h * z
    return dax @ Wx.T, dprev_h, x.T @ dax, prev_h.T @ dah, dax.sum(axis=0), dah.sum(axis=0)


def gru_forward(x, h0, Wx, Wh, bx, bh):
    """Run a GRU over whole sequences.

    Inputs: x (N, T, D); h0 (N, H); Wx (D, 3H), Wh (H, 3H), bx (3H,), bh (3H,).
    Returns (h, cache): h (N, T, H), the states after steps 1..T, in the dtype of all inputs.
    """
    n_seq, t_len, d = x.shape
    hidden = Wh.shape[0]
    dtype = np.result_type(x, h0, Wx, Wh, bx, bh)
    x_tm = np.ascontiguousarray(x.transpose(1, 0, 2), dtype=dtype)  # (T, N, D)
    ax = (x_tm.reshape(t_len * n_seq, d) @ Wx + bx).astype(dtype, copy=False).reshape(t_len, n_seq, 3 * hidden)
    hs = np.empty((t_len + 1, n_seq, hidden), dtype=dtype)  # hs[t] is the state step t reads
    rz = np.empty((t_len, n_seq, 2 * hidden), dtype=dtype)
    cand = np.empty((t_len, n_seq, hidden), dtype=dtype)  # n of every step
    ah_n = np.empty((t_len, n_seq, hidden), dtype=dtype)
    hs[0] = h0
    for t in range(t_len):
        ah = hs[t] @ Wh + bh  # (N, 3H)
        rz[t] = _sigmoid(ax[t, :, :2 * hidden] + ah[:, :2 * hidden])
        ah_n[t] = ah[:, 2 * hidden:]
        np.tanh(ax[t, :, 2 * hidden:] + rz[t, :, :hidden] * ah_n[t], out=cand[t])
        hs[t + 1] = cand[t] + rz[t, :, hidden:] * (hs[t] - cand[t])  # (1 - z) n + z h_{t-1}
    h = np.ascontiguousarray(hs[1:].transpose(1, 0, 2))  # (N, T, H)
    return h, (x_tm, Wx, Wh, hs, rz, cand, ah_n)


def gru_backward(dh, cache):
    """Backpropagation through time for gru_forward.

    Inputs: dh (N, T, H), the gradient on every state through its direct use; cache.
    Returns (dx, dh0, dWx, dWh, dbx, dbh): (N, T, D), (N, H), (D, 3H), (H, 3H), (3H,), (3H,).
    """
    x_tm, Wx, Wh, hs, rz, cand, ah_n = cache
    t_len, n_seq, d = x_tm.shape
    hidden = Wh.shape[0]
    dtype = hs.dtype
    dh_tm = np.ascontiguousarray(dh.transpose(1, 0, 2), dtype=dtype)
    dax = np.empty((t_len, n_seq, 3 * hidden), dtype=dtype)
    dah = np.empty((t_len, n_seq, 3 * hidden), dtype=dtype)
    dnext = np.zeros((n_seq, hidden), dtype=dtype)
    wh_t = np.ascontiguousarray(Wh.T, dtype=dtype)
    for t in range(t_len - 1, -1, -1):
        r, z, n = rz[t, :, :hidden], rz[t, :, hidden:], cand[t]
        dh_t = dh_tm[t] + dnext
        dan = dh_t * (1 - z) * (1 - n * n)
        np.multiply(dan * ah_n[t], r * (1 - r), out=dax[t, :, :hidden])
        np.multiply(dh_t * (hs[t] - n), z * (1 - z), out=dax[t, :, hidden:2 * hidden])
        dax[t, :, 2 * hidden:] = dan
        dah[t, :, :2 * hidden] = dax[t, :, :2 * hidden]
        np.multiply(dan, r, out=dah[t, :, 2 * hidden:])
        dnext = dah[t] @ wh_t + dh_t * z
    dax_flat, dah_flat = dax.reshape(t_len * n_seq, 3 * hidden), dah.reshape(t_len * n_seq, 3 * hidden)
    dx = (dax_flat @ Wx.T.astype(dtype, copy=False)).reshape(t_len, n_seq, d).transpose(1, 0, 2)
    dWx = x_tm.reshape(t_len * n_seq, d).T @ dax_flat
    dWh = hs[:-1].reshape(t_len * n_seq, hidden).T @ dah_flat
    return np.ascontiguousarray(dx), dnext, dWx, dWh, dax_flat.sum(axis=0), dah_flat.sum(axis=0)


def init_gru_params(input_dim, hidden_dim, rng=0, dtype=np.float64):
    """GRU weights {"Wx" (D, 3H), "Wh" (H, 3H), "bx" (3H,), "bh" (3H,)}, blocks r, z, n.

    Wx ~ N(0, 1/D); each (H, H) block of Wh a random orthogonal matrix; biases 0.
    """
    rng = np.random.default_rng(rng)
    blocks = []
    for _ in range(3):
        q, r = np.linalg.qr(rng.standard_normal((hidden_dim, hidden_dim)))
        blocks.append(q * np.sign(np.diag(r)))
    params = {"Wx": rng.standard_normal((input_dim, 3 * hidden_dim)) / np.sqrt(input_dim),
              "Wh": np.concatenate(blocks, axis=1), "bx": np.zeros(3 * hidden_dim), "bh": np.zeros(3 * hidden_dim)}
    return {k: v.astype(dtype) for k, v in params.items()}
