"""Hidden tests for 12_lstm_gru: inputs the grader makes, judged against the reference solution.

Each entry of TESTS matches a visible test cell of the notebook (same grade_id). The judge calls the
student's functions and the reference on the same inputs and compares outputs; feedback shows a
case's label and hint, never its inputs. See autograder/spec.py.

Backward passes are judged twice: against the reference, on the student's own cache (their forward
pass is called first with ``send=False`` and its cache handed over with ``Out``), and against
centred differences of the student's *own* forward pass at every input +- h, in the same process,
with gradients on every output (the LSTM's final cell state included) and, for the bidirectional
wrapper, a mask. The second check alone could be passed by a matching pair of wrong functions; the
first alone by a backward pass that happens to match a wrong forward.

Which tests a mistake costs: the reference builds each layer from its step functions and the
bidirectional wrapper from the layers; cases declare those (``uses``), so a wrong step function
costs every test built on it (a bidirectional case with cell "rnn" uses only utils' RNN).
"""

import numpy as np

from autograder.spec import Out, call, case, compare_outputs

TAUGHT = {
    "lstm_step_forward": "utils.lstm.lstm_step_forward",
    "lstm_step_backward": "utils.lstm.lstm_step_backward",
    "lstm_forward": "utils.lstm.lstm_forward",
    "lstm_backward": "utils.lstm.lstm_backward",
    "gru_step_forward": "utils.gru.gru_step_forward",
    "gru_step_backward": "utils.gru.gru_step_backward",
    "gru_forward": "utils.gru.gru_forward",
    "gru_backward": "utils.gru.gru_backward",
    "bidirectional_forward": "utils.bidirectional.bidirectional_forward",
    "bidirectional_backward": "utils.bidirectional.bidirectional_backward",
}

H = 1e-5  # step of the centred differences
NUMERIC_TOL = 1e-6  # largest error allowed, relative to the largest gradient entry
F32_RTOL = 1e-4

LSTM_FWD_USES = ("lstm_step_forward",)
LSTM_BWD_USES = ("lstm_step_forward", "lstm_step_backward", "lstm_forward")
GRU_FWD_USES = ("gru_step_forward",)
GRU_BWD_USES = ("gru_step_forward", "gru_step_backward", "gru_forward")
CELL_FWD_USES = {"rnn": (), "lstm": ("lstm_step_forward", "lstm_forward"), "gru": ("gru_step_forward", "gru_forward")}
CELL_BWD_USES = {"rnn": ("bidirectional_forward",),
                 "lstm": ("bidirectional_forward",) + LSTM_BWD_USES + ("lstm_backward",),
                 "gru": ("bidirectional_forward",) + GRU_BWD_USES + ("gru_backward",)}


def _scaled_error(analytic, numeric):
    """Largest difference, relative to the largest entry of either gradient."""
    analytic = np.asarray(analytic, dtype=np.float64)
    scale = max(float(np.max(np.abs(analytic), initial=0.0)), float(np.max(np.abs(numeric), initial=0.0)), 1e-12)
    return float(np.max(np.abs(analytic - numeric), initial=0.0)) / scale


def _named(names, function):
    """Compare the last call's tuple item by item, naming each in messages."""

    def compare(student, reference, c):
        s, r = student[-1], reference[-1]
        if not isinstance(s, list) or len(s) != len(names):
            return f"`{function}` should return a tuple ({', '.join(names)})"
        for name, si, ri in zip(names, s, r):
            message = compare_outputs(si, ri, c.rtol, name)
            if message:
                return message
        return None

    return compare


def _forward_case(label, function, args, items, names, hint, rtol=1e-6, uses=()):
    """Judge the items (e.g. h and c_last) of a forward pass that also returns a cache."""
    calls = [call(function, *args, send=item) for item in items]

    def compare(student, reference, c):
        for name, s, r in zip(names, student, reference):
            message = compare_outputs(s, r, c.rtol, name)
            if message:
                return message
        return None

    return case(label, *calls, compare=compare, hint=hint, rtol=rtol, uses=uses)


