# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Assignment 12: LSTM and GRU, forward and backward, and how long they remember
#
# Assignment 11 ended with a vanilla RNN that names a symbol seen 20 steps ago but guesses at 30.
# Its state is rewritten at every step, $h_t = \tanh(x_t W_x + h_{t-1} W_h + b)$, so the gradient
# that should teach it to keep something is multiplied by $\operatorname{diag}(1 - h_s^2) W_h^\top$
# once per step and fades. **Gated** networks change that: their state is updated by *adding* to it
# under the control of gates, numbers in $(0, 1)$ the network computes from its input, so keeping
# a memory is the default, and the gradient can travel back along the memory without shrinking.
#
# You will write, all in numpy:
#
# 1. `lstm_step_forward` and `lstm_step_backward`: one step of a **long short-term memory** (LSTM);
# 2. `lstm_forward` and `lstm_backward`: the layer over time, with the initial and the final **cell
#    state** and their gradients;
# 3. `gru_step_forward`, `gru_step_backward`, `gru_forward` and `gru_backward`: the **gated recurrent
#    unit** (GRU), exactly as PyTorch defines it;
# 4. `bidirectional_forward` and `bidirectional_backward`: any of the three layers (RNN, LSTM, GRU)
#    run both ways over padded sequences.
#
# Then you measure how far back each network remembers, at equal numbers of parameters, and watch
# an LSTM's gates while it remembers.
#
# **How to check your work.** Run each function's cell, then the test cell under it: a passing test
# prints a line ending in `passed`; a failing one says what it expected, what came back and where to
# look. The grader runs hidden tests on other inputs (one step, one sequence, large values, float32,
# masks), compares your outputs with the reference on them, and checks every backward pass against
# a numerical gradient of *your own* forward pass.
#
# **Shapes**, as in assignment 11: $N$ sequences, $T$ steps, $D$ input features, $H$ hidden units;
# batch-first, `x` is `(N, T, D)` and the states `(N, T, H)`; padding at the end of shorter
# sequences, with a mask `(N, T)` that is True on real steps.

# %% nbgrader={"grade": false, "grade_id": "setup", "locked": true, "schema_version": 3, "solution": false}
import time

import matplotlib.pyplot as plt
import numpy as np

from utils.clipping import clip_grad_norm
from utils.gradcheck import check_gradient, numerical_gradient
from utils.layers import sigmoid
from utils.optim import adam
from utils.rnn import rnn_backward, rnn_forward
from utils.sequences import recall
from utils.temporal import temporal_affine_backward, temporal_affine_forward, temporal_softmax_loss

# %% [markdown]
# ## 1. One LSTM step
#
# An LSTM carries two vectors from step to step: the **cell state** $c_t$, its memory, and the
# **hidden state** $h_t$, what it shows (to the next step and to the layers above). From the input
# $x_t$ and the previous hidden state it computes four vectors of size $H$ with **one** matrix
# product, $a = x_t W_x + h_{t-1} W_h + b$ with $W_x \in \mathbb{R}^{D \times 4H}$,
# $W_h \in \mathbb{R}^{H \times 4H}$, $b \in \mathbb{R}^{4H}$, whose four blocks of $H$ columns are,
# **in this order**,
#
# | block | columns | gate | activation | role |
# |---|---|---|---|---|
# | $i$ | `0:H` | input | sigmoid | how much of the candidate to write |
# | $f$ | `H:2H` | forget | sigmoid | how much of the old memory to keep |
# | $g$ | `2H:3H` | cell candidate | tanh | what to write |
# | $o$ | `3H:4H` | output | sigmoid | how much of the memory to show |
#
# $$c_t = f \odot c_{t-1} + i \odot g, \qquad h_t = o \odot \tanh(c_t).$$
#
# This is PyTorch's order `i, f, g, o`: `torch.nn.LSTM` stores `weight_ih_l0` $= W_x^\top$,
# `weight_hh_l0` $= W_h^\top$, and two biases whose sum is $b$. (CS231n's order is `i, f, o, g`;
# the blocks of weights from one source must be reordered before they are used with the other.)
# With $f \approx 1$ and $i \approx 0$ the memory passes a step unchanged, whatever $W_h$ is: that
# is the whole trick. Use `sigmoid` (imported from `utils.layers`, stable for any input) and
# `np.tanh`, and keep the inputs' dtype.

# %% nbgrader={"grade": false, "grade_id": "lstm_step_forward", "locked": false, "schema_version": 3, "solution": true}
def lstm_step_forward(x, prev_h, prev_c, Wx, Wh, b):
    """Run one LSTM step on a batch.

    Inputs:
    - x: (N, D) this step's inputs.
    - prev_h, prev_c: (N, H) the previous hidden and cell states.
    - Wx: (D, 4H), Wh: (H, 4H), b: (4H,), gate blocks in the order i, f, g, o.

    Returns (next_h, next_c, cache): next_h and next_c (N, H), in the inputs' dtype; cache, whatever
    lstm_step_backward needs.
    """
    ### BEGIN SOLUTION
    hidden = prev_h.shape[1]
    a = x @ Wx + prev_h @ Wh + b  # (N, 4H), blocks i, f, g, o
    i, f = sigmoid(a[:, :hidden]), sigmoid(a[:, hidden:2 * hidden])
    g, o = np.tanh(a[:, 2 * hidden:3 * hidden]), sigmoid(a[:, 3 * hidden:])
    next_c = f * prev_c + i * g
    next_h = o * np.tanh(next_c)
    return next_h, next_c, (x, prev_h, prev_c, Wx, Wh, i, f, g, o, next_c)
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_lstm_step_forward", "locked": true, "points": 2, "schema_version": 3, "solution": false}
# lstm_step_forward gives hand-computed values with the gates in the order i, f, g, o, has shape
# (N, H) and keeps float32
b = np.array([np.log(3.0), -np.log(3.0), 0.5, 0.0])  # H = 1: i = 3/4, f = 1/4, g = tanh(1/2), o = 1/2
zeros = np.zeros((1, 4))
result = lstm_step_forward(np.zeros((1, 1)), np.zeros((1, 1)), np.array([[2.0]]), zeros, zeros, b)
assert isinstance(result, tuple) and len(result) == 3, "lstm_step_forward should return (next_h, next_c, cache)"
next_h, next_c, _ = result
expected_c = 0.25 * 2.0 + 0.75 * np.tanh(0.5)
assert np.shape(next_c) == (1, 1) and np.shape(next_h) == (1, 1), (
    f"next_h and next_c should have shape (N, H) = (1, 1), got {np.shape(next_h)} and {np.shape(next_c)}")
assert np.isclose(next_c[0, 0], expected_c), (
    f"with i = 3/4, f = 1/4, g = tanh(1/2) and prev_c = 2, next_c should be f * prev_c + i * g = {expected_c:.4f}, "
    f"got {float(next_c[0, 0]):.4f}: the blocks of a are i, f, g, o in this order, and f multiplies the old memory")
assert np.isclose(next_h[0, 0], 0.5 * np.tanh(expected_c)), (
    f"next_h should be o * tanh(next_c) = {0.5 * np.tanh(expected_c):.4f}, got {float(next_h[0, 0]):.4f}")

rng = np.random.default_rng(0)
x, prev_h, prev_c = rng.standard_normal((4, 3)), rng.standard_normal((4, 5)), rng.standard_normal((4, 5))
Wx, Wh, b = rng.standard_normal((3, 20)), rng.standard_normal((5, 20)), rng.standard_normal(20)
next_h, next_c, _ = lstm_step_forward(x, prev_h, prev_c, Wx, Wh, b)
assert np.shape(next_h) == (4, 5) and np.shape(next_c) == (4, 5), (
    f"with N = 4, D = 3, H = 5, both states should be (4, 5), got {np.shape(next_h)} and {np.shape(next_c)}")
