# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Assignment 11: recurrent networks, backpropagation through time, and clipping
#
# Every network so far read one fixed-size input and forgot it. Text, speech and handwriting come
# as **sequences** of any length, and what a step means depends on the steps before it. A
# **recurrent neural network** (RNN) reads a sequence one step at a time and carries a **hidden
# state** $h_t$ from step to step: a summary of everything it has read so far. The same weights
# are used at every step, so one small network handles sequences of any length.
#
# You will write, all in numpy:
#
# 1. `rnn_step_forward` and `rnn_step_backward`: one step of a vanilla (Elman) RNN;
# 2. `rnn_forward` and `rnn_backward`: the whole sequence, and **backpropagation through time**
#    (BPTT), including the gradient of the initial state $h_0$;
# 3. `temporal_affine_forward`, `temporal_affine_backward` and `temporal_softmax_loss`: an output
#    layer and a loss at every time step, with a **mask** for padded steps;
# 4. `rnn_loss`: a sequence classifier made of the pieces above;
# 5. `clip_grad_norm` and `clip_grad_value`: **gradient clipping**;
# 6. `truncated_bptt`: training on long sequences chunk by chunk.
#
# Then you measure why gradients vanish or explode over time, watch clipping rescue a training run,
# and find how far back your RNN can remember.
#
# **How to check your work.** Run each function's cell, then the test cell under it: a passing test
# prints a line ending in `passed`; a failing one says what it expected, what came back and where
# to look. The grader runs hidden tests on other inputs (one sequence, one time step, float32,
# masks) and checks every backward pass against a numerical gradient of *your own* forward pass.
#
# **Shapes.** $N$ sequences in a batch, $T$ time steps, $D$ input features, $H$ hidden units, $K$
# classes. This assignment and the next three (LSTM/GRU, CTC, the language model) store sequences
# **batch-first**: inputs are `(N, T, D)`, hidden states `(N, T, H)`, scores `(N, T, K)`, labels
# and masks `(N, T)`. That is PyTorch's `batch_first=True`; PyTorch's default layout `(T, N, D)` is
# our `x.transpose(1, 0, 2)`. Sequences of different lengths are padded at the **end** to a common
# $T$, and the mask is 1 (True) on real steps and 0 (False) on padding.

# %% nbgrader={"grade": false, "grade_id": "setup", "locked": true, "schema_version": 3, "solution": false}
import time

import matplotlib.pyplot as plt
import numpy as np

from utils.gradcheck import check_gradient, numerical_gradient, numerical_gradient_array
from utils.optim import adam
from utils.sequences import recall

# %% [markdown]
# ## 1. One step of a recurrent network
#
# At step $t$ the RNN reads the input $x_t \in \mathbb{R}^{D}$ and the previous state
# $h_{t-1} \in \mathbb{R}^{H}$ and computes
#
# $$a_t = x_t W_x + h_{t-1} W_h + b, \qquad h_t = \tanh(a_t),$$
#
# with $W_x \in \mathbb{R}^{D \times H}$, $W_h \in \mathbb{R}^{H \times H}$ and
# $b \in \mathbb{R}^{H}$, for a whole batch at once (rows are sequences: `x` is `(N, D)`,
# `prev_h` is `(N, H)`). `torch.nn.RNN(D, H, nonlinearity="tanh", batch_first=True)` computes the
# same thing; it stores $W_x^\top$ and $W_h^\top$ and two bias vectors, `bias_ih` and `bias_hh`,
# which only ever appear as their sum, our $b$.
#
# The backward pass gets $\partial L / \partial h_t$ (`dnext_h`). The tanh's slope is
# $1 - \tanh^2(a_t) = 1 - h_t^2$, a function of the step's **output**, so with
# $\delta_t = \frac{\partial L}{\partial h_t} \odot (1 - h_t^2)$ (elementwise):
#
# $$\frac{\partial L}{\partial x_t} = \delta_t W_x^\top, \quad
#   \frac{\partial L}{\partial h_{t-1}} = \delta_t W_h^\top, \quad
#   \frac{\partial L}{\partial W_x} = x_t^\top \delta_t, \quad
#   \frac{\partial L}{\partial W_h} = h_{t-1}^\top \delta_t, \quad
#   \frac{\partial L}{\partial b} = \textstyle\sum_n \delta_{t,n} .$$
#
# Keep the inputs' dtype (float32 in, float32 out).

# %% nbgrader={"grade": false, "grade_id": "rnn_step_forward", "locked": false, "schema_version": 3, "solution": true}
def rnn_step_forward(x, prev_h, Wx, Wh, b):
    """Run one time step of a tanh RNN on a batch.

    Inputs:
    - x: (N, D) this step's inputs.
    - prev_h: (N, H) the previous hidden state.
    - Wx: (D, H), Wh: (H, H), b: (H,).

    Returns (next_h, cache): next_h (N, H), tanh(x Wx + prev_h Wh + b); cache, whatever
    rnn_step_backward needs.
    """
    ### BEGIN SOLUTION
    next_h = np.tanh(x @ Wx + prev_h @ Wh + b)  # (N, H)
    return next_h, (x, prev_h, Wx, Wh, next_h)
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_rnn_step_forward", "locked": true, "points": 2, "schema_version": 3, "solution": false}
# rnn_step_forward gives hand-computed values, reads prev_h, has shape (N, H) and keeps float32
x = np.array([[1.0, 2.0, 0.0]])  # N = 1, D = 3
prev_h = np.array([[0.5, -1.0]])  # H = 2
Wx = np.array([[0.5, 0.0], [0.0, -0.25], [3.0, 3.0]])  # x Wx = [0.5, -0.5]
Wh = np.array([[1.0, 0.0], [1.0, 1.0]])  # prev_h Wh = [-0.5, -1.0]
b = np.array([0.0, 1.0])  # a = [0.0, -0.5]
result = rnn_step_forward(x, prev_h, Wx, Wh, b)
assert isinstance(result, tuple) and len(result) == 2, "rnn_step_forward should return a pair (next_h, cache)"
next_h, _ = result
assert np.shape(next_h) == (1, 2), f"next_h should have shape (N, H) = (1, 2), got {np.shape(next_h)}"
expected = np.tanh([[0.0, -0.5]])
assert np.allclose(next_h, expected), (
    f"next_h should be tanh([0, -0.5]) = {expected.round(4).tolist()}, got {np.asarray(next_h).round(4).tolist()}: "
    "a = x @ Wx + prev_h @ Wh + b, then tanh of the whole sum")
other, _ = rnn_step_forward(x, np.zeros((1, 2)), Wx, Wh, b)
assert not np.allclose(other, next_h), "next_h should change when prev_h changes: add prev_h @ Wh"

rng = np.random.default_rng(0)
x, prev_h = rng.standard_normal((4, 3)), rng.standard_normal((4, 5))
Wx, Wh, b = rng.standard_normal((3, 5)), rng.standard_normal((5, 5)), rng.standard_normal(5)
next_h, _ = rnn_step_forward(x, prev_h, Wx, Wh, b)
assert np.shape(next_h) == (4, 5), f"with N = 4, D = 3, H = 5, next_h should be (4, 5), got {np.shape(next_h)}"
assert np.all(np.abs(next_h) < 1), "every entry of next_h should lie in (-1, 1), the range of tanh"
h32, _ = rnn_step_forward(*(v.astype(np.float32) for v in (x, prev_h, Wx, Wh, b)))
assert h32.dtype == np.float32, f"float32 inputs should give float32 next_h, got {h32.dtype}"
print("test_rnn_step_forward passed")