def _numeric_case(label, forward, backward, arrays, douts, items, backward_args, names, hint, uses=()):
    """Judge the student's backward pass against centred differences of their own forward pass.

    The loss is sum_k <forward(...)[items[k]], douts[k]>; ``backward_args`` are the backward call's
    arguments, with Out(0, ...) for the cache."""
    calls = [call(forward, *arrays, send=False), call(backward, *backward_args)]
    for a, arr in enumerate(arrays):
        for idx in np.ndindex(*arr.shape):
            for sign in (1.0, -1.0):
                moved = [v.copy() for v in arrays]
                moved[a][idx] += sign * H
                calls.extend(call(forward, *moved, send=item) for item in items)

    def compare(student, reference, c):
        grads = student[1]
        if not isinstance(grads, list) or len(grads) != len(arrays):
            return f"`{backward}` should return ({', '.join(names)})"
        outs = student[2:]
        for j, out in enumerate(outs):
            want = douts[j % len(items)].shape
            if not isinstance(out, np.ndarray) or out.shape != want:
                return f"`{forward}` should return an output of shape {want} as item {items[j % len(items)]}"
        k = 0
        for name, arr, grad in zip(names, arrays, grads):
            if not isinstance(grad, np.ndarray) or grad.shape != arr.shape:
                return f"{name} from `{backward}` should have shape {arr.shape}"
            numeric = np.empty(arr.shape)
            for idx in np.ndindex(*arr.shape):
                total = 0.0
                for j, dout in enumerate(douts):
                    total += np.sum((outs[k + j].astype(np.float64) - outs[k + len(items) + j]) * dout)
                numeric[idx] = total / (2 * H)
                k += 2 * len(items)
            err = _scaled_error(grad, numeric)
            if not err <= NUMERIC_TOL:
                return (f"{name} from `{backward}` disagrees with the numerical gradient of your own "
                        f"`{forward}` (relative error {err:.1e})")
        return None

    return case(label, *calls, compare=compare, hint=hint, uses=uses)


def _lstm_arrays(rng, n, t_len, d, hidden, dtype=np.float64, w_scale=0.6):
    """x (N, T, D) or (N, D) when t_len is None, h (N, H), c (N, H), Wx, Wh, b."""
    x_shape = (n, d) if t_len is None else (n, t_len, d)
    arrays = (rng.standard_normal(x_shape), rng.uniform(-0.9, 0.9, size=(n, hidden)), rng.standard_normal((n, hidden)),
              w_scale * rng.standard_normal((d, 4 * hidden)), w_scale * rng.standard_normal((hidden, 4 * hidden)),
              0.5 * rng.standard_normal(4 * hidden))
    return tuple(a.astype(dtype) for a in arrays)


def _gru_arrays(rng, n, t_len, d, hidden, dtype=np.float64, w_scale=0.6):
    """x, h, Wx, Wh, bx, bh."""
    x_shape = (n, d) if t_len is None else (n, t_len, d)
    arrays = (rng.standard_normal(x_shape), rng.uniform(-0.9, 0.9, size=(n, hidden)),
              w_scale * rng.standard_normal((d, 3 * hidden)), w_scale * rng.standard_normal((hidden, 3 * hidden)),
              0.5 * rng.standard_normal(3 * hidden), 0.5 * rng.standard_normal(3 * hidden))
    return tuple(a.astype(dtype) for a in arrays)


# ----------------------------------------------------------------------------- LSTM

LSTM_STEP_HINT = ("a = x @ Wx + prev_h @ Wh + b, blocks i, f, g, o of H columns each (sigmoid, sigmoid, tanh, "
                  "sigmoid); next_c = f * prev_c + i * g; next_h = o * tanh(next_c); keep the inputs' dtype")
LSTM_STEP_BWD_HINT = ("dc = dnext_c + dnext_h * o * (1 - tanh(next_c)**2); da_i = dc g i(1-i), da_f = dc prev_c "
                      "f(1-f), da_g = dc i (1-g^2), da_o = dnext_h tanh(next_c) o(1-o); dprev_c = dc * f; then "
                      "the products with Wx.T, Wh.T, x.T, prev_h.T as for the RNN")
LSTM_STEP_NAMES = ("dx", "dprev_h", "dprev_c", "dWx", "dWh", "db")