assert np.all(np.abs(next_h) < 1), "every entry of next_h = o * tanh(c) should lie in (-1, 1)"
other_h, _, _ = lstm_step_forward(x, np.zeros((4, 5)), prev_c, Wx, Wh, b)
assert not np.allclose(other_h, next_h), "next_h should change when prev_h changes: add prev_h @ Wh"
h32, c32, _ = lstm_step_forward(*(v.astype(np.float32) for v in (x, prev_h, prev_c, Wx, Wh, b)))
assert h32.dtype == np.float32 and c32.dtype == np.float32, (
    f"float32 inputs should give float32 states, got {h32.dtype} and {c32.dtype}")
print("test_lstm_step_forward passed")

# %% [markdown]
# ### Its backward pass
#
# The step has two outputs, so the backward pass gets two upstream gradients, `dnext_h`
# $= \partial L/\partial h_t$ and `dnext_c` $= \partial L/\partial c_t$ (what the next step sends
# back through its $c_{t-1}$). The cell state reaches the loss directly and through $h_t$, so its
# total gradient is
#
# $$\delta c = \texttt{dnext\_c} + \texttt{dnext\_h} \odot o \odot \big(1 - \tanh^2(c_t)\big).$$
#
# From there, one gate at a time (the slope of the sigmoid is $s(1-s)$, of the tanh $1 - g^2$):
#
# $$\delta a_i = \delta c \odot g \odot i(1-i), \quad \delta a_f = \delta c \odot c_{t-1} \odot f(1-f),
#   \quad \delta a_g = \delta c \odot i \odot (1 - g^2), \quad
#   \delta a_o = \texttt{dnext\_h} \odot \tanh(c_t) \odot o(1-o),$$
#
# and $\partial L / \partial c_{t-1} = \delta c \odot f$: the memory's gradient goes back multiplied
# by the forget gate only, no weight matrix and no squashing in between. Put the four blocks side
# by side in the order i, f, g, o as $\delta a \in \mathbb{R}^{N \times 4H}$; then, as for the RNN,
# $dx = \delta a W_x^\top$, $dh_{t-1} = \delta a W_h^\top$, $dW_x = x^\top \delta a$,
# $dW_h = h_{t-1}^\top \delta a$ and $db = \sum_n \delta a_n$.

# %% nbgrader={"grade": false, "grade_id": "lstm_step_backward", "locked": false, "schema_version": 3, "solution": true}
def lstm_step_backward(dnext_h, dnext_c, cache):
    """Backward pass of lstm_step_forward.

    Inputs:
    - dnext_h, dnext_c: (N, H) gradients of the loss with respect to next_h and next_c.
    - cache: from lstm_step_forward.

    Returns (dx, dprev_h, dprev_c, dWx, dWh, db): (N, D), (N, H), (N, H), (D, 4H), (H, 4H), (4H,).
    """
    ### BEGIN SOLUTION
    x, prev_h, prev_c, Wx, Wh, i, f, g, o, next_c = cache
    tanh_c = np.tanh(next_c)
    dc = dnext_c + dnext_h * o * (1 - tanh_c ** 2)  # (N, H) both ways c_t reaches the loss
    da = np.concatenate([dc * g * i * (1 - i), dc * prev_c * f * (1 - f), dc * i * (1 - g ** 2),
                         dnext_h * tanh_c * o * (1 - o)], axis=1)  # (N, 4H), blocks i, f, g, o
    return da @ Wx.T, da @ Wh.T, dc * f, x.T @ da, prev_h.T @ da, da.sum(axis=0)
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_lstm_step_backward", "locked": true, "points": 3, "schema_version": 3, "solution": false}
# lstm_step_backward carries the cell gradient through the forget gate and matches numerical
# gradients of lstm_step_forward with gradients on both outputs
b = np.array([np.log(3.0), -np.log(3.0), 0.5, 0.0])  # i = 3/4, f = 1/4, g = tanh(1/2), o = 1/2
_, _, cache = lstm_step_forward(np.zeros((1, 1)), np.zeros((1, 1)), np.array([[2.0]]), np.zeros((1, 4)),
                                np.zeros((1, 4)), b)
grads = lstm_step_backward(np.zeros((1, 1)), np.array([[1.0]]), cache)
assert isinstance(grads, tuple) and len(grads) == 6, (
    "lstm_step_backward should return (dx, dprev_h, dprev_c, dWx, dWh, db)")
assert np.isclose(grads[2][0, 0], 0.25), (
    f"with dnext_c = 1, dnext_h = 0 and f = 1/4, dprev_c should be dnext_c * f = 0.25, got {float(grads[2][0, 0])}: "
    "the old memory enters next_c only through f * prev_c")

rng = np.random.default_rng(1)
arrays = {"x": rng.standard_normal((3, 2)), "prev_h": rng.standard_normal((3, 4)),
          "prev_c": rng.standard_normal((3, 4)), "Wx": 0.5 * rng.standard_normal((2, 16)),
          "Wh": 0.5 * rng.standard_normal((4, 16)), "b": 0.5 * rng.standard_normal(16)}
dnext_h, dnext_c = rng.standard_normal((3, 4)), rng.standard_normal((3, 4))
_, _, cache = lstm_step_forward(**arrays)
for (name, value), grad in zip(arrays.items(), lstm_step_backward(dnext_h, dnext_c, cache)):
    def step_loss(v, name=name):
        next_h, next_c, _ = lstm_step_forward(**dict(arrays, **{name: v}))
        return np.sum(next_h * dnext_h) + np.sum(next_c * dnext_c)

    try:
        check_gradient(grad, numerical_gradient(step_loss, value.copy()), f"d{name}")
    except AssertionError as err:
        raise AssertionError(f"{err}. The cell's gradient is dnext_c + dnext_h * o * (1 - tanh(next_c)**2); then "
                             "each gate's pre-activation gets its share times the slope of its own activation, "
                             "in the block order i, f, g, o") from None
print("test_lstm_step_backward passed")

# %% [markdown]
# ## 2. The LSTM layer over time
#
# Run the step $T$ times from $(h_0, c_0)$, as for the RNN, and return the hidden states
# $h_1, \dots, h_T$ as `(N, T, H)` and the **final cell state** $c_T$: the cell states of the
# other steps are internal, but $c_T$ is what a caller needs to go on reading the same sequence
# later (truncated BPTT in assignment 14 carries $(h_T, c_T)$ from chunk to chunk, and
# `c0=None` means a zero memory).
#
# Backward, walk $t = T, \dots, 1$ carrying **two** gradients: `dprev_h` is added to `dh[:, t]`
# as for the RNN, and `dprev_c` becomes the next (earlier) step's `dnext_c`. A gradient on the
# final hidden state $h_T$ arrives in `dh[:, -1]`; one on the final cell state, `dc_last`, is
# where the walk starts (zeros when None). The last `dprev_h` and `dprev_c` are the gradients of
# $h_0$ and $c_0$. Use your step functions. (`utils.lstm` does the same faster: the input
# projection of all $T$ steps is one product before the loop.)

# %% nbgrader={"grade": false, "grade_id": "lstm_forward", "locked": false, "schema_version": 3, "solution": true}
def lstm_forward(x, h0, c0, Wx, Wh, b):
    """Run an LSTM over a batch of whole sequences.

    Inputs:
    - x: (N, T, D) inputs, batch-first.
    - h0: (N, H) the initial hidden state; c0: (N, H) the initial cell state, or None for zeros.
    - Wx: (D, 4H), Wh: (H, 4H), b: (4H,), gate blocks i, f, g, o.

    Returns (h, c_last, cache): h (N, T, H) the hidden states after steps 1..T; c_last (N, H) the
    cell state after step T; both in the inputs' dtype; cache, whatever lstm_backward needs.
    """
    ### BEGIN SOLUTION
    n, t_len, _ = x.shape
    h = np.empty((n, t_len, Wh.shape[0]), dtype=np.result_type(x, h0, Wx, Wh, b))
    prev_h, prev_c = h0, (np.zeros_like(h0) if c0 is None else c0)
    caches = []
    for t in range(t_len):
        prev_h, prev_c, step_cache = lstm_step_forward(x[:, t], prev_h, prev_c, Wx, Wh, b)  # (N, H) each
        h[:, t] = prev_h
        caches.append(step_cache)
    return h, prev_c, caches
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_lstm_forward", "locked": true, "points": 2, "schema_version": 3, "solution": false}
# lstm_forward runs the step from (h0, c0), returns every h and the last c, and is batch-first
rng = np.random.default_rng(2)
x, h0, c0 = rng.standard_normal((2, 4, 3)), rng.standard_normal((2, 5)), rng.standard_normal((2, 5))
Wx, Wh, b = 0.5 * rng.standard_normal((3, 20)), 0.5 * rng.standard_normal((5, 20)), rng.standard_normal(20)
result = lstm_forward(x, h0, c0, Wx, Wh, b)
assert isinstance(result, tuple) and len(result) == 3, "lstm_forward should return (h, c_last, cache)"
h, c_last, _ = result
assert np.shape(h) == (2, 4, 5) and np.shape(c_last) == (2, 5), (
    f"with N = 2, T = 4, H = 5, h should be (2, 4, 5) and c_last (2, 5), got {np.shape(h)} and {np.shape(c_last)}")
