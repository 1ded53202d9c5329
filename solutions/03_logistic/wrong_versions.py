"""Wrong versions of 03_logistic's graded functions: the mistakes students really make.

The test suite puts each one into the released notebook in place of the student's cell (the other
cells keep the reference), grades it, and asserts that it loses points, and only in tests that
call its function: logistic_loss is called by test_logistic_loss and test_logistic_grad, sgd and
sgd_momentum share test_sgd_momentum, and every other function has a test of its own. The first
version of each function is the demo's "typical mistake", so it fails every test that calls that
function.

Several versions exist because of one hidden case each: the epsilon inside the square root only
shows with tiny gradients and a large epsilon, the in-place gradient step only when two steps
start from the same arrays, the float64 state only on float32 parameters.
"""

WRONG = {
    "logistic_forward": [
        ("forgets the bias", '''
def logistic_forward(X, W, b):
    return X @ W
'''),
        ("keeps 01's column layout: scores (K, N) from W.T @ X.T", '''
def logistic_forward(X, W, b):
    return W.T @ X.T + b[:, None]
'''),
        ("adds b as a column, b[:, None], which only broadcasts when N == K", '''
def logistic_forward(X, W, b):
    return X @ W + b[:, None]
'''),
        ("elementwise X * W instead of the matrix product", '''
def logistic_forward(X, W, b):
    return X * W + b
'''),
    ],
    "logistic_loss": [
        ("forgets the bias in the scores", '''
import numpy as np
from utils.losses import softmax_cross_entropy
def logistic_loss(X, y, W, b):
    loss, dscores = softmax_cross_entropy(X @ W, y)
    return loss, X.T @ dscores, dscores.sum(axis=0)
'''),
        ("its own softmax without subtracting the max: nan for scores in the thousands", '''
import numpy as np
def logistic_loss(X, y, W, b):
    scores = X @ W + b
    exp = np.exp(scores)
    probs = exp / exp.sum(axis=1, keepdims=True)
    N = X.shape[0]
    loss = -np.mean(np.log(probs[np.arange(N), y]))
    dscores = probs.copy()
    dscores[np.arange(N), y] -= 1
    dscores /= N
    return loss, X.T @ dscores, dscores.sum(axis=0)
'''),
        ("divides dW and db by N a second time", '''
from utils.losses import softmax_cross_entropy
def logistic_loss(X, y, W, b):
    loss, dscores = softmax_cross_entropy(X @ W + b, y)
    N = X.shape[0]
    return loss, X.T @ dscores / N, dscores.sum(axis=0) / N
'''),
        ("dW transposed: dscores.T @ X, shape (K, D)", '''
from utils.losses import softmax_cross_entropy
def logistic_loss(X, y, W, b):
    loss, dscores = softmax_cross_entropy(X @ W + b, y)
    return loss, dscores.T @ X, dscores.sum(axis=0)
'''),
        ("db averaged over the samples instead of summed", '''
from utils.losses import softmax_cross_entropy
def logistic_loss(X, y, W, b):
    loss, dscores = softmax_cross_entropy(X @ W + b, y)
    return loss, X.T @ dscores, dscores.mean(axis=0)
'''),
        ("the loss summed over the samples, not averaged", '''
from utils.losses import softmax_cross_entropy
def logistic_loss(X, y, W, b):
    loss, dscores = softmax_cross_entropy(X @ W + b, y)
    return loss * X.shape[0], X.T @ dscores, dscores.sum(axis=0)
'''),
    ],
    "gd_step": [
        ("steps up the gradient: W + learning_rate * dW", '''
from utils.losses import softmax_cross_entropy
def gd_step(X, y, W, b, learning_rate):
    loss, dscores = softmax_cross_entropy(X @ W + b, y)
    return W + learning_rate * (X.T @ dscores), b + learning_rate * dscores.sum(axis=0), loss
'''),
        ("returns the loss after the step instead of before it", '''
from utils.losses import softmax_cross_entropy
def gd_step(X, y, W, b, learning_rate):
    _, dscores = softmax_cross_entropy(X @ W + b, y)
    W = W - learning_rate * (X.T @ dscores)
    b = b - learning_rate * dscores.sum(axis=0)
    loss, _ = softmax_cross_entropy(X @ W + b, y)
    return W, b, loss
'''),
        ("updates W and b in place with -=", '''
from utils.losses import softmax_cross_entropy
def gd_step(X, y, W, b, learning_rate):
    loss, dscores = softmax_cross_entropy(X @ W + b, y)
    W -= learning_rate * (X.T @ dscores)
    b -= learning_rate * dscores.sum(axis=0)
    return W, b, loss
'''),
        ("forgets to update b", '''
from utils.losses import softmax_cross_entropy
def gd_step(X, y, W, b, learning_rate):
    loss, dscores = softmax_cross_entropy(X @ W + b, y)
    return W - learning_rate * (X.T @ dscores), b, loss
'''),
    ],
    "minibatches": [
        ("drops the last, partial batch", '''
import numpy as np
def minibatches(X, y, batch_size, rng=None):
    rng = np.random.default_rng(rng)
    order = rng.permutation(X.shape[0])
    return [(X[order[i:i + batch_size]], y[order[i:i + batch_size]])
            for i in range(0, X.shape[0] - batch_size + 1, batch_size)]
'''),
        ("shuffles X and y with two different permutations", '''
import numpy as np
def minibatches(X, y, batch_size, rng=None):
    rng = np.random.default_rng(rng)
    X, y = X[rng.permutation(len(X))], y[rng.permutation(len(y))]
    return [(X[i:i + batch_size], y[i:i + batch_size]) for i in range(0, len(X), batch_size)]
'''),
        ("shuffles with np.random.permutation, ignoring rng", '''
import numpy as np
def minibatches(X, y, batch_size, rng=None):
    order = np.random.permutation(X.shape[0])
    return [(X[order[i:i + batch_size]], y[order[i:i + batch_size]])
            for i in range(0, X.shape[0], batch_size)]
'''),
        ("draws indices with replacement: rng.integers(0, N, N)", '''
import numpy as np
def minibatches(X, y, batch_size, rng=None):
    rng = np.random.default_rng(rng)
    order = rng.integers(0, X.shape[0], X.shape[0])
    return [(X[order[i:i + batch_size]], y[order[i:i + batch_size]])
            for i in range(0, X.shape[0], batch_size)]
'''),
        ("np.array_split into N // B batches, spreading the remainder over them", '''
import numpy as np
def minibatches(X, y, batch_size, rng=None):
    rng = np.random.default_rng(rng)
    order = rng.permutation(X.shape[0])
    parts = np.array_split(order, max(1, X.shape[0] // batch_size))
    return [(X[idx], y[idx]) for idx in parts]
'''),
        ("never shuffles", '''
def minibatches(X, y, batch_size, rng=None):
    return [(X[i:i + batch_size], y[i:i + batch_size]) for i in range(0, X.shape[0], batch_size)]
'''),
    ],
    "sgd": [
        ("replaces config by the defaults, so the learning rate passed in is ignored", '''
def sgd(w, dw, config=None):
    config = {"learning_rate": 1e-2}
    return w - config["learning_rate"] * dw, config
'''),
        ("adds the gradient: w + learning_rate * dw", '''
def sgd(w, dw, config=None):
    if config is None:
        config = {}
    config.setdefault("learning_rate", 1e-2)
    return w + config["learning_rate"] * dw, config
'''),
        ("fails on config=None: calls setdefault on None", '''
def sgd(w, dw, config=None):
    config.setdefault("learning_rate", 1e-2)
    return w - config["learning_rate"] * dw, config
'''),
        ("returns only next_w, not (next_w, config)", '''
def sgd(w, dw, config=None):
    if config is None:
        config = {}
    config.setdefault("learning_rate", 1e-2)
    return w - config["learning_rate"] * dw
'''),
    ],
    "sgd_momentum": [
        ("steps with the old velocity, then updates it", '''
import numpy as np
def sgd_momentum(w, dw, config=None):
    if config is None:
        config = {}
    config.setdefault("learning_rate", 1e-2)
    config.setdefault("momentum", 0.9)
    v = config.get("velocity")
    if v is None:
        v = np.zeros_like(w)
    next_w = w - config["learning_rate"] * v
    config["velocity"] = config["momentum"] * v + dw
    return next_w, config
'''),
        ("never stores the velocity, so every step is the first", '''
def sgd_momentum(w, dw, config=None):
    if config is None:
        config = {}
    config.setdefault("learning_rate", 1e-2)
    config.setdefault("momentum", 0.9)
    v = config["momentum"] * config.get("velocity", 0.0) + dw
    return w - config["learning_rate"] * v, config
'''),
        ("an exponential average: v = momentum * v + (1 - momentum) * dw", '''
import numpy as np
def sgd_momentum(w, dw, config=None):
    if config is None:
        config = {}
    config.setdefault("learning_rate", 1e-2)
    config.setdefault("momentum", 0.9)
    v = config.get("velocity")
    if v is None:
        v = np.zeros_like(w)
    v = config["momentum"] * v + (1 - config["momentum"]) * dw
    config["velocity"] = v
    return w - config["learning_rate"] * v, config
'''),
        ("keeps learning_rate * dw in the velocity: v = momentum * v - lr * dw; w + v", '''
import numpy as np
def sgd_momentum(w, dw, config=None):
    if config is None:
        config = {}
    config.setdefault("learning_rate", 1e-2)
    config.setdefault("momentum", 0.9)
    v = config.get("velocity")
    if v is None:
        v = np.zeros_like(w)
    v = config["momentum"] * v - config["learning_rate"] * dw
    config["velocity"] = v
    return w + v, config
'''),
        ("starts the velocity as np.zeros(w.shape): float32 parameters come back float64", '''
import numpy as np
def sgd_momentum(w, dw, config=None):
    if config is None:
        config = {}
    config.setdefault("learning_rate", 1e-2)
    config.setdefault("momentum", 0.9)
    v = config.get("velocity")
    if v is None:
        v = np.zeros(w.shape)
    v = config["momentum"] * v + dw
    config["velocity"] = v
    return w - config["learning_rate"] * v, config
'''),
    ],
    "exponential_decay": [
        ("decays at every iteration: decay_rate ** iteration", '''
def exponential_decay(iteration, learning_rate, decay_rate, iterations_per_epoch=1):
    return learning_rate * decay_rate ** iteration
'''),
        ("true division: the rate decays smoothly within an epoch", '''
def exponential_decay(iteration, learning_rate, decay_rate, iterations_per_epoch=1):
    return learning_rate * decay_rate ** (iteration / iterations_per_epoch)
'''),
        ("int() of the epoch, which fails on an array of iterations", '''
def exponential_decay(iteration, learning_rate, decay_rate, iterations_per_epoch=1):
    epoch = int(iteration // iterations_per_epoch)
    return learning_rate * decay_rate ** epoch
'''),
        ("counts epochs from 1, so epoch 0 is already decayed", '''
def exponential_decay(iteration, learning_rate, decay_rate, iterations_per_epoch=1):
    return learning_rate * decay_rate ** (iteration // iterations_per_epoch + 1)
'''),
    ],
    "adagrad": [
        ("divides by the old sum, before adding this step's square", '''
import numpy as np
def adagrad(w, dw, config=None):
    if config is None:
        config = {}
    config.setdefault("learning_rate", 1e-2)
    config.setdefault("epsilon", 1e-8)
    s = config.get("sum_sq")
    if s is None:
        s = np.zeros_like(w)
    next_w = w - config["learning_rate"] * dw / (np.sqrt(s) + config["epsilon"])
    config["sum_sq"] = s + dw * dw
    return next_w, config
'''),
        ("forgets the square root", '''
import numpy as np
def adagrad(w, dw, config=None):
    if config is None:
        config = {}
    config.setdefault("learning_rate", 1e-2)
    config.setdefault("epsilon", 1e-8)
    s = config.get("sum_sq")
    if s is None:
        s = np.zeros_like(w)
    s = s + dw * dw
    config["sum_sq"] = s
    return w - config["learning_rate"] * dw / (s + config["epsilon"]), config
'''),
        ("epsilon inside the square root: sqrt(sum_sq + epsilon)", '''
import numpy as np
def adagrad(w, dw, config=None):
    if config is None:
        config = {}
    config.setdefault("learning_rate", 1e-2)
    config.setdefault("epsilon", 1e-8)
    s = config.get("sum_sq")
    if s is None:
        s = np.zeros_like(w)
    s = s + dw * dw
    config["sum_sq"] = s
    return w - config["learning_rate"] * dw / np.sqrt(s + config["epsilon"]), config
'''),
        ("never stores the sum, so every step is the first", '''
import numpy as np
def adagrad(w, dw, config=None):
    if config is None:
        config = {}
    config.setdefault("learning_rate", 1e-2)
    config.setdefault("epsilon", 1e-8)
    s = dw * dw
    return w - config["learning_rate"] * dw / (np.sqrt(s) + config["epsilon"]), config
'''),
        ("starts the sum as np.zeros(w.shape): float32 parameters come back float64", '''
import numpy as np
def adagrad(w, dw, config=None):
    if config is None:
        config = {}
    config.setdefault("learning_rate", 1e-2)
    config.setdefault("epsilon", 1e-8)
    s = config.get("sum_sq")
    if s is None:
        s = np.zeros(w.shape)
    s = s + dw * dw
    config["sum_sq"] = s
    return w - config["learning_rate"] * dw / (np.sqrt(s) + config["epsilon"]), config
'''),
    ],
}