def lstm_step_forward(rng):
    def fwd(label, arrays, rtol=1e-6, hint=LSTM_STEP_HINT):
        return _forward_case(label, "lstm_step_forward", arrays, (0, 1), ("next_h", "next_c"), hint, rtol)

    return [
        fwd("a batch of 4, D = 3, H = 5", _lstm_arrays(rng, 4, None, 3, 5)),
        fwd("a single sequence (N = 1), D = 6, H = 2", _lstm_arrays(rng, 1, None, 6, 2)),
        fwd("H = 1: four gate columns", _lstm_arrays(rng, 3, None, 2, 1)),
        fwd("large pre-activations (every gate saturates)", _lstm_arrays(rng, 3, None, 4, 3, w_scale=30.0),
            hint="use a stable sigmoid (utils.layers.sigmoid) and np.tanh: no nan for large inputs"),
        fwd("float32 inputs, which must give float32", _lstm_arrays(rng, 3, None, 2, 4, np.float32), F32_RTOL,
            hint="keep the inputs' dtype: no astype(float) or float64 constants"),
    ]


def lstm_step_backward(rng):
    def bwd(label, n, d, hidden, dtype=np.float64, rtol=1e-6):
        arrays = _lstm_arrays(rng, n, None, d, hidden, dtype)
        dh, dc = (rng.standard_normal((n, hidden)).astype(dtype) for _ in range(2))
        return case(label, call("lstm_step_forward", *arrays, send=False), call("lstm_step_backward", dh, dc, Out(0, 2)),
                    compare=_named(LSTM_STEP_NAMES, "lstm_step_backward"), hint=LSTM_STEP_BWD_HINT, rtol=rtol)

    arrays = _lstm_arrays(rng, 2, None, 2, 2)
    dh, dc = rng.standard_normal((2, 2)), rng.standard_normal((2, 2))
    only_c = _lstm_arrays(rng, 3, None, 2, 3)
    return [
        bwd("a batch of 4, D = 3, H = 5, through your own cache", 4, 3, 5),
        bwd("a single sequence (N = 1), H = 1", 1, 4, 1),
        bwd("D = H = 3", 3, 3, 3),
        case("a gradient on next_c only: it reaches prev_c through the forget gate",
             call("lstm_step_forward", *only_c, send=False),
             call("lstm_step_backward", np.zeros((3, 3)), rng.standard_normal((3, 3)), Out(0, 2)),
             compare=_named(LSTM_STEP_NAMES, "lstm_step_backward"), hint=LSTM_STEP_BWD_HINT),
        bwd("float32 inputs, which must give float32 gradients", 2, 3, 4, np.float32, F32_RTOL),
        _numeric_case("every gradient against the numerical gradient of your own lstm_step_forward, with gradients "
                      "on next_h and next_c", "lstm_step_forward", "lstm_step_backward", arrays, (dh, dc), (0, 1),
                      (dh, dc, Out(0, 2)), LSTM_STEP_NAMES, LSTM_STEP_BWD_HINT),
    ]


LSTM_FWD_HINT = ("start from (h0, c0), c0 None meaning zeros; run the step on x[:, t] for t = 0..T-1 feeding each "
                 "step's (next_h, next_c) to the next; return h (N, T, H) and the last cell state")
LSTM_BWD_HINT = ("walk t = T-1 .. 0; step t gets dnext_h = dh[:, t] + dprev_h and dnext_c = the dprev_c of step "
                 "t + 1 (dc_last, or zeros, for the last step); sum the weight gradients; the last dprev_h and "
                 "dprev_c are dh0 and dc0")
LSTM_NAMES = ("dx", "dh0", "dc0", "dWx", "dWh", "db")


def lstm_forward(rng):
    def fwd(label, arrays, rtol=1e-6, hint=LSTM_FWD_HINT):
        return _forward_case(label, "lstm_forward", arrays, (0, 1), ("h", "c_last"), hint, rtol, LSTM_FWD_USES)

    no_c0 = list(_lstm_arrays(rng, 2, 4, 3, 3))
    no_c0[2] = None
    return [
        fwd("3 sequences of 5 steps, D = 2, H = 4, from (h0, c0)", _lstm_arrays(rng, 3, 5, 2, 4)),
        fwd("c0 = None: a zero initial memory", tuple(no_c0), hint="with c0=None start from np.zeros((N, H))"),
        fwd("one sequence (N = 1)", _lstm_arrays(rng, 1, 6, 3, 2)),
        fwd("one time step (T = 1)", _lstm_arrays(rng, 4, 1, 3, 3)),
        fwd("N = T = 3 (time-first and batch-first have the same shape)", _lstm_arrays(rng, 3, 3, 2, 3)),
        fwd("twelve steps with strong weights", _lstm_arrays(rng, 2, 12, 2, 3, w_scale=1.5)),
        fwd("float32 inputs, which must give float32", _lstm_arrays(rng, 2, 4, 3, 5, np.float32), F32_RTOL,
            hint="keep the inputs' dtype: allocate h with the inputs' dtype"),
    ]


