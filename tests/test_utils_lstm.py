"""utils.lstm, utils.gru and utils.bidirectional: hand fixtures and numerical gradients without
torch, then every output, final state and gradient against torch.nn.LSTM / torch.nn.GRU (also
bidirectional, on packed sequences of different lengths) with copied weights."""

import numpy as np
import pytest

from utils.bidirectional import bidirectional_backward, bidirectional_forward, reverse_index
from utils.gradcheck import check_gradient, numerical_gradient
from utils.gru import gru_backward, gru_forward, gru_step_backward, gru_step_forward, init_gru_params
from utils.lstm import init_lstm_params, lstm_backward, lstm_forward, lstm_step_backward, lstm_step_forward

N, T, D, H = 3, 5, 4, 3
MASK = np.array([[1, 1, 1, 1, 1], [1, 1, 1, 0, 0], [1, 0, 0, 0, 0]], dtype=bool)


def _lstm_arrays(rng, dtype=np.float64):
    return (rng.standard_normal((N, T, D)).astype(dtype), rng.standard_normal((N, H)).astype(dtype),
            rng.standard_normal((N, H)).astype(dtype), (0.5 * rng.standard_normal((D, 4 * H))).astype(dtype),
            (0.5 * rng.standard_normal((H, 4 * H))).astype(dtype), (0.5 * rng.standard_normal(4 * H)).astype(dtype))


def _gru_arrays(rng, dtype=np.float64):
    return (rng.standard_normal((N, T, D)).astype(dtype), rng.standard_normal((N, H)).astype(dtype),
            (0.5 * rng.standard_normal((D, 3 * H))).astype(dtype), (0.5 * rng.standard_normal((H, 3 * H))).astype(dtype),
            (0.5 * rng.standard_normal(3 * H)).astype(dtype), (0.5 * rng.standard_normal(3 * H)).astype(dtype))


def _params(rng, cell):
    gates = {"rnn": 1, "lstm": 4, "gru": 3}[cell]
    p = {"Wx": 0.5 * rng.standard_normal((D, gates * H)), "Wh": 0.5 * rng.standard_normal((H, gates * H))}
    if cell == "gru":
        p.update(bx=0.5 * rng.standard_normal(3 * H), bh=0.5 * rng.standard_normal(3 * H))
    else:
        p["b"] = 0.5 * rng.standard_normal(gates * H)
    return p


# ----------------------------------------------------------------------------- without torch

def test_lstm_step_forward_hand_fixture_gate_order_i_f_g_o():
    b = np.array([np.log(3.0), -np.log(3.0), 0.5, 0.0])  # i = 3/4, f = 1/4, g = tanh(1/2), o = 1/2
    h, c, _ = lstm_step_forward(np.zeros((1, 1)), np.zeros((1, 1)), np.array([[2.0]]), np.zeros((1, 4)),
                                np.zeros((1, 4)), b)
    expected_c = 0.25 * 2.0 + 0.75 * np.tanh(0.5)
    assert np.isclose(c[0, 0], expected_c) and np.isclose(h[0, 0], 0.5 * np.tanh(expected_c))


def test_gru_step_forward_hand_fixture_pytorch_update_convention():
    # r = 1/2 (a_r = 0), z = 3/4, n = tanh(0.2 + r * 0.6): h' = (1 - z) n + z h
    bx = np.array([0.0, np.log(3.0), 0.2])
    bh = np.array([0.0, 0.0, 0.6])
    h, _ = gru_step_forward(np.zeros((1, 1)), np.array([[1.0]]), np.zeros((1, 3)), np.zeros((1, 3)), bx, bh)
    assert np.isclose(h[0, 0], 0.25 * np.tanh(0.2 + 0.5 * 0.6) + 0.75)


def test_lstm_layer_equals_its_steps_and_carries_the_cell_state():
    x, h0, c0, Wx, Wh, b = _lstm_arrays(np.random.default_rng(0))
    h, c_last, _ = lstm_forward(x, h0, c0, Wx, Wh, b)
    hs, cs = h0, c0
    for t in range(T):
        hs, cs, _ = lstm_step_forward(x[:, t], hs, cs, Wx, Wh, b)
        assert np.allclose(h[:, t], hs)
    assert np.allclose(c_last, cs)
    # two chunks carrying (h, c) give the same states as one pass
    h1, c1, _ = lstm_forward(x[:, :2], h0, c0, Wx, Wh, b)
    h2, c2, _ = lstm_forward(x[:, 2:], h1[:, -1], c1, Wx, Wh, b)
    assert np.allclose(np.concatenate([h1, h2], axis=1), h) and np.allclose(c2, c_last)
    h_zero, _, _ = lstm_forward(x, h0, None, Wx, Wh, b)
    h_zero_explicit, _, _ = lstm_forward(x, h0, np.zeros_like(c0), Wx, Wh, b)
    assert np.allclose(h_zero, h_zero_explicit)