step_h, step_c = h0, c0
for t in range(4):
    step_h, step_c, _ = lstm_step_forward(x[:, t], step_h, step_c, Wx, Wh, b)
    assert np.allclose(h[:, t], step_h), (
        f"h[:, {t}] differs from running lstm_step_forward {t + 1} times from (h0, c0): feed each step's "
        "(next_h, next_c) to the next step, and step through x[:, t] (batch-first)")
assert np.allclose(c_last, step_c), "c_last should be the cell state after the last step"
h_none, c_none, _ = lstm_forward(x, h0, None, Wx, Wh, b)
h_zero, _, _ = lstm_forward(x, h0, np.zeros((2, 5)), Wx, Wh, b)
assert np.allclose(h_none, h_zero), "c0=None should mean an all-zero initial cell state"
first, c_first, _ = lstm_forward(x[:, :2], h0, c0, Wx, Wh, b)
second, c_second, _ = lstm_forward(x[:, 2:], first[:, -1], c_first, Wx, Wh, b)
assert np.allclose(second, h[:, 2:]) and np.allclose(c_second, c_last), (
    "two halves, the second starting from the first's (h[:, -1], c_last), should give the same states as one pass")
h32, c32, _ = lstm_forward(*(v.astype(np.float32) for v in (x, h0, c0, Wx, Wh, b)))
assert h32.dtype == np.float32 and c32.dtype == np.float32, (
    f"float32 inputs should give float32 h and c_last, got {h32.dtype} and {c32.dtype}")
print("test_lstm_forward passed")


# %% nbgrader={"grade": false, "grade_id": "lstm_backward", "locked": false, "schema_version": 3, "solution": true}
def lstm_backward(dh, cache, dc_last=None):
    """Backpropagation through time for lstm_forward.

    Inputs:
    - dh: (N, T, H) the gradient of the loss with respect to each hidden state through its direct
      use at that step (what flows back from later steps is for you to add).
    - cache: from lstm_forward.
    - dc_last: (N, H) the gradient with respect to c_last, or None for zeros.

    Returns (dx, dh0, dc0, dWx, dWh, db): (N, T, D), (N, H), (N, H), (D, 4H), (H, 4H), (4H,).
    """
    ### BEGIN SOLUTION
    caches = cache
    n, t_len, _ = dh.shape
    Wx, Wh = caches[0][3], caches[0][4]
    dx = np.empty((n, t_len, Wx.shape[0]), dtype=dh.dtype)
    dWx, dWh, db = np.zeros_like(Wx), np.zeros_like(Wh), np.zeros(Wh.shape[1], dtype=Wh.dtype)
    dprev_h = np.zeros_like(dh[:, 0])
    dprev_c = np.zeros_like(dh[:, 0]) if dc_last is None else dc_last
    for t in range(t_len - 1, -1, -1):
        dx[:, t], dprev_h, dprev_c, dWx_t, dWh_t, db_t = lstm_step_backward(dh[:, t] + dprev_h, dprev_c, caches[t])
        dWx += dWx_t  # shared weights: sum over the steps
        dWh += dWh_t
        db += db_t
    return dx, dprev_h, dprev_c, dWx, dWh, db
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_lstm_backward", "locked": true, "points": 4, "schema_version": 3, "solution": false}
# lstm_backward carries both gradients back through time and matches numerical gradients of
# lstm_forward, with a gradient on the final cell state too
rng = np.random.default_rng(3)
n, t_len, d, hidden = 2, 4, 3, 3
arrays = {"x": rng.standard_normal((n, t_len, d)), "h0": rng.standard_normal((n, hidden)),
          "c0": rng.standard_normal((n, hidden)), "Wx": 0.5 * rng.standard_normal((d, 4 * hidden)),
          "Wh": 0.5 * rng.standard_normal((hidden, 4 * hidden)), "b": 0.5 * rng.standard_normal(4 * hidden)}
dh, dc_last = rng.standard_normal((n, t_len, hidden)), rng.standard_normal((n, hidden))
_, _, cache = lstm_forward(**arrays)
grads = lstm_backward(dh, cache, dc_last)
assert isinstance(grads, tuple) and len(grads) == 6, "lstm_backward should return (dx, dh0, dc0, dWx, dWh, db)"
for (name, value), grad in zip(arrays.items(), grads):
    def seq_loss(v, name=name):
        h, c_last, _ = lstm_forward(**dict(arrays, **{name: v}))
        return np.sum(h * dh) + np.sum(c_last * dc_last)

    try:
        check_gradient(grad, numerical_gradient(seq_loss, value.copy()), f"d{name}")
    except AssertionError as err:
        raise AssertionError(f"{err}. Walk t = T-1 .. 0; step t gets dh[:, t] + dprev_h and the dprev_c of step "
                             "t + 1 (dc_last for the last step); sum the weight gradients over the steps") from None
only_h = lstm_backward(dh, cache)
assert not np.allclose(only_h[2], grads[2]), "dc_last should change dc0: start the walk from it"
print("test_lstm_backward passed")

# %% [markdown]
# ## 3. The GRU
#
# The GRU (Cho et al., 2014) keeps one state and three blocks of $H$ columns, **reset** $r$,
# **update** $z$ and **candidate** $n$. PyTorch computes them as
#
# $$r = \sigma(x_t W_{x,r} + b_{x,r} + h_{t-1} W_{h,r} + b_{h,r}), \qquad
#   z = \sigma(x_t W_{x,z} + b_{x,z} + h_{t-1} W_{h,z} + b_{h,z}),$$
# $$n = \tanh\big(x_t W_{x,n} + b_{x,n} + r \odot (h_{t-1} W_{h,n} + b_{h,n})\big), \qquad
#   h_t = (1 - z) \odot n + z \odot h_{t-1}.$$
#
# Two details decide whether your numbers match `torch.nn.GRU`:
#
# - **the update convention.** Here $z$ is the share of the *old* state that is kept, as in Cho et
#   al.'s paper and in PyTorch. Other texts (Chung et al., 2014, and many tutorials) write
#   $h_t = (1 - z) h_{t-1} + z\, n$: the same family of models with $z$ and $1 - z$ swapped, but
#   not the same numbers for the same weights.
# - **where the reset gate acts.** It multiplies $h_{t-1} W_{h,n} + b_{h,n}$, *after* the product
#   (and that is why the hidden bias $b_h$ cannot be folded into $b_x$: its $n$ block sits inside
#   the product with $r$). The paper put it before: $(r \odot h_{t-1}) W_{h,n}$.
#
# So the weights are $W_x \in \mathbb{R}^{D \times 3H}$, $W_h \in \mathbb{R}^{H \times 3H}$ and
# two biases $b_x, b_h \in \mathbb{R}^{3H}$, blocks in the order r, z, n: `weight_ih_l0` $= W_x^\top$,
# `weight_hh_l0` $= W_h^\top$, `bias_ih_l0` $= b_x$, `bias_hh_l0` $= b_h$.
#
# For the backward pass write $a_x = x_t W_x + b_x$ and $a_h = h_{t-1} W_h + b_h$ (both $N \times 3H$).
# With $\delta = \partial L / \partial h_t$: $\delta n = \delta \odot (1 - z)$,
# $\delta z = \delta \odot (h_{t-1} - n)$, the pre-activation of $n$ gets
# $\delta a_n = \delta n \odot (1 - n^2)$, that of $r$ gets $\delta a_n \odot a_{h,n} \odot r(1-r)$,
# that of $z$ gets $\delta z \odot z(1-z)$. The blocks of $\delta a_x$ are these three; those of
# $\delta a_h$ are the same except the $n$ block, $\delta a_n \odot r$. And $h_{t-1}$ is used twice:
# $\partial L / \partial h_{t-1} = \delta a_h W_h^\top + \delta \odot z$.

