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
``config["learning_rate"]`` before the update. ``iteration`` counts from 0 and may be an integer
array, which gives the whole schedule at once (for plotting). "Iteration" is whatever unit the
caller counts: updates, or epochs when the schedule is applied once per epoch.

Rules and schedules, and the assignment that teaches each:

- 03_logistic: ``sgd``, ``sgd_momentum``, ``adagrad``, ``exponential_decay``, ``minibatches``.
- 06_optimizers: ``sgd_nesterov``, ``rprop``, ``rmsprop``, ``adam`` and the schedules
  ``step_decay``, ``cosine_annealing`` (optionally with warm restarts) and ``cyclical``.

Conventions follow ``torch.optim`` wherever it has the same rule, with the same defaults, so the
two can be compared step by step on the same gradients (tests/test_utils_optimizers.py does):
``sgd_momentum`` and ``sgd_nesterov`` are ``SGD(momentum=...)`` and ``SGD(nesterov=True)``,
``rprop`` is ``Rprop``, ``rmsprop`` is ``RMSprop`` (no momentum, not centred), ``adam`` is
``Adam``; ``step_decay``, ``exponential_decay`` (one iteration per epoch) and ``cyclical`` give
the rates of ``lr_scheduler.StepLR``, ``ExponentialLR`` and ``CyclicLR(cycle_momentum=False)``,
and ``cosine_annealing`` those of ``CosineAnnealingLR`` within its first period and of
``CosineAnnealingWarmRestarts(T_mult=1)`` with ``restart=True``.
"""

import numpy as np

__all__ = ["sgd", "sgd_momentum", "adagrad", "exponential_decay", "minibatches",
           "sgd_nesterov", "rprop", "rmsprop", "adam", "step_decay", "cosine_annealing", "cyclical"]


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


# ----------------------------------------------------------------------------- 06: update rules


def sgd_nesterov(w, dw, config=None):
    """Take one step of Nesterov momentum, in torch.optim.SGD(nesterov=True)'s form.

    The velocity is updated as in sgd_momentum, but the step looks one velocity ahead:
        v = momentum * v + dw
        next_w = w - learning_rate * (dw + momentum * v)
    This is Nesterov's "gradient at the look-ahead point" rewritten in the variable that is
    actually stored, so that only the gradient at w is needed (no second evaluation).

    config:
    - learning_rate: step size (default 1e-2).
    - momentum: how much of the previous velocity is kept, in [0, 1) (default 0.9).
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
    mu = config["momentum"]
    v = mu * v + dw  # (same shape as w)
    next_w = w - config["learning_rate"] * (dw + mu * v)
    config["velocity"] = v
    return next_w, config


def rprop(w, dw, config=None):
    """Take one Rprop step: move each entry by its own step size, in the direction -sign(dw).

    Each entry keeps a step size that grows while its gradient keeps its sign and shrinks when the
    sign flips (a minimum was jumped over). The size of the gradient is never used, only its sign.
    This is the variant of torch.optim.Rprop (Igel and Hüsken's iRprop-): after a sign flip the
    entry does not move on that step and its stored gradient is set to 0, so the next step
    neither grows nor shrinks its step size.

        p = dw * prev_dw                               (per entry)
        step_size = clip(step_size * (eta_plus if p > 0, eta_minus if p < 0, 1 if p == 0),
                         step_min, step_max)
        dw' = 0 where p < 0, dw elsewhere
        next_w = w - sign(dw') * step_size
        prev_dw = dw'

    Rprop is meant for full-batch gradients: mini-batch noise flips signs at random.

    config:
    - learning_rate: the initial step size of every entry (default 1e-2). Used only on the first
      call, so a learning-rate schedule has no effect on Rprop.
    - eta_plus, eta_minus: growth and shrink factors, eta_minus < 1 < eta_plus (defaults 1.2, 0.5).
    - step_min, step_max: bounds of the step sizes (defaults 1e-6, 50).
    - step_size: state, each entry's step size, same shape and dtype as w; learning_rate before
      the first step.
    - prev_dw: state, the previous gradient (0 where its sign flipped), same shape and dtype as
      w; zeros before the first step.

    Returns (next_w, config); next_w has w's shape and dtype.
    """
    if config is None:
        config = {}
    config.setdefault("learning_rate", 1e-2)
    config.setdefault("eta_plus", 1.2)
    config.setdefault("eta_minus", 0.5)
    config.setdefault("step_min", 1e-6)
    config.setdefault("step_max", 50.0)
    step = config.get("step_size")
    if step is None:
        step = np.full_like(w, config["learning_rate"])
    prev = config.get("prev_dw")
    if prev is None:
        prev = np.zeros_like(w)
    agree = dw * prev  # (same shape as w): > 0 same sign, < 0 flipped, 0 after a flip or at the start
    factor = np.ones_like(step)
    factor[agree > 0] = config["eta_plus"]
    factor[agree < 0] = config["eta_minus"]
    step = np.clip(step * factor, config["step_min"], config["step_max"]).astype(step.dtype, copy=False)
    dw = np.where(agree < 0, np.zeros_like(dw), dw)  # no move where the sign flipped
    next_w = w - np.sign(dw) * step
    config["step_size"] = step
    config["prev_dw"] = dw
    return next_w, config


