"""Wrong versions of 05_mlp's graded functions: the mistakes students really make.

The test suite puts each one into the released notebook in place of the student's cell (the other
cells keep the reference), grades it, and asserts that it loses points, and only in tests that
call its function (see hidden_tests.py for which tests a function's mistakes reach: a forward
pass is also called by its backward test and, through mlp_loss, by both mlp_loss tests). The
first version of each function is the demo's "typical mistake", so it fails every test that calls
that function.

A backward version is paired with the reference forward pass, whose cache is (x, w, b) for
affine, the input x for ReLU and the output for sigmoid and tanh; the mistakes are written
against that layout (e.g. "re-applies tanh to the cached output" is the cache-confusion mistake
behind "1 - x^2 instead of 1 - tanh(x)^2").
"""

WRONG = {
    "affine_forward": [
        ("forgets to flatten x: x @ w fails on images (N, d_1, d_2)", '''
def affine_forward(x, w, b):
    out = x @ w + b
    return out, (x, w, b)
'''),
        ("forgets the bias", '''
def affine_forward(x, w, b):
    out = x.reshape(x.shape[0], -1) @ w
    return out, (x, w, b)
'''),
        ("casts to float64, so float32 inputs give float64", '''
import numpy as np
def affine_forward(x, w, b):
    x, w, b = (np.asarray(v, dtype=np.float64) for v in (x, w, b))
    out = x.reshape(x.shape[0], -1) @ w + b
    return out, (x, w, b)
'''),
        ("caches the flattened x, so dx comes back (N, D) instead of x's shape", '''
def affine_forward(x, w, b):
    x = x.reshape(x.shape[0], -1)
    return x @ w + b, (x, w, b)
'''),
    ],
    "affine_backward": [
        ("dw = x @ dout instead of x.T @ dout", '''
def affine_backward(dout, cache):
    x, w, b = cache
    x2 = x.reshape(x.shape[0], -1)
    dx = (dout @ w.T).reshape(x.shape)
    dw = x2 @ dout
    db = dout.sum(axis=0)
    return dx, dw, db
'''),
        ("db not summed over the batch: db = dout", '''
def affine_backward(dout, cache):
    x, w, b = cache
    dx = (dout @ w.T).reshape(x.shape)
    dw = x.reshape(x.shape[0], -1).T @ dout
    return dx, dw, dout
'''),
        ("forgets to reshape dx back to x's shape", '''
def affine_backward(dout, cache):
    x, w, b = cache
    dx = dout @ w.T
    dw = x.reshape(x.shape[0], -1).T @ dout
    return dx, dw, dout.sum(axis=0)
'''),
        ("dw transposed: dout.T @ x, shape (M, D)", '''
def affine_backward(dout, cache):
    x, w, b = cache
    dx = (dout @ w.T).reshape(x.shape)
    dw = dout.T @ x.reshape(x.shape[0], -1)
    return dx, dw, dout.sum(axis=0)
'''),
        ("db averaged over the batch instead of summed", '''
def affine_backward(dout, cache):
    x, w, b = cache
    dx = (dout @ w.T).reshape(x.shape)
    dw = x.reshape(x.shape[0], -1).T @ dout
    return dx, dw, dout.mean(axis=0)
'''),
    ],
    "relu_forward": [
        ("np.max(0, x) instead of np.maximum(0, x)", '''
import numpy as np
def relu_forward(x):
    return np.max(0, x), x
'''),
        ("returns the mask x > 0 instead of the values", '''
def relu_forward(x):
    return (x > 0).astype(x.dtype), x
'''),
        ("computes in float64, so float32 input gives float64", '''
import numpy as np
def relu_forward(x):
    return np.maximum(0.0, np.asarray(x, dtype=np.float64)), x
'''),
        ("absolute value instead of max(0, x)", '''
import numpy as np
def relu_forward(x):
    return np.abs(x), x
'''),
    ],
    "relu_backward": [
        ("passes dout through unchanged", '''
def relu_backward(dout, cache):
    return dout
'''),
        ("masks with dout > 0 instead of x > 0", '''
def relu_backward(dout, cache):
    return dout * (dout > 0)
'''),
        ("x >= 0: passes the gradient at exactly 0", '''
def relu_backward(dout, cache):
    x = cache
    return dout * (x >= 0)
'''),
        ("returns the mask, forgetting to multiply by dout", '''
def relu_backward(dout, cache):
    x = cache
    return (x > 0).astype(dout.dtype)
'''),
    ],
    "sigmoid_forward": [
        ("sign flipped: 1 / (1 + exp(x))", '''
import numpy as np
def sigmoid_forward(x):
    out = 1 / (1 + np.exp(x))
    return out, out
'''),
        ("exp(x) / (1 + exp(x)): nan at x = +1000", '''
import numpy as np
def sigmoid_forward(x):
    e = np.exp(x)
    out = e / (1 + e)
    return out, out
'''),
        ("computes in float64, so float32 input gives float64", '''
import numpy as np
def sigmoid_forward(x):
    x = np.asarray(x, dtype=np.float64)
    out = 1 / (1 + np.exp(-x))
    return out, out
'''),
    ],
    "sigmoid_backward": [
        ("dout * s, forgetting the factor (1 - s)", '''
def sigmoid_backward(dout, cache):
    s = cache
    return dout * s
'''),
        ("s * (1 - s) without dout", '''
def sigmoid_backward(dout, cache):
    s = cache
    return s * (1 - s)
'''),
        ("treats the cached output as the input: sigma(s) (1 - sigma(s))", '''
import numpy as np
def sigmoid_backward(dout, cache):
    s = 1 / (1 + np.exp(-cache))
    return dout * s * (1 - s)
'''),
        ("dout * s * (1 + s): sign slip", '''
def sigmoid_backward(dout, cache):
    s = cache
    return dout * s * (1 + s)
'''),
    ],
    "tanh_forward": [
        ("2 sigmoid(x) - 1, which is tanh(x / 2)", '''
import numpy as np
def tanh_forward(x):
    out = 2 / (1 + np.exp(-x)) - 1
    return out, out
'''),
        ("written with exponentials: nan at +-1000", '''
import numpy as np
def tanh_forward(x):
    out = (np.exp(x) - np.exp(-x)) / (np.exp(x) + np.exp(-x))
    return out, out
'''),
        ("computes in float64, so float32 input gives float64", '''
import numpy as np
def tanh_forward(x):
    out = np.tanh(np.asarray(x, dtype=np.float64))
    return out, out
'''),
    ],
    "tanh_backward": [
        ("t (1 - t): the sigmoid's derivative pasted in", '''
def tanh_backward(dout, cache):
    t = cache
    return dout * t * (1 - t)
'''),
        ("re-applies tanh to the cached output: 1 - tanh(t)^2 instead of 1 - t^2", '''
import numpy as np
def tanh_backward(dout, cache):
    return dout * (1 - np.tanh(cache) ** 2)
'''),
        ("1 - t, forgetting the square", '''
def tanh_backward(dout, cache):
    t = cache
    return dout * (1 - t)
'''),
        ("1 - t^2 without dout", '''
def tanh_backward(dout, cache):
    t = cache
    return 1 - t * t
'''),
    ],
    "mlp_loss": [
        ("applies the activation after the last layer too", '''
def mlp_loss(params, X, y=None, reg=0.0, activation="relu"):
    forward = {"relu": relu_forward, "sigmoid": sigmoid_forward, "tanh": tanh_forward}[activation]
    backward = {"relu": relu_backward, "sigmoid": sigmoid_backward, "tanh": tanh_backward}[activation]
    L = len(params) // 2
    h, caches = X, []
    for l in range(1, L + 1):
        a, fc_cache = affine_forward(h, params[f"W{l}"], params[f"b{l}"])
        h, act_cache = forward(a)
        caches.append((fc_cache, act_cache))
    scores = h
    if y is None:
        return scores
    loss, dh = softmax_cross_entropy(scores, y)
    grads = {}
    for l in range(L, 0, -1):
        fc_cache, act_cache = caches[l - 1]
        dh, grads[f"W{l}"], grads[f"b{l}"] = affine_backward(backward(dh, act_cache), fc_cache)
    for l in range(1, L + 1):
        loss += 0.5 * reg * (params[f"W{l}"] ** 2).sum()
        grads[f"W{l}"] = grads[f"W{l}"] + reg * params[f"W{l}"]
    return float(loss), grads
'''),
        ("regularisation in the loss but missing from the gradients", '''
def mlp_loss(params, X, y=None, reg=0.0, activation="relu"):
    forward = {"relu": relu_forward, "sigmoid": sigmoid_forward, "tanh": tanh_forward}[activation]
    backward = {"relu": relu_backward, "sigmoid": sigmoid_backward, "tanh": tanh_backward}[activation]
    L = len(params) // 2
    h, caches = X, []
    for l in range(1, L):
        a, fc_cache = affine_forward(h, params[f"W{l}"], params[f"b{l}"])
        h, act_cache = forward(a)
        caches.append((fc_cache, act_cache))
    scores, out_cache = affine_forward(h, params[f"W{L}"], params[f"b{L}"])
    if y is None:
        return scores
    loss, dscores = softmax_cross_entropy(scores, y)
    grads = {}
    dh, grads[f"W{L}"], grads[f"b{L}"] = affine_backward(dscores, out_cache)
    for l in range(L - 1, 0, -1):
        fc_cache, act_cache = caches[l - 1]
        dh, grads[f"W{l}"], grads[f"b{l}"] = affine_backward(backward(dh, act_cache), fc_cache)
    for l in range(1, L + 1):
        loss += 0.5 * reg * (params[f"W{l}"] ** 2).sum()
    return float(loss), grads
'''),
        ("penalty reg * ||W||^2 without the 1/2, gradient still reg * W", '''
def mlp_loss(params, X, y=None, reg=0.0, activation="relu"):
    forward = {"relu": relu_forward, "sigmoid": sigmoid_forward, "tanh": tanh_forward}[activation]
    backward = {"relu": relu_backward, "sigmoid": sigmoid_backward, "tanh": tanh_backward}[activation]
    L = len(params) // 2
    h, caches = X, []
    for l in range(1, L):
        a, fc_cache = affine_forward(h, params[f"W{l}"], params[f"b{l}"])
        h, act_cache = forward(a)
        caches.append((fc_cache, act_cache))
    scores, out_cache = affine_forward(h, params[f"W{L}"], params[f"b{L}"])
    if y is None:
        return scores
    loss, dscores = softmax_cross_entropy(scores, y)
    grads = {}
    dh, grads[f"W{L}"], grads[f"b{L}"] = affine_backward(dscores, out_cache)
    for l in range(L - 1, 0, -1):
        fc_cache, act_cache = caches[l - 1]
        dh, grads[f"W{l}"], grads[f"b{l}"] = affine_backward(backward(dh, act_cache), fc_cache)
    for l in range(1, L + 1):
        loss += reg * (params[f"W{l}"] ** 2).sum()
        grads[f"W{l}"] = grads[f"W{l}"] + reg * params[f"W{l}"]
    return float(loss), grads
'''),
        ("regularises the biases too", '''
def mlp_loss(params, X, y=None, reg=0.0, activation="relu"):
    forward = {"relu": relu_forward, "sigmoid": sigmoid_forward, "tanh": tanh_forward}[activation]
    backward = {"relu": relu_backward, "sigmoid": sigmoid_backward, "tanh": tanh_backward}[activation]
    L = len(params) // 2
    h, caches = X, []
    for l in range(1, L):
        a, fc_cache = affine_forward(h, params[f"W{l}"], params[f"b{l}"])
        h, act_cache = forward(a)
        caches.append((fc_cache, act_cache))
    scores, out_cache = affine_forward(h, params[f"W{L}"], params[f"b{L}"])
    if y is None:
        return scores
    loss, dscores = softmax_cross_entropy(scores, y)
    grads = {}
    dh, grads[f"W{L}"], grads[f"b{L}"] = affine_backward(dscores, out_cache)
    for l in range(L - 1, 0, -1):
        fc_cache, act_cache = caches[l - 1]
        dh, grads[f"W{l}"], grads[f"b{l}"] = affine_backward(backward(dh, act_cache), fc_cache)
    for name in params:
        loss += 0.5 * reg * (params[name] ** 2).sum()
        grads[name] = grads[name] + reg * params[name]
    return float(loss), grads
'''),
        ("hard-codes two layers: ignores W3, b3, ... and fails without W2", '''
def mlp_loss(params, X, y=None, reg=0.0, activation="relu"):
    forward = {"relu": relu_forward, "sigmoid": sigmoid_forward, "tanh": tanh_forward}[activation]
    backward = {"relu": relu_backward, "sigmoid": sigmoid_backward, "tanh": tanh_backward}[activation]
    a, c1 = affine_forward(X, params["W1"], params["b1"])
    h, c2 = forward(a)
    scores, c3 = affine_forward(h, params["W2"], params["b2"])
    if y is None:
        return scores
    loss, dscores = softmax_cross_entropy(scores, y)
    dh, dW2, db2 = affine_backward(dscores, c3)
    _, dW1, db1 = affine_backward(backward(dh, c2), c1)
    W1, W2 = params["W1"], params["W2"]
    loss += 0.5 * reg * ((W1 ** 2).sum() + (W2 ** 2).sum())
    return float(loss), {"W1": dW1 + reg * W1, "b1": db1, "W2": dW2 + reg * W2, "b2": db2}
'''),
        ("skips the activation's backward pass (forgets the ReLU gate)", '''
def mlp_loss(params, X, y=None, reg=0.0, activation="relu"):
    forward = {"relu": relu_forward, "sigmoid": sigmoid_forward, "tanh": tanh_forward}[activation]
    backward = {"relu": relu_backward, "sigmoid": sigmoid_backward, "tanh": tanh_backward}[activation]
    L = len(params) // 2
    h, caches = X, []
    for l in range(1, L):
        a, fc_cache = affine_forward(h, params[f"W{l}"], params[f"b{l}"])
        h, act_cache = forward(a)
        caches.append((fc_cache, act_cache))
    scores, out_cache = affine_forward(h, params[f"W{L}"], params[f"b{L}"])
    if y is None:
        return scores
    loss, dscores = softmax_cross_entropy(scores, y)
    grads = {}
    dh, grads[f"W{L}"], grads[f"b{L}"] = affine_backward(dscores, out_cache)
    for l in range(L - 1, 0, -1):
        fc_cache, act_cache = caches[l - 1]
        dh, grads[f"W{l}"], grads[f"b{l}"] = affine_backward(dh, fc_cache)
    for l in range(1, L + 1):
        loss += 0.5 * reg * (params[f"W{l}"] ** 2).sum()
        grads[f"W{l}"] = grads[f"W{l}"] + reg * params[f"W{l}"]
    return float(loss), grads
'''),
    ],
}
