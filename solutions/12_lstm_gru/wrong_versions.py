"""Wrong versions of 12_lstm_gru's graded functions: the mistakes students really make.

The test suite puts each one into the released notebook in place of the student's cell, grades it,
and asserts that every test calling that function loses its points and that a visible test fails.
The first version of each function is the demo's "typical mistakes" student.

Wrong forward passes keep the reference's cache layout, so the reference backward pass runs on it.
The bidirectional_forward cell also holds the given helpers layer_forward and layer_backward, so
its wrong versions carry them too (_HELPERS).
"""

_LSTM_STEP = '''
import numpy as np
def lstm_step_forward(x, prev_h, prev_c, Wx, Wh, b):
    hidden = prev_h.shape[1]
    a = x @ Wx + prev_h @ Wh + b
    {gates}
    {cell}
    {out}
    return next_h, next_c, (x, prev_h, prev_c, Wx, Wh, i, f, g, o, next_c)
'''

_IFGO = ("i, f = sigmoid(a[:, :hidden]), sigmoid(a[:, hidden:2 * hidden])\n"
         "    g, o = np.tanh(a[:, 2 * hidden:3 * hidden]), sigmoid(a[:, 3 * hidden:])")


def _lstm_step(gates=_IFGO, cell="next_c = f * prev_c + i * g", out="next_h = o * np.tanh(next_c)"):
    return _LSTM_STEP.format(gates=gates, cell=cell, out=out)


_LSTM_STEP_BWD = '''
import numpy as np
def lstm_step_backward(dnext_h, dnext_c, cache):
    x, prev_h, prev_c, Wx, Wh, i, f, g, o, next_c = cache
    tanh_c = np.tanh(next_c)
    dc = {dc}
    da = np.concatenate([dc * g * i * (1 - i), dc * prev_c * f * (1 - f), dc * i * (1 - g ** 2),
                         {da_o}], axis=1)
    return da @ Wx.T, da @ Wh.T, {dprev_c}, x.T @ da, prev_h.T @ da, da.sum(axis=0)
'''


def _lstm_step_bwd(dc="dnext_c + dnext_h * o * (1 - tanh_c ** 2)", da_o="dnext_h * tanh_c * o * (1 - o)",
                   dprev_c="dc * f"):
    return _LSTM_STEP_BWD.format(dc=dc, da_o=da_o, dprev_c=dprev_c)


_LSTM_FWD = '''
import numpy as np
def lstm_forward(x, h0, c0, Wx, Wh, b):
    n, t_len, _ = x.shape
    h = np.empty((n, t_len, Wh.shape[0]), dtype={dtype})
    prev_h, prev_c = h0, {c_init}
    caches = []
    for t in range(t_len):
        prev_h, {c_next}, step_cache = lstm_step_forward(x[:, t], prev_h, prev_c, Wx, Wh, b)
        h[:, t] = prev_h
        caches.append(step_cache)
    return h, {c_last}, caches
'''


def _lstm_fwd(dtype="np.result_type(x, h0, Wx, Wh, b)", c_init="(np.zeros_like(h0) if c0 is None else c0)",
              c_next="prev_c", c_last="prev_c"):
    return _LSTM_FWD.format(dtype=dtype, c_init=c_init, c_next=c_next, c_last=c_last)


_LSTM_BWD = '''
import numpy as np
def lstm_backward(dh, cache, dc_last=None):
    caches = cache
    n, t_len, _ = dh.shape
    Wx, Wh = caches[0][3], caches[0][4]
    dx = np.empty((n, t_len, Wx.shape[0]), dtype=dh.dtype)
    dWx, dWh, db = np.zeros_like(Wx), np.zeros_like(Wh), np.zeros(Wh.shape[1], dtype=Wh.dtype)
    dprev_h = np.zeros_like(dh[:, 0])
    dprev_c = {dc_init}
    for t in range(t_len - 1, -1, -1):
        dx[:, t], dprev_h, {dc_next}, dWx_t, dWh_t, db_t = lstm_step_backward({upstream}, {dc_in}, caches[t])
        {accumulate}
    return dx, dprev_h, dprev_c, dWx, dWh, db
'''


def _lstm_bwd(dc_init="np.zeros_like(dh[:, 0]) if dc_last is None else dc_last", dc_next="dprev_c",
              upstream="dh[:, t] + dprev_h", dc_in="dprev_c",
              accumulate="dWx += dWx_t\n        dWh += dWh_t\n        db += db_t"):
    return _LSTM_BWD.format(dc_init=dc_init, dc_next=dc_next, upstream=upstream, dc_in=dc_in, accumulate=accumulate)


