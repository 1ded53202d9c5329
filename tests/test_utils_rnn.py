"""utils.rnn, utils.temporal, utils.clipping and utils.sequences: hand-computed values, numerical
gradients (through h0 and with a mask), and PyTorch (when installed) as an independent oracle:
torch.nn.RNN with copied weights, cross_entropy with ignore_index, clip_grad_norm_, clip_grad_value_,
and truncated BPTT with h.detach()."""

import numpy as np
import pytest

from utils.clipping import clip_grad_norm, clip_grad_value, global_norm
from utils.gradcheck import numerical_gradient, numerical_gradient_array, rel_error
from utils.optim import adam
from utils.rnn import (init_rnn_params, rnn_backward, rnn_forward, rnn_loss, rnn_scores, rnn_step_backward,
                       rnn_step_forward, tbptt_train, truncated_bptt)
from utils.sequences import adding, parity, recall
from utils.temporal import temporal_affine_backward, temporal_affine_forward, temporal_softmax_loss

TOL = 1e-7  # relative error of centred differences in float64


def _rnn_arrays(rng, n=2, t_len=4, d=3, hidden=5):
    return {"x": rng.standard_normal((n, t_len, d)), "h0": rng.uniform(-0.9, 0.9, (n, hidden)),
            "Wx": 0.6 * rng.standard_normal((d, hidden)), "Wh": 0.6 * rng.standard_normal((hidden, hidden)),
            "b": 0.5 * rng.standard_normal(hidden)}


def _params(rng, d=2, hidden=3, k=3):
    return {"Wx": rng.standard_normal((d, hidden)), "Wh": 0.6 * rng.standard_normal((hidden, hidden)),
            "b": 0.5 * rng.standard_normal(hidden), "Wy": rng.standard_normal((hidden, k)),
            "by": 0.5 * rng.standard_normal(k)}


# ----------------------------------------------------------------------------- hand-computed values

def test_rnn_step_forward_hand_computed():
    x, prev_h = np.array([[1.0, 2.0]]), np.array([[0.5, -1.0]])
    Wx, Wh, b = np.array([[0.5, 0.0], [0.0, -0.25]]), np.array([[1.0, 0.0], [1.0, 1.0]]), np.array([0.0, 1.0])
    next_h, _ = rnn_step_forward(x, prev_h, Wx, Wh, b)  # a = [0.5 - 0.5, -0.5 - 1 + 1] = [0, -0.5]
    assert np.allclose(next_h, np.tanh([[0.0, -0.5]]), rtol=1e-12)


def test_rnn_step_backward_hand_computed():
    _, cache = rnn_step_forward(np.array([[2.0]]), np.array([[1.0]]), np.array([[0.25]]), np.array([[-0.5]]),
                                np.array([0.0]))  # a = 0: tanh' = 1
    grads = rnn_step_backward(np.array([[3.0]]), cache)
    for got, want in zip(grads, (0.75, -1.5, 6.0, 3.0, 3.0)):
        assert np.allclose(got, want, rtol=1e-12), (got, want)


def test_rnn_backward_two_steps_by_hand():
    """One unit, two steps, loss h_2: dh0 = tanh'(a_2) Wh tanh'(a_1) Wh."""
    x, h0 = np.array([[[1.0], [-1.0]]]), np.array([[-0.25]])
    Wx, Wh, b = np.array([[0.5]]), np.array([[2.0]]), np.zeros(1)
    h, cache = rnn_forward(x, h0, Wx, Wh, b)
    assert np.allclose(h[0, 0], 0.0)  # a_1 = 0.5 - 0.5
    d2 = 1 - h[0, 1, 0] ** 2
    dx, dh0, dWx, dWh, db = rnn_backward(np.array([[[0.0], [1.0]]]), cache)
    assert np.allclose(dh0, 4 * d2) and np.allclose(dWh, -0.5 * d2) and np.allclose(db, 3 * d2)
    assert np.allclose(dx, [[[d2], [0.5 * d2]]]) and np.allclose(dWx, d2 * (2 * 1.0 - 1.0))


def test_rnn_forward_equals_the_step_loop():
    rng = np.random.default_rng(0)
    a = _rnn_arrays(rng)
    h, _ = rnn_forward(**a)
    prev = a["h0"]
    for t in range(a["x"].shape[1]):
        prev, _ = rnn_step_forward(a["x"][:, t], prev, a["Wx"], a["Wh"], a["b"])
        assert np.allclose(h[:, t], prev, rtol=1e-12)