def test_gru_layer_equals_its_steps():
    x, h0, Wx, Wh, bx, bh = _gru_arrays(np.random.default_rng(1))
    h, _ = gru_forward(x, h0, Wx, Wh, bx, bh)
    hs = h0
    for t in range(T):
        hs, _ = gru_step_forward(x[:, t], hs, Wx, Wh, bx, bh)
        assert np.allclose(h[:, t], hs)


def _check_all(analytic, arrays, outputs_of, douts):
    """Numerical gradient of sum_k <outputs_of(arrays)[k], douts[k]> for every array."""
    for a, grad in enumerate(analytic):
        def f(v, a=a):
            moved = list(arrays)
            moved[a] = v
            return sum(float(np.sum(o * d)) for o, d in zip(outputs_of(*moved), douts))
        check_gradient(grad, numerical_gradient(f, arrays[a].copy()), f"gradient {a}")


def test_lstm_step_backward_numerical():
    rng = np.random.default_rng(2)
    x, h0, c0, Wx, Wh, b = _lstm_arrays(rng)
    arrays = (x[:, 0], h0, c0, Wx, Wh, b)
    dh, dc = rng.standard_normal((N, H)), rng.standard_normal((N, H))
    _, _, cache = lstm_step_forward(*arrays)
    _check_all(lstm_step_backward(dh, dc, cache), arrays, lambda *a: lstm_step_forward(*a)[:2], (dh, dc))


def test_lstm_backward_numerical_with_final_cell_gradient():
    rng = np.random.default_rng(3)
    arrays = _lstm_arrays(rng)
    dh, dc = rng.standard_normal((N, T, H)), rng.standard_normal((N, H))
    _, _, cache = lstm_forward(*arrays)
    _check_all(lstm_backward(dh, cache, dc), arrays, lambda *a: lstm_forward(*a)[:2], (dh, dc))


def test_gru_backward_numerical():
    rng = np.random.default_rng(4)
    arrays = _gru_arrays(rng)
    dh = rng.standard_normal((N, T, H))
    _, cache = gru_forward(*arrays)
    _check_all(gru_backward(dh, cache), arrays, lambda *a: gru_forward(*a)[:1], (dh,))
    step_arrays = (arrays[0][:, 0],) + arrays[1:]
    _, cache = gru_step_forward(*step_arrays)
    _check_all(gru_step_backward(dh[:, 0], cache), step_arrays, lambda *a: gru_step_forward(*a)[:1], (dh[:, 0],))


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_bidirectional_numerical_with_mask_and_no_leak(cell):
    rng = np.random.default_rng(5)
    x, pf, pb = rng.standard_normal((N, T, D)), _params(rng, cell), _params(rng, cell)
    dh = rng.standard_normal((N, T, 2 * H))
    h, cache = bidirectional_forward(x, pf, pb, cell, MASK)
    assert np.all(h[~MASK] == 0)
    moved = x.copy()
    moved[~MASK] = 50.0  # padding must change nothing
    assert np.array_equal(bidirectional_forward(moved, pf, pb, cell, MASK)[0], h)
    dx, gf, gb = bidirectional_backward(dh, cache)
    assert np.all(dx[~MASK] == 0)
    check_gradient(dx, numerical_gradient(lambda v: np.sum(bidirectional_forward(v, pf, pb, cell, MASK)[0] * dh),
                                          x.copy()), "dx")
    for params, grads, which in ((pf, gf, 0), (pb, gb, 1)):
        for key in params:
            def f(v, key=key, which=which):
                both = [pf, pb]
                both[which] = dict(both[which], **{key: v})
                return np.sum(bidirectional_forward(x, *both, cell, MASK)[0] * dh)
            check_gradient(grads[key], numerical_gradient(f, params[key].copy()), f"{key} ({which})")


def test_reverse_index_is_its_own_inverse():
    index = reverse_index(MASK, T)
    assert index.tolist() == [[4, 3, 2, 1, 0], [2, 1, 0, 3, 4], [0, 1, 2, 3, 4]]
    rows = np.arange(N)[:, None]
    assert np.array_equal(index[rows, index], np.broadcast_to(np.arange(T), (N, T)))


