"""Hidden tests for 11_rnn: inputs the grader makes, judged against the reference solution.

Each entry of TESTS matches a visible test cell of the notebook (same grade_id). The judge calls the
student's functions and the reference on the same inputs and compares outputs; feedback shows a
case's label and hint, never its inputs. See autograder/spec.py.

Backward passes are judged twice: against the reference, on the student's own cache (their forward
pass is called first with ``send=False`` and its cache handed over with ``Out(0, 1)``), and against
centred differences of the student's *own* forward pass evaluated at every input +- h in the same
process, including the initial state h0 and (for the loss) a mask. The second check alone could be
passed by a matching pair of wrong functions; the first alone by a backward pass that happens to
match a wrong forward.

Which tests a mistake costs: the reference builds rnn_forward from rnn_step_forward, rnn_backward
from rnn_step_backward, rnn_loss from all the layers, and truncated_bptt from rnn_loss; the cases
declare those (``uses``), so a wrong step function costs every test built on it.
"""

import numpy as np

from autograder.spec import ARGS, Out, call, case, compare_outputs

TAUGHT = {
    "rnn_step_forward": "utils.rnn.rnn_step_forward",
    "rnn_step_backward": "utils.rnn.rnn_step_backward",
    "rnn_forward": "utils.rnn.rnn_forward",
    "rnn_backward": "utils.rnn.rnn_backward",
    "rnn_loss": "utils.rnn.rnn_loss",
    "truncated_bptt": "utils.rnn.truncated_bptt",
    "temporal_affine_forward": "utils.temporal.temporal_affine_forward",
    "temporal_affine_backward": "utils.temporal.temporal_affine_backward",
    "temporal_softmax_loss": "utils.temporal.temporal_softmax_loss",
    "clip_grad_norm": "utils.clipping.clip_grad_norm",
    "clip_grad_value": "utils.clipping.clip_grad_value",
}

H = 1e-5  # step of the centred differences
NUMERIC_TOL = 1e-6  # largest error allowed, relative to the largest gradient entry
F32_RTOL = 1e-4

STEP_USES = ("rnn_step_forward",)
RNN_USES = ("rnn_step_forward", "rnn_step_backward", "rnn_forward")
LOSS_USES = ("rnn_step_forward", "rnn_step_backward", "rnn_forward", "rnn_backward", "temporal_affine_forward",
             "temporal_affine_backward", "temporal_softmax_loss")
TBPTT_USES = LOSS_USES + ("rnn_loss",)


def _scaled_error(analytic, numeric):
    """Largest difference, relative to the largest entry of either gradient."""
    analytic = np.asarray(analytic, dtype=np.float64)
    scale = max(float(np.max(np.abs(analytic), initial=0.0)), float(np.max(np.abs(numeric), initial=0.0)), 1e-12)
    return float(np.max(np.abs(analytic - numeric), initial=0.0)) / scale


def _named(names, function):
    """Compare the last call's tuple of gradients item by item, naming each in messages."""

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


def _backward_case(label, forward, backward, arrays, dout, names, hint, rtol=1e-6, uses=()):
    """The student's forward on arrays, then their backward on dout and their own cache."""
    return case(label, call(forward, *arrays, send=False), call(backward, dout, Out(0, 1)),
                compare=_named(names, backward), hint=hint, rtol=rtol, uses=uses)


def _numeric_case(label, forward, backward, arrays, dout, names, hint, uses=()):
    """Judge the student's backward pass against centred differences of their own forward pass."""
    calls = [call(forward, *arrays, send=False), call(backward, dout, Out(0, 1))]
    for a, arr in enumerate(arrays):
        for idx in np.ndindex(*arr.shape):
            for sign in (1.0, -1.0):
                moved = [v.copy() for v in arrays]
                moved[a][idx] += sign * H
                calls.append(call(forward, *moved, send=0))

    def compare(student, reference, c):
        grads = student[1]
        if not isinstance(grads, list) or len(grads) != len(arrays):
            return f"`{backward}` should return ({', '.join(names)})"
        outs = student[2:]
        for out in outs:
            if not isinstance(out, np.ndarray) or out.shape != dout.shape:
                return f"`{forward}` should return an output of shape {dout.shape} as the first item of (out, cache)"
        k = 0
        for name, arr, grad in zip(names, arrays, grads):
            if not isinstance(grad, np.ndarray) or grad.shape != arr.shape:
                return f"{name} from `{backward}` should have shape {arr.shape}"
            numeric = np.empty(arr.shape)
            for idx in np.ndindex(*arr.shape):
                numeric[idx] = np.sum((outs[k].astype(np.float64) - outs[k + 1]) * dout) / (2 * H)
                k += 2
            err = _scaled_error(grad, numeric)
            if not err <= NUMERIC_TOL:
                return (f"{name} from `{backward}` disagrees with the numerical gradient of your own "
                        f"`{forward}` (relative error {err:.1e})")
        return None

    return case(label, *calls, compare=compare, hint=hint, uses=uses)