def test_temporal_softmax_loss_hand_computed_with_mask():
    x = np.zeros((2, 2, 4))
    x[0, 0, 0] = np.log(2.0)  # p = [2/5, 1/5, 1/5, 1/5]
    y, mask = np.array([[0, 1], [2, 3]]), np.array([[1, 1], [1, 0]])
    loss, dx = temporal_softmax_loss(x, y, mask)
    assert np.isclose(loss, (np.log(2.5) + 2 * np.log(4.0)) / 3, rtol=1e-12)
    assert np.all(dx[1, 1] == 0) and np.allclose(dx[0, 0], np.array([-0.6, 0.2, 0.2, 0.2]) / 3)
    loss, dx = temporal_softmax_loss(x, y, np.zeros((2, 2)))
    assert loss == 0.0 and np.all(dx == 0)


def test_temporal_affine_hand_computed():
    x = np.array([[[1.0, 0.0], [0.0, 2.0]]])
    out, cache = temporal_affine_forward(x, np.ones((2, 1)), np.array([0.5]))
    assert np.allclose(out, [[[1.5], [2.5]]])
    dx, dw, db = temporal_affine_backward(np.array([[[1.0], [3.0]]]), cache)
    assert np.allclose(dw, [[1.0], [6.0]]) and np.allclose(db, [4.0]) and np.allclose(dx, [[[1, 1], [3, 3]]])


def test_clip_grad_norm_hand_computed():
    grads = {"W": np.array([[3.0, 0.0]]), "b": np.array([4.0])}
    clipped, scale = clip_grad_norm(grads, 1.0)
    assert scale == pytest.approx(0.2) and global_norm(clipped) == pytest.approx(1.0)
    assert np.array_equal(grads["W"], [[3.0, 0.0]]), "the input was changed"
    assert clip_grad_norm(grads, 5.0)[1] == 1.0 and clip_grad_norm({"W": np.zeros(3)}, 1.0)[1] == 1.0


def test_clip_grad_value_hand_computed():
    clipped, fraction = clip_grad_value({"W": np.array([3.0, -0.5, -2.0, 1.0]), "b": np.array([0.25, -1.0])}, 1.0)
    assert np.allclose(clipped["W"], [1.0, -0.5, -1.0, 1.0]) and fraction == pytest.approx(1 / 3)


@pytest.mark.parametrize("fn", ["step", "seq", "affine", "loss", "clip_norm", "clip_value"])
def test_float32_stays_float32(fn):
    rng = np.random.default_rng(1)
    a = {k: v.astype(np.float32) for k, v in _rnn_arrays(rng).items()}
    if fn == "step":
        h, cache = rnn_step_forward(a["x"][:, 0], a["h0"], a["Wx"], a["Wh"], a["b"])
        outs = (h, *rnn_step_backward(h, cache))
    elif fn == "seq":
        h, cache = rnn_forward(**a)
        outs = (h, *rnn_backward(h, cache))
    elif fn == "affine":
        out, cache = temporal_affine_forward(a["x"], a["Wx"], a["b"])
        outs = (out, *temporal_affine_backward(out, cache))
    elif fn == "loss":
        outs = (temporal_softmax_loss(a["x"], np.zeros((2, 4), dtype=int))[1],)
    elif fn == "clip_norm":
        outs = tuple(clip_grad_norm(a, 0.1)[0].values())
    else:
        outs = tuple(clip_grad_value(a, 0.1)[0].values())
    assert all(o.dtype == np.float32 for o in outs), [o.dtype for o in outs]


# ----------------------------------------------------------------------------- numerical gradients

def test_rnn_step_backward_numerically():
    rng = np.random.default_rng(2)
    a = _rnn_arrays(rng)
    arrays = {"x": a["x"][:, 0], "prev_h": a["h0"], "Wx": a["Wx"], "Wh": a["Wh"], "b": a["b"]}
    dout = rng.standard_normal((2, 5))
    _, cache = rnn_step_forward(**arrays)
    for (name, value), grad in zip(arrays.items(), rnn_step_backward(dout, cache)):
        num = numerical_gradient_array(lambda v, name=name: rnn_step_forward(**dict(arrays, **{name: v}))[0],
                                       value.copy(), dout)
        assert rel_error(grad, num) < TOL, name