_GRU_STEP = '''
import numpy as np
def gru_step_forward(x, prev_h, Wx, Wh, bx, bh):
    hidden = prev_h.shape[1]
    ax, ah = x @ Wx + bx, prev_h @ Wh + bh
    {rz}
    {n}
    {out}
    return next_h, (x, prev_h, Wx, Wh, r, z, n, ah[:, 2 * hidden:])
'''

_RZ = ("r = sigmoid(ax[:, :hidden] + ah[:, :hidden])\n"
       "    z = sigmoid(ax[:, hidden:2 * hidden] + ah[:, hidden:2 * hidden])")


def _gru_step(rz=_RZ, n="n = np.tanh(ax[:, 2 * hidden:] + r * ah[:, 2 * hidden:])",
              out="next_h = (1 - z) * n + z * prev_h"):
    return _GRU_STEP.format(rz=rz, n=n, out=out)


_GRU_STEP_BWD = '''
import numpy as np
def gru_step_backward(dnext_h, cache):
    x, prev_h, Wx, Wh, r, z, n, ah_n = cache
    dan = dnext_h * (1 - z) * (1 - n ** 2)
    dar = {dar}
    daz = {daz}
    dax = np.concatenate([dar, daz, dan], axis=1)
    dah = np.concatenate([dar, daz, {dah_n}], axis=1)
    dprev_h = {dprev_h}
    return dax @ Wx.T, dprev_h, x.T @ dax, prev_h.T @ dah, dax.sum(axis=0), dah.sum(axis=0)
'''


def _gru_step_bwd(dar="dan * ah_n * r * (1 - r)", daz="dnext_h * (prev_h - n) * z * (1 - z)", dah_n="dan * r",
                  dprev_h="dah @ Wh.T + dnext_h * z"):
    return _GRU_STEP_BWD.format(dar=dar, daz=daz, dah_n=dah_n, dprev_h=dprev_h)


_GRU_FWD = '''
import numpy as np
def gru_forward(x, h0, Wx, Wh, bx, bh):
    n, t_len, _ = x.shape
    h = np.empty((n, t_len, Wh.shape[0]), dtype={dtype})
    caches, prev_h = [], {h_init}
    for t in range(t_len):
        {step}
        h[:, t] = next_h
        caches.append(step_cache)
    return h, caches
'''


def _gru_fwd(dtype="np.result_type(x, h0, Wx, Wh, bx, bh)", h_init="h0",
             step="next_h, step_cache = gru_step_forward(x[:, t], prev_h, Wx, Wh, bx, bh)\n        prev_h = next_h"):
    return _GRU_FWD.format(dtype=dtype, h_init=h_init, step=step)


_GRU_BWD = '''
import numpy as np
def gru_backward(dh, cache):
    caches = cache
    n, t_len, _ = dh.shape
    Wx, Wh = caches[0][2], caches[0][3]
    dx = np.empty((n, t_len, Wx.shape[0]), dtype=dh.dtype)
    dWx, dWh = np.zeros_like(Wx), np.zeros_like(Wh)
    dbx, dbh = np.zeros(Wx.shape[1], dtype=Wx.dtype), np.zeros(Wh.shape[1], dtype=Wh.dtype)
    dprev_h = np.zeros_like(dh[:, 0])
    for t in {order}:
        dx[:, t], dprev_h, dWx_t, dWh_t, dbx_t, dbh_t = gru_step_backward({upstream}, caches[t])
        {accumulate}
    return dx, dprev_h, dWx, dWh, dbx, dbh
'''


def _gru_bwd(order="range(t_len - 1, -1, -1)", upstream="dh[:, t] + dprev_h",
             accumulate="dWx += dWx_t\n        dWh += dWh_t\n        dbx += dbx_t\n        dbh += dbh_t"):
    return _GRU_BWD.format(order=order, upstream=upstream, accumulate=accumulate)