def lstm_backward(rng):
    def bwd(label, n, t_len, d, hidden, dtype=np.float64, rtol=1e-6, dh=None, with_dc=True):
        arrays = _lstm_arrays(rng, n, t_len, d, hidden, dtype)
        dh = rng.standard_normal((n, t_len, hidden)).astype(dtype) if dh is None else dh
        extra = (rng.standard_normal((n, hidden)).astype(dtype),) if with_dc else ()
        return case(label, call("lstm_forward", *arrays, send=False), call("lstm_backward", dh, Out(0, 2), *extra),
                    compare=_named(LSTM_NAMES, "lstm_backward"), hint=LSTM_BWD_HINT, rtol=rtol, uses=LSTM_BWD_USES)

    last_only = np.zeros((2, 6, 3))
    last_only[:, -1] = rng.standard_normal((2, 3))
    arrays = _lstm_arrays(rng, 2, 3, 2, 2)
    dh, dc = rng.standard_normal((2, 3, 2)), rng.standard_normal((2, 2))
    return [
        bwd("3 sequences of 5 steps, D = 2, H = 4, with dc_last, through your own cache", 3, 5, 2, 4),
        bwd("dc_last = None (no gradient on the final cell state)", 2, 4, 3, 3, with_dc=False),
        bwd("one sequence (N = 1)", 1, 4, 3, 2),
        bwd("one time step (T = 1)", 3, 1, 2, 3),
        bwd("a loss on the last hidden state only: every earlier step learns through the carried gradients",
            2, 6, 2, 3, dh=last_only, with_dc=False),
        bwd("float32 inputs, which must give float32 gradients", 2, 4, 3, 3, np.float32, F32_RTOL),
        _numeric_case("dx, dh0, dc0, dWx, dWh, db against the numerical gradient of your own lstm_forward, with a "
                      "gradient on the final cell state", "lstm_forward", "lstm_backward", arrays, (dh, dc), (0, 1),
                      (dh, Out(0, 2), dc), LSTM_NAMES, LSTM_BWD_HINT, LSTM_BWD_USES),
    ]


# ----------------------------------------------------------------------------- GRU

GRU_STEP_HINT = ("blocks r, z, n of ax = x @ Wx + bx and ah = prev_h @ Wh + bh; r, z sigmoids of the sums; "
                 "n = tanh(ax_n + r * ah_n); next_h = (1 - z) * n + z * prev_h (PyTorch's convention)")
GRU_STEP_BWD_HINT = ("dn = d (1 - z), dz = d (prev_h - n); da_n = dn (1 - n^2); da_r = da_n ah_n r(1-r); "
                     "da_z = dz z(1-z); the h-side n block is da_n * r; dprev_h = dah @ Wh.T + d * z")
GRU_STEP_NAMES = ("dx", "dprev_h", "dWx", "dWh", "dbx", "dbh")


def gru_step_forward(rng):
    def fwd(label, arrays, rtol=1e-6, hint=GRU_STEP_HINT):
        return case(label, call("gru_step_forward", *arrays, send=0), hint=hint, rtol=rtol)

    return [
        fwd("a batch of 4, D = 3, H = 5", _gru_arrays(rng, 4, None, 3, 5)),
        fwd("a single sequence (N = 1), H = 1", _gru_arrays(rng, 1, None, 4, 1)),
        fwd("D = H = 3", _gru_arrays(rng, 3, None, 3, 3)),
        fwd("large pre-activations (the gates saturate)", _gru_arrays(rng, 3, None, 4, 3, w_scale=30.0),
            hint="use a stable sigmoid and np.tanh: no nan for large inputs"),
        fwd("float32 inputs, which must give float32", _gru_arrays(rng, 3, None, 2, 4, np.float32), F32_RTOL,
            hint="keep the inputs' dtype"),
    ]