# %% nbgrader={"grade": false, "grade_id": "gru_step_forward", "locked": false, "schema_version": 3, "solution": true}
def gru_step_forward(x, prev_h, Wx, Wh, bx, bh):
    """Run one GRU step on a batch, in PyTorch's convention.

    Inputs:
    - x: (N, D); prev_h: (N, H).
    - Wx: (D, 3H), Wh: (H, 3H), bx: (3H,), bh: (3H,), blocks in the order r, z, n.

    Returns (next_h, cache): next_h (N, H) in the inputs' dtype; cache for gru_step_backward.
    """
    ### BEGIN SOLUTION
    hidden = prev_h.shape[1]
    ax, ah = x @ Wx + bx, prev_h @ Wh + bh  # (N, 3H) each, blocks r, z, n
    r = sigmoid(ax[:, :hidden] + ah[:, :hidden])
    z = sigmoid(ax[:, hidden:2 * hidden] + ah[:, hidden:2 * hidden])
    n = np.tanh(ax[:, 2 * hidden:] + r * ah[:, 2 * hidden:])
    next_h = (1 - z) * n + z * prev_h
    return next_h, (x, prev_h, Wx, Wh, r, z, n, ah[:, 2 * hidden:])
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_gru_step_forward", "locked": true, "points": 2, "schema_version": 3, "solution": false}
# gru_step_forward gives hand-computed values in PyTorch's convention (z keeps the old state, the
# reset gate scales h Wh_n + bh_n), has shape (N, H) and keeps float32
bx = np.array([0.0, np.log(3.0), 0.2])  # H = 1, x = 0: r = sigmoid(0) = 1/2, z = 3/4
bh = np.array([0.0, 0.0, 0.6])  # n = tanh(0.2 + r * (prev_h * 0 + 0.6))
result = gru_step_forward(np.zeros((1, 1)), np.array([[1.0]]), np.zeros((1, 3)), np.zeros((1, 3)), bx, bh)
assert isinstance(result, tuple) and len(result) == 2, "gru_step_forward should return (next_h, cache)"
next_h, _ = result
n_value = np.tanh(0.2 + 0.5 * 0.6)
expected = 0.25 * n_value + 0.75 * 1.0
assert np.shape(next_h) == (1, 1), f"next_h should have shape (N, H) = (1, 1), got {np.shape(next_h)}"
assert np.isclose(next_h[0, 0], expected), (
    f"with r = 1/2, z = 3/4, n = tanh(0.2 + 0.5 * 0.6) and prev_h = 1, next_h should be (1 - z) n + z prev_h = "
    f"{expected:.4f}, got {float(next_h[0, 0]):.4f}: z is the share of the old state kept (PyTorch's convention), "
    "the blocks are r, z, n, and r multiplies (prev_h @ Wh_n + bh_n)")
rng = np.random.default_rng(4)
x, prev_h = rng.standard_normal((4, 3)), rng.standard_normal((4, 5))
Wx, Wh, bx, bh = (rng.standard_normal((3, 15)), rng.standard_normal((5, 15)), rng.standard_normal(15),
                  rng.standard_normal(15))
next_h, _ = gru_step_forward(x, prev_h, Wx, Wh, bx, bh)
assert np.shape(next_h) == (4, 5), f"with N = 4, D = 3, H = 5, next_h should be (4, 5), got {np.shape(next_h)}"
h32, _ = gru_step_forward(*(v.astype(np.float32) for v in (x, prev_h, Wx, Wh, bx, bh)))
assert h32.dtype == np.float32, f"float32 inputs should give float32 next_h, got {h32.dtype}"
print("test_gru_step_forward passed")


# %% nbgrader={"grade": false, "grade_id": "gru_step_backward", "locked": false, "schema_version": 3, "solution": true}
def gru_step_backward(dnext_h, cache):
    """Backward pass of gru_step_forward.

    Inputs: dnext_h (N, H); cache from gru_step_forward.

    Returns (dx, dprev_h, dWx, dWh, dbx, dbh): (N, D), (N, H), (D, 3H), (H, 3H), (3H,), (3H,).
    """
    ### BEGIN SOLUTION
    x, prev_h, Wx, Wh, r, z, n, ah_n = cache
    dan = dnext_h * (1 - z) * (1 - n ** 2)  # (N, H) at n's pre-activation
    dar = dan * ah_n * r * (1 - r)
    daz = dnext_h * (prev_h - n) * z * (1 - z)
    dax = np.concatenate([dar, daz, dan], axis=1)  # (N, 3H)
    dah = np.concatenate([dar, daz, dan * r], axis=1)
    dprev_h = dah @ Wh.T + dnext_h * z  # prev_h is used twice: through Wh and directly
    return dax @ Wx.T, dprev_h, x.T @ dax, prev_h.T @ dah, dax.sum(axis=0), dah.sum(axis=0)
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_gru_step_backward", "locked": true, "points": 3, "schema_version": 3, "solution": false}
# gru_step_backward matches numerical gradients of gru_step_forward for every input
rng = np.random.default_rng(5)
arrays = {"x": rng.standard_normal((3, 2)), "prev_h": rng.standard_normal((3, 4)),
          "Wx": 0.5 * rng.standard_normal((2, 12)), "Wh": 0.5 * rng.standard_normal((4, 12)),
          "bx": 0.5 * rng.standard_normal(12), "bh": 0.5 * rng.standard_normal(12)}
dnext_h = rng.standard_normal((3, 4))
_, cache = gru_step_forward(**arrays)
grads = gru_step_backward(dnext_h, cache)
assert isinstance(grads, tuple) and len(grads) == 6, "gru_step_backward should return (dx, dprev_h, dWx, dWh, dbx, dbh)"
for (name, value), grad in zip(arrays.items(), grads):
    def step_loss(v, name=name):
        return np.sum(gru_step_forward(**dict(arrays, **{name: v}))[0] * dnext_h)

    try:
        check_gradient(grad, numerical_gradient(step_loss, value.copy()), f"d{name}")
    except AssertionError as err:
        raise AssertionError(f"{err}. dn = d(1 - z), dz = d(prev_h - n); n's pre-activation feeds both the x "
                             "and the h blocks, r only through (prev_h Wh_n + bh_n); prev_h also reaches next_h "
                             "directly, times z") from None
print("test_gru_step_backward passed")

# %% [markdown]
# ### The GRU layer
#
# As for the RNN: run the step from $h_0$, return the states `(N, T, H)`; backward, walk back in
# time adding `dprev_h` to `dh[:, t]`, and sum the four weight gradients over the steps. The final
# state is `h[:, -1]`, and a gradient on it arrives in `dh[:, -1]`.

# %% nbgrader={"grade": false, "grade_id": "gru_forward", "locked": false, "schema_version": 3, "solution": true}
def gru_forward(x, h0, Wx, Wh, bx, bh):
    """Run a GRU over a batch of whole sequences.

    Inputs: x (N, T, D); h0 (N, H); Wx (D, 3H), Wh (H, 3H), bx (3H,), bh (3H,).

    Returns (h, cache): h (N, T, H), the states after steps 1..T, in the inputs' dtype.
    """
    ### BEGIN SOLUTION
    n, t_len, _ = x.shape
    h = np.empty((n, t_len, Wh.shape[0]), dtype=np.result_type(x, h0, Wx, Wh, bx, bh))
    caches, prev_h = [], h0
    for t in range(t_len):
        prev_h, step_cache = gru_step_forward(x[:, t], prev_h, Wx, Wh, bx, bh)  # (N, H)
        h[:, t] = prev_h
        caches.append(step_cache)
    return h, caches
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_gru_forward", "locked": true, "points": 2, "schema_version": 3, "solution": false}
# gru_forward runs the step from h0 over the time axis (batch-first) and keeps float32
rng = np.random.default_rng(6)
x, h0 = rng.standard_normal((2, 4, 3)), rng.standard_normal((2, 5))
Wx, Wh, bx, bh = (0.5 * rng.standard_normal((3, 15)), 0.5 * rng.standard_normal((5, 15)), rng.standard_normal(15),
                  rng.standard_normal(15))