_HELPERS = '''
import numpy as np
def layer_forward(cell, x, params):
    h0 = np.zeros((x.shape[0], params["Wh"].shape[0]), dtype=np.result_type(x, params["Wh"]))
    if cell == "lstm":
        h, _, cache = lstm_forward(x, h0, None, params["Wx"], params["Wh"], params["b"])
    elif cell == "gru":
        h, cache = gru_forward(x, h0, params["Wx"], params["Wh"], params["bx"], params["bh"])
    else:
        h, cache = rnn_forward(x, h0, params["Wx"], params["Wh"], params["b"])
    return h, (cell, cache)


def layer_backward(dh, cache):
    cell, cache = cache
    if cell == "lstm":
        dx, _, _, dWx, dWh, db = lstm_backward(dh, cache)
        return dx, {"Wx": dWx, "Wh": dWh, "b": db}
    if cell == "gru":
        dx, _, dWx, dWh, dbx, dbh = gru_backward(dh, cache)
        return dx, {"Wx": dWx, "Wh": dWh, "bx": dbx, "bh": dbh}
    dx, _, dWx, dWh, db = rnn_backward(dh, cache)
    return dx, {"Wx": dWx, "Wh": dWh, "b": db}
'''

_BI_FWD = '''

def bidirectional_forward(x, params_fwd, params_bwd, cell, mask=None):
    n, t_len, _ = x.shape
    lengths = np.full((n, 1), t_len) if mask is None else np.asarray(mask).sum(axis=1, keepdims=True)
    steps = np.arange(t_len)[None, :]
    index = {index}
    rows = np.arange(n)[:, None]
    keep = (steps < lengths)[:, :, None]
    h_fwd, cache_fwd = layer_forward(cell, x, params_fwd)
    h_rev, cache_bwd = layer_forward(cell, x[rows, index], {second})
    h = {combine}
    return h, (rows, index, keep, cache_fwd, cache_bwd)
'''


def _bi_fwd(index="np.where(steps < lengths, lengths - 1 - steps, steps)", second="params_bwd",
            combine="np.concatenate([h_fwd, h_rev[rows, index]], axis=2) * keep"):
    return _HELPERS + _BI_FWD.format(index=index, second=second, combine=combine)


_BI_BWD = '''
import numpy as np
def bidirectional_backward(dh, cache):
    rows, index, keep, cache_fwd, cache_bwd = cache
    hidden = dh.shape[2] // 2
    {mask_dh}
    dx_fwd, grads_fwd = layer_backward(dh[:, :, :hidden], cache_fwd)
    dx_rev, grads_bwd = layer_backward({dh_rev}, cache_bwd)
    return {ret}
'''


def _bi_bwd(mask_dh="dh = dh * keep", dh_rev="dh[:, :, hidden:][rows, index]",
            ret="dx_fwd + dx_rev[rows, index], grads_fwd, grads_bwd"):
    return _BI_BWD.format(mask_dh=mask_dh, dh_rev=dh_rev, ret=ret)