# %% nbgrader={"grade": false, "grade_id": "rnn_step_backward", "locked": false, "schema_version": 3, "solution": true}
def rnn_step_backward(dnext_h, cache):
    """Backward pass of rnn_step_forward.

    Inputs:
    - dnext_h: (N, H) gradient of the loss with respect to next_h.
    - cache: from rnn_step_forward.

    Returns (dx, dprev_h, dWx, dWh, db): (N, D), (N, H), (D, H), (H, H), (H,).
    """
    ### BEGIN SOLUTION
    x, prev_h, Wx, Wh, next_h = cache
    da = dnext_h * (1 - next_h * next_h)  # (N, H) through the tanh
    return da @ Wx.T, da @ Wh.T, x.T @ da, prev_h.T @ da, da.sum(axis=0)
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_rnn_step_backward", "locked": true, "points": 3, "schema_version": 3, "solution": false}
# rnn_step_backward gives a hand-computed gradient and matches numerical gradients of rnn_step_forward
x, prev_h = np.array([[2.0]]), np.array([[1.0]])  # N = D = H = 1
Wx, Wh, b = np.array([[0.25]]), np.array([[-0.5]]), np.array([0.0])  # a = 0.5 - 0.5 = 0, so tanh'(a) = 1
_, cache = rnn_step_forward(x, prev_h, Wx, Wh, b)
grads = rnn_step_backward(np.array([[3.0]]), cache)
assert isinstance(grads, tuple) and len(grads) == 5, "rnn_step_backward should return (dx, dprev_h, dWx, dWh, db)"
expected = (0.75, -1.5, 6.0, 3.0, 3.0)  # 3 * (Wx, Wh, x, prev_h, 1), times tanh'(0) = 1
for name, got, want in zip(("dx", "dprev_h", "dWx", "dWh", "db"), grads, expected):
    assert np.allclose(got, want), (
        f"at a = 0 (tanh' = 1) with dnext_h = 3, {name} should be {want}, got {np.ravel(got).tolist()}: "
        "dx = da @ Wx.T, dprev_h = da @ Wh.T, dWx = x.T @ da, dWh = prev_h.T @ da, db = da summed over the batch")

rng = np.random.default_rng(1)
x, prev_h = rng.standard_normal((4, 3)), rng.standard_normal((4, 5))
Wx, Wh, b = 0.5 * rng.standard_normal((3, 5)), 0.5 * rng.standard_normal((5, 5)), rng.standard_normal(5)
dnext_h = rng.standard_normal((4, 5))
_, cache = rnn_step_forward(x, prev_h, Wx, Wh, b)
dx, dprev_h, dWx, dWh, db = rnn_step_backward(dnext_h, cache)
arrays = {"x": x, "prev_h": prev_h, "Wx": Wx, "Wh": Wh, "b": b}
for (name, value), grad in zip(arrays.items(), (dx, dprev_h, dWx, dWh, db)):
    def step_out(v, name=name):
        return rnn_step_forward(**dict(arrays, **{name: v}))[0]

    numeric = numerical_gradient_array(step_out, value.copy(), dnext_h)
    try:
        check_gradient(grad, numeric, f"d{name}")
    except AssertionError as err:
        raise AssertionError(f"{err}. Go through the tanh first: da = dnext_h * (1 - next_h**2), with next_h "
                             "the step's output; then each weight gets input.T @ da") from None
print("test_rnn_step_backward passed")

# %% [markdown]
# ## 2. A whole sequence, and backpropagation through time
#
# The forward pass over a sequence is the step, repeated: start from $h_0$ and feed each step's
# output to the next. Return all $T$ states $h_1, \dots, h_T$ stacked as `(N, T, H)` (not $h_0$,
# which the caller already has).
#
# For the backward pass, unroll the loop into a chain of $T$ copies of one step, all sharing
# $W_x$, $W_h$ and $b$. State $h_t$ influences the loss in two ways: directly (the output at step $t$;
# its gradient is `dh[:, t]`, given to you) and through $h_{t+1}$, which reads it. So the
# gradient flowing into step $t$'s backward pass is the sum
#
# $$\frac{\partial L}{\partial h_t} = \underbrace{\texttt{dh}[:, t]}_{\text{direct}} +
#   \underbrace{\frac{\partial L}{\partial h_{t+1}} \frac{\partial h_{t+1}}{\partial h_t}}_{\text{the
#   \texttt{dprev\_h} of step } t+1},$$
#
# which is why BPTT walks **backwards** in time, $t = T, \dots, 1$, carrying `dprev_h` (0 after
# the last step). The `dprev_h` of step 1 is $\partial L / \partial h_0$: the initial state gets a
# gradient too (useful when $h_0$ is learned, or handed over from somewhere else). And because the
# weights are shared, **their gradients are the sums** of every step's contributions.
#
# A gradient on the final state $h_T$ from somewhere else (say, the state is passed on to another
# network) needs no extra argument: $h_T$ is `h[:, -1]`, so it is added to `dh[:, -1]`.
#
# Use your step functions. `utils.rnn` does the same with one change for speed: it computes
# $x_t W_x + b$ for all steps in one matrix product before the loop, and the weight gradients in one
# product after it (12_lstm_gru does that too).

# %% nbgrader={"grade": false, "grade_id": "rnn_forward", "locked": false, "schema_version": 3, "solution": true}
def rnn_forward(x, h0, Wx, Wh, b):
    """Run a tanh RNN over a batch of whole sequences.

    Inputs:
    - x: (N, T, D) inputs, batch-first.
    - h0: (N, H) initial hidden state.
    - Wx: (D, H), Wh: (H, H), b: (H,).

    Returns (h, cache): h (N, T, H), the hidden states after steps 1..T, in the inputs' dtype;
    cache, whatever rnn_backward needs.
    """
    ### BEGIN SOLUTION
    n, t_len, _ = x.shape
    h = np.empty((n, t_len, Wh.shape[0]), dtype=np.result_type(x, h0, Wx, Wh, b))
    caches, prev_h = [], h0
    for t in range(t_len):
        prev_h, step_cache = rnn_step_forward(x[:, t], prev_h, Wx, Wh, b)  # (N, H)
        h[:, t] = prev_h
        caches.append(step_cache)
    return h, caches
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_rnn_forward", "locked": true, "points": 2, "schema_version": 3, "solution": false}
# rnn_forward gives hand-computed states of a one-unit RNN, starts from h0, and is batch-first
x = np.array([[[1.0], [0.0], [-2.0]]])  # N = 1, T = 3, D = 1
Wx, Wh, b = np.array([[0.5]]), np.array([[0.8]]), np.array([0.1])
h0 = np.array([[0.5]])
result = rnn_forward(x, h0, Wx, Wh, b)
assert isinstance(result, tuple) and len(result) == 2, "rnn_forward should return a pair (h, cache)"
h, _ = result
h1 = np.tanh(0.5 * 1.0 + 0.8 * 0.5 + 0.1)
h2 = np.tanh(0.5 * 0.0 + 0.8 * h1 + 0.1)
h3 = np.tanh(0.5 * -2.0 + 0.8 * h2 + 0.1)
assert np.shape(h) == (1, 3, 1), (
    f"h should have shape (N, T, H) = (1, 3, 1), got {np.shape(h)}: stack the states h_1..h_T (not h0) on axis 1")
assert np.allclose(h, [[[h1], [h2], [h3]]]), (
    f"the states should be [{h1:.4f}, {h2:.4f}, {h3:.4f}], got {np.ravel(h).round(4).tolist()}: "
    "start from h0 and feed each step's output to the next step as prev_h")

rng = np.random.default_rng(2)
x = rng.standard_normal((2, 4, 3))  # N = 2, T = 4, D = 3
Wx, Wh, b = rng.standard_normal((3, 5)), 0.5 * rng.standard_normal((5, 5)), rng.standard_normal(5)
h, _ = rnn_forward(x, np.zeros((2, 5)), Wx, Wh, b)
assert np.shape(h) == (2, 4, 5), (
    f"with N = 2, T = 4, H = 5, h should be (2, 4, 5), got {np.shape(h)}: batch-first, time on axis 1")
alone, _ = rnn_forward(x[1:], np.zeros((1, 5)), Wx, Wh, b)
assert np.allclose(alone[0], h[1]), (
    "sequence 1 alone should give the same states as in the batch: step through x[:, t], "
    "the time axis is 1 (batch-first)")
h32, _ = rnn_forward(*(v.astype(np.float32) for v in (x, np.zeros((2, 5)), Wx, Wh, b)))
assert h32.dtype == np.float32, f"float32 inputs should give float32 states, got {h32.dtype}"
print("test_rnn_forward passed")