def _rnn_arrays(rng, n, t_len, d, hidden, dtype=np.float64, h_scale=1.0, w_scale=0.6):
    """x (N, T, D) or (N, D) when t_len is None, h0/prev_h (N, H), Wx, Wh, b."""
    x_shape = (n, d) if t_len is None else (n, t_len, d)
    arrays = (rng.standard_normal(x_shape), h_scale * rng.uniform(-0.9, 0.9, size=(n, hidden)),
              w_scale * rng.standard_normal((d, hidden)), w_scale * rng.standard_normal((hidden, hidden)),
              0.5 * rng.standard_normal(hidden))
    return tuple(a.astype(dtype) for a in arrays)


# ----------------------------------------------------------------------------- one step

STEP_FWD_HINT = "next_h = tanh(x @ Wx + prev_h @ Wh + b), for the whole batch at once, in the inputs' dtype"
STEP_BWD_HINT = ("da = dnext_h * (1 - next_h**2) with next_h the step's output; dx = da @ Wx.T, "
                 "dprev_h = da @ Wh.T, dWx = x.T @ da, dWh = prev_h.T @ da, db = da summed over the batch")
STEP_NAMES = ("dx", "dprev_h", "dWx", "dWh", "db")


def rnn_step_forward(rng):
    def fwd(label, arrays, rtol=1e-6, hint=STEP_FWD_HINT):
        return case(label, call("rnn_step_forward", *arrays, send=0), hint=hint, rtol=rtol)

    big = _rnn_arrays(rng, 3, None, 4, 5, w_scale=30.0)
    return [
        fwd("a batch of 4, D = 3, H = 5", _rnn_arrays(rng, 4, None, 3, 5)),
        fwd("a single sequence (N = 1), D = 6, H = 2", _rnn_arrays(rng, 1, None, 6, 2)),
        fwd("D = H = 4 (a swapped Wx and Wh would still fit)", _rnn_arrays(rng, 3, None, 4, 4)),
        fwd("large pre-activations (the tanh saturates at +-1)", big,
            hint="use np.tanh: tanh written with exponentials overflows to nan for large inputs"),
        fwd("float32 inputs, which must give float32", _rnn_arrays(rng, 3, None, 2, 4, np.float32), F32_RTOL,
            hint="keep the inputs' dtype: no astype(float) or float64 constants"),
    ]


def rnn_step_backward(rng):
    def bwd(label, n, d, hidden, dtype=np.float64, rtol=1e-6):
        arrays = _rnn_arrays(rng, n, None, d, hidden, dtype)
        dout = rng.standard_normal((n, hidden)).astype(dtype)
        return _backward_case(label, "rnn_step_forward", "rnn_step_backward", arrays, dout, STEP_NAMES,
                              STEP_BWD_HINT, rtol)

    arrays = _rnn_arrays(rng, 3, None, 2, 4)
    return [
        bwd("a batch of 4, D = 3, H = 5, through your own cache", 4, 3, 5),
        bwd("a single sequence (N = 1)", 1, 4, 3),
        bwd("D = H = 3 (a transposed weight would still fit)", 3, 3, 3),
        bwd("float32 inputs, which must give float32 gradients", 2, 3, 4, np.float32, F32_RTOL),
        _numeric_case("every gradient against the numerical gradient of your own rnn_step_forward",
                      "rnn_step_forward", "rnn_step_backward", arrays, rng.standard_normal((3, 4)), STEP_NAMES,
                      STEP_BWD_HINT),
    ]


