"""Wrong versions of 11_rnn's graded functions: the mistakes students really make.

The test suite puts each one into the released notebook in place of the student's cell, grades it,
and asserts that every test calling that function loses its points. The first version of each
function is the demo's "typical mistakes" student, so it must fail every test that calls that
function, including the tests of the functions built on it (``uses`` in hidden_tests.py).

Wrong forward passes keep the reference's cache layout, so the reference backward pass runs on it
and the wrongness shows in the gradients too.
"""

_STEP_BWD = '''
import numpy as np
def rnn_step_backward(dnext_h, cache):
    x, prev_h, Wx, Wh, next_h = cache
    {da}
    return {ret}
'''


def _step_bwd(da="da = dnext_h * (1 - next_h * next_h)",
              ret="da @ Wx.T, da @ Wh.T, x.T @ da, prev_h.T @ da, da.sum(axis=0)"):
    return _STEP_BWD.format(da=da, ret=ret)


_RNN_BWD = '''
import numpy as np
def rnn_backward(dh, cache):
    caches = cache
    n, t_len, _ = dh.shape
    Wx, Wh = caches[0][2], caches[0][3]
    dx = np.empty((n, t_len, Wx.shape[0]), dtype=dh.dtype)
    dWx, dWh, db = np.zeros_like(Wx), np.zeros_like(Wh), np.zeros(Wh.shape[0], dtype=Wh.dtype)
    dprev_h = np.zeros_like(dh[:, 0])
    for t in {order}:
        dx[:, t], {dprev}, dWx_t, dWh_t, db_t = rnn_step_backward({upstream}, caches[t])
        {accumulate}
    return dx, {dh0}, dWx, dWh, db
'''


def _rnn_bwd(order="range(t_len - 1, -1, -1)", dprev="dprev_h", upstream="dh[:, t] + dprev_h",
             accumulate="dWx += dWx_t\n        dWh += dWh_t\n        db += db_t", dh0="dprev_h"):
    return _RNN_BWD.format(order=order, dprev=dprev, upstream=upstream, accumulate=accumulate, dh0=dh0)


_LOSS = '''
import numpy as np
def temporal_softmax_loss(x, y, mask=None):
    n, t_len, v = x.shape
    flat = x.reshape(n * t_len, v)
    rows, labels = np.arange(n * t_len), np.asarray(y).reshape(n * t_len)
    if mask is None{ignore}:
        weight = np.ones(n * t_len, dtype=x.dtype)
    else:
        weight = np.asarray(mask).reshape(n * t_len).astype(x.dtype)
    count = {count}
    shifted = {shifted}
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    loss = -float(np.sum(weight * log_probs[rows, labels])) / count
    dx = np.exp(log_probs)
    dx[rows, labels] -= 1
    dx *= {dx_scale}
    return loss, dx.reshape(n, t_len, v)
'''


def _loss(ignore="", count="max(float(weight.sum()), 1.0)", shifted="flat - flat.max(axis=1, keepdims=True)",
          dx_scale="(weight / x.dtype.type(count))[:, None]"):
    return _LOSS.format(ignore=ignore, count=count, shifted=shifted, dx_scale=dx_scale)


_RNN_LOSS = '''
import numpy as np
def rnn_loss(params, x, y, h0=None, mask=None):
    if h0 is None{zero_h0}:
        h0 = np.zeros((x.shape[0], params["Wh"].shape[0]), dtype=params["Wh"].dtype)
    h, rnn_cache = rnn_forward(x, h0, params["Wx"], params["Wh"], params["b"])
    scores, fc_cache = temporal_affine_forward(h, params["Wy"], params["by"])
    loss, dscores = temporal_softmax_loss(scores, y, {mask})
    dh, dWy, dby = temporal_affine_backward(dscores, fc_cache)
    {rnn_back}
    grads = {{"Wx": dWx, "Wh": dWh, "b": db, "Wy": dWy, "by": dby}}
    return loss, grads, {h_last}
'''


def _rnn_loss(zero_h0="", mask="mask", rnn_back="_, _, dWx, dWh, db = rnn_backward(dh, rnn_cache)",
              h_last="h[:, -1]"):
    return _RNN_LOSS.format(zero_h0=zero_h0, mask=mask, rnn_back=rnn_back, h_last=h_last)