def test_rnn_backward_numerically_including_h0():
    rng = np.random.default_rng(3)
    a = _rnn_arrays(rng)
    dh = rng.standard_normal((2, 4, 5))
    _, cache = rnn_forward(**a)
    for (name, value), grad in zip(a.items(), rnn_backward(dh, cache)):
        num = numerical_gradient_array(lambda v, name=name: rnn_forward(**dict(a, **{name: v}))[0], value.copy(), dh)
        assert rel_error(grad, num) < TOL, name


def test_temporal_layers_numerically_with_a_mask():
    rng = np.random.default_rng(4)
    x, w, b = rng.standard_normal((2, 3, 4)), rng.standard_normal((4, 5)), rng.standard_normal(5)
    dout = rng.standard_normal((2, 3, 5))
    _, cache = temporal_affine_forward(x, w, b)
    for (name, value), grad in zip({"x": x, "w": w, "b": b}.items(), temporal_affine_backward(dout, cache)):
        args = {"x": x, "w": w, "b": b}
        num = numerical_gradient_array(lambda v, name=name: temporal_affine_forward(**dict(args, **{name: v}))[0],
                                       value.copy(), dout)
        assert rel_error(grad, num) < TOL, name
    y = rng.integers(0, 4, size=(2, 3))
    mask = np.array([[True, True, False], [True, False, False]])
    _, dx = temporal_softmax_loss(x, y, mask)
    assert rel_error(dx, numerical_gradient(lambda v: temporal_softmax_loss(v, y, mask)[0], x.copy())) < TOL
    assert np.all(dx[~mask] == 0)


def test_rnn_loss_numerically_with_h0_and_mask():
    rng = np.random.default_rng(5)
    params = _params(rng)
    x, y = rng.standard_normal((3, 4, 2)), rng.integers(0, 3, size=(3, 4))
    h0 = rng.uniform(-0.9, 0.9, (3, 3))
    mask = np.array([[1, 1, 1, 1], [1, 1, 0, 0], [1, 0, 0, 0]], dtype=bool)
    loss, grads, h_last = rnn_loss(params, x, y, h0, mask)
    for name in params:
        num = numerical_gradient(lambda v, name=name: rnn_loss(dict(params, **{name: v}), x, y, h0, mask)[0],
                                 params[name].copy())
        assert rel_error(grads[name], num) < TOL, name
    scores, h_end = rnn_scores(params, x, h0)
    assert np.allclose(h_end, h_last) and scores.shape == (3, 4, 3)


# ----------------------------------------------------------------------------- truncated BPTT

def test_truncated_bptt_is_one_sgd_step_per_chunk_with_the_state_carried():
    rng = np.random.default_rng(6)
    params = _params(rng)
    x, y, h0 = rng.standard_normal((2, 7, 2)), rng.integers(0, 3, size=(2, 7)), rng.uniform(-0.5, 0.5, (2, 3))
    saved = {k: v.copy() for k, v in params.items()}
    new, h, losses = truncated_bptt(params, x, y, h0, 3, 0.1)
    assert all(np.array_equal(params[k], saved[k]) for k in params)
    expected, state = dict(params), h0
    for s, e in ((0, 3), (3, 6), (6, 7)):
        loss, grads, state = rnn_loss(expected, x[:, s:e], y[:, s:e], state)
        expected = {k: v - 0.1 * grads[k] for k, v in expected.items()}
    assert losses.shape == (3,) and losses.dtype == np.float64
    assert np.allclose(h, state) and all(np.allclose(new[k], expected[k]) for k in params)


def test_tbptt_train_carries_any_state_and_clips():
    """A state that is a tuple (as an LSTM's (h, c)) is handed from chunk to chunk unchanged in form."""
    rng = np.random.default_rng(7)
    params = _params(rng)
    seen = []

    def loss_fn(p, xc, yc, state):
        h, count = state
        seen.append(count)
        loss, grads, h = rnn_loss(p, xc, yc, h)
        return loss, {k: 1e3 * g for k, g in grads.items()}, (h, count + xc.shape[1])

    x, y = rng.standard_normal((2, 10, 2)), rng.integers(0, 3, size=(2, 10))
    configs = {k: {"learning_rate": 1e-3} for k in params}
    new, configs, (h, count), history = tbptt_train(loss_fn, params, x, y, 4, (np.zeros((2, 3)), 0),
                                                    update=adam, configs=configs, max_norm=1.0)
    assert seen == [0, 4, 8] and count == 10 and h.shape == (2, 3)
    assert len(history["loss"]) == 3 and all(0 < s < 1 for s in history["scale"])
    assert all(configs[k]["t"] == 3 for k in params)