def rmsprop(w, dw, config=None):
    """Take one RMSprop step: divide each entry's gradient by a running root mean square of it.

        mean_sq = decay_rate * mean_sq + (1 - decay_rate) * dw ** 2
        next_w = w - learning_rate * dw / (sqrt(mean_sq) + epsilon)

    As torch.optim.RMSprop (decay_rate is its alpha; no momentum, not centred): epsilon is added
    after the square root, and mean_sq starts at 0, so the first steps are larger than
    learning_rate (the average has not warmed up; Adam corrects for this).

    config:
    - learning_rate: step size (default 1e-2).
    - decay_rate: how much of the running average is kept per step, in [0, 1) (default 0.99).
    - epsilon: keeps the division finite where the gradients were 0 (default 1e-8).
    - mean_sq: state, the running average of squared gradients, same shape and dtype as w;
      zeros before the first step.

    Returns (next_w, config); next_w has w's shape and dtype.
    """
    if config is None:
        config = {}
    config.setdefault("learning_rate", 1e-2)
    config.setdefault("decay_rate", 0.99)
    config.setdefault("epsilon", 1e-8)
    s = config.get("mean_sq")
    if s is None:
        s = np.zeros_like(w)
    rho = config["decay_rate"]
    s = rho * s + (1 - rho) * (dw * dw)  # (same shape as w)
    next_w = w - config["learning_rate"] * dw / (np.sqrt(s) + config["epsilon"])
    config["mean_sq"] = s
    return next_w, config


def adam(w, dw, config=None):
    """Take one Adam step: momentum on the gradient, divided by RMSprop's root mean square, both
    corrected for starting at zero.

        t = t + 1
        m = beta1 * m + (1 - beta1) * dw
        v = beta2 * v + (1 - beta2) * dw ** 2
        m_hat = m / (1 - beta1 ** t),  v_hat = v / (1 - beta2 ** t)
        next_w = w - learning_rate * m_hat / (sqrt(v_hat) + epsilon)

    As torch.optim.Adam (no weight decay, not amsgrad): epsilon is added after the square root of
    the bias-corrected v. On the first step m_hat = dw and v_hat = dw ** 2, so every entry with a
    nonzero gradient moves by almost exactly learning_rate.

    config:
    - learning_rate: step size (default 1e-3).
    - beta1: decay of the first moment, the average gradient (default 0.9).
    - beta2: decay of the second moment, the average squared gradient (default 0.999).
    - epsilon: keeps the division finite (default 1e-8).
    - m, v: state, same shape and dtype as w; zeros before the first step.
    - t: state, the number of steps taken, an int; 0 before the first step.

    Returns (next_w, config); next_w has w's shape and dtype.
    """
    if config is None:
        config = {}
    config.setdefault("learning_rate", 1e-3)
    config.setdefault("beta1", 0.9)
    config.setdefault("beta2", 0.999)
    config.setdefault("epsilon", 1e-8)
    m, v = config.get("m"), config.get("v")
    if m is None:
        m = np.zeros_like(w)
    if v is None:
        v = np.zeros_like(w)
    t = int(config.get("t", 0)) + 1
    b1, b2 = config["beta1"], config["beta2"]
    m = b1 * m + (1 - b1) * dw  # (same shape as w)
    v = b2 * v + (1 - b2) * (dw * dw)
    m_hat = m / (1 - b1 ** t)
    v_hat = v / (1 - b2 ** t)
    next_w = w - config["learning_rate"] * m_hat / (np.sqrt(v_hat) + config["epsilon"])
    config["m"], config["v"], config["t"] = m, v, t
    return next_w, config