def gru_step_backward(rng):
    def bwd(label, n, d, hidden, dtype=np.float64, rtol=1e-6):
        arrays = _gru_arrays(rng, n, None, d, hidden, dtype)
        dout = rng.standard_normal((n, hidden)).astype(dtype)
        return case(label, call("gru_step_forward", *arrays, send=False), call("gru_step_backward", dout, Out(0, 1)),
                    compare=_named(GRU_STEP_NAMES, "gru_step_backward"), hint=GRU_STEP_BWD_HINT, rtol=rtol)

    arrays = _gru_arrays(rng, 2, None, 2, 2)
    dh = rng.standard_normal((2, 2))
    return [
        bwd("a batch of 4, D = 3, H = 5, through your own cache", 4, 3, 5),
        bwd("a single sequence (N = 1), H = 1", 1, 3, 1),
        bwd("D = H = 3", 3, 3, 3),
        bwd("float32 inputs, which must give float32 gradients", 2, 3, 4, np.float32, F32_RTOL),
        _numeric_case("every gradient against the numerical gradient of your own gru_step_forward",
                      "gru_step_forward", "gru_step_backward", arrays, (dh,), (0,), (dh, Out(0, 1)), GRU_STEP_NAMES,
                      GRU_STEP_BWD_HINT),
    ]


GRU_FWD_HINT = "start from h0, run the step on x[:, t] feeding each next_h to the next step; return (N, T, H)"
GRU_BWD_HINT = ("walk t = T-1 .. 0, step t gets dh[:, t] + dprev_h; sum the four weight gradients over the steps; "
                "the last dprev_h is dh0")
GRU_NAMES = ("dx", "dh0", "dWx", "dWh", "dbx", "dbh")


def gru_forward(rng):
    def fwd(label, arrays, rtol=1e-6, hint=GRU_FWD_HINT):
        return case(label, call("gru_forward", *arrays, send=0), hint=hint, rtol=rtol, uses=GRU_FWD_USES)

    return [
        fwd("3 sequences of 5 steps, D = 2, H = 4, from h0", _gru_arrays(rng, 3, 5, 2, 4)),
        fwd("one sequence (N = 1)", _gru_arrays(rng, 1, 6, 3, 2)),
        fwd("one time step (T = 1)", _gru_arrays(rng, 4, 1, 3, 3)),
        fwd("N = T = 3", _gru_arrays(rng, 3, 3, 2, 3)),
        fwd("float32 inputs, which must give float32", _gru_arrays(rng, 2, 4, 3, 5, np.float32), F32_RTOL,
            hint="keep the inputs' dtype: allocate h with the inputs' dtype"),
    ]


def gru_backward(rng):
    def bwd(label, n, t_len, d, hidden, dtype=np.float64, rtol=1e-6, dh=None):
        arrays = _gru_arrays(rng, n, t_len, d, hidden, dtype)
        dh = rng.standard_normal((n, t_len, hidden)).astype(dtype) if dh is None else dh
        return case(label, call("gru_forward", *arrays, send=False), call("gru_backward", dh, Out(0, 1)),
                    compare=_named(GRU_NAMES, "gru_backward"), hint=GRU_BWD_HINT, rtol=rtol, uses=GRU_BWD_USES)

    last_only = np.zeros((2, 5, 3))
    last_only[:, -1] = rng.standard_normal((2, 3))
    arrays = _gru_arrays(rng, 2, 3, 2, 2)
    dh = rng.standard_normal((2, 3, 2))
    return [
        bwd("3 sequences of 5 steps, D = 2, H = 4, through your own cache", 3, 5, 2, 4),
        bwd("one sequence (N = 1)", 1, 4, 3, 2),
        bwd("one time step (T = 1)", 3, 1, 2, 3),
        bwd("a loss on the last state only", 2, 5, 2, 3, dh=last_only),
        bwd("float32 inputs, which must give float32 gradients", 2, 4, 3, 3, np.float32, F32_RTOL),
        _numeric_case("dx, dh0, dWx, dWh, dbx, dbh against the numerical gradient of your own gru_forward",
                      "gru_forward", "gru_backward", arrays, (dh,), (0,), (dh, Out(0, 1)), GRU_NAMES, GRU_BWD_HINT,
                      GRU_BWD_USES),
    ]


# ----------------------------------------------------------------------------- bidirectional

BI_FWD_HINT = ("reverse each sequence within its own length (index L - 1 - t for t < L, t after), run the second "
               "layer on it, put its states back with the same index, concatenate [forward, backward] on the last "
               "axis and set padded steps to 0")