# %% nbgrader={"grade": false, "grade_id": "rnn_backward", "locked": false, "schema_version": 3, "solution": true}
def rnn_backward(dh, cache):
    """Backpropagation through time for rnn_forward.

    Inputs:
    - dh: (N, T, H) the gradient of the loss with respect to each hidden state through its direct
      use at that step only (what flows back from later steps is for you to add).
    - cache: from rnn_forward.

    Returns (dx, dh0, dWx, dWh, db): (N, T, D), (N, H), (D, H), (H, H), (H,).
    """
    ### BEGIN SOLUTION
    caches = cache
    n, t_len, _ = dh.shape
    Wx, Wh = caches[0][2], caches[0][3]
    dx = np.empty((n, t_len, Wx.shape[0]), dtype=dh.dtype)
    dWx, dWh, db = np.zeros_like(Wx), np.zeros_like(Wh), np.zeros(Wh.shape[0], dtype=Wh.dtype)
    dprev_h = np.zeros_like(dh[:, 0])  # nothing flows back into the last step from the future
    for t in range(t_len - 1, -1, -1):
        dx[:, t], dprev_h, dWx_t, dWh_t, db_t = rnn_step_backward(dh[:, t] + dprev_h, caches[t])
        dWx += dWx_t  # shared weights: sum over the steps
        dWh += dWh_t
        db += db_t
    return dx, dprev_h, dWx, dWh, db
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_rnn_backward", "locked": true, "points": 4, "schema_version": 3, "solution": false}
# rnn_backward gives hand-computed gradients of a one-unit RNN and matches numerical gradients of
# rnn_forward for dx, dh0, dWx, dWh and db
x = np.array([[[1.0], [-1.0]]])  # N = 1, T = 2, D = 1
Wx, Wh, b, h0 = np.array([[0.5]]), np.array([[2.0]]), np.array([0.0]), np.array([[-0.25]])
_, cache = rnn_forward(x, h0, Wx, Wh, b)
h1 = np.tanh(0.5 * 1.0 + 2.0 * -0.25)  # a_1 = 0: h_1 = 0 and tanh'(a_1) = 1
h2 = np.tanh(0.5 * -1.0 + 2.0 * h1)
d2 = 1.0 * (1 - h2 ** 2)  # the loss is h_2: dh = [0, 1], and d_2 = 1 * tanh'(a_2)
grads = rnn_backward(np.array([[[0.0], [1.0]]]), cache)
assert isinstance(grads, tuple) and len(grads) == 5, "rnn_backward should return (dx, dh0, dWx, dWh, db)"
dx, dh0, dWx, dWh, db = grads
assert np.allclose(dh0, d2 * 2.0 * 1.0 * 2.0), (
    f"for the loss h_2, dh0 should be tanh'(a_2) * Wh * tanh'(a_1) * Wh = {d2 * 4:.4f}, got {np.ravel(dh0).tolist()}: "
    "carry dprev_h from step t + 1 into step t and return the last one as dh0")
assert np.allclose(dWh, d2 * h1 + d2 * 2.0 * 1.0 * -0.25), (
    f"dWh should sum both steps' contributions, d_2 * h_1 + d_1 * h_0 = {d2 * h1 + d2 * 2 * -0.25:.4f}, "
    f"got {np.ravel(dWh).tolist()}: shared weights accumulate (+=) over all time steps")
assert np.allclose(dx, [[[d2 * 2.0 * 0.5], [d2 * 0.5]]]), (
    f"dx should be {[d2 * 2 * 0.5, d2 * 0.5]}, got {np.ravel(dx).tolist()}: step 1's gradient includes "
    "what flows back from step 2")

rng = np.random.default_rng(3)
n, t_len, d, hidden = 2, 4, 3, 5
arrays = {"x": rng.standard_normal((n, t_len, d)), "h0": rng.standard_normal((n, hidden)),
          "Wx": 0.5 * rng.standard_normal((d, hidden)), "Wh": 0.5 * rng.standard_normal((hidden, hidden)),
          "b": rng.standard_normal(hidden)}
dh = rng.standard_normal((n, t_len, hidden))
_, cache = rnn_forward(**arrays)
grads = rnn_backward(dh, cache)
for (name, value), grad in zip(arrays.items(), grads):
    def seq_out(v, name=name):
        return rnn_forward(**dict(arrays, **{name: v}))[0]

    numeric = numerical_gradient_array(seq_out, value.copy(), dh)
    try:
        check_gradient(grad, numeric, f"d{name}")
    except AssertionError as err:
        raise AssertionError(f"{err}. Walk t = T-1 .. 0, give step t the gradient dh[:, t] + dprev_h (what "
                             "came back from step t + 1), and sum the weight gradients of all steps") from None
print("test_rnn_backward passed")

# %% [markdown]
# ## 3. Outputs and a loss at every time step
#
# To read something out of the states, apply one affine map at every step, with the same weights:
# `out[n, t] = h[n, t] @ w + b`. That is `affine_forward` of assignment 05 on the $N \cdot T$ rows
# of `h.reshape(N * T, H)`; reshape back to `(N, T, M)`. Since $w$ and $b$ are shared by all steps,
# their gradients sum over samples **and** time.
#
# The loss is the softmax cross-entropy of assignment 01 at every step whose mask is 1:
#
# $$L = -\frac{1}{\sum_{n,t} m_{nt}} \sum_{n,t} m_{nt} \log \operatorname{softmax}(x_{nt})_{y_{nt}} .$$
#
# It is **averaged over the unmasked steps** (tokens), not over the sequences: every real step
# weighs the same whatever the length of its sequence. That is PyTorch's `cross_entropy` with the
# padding ignored (`ignore_index`, `reduction="mean"`), and the per-character average whose
# exponential is the perplexity of 14_language_model. A padded step ($m = 0$) contributes nothing,
# neither to the loss nor to its gradient, whatever its label and scores are. `mask=None` means
# every step counts; if no step counts, the loss and the gradient are 0. Subtract each row's
# maximum before exponentiating, as in assignment 01.

# %% nbgrader={"grade": false, "grade_id": "temporal_affine_forward", "locked": false, "schema_version": 3, "solution": true}
def temporal_affine_forward(x, w, b):
    """Apply one affine map at every time step.

    Inputs: x (N, T, D), w (D, M), b (M,).

    Returns (out, cache): out (N, T, M) with out[n, t] = x[n, t] @ w + b, in the inputs' dtype;
    cache, whatever temporal_affine_backward needs.
    """
    ### BEGIN SOLUTION
    n, t_len, d = x.shape
    out = (x.reshape(n * t_len, d) @ w + b).reshape(n, t_len, w.shape[1])  # (N, T, M)
    return out, (x, w)
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_temporal_affine_forward", "locked": true, "points": 1, "schema_version": 3, "solution": false}
# temporal_affine_forward applies the same affine map at every step, batch-first
x = np.array([[[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]]])  # N = 1, T = 3, D = 2
w, b = np.array([[1.0, 2.0, 0.0], [0.0, -1.0, 1.0]]), np.array([0.5, 0.0, -0.5])  # M = 3
result = temporal_affine_forward(x, w, b)
assert isinstance(result, tuple) and len(result) == 2, "temporal_affine_forward should return (out, cache)"
out, _ = result
expected = np.array([[[1.5, 2.0, -0.5], [0.5, -1.0, 0.5], [1.5, 1.0, 0.5]]])
assert np.shape(out) == (1, 3, 3), f"out should have shape (N, T, M) = (1, 3, 3), got {np.shape(out)}"
assert np.allclose(out, expected), (
    f"out should be {expected.tolist()}, got {np.asarray(out).tolist()}: out[n, t] = x[n, t] @ w + b")
rng = np.random.default_rng(4)
x, w, b = rng.standard_normal((2, 5, 3)), rng.standard_normal((3, 4)), rng.standard_normal(4)
out, _ = temporal_affine_forward(x, w, b)
assert np.shape(out) == (2, 5, 4), f"with N = 2, T = 5, M = 4, out should be (2, 5, 4), got {np.shape(out)}"
assert np.allclose(out[1, 3], x[1, 3] @ w + b), "out[1, 3] should be x[1, 3] @ w + b: keep the (N, T) order"
out32, _ = temporal_affine_forward(x.astype(np.float32), w.astype(np.float32), b.astype(np.float32))
assert out32.dtype == np.float32, f"float32 inputs should give float32 output, got {out32.dtype}"
print("test_temporal_affine_forward passed")


