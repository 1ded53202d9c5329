"""A vanilla (Elman) recurrent layer, a sequence classifier built on it, and truncated BPTT
(assignment 11_rnn).

Layout, kept by every sequence assignment (11-14): **batch-first**. A batch of sequences is
``x`` of shape ``(N, T, D)`` (N sequences, T time steps, D features per step), hidden states are
``(N, T, H)``, scores ``(N, T, K)``, labels and masks ``(N, T)``. This is PyTorch's
``batch_first=True``; PyTorch's default ``(T, N, D)`` is ``x.transpose(1, 0, 2)``. Padded steps of
shorter sequences come at the end, and the mask is 1 (True) on real steps, 0 (False) on padding.

One step: ``h_t = tanh(x_t @ Wx + h_{t-1} @ Wh + b)`` with ``Wx (D, H)``, ``Wh (H, H)``,
``b (H,)``. ``torch.nn.RNN(D, H, nonlinearity="tanh", batch_first=True)`` computes the same with
``weight_ih_l0 = Wx.T``, ``weight_hh_l0 = Wh.T`` and two bias vectors whose sum is ``b``.

Contracts (CS231n's): ``*_forward -> (out, cache)``, ``*_backward(dout, cache) -> gradients``; no
hidden state. ``rnn_forward`` computes the input projection of all T steps in one matrix product
and loops over time only for ``h_{t-1} @ Wh``; ``rnn_backward`` loops over time only for the
recurrent part and gets ``dx``, ``dWx``, ``dWh`` and ``db`` from one product each after the loop.

The final state is ``h[:, -1]``, an output like the others: a gradient on it (an encoder whose
last state feeds something else) is added to ``dh[:, -1]``, so ``rnn_backward`` needs no extra
argument. An LSTM's final cell state is not among its outputs; its backward pass takes it
separately (12_lstm_gru).

The sequence classifier (``rnn_loss``) is ``rnn -> temporal affine -> masked softmax``, with
``params = {"Wx", "Wh", "b", "Wy", "by"}``. ``tbptt_train`` runs truncated backpropagation through
time with any model whose loss has the signature ``loss_fn(params, x, y, state) -> (loss, grads,
next_state)``; ``truncated_bptt`` is the graded special case (``rnn_loss``, plain SGD).
"""

import numpy as np

from .clipping import clip_grad_norm
from .temporal import temporal_affine_backward, temporal_affine_forward, temporal_softmax_loss


def rnn_step_forward(x, prev_h, Wx, Wh, b):
    """Run one time step of a tanh RNN.

    Inputs: x (N, D) this step's input, prev_h (N, H), Wx (D, H), Wh (H, H), b (H,).
    Returns (next_h, cache): next_h = tanh(x @ Wx + prev_h @ Wh + b), (N, H), the inputs' dtype.
    """
    next_h = np.tanh(x @ Wx + prev_h @ Wh + b)  # (N, H)
    return next_h, (x, prev_h, Wx, Wh, next_h)


def rnn_step_backward(dnext_h, cache):
    """Backward pass of rnn_step_forward.

    Inputs: dnext_h (N, H), the gradient of the loss with respect to next_h; cache from the forward.
    Returns (dx, dprev_h, dWx, dWh, db): (N, D), (N, H), (D, H), (H, H), (H,).
    """
    x, prev_h, Wx, Wh, next_h = cache
    da = dnext_h * (1 - next_h * next_h)  # (N, H) through tanh, whose slope is 1 - tanh^2
    return da @ Wx.T, da @ Wh.T, x.T @ da, prev_h.T @ da, da.sum(axis=0)


def rnn_forward(x, h0, Wx, Wh, b):
    """Run a tanh RNN over whole sequences.

    Inputs: x (N, T, D), h0 (N, H) the initial state, Wx (D, H), Wh (H, H), b (H,).
    Returns (h, cache): h (N, T, H), the hidden state after every step (h0 not included).
    """
    n, t_len, d = x.shape
    hidden = Wx.shape[1]
    xw = (x.reshape(n * t_len, d) @ Wx + b).reshape(n, t_len, hidden)  # (N, T, H) all steps at once
    h = np.empty((n, t_len, hidden), dtype=np.result_type(x, h0, Wx, Wh, b))
    prev = h0
    for t in range(t_len):
        prev = np.tanh(xw[:, t] + prev @ Wh)  # (N, H)
        h[:, t] = prev
    return h, (x, h0, Wx, Wh, h)