BI_BWD_HINT = ("zero dh on padded steps; the backward direction's half of dh goes into reversed order (the same "
               "index) before its layer's backward pass, and its dx back into the original order before it is added")
BI_NAMES = ("dx", "grads_fwd", "grads_bwd")
_BLOCKS = {"rnn": 1, "lstm": 4, "gru": 3}


def _bi_params(rng, cell, d, hidden, dtype=np.float64):
    k = _BLOCKS[cell]
    p = {"Wx": 0.7 * rng.standard_normal((d, k * hidden)), "Wh": 0.6 * rng.standard_normal((hidden, k * hidden))}
    if cell == "gru":
        p["bx"], p["bh"] = 0.5 * rng.standard_normal(3 * hidden), 0.5 * rng.standard_normal(3 * hidden)
    else:
        p["b"] = 0.5 * rng.standard_normal(k * hidden)
    return {name: v.astype(dtype) for name, v in p.items()}


def _lengths_mask(lengths, t_len, dtype=bool):
    return (np.arange(t_len)[None, :] < np.asarray(lengths)[:, None]).astype(dtype)


def _bi_inputs(rng, cell, n, t_len, d, hidden, dtype=np.float64):
    return (rng.standard_normal((n, t_len, d)).astype(dtype), _bi_params(rng, cell, d, hidden, dtype),
            _bi_params(rng, cell, d, hidden, dtype))


def bidirectional_forward(rng):
    def fwd(label, cell, n, t_len, d, hidden, mask, dtype=np.float64, rtol=1e-6, hint=BI_FWD_HINT):
        x, pf, pb = _bi_inputs(rng, cell, n, t_len, d, hidden, dtype)
        args = (x, pf, pb, cell) + (() if mask is None else (mask,))
        return case(label, call("bidirectional_forward", *args, send=0), hint=hint, rtol=rtol,
                    uses=CELL_FWD_USES[cell])

    return [
        fwd("an RNN, sequences of lengths 5, 3, 1 padded to 5", "rnn", 3, 5, 2, 3, _lengths_mask([5, 3, 1], 5)),
        fwd("an LSTM, lengths 4, 2, 3 padded to 4", "lstm", 3, 4, 3, 2, _lengths_mask([4, 2, 3], 4)),
        fwd("a GRU, lengths 2, 6 padded to 6", "gru", 2, 6, 2, 2, _lengths_mask([2, 6], 6)),
        fwd("mask = None: every step is real", "lstm", 2, 3, 2, 3, None, hint="mask=None: every sequence has T steps"),
        fwd("a 0/1 integer mask", "rnn", 3, 4, 2, 2, _lengths_mask([4, 1, 3], 4, np.int64),
            hint="a 0/1 mask of integers means the same as booleans: the length is mask[n].sum()"),
        fwd("every sequence full length (no padding)", "gru", 2, 4, 3, 2, _lengths_mask([4, 4], 4)),
        fwd("one sequence of one step", "lstm", 1, 1, 2, 2, _lengths_mask([1], 1)),
        fwd("float32 inputs and weights, which must give float32", "lstm", 2, 3, 2, 2, _lengths_mask([3, 2], 3),
            np.float32, F32_RTOL, hint="keep the dtype; multiply by a boolean mask, not a float64 one"),
    ]