result = gru_forward(x, h0, Wx, Wh, bx, bh)
assert isinstance(result, tuple) and len(result) == 2, "gru_forward should return (h, cache)"
h, _ = result
assert np.shape(h) == (2, 4, 5), f"with N = 2, T = 4, H = 5, h should be (2, 4, 5), got {np.shape(h)}"
step_h = h0
for t in range(4):
    step_h, _ = gru_step_forward(x[:, t], step_h, Wx, Wh, bx, bh)
    assert np.allclose(h[:, t], step_h), (
        f"h[:, {t}] differs from running gru_step_forward {t + 1} times from h0 over x[:, t] (batch-first)")
h32, _ = gru_forward(*(v.astype(np.float32) for v in (x, h0, Wx, Wh, bx, bh)))
assert h32.dtype == np.float32, f"float32 inputs should give float32 states, got {h32.dtype}"
print("test_gru_forward passed")


# %% nbgrader={"grade": false, "grade_id": "gru_backward", "locked": false, "schema_version": 3, "solution": true}
def gru_backward(dh, cache):
    """Backpropagation through time for gru_forward.

    Inputs: dh (N, T, H), the gradient on each state through its direct use; cache.

    Returns (dx, dh0, dWx, dWh, dbx, dbh): (N, T, D), (N, H), (D, 3H), (H, 3H), (3H,), (3H,).
    """
    ### BEGIN SOLUTION
    caches = cache
    n, t_len, _ = dh.shape
    Wx, Wh = caches[0][2], caches[0][3]
    dx = np.empty((n, t_len, Wx.shape[0]), dtype=dh.dtype)
    dWx, dWh = np.zeros_like(Wx), np.zeros_like(Wh)
    dbx, dbh = np.zeros(Wx.shape[1], dtype=Wx.dtype), np.zeros(Wh.shape[1], dtype=Wh.dtype)
    dprev_h = np.zeros_like(dh[:, 0])
    for t in range(t_len - 1, -1, -1):
        dx[:, t], dprev_h, dWx_t, dWh_t, dbx_t, dbh_t = gru_step_backward(dh[:, t] + dprev_h, caches[t])
        dWx += dWx_t
        dWh += dWh_t
        dbx += dbx_t
        dbh += dbh_t
    return dx, dprev_h, dWx, dWh, dbx, dbh
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_gru_backward", "locked": true, "points": 3, "schema_version": 3, "solution": false}
# gru_backward matches numerical gradients of gru_forward, dh0 included
rng = np.random.default_rng(7)
n, t_len, d, hidden = 2, 4, 3, 3
arrays = {"x": rng.standard_normal((n, t_len, d)), "h0": rng.standard_normal((n, hidden)),
          "Wx": 0.5 * rng.standard_normal((d, 3 * hidden)), "Wh": 0.5 * rng.standard_normal((hidden, 3 * hidden)),
          "bx": 0.5 * rng.standard_normal(3 * hidden), "bh": 0.5 * rng.standard_normal(3 * hidden)}
dh = rng.standard_normal((n, t_len, hidden))
_, cache = gru_forward(**arrays)
grads = gru_backward(dh, cache)
assert isinstance(grads, tuple) and len(grads) == 6, "gru_backward should return (dx, dh0, dWx, dWh, dbx, dbh)"
for (name, value), grad in zip(arrays.items(), grads):
    def seq_loss(v, name=name):
        return np.sum(gru_forward(**dict(arrays, **{name: v}))[0] * dh)

    try:
        check_gradient(grad, numerical_gradient(seq_loss, value.copy()), f"d{name}")
    except AssertionError as err:
        raise AssertionError(f"{err}. Walk t = T-1 .. 0, give step t dh[:, t] + dprev_h, and sum the weight "
                             "gradients over the steps") from None
print("test_gru_backward passed")

# %% [markdown]
# ## 4. Reading both ways
#
# To label a step in the middle of a sequence (a character in a word, a phoneme in speech) what
# comes *after* it helps as much as what came before. A **bidirectional** layer runs one recurrent
# layer forward in time and a second one, with its own weights, backward, and concatenates their
# states at every step: `h[..., :H]` is the forward direction, `h[..., H:]` the backward one, so
# position $t$ sees the whole sequence.
#
# With padding this needs care. A sequence of length $L$ padded to $T$ must be read backward from
# its **own** last step $L-1$, not from $T-1$: reversing the whole padded array would feed the
# padding into the backward direction's state before any real step. So reverse each sequence
# *within its length* (the padded steps stay where they are, after the real ones): with
# $L_n$ = `mask[n].sum()`, the index
#
# $$\text{index}[n, t] = \begin{cases} L_n - 1 - t & t < L_n \\ t & t \ge L_n \end{cases}$$
#
# reorders row $n$ as `x[n, index[n]]`, and since it is its own inverse it also puts the backward
# layer's states back in place. Both directions' outputs are set to **0 on padded steps** (as
# PyTorch's `pad_packed_sequence` does), so the padding neither shows in the output nor gets a
# gradient. `mask=None` means every step is real. Both layers start from zero states.
#
# The gradient goes back the same way: the backward direction's part of `dh` is reordered with the
# same index before its layer's backward pass, and the `dx` that comes out is reordered back
# before it is added to the forward direction's `dx`.
#
# The wrapper works with any layer. The two functions at the top of the next cell (given) run
# yours, `cell` = "lstm" or "gru", or `utils.rnn`'s with "rnn", from zero states, and return the
# weight gradients as a dict keyed like the layer's parameters: `{"Wx", "Wh", "b"}` for the RNN and
# the LSTM, `{"Wx", "Wh", "bx", "bh"}` for the GRU. Use them.

# %% nbgrader={"grade": false, "grade_id": "bidirectional_forward", "locked": false, "schema_version": 3, "solution": true}
def layer_forward(cell, x, params):
    """Run the layer `cell` ("rnn", "lstm" or "gru") over x (N, T, D) from zero states: (h, cache)."""
    h0 = np.zeros((x.shape[0], params["Wh"].shape[0]), dtype=np.result_type(x, params["Wh"]))
    if cell == "lstm":
        h, _, cache = lstm_forward(x, h0, None, params["Wx"], params["Wh"], params["b"])
    elif cell == "gru":
        h, cache = gru_forward(x, h0, params["Wx"], params["Wh"], params["bx"], params["bh"])
    elif cell == "rnn":
        h, cache = rnn_forward(x, h0, params["Wx"], params["Wh"], params["b"])
    else:
        raise ValueError(f"cell should be 'rnn', 'lstm' or 'gru', got {cell!r}")
    return h, (cell, cache)


def layer_backward(dh, cache):
    """Backward pass of layer_forward: (dx, grads), grads a dict keyed like the layer's params."""
    cell, cache = cache
    if cell == "lstm":
        dx, _, _, dWx, dWh, db = lstm_backward(dh, cache)
        return dx, {"Wx": dWx, "Wh": dWh, "b": db}
    if cell == "gru":
        dx, _, dWx, dWh, dbx, dbh = gru_backward(dh, cache)
        return dx, {"Wx": dWx, "Wh": dWh, "bx": dbx, "bh": dbh}
    dx, _, dWx, dWh, db = rnn_backward(dh, cache)
    return dx, {"Wx": dWx, "Wh": dWh, "b": db}