def test_float32_stays_float32():
    rng = np.random.default_rng(6)
    arrays = _lstm_arrays(rng, np.float32)
    h, c, cache = lstm_forward(*arrays)
    grads = lstm_backward(rng.standard_normal((N, T, H)).astype(np.float32), cache,
                          rng.standard_normal((N, H)).astype(np.float32))
    assert h.dtype == c.dtype == np.float32 and all(g.dtype == np.float32 for g in grads)
    garrays = _gru_arrays(rng, np.float32)
    h, cache = gru_forward(*garrays)
    assert h.dtype == np.float32
    assert all(g.dtype == np.float32 for g in gru_backward(np.ones_like(h), cache))
    params = {k: v.astype(np.float32) for k, v in init_lstm_params(D, H).items()}
    out, cache = bidirectional_forward(arrays[0], params, params, "lstm", MASK)
    assert out.dtype == np.float32 and bidirectional_backward(np.ones_like(out), cache)[0].dtype == np.float32


def test_init_params_shapes_and_forget_bias():
    p = init_lstm_params(D, H, rng=0, forget_bias=1.0)
    assert p["Wx"].shape == (D, 4 * H) and p["Wh"].shape == (H, 4 * H)
    assert np.array_equal(p["b"], np.r_[np.zeros(H), np.ones(H), np.zeros(2 * H)])
    g = init_gru_params(D, H, rng=0)
    assert g["Wx"].shape == (D, 3 * H) and g["bh"].shape == (3 * H,)


# ----------------------------------------------------------------------------- against torch

def _grads_close(ours, theirs, name, rtol=1e-9):
    theirs = theirs.detach().numpy()
    scale = max(np.abs(theirs).max(), 1e-12)
    assert np.abs(ours - theirs).max() / scale < rtol, f"{name} differs from torch"


def test_lstm_matches_torch_outputs_final_states_and_every_gradient():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(7)
    x, h0, c0, Wx, Wh, b = _lstm_arrays(rng)
    dh, dh_last, dc_last = rng.standard_normal((N, T, H)), rng.standard_normal((N, H)), rng.standard_normal((N, H))
    layer = torch.nn.LSTM(D, H, batch_first=True).double()
    bias_split = rng.standard_normal(4 * H)  # torch's two biases only ever appear summed
    with torch.no_grad():
        layer.weight_ih_l0.copy_(torch.from_numpy(Wx.T.copy()))
        layer.weight_hh_l0.copy_(torch.from_numpy(Wh.T.copy()))
        layer.bias_ih_l0.copy_(torch.from_numpy(b - bias_split))
        layer.bias_hh_l0.copy_(torch.from_numpy(bias_split))
    tx = torch.tensor(x, requires_grad=True)
    th0, tc0 = torch.tensor(h0[None], requires_grad=True), torch.tensor(c0[None], requires_grad=True)
    out, (hn, cn) = layer(tx, (th0, tc0))
    (torch.sum(out * torch.from_numpy(dh)) + torch.sum(hn[0] * torch.from_numpy(dh_last))
     + torch.sum(cn[0] * torch.from_numpy(dc_last))).backward()

    h, c_last, cache = lstm_forward(x, h0, c0, Wx, Wh, b)
    _grads_close(h, out, "h")
    _grads_close(c_last, cn[0], "c_last")
    _grads_close(h[:, -1], hn[0], "h_last")
    dh_total = dh.copy()
    dh_total[:, -1] += dh_last  # the gradient on the final hidden state goes into dh[:, -1]
    dx, dh0, dc0, dWx, dWh, db = lstm_backward(dh_total, cache, dc_last)
    _grads_close(dx, tx.grad, "dx")
    _grads_close(dh0, th0.grad[0], "dh0")
    _grads_close(dc0, tc0.grad[0], "dc0")
    _grads_close(dWx, layer.weight_ih_l0.grad.T, "dWx")
    _grads_close(dWh, layer.weight_hh_l0.grad.T, "dWh")
    _grads_close(db, layer.bias_ih_l0.grad, "db")
    _grads_close(db, layer.bias_hh_l0.grad, "db (hh)")