# ----------------------------------------------------------------------------- sequences

SEQ_FWD_HINT = ("start from h0, run the step T times on x[:, t], feed each step's output to the next, and "
                "return the states h_1..h_T stacked on axis 1: (N, T, H), batch-first")
SEQ_BWD_HINT = ("walk t = T-1 .. 0; step t's upstream gradient is dh[:, t] plus the dprev_h that came back from "
                "step t + 1; sum the weight gradients over all steps (+=); the last dprev_h is dh0")
SEQ_NAMES = ("dx", "dh0", "dWx", "dWh", "db")


def rnn_forward(rng):
    def fwd(label, arrays, rtol=1e-6, hint=SEQ_FWD_HINT):
        return case(label, call("rnn_forward", *arrays, send=0), hint=hint, rtol=rtol, uses=STEP_USES)

    return [
        fwd("a batch of 3 sequences of 5 steps, D = 2, H = 4, with h0", _rnn_arrays(rng, 3, 5, 2, 4)),
        fwd("one sequence (N = 1)", _rnn_arrays(rng, 1, 6, 3, 2)),
        fwd("one time step (T = 1)", _rnn_arrays(rng, 4, 1, 3, 3)),
        fwd("N = T = 3 (time-first and batch-first have the same shape)", _rnn_arrays(rng, 3, 3, 2, 3)),
        fwd("twelve steps with strong recurrent weights", _rnn_arrays(rng, 2, 12, 2, 3, w_scale=1.5)),
        fwd("float32 inputs, which must give float32", _rnn_arrays(rng, 2, 4, 3, 5, np.float32), F32_RTOL,
            hint="keep the inputs' dtype: allocate the output with the inputs' dtype"),
    ]


def rnn_backward(rng):
    def bwd(label, n, t_len, d, hidden, dtype=np.float64, rtol=1e-6, dh=None):
        arrays = _rnn_arrays(rng, n, t_len, d, hidden, dtype)
        dout = rng.standard_normal((n, t_len, hidden)).astype(dtype) if dh is None else dh
        return _backward_case(label, "rnn_forward", "rnn_backward", arrays, dout, SEQ_NAMES, SEQ_BWD_HINT, rtol,
                              RNN_USES)

    last_only = np.zeros((2, 6, 3))
    last_only[:, -1] = rng.standard_normal((2, 3))
    arrays = _rnn_arrays(rng, 2, 3, 2, 3)
    return [
        bwd("3 sequences of 5 steps, D = 2, H = 4, through your own cache", 3, 5, 2, 4),
        bwd("one sequence (N = 1)", 1, 4, 3, 2),
        bwd("one time step (T = 1)", 3, 1, 2, 3),
        bwd("a loss on the last state only: every earlier step gets its gradient through the next step",
            2, 6, 2, 3, dh=last_only),
        bwd("N = T = 3", 3, 3, 3, 3),
        bwd("float32 inputs, which must give float32 gradients", 2, 4, 3, 3, np.float32, F32_RTOL),
        _numeric_case("dx, dh0, dWx, dWh, db against the numerical gradient of your own rnn_forward",
                      "rnn_forward", "rnn_backward", arrays, rng.standard_normal((2, 3, 3)), SEQ_NAMES,
                      SEQ_BWD_HINT, RNN_USES),
    ]


# ----------------------------------------------------------------------------- temporal layers

TA_FWD_HINT = "out[n, t] = x[n, t] @ w + b: reshape x to (N * T, D), multiply, add b, reshape to (N, T, M)"
TA_BWD_HINT = ("with the (N * T) rows: dx = dout @ w.T reshaped to (N, T, D), dw = x_rows.T @ dout_rows, "
               "db = dout summed over samples and steps")
TA_NAMES = ("dx", "dw", "db")


def _ta_arrays(rng, n, t_len, d, m, dtype=np.float64):
    return tuple(a.astype(dtype) for a in (rng.standard_normal((n, t_len, d)), rng.standard_normal((d, m)),
                                           rng.standard_normal(m)))