def bidirectional_forward(x, params_fwd, params_bwd, cell, mask=None):
    """Run a recurrent layer over padded sequences forward and backward, and concatenate the states.

    Inputs:
    - x: (N, T, D), padded at the end of shorter sequences.
    - params_fwd, params_bwd: the two directions' weights (dicts for layer_forward), H units each.
    - cell: "rnn", "lstm" or "gru".
    - mask: (N, T) booleans or 0/1, True on real steps (padding at the end of each row); None: all real.

    Returns (h, cache): h (N, T, 2H), the forward states then the backward states at every step,
    0 on padded steps, in the layers' dtype; cache for bidirectional_backward.
    """
    ### BEGIN SOLUTION
    n, t_len, _ = x.shape
    lengths = np.full((n, 1), t_len) if mask is None else np.asarray(mask).sum(axis=1, keepdims=True)  # (N, 1)
    steps = np.arange(t_len)[None, :]
    index = np.where(steps < lengths, lengths - 1 - steps, steps)  # (N, T) each row reversed within its length
    rows = np.arange(n)[:, None]
    keep = (steps < lengths)[:, :, None]  # (N, T, 1)
    h_fwd, cache_fwd = layer_forward(cell, x, params_fwd)
    h_rev, cache_bwd = layer_forward(cell, x[rows, index], params_bwd)
    h = np.concatenate([h_fwd, h_rev[rows, index]], axis=2) * keep  # (N, T, 2H)
    return h, (rows, index, keep, cache_fwd, cache_bwd)
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_bidirectional_forward", "locked": true, "points": 3, "schema_version": 3, "solution": false}
# bidirectional_forward concatenates both directions, reads each sequence backward from its own last
# step, and leaves padding out of everything
rng = np.random.default_rng(8)
d, hidden = 2, 3
params_fwd = {"Wx": rng.standard_normal((d, hidden)), "Wh": 0.5 * rng.standard_normal((hidden, hidden)),
              "b": rng.standard_normal(hidden)}
params_bwd = {"Wx": rng.standard_normal((d, hidden)), "Wh": 0.5 * rng.standard_normal((hidden, hidden)),
              "b": rng.standard_normal(hidden)}
x = rng.standard_normal((2, 4, d))
mask = np.array([[1, 1, 1, 1], [1, 1, 0, 0]], dtype=bool)  # sequence 1 has 2 real steps
result = bidirectional_forward(x, params_fwd, params_bwd, "rnn", mask)
assert isinstance(result, tuple) and len(result) == 2, "bidirectional_forward should return (h, cache)"
h, _ = result
assert np.shape(h) == (2, 4, 2 * hidden), f"h should be (N, T, 2H) = (2, 4, 6), got {np.shape(h)}"
forward_alone, _ = rnn_forward(x, np.zeros((2, hidden)), params_fwd["Wx"], params_fwd["Wh"], params_fwd["b"])
assert np.allclose(h[0, :, :hidden], forward_alone[0]), "h[..., :H] should be the forward layer's states"
backward_alone, _ = rnn_forward(x[:1, ::-1], np.zeros((1, hidden)), params_bwd["Wx"], params_bwd["Wh"], params_bwd["b"])
assert np.allclose(h[0, :, hidden:], backward_alone[0, ::-1]), (
    "for a full-length sequence, h[..., H:] should be the backward layer run on the reversed sequence, with its "
    "states reversed back so that h[:, t] describes step t")
short_alone, _ = rnn_forward(x[1:, 1::-1], np.zeros((1, hidden)), params_bwd["Wx"], params_bwd["Wh"], params_bwd["b"])
assert np.allclose(h[1, :2, hidden:], short_alone[0, ::-1]), (
    "a sequence of 2 real steps should be read backward from its own last step (step 1), not from the end of the "
    "padding: reverse each sequence within its length, mask[n].sum()")
assert np.all(h[1, 2:] == 0), "both directions' outputs should be 0 on padded steps: multiply by the mask"
moved = x.copy()
moved[1, 2:] = 100.0
assert np.allclose(bidirectional_forward(moved, params_fwd, params_bwd, "rnn", mask)[0], h), (
    "changing the padded inputs changed the output: the padding leaks into a direction")
full, _ = bidirectional_forward(x, params_fwd, params_bwd, "rnn")
assert np.allclose(full[1, :, hidden:], rnn_forward(x[1:, ::-1], np.zeros((1, hidden)), params_bwd["Wx"],
                                                    params_bwd["Wh"], params_bwd["b"])[0][0, ::-1]), (
    "mask=None should treat every step as real")
print("test_bidirectional_forward passed")


# %% nbgrader={"grade": false, "grade_id": "bidirectional_backward", "locked": false, "schema_version": 3, "solution": true}
def bidirectional_backward(dh, cache):
    """Backward pass of bidirectional_forward.

    Inputs: dh (N, T, 2H); cache from bidirectional_forward.

    Returns (dx, grads_fwd, grads_bwd): dx (N, T, D), 0 on padded steps; the gradients of
    params_fwd and params_bwd, dicts keyed like them.
    """
    ### BEGIN SOLUTION
    rows, index, keep, cache_fwd, cache_bwd = cache
    hidden = dh.shape[2] // 2
    dh = dh * keep  # padded outputs were set to 0: no gradient comes from them
    dx_fwd, grads_fwd = layer_backward(dh[:, :, :hidden], cache_fwd)
    dx_rev, grads_bwd = layer_backward(dh[:, :, hidden:][rows, index], cache_bwd)  # into the reversed order
    return dx_fwd + dx_rev[rows, index], grads_fwd, grads_bwd  # and back
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_bidirectional_backward", "locked": true, "points": 3, "schema_version": 3, "solution": false}
# bidirectional_backward matches numerical gradients of bidirectional_forward with a mask, for the
# input and both directions' weights, and gives padded steps no gradient
rng = np.random.default_rng(9)
n, t_len, d, hidden = 3, 4, 2, 2
params_fwd = {"Wx": rng.standard_normal((d, hidden)), "Wh": 0.5 * rng.standard_normal((hidden, hidden)),
              "b": rng.standard_normal(hidden)}
params_bwd = {"Wx": rng.standard_normal((d, hidden)), "Wh": 0.5 * rng.standard_normal((hidden, hidden)),
              "b": rng.standard_normal(hidden)}
x = rng.standard_normal((n, t_len, d))
mask = np.array([[1, 1, 1, 1], [1, 1, 1, 0], [1, 0, 0, 0]], dtype=bool)
dh = rng.standard_normal((n, t_len, 2 * hidden))
_, cache = bidirectional_forward(x, params_fwd, params_bwd, "rnn", mask)
result = bidirectional_backward(dh, cache)
assert isinstance(result, tuple) and len(result) == 3, "bidirectional_backward should return (dx, grads_fwd, grads_bwd)"
dx, grads_fwd, grads_bwd = result
assert np.all(dx[~mask] == 0), "dx should be 0 on padded steps: they reach no output"


def loss_of(v, which, key):
    both = {"x": x, "fwd": dict(params_fwd), "bwd": dict(params_bwd)}
    if which == "x":
        both["x"] = v
    else:
        both[which][key] = v
    return np.sum(bidirectional_forward(both["x"], both["fwd"], both["bwd"], "rnn", mask)[0] * dh)


hint = (". The backward direction's part of dh must be put in reversed order (the same index) before its layer's "
        "backward pass, and its dx put back in the original order before adding it to the forward direction's dx")
try:
    check_gradient(dx, numerical_gradient(lambda v: loss_of(v, "x", None), x.copy()), "dx")
    for which, params, grads in (("fwd", params_fwd, grads_fwd), ("bwd", params_bwd, grads_bwd)):
        for key in params:
            numeric = numerical_gradient(lambda v, which=which, key=key: loss_of(v, which, key), params[key].copy())
            check_gradient(grads[key], numeric, f"grads_{which}['{key}']")
except AssertionError as err:
    raise AssertionError(f"{err}{hint}") from None
print("test_bidirectional_backward passed")