# %% nbgrader={"grade": false, "grade_id": "temporal_affine_backward", "locked": false, "schema_version": 3, "solution": true}
def temporal_affine_backward(dout, cache):
    """Backward pass of temporal_affine_forward.

    Inputs: dout (N, T, M); cache from temporal_affine_forward.

    Returns (dx, dw, db): (N, T, D), (D, M), (M,).
    """
    ### BEGIN SOLUTION
    x, w = cache
    n, t_len, d = x.shape
    dout_flat = dout.reshape(n * t_len, -1)  # (N * T, M): every (sample, step) is a row
    dx = (dout_flat @ w.T).reshape(n, t_len, d)
    return dx, x.reshape(n * t_len, d).T @ dout_flat, dout_flat.sum(axis=0)
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_temporal_affine_backward", "locked": true, "points": 2, "schema_version": 3, "solution": false}
# temporal_affine_backward sums the weight gradients over samples and steps and matches numerical gradients
x = np.array([[[1.0, 0.0], [0.0, 2.0]]])  # N = 1, T = 2, D = 2
w, b = np.ones((2, 1)), np.zeros(1)
_, cache = temporal_affine_forward(x, w, b)
grads = temporal_affine_backward(np.array([[[1.0], [3.0]]]), cache)
assert isinstance(grads, tuple) and len(grads) == 3, "temporal_affine_backward should return (dx, dw, db)"
dx, dw, db = grads
assert np.shape(db) == (1,) and np.allclose(db, [4.0]), (
    f"db should be dout summed over samples and steps, [1 + 3] = [4], got {np.asarray(db).tolist()}")
assert np.allclose(dw, [[1.0], [6.0]]), (
    f"dw should be sum over steps of x[t]^T dout[t] = [[1], [6]], got {np.asarray(dw).tolist()}: "
    "the weights are shared by every step, so add up every step's contribution")
rng = np.random.default_rng(5)
arrays = {"x": rng.standard_normal((2, 3, 4)), "w": rng.standard_normal((4, 5)), "b": rng.standard_normal(5)}
dout = rng.standard_normal((2, 3, 5))
_, cache = temporal_affine_forward(**arrays)
for (name, value), grad in zip(arrays.items(), temporal_affine_backward(dout, cache)):
    numeric = numerical_gradient_array(lambda v, name=name: temporal_affine_forward(**dict(arrays, **{name: v}))[0],
                                       value.copy(), dout)
    check_gradient(grad, numeric, f"d{name}")
print("test_temporal_affine_backward passed")


# %% nbgrader={"grade": false, "grade_id": "temporal_softmax_loss", "locked": false, "schema_version": 3, "solution": true}
def temporal_softmax_loss(x, y, mask=None):
    """Softmax cross-entropy at every unmasked step, averaged over the unmasked steps.

    Inputs:
    - x: (N, T, V) scores.
    - y: (N, T) integer labels in 0..V-1 (padded steps too, with any valid label).
    - mask: (N, T) booleans or 0/1, True on the steps that count; None: every step counts.

    Returns (loss, dx): loss a float, the mean over unmasked steps of -log softmax(x[n, t])[y[n, t]]
    (0 if no step counts); dx (N, T, V) its gradient, in x's dtype, 0 at masked steps.
    """
    ### BEGIN SOLUTION
    n, t_len, v = x.shape
    flat = x.reshape(n * t_len, v)
    rows, labels = np.arange(n * t_len), np.asarray(y).reshape(n * t_len)
    if mask is None:
        weight = np.ones(n * t_len, dtype=x.dtype)
    else:
        weight = np.asarray(mask).reshape(n * t_len).astype(x.dtype)
    count = max(float(weight.sum()), 1.0)
    shifted = flat - flat.max(axis=1, keepdims=True)  # (N * T, V)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    loss = -float(np.sum(weight * log_probs[rows, labels])) / count
    dx = np.exp(log_probs)
    dx[rows, labels] -= 1
    dx *= (weight / x.dtype.type(count))[:, None]
    return loss, dx.reshape(n, t_len, v)
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_temporal_softmax_loss", "locked": true, "points": 3, "schema_version": 3, "solution": false}
# temporal_softmax_loss averages over unmasked steps, ignores padded ones, is stable, and matches
# numerical gradients with a mask
x = np.zeros((2, 2, 4))  # uniform scores: every step's loss is log 4
x[0, 0] = [np.log(2.0), 0.0, 0.0, 0.0]  # step (0, 0): p = [2/5, 1/5, 1/5, 1/5], label 0 costs log(5/2)
y = np.array([[0, 1], [2, 3]])
mask = np.array([[1, 1], [1, 0]])  # the last step of sequence 1 is padding
result = temporal_softmax_loss(x, y, mask)
assert isinstance(result, tuple) and len(result) == 2, "temporal_softmax_loss should return (loss, dx)"
loss, dx = result
expected = (np.log(2.5) + 2 * np.log(4.0)) / 3
assert np.isclose(loss, expected), (
    f"loss should be (log(5/2) + log 4 + log 4) / 3 = {expected:.4f} (three unmasked steps), got {float(loss):.4f}: "
    "sum -log p[label] over the steps where mask is 1 and divide by the number of such steps")
assert np.shape(dx) == (2, 2, 4) and np.allclose(dx[1, 1], 0.0), (
    "the gradient at a masked step should be exactly 0: padding must not train the model")
expected_row = np.array([0.4 - 1, 0.2, 0.2, 0.2]) / 3
assert np.allclose(dx[0, 0], expected_row), (
    f"dx[0, 0] should be (p - one_hot(y)) / 3 = {expected_row.round(4).tolist()}, got {dx[0, 0].round(4).tolist()}: "
    "divide by the number of unmasked steps")
loss_all, _ = temporal_softmax_loss(x, y)
assert np.isclose(loss_all, (np.log(2.5) + 3 * np.log(4.0)) / 4), "mask=None should count all N * T steps"
loss_none, dx_none = temporal_softmax_loss(x, y, np.zeros((2, 2)))
assert loss_none == 0 and np.all(dx_none == 0), "with no unmasked step the loss and gradient should be 0"
big, _ = temporal_softmax_loss(np.array([[[1000.0, 0.0], [0.0, -1000.0]]]), np.array([[0, 1]]))
assert np.isclose(big, 500.0), f"scores of +-1000 should give a finite loss of 500, got {big}: subtract the max"

rng = np.random.default_rng(6)
x = rng.standard_normal((3, 4, 5))
y = rng.integers(0, 5, size=(3, 4))
mask = np.array([[1, 1, 1, 1], [1, 1, 0, 0], [1, 0, 0, 0]], dtype=bool)
_, dx = temporal_softmax_loss(x, y, mask)
check_gradient(dx, numerical_gradient(lambda v: temporal_softmax_loss(v, y, mask)[0], x.copy()), "dx with a mask")
_, dx32 = temporal_softmax_loss(x.astype(np.float32), y, mask)
assert dx32.dtype == np.float32, f"float32 scores should give a float32 gradient, got {dx32.dtype}"
print("test_temporal_softmax_loss passed")

# %% [markdown]
# ## 4. A sequence classifier
#
# Put the pieces together: an RNN reads `x`, a temporal affine layer turns each state into $K$
# scores, and the masked loss compares them with the labels. The parameters are a dict
# `{"Wx": (D, H), "Wh": (H, H), "b": (H,), "Wy": (H, K), "by": (K,)}`. Besides the loss and the
# gradients, return the last hidden state `h[:, -1]`: that is what a caller carries on to the
# next chunk of a long sequence (section 7). The gradient of $h_0$ is not needed here.