_TBPTT = '''
import numpy as np
def truncated_bptt(params, x, y, h0, chunk_len, learning_rate):
    params, h, losses = dict(params), h0, []
    for start in {starts}:
        stop = start + chunk_len
        {body}
        params = {{name: p - learning_rate * grads[name] for name, p in params.items()}}
        losses.append(loss)
    return params, h, np.array(losses, dtype=np.float64)
'''


def _tbptt(starts="range(0, x.shape[1], chunk_len)",
           body="loss, grads, h = rnn_loss(params, x[:, start:stop], y[:, start:stop], h)"):
    return _TBPTT.format(starts=starts, body=body)


WRONG = {
    "rnn_step_forward": [
        ("forgets the bias b", '''
import numpy as np
def rnn_step_forward(x, prev_h, Wx, Wh, b):
    next_h = np.tanh(x @ Wx + prev_h @ Wh)
    return next_h, (x, prev_h, Wx, Wh, next_h)
'''),
        ("tanh of the input term only: tanh(x Wx) + prev_h Wh + b", '''
import numpy as np
def rnn_step_forward(x, prev_h, Wx, Wh, b):
    next_h = np.tanh(x @ Wx) + prev_h @ Wh + b
    return next_h, (x, prev_h, Wx, Wh, next_h)
'''),
        ("ReLU instead of tanh", '''
import numpy as np
def rnn_step_forward(x, prev_h, Wx, Wh, b):
    next_h = np.maximum(0, x @ Wx + prev_h @ Wh + b)
    return next_h, (x, prev_h, Wx, Wh, next_h)
'''),
        ("Wh applied from the left: Wh @ prev_h.T, transposed back", '''
import numpy as np
def rnn_step_forward(x, prev_h, Wx, Wh, b):
    next_h = np.tanh(x @ Wx + (Wh @ prev_h.T).T + b)
    return next_h, (x, prev_h, Wx, Wh, next_h)
'''),
        ("casts to float64", '''
import numpy as np
def rnn_step_forward(x, prev_h, Wx, Wh, b):
    x, prev_h = np.asarray(x, dtype=np.float64), np.asarray(prev_h, dtype=np.float64)
    next_h = np.tanh(x @ Wx + prev_h @ Wh + b)
    return next_h, (x, prev_h, Wx, Wh, next_h)
'''),
    ],
    "rnn_step_backward": [
        ("tanh' taken at the wrong value: 1 - prev_h**2 instead of 1 - next_h**2",
         _step_bwd(da="da = dnext_h * (1 - prev_h * prev_h)")),
        ("forgets the tanh: da = dnext_h", _step_bwd(da="da = dnext_h")),
        ("tanh' taken at tanh(next_h): the output squashed twice",
         _step_bwd(da="da = dnext_h * (1 - np.tanh(next_h) ** 2)")),
        ("dprev_h through Wh instead of Wh.T",
         _step_bwd(ret="da @ Wx.T, da @ Wh, x.T @ da, prev_h.T @ da, da.sum(axis=0)")),
        ("dWh from next_h instead of prev_h",
         _step_bwd(ret="da @ Wx.T, da @ Wh.T, x.T @ da, next_h.T @ da, da.sum(axis=0)")),
        ("db averaged over the batch instead of summed",
         _step_bwd(ret="da @ Wx.T, da @ Wh.T, x.T @ da, prev_h.T @ da, da.mean(axis=0)")),
    ],
    "rnn_forward": [
        ("ignores h0: starts from zeros", '''
import numpy as np
def rnn_forward(x, h0, Wx, Wh, b):
    n, t_len, _ = x.shape
    h = np.empty((n, t_len, Wh.shape[0]), dtype=np.result_type(x, h0, Wx, Wh, b))
    caches, prev_h = [], np.zeros_like(h0)
    for t in range(t_len):
        prev_h, step_cache = rnn_step_forward(x[:, t], prev_h, Wx, Wh, b)
        h[:, t] = prev_h
        caches.append(step_cache)
    return h, caches
'''),
        ("every step reads h0 instead of the previous step's state", '''
import numpy as np
def rnn_forward(x, h0, Wx, Wh, b):
    n, t_len, _ = x.shape
    h = np.empty((n, t_len, Wh.shape[0]), dtype=np.result_type(x, h0, Wx, Wh, b))
    caches = []
    for t in range(t_len):
        next_h, step_cache = rnn_step_forward(x[:, t], h0, Wx, Wh, b)
        h[:, t] = next_h
        caches.append(step_cache)
    return h, caches
'''),
        ("time-first: steps through x[t] and stacks the states as (T, N, H)", '''
import numpy as np
def rnn_forward(x, h0, Wx, Wh, b):
    xs = x.transpose(1, 0, 2)
    hs, caches, prev_h = [], [], h0
    for t in range(xs.shape[0]):
        prev_h, step_cache = rnn_step_forward(xs[t], prev_h, Wx, Wh, b)
        hs.append(prev_h)
        caches.append(step_cache)
    return np.stack(hs), caches
'''),
        ("the states are allocated as float64", '''
import numpy as np
def rnn_forward(x, h0, Wx, Wh, b):
    n, t_len, _ = x.shape
    h = np.zeros((n, t_len, Wh.shape[0]))
    caches, prev_h = [], h0
    for t in range(t_len):
        prev_h, step_cache = rnn_step_forward(x[:, t], prev_h, Wx, Wh, b)
        h[:, t] = prev_h
        caches.append(step_cache)
    return h, caches
'''),
        ("returns h0 and the states 1..T-1: the states shifted by one step", '''
import numpy as np
def rnn_forward(x, h0, Wx, Wh, b):
    n, t_len, _ = x.shape
    h = np.empty((n, t_len, Wh.shape[0]), dtype=np.result_type(x, h0, Wx, Wh, b))
    caches, prev_h = [], h0
    for t in range(t_len):
        h[:, t] = prev_h
        prev_h, step_cache = rnn_step_forward(x[:, t], prev_h, Wx, Wh, b)
        caches.append(step_cache)
    return h, caches
'''),
    ],
    "rnn_backward": [
        ("the next step's dh not added: each step gets only its own dh[:, t]",
         _rnn_bwd(upstream="dh[:, t]")),
        ("shared weights not accumulated over time: dWx = dWx_t overwrites",
         _rnn_bwd(accumulate="dWx, dWh, db = dWx_t, dWh_t, db_t")),
        ("walks forward in time, t = 0 .. T-1", _rnn_bwd(order="range(t_len)")),
        ("dh0 returned as zeros", _rnn_bwd(dh0="np.zeros_like(dprev_h)")),
        ("tanh' at the previous state, written out without the step function", '''
import numpy as np
def rnn_backward(dh, cache):
    caches = cache
    n, t_len, _ = dh.shape
    Wx, Wh = caches[0][2], caches[0][3]
    dx = np.empty((n, t_len, Wx.shape[0]), dtype=dh.dtype)
    dWx, dWh, db = np.zeros_like(Wx), np.zeros_like(Wh), np.zeros(Wh.shape[0], dtype=Wh.dtype)
    dprev_h = np.zeros_like(dh[:, 0])
    for t in range(t_len - 1, -1, -1):
        x, prev_h, _, _, next_h = caches[t]
        da = (dh[:, t] + dprev_h) * (1 - prev_h ** 2)
        dx[:, t], dprev_h = da @ Wx.T, da @ Wh.T
        dWx += x.T @ da
        dWh += prev_h.T @ da
        db += da.sum(axis=0)
    return dx, dprev_h, dWx, dWh, db
'''),
    ],
    "temporal_affine_forward": [
        ("forgets the bias", '''
import numpy as np
def temporal_affine_forward(x, w, b):
    n, t_len, d = x.shape
    return (x.reshape(n * t_len, d) @ w).reshape(n, t_len, w.shape[1]), (x, w)
'''),
        ("reshapes the rows back time-first: (T, N, M)", '''
import numpy as np
def temporal_affine_forward(x, w, b):
    n, t_len, d = x.shape
    return (x.reshape(n * t_len, d) @ w + b).reshape(t_len, n, w.shape[1]), (x, w)
'''),
        ("casts to float64", '''
import numpy as np
def temporal_affine_forward(x, w, b):
    n, t_len, d = x.shape
    x = x.astype(np.float64)
    return (x.reshape(n * t_len, d) @ w + b).reshape(n, t_len, w.shape[1]), (x, w)
'''),
        ("the bias added once per sequence, at the first step only", '''
import numpy as np
def temporal_affine_forward(x, w, b):
    out = x @ w
    out[:, 0] += b
    return out, (x, w)
'''),
    ],
    "temporal_affine_backward": [
        ("dw and db from the last time step only: not summed over time", '''
import numpy as np
def temporal_affine_backward(dout, cache):
    x, w = cache
    dx = dout @ w.T
    return dx, x[:, -1].T @ dout[:, -1], dout[:, -1].sum(axis=0)
'''),
        ("db summed over the batch only: shape (T, M)", '''
import numpy as np
def temporal_affine_backward(dout, cache):
    x, w = cache
    n, t_len, d = x.shape
    dout_flat = dout.reshape(n * t_len, -1)
    return (dout_flat @ w.T).reshape(n, t_len, d), x.reshape(n * t_len, d).T @ dout_flat, dout.sum(axis=0)
'''),
        ("dw averaged over the time steps", '''
import numpy as np
def temporal_affine_backward(dout, cache):
    x, w = cache
    n, t_len, d = x.shape
    dout_flat = dout.reshape(n * t_len, -1)
    dw = x.reshape(n * t_len, d).T @ dout_flat / t_len
    return (dout_flat @ w.T).reshape(n, t_len, d), dw, dout_flat.sum(axis=0)
'''),
        ("dx reshaped time-first (T, N, D) and then to (N, T, D)", '''
import numpy as np
def temporal_affine_backward(dout, cache):
    x, w = cache
    n, t_len, d = x.shape
    dout_flat = dout.transpose(1, 0, 2).reshape(n * t_len, -1)
    dx = (dout_flat @ w.T).reshape(n, t_len, d)
    dout_rows = dout.reshape(n * t_len, -1)
    return dx, x.reshape(n * t_len, d).T @ dout_rows, dout_rows.sum(axis=0)
'''),
    ],
    "temporal_softmax_loss": [
        ("averages over the N sequences instead of the unmasked steps",
         _loss(count="float(n)", dx_scale="(weight / x.dtype.type(n))[:, None]")),
        ("masked steps still contribute: the mask is ignored", _loss(ignore=" or True")),
        ("divides by all N * T steps, padded ones included",
         _loss(count="float(n * t_len)", dx_scale="(weight / x.dtype.type(n * t_len))[:, None]")),
        ("no max subtraction before exp", _loss(shifted="flat")),
        ("the gradient of the sum: dx not divided by the number of steps", _loss(dx_scale="weight[:, None]")),
    ],
    "rnn_loss": [
        ("ignores h0: always starts from zeros", _rnn_loss(zero_h0=" or True")),
        ("the mask is not passed on to the loss", _rnn_loss(mask="None")),
        ("returns the first state h[:, 0] as h_last", _rnn_loss(h_last="h[:, 0]")),
        ("backpropagates only the last step's gradient through the RNN",
         _rnn_loss(rnn_back="dh_last = np.zeros_like(dh)\n    dh_last[:, -1] = dh[:, -1]\n"
                            "    _, _, dWx, dWh, db = rnn_backward(dh_last, rnn_cache)")),
    ],
    "clip_grad_norm": [
        ("clips each parameter on its own (per-parameter norms) instead of the global norm", '''
import numpy as np
def clip_grad_norm(grads, max_norm):
    clipped, scales = {}, []
    for name, g in grads.items():
        norm = np.linalg.norm(g)
        scale = max_norm / norm if norm > max_norm else 1.0
        clipped[name] = g * g.dtype.type(scale)
        scales.append(scale)
    return clipped, float(min(scales))
'''),
        ("always rescales to max_norm, also when the norm is smaller", '''
import numpy as np
def clip_grad_norm(grads, max_norm):
    norm = np.sqrt(sum(float(np.sum(g ** 2)) for g in grads.values()))
    scale = max_norm / norm if norm > 0 else 1.0
    return {name: g * g.dtype.type(scale) for name, g in grads.items()}, float(scale)
'''),
        ("the global norm as the sum of the parameters' norms", '''
import numpy as np
def clip_grad_norm(grads, max_norm):
    norm = sum(float(np.linalg.norm(g)) for g in grads.values())
    scale = max_norm / norm if norm > max_norm else 1.0
    return {name: g * g.dtype.type(scale) for name, g in grads.items()}, float(scale)
'''),
        ("scales the caller's arrays in place", '''
import numpy as np
def clip_grad_norm(grads, max_norm):
    norm = np.sqrt(sum(float(np.sum(g ** 2)) for g in grads.values()))
    scale = max_norm / norm if norm > max_norm else 1.0
    for g in grads.values():
        g *= g.dtype.type(scale)
    return grads, float(scale)
'''),
        ("multiplies by a float64 numpy scale: float32 gradients become float64", '''
import numpy as np
def clip_grad_norm(grads, max_norm):
    norm = np.sqrt(sum(np.sum(g.astype(np.float64) ** 2) for g in grads.values()))
    scale = np.minimum(1.0, max_norm / np.maximum(norm, 1e-300))
    return {name: g * scale for name, g in grads.items()}, float(scale)
'''),
    ],
    "clip_grad_value": [
        ("clips only the positive side: np.minimum(g, clip_value)", '''
import numpy as np
def clip_grad_value(grads, clip_value):
    total = sum(g.size for g in grads.values())
    over = sum(int(np.count_nonzero(np.abs(g) > clip_value)) for g in grads.values())
    return {name: np.minimum(g, clip_value) for name, g in grads.items()}, over / total
'''),
        ("counts entries equal to clip_value as clipped (>=)", '''
import numpy as np
def clip_grad_value(grads, clip_value):
    total = sum(g.size for g in grads.values())
    over = sum(int(np.count_nonzero(np.abs(g) >= clip_value)) for g in grads.values())
    return {name: np.clip(g, -clip_value, clip_value) for name, g in grads.items()}, over / total
'''),
        ("the fraction averaged per array instead of over all entries", '''
import numpy as np
def clip_grad_value(grads, clip_value):
    fractions = [float(np.mean(np.abs(g) > clip_value)) for g in grads.values()]
    return {name: np.clip(g, -clip_value, clip_value) for name, g in grads.items()}, float(np.mean(fractions))
'''),
        ("clips the caller's arrays in place", '''
import numpy as np
def clip_grad_value(grads, clip_value):
    total = sum(g.size for g in grads.values())
    over = sum(int(np.count_nonzero(np.abs(g) > clip_value)) for g in grads.values())
    for g in grads.values():
        np.clip(g, -clip_value, clip_value, out=g)
    return grads, over / total
'''),
    ],
    "truncated_bptt": [
        ("drops the carried state: every chunk starts again from h0",
         _tbptt(body="loss, grads, h = rnn_loss(params, x[:, start:stop], y[:, start:stop], h0)")),
        ("leaks the gradient across the boundary: backpropagates through every earlier chunk too",
         _tbptt(body="past = np.zeros((x.shape[0], min(stop, x.shape[1])), dtype=bool)\n"
                     "        past[:, start:stop] = True\n"
                     "        loss, grads, h = rnn_loss(params, x[:, :stop], y[:, :stop], h0, past)")),
        ("drops the last, shorter chunk", _tbptt(starts="range(0, x.shape[1] - chunk_len + 1, chunk_len)")),
        ("one update after all chunks, with the chunks' summed gradients", '''
import numpy as np
def truncated_bptt(params, x, y, h0, chunk_len, learning_rate):
    h, losses, total = h0, [], None
    for start in range(0, x.shape[1], chunk_len):
        loss, grads, h = rnn_loss(params, x[:, start:start + chunk_len], y[:, start:start + chunk_len], h)
        total = grads if total is None else {name: total[name] + grads[name] for name in grads}
        losses.append(loss)
    params = {name: p - learning_rate * total[name] for name, p in params.items()}
    return params, h, np.array(losses, dtype=np.float64)
'''),
        ("updates the caller's arrays in place", '''
import numpy as np
def truncated_bptt(params, x, y, h0, chunk_len, learning_rate):
    h, losses = h0, []
    for start in range(0, x.shape[1], chunk_len):
        loss, grads, h = rnn_loss(params, x[:, start:start + chunk_len], y[:, start:start + chunk_len], h)
        for name in params:
            params[name] -= learning_rate * grads[name]
        losses.append(loss)
    return params, h, np.array(losses, dtype=np.float64)
'''),
    ],
}
