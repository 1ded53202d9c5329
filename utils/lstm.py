"""Long short-term memory (LSTM): one step and a whole layer, forward and backward (12_lstm_gru).

Batch-first as in ``utils.rnn``: x (N, T, D), states (N, T, H). Gates, in PyTorch's order
**i, f, g, o** (input, forget, cell candidate, output), come from one matrix product:

    a = x_t @ Wx + h_{t-1} @ Wh + b                      # (N, 4H), columns [i | f | g | o]
    i = sigmoid(a_i), f = sigmoid(a_f), g = tanh(a_g), o = sigmoid(a_o)
    c_t = f * c_{t-1} + i * g
    h_t = o * tanh(c_t)

with Wx (D, 4H), Wh (H, 4H), b (4H,). ``torch.nn.LSTM(D, H, batch_first=True)`` is the same layer
with ``weight_ih_l0 = Wx.T``, ``weight_hh_l0 = Wh.T`` and ``bias_ih_l0 + bias_hh_l0 = b`` (the order
of the gate blocks is the same, so no reordering is needed).

The layer: ``lstm_forward(x, h0, c0, Wx, Wh, b) -> (h, c_last, cache)``, c0 None meaning zeros;
``lstm_backward(dh, cache, dc_last=None) -> (dx, dh0, dc0, dWx, dWh, db)``. A gradient on the final
hidden state goes into ``dh[:, -1]`` (it is an output like the others), one on the final cell state
into ``dc_last``. To carry the state across chunks of a long sequence (truncated BPTT), pass
``h[:, -1]`` and ``c_last`` as the next chunk's h0 and c0.

Speed: the input projection of all T steps is one product before the loop, the weight gradients
one product each after it; the loop works on time-major copies, so that every step reads and
writes contiguous (N, 4H) blocks. float32 inputs give float32 everything.
"""

import numpy as np

__all__ = ["lstm_step_forward", "lstm_step_backward", "lstm_forward", "lstm_backward", "init_lstm_params"]


def _sigmoid(a):
    """Logistic function, written with tanh: exact, stable for any a, and keeps the dtype."""
    return 0.5 + 0.5 * np.tanh(0.5 * a)


def lstm_step_forward(x, prev_h, prev_c, Wx, Wh, b):
    """Run one LSTM step on a batch.

    Inputs: x (N, D), prev_h (N, H), prev_c (N, H), Wx (D, 4H), Wh (H, 4H), b (4H,), gate blocks
    in the order i, f, g, o.
    Returns (next_h, next_c, cache): (N, H) each, in the inputs' dtype.
    """
    hidden = prev_h.shape[1]
    a = x @ Wx + prev_h @ Wh + b  # (N, 4H)
    i, f = _sigmoid(a[:, :hidden]), _sigmoid(a[:, hidden:2 * hidden])
    g, o = np.tanh(a[:, 2 * hidden:3 * hidden]), _sigmoid(a[:, 3 * hidden:])
    next_c = f * prev_c + i * g
    tanh_c = np.tanh(next_c)
    next_h = o * tanh_c
    return next_h, next_c, (x, prev_h, prev_c, Wx, Wh, i, f, g, o, tanh_c)


def lstm_step_backward(dnext_h, dnext_c, cache):
    """Backward pass of lstm_step_forward.

    Inputs: dnext_h (N, H), dnext_c (N, H) gradients on the step's two outputs; cache.
    Returns (dx, dprev_h, dprev_c, dWx, dWh, db): (N, D), (N, H), (N, H), (D, 4H), (H, 4H), (4H,).
    """
    x, prev_h, prev_c, Wx, Wh, i, f, g, o, tanh_c = cache
    dc = dnext_c + dnext_h * o * (1 - tanh_c * tanh_c)  # c_t reaches the loss directly and through h_t
    da = np.concatenate([dc * g * i * (1 - i), dc * prev_c * f * (1 - f), dc * i * (1 - g * g),
                         dnext_h * tanh_c * o * (1 - o)], axis=1)  # (N, 4H)
    return da @ Wx.T, da @ Wh.T, dc * f, x.T @ da, prev_h.T @ da, da.sum(axis=0)


def _gate_constants(hidden, dtype):
    """Per-column constants over the 4H gate columns [i | f | g | o]: sigmoid(a) = 0.5 + 0.5 tanh(a / 2),
    so one tanh of the pre-activations times ``half`` gives every gate after ``* half + offset``;
    ``one`` is 1 on the sigmoid columns and 0 on g (see _slopes)."""
    sig = np.ones(4 * hidden, dtype=dtype)
    sig[2 * hidden:3 * hidden] = 0
    half = np.where(sig == 1, 0.5, 1.0).astype(dtype)  # scale inside the tanh, and of its output
    return half, sig * dtype.type(0.5), sig