# %% nbgrader={"grade": false, "grade_id": "rnn_loss", "locked": false, "schema_version": 3, "solution": true}
def rnn_loss(params, x, y, h0=None, mask=None):
    """Loss and gradients of the sequence classifier rnn -> temporal affine -> masked softmax.

    Inputs:
    - params: {"Wx": (D, H), "Wh": (H, H), "b": (H,), "Wy": (H, K), "by": (K,)}.
    - x: (N, T, D); y: (N, T) integer labels in 0..K-1.
    - h0: (N, H) initial state, or None for zeros.
    - mask: (N, T) or None, as in temporal_softmax_loss.

    Returns (loss, grads, h_last): the loss (a float), grads (a dict keyed like params) and the
    last hidden state h[:, -1], (N, H).
    """
    ### BEGIN SOLUTION
    if h0 is None:
        h0 = np.zeros((x.shape[0], params["Wh"].shape[0]), dtype=params["Wh"].dtype)
    h, rnn_cache = rnn_forward(x, h0, params["Wx"], params["Wh"], params["b"])  # (N, T, H)
    scores, fc_cache = temporal_affine_forward(h, params["Wy"], params["by"])  # (N, T, K)
    loss, dscores = temporal_softmax_loss(scores, y, mask)
    dh, dWy, dby = temporal_affine_backward(dscores, fc_cache)
    _, _, dWx, dWh, db = rnn_backward(dh, rnn_cache)
    grads = {"Wx": dWx, "Wh": dWh, "b": db, "Wy": dWy, "by": dby}
    return loss, grads, h[:, -1]
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_rnn_loss", "locked": true, "points": 3, "schema_version": 3, "solution": false}
# rnn_loss starts from h0, returns the last state, and its gradients match numerical ones with a mask
zero = {"Wx": np.zeros((2, 3)), "Wh": np.zeros((3, 3)), "b": np.zeros(3), "Wy": np.zeros((3, 4)), "by": np.zeros(4)}
result = rnn_loss(zero, np.ones((2, 5, 2)), np.zeros((2, 5), dtype=int))
assert isinstance(result, tuple) and len(result) == 3, "rnn_loss should return (loss, grads, h_last)"
loss, grads, h_last = result
assert np.isclose(loss, np.log(4.0)), f"all-zero weights give uniform scores: the loss should be log 4, got {loss}"
assert sorted(grads) == sorted(zero), f"grads should have the keys {sorted(zero)}, got {sorted(grads)}"
assert np.shape(h_last) == (2, 3), f"h_last should be the last state, shape (N, H) = (2, 3), got {np.shape(h_last)}"

rng = np.random.default_rng(7)
n, t_len, d, hidden, k = 3, 4, 2, 3, 3
params = {"Wx": rng.standard_normal((d, hidden)), "Wh": 0.6 * rng.standard_normal((hidden, hidden)),
          "b": rng.standard_normal(hidden), "Wy": rng.standard_normal((hidden, k)), "by": rng.standard_normal(k)}
x, y = rng.standard_normal((n, t_len, d)), rng.integers(0, k, size=(n, t_len))
h0 = rng.standard_normal((n, hidden))
mask = np.array([[1, 1, 1, 1], [1, 1, 1, 0], [1, 0, 0, 0]], dtype=bool)
loss, grads, h_last = rnn_loss(params, x, y, h0, mask)
h_check = h0
for t in range(t_len):
    h_check = np.tanh(x[:, t] @ params["Wx"] + h_check @ params["Wh"] + params["b"])
assert np.allclose(h_last, h_check), "h_last should be h[:, -1], the state after the last step, starting from h0"
loss_zero, _, _ = rnn_loss(params, x, y, None, mask)
assert not np.isclose(loss, loss_zero), "the loss should depend on h0: pass it to rnn_forward"
loss_all, _, _ = rnn_loss(params, x, y, h0)
assert not np.isclose(loss, loss_all), "the loss should depend on the mask: pass it on to temporal_softmax_loss"
for name in params:
    numeric = numerical_gradient(lambda v, name=name: rnn_loss(dict(params, **{name: v}), x, y, h0, mask)[0],
                                 params[name].copy())
    try:
        check_gradient(grads[name], numeric, f"grads['{name}']")
    except AssertionError as err:
        raise AssertionError(f"{err}. Backward in reverse order: temporal_softmax_loss's dscores, then "
                             "temporal_affine_backward, then rnn_backward; if a layer's test fails, "
                             "fix it first") from None
print("test_rnn_loss passed")

# %% [markdown]
# ## 5. Vanishing and exploding gradients
#
# How much does the state $h_t$ still influence $h_T$, $T - t$ steps later? By the chain rule,
#
# $$\frac{\partial h_T}{\partial h_t} = \prod_{s=t+1}^{T} \frac{\partial h_s}{\partial h_{s-1}}
#   = \prod_{s=t+1}^{T} \operatorname{diag}(1 - h_s^2)\, W_h^\top ,$$
#
# a product of $T - t$ matrices. The norm of a product is at most the product of the norms, the
# norm of $W_h^\top$ is its largest singular value $\sigma_{\max}$, and $0 < 1 - h_s^2 \le 1$, so
#
# $$\Big\| \frac{\partial h_T}{\partial h_t} \Big\| \le \sigma_{\max}^{\,T - t} .$$
#
# With $\sigma_{\max} < 1$ the influence of the past **vanishes** exponentially, and with it the
# gradient that could teach the network to use it. With $\sigma_{\max} > 1$ it *can* **explode**,
# as long as the tanh stays in its linear part ($h_s \approx 0$); when the states saturate
# ($|h_s| \to 1$) the factors $1 - h_s^2$ shrink it again.
#
# We measure it with your step functions: run the forward pass on $H$ copies of one sequence, then
# backpropagate the $H$ unit vectors $e_1, \dots, e_H$ as `dnext_h`. After $k$ steps back, row $i$
# of `dprev_h` is $e_i^\top \partial h_T / \partial h_{T-k}$, so the rows form the whole Jacobian,
# whose largest singular value we plot. $W_h$ is a random orthogonal matrix times $\rho$, so all
# its singular values (and its spectral radius) equal $\rho$. Two kinds of input: none at all
# ($x = 0$, the state stays at 0 and the tanh is exactly linear), and random inputs that push the
# states away from 0.

# %%
from threadpoolctl import threadpool_limits  # noqa: E402 - installed with scikit-learn; not needed for grading

threadpool_limits(1)  # one BLAS thread: on matrices this small, two threads on a busy machine mostly wait


def orthogonal(size, rng):
    """A random orthogonal matrix (all singular values 1)."""
    q, r = np.linalg.qr(rng.standard_normal((size, size)))
    return q * np.sign(np.diag(r))


def jacobian_norms(Wh, Wx, inputs):
    """||dh_T / dh_{T-k}|| (largest singular value) for k = 1..T, through your step functions.

    inputs: (T, D), one sequence; the batch holds H copies of it, one per unit vector."""
    hidden = Wh.shape[0]
    h, caches = np.zeros((hidden, hidden)), []
    for t in range(inputs.shape[0]):
        h, cache = rnn_step_forward(np.tile(inputs[t], (hidden, 1)), h, Wx, Wh, np.zeros(hidden))
        caches.append(cache)
    grad, norms = np.eye(hidden), []
    for cache in reversed(caches):
        _, grad, _, _, _ = rnn_step_backward(grad, cache)  # (H, H): row i is e_i^T dh_T / dh_t
        norms.append(np.linalg.norm(grad, 2))
    return np.array(norms)


hidden, t_len, d = 32, 60, 8
radii = (0.9, 1.0, 1.1)
norms = {}
for seed in range(3):
    rng = np.random.default_rng(seed)
    Q, Wx = orthogonal(hidden, rng), rng.standard_normal((d, hidden)) / np.sqrt(d)
    inputs = rng.standard_normal((t_len, d))
    for rho in radii:
        norms["no input", rho, seed] = jacobian_norms(rho * Q, Wx, np.zeros((t_len, d)))
        norms["random input", rho, seed] = jacobian_norms(rho * Q, Wx, inputs)

# %% [markdown]
# Each line is one seed (a different $W_h$ and input sequence); the dotted lines are the bound
# $\rho^{T-t}$.

# %%
if len(norms) != 2 * len(radii) * 3:
    raise NotImplementedError("the measurement above did not finish: it needs rnn_step_forward and rnn_step_backward")
