"""utils.ctc: brute-force enumeration of alignments on tiny cases, numerical gradients, the
decoders, then the loss and its gradient against torch.nn.functional.ctc_loss on mixed lengths."""

import itertools

import numpy as np
import pytest

from utils.ctc import (ctc_alpha, ctc_beta, ctc_extend_targets, ctc_greedy_decode, ctc_log_softmax,
                       ctc_loss_backward, ctc_loss_forward, ctc_prefix_beam_search)
from utils.gradcheck import numerical_gradient


def _collapse(path, blank=0):
    out = []
    prev = None
    for c in path:
        if c != prev and c != blank:
            out.append(int(c))
        prev = c
    return tuple(out)


def _brute_loss(log_probs, target, blank=0):
    """-log of the summed probability of every path of length T that collapses to target."""
    t_len, n_classes = log_probs.shape
    logs = [log_probs[np.arange(t_len), list(path)].sum()
            for path in itertools.product(range(n_classes), repeat=t_len) if _collapse(path, blank) == tuple(target)]
    return -np.logaddexp.reduce(logs) if logs else np.inf


def _brute_best(log_probs, blank=0):
    totals = {}
    t_len, n_classes = log_probs.shape
    for path in itertools.product(range(n_classes), repeat=t_len):
        key = _collapse(path, blank)
        totals[key] = np.logaddexp(totals.get(key, -np.inf), log_probs[np.arange(t_len), list(path)].sum())
    return max(totals.items(), key=lambda kv: kv[1])


def test_extended_targets_and_skips():
    ext, lengths, skip = ctc_extend_targets(np.array([[1, 1, 2], [3, 0, 0], [0, 0, 0]]), np.array([3, 1, 0]))
    assert ext.tolist()[0] == [0, 1, 0, 1, 0, 2, 0]
    assert ext.tolist()[1][:3] == [0, 3, 0]
    assert lengths.tolist() == [7, 3, 1]
    assert skip[0].tolist() == [False, False, False, False, False, True, False]
    assert not skip[1].any() and not skip[2].any()


@pytest.mark.parametrize("target", [(), (1,), (1, 1), (1, 2), (2, 1, 2), (1, 1, 1), (2, 2, 1, 1)])
@pytest.mark.parametrize("t_len", [1, 3, 5])
def test_loss_matches_enumeration(target, t_len):
    rng = np.random.default_rng(len(target) * 10 + t_len)
    logits = 2 * rng.standard_normal((1, t_len, 3))
    targets = np.array([list(target) + [0] * (4 - len(target))])
    loss, _ = ctc_loss_forward(logits, targets, [t_len], [len(target)])
    expected = _brute_loss(ctc_log_softmax(logits[0]), target)
    if np.isinf(expected):
        assert np.isinf(loss[0]) and loss[0] > 0
    else:
        np.testing.assert_allclose(loss[0], expected, rtol=1e-10)


def test_padding_and_own_lengths():
    rng = np.random.default_rng(1)
    logits = rng.standard_normal((3, 7, 4))
    targets = np.array([[1, 2, 2], [3, 1, 0], [2, 0, 0]])
    in_len, tg_len = np.array([7, 4, 2]), np.array([3, 2, 1])
    loss, cache = ctc_loss_forward(logits, targets, in_len, tg_len)
    grad = ctc_loss_backward(np.ones(3), cache)
    for n in range(3):
        alone, c1 = ctc_loss_forward(logits[n:n + 1, :in_len[n]], targets[n:n + 1, :tg_len[n]], in_len[n:n + 1],
                                     tg_len[n:n + 1])
        np.testing.assert_allclose(loss[n], alone[0], rtol=1e-12)
        np.testing.assert_allclose(grad[n, :in_len[n]], ctc_loss_backward(np.ones(1), c1)[0], atol=1e-12)
        assert np.all(grad[n, in_len[n]:] == 0)


def test_alpha_beta_agree_at_every_step():
    rng = np.random.default_rng(2)
    log_probs = ctc_log_softmax(rng.standard_normal((2, 6, 4)))
    ext, lengths, skip = ctc_extend_targets(np.array([[1, 1], [2, 3]]), np.array([2, 2]))
    in_len = np.array([6, 5])
    alpha = ctc_alpha(log_probs, in_len, ext, lengths, skip)
    beta = ctc_beta(log_probs, in_len, ext, lengths, skip)
    emit = np.take_along_axis(log_probs, np.broadcast_to(ext[:, None, :], (2, 6, ext.shape[1])), axis=2)
    with np.errstate(invalid="ignore"):
        per_t = np.logaddexp.reduce(alpha + beta - emit, axis=2)
    for n in range(2):
        np.testing.assert_allclose(per_t[n, :in_len[n]], per_t[n, 0], rtol=1e-12)