def rnn_backward(dh, cache):
    """Backpropagation through time for rnn_forward.

    Inputs: dh (N, T, H), the gradient of the loss with respect to every hidden state (the loss's
    own gradient at each step; what flows back from later steps is added here); cache from the
    forward. A gradient on the final state goes into dh[:, -1].
    Returns (dx, dh0, dWx, dWh, db): (N, T, D), (N, H), (D, H), (H, H), (H,).
    """
    x, h0, Wx, Wh, h = cache
    n, t_len, d = x.shape
    hidden = Wh.shape[0]
    da = np.empty_like(h)  # (N, T, H) gradient at each step's pre-activation
    dprev = np.zeros_like(h0)  # (N, H) what flows back from step t + 1
    for t in range(t_len - 1, -1, -1):
        da[:, t] = (dh[:, t] + dprev) * (1 - h[:, t] * h[:, t])
        dprev = da[:, t] @ Wh.T
    h_prev = np.concatenate([h0[:, None], h[:, :-1]], axis=1)  # (N, T, H) the state each step read
    da_flat = da.reshape(n * t_len, hidden)
    dx = (da_flat @ Wx.T).reshape(n, t_len, d)
    dWx = x.reshape(n * t_len, d).T @ da_flat  # (D, H) summed over every step: the weights are shared
    dWh = h_prev.reshape(n * t_len, hidden).T @ da_flat  # (H, H)
    return dx, dprev, dWx, dWh, da_flat.sum(axis=0)


def init_rnn_params(input_dim, hidden_dim, num_classes, rng=0, radius=None, dtype=np.float64):
    """Parameters of the sequence classifier: {"Wx", "Wh", "b", "Wy", "by"}.

    Wx ~ N(0, 1/D); Wh a random orthogonal matrix times ``radius`` (default 1: every singular value
    is radius), or N(0, 1/H) when radius is "gaussian"; Wy ~ N(0, 1/H); biases 0.
    """
    rng = np.random.default_rng(rng)
    if radius == "gaussian":
        wh = rng.standard_normal((hidden_dim, hidden_dim)) / np.sqrt(hidden_dim)
    else:
        q, r = np.linalg.qr(rng.standard_normal((hidden_dim, hidden_dim)))
        wh = (1.0 if radius is None else radius) * q * np.sign(np.diag(r))
    params = {"Wx": rng.standard_normal((input_dim, hidden_dim)) / np.sqrt(input_dim), "Wh": wh,
              "b": np.zeros(hidden_dim), "Wy": rng.standard_normal((hidden_dim, num_classes)) / np.sqrt(hidden_dim),
              "by": np.zeros(num_classes)}
    return {k: v.astype(dtype) for k, v in params.items()}


def rnn_scores(params, x, h0=None):
    """Scores of the sequence classifier. x (N, T, D); returns (scores (N, T, K), h_last (N, H))."""
    if h0 is None:
        h0 = np.zeros((x.shape[0], params["Wh"].shape[0]), dtype=params["Wh"].dtype)
    h, _ = rnn_forward(x, h0, params["Wx"], params["Wh"], params["b"])
    scores, _ = temporal_affine_forward(h, params["Wy"], params["by"])
    return scores, h[:, -1]