fig, axes = plt.subplots(1, 2, figsize=(12, 4), sharey=True)
steps_back = np.arange(1, t_len + 1)
for ax, kind in zip(axes, ("no input", "random input")):
    for rho, color in zip(radii, ("tab:blue", "tab:gray", "tab:red")):
        for seed in range(3):
            ax.semilogy(steps_back, norms[kind, rho, seed], color=color, alpha=0.8,
                        label=f"$\\rho$ = {rho}" if seed == 0 else None)
        ax.semilogy(steps_back, rho ** steps_back, ":", color=color)
    ax.set_xlabel("steps back in time, T - t")
    ax.set_title(f"Gradient through time, {kind}")
    ax.legend()
axes[0].set_ylabel("largest singular value of dh_T / dh_t")
plt.tight_layout()
plt.show()
for rho in radii:
    final = [norms["random input", rho, s][-1] for s in range(3)]
    print(f"rho = {rho}: after {t_len} steps, no input {norms['no input', rho, 0][-1]:.2e}, "
          f"random input {min(final):.1e} .. {max(final):.1e} (3 seeds)")

# %% [markdown]
# Without input the tanh is linear at 0 and every line is exactly the bound: $0.9^{60} \approx
# 0.002$, $1.0^{60} = 1$, $1.1^{60} \approx 300$. With inputs the states move away from 0, every
# factor $1 - h_s^2$ is below 1, and even $\rho = 1.1$ loses the gradient over 60 steps, just
# more slowly than $\rho = 0.9$. In a vanilla RNN the gradient from far back is usually tiny;
# occasionally, while the states pass through the linear region with $\sigma_{\max} > 1$, it is
# huge. Both hurt: the first stops the network from learning long dependencies (section 8), the
# second throws the weights far away in one step (section 6).

# %% [markdown]
# ## 6. Gradient clipping
#
# A single huge gradient can undo a whole training run: one step of length $\eta \|g\|$ lands the
# weights in a region where the tanh units saturate, and the network may never recover. **Clipping
# by global norm** caps the length of the step and keeps its direction. With the gradients of all
# parameters $g_1, \dots, g_P$ seen as one long vector,
#
# $$\|g\| = \sqrt{\textstyle\sum_{p} \sum_{i} g_{p,i}^2}, \qquad
#   s = \begin{cases} \tau / \|g\| & \text{if } \|g\| > \tau \\ 1 & \text{otherwise} \end{cases}, \qquad
#   g_p \leftarrow s\, g_p ,$$
#
# the **same** scale $s$ for every parameter, so the update still points downhill along the same
# direction. (PyTorch's `clip_grad_norm_` divides by $\|g\| + 10^{-6}$; we divide by $\|g\|$.)
# **Clipping by value** instead clips each entry to $[-c, c]$ on its own: simpler, but it bends
# the direction of the update. Both functions return new arrays (the input dict and its arrays are
# left as they were) in the gradients' dtypes, and a number saying what they did: the scale $s$,
# or the fraction of entries that were clipped.

# %% nbgrader={"grade": false, "grade_id": "clip_grad_norm", "locked": false, "schema_version": 3, "solution": true}
def clip_grad_norm(grads, max_norm):
    """Scale all gradients by one number so that their global norm is at most max_norm.

    Inputs:
    - grads: dict {name: array}; not modified.
    - max_norm: the largest global norm allowed, > 0.

    Returns (clipped, scale): a new dict with the same keys, shapes and dtypes, and the float
    scale applied to every array: max_norm / norm if the global norm exceeds max_norm, else 1.0.
    """
    ### BEGIN SOLUTION
    norm = np.sqrt(sum(float(np.sum(np.square(g, dtype=np.float64))) for g in grads.values()))
    scale = max_norm / norm if norm > max_norm else 1.0
    return {name: g * g.dtype.type(scale) for name, g in grads.items()}, float(scale)
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_clip_grad_norm", "locked": true, "points": 2, "schema_version": 3, "solution": false}
# clip_grad_norm rescales all gradients by one scale from the global norm, only when it is too large
grads = {"W": np.array([[3.0, 0.0]]), "b": np.array([4.0])}  # global norm sqrt(9 + 16) = 5
result = clip_grad_norm(grads, 1.0)
assert isinstance(result, tuple) and len(result) == 2, "clip_grad_norm should return (clipped, scale)"
clipped, scale = result
assert np.isclose(scale, 0.2), (
    f"the global norm is sqrt(3^2 + 4^2) = 5, so the scale for max_norm = 1 should be 1/5, got {scale}: "
    "take the norm of all parameters together, sqrt of the sum of every squared entry")
assert np.allclose(clipped["W"], [[0.6, 0.0]]) and np.allclose(clipped["b"], [0.8]), (
    f"every gradient should be multiplied by the same 0.2, got W {clipped['W'].tolist()} and "
    f"b {clipped['b'].tolist()}: "
    "clipping each parameter to max_norm on its own changes the direction of the update")
assert np.array_equal(grads["W"], [[3.0, 0.0]]) and np.array_equal(grads["b"], [4.0]), (
    "clip_grad_norm changed the arrays it was given: return new arrays")
same, scale = clip_grad_norm(grads, 10.0)
assert scale == 1.0 and np.allclose(same["W"], grads["W"]), (
    f"a global norm of 5 is below max_norm = 10: nothing should change (scale 1), got scale {scale}")
g32 = {"W": np.full((2, 2), 3.0, dtype=np.float32)}
out32, _ = clip_grad_norm(g32, 1.0)
assert out32["W"].dtype == np.float32, f"float32 gradients should stay float32, got {out32['W'].dtype}"
print("test_clip_grad_norm passed")


# %% nbgrader={"grade": false, "grade_id": "clip_grad_value", "locked": false, "schema_version": 3, "solution": true}
def clip_grad_value(grads, clip_value):
    """Clip every gradient entry to [-clip_value, clip_value].

    Inputs:
    - grads: dict {name: array}; not modified.
    - clip_value: > 0.

    Returns (clipped, fraction): a new dict with the same keys, shapes and dtypes, and the
    fraction (a float in [0, 1]) of all entries, over all arrays, whose magnitude exceeded clip_value.
    """
    ### BEGIN SOLUTION
    total = sum(g.size for g in grads.values())
    over = sum(int(np.count_nonzero(np.abs(g) > clip_value)) for g in grads.values())
    clipped = {name: np.clip(g, -clip_value, clip_value).astype(g.dtype, copy=False) for name, g in grads.items()}
    return clipped, over / max(total, 1)
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_clip_grad_value", "locked": true, "points": 1, "schema_version": 3, "solution": false}
# clip_grad_value clips each entry to [-c, c] on both sides and counts the clipped entries
grads = {"W": np.array([[3.0, -0.5], [-2.0, 1.0]]), "b": np.array([0.25, -1.0])}
result = clip_grad_value(grads, 1.0)
assert isinstance(result, tuple) and len(result) == 2, "clip_grad_value should return (clipped, fraction)"
clipped, fraction = result
assert np.allclose(clipped["W"], [[1.0, -0.5], [-1.0, 1.0]]) and np.allclose(clipped["b"], [0.25, -1.0]), (
    f"entries should be clipped to [-1, 1] on both sides, got W {clipped['W'].tolist()}, b {clipped['b'].tolist()}")
assert np.isclose(fraction, 2 / 6), (
    f"2 of the 6 entries (3 and -2) exceed 1 in magnitude, so the fraction should be 1/3, got {fraction}: "
    "count over all arrays, and an entry equal to clip_value is not clipped")
assert np.array_equal(grads["W"], [[3.0, -0.5], [-2.0, 1.0]]), "clip_grad_value changed its input: return new arrays"
print("test_clip_grad_value passed")

# %% [markdown]
# ### Clipping at work
#
# We train your `rnn_loss` classifier on the recall task of section 8 (name the first of 20
# symbols) by plain SGD with a large learning rate, 0.3, three seeds, once without clipping and
# once with `clip_grad_norm` at $\tau = 1$. The recurrent weights start orthogonal ($\rho = 1$).

