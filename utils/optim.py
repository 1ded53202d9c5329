"""Update rules, learning-rate schedules and mini-batches (assignment 03_logistic).

Every update rule has the one signature of CS231n's optim.py::

    next_w, config = update(w, dw, config)

- ``w``: one parameter, an array of any shape; ``dw``: the gradient of the loss with respect to
  it, the same shape. ``w`` is not modified.
- ``config``: a dict holding the rule's hyperparameters and its state, or None for the defaults.
  Missing hyperparameters are filled in with ``config.setdefault``; state arrays (a velocity, a
  sum of squared gradients, ...) are created on the first call with ``w``'s shape and dtype and
  stored in ``config``. The dict is updated in place and returned.
- ``next_w``: the updated parameter, with ``w``'s shape and dtype.

The caller keeps one config per parameter and passes back what the previous call returned, so the
state of one parameter never leaks into another and there is no hidden global state. A config is
plain data (numbers and arrays), so it can be saved, copied or compared.

Learning-rate schedules take the iteration number first and return the learning rate to use for
it: ``lr = schedule(iteration, learning_rate, ...)``; the caller writes it into
``config["learning_rate"]`` before the update.

06_optimizers adds Nesterov momentum, Rprop, RMSprop, Adam and more schedules to this module.
"""

import numpy as np

__all__ = ["sgd", "sgd_momentum", "adagrad", "exponential_decay", "minibatches"]


# ----------------------------------------------------------------------------- update rules


def sgd(w, dw, config=None):
    """Take one plain gradient-descent step: w - learning_rate * dw.

    config:
    - learning_rate: step size (default 1e-2).

    Returns (next_w, config); next_w has w's shape and dtype.
    """
    if config is None:
        config = {}
    config.setdefault("learning_rate", 1e-2)
    next_w = w - config["learning_rate"] * dw
    return next_w, config


def sgd_momentum(w, dw, config=None):
    """Take one step of gradient descent with momentum (heavy ball), as torch.optim.SGD does.

    The velocity is a running sum of gradients in which older ones fade by ``momentum`` per step:
        v = momentum * v + dw
        next_w = w - learning_rate * v

    config:
    - learning_rate: step size (default 1e-2).
    - momentum: how much of the previous velocity is kept, in [0, 1) (default 0.9); 0 gives sgd.
    - velocity: state, same shape and dtype as w; zeros before the first step.

    Returns (next_w, config); next_w has w's shape and dtype.
    """
    if config is None:
        config = {}
    config.setdefault("learning_rate", 1e-2)
    config.setdefault("momentum", 0.9)
    v = config.get("velocity")
    if v is None:
        v = np.zeros_like(w)
    v = config["momentum"] * v + dw  # (same shape as w)
    next_w = w - config["learning_rate"] * v
    config["velocity"] = v
    return next_w, config


def adagrad(w, dw, config=None):
    """Take one AdaGrad step: each entry's step is divided by the root of its summed squared gradients.

        sum_sq = sum_sq + dw ** 2
        next_w = w - learning_rate * dw / (sqrt(sum_sq) + epsilon)

    config:
    - learning_rate: step size (default 1e-2).
    - epsilon: keeps the division finite where every gradient so far was 0 (default 1e-8).
    - sum_sq: state, the running sum of squared gradients, same shape and dtype as w; zeros
      before the first step.

    Returns (next_w, config); next_w has w's shape and dtype.
    """
    if config is None:
        config = {}
    config.setdefault("learning_rate", 1e-2)
    config.setdefault("epsilon", 1e-8)
    s = config.get("sum_sq")
    if s is None:
        s = np.zeros_like(w)
    s = s + dw * dw  # (same shape as w)
    next_w = w - config["learning_rate"] * dw / (np.sqrt(s) + config["epsilon"])
    config["sum_sq"] = s
    return next_w, config


# ----------------------------------------------------------------------------- schedules


def exponential_decay(iteration, learning_rate, decay_rate, iterations_per_epoch=1):
    """Return the learning rate for an iteration, multiplied by decay_rate once per finished epoch.

    lr = learning_rate * decay_rate ** epoch, with epoch = iteration // iterations_per_epoch, so
    the rate is constant within an epoch and drops at the first iteration of the next one.

    Inputs:
    - iteration: the step number, counted from 0; an int or an integer array of any shape.
    - learning_rate: the rate of epoch 0.
    - decay_rate: the factor applied per epoch, e.g. 0.9.
    - iterations_per_epoch: steps in one epoch, ceil(N / batch_size), at least 1.

    Returns a float, or an array shaped like ``iteration``.
    """
    epoch = np.floor_divide(iteration, iterations_per_epoch)  # completed epochs
    return learning_rate * decay_rate ** epoch


# ----------------------------------------------------------------------------- mini-batches


def minibatches(X, y, batch_size, rng=None):
    """Shuffle the samples and cut them into mini-batches covering each sample exactly once.

    Inputs:
    - X: samples, shape (N, ...); y: their labels, shape (N,).
    - batch_size: samples per batch, at least 1; the last batch holds the remaining
      N - batch_size * (number of full batches) samples when N is not a multiple of it.
    - rng: a seed (int), a np.random.Generator, or None. One ``rng.permutation(N)`` orders the
      samples, so the same seed gives the same batches; pass one Generator for all epochs to get
      a new order every epoch.

    Returns a list of ceil(N / batch_size) pairs (X_batch, y_batch), shapes (B, ...) and (B,).
    """
    X, y = np.asarray(X), np.asarray(y)
    if X.shape[0] != y.shape[0]:
        raise ValueError(f"X has {X.shape[0]} samples but y has {y.shape[0]} labels")
    if batch_size < 1:
        raise ValueError(f"batch_size must be at least 1, got {batch_size}")
    rng = np.random.default_rng(rng)
    order = rng.permutation(X.shape[0])  # (N,)
    return [(X[idx], y[idx]) for idx in (order[i:i + batch_size] for i in range(0, X.shape[0], batch_size))]
