"""A small training loop for the course's models, with progress bars and learning curves.

A model is any object with a ``params`` dict of arrays and ``loss(X, y=None)``: scores when ``y``
is None, else ``(loss, grads)`` with ``grads`` keyed like ``params``. An update rule has the
optimisers' shared signature ``update(w, dw, config) -> (next_w, config)`` (see utils.optim); each
parameter keeps its own config, so optimiser state never mixes between parameters.
"""

import copy
import time

import numpy as np


def accuracy(model, X, y, batch_size=1000):
    """Fraction of rows of X whose highest score is the label y. X (N, ...), y (N,)."""
    correct = 0
    for i in range(0, X.shape[0], batch_size):
        scores = model.loss(X[i:i + batch_size])
        correct += int(np.sum(np.argmax(scores, axis=1) == y[i:i + batch_size]))
    return correct / max(1, X.shape[0])


def train(model, X, y, update, config=None, X_val=None, y_val=None, epochs=10, batch_size=100,
          lr_schedule=None, rng=0, progress=True, eval_size=2000, schedule_per="epoch", max_seconds=None):
    """Train ``model`` in place by mini-batch updates; return its learning curves.

    Inputs:
    - model: params dict + loss(X, y), as above.
    - X, y: training data (N, ...) and integer labels (N,).
    - update: an update rule ``update(w, dw, config) -> (next_w, config)``.
    - config: the rule's hyperparameters, e.g. {"learning_rate": 1e-2}; copied per parameter.
    - X_val, y_val: optional validation data, scored after every epoch.
    - epochs, batch_size: how long, and how many samples per update (the last batch may be smaller).
    - lr_schedule: optional ``f(epoch) -> learning rate`` applied at the start of each epoch, or
      ``f(update) -> learning rate`` applied before every update (counted from 0 over the whole
      run) when ``schedule_per="update"``; e.g. ``lambda it: utils.optim.cyclical(it, ...)``.
    - rng: seed or np.random.Generator for shuffling.
    - progress: show a tqdm progress bar over epochs.
    - eval_size: training accuracy is measured on at most this many training samples.
    - schedule_per: "epoch" (default) or "update": how often lr_schedule is consulted.
    - max_seconds: optional time budget. Training stops after the first update that ends past it
      (the epoch is then cut short, and still scored); time spent scoring is not counted.

    Returns a dict of lists: ``loss`` (one per update), ``train_acc``, ``val_acc``, ``lr`` and
    ``seconds`` (one per epoch, ``val_acc`` empty without validation data). ``lr`` is the rate of
    the epoch's last update.
    """
    if schedule_per not in ("epoch", "update"):
        raise ValueError(f"schedule_per must be 'epoch' or 'update', got {schedule_per!r}")
    per_update = lr_schedule is not None and schedule_per == "update"
    rng = np.random.default_rng(rng)
    configs = {name: copy.deepcopy(config or {}) for name in model.params}
    history = {"loss": [], "train_acc": [], "val_acc": [], "lr": [], "seconds": []}
    n = X.shape[0]
    epoch_iter = range(epochs)
    bar = None
    if progress:
        from tqdm.auto import tqdm

        bar = tqdm(epoch_iter, desc="training", unit="epoch", leave=True)
        epoch_iter = bar
    start = time.perf_counter()
    scoring = 0.0  # seconds spent measuring accuracy, left out of the time budget
    out_of_time = False
    for epoch in epoch_iter:
        if lr_schedule is not None and not per_update:
            for c in configs.values():
                c["learning_rate"] = lr_schedule(epoch)
        order = rng.permutation(n)
        for i in range(0, n, batch_size):
            idx = order[i:i + batch_size]
            loss, grads = model.loss(X[idx], y[idx])
            if not np.isfinite(loss):
                raise FloatingPointError(f"the loss became {loss} at epoch {epoch}: lower the learning rate")
            history["loss"].append(float(loss))
            if per_update:
                lr = lr_schedule(len(history["loss"]) - 1)
                for c in configs.values():
                    c["learning_rate"] = lr
            for name in model.params:
                model.params[name], configs[name] = update(model.params[name], grads[name], configs[name])
            if max_seconds is not None and time.perf_counter() - start - scoring > max_seconds:
                out_of_time = True
                break
        scored = time.perf_counter()
        sub = rng.choice(n, size=min(n, eval_size), replace=False)
        history["train_acc"].append(accuracy(model, X[sub], y[sub]))
        if X_val is not None:
            history["val_acc"].append(accuracy(model, X_val, y_val))
        history["lr"].append(next(iter(configs.values()), {}).get("learning_rate"))
        scoring += time.perf_counter() - scored
        history["seconds"].append(time.perf_counter() - start)
        if bar is not None:
            post = {"loss": f"{np.mean(history['loss'][-max(1, n // batch_size):]):.3f}",
                    "train": f"{history['train_acc'][-1]:.3f}"}
            if history["val_acc"]:
                post["val"] = f"{history['val_acc'][-1]:.3f}"
            bar.set_postfix(post)
        if out_of_time:
            break
    if bar is not None:
        bar.close()
    return history