# %%
def sgd_run(seed, max_norm, steps=300, length=20, hidden=32, lr=0.3):
    """Train the classifier by SGD on the recall task; return the losses, gradient norms and accuracy."""
    rng = np.random.default_rng(seed)
    params = {"Wx": rng.standard_normal((8, hidden)) / np.sqrt(8), "Wh": orthogonal(hidden, rng),
              "b": np.zeros(hidden), "Wy": rng.standard_normal((hidden, 4)) / np.sqrt(hidden), "by": np.zeros(4)}
    losses, grad_norms = [], []
    for _ in range(steps):
        x, y, mask = recall(64, length, rng=rng)
        loss, grads, _ = rnn_loss(params, x, y, mask=mask)
        grad_norms.append(np.sqrt(sum(np.sum(g ** 2) for g in grads.values())))
        losses.append(loss)
        if max_norm is not None:
            grads, _ = clip_grad_norm(grads, max_norm)
        params = {name: p - lr * grads[name] for name, p in params.items()}
    x, y, mask = recall(1000, length, rng=10_000 + seed)
    scores = temporal_affine_forward(rnn_forward(x, np.zeros((1000, hidden)), params["Wx"], params["Wh"],
                                                 params["b"])[0], params["Wy"], params["by"])[0]
    return np.array(losses), np.array(grad_norms), np.mean(scores[:, -1].argmax(axis=1) == y[:, -1])


start = time.perf_counter()
clip_runs = {}
with np.errstate(over="ignore"):
    for max_norm in (None, 1.0):
        for seed in range(3):
            clip_runs[max_norm, seed] = sgd_run(seed, max_norm)
print(f"6 runs in {time.perf_counter() - start:.1f} s")


def smooth(values, width=10):
    """Moving average, to read a loss curve through the mini-batch noise."""
    return np.convolve(values, np.ones(width) / width, mode="valid")


# %%
if len(clip_runs) != 6:
    raise NotImplementedError("the runs above did not finish: they need rnn_loss and clip_grad_norm")
fig, axes = plt.subplots(1, 2, figsize=(12, 4))
for (max_norm, seed), (losses, grad_norms, acc) in clip_runs.items():
    color = "tab:red" if max_norm is None else "tab:blue"
    label = (f"{'no clipping' if max_norm is None else 'clipped at 1'}" if seed == 0 else None)
    axes[0].plot(smooth(losses), color=color, label=label)
    axes[1].semilogy(grad_norms, color=color, alpha=0.7, label=label)
axes[0].axhline(np.log(4), color="k", linestyle=":", label="guessing, log 4")
axes[0].set_xlabel("SGD step (batch of 64)")
axes[0].set_ylabel("loss (moving average of 10)")
axes[0].set_title("Training loss, learning rate 0.3")
axes[1].axhline(1.0, color="k", linestyle=":", label="max_norm = 1")
axes[1].set_xlabel("SGD step (batch of 64)")
axes[1].set_ylabel("global gradient norm before clipping")
axes[1].set_title("Gradient norm")
for ax in axes:
    ax.legend()
plt.tight_layout()
plt.show()
for max_norm in (None, 1.0):
    accs = [clip_runs[max_norm, s][2] for s in range(3)]
    print(f"{'no clipping ' if max_norm is None else 'clipped at 1'}: test accuracy "
          f"{np.mean(accs):.3f} (seeds: {', '.join(f'{a:.3f}' for a in accs)})")

# %% [markdown]
# Without clipping the loss never settles: two seeds bounce around or above the level of guessing
# and the third stalls near 0.9, with gradient norms between 1 and 10 at most steps and spikes of
# $10^2$ to $10^4$ (the norm is drawn before clipping). Each such step moves the weights by
# $0.3\,\|g\|$, far beyond where the gradient was measured, often into a region where the tanh
# units saturate and the gradient is flat. With clipping the early norms are just as large, but
# no update moves the weights by more than $0.3 \times 1$, and all three seeds solve the
# task. Clipping is a safety belt for rare huge gradients; it does nothing for vanishing ones.

# %% [markdown]
# ## 7. Truncated backpropagation through time
#
# A text of a million characters is one long sequence. Backpropagating through all of it would
# need the states of every step in memory and would make one update per pass. **Truncated BPTT**
# cuts the sequence into chunks of `chunk_len` steps (the last chunk may be shorter) and makes one
# update per chunk:
#
# - the **forward** pass of a chunk starts from the state the previous chunk ended in (the
#   state is **carried**; the first chunk starts from `h0`), so the model still reads the whole
#   past;
# - the **backward** pass stops at the chunk's start: the gradient with respect to the carried
#   state is thrown away, never pushed into the previous chunk, whose update is already done.
#
# In PyTorch the second point is `h = h.detach()` between chunks; with your functions it is what
# `rnn_loss` already does (it ignores `dh0`), as long as you call it once per chunk. So the model
# can *use* information older than `chunk_len` steps, but the gradient can only *teach* it to keep
# information for up to `chunk_len` steps.
#
# Write `truncated_bptt` with your `rnn_loss` and a plain SGD step per chunk, $\theta \leftarrow
# \theta - \eta\, \partial L_{\text{chunk}} / \partial \theta$, every step of every chunk counting
# (no mask). `utils.rnn.tbptt_train` is the general version (any model, any update rule, clipping);
# 14_language_model trains with it.

# %% nbgrader={"grade": false, "grade_id": "truncated_bptt", "locked": false, "schema_version": 3, "solution": true}
def truncated_bptt(params, x, y, h0, chunk_len, learning_rate):
    """Train the classifier on long sequences by truncated BPTT, one SGD step per chunk.

    Inputs:
    - params: as in rnn_loss; not modified.
    - x: (N, T, D); y: (N, T) integer labels.
    - h0: (N, H) the state before step 1.
    - chunk_len: steps per chunk (>= 1); the last chunk holds what is left.
    - learning_rate: SGD step size.

    Returns (params, h, losses): a new dict of the parameters after the last update; h (N, H), the
    state after the last step of x; losses, a float64 array with each chunk's loss (before its update).
    """
    ### BEGIN SOLUTION
    params, h, losses = dict(params), h0, []
    for start in range(0, x.shape[1], chunk_len):
        stop = start + chunk_len
        loss, grads, h = rnn_loss(params, x[:, start:stop], y[:, start:stop], h)  # h carried, dh0 dropped
        params = {name: p - learning_rate * grads[name] for name, p in params.items()}
        losses.append(loss)
    return params, h, np.array(losses, dtype=np.float64)
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_truncated_bptt", "locked": true, "points": 3, "schema_version": 3, "solution": false}
# truncated_bptt makes one update per chunk, carries the state forward and stops the gradient at
# each chunk boundary
rng = np.random.default_rng(8)
n, t_len, d, hidden, k = 2, 7, 3, 4, 3
params = {"Wx": rng.standard_normal((d, hidden)), "Wh": 0.5 * rng.standard_normal((hidden, hidden)),
          "b": 0.5 * rng.standard_normal(hidden), "Wy": rng.standard_normal((hidden, k)),
          "by": 0.5 * rng.standard_normal(k)}
x, y = rng.standard_normal((n, t_len, d)), rng.integers(0, k, size=(n, t_len))
h0 = rng.standard_normal((n, hidden))
saved = {name: p.copy() for name, p in params.items()}
result = truncated_bptt(params, x, y, h0, 3, 0.1)
assert isinstance(result, tuple) and len(result) == 3, "truncated_bptt should return (params, h, losses)"
new_params, h, losses = result
assert all(np.array_equal(params[name], saved[name]) for name in params), (
    "truncated_bptt changed the params it was given: build new arrays, p - learning_rate * g")
assert np.shape(losses) == (3,), (
    f"T = 7 in chunks of 3 gives 3 chunks (3, 3 and 1 steps), so 3 losses, got shape {np.shape(losses)}: "
    "the last, shorter chunk counts too")

# the same thing by hand: chunk after chunk, each starting from the state the previous one ended in
expected, state = dict(params), h0
for start, stop in ((0, 3), (3, 6), (6, 7)):
    loss, grads, state = rnn_loss(expected, x[:, start:stop], y[:, start:stop], state)
    expected = {name: p - 0.1 * grads[name] for name, p in expected.items()}