def temporal_affine_forward(rng):
    def fwd(label, arrays, rtol=1e-6, hint=TA_FWD_HINT):
        return case(label, call("temporal_affine_forward", *arrays, send=0), hint=hint, rtol=rtol)

    return [
        fwd("2 sequences of 5 steps, D = 3, M = 4", _ta_arrays(rng, 2, 5, 3, 4)),
        fwd("one sequence of one step", _ta_arrays(rng, 1, 1, 4, 2)),
        fwd("N = T = 3", _ta_arrays(rng, 3, 3, 2, 5)),
        fwd("float32 inputs, which must give float32", _ta_arrays(rng, 2, 3, 4, 3, np.float32), F32_RTOL,
            hint="keep the inputs' dtype"),
    ]


def temporal_affine_backward(rng):
    def bwd(label, n, t_len, d, m, dtype=np.float64, rtol=1e-6):
        arrays = _ta_arrays(rng, n, t_len, d, m, dtype)
        dout = rng.standard_normal((n, t_len, m)).astype(dtype)
        return _backward_case(label, "temporal_affine_forward", "temporal_affine_backward", arrays, dout, TA_NAMES,
                              TA_BWD_HINT, rtol)

    arrays = _ta_arrays(rng, 2, 3, 2, 3)
    return [
        bwd("2 sequences of 5 steps, D = 3, M = 4, through your own cache", 2, 5, 3, 4),
        bwd("one sequence of one step", 1, 1, 3, 2),
        bwd("N = T = 4", 4, 4, 2, 3),
        bwd("float32 inputs, which must give float32 gradients", 2, 3, 4, 3, np.float32, F32_RTOL),
        _numeric_case("dx, dw, db against the numerical gradient of your own temporal_affine_forward",
                      "temporal_affine_forward", "temporal_affine_backward", arrays, rng.standard_normal((2, 3, 3)),
                      TA_NAMES, TA_BWD_HINT),
    ]


SOFTMAX_HINT = ("loss = -(sum over unmasked steps of log softmax(x)[label]) / (number of unmasked steps); "
                "dx = (softmax - one_hot) * mask / (number of unmasked steps), 0 at masked steps")


def _padded_mask(rng, n, t_len, dtype=bool):
    """Sequences of random lengths 1..T, padded at the end."""
    lengths = rng.integers(1, t_len + 1, size=n)
    lengths[0] = t_len
    return (np.arange(t_len)[None, :] < lengths[:, None]).astype(dtype)


def _loss_numeric_case(rng, n, t_len, v):
    x = rng.standard_normal((n, t_len, v))
    y = rng.integers(0, v, size=(n, t_len))
    mask = _padded_mask(rng, n, t_len)
    calls = [call("temporal_softmax_loss", x, y, mask, send=1)]
    for idx in np.ndindex(*x.shape):
        for sign in (1.0, -1.0):
            moved = x.copy()
            moved[idx] += sign * H
            calls.append(call("temporal_softmax_loss", moved, y, mask, send=0))

    def compare(student, reference, c):
        dx = student[0]
        if not isinstance(dx, np.ndarray) or dx.shape != x.shape:
            return f"dx should have the shape of x, {x.shape}"
        losses = []
        for s in student[1:]:
            if not isinstance(s, np.ndarray) or s.size != 1:
                return "the loss should be a single number"
            losses.append(float(s.reshape(-1)[0]))
        numeric = ((np.array(losses[0::2]) - np.array(losses[1::2])) / (2 * H)).reshape(x.shape)
        err = _scaled_error(dx, numeric)
        if not err <= NUMERIC_TOL:
            return f"dx disagrees with the numerical gradient of your own loss with a mask (relative error {err:.1e})"
        return None

    return case("dx against the numerical gradient of your own loss, with a mask", *calls, compare=compare,
                hint=SOFTMAX_HINT)