# ----------------------------------------------------------------------------- 06: schedules


def step_decay(iteration, learning_rate, step_size, gamma=0.1):
    """Return the learning rate for an iteration, multiplied by gamma once every step_size iterations.

    lr = learning_rate * gamma ** (iteration // step_size), as lr_scheduler.StepLR.

    Inputs:
    - iteration: counted from 0; an int or an integer array of any shape.
    - learning_rate: the rate of the first step_size iterations.
    - step_size: iterations between drops, at least 1.
    - gamma: the factor of each drop (default 0.1).

    Returns a float, or an array shaped like ``iteration``.
    """
    drops = np.floor_divide(iteration, step_size)  # drops so far
    return learning_rate * gamma ** drops


def cosine_annealing(iteration, learning_rate, period, min_lr=0.0, restart=False):
    """Return the learning rate for an iteration on half a cosine from learning_rate down to min_lr.

        lr = min_lr + (learning_rate - min_lr) * (1 + cos(pi * t / period)) / 2

    with t = min(iteration, period) (the rate stays at min_lr after one period), or, with
    ``restart=True``, t = iteration % period (warm restarts, SGDR: back to learning_rate at the
    start of every period).

    Inputs:
    - iteration: counted from 0; an int or an integer array of any shape.
    - learning_rate: the rate at the start (of every period, with restarts).
    - period: iterations from learning_rate to min_lr, at least 1.
    - min_lr: the lowest rate (default 0).
    - restart: start again from learning_rate every period (default False).

    Returns a float, or an array shaped like ``iteration``.
    """
    t = np.mod(iteration, period) if restart else np.minimum(iteration, period)
    return min_lr + (learning_rate - min_lr) * 0.5 * (1.0 + np.cos(np.pi * t / period))


def cyclical(iteration, learning_rate, max_lr, step_size, mode="triangular"):
    """Return the learning rate for an iteration of a triangular cyclical schedule (Smith, 2017).

    The rate climbs linearly from learning_rate to max_lr in step_size iterations, falls back in
    the next step_size, and repeats; a cycle is 2 * step_size iterations. With
    x = |iteration / step_size - 2 * cycle - 1| and cycle = iteration // (2 * step_size):

        lr = learning_rate + (max_lr - learning_rate) * (1 - x) * scale

    where scale is 1 for mode "triangular" and 1 / 2 ** cycle for "triangular2" (the height halves
    every cycle). As lr_scheduler.CyclicLR(base_lr=learning_rate, max_lr, step_size_up=step_size)
    with cycle_momentum=False.

    Inputs:
    - iteration: counted from 0; an int or an integer array of any shape.
    - learning_rate: the lowest rate, at the start of every cycle.
    - max_lr: the highest rate, step_size iterations into every cycle.
    - step_size: iterations per half cycle, at least 1.
    - mode: "triangular" or "triangular2".

    Returns a float, or an array shaped like ``iteration``.
    """
    if mode not in ("triangular", "triangular2"):
        raise ValueError(f"mode must be 'triangular' or 'triangular2', got {mode!r}")
    cycle = np.floor_divide(iteration, 2 * step_size)  # completed cycles
    x = np.abs(np.divide(iteration, step_size) - 2 * cycle - 1)  # 1 at a cycle's ends, 0 at its peak
    scale = 1.0 if mode == "triangular" else 0.5 ** cycle
    return learning_rate + (max_lr - learning_rate) * (1 - x) * scale