# %% [markdown]
# ## 5. How far back can each network remember?
#
# The recall task of assignment 11 (`utils.sequences.recall`): the first step shows one of 4
# symbols, the next `length - 1` steps random distractors, and the network names the first symbol
# at the last step (chance: 25%). We train a vanilla RNN, an LSTM and a GRU with **about the same
# number of parameters**, 1,450 to 1,500 each: the RNN gets 32 hidden units, the LSTM, whose step
# has four blocks of weights, 15, and the GRU, with three, 17 (counts printed below, the read-out
# included). Only the last state is read, by an affine layer and a softmax.
#
# What a gated network remembers at the start of training is set by the bias of the gate that
# keeps the memory. The LSTM's forget gate with bias $b_f$ starts at $f = \sigma(b_f)$, so a stored
# value, and the gradient that flows back along the cell, shrinks by that factor per step: after
# $k$ steps $\sigma(b_f)^k$, which for $k = 40$ is $10^{-12}$ at $b_f = 0$ ($f = 0.5$),
# $3 \cdot 10^{-6}$ at $b_f = 1$ ($f = 0.73$) and $0.14$ at $b_f = 3$ ($f = 0.95$). We train the
# LSTM with $b_f = 0$, $1$ (the usual default) and $3$; the GRU's update gate plays the same role
# ($z$ is the share of the old state kept), and it starts with $b_z = 3$ in its `bx`. The RNN starts
# with orthogonal recurrent weights, as in assignment 11.
#
# Sizes, chosen to fit the notebook's minute: 150 batches of 32 fresh sequences, Adam with learning
# rate 0.01, clipping at norm 1, lengths 15, 40 and 80, 3 seeds each, accuracy on 500 new
# sequences. Five settings, three lengths and three seeds are 45 runs of your LSTM and GRU (and
# `utils.rnn`); the runs of length 80 take most of the time. With longer training every curve
# moves to the right; the order of the settings is what to look at.

# %%
from threadpoolctl import threadpool_limits  # noqa: E402 - installed with scikit-learn; not needed for grading

threadpool_limits(1)  # one BLAS thread: on matrices this small, two threads on a busy machine mostly wait

SIZES = {"rnn": 32, "lstm": 15, "gru": 17}  # hidden units, chosen for about equal parameter counts
BLOCKS = {"rnn": 1, "lstm": 4, "gru": 3}


def orthogonal_blocks(hidden, blocks, rng):
    """(H, blocks * H): side by side, one random orthogonal matrix per block."""
    mats = []
    for _ in range(blocks):
        q, r = np.linalg.qr(rng.standard_normal((hidden, hidden)))
        mats.append(q * np.sign(np.diag(r)))
    return np.concatenate(mats, axis=1)


def init_recall(model, rng, keep_bias=0.0, d=8, k=4):
    """Weights of a recurrent layer and an affine read-out of its last state; keep_bias is the bias
    of the LSTM's forget gate or of the GRU's update gate."""
    hidden, blocks = SIZES[model], BLOCKS[model]
    params = {"Wx": rng.standard_normal((d, blocks * hidden)) / np.sqrt(d),
              "Wh": orthogonal_blocks(hidden, blocks, rng),
              "Wy": rng.standard_normal((hidden, k)) / np.sqrt(hidden), "by": np.zeros(k)}
    if model == "gru":
        params["bx"], params["bh"] = np.zeros(3 * hidden), np.zeros(3 * hidden)
        params["bx"][hidden:2 * hidden] = keep_bias  # the z block
    else:
        params["b"] = np.zeros(blocks * hidden)
    if model == "lstm":
        params["b"][hidden:2 * hidden] = keep_bias  # the f block
    return params


def run_layer(model, params, x):
    """Hidden states (N, T, H) of the layer (yours for the LSTM and the GRU), and its cache."""
    h0 = np.zeros((x.shape[0], SIZES[model]))
    if model == "lstm":
        h, _, cache = lstm_forward(x, h0, None, params["Wx"], params["Wh"], params["b"])
    elif model == "gru":
        h, cache = gru_forward(x, h0, params["Wx"], params["Wh"], params["bx"], params["bh"])
    else:
        h, cache = rnn_forward(x, h0, params["Wx"], params["Wh"], params["b"])
    return h, cache


def recall_loss(model, params, x, y):
    """Softmax loss of the answer at the last step, and the gradients of every parameter."""
    h, cache = run_layer(model, params, x)
    scores, fc_cache = temporal_affine_forward(h[:, -1:], params["Wy"], params["by"])  # (N, 1, K)
    loss, dscores = temporal_softmax_loss(scores, y[:, -1:])
    dlast, dWy, dby = temporal_affine_backward(dscores, fc_cache)
    dh = np.zeros_like(h)
    dh[:, -1:] = dlast  # only the last state is read
    if model == "lstm":
        _, _, _, dWx, dWh, db = lstm_backward(dh, cache)
        grads = {"b": db}
    elif model == "gru":
        _, _, dWx, dWh, dbx, dbh = gru_backward(dh, cache)
        grads = {"bx": dbx, "bh": dbh}
    else:
        _, _, dWx, dWh, db = rnn_backward(dh, cache)
        grads = {"b": db}
    grads.update(Wx=dWx, Wh=dWh, Wy=dWy, by=dby)
    return loss, grads


def train_recall(model, length, seed, keep_bias=0.0, steps=150, batch=32):
    """Train on the recall task; return (accuracy on 500 new sequences, trained params)."""
    rng = np.random.default_rng(seed)
    params = init_recall(model, rng, keep_bias)
    configs = {name: {"learning_rate": 1e-2} for name in params}
    for _ in range(steps):
        x, y, _ = recall(batch, length, rng=rng)
        _, grads = recall_loss(model, params, x, y)
        grads, _ = clip_grad_norm(grads, 1.0)
        for name in params:
            params[name], configs[name] = adam(params[name], grads[name], configs[name])
    x, y, _ = recall(500, length, rng=10_000 + seed)
    h, _ = run_layer(model, params, x)
    scores = h[:, -1] @ params["Wy"] + params["by"]
    return np.mean(scores.argmax(axis=1) == y[:, -1]), params


settings = (("lstm", 3.0), ("lstm", 1.0), ("lstm", 0.0), ("gru", 3.0), ("rnn", 0.0))
lengths = (15, 40, 80)
span_acc, trained = {}, {}
start = time.perf_counter()
for model, bias in settings:
    for length in lengths:
        for seed in range(3):
            span_acc[model, bias, length, seed], trained[model, bias, length, seed] = train_recall(
                model, length, seed, bias)
print(f"{len(span_acc)} runs in {time.perf_counter() - start:.1f} s")

# %%
if len(span_acc) != len(settings) * len(lengths) * 3:
    raise NotImplementedError("the runs above did not finish: they need your LSTM and GRU layers")
names = {("lstm", 3.0): "LSTM, b_f = 3", ("lstm", 1.0): "LSTM, b_f = 1", ("lstm", 0.0): "LSTM, b_f = 0",
         ("gru", 3.0): "GRU, b_z = 3", ("rnn", 0.0): "vanilla RNN"}
colors = {("lstm", 3.0): "tab:blue", ("lstm", 1.0): "tab:cyan", ("lstm", 0.0): "tab:gray", ("gru", 3.0): "tab:green",
          ("rnn", 0.0): "tab:red"}
fig, ax = plt.subplots(figsize=(7, 4.5))
for setting in settings:
    accs = np.array([[span_acc[setting + (length, seed)] for seed in range(3)] for length in lengths])
    count = sum(p.size for p in init_recall(setting[0], np.random.default_rng(0)).values())
    ax.plot(lengths, accs.mean(axis=1), "-", color=colors[setting], label=f"{names[setting]} ({count} parameters)")
    for seed in range(3):
        ax.plot(lengths, accs[:, seed], "o", color=colors[setting], alpha=0.45)
ax.axhline(0.25, color="k", linestyle=":", label="guessing (4 symbols)")
ax.set_xlabel("sequence length (steps between the cue and the answer + 1)")
ax.set_ylabel("test accuracy (line: mean of 3 seeds, dots: seeds)")
ax.set_ylim(0, 1.05)
ax.set_title("Recall after 150 batches, equal parameter counts")
ax.legend(fontsize=8)
plt.show()
print(f"{'setting':<15}" + "".join(f"{f'length {length}':>24}" for length in lengths))
for setting in settings:
    row = ""
    for length in lengths:
        accs = [span_acc[setting + (length, seed)] for seed in range(3)]
        row += f"{np.mean(accs):>8.2f} ({', '.join(f'{a:.2f}' for a in accs)})"
    print(f"{names[setting]:<15}{row}")