def temporal_softmax_loss(rng):
    def loss_case(label, x, y, mask=None, rtol=1e-6, hint=SOFTMAX_HINT):
        args = (x, y) if mask is None else (x, y, mask)
        return case(label, call("temporal_softmax_loss", *args), hint=hint, rtol=rtol)

    def xy(n, t_len, v, scale=1.0):
        return scale * rng.standard_normal((n, t_len, v)), rng.integers(0, v, size=(n, t_len))

    extreme = np.array([[[1000.0, -1000.0, 0.0], [-1000.0, 500.0, 1000.0]]])
    all_masked = np.zeros((2, 3), dtype=bool)
    return [
        loss_case("no mask: every one of N * T steps counts", *xy(3, 4, 5)),
        loss_case("padded sequences (a boolean mask)", *xy(4, 5, 3), _padded_mask(rng, 4, 5),
                  hint="only the unmasked steps count, and the average is over them: divide by mask.sum(), not N"),
        loss_case("a 0/1 integer mask", *xy(3, 4, 4), _padded_mask(rng, 3, 4, np.int64),
                  hint="a 0/1 mask of integers means the same as booleans: multiply by it, or compare with 0"),
        loss_case("one sequence, one step", *xy(1, 1, 6)),
        loss_case("only the last step counts", *xy(3, 6, 4), np.eye(6, dtype=bool)[[5, 5, 5]]),
        loss_case("no step counts: loss and gradient 0", *xy(2, 3, 4), all_masked,
                  hint="with mask.sum() == 0 return 0 and a zero gradient, never 0 / 0"),
        loss_case("scores of +-1000", extreme, np.array([[0, 2]]),
                  hint="subtract each row's max before exponentiating"),
        loss_case("float32 scores, which must give a float32 gradient", *xy(2, 3, 4, 3.0), _padded_mask(rng, 2, 3),
                  rtol=F32_RTOL, hint="keep the scores' dtype in dx"),
        _loss_numeric_case(rng, 3, 3, 3),
    ]


# ----------------------------------------------------------------------------- the classifier

LOSS_HINT = ("rnn_forward from h0 (zeros when None), temporal_affine_forward, temporal_softmax_loss with the "
             "mask, then the backward passes in reverse order; h_last = h[:, -1]; if a layer's test fails, fix it "
             "first")


def _params(rng, d, hidden, k, dtype=np.float64):
    params = {"Wx": rng.standard_normal((d, hidden)), "Wh": 0.6 * rng.standard_normal((hidden, hidden)),
              "b": 0.5 * rng.standard_normal(hidden), "Wy": rng.standard_normal((hidden, k)),
              "by": 0.5 * rng.standard_normal(k)}
    return {name: p.astype(dtype) for name, p in params.items()}


def _data(rng, n, t_len, d, hidden, k, dtype=np.float64):
    return (rng.standard_normal((n, t_len, d)).astype(dtype), rng.integers(0, k, size=(n, t_len)),
            rng.uniform(-0.9, 0.9, size=(n, hidden)).astype(dtype))


def _loss_numeric(rng):
    n, t_len, d, hidden, k = 3, 3, 2, 3, 3
    params = _params(rng, d, hidden, k)
    x, y, h0 = _data(rng, n, t_len, d, hidden, k)
    mask = _padded_mask(rng, n, t_len)
    calls = [call("rnn_loss", params, x, y, h0, mask)]
    entries = [(key, idx) for key in sorted(params) for idx in np.ndindex(*params[key].shape)]
    for key, idx in entries:
        for sign in (1.0, -1.0):
            moved = {name: p.copy() for name, p in params.items()}
            moved[key][idx] += sign * H
            calls.append(call("rnn_loss", moved, x, y, h0, mask, send=0))

    def compare(student, reference, c):
        first = student[0]
        if not isinstance(first, list) or len(first) != 3 or not isinstance(first[1], dict):
            return "rnn_loss should return (loss, grads, h_last), grads a dict keyed like params"
        losses = []
        for s in student[1:]:
            if not isinstance(s, np.ndarray) or s.size != 1:
                return "the loss should be a single number"
            losses.append(float(s.reshape(-1)[0]))
        numeric = {key: np.empty(params[key].shape) for key in params}
        for j, (key, idx) in enumerate(entries):
            numeric[key][idx] = (losses[2 * j] - losses[2 * j + 1]) / (2 * H)
        for key in sorted(params):
            grad = first[1].get(key)
            if not isinstance(grad, np.ndarray) or grad.shape != params[key].shape:
                return f"grads['{key}'] should have the shape of params['{key}'], {params[key].shape}"
            err = _scaled_error(grad, numeric[key])
            if not err <= NUMERIC_TOL:
                return (f"grads['{key}'] disagrees with the numerical gradient of your own loss, with h0 and a mask "
                        f"(relative error {err:.1e})")
        return None

    return case("every gradient against the numerical gradient of your own rnn_loss, with h0 and a mask", *calls,
                compare=compare, hint=LOSS_HINT, uses=LOSS_USES)