# ----------------------------------------------------------------------------- sequences

def test_recall_task():
    x, y, mask = recall(50, 6, n_symbols=3, n_distractors=2, rng=0)
    assert x.shape == (50, 6, 5) and y.shape == (50, 6) and mask.shape == (50, 6)
    assert np.array_equal(x[:, 0, :3].argmax(axis=1), y[:, -1]) and np.all(x[:, 0, 3:] == 0)
    assert np.all(x[:, 1:, :3] == 0) and np.all(x.sum(axis=2) == 1)
    assert mask[:, -1].all() and not mask[:, :-1].any()
    again = recall(50, 6, n_symbols=3, n_distractors=2, rng=0)
    assert all(np.array_equal(a, b) for a, b in zip((x, y, mask), again))
    x1, y1, _ = recall(4, 1, rng=1)
    assert np.array_equal(x1[:, 0, :4].argmax(axis=1), y1[:, 0])


def test_adding_and_parity():
    x, target = adding(20, 10, rng=0)
    assert x.shape == (20, 10, 2) and np.all(x[:, :, 1].sum(axis=1) == 2)
    assert np.all(x[:, :5, 1].sum(axis=1) == 1)  # one marker in each half
    assert np.allclose(target, (x[:, :, 0] * x[:, :, 1]).sum(axis=1))
    bits, y = parity(5, 8, rng=0)
    assert bits.shape == (5, 8, 1) and np.array_equal(y[:, -1], bits[:, :, 0].sum(axis=1) % 2)


def test_init_rnn_params_radius():
    p = init_rnn_params(3, 6, 2, rng=0, radius=0.9)
    assert np.allclose(np.linalg.svd(p["Wh"], compute_uv=False), 0.9)
    assert set(p) == {"Wx", "Wh", "b", "Wy", "by"} and p["Wy"].shape == (6, 2)


# ----------------------------------------------------------------------------- PyTorch as an oracle

def _torch_rnn(torch, a):
    d, hidden = a["Wx"].shape
    rnn = torch.nn.RNN(d, hidden, nonlinearity="tanh", batch_first=True).double()
    rng = np.random.default_rng(11)
    b_ih = rng.standard_normal(hidden)  # split b into two bias vectors: only their sum matters
    with torch.no_grad():
        rnn.weight_ih_l0.copy_(torch.tensor(a["Wx"].T))
        rnn.weight_hh_l0.copy_(torch.tensor(a["Wh"].T))
        rnn.bias_ih_l0.copy_(torch.tensor(b_ih))
        rnn.bias_hh_l0.copy_(torch.tensor(a["b"] - b_ih))
    return rnn


@pytest.mark.parametrize("shape", [(2, 4, 3, 5), (1, 1, 2, 3), (3, 9, 4, 2)])
def test_rnn_matches_torch(shape):
    torch = pytest.importorskip("torch")
    n, t_len, d, hidden = shape
    rng = np.random.default_rng(sum(shape))
    a = _rnn_arrays(rng, n, t_len, d, hidden)
    dh = rng.standard_normal((n, t_len, hidden))
    h, cache = rnn_forward(**a)
    dx, dh0, dWx, dWh, db = rnn_backward(dh, cache)

    rnn = _torch_rnn(torch, a)
    xt = torch.tensor(a["x"], requires_grad=True)
    h0t = torch.tensor(a["h0"][None], requires_grad=True)  # (layers, N, H)
    out, h_n = rnn(xt, h0t)
    (out * torch.tensor(dh)).sum().backward()
    assert rel_error(h, out.detach().numpy()) < 1e-12 and rel_error(h[:, -1], h_n[0].detach().numpy()) < 1e-12
    assert rel_error(dx, xt.grad.numpy()) < 1e-10
    assert rel_error(dh0, h0t.grad[0].numpy()) < 1e-10
    assert rel_error(dWx, rnn.weight_ih_l0.grad.numpy().T) < 1e-10
    assert rel_error(dWh, rnn.weight_hh_l0.grad.numpy().T) < 1e-10
    assert rel_error(db, rnn.bias_ih_l0.grad.numpy()) < 1e-10 and rel_error(db, rnn.bias_hh_l0.grad.numpy()) < 1e-10