def test_gru_matches_torch_outputs_and_every_gradient():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(8)
    x, h0, Wx, Wh, bx, bh = _gru_arrays(rng)
    dh = rng.standard_normal((N, T, H))
    layer = torch.nn.GRU(D, H, batch_first=True).double()
    with torch.no_grad():
        for name, value in (("weight_ih_l0", Wx.T), ("weight_hh_l0", Wh.T), ("bias_ih_l0", bx), ("bias_hh_l0", bh)):
            getattr(layer, name).copy_(torch.from_numpy(value.copy()))
    tx, th0 = torch.tensor(x, requires_grad=True), torch.tensor(h0[None], requires_grad=True)
    out, hn = layer(tx, th0)
    torch.sum(out * torch.from_numpy(dh)).backward()
    h, cache = gru_forward(x, h0, Wx, Wh, bx, bh)
    _grads_close(h, out, "h")
    _grads_close(h[:, -1], hn[0], "h_last")
    dx, dh0, dWx, dWh, dbx, dbh = gru_backward(dh, cache)
    for ours, theirs, name in ((dx, tx.grad, "dx"), (dh0, th0.grad[0], "dh0"), (dWx, layer.weight_ih_l0.grad.T, "dWx"),
                               (dWh, layer.weight_hh_l0.grad.T, "dWh"), (dbx, layer.bias_ih_l0.grad, "dbx"),
                               (dbh, layer.bias_hh_l0.grad, "dbh")):
        _grads_close(ours, theirs, name)


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_bidirectional_matches_torch_on_packed_sequences(cell):
    torch = pytest.importorskip("torch")
    from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

    rng = np.random.default_rng(9)
    x, pf, pb = rng.standard_normal((N, T, D)), _params(rng, cell), _params(rng, cell)
    dh = rng.standard_normal((N, T, 2 * H))
    kind = {"rnn": torch.nn.RNN, "lstm": torch.nn.LSTM, "gru": torch.nn.GRU}[cell]
    layer = kind(D, H, batch_first=True, bidirectional=True).double()
    with torch.no_grad():
        for suffix, p in (("l0", pf), ("l0_reverse", pb)):
            getattr(layer, f"weight_ih_{suffix}").copy_(torch.from_numpy(p["Wx"].T.copy()))
            getattr(layer, f"weight_hh_{suffix}").copy_(torch.from_numpy(p["Wh"].T.copy()))
            bias_ih = p["bx"] if cell == "gru" else p["b"]
            bias_hh = p["bh"] if cell == "gru" else np.zeros_like(p["b"])
            getattr(layer, f"bias_ih_{suffix}").copy_(torch.from_numpy(bias_ih.copy()))
            getattr(layer, f"bias_hh_{suffix}").copy_(torch.from_numpy(bias_hh.copy()))
    tx = torch.tensor(x, requires_grad=True)
    packed = pack_padded_sequence(tx, torch.tensor(MASK.sum(axis=1)), batch_first=True, enforce_sorted=False)
    out, _ = layer(packed)
    out, _ = pad_packed_sequence(out, batch_first=True, total_length=T)
    torch.sum(out * torch.from_numpy(dh)).backward()

    h, cache = bidirectional_forward(x, pf, pb, cell, MASK)
    _grads_close(h, out, "h")
    dx, gf, gb = bidirectional_backward(dh, cache)
    _grads_close(dx, tx.grad, "dx")
    for suffix, grads in (("l0", gf), ("l0_reverse", gb)):
        _grads_close(grads["Wx"], getattr(layer, f"weight_ih_{suffix}").grad.T, f"dWx {suffix}")
        _grads_close(grads["Wh"], getattr(layer, f"weight_hh_{suffix}").grad.T, f"dWh {suffix}")
        _grads_close(grads["bx" if cell == "gru" else "b"], getattr(layer, f"bias_ih_{suffix}").grad, f"db {suffix}")
        if cell == "gru":
            _grads_close(grads["bh"], getattr(layer, f"bias_hh_{suffix}").grad, f"dbh {suffix}")


def test_lstm_float32_matches_torch():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(10)
    x, h0, c0, Wx, Wh, b = _lstm_arrays(rng, np.float32)
    layer = torch.nn.LSTM(D, H, batch_first=True)
    with torch.no_grad():
        layer.weight_ih_l0.copy_(torch.from_numpy(Wx.T.copy()))
        layer.weight_hh_l0.copy_(torch.from_numpy(Wh.T.copy()))
        layer.bias_ih_l0.copy_(torch.from_numpy(b))
        layer.bias_hh_l0.zero_()
    out, (_, cn) = layer(torch.from_numpy(x), (torch.from_numpy(h0[None]), torch.from_numpy(c0[None])))
    h, c_last, _ = lstm_forward(x, h0, c0, Wx, Wh, b)
    _grads_close(h, out, "h float32", rtol=1e-5)
    _grads_close(c_last, cn[0], "c_last float32", rtol=1e-5)


def test_bench_lstm_prints_both_dtypes():
    pytest.importorskip("torch")
    from autograder.bench_lstm import bench_lstm

    lines = []
    results = bench_lstm(repeats=1, print_fn=lines.append)
    assert set(results) == {"float64", "float32"} and all(r[2] is not None for r in results.values())
    assert any("float32" in line for line in lines)