def _bi_numeric(rng, cell, n, t_len, d, hidden, lengths):
    """bidirectional_backward against centred differences of the student's bidirectional_forward,
    for x and every weight of both directions, with a mask."""
    x, pf, pb = _bi_inputs(rng, cell, n, t_len, d, hidden)
    mask = _lengths_mask(lengths, t_len)
    dh = rng.standard_normal((n, t_len, 2 * hidden))
    calls = [call("bidirectional_forward", x, pf, pb, cell, mask, send=False),
             call("bidirectional_backward", dh, Out(0, 1))]
    entries = [("x", None, idx) for idx in np.ndindex(*x.shape)]
    entries += [(which, key, idx) for which, p in (("fwd", pf), ("bwd", pb)) for key in sorted(p)
                for idx in np.ndindex(*p[key].shape)]
    for which, key, idx in entries:
        for sign in (1.0, -1.0):
            xm, fm, bm = x.copy(), {k: v.copy() for k, v in pf.items()}, {k: v.copy() for k, v in pb.items()}
            target = xm if which == "x" else (fm if which == "fwd" else bm)[key]
            target[idx] += sign * H
            calls.append(call("bidirectional_forward", xm, fm, bm, cell, mask, send=0))

    def compare(student, reference, c):
        grads = student[1]
        if not (isinstance(grads, list) and len(grads) == 3 and isinstance(grads[1], dict)
                and isinstance(grads[2], dict)):
            return "`bidirectional_backward` should return (dx, grads_fwd, grads_bwd), the last two dicts"
        outs = student[2:]
        for out in outs:
            if not isinstance(out, np.ndarray) or out.shape != dh.shape:
                return f"`bidirectional_forward` should return h of shape {dh.shape}"
        numeric = {"x": np.empty(x.shape), "fwd": {k: np.empty(v.shape) for k, v in pf.items()},
                   "bwd": {k: np.empty(v.shape) for k, v in pb.items()}}
        for j, (which, key, idx) in enumerate(entries):
            value = np.sum((outs[2 * j].astype(np.float64) - outs[2 * j + 1]) * dh) / (2 * H)
            (numeric["x"] if which == "x" else numeric[which][key])[idx] = value
        checks = [("dx", grads[0], numeric["x"])]
        for which, got in (("fwd", grads[1]), ("bwd", grads[2])):
            for key in sorted(numeric[which]):
                checks.append((f"grads_{which}['{key}']", got.get(key), numeric[which][key]))
        for name, got, want in checks:
            if not isinstance(got, np.ndarray) or got.shape != want.shape:
                return f"{name} should have shape {want.shape}"
            err = _scaled_error(got, want)
            if not err <= NUMERIC_TOL:
                return (f"{name} disagrees with the numerical gradient of your own bidirectional_forward with a mask "
                        f"(relative error {err:.1e})")
        return None

    return case(f"every gradient against the numerical gradient of your own bidirectional_forward ({cell}, "
                "padded sequences)", *calls, compare=compare, hint=BI_BWD_HINT, uses=CELL_BWD_USES[cell])


def bidirectional_backward(rng):
    def bwd(label, cell, n, t_len, d, hidden, mask, dtype=np.float64, rtol=1e-6):
        x, pf, pb = _bi_inputs(rng, cell, n, t_len, d, hidden, dtype)
        dh = rng.standard_normal((n, t_len, 2 * hidden)).astype(dtype)
        args = (x, pf, pb, cell) + (() if mask is None else (mask,))
        return case(label, call("bidirectional_forward", *args, send=False),
                    call("bidirectional_backward", dh, Out(0, 1)), compare=_named(BI_NAMES, "bidirectional_backward"),
                    hint=BI_BWD_HINT, rtol=rtol, uses=CELL_BWD_USES[cell])

    return [
        bwd("an RNN, lengths 5, 3, 1 padded to 5, through your own cache", "rnn", 3, 5, 2, 3,
            _lengths_mask([5, 3, 1], 5)),
        bwd("an LSTM, lengths 2, 4 padded to 4", "lstm", 2, 4, 3, 2, _lengths_mask([2, 4], 4)),
        bwd("a GRU, lengths 3, 1, 4 padded to 4", "gru", 3, 4, 2, 2, _lengths_mask([3, 1, 4], 4)),
        bwd("mask = None", "rnn", 2, 3, 2, 2, None),
        bwd("float32, which must give float32 gradients", "lstm", 2, 3, 2, 2, _lengths_mask([3, 2], 3), np.float32,
            F32_RTOL),
        _bi_numeric(rng, "rnn", 3, 4, 2, 2, [4, 2, 3]),
        _bi_numeric(rng, "lstm", 2, 3, 2, 2, [3, 2]),
    ]


TESTS = {
    "test_lstm_step_forward": lstm_step_forward,
    "test_lstm_step_backward": lstm_step_backward,
    "test_lstm_forward": lstm_forward,
    "test_lstm_backward": lstm_backward,
    "test_gru_step_forward": gru_step_forward,
    "test_gru_step_backward": gru_step_backward,
    "test_gru_forward": gru_forward,
    "test_gru_backward": gru_backward,
    "test_bidirectional_forward": bidirectional_forward,
    "test_bidirectional_backward": bidirectional_backward,
}