assert np.allclose(h, state), "h should be the state after the last step, carried through every chunk"
# the first chunk's update: its gradient comes from steps 1-3 only
loss, grads, h3 = rnn_loss(params, x[:, :3], y[:, :3], h0)
assert np.isclose(losses[0], loss), "the first loss should be rnn_loss on the first chunk, starting from h0"
after_one = {name: p - 0.1 * grads[name] for name, p in params.items()}
loss2, _, _ = rnn_loss(after_one, x[:, 3:6], y[:, 3:6], h3)
assert np.isclose(losses[1], loss2), (
    "the second chunk's loss should use the parameters after the first update and start from the state the "
    "first chunk ended in (carry h forward; do not restart from h0)")
for name in params:
    assert np.allclose(new_params[name], expected[name]), (
        f"params['{name}'] after three chunks differs from one SGD step per chunk with rnn_loss on that chunk "
        "alone: each chunk's backward pass must stop at its own first step, and each chunk updates once")
print("test_truncated_bptt passed")

# %% [markdown]
# ## 8. How far back can your RNN remember?
#
# The **recall task** (`utils.sequences.recall`): the first step shows one of 4 symbols, the next
# `length - 1` steps show random distractors (4 other symbols), and at the last step the network
# must name the first symbol. The mask is 1 only at the last step, so your masked loss scores only
# the answer. Guessing gets 25%; to do better the cue must survive `length - 1` updates of the
# state, and the gradient that teaches the network to keep it must survive the same number of
# steps back.
#
# For each length we train 3 networks (seeds) with 32 hidden units, Adam (learning rate 0.003),
# clipping at norm 1, 300 batches of 64 fresh sequences, and measure the accuracy on 1,000 new
# sequences.

# %%
def train_recall(length, seed, steps=300, hidden=32, batch=64):
    """Train your classifier on the recall task; return the accuracy on 1,000 new sequences."""
    rng = np.random.default_rng(seed)
    params = {"Wx": rng.standard_normal((8, hidden)) / np.sqrt(8), "Wh": orthogonal(hidden, rng),
              "b": np.zeros(hidden), "Wy": rng.standard_normal((hidden, 4)) / np.sqrt(hidden), "by": np.zeros(4)}
    configs = {name: {"learning_rate": 3e-3} for name in params}
    for _ in range(steps):
        x, y, mask = recall(batch, length, rng=rng)
        _, grads, _ = rnn_loss(params, x, y, mask=mask)
        grads, _ = clip_grad_norm(grads, 1.0)
        for name in params:
            params[name], configs[name] = adam(params[name], grads[name], configs[name])
    x, y, mask = recall(1000, length, rng=10_000 + seed)
    h, _ = rnn_forward(x, np.zeros((1000, hidden)), params["Wx"], params["Wh"], params["b"])
    scores, _ = temporal_affine_forward(h[:, -1:], params["Wy"], params["by"])  # only the last step is scored
    return np.mean(scores[:, 0].argmax(axis=1) == y[:, -1])


lengths = (5, 10, 20, 30, 40, 60)
start = time.perf_counter()
recall_acc = np.full((len(lengths), 3), np.nan)  # (lengths, seeds)
for i, length in enumerate(lengths):
    for seed in range(3):
        recall_acc[i, seed] = train_recall(length, seed)
print(f"{recall_acc.size} runs in {time.perf_counter() - start:.1f} s")
for length, accs in zip(lengths, recall_acc):
    print(f"length {length:>2}: accuracy {accs.mean():.3f} (seeds: {', '.join(f'{a:.3f}' for a in accs)})")

# %%
if np.isnan(recall_acc).any():
    raise NotImplementedError("the runs above did not finish: they need rnn_loss, clip_grad_norm and your layers")
fig, ax = plt.subplots(figsize=(6.5, 4))
for seed in range(3):
    ax.plot(lengths, recall_acc[:, seed], "o", color="tab:blue", alpha=0.5, label="one seed" if seed == 0 else None)
ax.plot(lengths, recall_acc.mean(axis=1), "-", color="tab:blue", label="mean of 3 seeds")
ax.axhline(0.25, color="k", linestyle=":", label="guessing (4 symbols)")
ax.set_xlabel("sequence length (steps between the cue and the answer + 1)")
ax.set_ylabel("test accuracy")
ax.set_ylim(0, 1.05)
ax.set_title("Recall with a vanilla RNN")
ax.legend()
plt.show()

# %% [markdown]
# Up to 20 steps every network names the cue perfectly; at 30 steps two of the three stay at
# guessing and one reaches about 50%; at 40 and 60 steps all three guess. A tanh RNN could hold a
# symbol that long in principle (large recurrent weights can make a few states stable), but the
# gradient that would teach it to do so has to travel back through every step, and section 5
# showed how that goes. Assignment 12 gives the state a path that the gradient can travel without
# shrinking: the LSTM's cell and the GRU's gate, compared with this RNN on the same task.

# %% [markdown]
# **Question 1.** Clipping by global norm and clipping by value both bound the update. Take the
# gradient $g = (10, 0.1)$ and a bound of 1 (norm $\tau = 1$, value $c = 1$). What update direction
# does each produce, and why does that matter for gradient descent? (Three to five sentences.)

# %% [markdown] nbgrader={"grade": true, "grade_id": "q_clipping", "locked": false, "points": 1, "schema_version": 3, "solution": true}
# ### BEGIN SOLUTION
# The global norm is $\sqrt{100.01} \approx 10.0$, so norm clipping multiplies by about $0.1$ and
# gives $(0.99995, 0.0099995)$: the same direction as $g$, only shorter. Value clipping gives
# $(1, 0.1)$: the first entry was cut by a factor of 10 and the second not at all, so the direction
# turned by about 5 degrees and the small coordinate now weighs ten times more than the gradient
# says. Every entry keeps its sign, so the step still goes downhill, but no longer along the
# steepest direction; with many parameters the clipped vector can point far from the gradient, and
# how far depends on the arbitrary threshold $c$. Norm clipping only shortens the step, which is
# what a smaller learning rate would have done for this one step.
# ### END SOLUTION

# %% [markdown]
# **Question 2.** You train a language model by truncated BPTT with chunks of 50 characters,
# carrying the state. Can it learn that a quote opened 200 characters ago must be closed? Can it
# *use* such information if it happens to keep it? Explain with the forward and the backward pass.
# (Three to five sentences.)

# %% [markdown] nbgrader={"grade": true, "grade_id": "q_truncation", "locked": false, "points": 1, "schema_version": 3, "solution": true}
# ### BEGIN SOLUTION
# Using it is possible: the state is carried from chunk to chunk, so the forward pass at the closing
# position depends on everything read before, including the opening quote 200 characters back. But
# the gradient of the loss at the closing position stops at the start of its chunk, at most 50 steps
# back; no update ever gets a signal saying "keep the fact that a quote is open, it will matter in
# 200 steps", so the network is not taught to store it. It can still learn it indirectly if keeping
# the information is useful within 50 steps (a quote that is often closed soon), and the stored bit
# then happens to survive longer. Longer chunks (or an architecture whose state decays slowly)
# are what teaches longer dependencies.
# ### END SOLUTION

# %% [markdown]
# ## 9. Wrap-up
#
# You wrote a vanilla RNN step and layer with backpropagation through time (the gradient of each
# state is its own plus what flows back from the next step, and shared weights sum their
# gradients), outputs and a masked loss at every step, a sequence classifier, gradient clipping by
# norm and by value, and truncated BPTT. You saw that $\partial h_T / \partial h_t$ is bounded by
# $\sigma_{\max}^{T - t}$, that clipping rescues training from gradient spikes, and that a vanilla
# RNN trained this way stops learning to remember between 20 and 30 steps back.
#
# From now on these live in `utils.rnn` (`rnn_step_forward`, `rnn_step_backward`, `rnn_forward`,
# `rnn_backward`, `rnn_loss`, `truncated_bptt` and the general `tbptt_train`), `utils.temporal`
# (`temporal_affine_forward`, `temporal_affine_backward`, `temporal_softmax_loss`) and
# `utils.clipping` (`clip_grad_norm`, `clip_grad_value`); the tasks are in `utils.sequences`.