def test_gradient_numerically():
    rng = np.random.default_rng(3)
    logits = rng.standard_normal((2, 5, 3))
    targets, in_len, tg_len = np.array([[1, 1], [2, 0]]), np.array([5, 3]), np.array([2, 1])
    dloss = np.array([0.7, -1.3])
    _, cache = ctc_loss_forward(logits, targets, in_len, tg_len)
    grad = ctc_loss_backward(dloss, cache)
    num = numerical_gradient(lambda x: float(dloss @ ctc_loss_forward(x, targets, in_len, tg_len)[0]), logits.copy())
    np.testing.assert_allclose(grad, num, atol=1e-6)


def test_infeasible_empty_extreme_and_float32():
    logits = np.zeros((3, 2, 3))
    loss, cache = ctc_loss_forward(logits, np.array([[1, 1], [1, 2], [0, 0]]), [2, 2, 2], [2, 2, 0])
    assert np.isinf(loss[0]) and np.isfinite(loss[1:]).all()
    np.testing.assert_allclose(loss[2], -2 * np.log(1 / 3))
    grad = ctc_loss_backward(np.ones(3), cache)
    assert np.all(grad[0] == 0) and np.isfinite(grad).all()
    big = np.random.default_rng(4).choice([-1e3, 1e3], size=(2, 8, 4))
    loss, cache = ctc_loss_forward(big, np.array([[1, 2], [3, 3]]), [8, 8], [2, 2])
    assert np.isfinite(ctc_loss_backward(np.ones(2), cache)).all()
    small = np.random.default_rng(5).standard_normal((2, 200, 5)).astype(np.float32)
    loss32, cache32 = ctc_loss_forward(small, np.array([[1, 2, 3], [4, 4, 0]]), [200, 150], [3, 2])
    assert loss32.dtype == np.float32 and np.isfinite(loss32).all()
    assert ctc_loss_backward(np.ones(2, np.float32), cache32).dtype == np.float32
    loss64, _ = ctc_loss_forward(small.astype(np.float64), np.array([[1, 2, 3], [4, 4, 0]]), [200, 150], [3, 2])
    np.testing.assert_allclose(loss32, loss64, rtol=1e-4)


def test_greedy_decode():
    path = np.array([[1, 1, 0, 1, 2, 2, 0, 0, 3]])
    logits = np.eye(4)[path] * 5
    assert ctc_greedy_decode(logits, [9]) == [[1, 1, 2, 3]]
    assert ctc_greedy_decode(logits, [3]) == [[1]]


@pytest.mark.parametrize("seed", range(6))
def test_beam_search_finds_most_probable_labelling(seed):
    rng = np.random.default_rng(seed)
    log_probs = ctc_log_softmax(1.5 * rng.standard_normal((5, 3)))
    best, score = ctc_prefix_beam_search(log_probs, beam_width=200)
    expected, expected_score = _brute_best(log_probs)
    np.testing.assert_allclose(score, expected_score, rtol=1e-10)
    assert best == expected


def test_beam_search_repeated_label_needs_blank():
    # "1 1" is only reachable through a blank in between; p(1, blank, 1) dominates
    probs = np.array([[0.1, 0.9, 0.0], [0.8, 0.2, 0.0], [0.1, 0.9, 0.0]]) + 1e-12
    best, _ = ctc_prefix_beam_search(np.log(probs / probs.sum(1, keepdims=True)), beam_width=4)
    assert best == (1, 1)


# ----------------------------------------------------------------------------- against torch

@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_matches_torch_ctc_loss(seed, dtype):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(seed)
    n, t_len, n_classes, s_max = 6, 30, 6, 8
    logits = (2 * rng.standard_normal((n, t_len, n_classes))).astype(dtype)
    in_len = rng.integers(18, t_len + 1, size=n)
    in_len[0] = t_len
    tg_len = rng.integers(0, s_max + 1, size=n)
    targets = rng.integers(1, n_classes, size=(n, s_max))
    targets[0, :3] = 2  # repeats
    tg_len[0] = max(tg_len[0], 3)
    loss, cache = ctc_loss_forward(logits, targets, in_len, tg_len)
    dloss = rng.standard_normal(n).astype(dtype)
    grad = ctc_loss_backward(dloss, cache)

    x = torch.tensor(logits, requires_grad=True)
    lp = torch.log_softmax(x, dim=2).transpose(0, 1)
    tl = torch.nn.functional.ctc_loss(lp, torch.tensor(targets), torch.tensor(in_len), torch.tensor(tg_len),
                                      blank=0, reduction="none", zero_infinity=True)
    tl.backward(torch.tensor(dloss))
    tol = 1e-9 if dtype == np.float64 else 1e-4
    np.testing.assert_allclose(loss, tl.detach().numpy(), rtol=tol, atol=tol)
    np.testing.assert_allclose(grad, x.grad.numpy(), rtol=tol, atol=tol)