def test_temporal_softmax_loss_matches_torch_cross_entropy_with_ignore_index():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(12)
    x, y = 3 * rng.standard_normal((4, 6, 5)), rng.integers(0, 5, size=(4, 6))
    mask = np.arange(6)[None, :] < np.array([6, 3, 1, 4])[:, None]
    loss, dx = temporal_softmax_loss(x, y, mask)
    xt = torch.tensor(x, requires_grad=True)
    target = torch.tensor(np.where(mask, y, -100))
    ref = torch.nn.functional.cross_entropy(xt.reshape(-1, 5), target.reshape(-1), ignore_index=-100)
    ref.backward()
    assert loss == pytest.approx(ref.item(), rel=1e-12)
    assert rel_error(dx, xt.grad.numpy()) < 1e-10


def test_clipping_matches_torch():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(13)
    grads = {"W": 5 * rng.standard_normal((4, 3)), "b": rng.standard_normal(3)}
    for max_norm in (0.5, 100.0):
        clipped, scale = clip_grad_norm(grads, max_norm)
        ps = [torch.nn.Parameter(torch.zeros(g.shape, dtype=torch.float64)) for g in grads.values()]
        for p, g in zip(ps, grads.values()):
            p.grad = torch.tensor(g)
        norm = torch.nn.utils.clip_grad_norm_(ps, max_norm).item()
        assert norm == pytest.approx(global_norm(grads), rel=1e-12)
        for p, g in zip(ps, clipped.values()):
            assert rel_error(g, p.grad.numpy()) < 1e-5  # torch divides by norm + 1e-6
    clipped, _ = clip_grad_value(grads, 0.7)
    ps = [torch.nn.Parameter(torch.zeros(g.shape, dtype=torch.float64)) for g in grads.values()]
    for p, g in zip(ps, grads.values()):
        p.grad = torch.tensor(g)
    torch.nn.utils.clip_grad_value_(ps, 0.7)
    assert all(np.array_equal(g, p.grad.numpy()) for p, g in zip(ps, clipped.values()))


def test_truncated_bptt_matches_torch_with_detach():
    """torch.nn.RNN + Linear trained chunk by chunk, h.detach() between chunks, plain SGD."""
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(14)
    params = _params(rng, d=3, hidden=4, k=3)
    x, y, h0 = rng.standard_normal((2, 10, 3)), rng.integers(0, 3, size=(2, 10)), rng.uniform(-0.5, 0.5, (2, 4))
    new, h, losses = truncated_bptt(params, x, y, h0, 4, 0.5)

    rnn = _torch_rnn(torch, {"Wx": params["Wx"], "Wh": params["Wh"], "b": params["b"]})
    fc = torch.nn.Linear(4, 3).double()
    with torch.no_grad():
        fc.weight.copy_(torch.tensor(params["Wy"].T))
        fc.bias.copy_(torch.tensor(params["by"]))
    rnn.bias_hh_l0.requires_grad_(False)  # one trainable bias, as ours: SGD on both would move their sum twice
    opt = torch.optim.SGD([p for p in list(rnn.parameters()) + list(fc.parameters()) if p.requires_grad], lr=0.5)
    state, t_losses = torch.tensor(h0[None]), []
    for s in range(0, 10, 4):
        opt.zero_grad()
        out, state = rnn(torch.tensor(x[:, s:s + 4]), state.detach())
        loss = torch.nn.functional.cross_entropy(fc(out).reshape(-1, 3), torch.tensor(y[:, s:s + 4]).reshape(-1))
        loss.backward()
        opt.step()
        t_losses.append(loss.item())
    assert np.allclose(losses, t_losses, rtol=1e-10)
    assert rel_error(h, state[0].detach().numpy()) < 1e-10
    assert rel_error(new["Wx"], rnn.weight_ih_l0.detach().numpy().T) < 1e-10
    assert rel_error(new["Wh"], rnn.weight_hh_l0.detach().numpy().T) < 1e-10
    assert rel_error(new["b"], (rnn.bias_ih_l0 + rnn.bias_hh_l0).detach().numpy()) < 1e-10
    assert rel_error(new["Wy"], fc.weight.detach().numpy().T) < 1e-10