WRONG = {
    "lstm_step_forward": [
        ("gates in the wrong order: i, f, o, g (CS231n's) instead of i, f, g, o",
         _lstm_step(gates="i, f = sigmoid(a[:, :hidden]), sigmoid(a[:, hidden:2 * hidden])\n"
                          "    o, g = sigmoid(a[:, 2 * hidden:3 * hidden]), np.tanh(a[:, 3 * hidden:])")),
        ("the forget gate applied to the new candidate (and the input gate to the old memory)",
         _lstm_step(cell="next_c = i * prev_c + f * g")),
        ("next_h = o * next_c: the tanh of the cell missing", _lstm_step(out="next_h = o * next_c")),
        ("sigmoid for the candidate g too, so it cannot be negative",
         _lstm_step(gates="i, f = sigmoid(a[:, :hidden]), sigmoid(a[:, hidden:2 * hidden])\n"
                          "    g, o = sigmoid(a[:, 2 * hidden:3 * hidden]), sigmoid(a[:, 3 * hidden:])")),
    ],
    "lstm_step_backward": [
        ("the tanh of the cell missing in the output's derivative: da_o uses next_c",
         _lstm_step_bwd(da_o="dnext_h * next_c * o * (1 - o)")),
        ("the cell's gradient misses the path through next_h: dc = dnext_c", _lstm_step_bwd(dc="dnext_c")),
        ("the slope of tanh(c) missing: dc = dnext_c + dnext_h * o", _lstm_step_bwd(dc="dnext_c + dnext_h * o")),
        ("dprev_c = dc: the forget gate not applied on the way back", _lstm_step_bwd(dprev_c="dc")),
    ],
    "lstm_forward": [
        ("the cell state not carried: every step reads c0",
         _lstm_fwd(c_init="(np.zeros_like(h0) if c0 is None else c0)", c_next="_")),
        ("ignores c0: always starts from a zero memory", _lstm_fwd(c_init="np.zeros_like(h0)")),
        ("returns the last hidden state as c_last", _lstm_fwd(c_last="prev_h")),
        ("the states are allocated as float64", _lstm_fwd(dtype="np.float64")),
    ],
    "lstm_backward": [
        ("the cell-state gradient not carried to the previous step: each step gets dnext_c = 0",
         _lstm_bwd(dc_in="np.zeros_like(dprev_h)")),
        ("dc_last ignored: the walk starts from a zero cell gradient", _lstm_bwd(dc_init="np.zeros_like(dh[:, 0])")),
        ("the next step's dh not added: each step gets only its own dh[:, t]", _lstm_bwd(upstream="dh[:, t]")),
        ("shared weights not accumulated over time: dWx = dWx_t overwrites",
         _lstm_bwd(accumulate="dWx, dWh, db = dWx_t, dWh_t, db_t")),
    ],
    "gru_step_forward": [
        ("update convention flipped: next_h = z * n + (1 - z) * prev_h", _gru_step(out="next_h = z * n + (1 - z) * prev_h")),
        ("the reset gate applied before the product: (r * prev_h) @ Wh_n + bh_n",
         _gru_step(n="n = np.tanh(ax[:, 2 * hidden:] + (r * prev_h) @ Wh[:, 2 * hidden:] + bh[2 * hidden:])")),
        ("the hidden bias bh_n outside the reset gate",
         _gru_step(n="n = np.tanh(ax[:, 2 * hidden:] + bh[2 * hidden:] + r * (prev_h @ Wh[:, 2 * hidden:]))")),
        ("gate blocks in the order z, r, n",
         _gru_step(rz="z = sigmoid(ax[:, :hidden] + ah[:, :hidden])\n"
                      "    r = sigmoid(ax[:, hidden:2 * hidden] + ah[:, hidden:2 * hidden])")),
    ],
    "gru_step_backward": [
        ("dprev_h misses the direct path dnext_h * z", _gru_step_bwd(dprev_h="dah @ Wh.T")),
        ("the h-side n block not multiplied by r", _gru_step_bwd(dah_n="dan")),
        ("dz with the sign flipped: (n - prev_h)", _gru_step_bwd(daz="dnext_h * (n - prev_h) * z * (1 - z)")),
        ("the reset gate's gradient misses ah_n", _gru_step_bwd(dar="dan * r * (1 - r)")),
    ],
    "gru_forward": [
        ("every step reads h0 instead of the previous state",
         _gru_fwd(step="next_h, step_cache = gru_step_forward(x[:, t], h0, Wx, Wh, bx, bh)")),
        ("ignores h0: starts from zeros", _gru_fwd(h_init="np.zeros_like(h0)")),
        ("the states are allocated as float64", _gru_fwd(dtype="np.float64")),
    ],
    "gru_backward": [
        ("the next step's dh not added: each step gets only its own dh[:, t]", _gru_bwd(upstream="dh[:, t]")),
        ("shared weights not accumulated over time",
         _gru_bwd(accumulate="dWx, dWh, dbx, dbh = dWx_t, dWh_t, dbx_t, dbh_t")),
        ("walks forward in time, t = 0 .. T-1", _gru_bwd(order="range(t_len)")),
    ],
    "bidirectional_forward": [
        ("the mask ignored in the reverse direction: the whole padded array reversed",
         _bi_fwd(index="np.broadcast_to(t_len - 1 - steps, (n, t_len))")),
        ("the backward direction's states not put back in order",
         _bi_fwd(combine="np.concatenate([h_fwd, h_rev], axis=2) * keep")),
        ("padded steps not set to 0", _bi_fwd(combine="np.concatenate([h_fwd, h_rev[rows, index]], axis=2)")),
        ("both directions run with params_fwd", _bi_fwd(second="params_fwd")),
    ],
    "bidirectional_backward": [
        ("the reverse direction's gradient not reversed: dh goes in in the original order",
         _bi_bwd(dh_rev="dh[:, :, hidden:]")),
        ("the reverse direction's dx not put back in the original order",
         _bi_bwd(ret="dx_fwd + dx_rev, grads_fwd, grads_bwd")),
        ("dh not masked: gradient from padded outputs flows back", _bi_bwd(mask_dh="pass")),
        ("grads_fwd and grads_bwd swapped", _bi_bwd(ret="dx_fwd + dx_rev[rows, index], grads_bwd, grads_fwd")),
    ],
}