def rnn_loss(rng):
    def loss_case(label, n, t_len, d, hidden, k, with_h0=True, mask=None, dtype=np.float64, rtol=1e-6,
                  hint=LOSS_HINT):
        params = _params(rng, d, hidden, k, dtype)
        x, y, h0 = _data(rng, n, t_len, d, hidden, k, dtype)
        args = (params, x, y, h0 if with_h0 else None) + (() if mask is None else (mask,))
        return case(label, call("rnn_loss", *args), hint=hint, rtol=rtol, uses=LOSS_USES)

    return [
        loss_case("3 sequences of 5 steps, D = 2, H = 4, K = 3, from a given h0", 3, 5, 2, 4, 3),
        loss_case("h0 = None: start from zeros", 2, 4, 3, 3, 4, with_h0=False,
                  hint="with h0=None start from np.zeros((N, H))"),
        loss_case("padded sequences (a mask)", 4, 5, 2, 3, 3, mask=_padded_mask(rng, 4, 5),
                  hint="pass the mask on to temporal_softmax_loss"),
        loss_case("one sequence of one step", 1, 1, 3, 2, 2),
        loss_case("float32 parameters and inputs", 2, 3, 2, 3, 3, dtype=np.float32, rtol=F32_RTOL,
                  hint="keep the dtype through every layer"),
        _loss_numeric(rng),
    ]


# ----------------------------------------------------------------------------- clipping

NORM_HINT = ("norm = sqrt(sum of every squared entry of every gradient); if norm > max_norm multiply every "
             "gradient by the same max_norm / norm, else leave them (scale 1.0); return new arrays")
VALUE_HINT = ("np.clip each array to [-clip_value, clip_value]; fraction = entries with |g| > clip_value over "
              "all arrays, divided by the total number of entries; return new arrays")


def _grads(rng, scale, dtype=np.float64):
    return {"Wx": (scale * rng.standard_normal((3, 4))).astype(dtype),
            "Wh": (scale * rng.standard_normal((4, 4))).astype(dtype),
            "b": (scale * rng.standard_normal(4)).astype(dtype)}


def clip_grad_norm(rng):
    def norm_case(label, grads, max_norm, hint=NORM_HINT, rtol=1e-6):
        return case(label, call("clip_grad_norm", grads, max_norm), hint=hint, rtol=rtol)

    big = _grads(rng, 1.0)
    lopsided = {"W": 100.0 * rng.standard_normal((5, 5)), "b": 0.01 * rng.standard_normal(5)}
    return [
        norm_case("a global norm far above max_norm", _grads(rng, 10.0), 1.0),
        norm_case("a global norm below max_norm: nothing changes", _grads(rng, 0.1), 5.0,
                  hint="scale only when the norm exceeds max_norm; otherwise the scale is 1.0"),
        norm_case("one huge and one tiny gradient: both scaled by the same number", lopsided, 2.0,
                  hint="one scale for all parameters, from their global norm; never clip each array alone"),
        norm_case("a single parameter", {"W": 3.0 * rng.standard_normal((2, 6))}, 0.5),
        norm_case("all-zero gradients", {"W": np.zeros((2, 3)), "b": np.zeros(3)}, 1.0,
                  hint="a zero norm is below max_norm: scale 1.0, never 0 / 0"),
        norm_case("float32 gradients, which must stay float32", _grads(rng, 5.0, np.float32), 1.0, rtol=F32_RTOL,
                  hint="multiply by the scale as a Python float (or the arrays' dtype), which keeps float32"),
        case("the input dict and its arrays are left unchanged", call("clip_grad_norm", big, 0.1, send=ARGS),
             hint="return new arrays: g * scale, never g *= scale on the arrays you were given"),
    ]