def lstm_forward(x, h0, c0, Wx, Wh, b):
    """Run an LSTM over whole sequences.

    Inputs: x (N, T, D); h0 (N, H); c0 (N, H) or None for zeros; Wx (D, 4H), Wh (H, 4H), b (4H,).
    Returns (h, c_last, cache): h (N, T, H) the hidden states after steps 1..T; c_last (N, H) the
    cell state after step T; both in the dtype of all inputs together.
    """
    n, t_len, d = x.shape
    hidden = Wh.shape[0]
    dtype = np.result_type(x, h0, Wx, Wh, b) if c0 is None else np.result_type(x, h0, c0, Wx, Wh, b)
    half, offset, _ = _gate_constants(hidden, dtype)
    wh_half = (Wh * half).astype(dtype, copy=False)  # (H, 4H): the sigmoid columns pre-halved
    x_tm = np.ascontiguousarray(x.transpose(1, 0, 2), dtype=dtype)  # (T, N, D), time-major
    gates = (x_tm.reshape(t_len * n, d) @ (Wx * half).astype(dtype, copy=False)
             + (b * half).astype(dtype, copy=False)).reshape(t_len, n, 4 * hidden)  # every step's input term
    hs = np.empty((t_len + 1, n, hidden), dtype=dtype)  # hs[t] is the state step t reads: hs[0] = h0
    cs = np.empty((t_len + 1, n, hidden), dtype=dtype)
    tanh_cs = np.empty((t_len, n, hidden), dtype=dtype)
    hs[0] = h0
    cs[0] = 0 if c0 is None else c0
    for t in range(t_len):
        a = gates[t]  # (N, 4H), turned into the gates [i | f | g | o] in place
        a += hs[t] @ wh_half
        np.tanh(a, out=a)
        a *= half
        a += offset
        i, f, g, o = a[:, :hidden], a[:, hidden:2 * hidden], a[:, 2 * hidden:3 * hidden], a[:, 3 * hidden:]
        np.multiply(f, cs[t], out=cs[t + 1])
        cs[t + 1] += i * g
        np.tanh(cs[t + 1], out=tanh_cs[t])
        np.multiply(o, tanh_cs[t], out=hs[t + 1])
    h = np.ascontiguousarray(hs[1:].transpose(1, 0, 2))  # (N, T, H)
    return h, cs[-1].copy(), (x_tm, Wx, Wh, hs, cs, tanh_cs, gates)


def lstm_backward(dh, cache, dc_last=None):
    """Backpropagation through time for lstm_forward.

    Inputs: dh (N, T, H), the gradient on every hidden state through its direct use (a gradient on
    the final state h_T belongs in dh[:, -1]); cache; dc_last (N, H), the gradient on c_last, or None.
    Returns (dx, dh0, dc0, dWx, dWh, db): (N, T, D), (N, H), (N, H), (D, 4H), (H, 4H), (4H,), in
    the forward pass's dtype.
    """
    x_tm, Wx, Wh, hs, cs, tanh_cs, gates = cache
    t_len, n, d = x_tm.shape
    hidden = Wh.shape[0]
    dtype = hs.dtype
    _, _, sig = _gate_constants(hidden, dtype)
    one_minus_sig = 1 - sig
    dh_tm = np.ascontiguousarray(dh.transpose(1, 0, 2), dtype=dtype)  # (T, N, H)
    da = np.empty_like(gates)  # (T, N, 4H) gradient on every step's pre-activations
    dnext_h = np.zeros((n, hidden), dtype=dtype)
    dnext_c = np.zeros((n, hidden), dtype=dtype) if dc_last is None else dc_last.astype(dtype, copy=True)
    wh_t = np.ascontiguousarray(Wh.T, dtype=dtype)  # (4H, H)
    # what depends on the forward pass only, for all steps at once (few large operations, not T small ones)
    slopes = one_minus_sig - (gates - sig) * gates  # (T, N, 4H): s (1 - s) on i, f, o; 1 - g^2 on g
    through_h = gates[:, :, 3 * hidden:] * (1 - tanh_cs * tanh_cs)  # (T, N, H): d c_t / d h_t = o tanh'(c_t)
    for t in range(t_len - 1, -1, -1):
        gate, da_t = gates[t], da[t]
        dh_t = dh_tm[t] + dnext_h  # direct gradient plus what came back from step t + 1
        dnext_c += dh_t * through_h[t]  # the gradient on c_t
        np.multiply(dnext_c, gate[:, 2 * hidden:3 * hidden], out=da_t[:, :hidden])  # to i: dc * g
        np.multiply(dnext_c, cs[t], out=da_t[:, hidden:2 * hidden])  # to f: dc * c_{t-1}
        np.multiply(dnext_c, gate[:, :hidden], out=da_t[:, 2 * hidden:3 * hidden])  # to g: dc * i
        np.multiply(dh_t, tanh_cs[t], out=da_t[:, 3 * hidden:])  # to o: dh * tanh(c_t)
        da_t *= slopes[t]
        dnext_c *= gate[:, hidden:2 * hidden]
        dnext_h = da_t @ wh_t
    da_flat = da.reshape(t_len * n, 4 * hidden)
    dx = (da_flat @ Wx.T.astype(dtype, copy=False)).reshape(t_len, n, d).transpose(1, 0, 2)
    dWx = x_tm.reshape(t_len * n, d).T @ da_flat  # shared weights: one product sums every step
    dWh = hs[:-1].reshape(t_len * n, hidden).T @ da_flat
    return np.ascontiguousarray(dx), dnext_h, dnext_c, dWx, dWh, da_flat.sum(axis=0)


def init_lstm_params(input_dim, hidden_dim, rng=0, forget_bias=1.0, dtype=np.float64):
    """LSTM weights {"Wx" (D, 4H), "Wh" (H, 4H), "b" (4H,)}, gate order i, f, g, o.

    Wx ~ N(0, 1/D); each of the four (H, H) blocks of Wh a random orthogonal matrix; b 0 except the
    forget gate's block, set to ``forget_bias`` (1 keeps the cell's content by default at the start).
    """
    rng = np.random.default_rng(rng)
    blocks = []
    for _ in range(4):
        q, r = np.linalg.qr(rng.standard_normal((hidden_dim, hidden_dim)))
        blocks.append(q * np.sign(np.diag(r)))
    b = np.zeros(4 * hidden_dim)
    b[hidden_dim:2 * hidden_dim] = forget_bias
    params = {"Wx": rng.standard_normal((input_dim, 4 * hidden_dim)) / np.sqrt(input_dim),
              "Wh": np.concatenate(blocks, axis=1), "b": b}
    return {k: v.astype(dtype) for k, v in params.items()}