# %% [markdown]
# What to see: the bias of the keeping gate decides how far back a gated network learns to
# remember on this budget. With $b_f = 0$ the LSTM gets only about half of the answers right even at
# 15 steps; with the usual $b_f = 1$ it solves 15 steps, and 40 for one seed in three; with
# $b_f = 3$ it solves 40 (two seeds, the third at 72%) and 80 for one seed; the GRU with
# $b_z = 3$ solves every length with every seed. The vanilla RNN with orthogonal weights, which
# keeps its state by default too (its Jacobian starts with every singular value near 1), solves 15
# steps, 40 for one seed, and guesses at 80. So gates are not a memory by themselves: they make
# *keeping* something the network can choose per unit and per step, and their biases decide what
# it does before it has learned to choose. At $f = \sigma(3) = 0.95$ a memory and its gradient decay
# over about $1 / (1 - f) = 20$ steps at the start, long enough for the gradient from the answer to
# reach the cue; training then pushes $f$ towards 1 where it matters (next section). The GRU's
# update is a convex mix of old and new, $h_t = (1 - z) n + z h_{t-1}$, one gate fewer to learn,
# which may be why it learns the fastest here.

# %% [markdown]
# ## 6. The gates at work
#
# Take the LSTM with $b_f = 3$ trained on sequences of 40 steps (the seed with the best accuracy)
# and one new sequence. For every step we recompute the gates from your layer's hidden states,
# $a_t = x_t W_x + h_{t-1} W_h + b$, and draw the forget gate $f$ and the input gate $i$ of each of
# the 15 units over time.

# %%
if len(trained) != len(settings) * len(lengths) * 3:
    raise NotImplementedError("the runs of section 5 did not finish: they need your LSTM and GRU layers")
best_seed = max(range(3), key=lambda s: span_acc["lstm", 3.0, 40, s])
params = trained["lstm", 3.0, 40, best_seed]
x, y, _ = recall(1, 40, rng=123)
h, _ = run_layer("lstm", params, x)
hidden = SIZES["lstm"]
h_prev = np.concatenate([np.zeros((1, hidden)), h[0, :-1]])  # (T, H): the state each step read
a = x[0] @ params["Wx"] + h_prev @ params["Wh"] + params["b"]  # (T, 4H)
gate_i, gate_f = sigmoid(a[:, :hidden]), sigmoid(a[:, hidden:2 * hidden])
order = np.argsort(gate_f[1:].mean(axis=0))[::-1]  # units sorted by how much they keep
fig, axes = plt.subplots(1, 2, figsize=(12, 4), sharey=True)
for ax, gate, title, low in ((axes[0], gate_f, "forget gate f (scale from 0.8)", 0.8),
                             (axes[1], gate_i, "input gate i", 0.0)):
    image = ax.imshow(gate[:, order].T, aspect="auto", cmap="viridis", vmin=low, vmax=1)
    ax.set_xlabel("time step (0: the cue; then distractors)")
    ax.set_title(f"{title}, LSTM trained on length 40")
    fig.colorbar(image, ax=ax)
axes[0].set_ylabel("unit (sorted by mean forget gate)")
plt.tight_layout()
plt.show()
keepers = order[:3]
print(f"cue {int(np.argmax(x[0, 0, :4]))}, answered {int(np.argmax(h[0, -1] @ params['Wy'] + params['by']))}; "
      f"the 3 units with the highest forget gates: mean f over steps 1-39 "
      f"{', '.join(f'{gate_f[1:, u].mean():.3f}' for u in keepers)}, input gate at the cue "
      f"{', '.join(f'{gate_i[0, u]:.2f}' for u in keepers)} and after it "
      f"{', '.join(f'{gate_i[1:, u].mean():.2f}' for u in keepers)}")

# %% [markdown]
# Training pushed the forget gates up from their initial 0.95: most units keep $f$ above 0.9 over
# the whole sequence (the colour scale of $f$ starts at 0.8), and the units at the top average
# about 0.985 to 0.99 over the distractors (printed above), so about $0.985^{39} \approx 0.55$ of
# what they held after the cue is still there at the answer, where a unit at $f = 0.9$ keeps
# $0.9^{39} \approx 0.02$. The input gates move with the distractor shown at each step (the
# vertical stripes): every unit also writes a little of each distractor, and the read-out has to
# find the cue among those traces. The memory is a product of numbers close to 1, chosen per unit
# by training, not a weight matrix applied 39 times.

# %% [markdown]
# **Question 1.** In the LSTM backward pass, $\partial L / \partial c_{t-1} = \delta c \odot f$.
# Compare this path through time with the RNN's $\partial L / \partial h_{t-1}$ from assignment 11:
# why can the gradient of a loss at step $T$ reach step $1$ in an LSTM when it vanishes in a tanh
# RNN? What must $f$ be along the way? (Three to five sentences.)

# %% [markdown] nbgrader={"grade": true, "grade_id": "q_cell_path", "locked": false, "points": 1, "schema_version": 3, "solution": true}
# ### BEGIN SOLUTION
# In the RNN every step multiplies the gradient by $\operatorname{diag}(1 - h_s^2) W_h^\top$: a
# matrix, squashed by the tanh's slope, whose norm is usually below 1, so the product over many steps
# vanishes (or, with large weights, explodes). Along the LSTM's cell the gradient is only multiplied
# elementwise by $f$ at each step, with no weight matrix and no tanh slope in between, so after $k$
# steps it is scaled by $\prod f$. If the forget gates of a unit stay close to 1 over the span, that
# product stays close to 1 and the gradient arrives intact; with $f = 0.5$ it would vanish as fast as
# in the RNN. That is why the forget gate's bias, which sets $f$ before training, matters so much in
# section 5. (The other paths, through $h$ and the gates, still vanish; the cell is the highway.)
# ### END SOLUTION

# %% [markdown]
# **Question 2.** You build a bidirectional LSTM for sequences padded at the end, and you reverse
# the whole padded array for the backward direction instead of each sequence within its length.
# What goes wrong for a short sequence, and would the training loss tell you? (Three to five
# sentences.)

# %% [markdown] nbgrader={"grade": true, "grade_id": "q_reverse_mask", "locked": false, "points": 1, "schema_version": 3, "solution": true}
# ### BEGIN SOLUTION
# The backward direction would read the padding first: for a sequence of length $L$ padded to $T$
# it starts at step $T - 1$ and runs $T - L$ steps over padded inputs (zeros or whatever fills them)
# before it reaches the sequence's real last step, so its state at every real step depends on how
# much padding there is. The same sentence gets different features in batches padded to different
# lengths, and at test time (another batch, another padding) the network sees states it was not
# trained on. The training loss would not necessarily show it: the network can partly learn to cope
# with the padding it sees, so the loss may look fine while the model is worse than it should be and
# inconsistent across batch compositions. A test that changes only the padding and checks that the
# outputs at real steps stay the same catches it at once.
# ### END SOLUTION

# %% [markdown]
# ## 7. Wrap-up
#
# You wrote an LSTM step and layer with their backward passes (the cell's gradient goes back through
# the forget gate only, and the final cell state carries a gradient of its own), the GRU in
# PyTorch's convention, and a bidirectional wrapper that reverses each padded sequence within its
# length. You saw that the gates' biases decide how far back a gated network can learn to remember,
# and watched a trained LSTM keep a few units' forget gates near 1 for the whole sequence.
#
# From now on these live in `utils.lstm` (`lstm_step_forward`, `lstm_step_backward`,
# `lstm_forward(x, h0, c0, Wx, Wh, b) -> (h, c_last, cache)`, `lstm_backward(dh, cache, dc_last)`,
# `init_lstm_params`), `utils.gru` (the same for the GRU) and `utils.bidirectional`
# (`bidirectional_forward`, `bidirectional_backward`). Assignment 13 trains a bidirectional LSTM
# that reads images of text, and 14 a character-level LSTM language model that carries $(h, c)$
# from chunk to chunk.