def clip_grad_value(rng):
    def value_case(label, grads, clip_value, hint=VALUE_HINT, rtol=1e-6):
        return case(label, call("clip_grad_value", grads, clip_value), hint=hint, rtol=rtol)

    exact = {"W": np.array([[1.0, -1.0, 0.5], [2.0, -3.0, 1.0]]), "b": np.array([-1.0, 0.2])}
    return [
        value_case("gradients of both signs beyond clip_value", _grads(rng, 2.0), 1.0,
                   hint="clip both sides: np.clip(g, -clip_value, clip_value)"),
        value_case("nothing to clip", _grads(rng, 0.01), 1.0),
        value_case("entries exactly at +-clip_value are not counted as clipped", exact, 1.0,
                   hint="count the entries with |g| > clip_value (strictly), over all arrays together"),
        value_case("arrays of different sizes: the fraction is over all entries", {
            "W": 5.0 * rng.standard_normal((6, 6)), "b": 0.1 * rng.standard_normal(2)}, 0.5,
            hint="fraction = clipped entries of all arrays / total entries of all arrays"),
        value_case("float32 gradients, which must stay float32", _grads(rng, 2.0, np.float32), 0.5, rtol=F32_RTOL),
        case("the input dict and its arrays are left unchanged",
             call("clip_grad_value", _grads(rng, 3.0), 0.5, send=ARGS),
             hint="return new arrays; np.clip(g, ..., out=g) changes the caller's gradients"),
    ]


# ----------------------------------------------------------------------------- truncated BPTT

TBPTT_HINT = ("for each chunk x[:, s:s + chunk_len]: loss, grads, h = rnn_loss(params, chunk, labels, h) with h the "
              "state the previous chunk ended in (h0 for the first), then params = params - lr * grads; the "
              "gradient of the carried state is dropped; the last chunk may be shorter")


def truncated_bptt(rng):
    def tbptt_case(label, n, t_len, chunk_len, d=2, hidden=3, k=3, lr=0.1, dtype=np.float64, rtol=1e-6,
                   hint=TBPTT_HINT):
        params = _params(rng, d, hidden, k, dtype)
        x, y, h0 = _data(rng, n, t_len, d, hidden, k, dtype)
        return case(label, call("truncated_bptt", params, x, y, h0, chunk_len, lr), hint=hint, rtol=rtol,
                    uses=TBPTT_USES)

    params = _params(rng, 2, 3, 3)
    x, y, h0 = _data(rng, 2, 6, 2, 3, 3)
    return [
        tbptt_case("12 steps in chunks of 4", 3, 12, 4),
        tbptt_case("10 steps in chunks of 4: the last chunk has 2 steps", 2, 10, 4,
                   hint=TBPTT_HINT + "; range(0, T, chunk_len) includes the last, shorter chunk"),
        tbptt_case("chunks of one step", 2, 5, 1),
        tbptt_case("one chunk longer than the sequence: plain BPTT", 2, 5, 8),
        tbptt_case("one sequence, a large learning rate", 1, 9, 3, lr=1.0),
        tbptt_case("float32 parameters and inputs", 2, 8, 3, dtype=np.float32, rtol=F32_RTOL,
                   hint="keep the dtype: params - learning_rate * grads stays float32"),
        case("the params dict given is left unchanged", call("truncated_bptt", params, x, y, h0, 2, 0.5, send=ARGS),
             hint="build new arrays (p - lr * g), never update the caller's arrays in place", uses=TBPTT_USES),
    ]


TESTS = {
    "test_rnn_step_forward": rnn_step_forward,
    "test_rnn_step_backward": rnn_step_backward,
    "test_rnn_forward": rnn_forward,
    "test_rnn_backward": rnn_backward,
    "test_temporal_affine_forward": temporal_affine_forward,
    "test_temporal_affine_backward": temporal_affine_backward,
    "test_temporal_softmax_loss": temporal_softmax_loss,
    "test_rnn_loss": rnn_loss,
    "test_clip_grad_norm": clip_grad_norm,
    "test_clip_grad_value": clip_grad_value,
    "test_truncated_bptt": truncated_bptt,
}