def rnn_loss(params, x, y, h0=None, mask=None):
    """Loss and gradients of the sequence classifier rnn -> temporal affine -> masked softmax.

    Inputs:
    - params: {"Wx" (D, H), "Wh" (H, H), "b" (H,), "Wy" (H, K), "by" (K,)}.
    - x (N, T, D); y (N, T) integer labels; h0 (N, H) or None for zeros; mask (N, T) or None.
    Returns (loss, grads, h_last): the loss per unmasked step (see temporal_softmax_loss), grads
    keyed like params, and the last hidden state h[:, -1] (N, H), the state to carry on.
    """
    if h0 is None:
        h0 = np.zeros((x.shape[0], params["Wh"].shape[0]), dtype=params["Wh"].dtype)
    h, rnn_cache = rnn_forward(x, h0, params["Wx"], params["Wh"], params["b"])
    scores, fc_cache = temporal_affine_forward(h, params["Wy"], params["by"])
    loss, dscores = temporal_softmax_loss(scores, y, mask)
    dh, dWy, dby = temporal_affine_backward(dscores, fc_cache)
    _, _, dWx, dWh, db = rnn_backward(dh, rnn_cache)
    grads = {"Wx": dWx, "Wh": dWh, "b": db, "Wy": dWy, "by": dby}
    return loss, grads, h[:, -1]


def tbptt_train(loss_fn, params, x, y, chunk_len, state, update=None, configs=None, max_norm=None):
    """Truncated backpropagation through time over one batch of long sequences.

    The T steps are cut into consecutive chunks of ``chunk_len`` (the last may be shorter). For each
    chunk: ``loss, grads, state = loss_fn(params, x[:, s:e], y[:, s:e], state)``, optionally
    ``clip_grad_norm(grads, max_norm)``, then one update of every parameter. The state is carried
    to the next chunk as a value: the next chunk's backward pass starts there, so no gradient
    crosses a chunk boundary, while the forward pass still sees the whole past.

    Inputs:
    - loss_fn: ``loss_fn(params, x_chunk, y_chunk, state) -> (loss, grads, next_state)``; state is
      whatever it needs (h for an RNN, (h, c) for an LSTM).
    - params: dict of arrays; not modified (updated copies are returned).
    - x: (N, T, ...) inputs (features or integer indices); y: (N, T) targets.
    - chunk_len: steps per chunk, >= 1.
    - state: the state before the first step.
    - update: ``update(w, dw, config) -> (next_w, config)`` (utils.optim); default plain SGD.
    - configs: {name: config} of the update rule, kept between calls; default {"learning_rate": 1e-2}
      per parameter.
    - max_norm: clip the global gradient norm of each chunk to this (None: no clipping).

    Returns (params, configs, state, history): history has "loss" and "scale" (the clipping
    scale, 1.0 when not clipped) per chunk, as lists.
    """
    if update is None:
        from .optim import sgd as update
    if configs is None:
        configs = {name: {"learning_rate": 1e-2} for name in params}
    params = dict(params)
    history = {"loss": [], "scale": []}
    for start in range(0, x.shape[1], chunk_len):
        stop = start + chunk_len
        loss, grads, state = loss_fn(params, x[:, start:stop], y[:, start:stop], state)
        scale = 1.0
        if max_norm is not None:
            grads, scale = clip_grad_norm(grads, max_norm)
        for name in params:
            params[name], configs[name] = update(params[name], grads[name], configs[name])
        history["loss"].append(float(loss))
        history["scale"].append(float(scale))
    return params, configs, state, history


def truncated_bptt(params, x, y, h0, chunk_len, learning_rate):
    """Truncated BPTT for the sequence classifier, with one plain SGD step per chunk.

    Inputs: params as in rnn_loss; x (N, T, D); y (N, T); h0 (N, H); chunk_len >= 1;
    learning_rate > 0. Every chunk's loss has all its steps unmasked.
    Returns (params, h, losses): the parameters after the last step (a new dict; the input is not
    modified), the hidden state after step T (N, H), and the loss of each chunk before its update
    (a float64 array of ceil(T / chunk_len) numbers).
    """
    def loss_fn(p, xc, yc, h):
        return rnn_loss(p, xc, yc, h)

    configs = {name: {"learning_rate": learning_rate} for name in params}
    params, _, h, history = tbptt_train(loss_fn, params, x, y, chunk_len, h0, configs=configs)
    return params, h, np.array(history["loss"])
