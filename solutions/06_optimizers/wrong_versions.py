"""Wrong versions of 06_optimizers' graded functions: the mistakes students really make.

The test suite puts each one into the released notebook in place of the student's cell (the other
cells keep the reference), grades it, and asserts that it loses points, and only in the test of
its own function (no other test calls it). The first version of each function is the demo's
"typical mistake"; like every version here it fails its function's test.
"""

WRONG = {
    "sgd_nesterov": [
        ("steps by dw + momentum * v with the velocity from before this step's update", '''
import numpy as np
def sgd_nesterov(w, dw, config=None):
    if config is None:
        config = {}
    config.setdefault("learning_rate", 1e-2)
    config.setdefault("momentum", 0.9)
    v = config.get("velocity", np.zeros_like(w))
    next_w = w - config["learning_rate"] * (dw + config["momentum"] * v)
    config["velocity"] = config["momentum"] * v + dw
    return next_w, config
'''),
        ("plain heavy-ball momentum: steps by the velocity alone", '''
import numpy as np
def sgd_nesterov(w, dw, config=None):
    if config is None:
        config = {}
    config.setdefault("learning_rate", 1e-2)
    config.setdefault("momentum", 0.9)
    v = config["momentum"] * config.get("velocity", np.zeros_like(w)) + dw
    config["velocity"] = v
    return w - config["learning_rate"] * v, config
'''),
        ("forgets to store the velocity, so every step starts from rest", '''
import numpy as np
def sgd_nesterov(w, dw, config=None):
    if config is None:
        config = {}
    config.setdefault("learning_rate", 1e-2)
    config.setdefault("momentum", 0.9)
    v = config["momentum"] * config.get("velocity", np.zeros_like(w)) + dw
    return w - config["learning_rate"] * (dw + config["momentum"] * v), config
'''),
        ("updates w in place (w -= ...)", '''
import numpy as np
def sgd_nesterov(w, dw, config=None):
    if config is None:
        config = {}
    config.setdefault("learning_rate", 1e-2)
    config.setdefault("momentum", 0.9)
    v = config["momentum"] * config.get("velocity", np.zeros_like(w)) + dw
    config["velocity"] = v
    w -= config["learning_rate"] * (dw + config["momentum"] * v)
    return w, config
'''),
        ("velocity made with np.zeros(w.shape), so float32 weights come back float64", '''
import numpy as np
def sgd_nesterov(w, dw, config=None):
    if config is None:
        config = {}
    config.setdefault("learning_rate", 1e-2)
    config.setdefault("momentum", 0.9)
    v = config.get("velocity")
    if v is None:
        v = np.zeros(w.shape)
    v = config["momentum"] * v + dw
    config["velocity"] = v
    return w - config["learning_rate"] * (dw + config["momentum"] * v), config
'''),
        ("momentum defaults to 0.99 instead of 0.9", '''
import numpy as np
def sgd_nesterov(w, dw, config=None):
    if config is None:
        config = {}
    config.setdefault("learning_rate", 1e-2)
    config.setdefault("momentum", 0.99)
    v = config["momentum"] * config.get("velocity", np.zeros_like(w)) + dw
    config["velocity"] = v
    return w - config["learning_rate"] * (dw + config["momentum"] * v), config
'''),
    ],
    "rprop": [
        ("steps by step_size * dw: uses the gradient's size, not its sign", '''
import numpy as np
def rprop(w, dw, config=None):
    if config is None:
        config = {}
    for key, value in (("learning_rate", 1e-2), ("eta_plus", 1.2), ("eta_minus", 0.5), ("step_min", 1e-6), ("step_max", 50.0)):
        config.setdefault(key, value)
    step = config.get("step_size", np.full_like(w, config["learning_rate"]))
    prev = config.get("prev_dw", np.zeros_like(w))
    agree = dw * prev
    step = np.where(agree > 0, step * config["eta_plus"], np.where(agree < 0, step * config["eta_minus"], step))
    step = np.clip(step, config["step_min"], config["step_max"])
    dw = np.where(agree < 0, 0.0, dw)
    config["step_size"], config["prev_dw"] = step, dw
    return w - step * dw, config
'''),
        ("still moves an entry whose sign flipped (with its shrunken step)", '''
import numpy as np
def rprop(w, dw, config=None):
    if config is None:
        config = {}
    for key, value in (("learning_rate", 1e-2), ("eta_plus", 1.2), ("eta_minus", 0.5), ("step_min", 1e-6), ("step_max", 50.0)):
        config.setdefault(key, value)
    step = config.get("step_size", np.full_like(w, config["learning_rate"]))
    prev = config.get("prev_dw", np.zeros_like(w))
    agree = dw * prev
    step = np.where(agree > 0, step * config["eta_plus"], np.where(agree < 0, step * config["eta_minus"], step))
    step = np.clip(step, config["step_min"], config["step_max"])
    config["step_size"], config["prev_dw"] = step, np.where(agree < 0, 0.0, dw)
    return w - np.sign(dw) * step, config
'''),
        ("stores the raw gradient after a flip, so the next step shrinks or grows again", '''
import numpy as np
def rprop(w, dw, config=None):
    if config is None:
        config = {}
    for key, value in (("learning_rate", 1e-2), ("eta_plus", 1.2), ("eta_minus", 0.5), ("step_min", 1e-6), ("step_max", 50.0)):
        config.setdefault(key, value)
    step = config.get("step_size", np.full_like(w, config["learning_rate"]))
    prev = config.get("prev_dw", np.zeros_like(w))
    agree = dw * prev
    step = np.where(agree > 0, step * config["eta_plus"], np.where(agree < 0, step * config["eta_minus"], step))
    step = np.clip(step, config["step_min"], config["step_max"])
    config["step_size"], config["prev_dw"] = step, dw
    return w - np.sign(np.where(agree < 0, 0.0, dw)) * step, config
'''),
        ("never clips the step sizes to [step_min, step_max]", '''
import numpy as np
def rprop(w, dw, config=None):
    if config is None:
        config = {}
    for key, value in (("learning_rate", 1e-2), ("eta_plus", 1.2), ("eta_minus", 0.5), ("step_min", 1e-6), ("step_max", 50.0)):
        config.setdefault(key, value)
    step = config.get("step_size", np.full_like(w, config["learning_rate"]))
    prev = config.get("prev_dw", np.zeros_like(w))
    agree = dw * prev
    step = np.where(agree > 0, step * config["eta_plus"], np.where(agree < 0, step * config["eta_minus"], step))
    dw = np.where(agree < 0, 0.0, dw)
    config["step_size"], config["prev_dw"] = step, dw
    return w - np.sign(dw) * step, config
'''),
        ("swaps eta_plus and eta_minus: shrinks while the sign persists", '''
import numpy as np
def rprop(w, dw, config=None):
    if config is None:
        config = {}
    for key, value in (("learning_rate", 1e-2), ("eta_plus", 1.2), ("eta_minus", 0.5), ("step_min", 1e-6), ("step_max", 50.0)):
        config.setdefault(key, value)
    step = config.get("step_size", np.full_like(w, config["learning_rate"]))
    prev = config.get("prev_dw", np.zeros_like(w))
    agree = dw * prev
    step = np.where(agree > 0, step * config["eta_minus"], np.where(agree < 0, step * config["eta_plus"], step))
    step = np.clip(step, config["step_min"], config["step_max"])
    dw = np.where(agree < 0, 0.0, dw)
    config["step_size"], config["prev_dw"] = step, dw
    return w - np.sign(dw) * step, config
'''),
    ],
    "rmsprop": [
        ("forgets the (1 - decay_rate) factor on the new squared gradient", '''
import numpy as np
def rmsprop(w, dw, config=None):
    if config is None:
        config = {}
    config.setdefault("learning_rate", 1e-2)
    config.setdefault("decay_rate", 0.99)
    config.setdefault("epsilon", 1e-8)
    s = config["decay_rate"] * config.get("mean_sq", np.zeros_like(w)) + dw * dw
    config["mean_sq"] = s
    return w - config["learning_rate"] * dw / (np.sqrt(s) + config["epsilon"]), config
'''),
        ("divides by the mean square, not its square root", '''
import numpy as np
def rmsprop(w, dw, config=None):
    if config is None:
        config = {}
    config.setdefault("learning_rate", 1e-2)
    config.setdefault("decay_rate", 0.99)
    config.setdefault("epsilon", 1e-8)
    rho = config["decay_rate"]
    s = rho * config.get("mean_sq", np.zeros_like(w)) + (1 - rho) * dw * dw
    config["mean_sq"] = s
    return w - config["learning_rate"] * dw / (s + config["epsilon"]), config
'''),
        ("puts epsilon inside the square root", '''
import numpy as np
def rmsprop(w, dw, config=None):
    if config is None:
        config = {}
    config.setdefault("learning_rate", 1e-2)
    config.setdefault("decay_rate", 0.99)
    config.setdefault("epsilon", 1e-8)
    rho = config["decay_rate"]
    s = rho * config.get("mean_sq", np.zeros_like(w)) + (1 - rho) * dw * dw
    config["mean_sq"] = s
    return w - config["learning_rate"] * dw / np.sqrt(s + config["epsilon"]), config
'''),
        ("forgets to store mean_sq, so the average restarts from 0 every step", '''
import numpy as np
def rmsprop(w, dw, config=None):
    if config is None:
        config = {}
    config.setdefault("learning_rate", 1e-2)
    config.setdefault("decay_rate", 0.99)
    config.setdefault("epsilon", 1e-8)
    rho = config["decay_rate"]
    s = rho * config.get("mean_sq", np.zeros_like(w)) + (1 - rho) * dw * dw
    return w - config["learning_rate"] * dw / (np.sqrt(s) + config["epsilon"]), config
'''),
        ("weights the old average by 1 - decay_rate and the new gradient by decay_rate", '''
import numpy as np
def rmsprop(w, dw, config=None):
    if config is None:
        config = {}
    config.setdefault("learning_rate", 1e-2)
    config.setdefault("decay_rate", 0.99)
    config.setdefault("epsilon", 1e-8)
    rho = config["decay_rate"]
    s = (1 - rho) * config.get("mean_sq", np.zeros_like(w)) + rho * dw * dw
    config["mean_sq"] = s
    return w - config["learning_rate"] * dw / (np.sqrt(s) + config["epsilon"]), config
'''),
    ],
    "adam": [
        ("no bias correction: steps by m / (sqrt(v) + epsilon)", '''
import numpy as np
def adam(w, dw, config=None):
    if config is None:
        config = {}
    for key, value in (("learning_rate", 1e-3), ("beta1", 0.9), ("beta2", 0.999), ("epsilon", 1e-8)):
        config.setdefault(key, value)
    m = config["beta1"] * config.get("m", np.zeros_like(w)) + (1 - config["beta1"]) * dw
    v = config["beta2"] * config.get("v", np.zeros_like(w)) + (1 - config["beta2"]) * dw * dw
    config["m"], config["v"], config["t"] = m, v, config.get("t", 0) + 1
    return w - config["learning_rate"] * m / (np.sqrt(v) + config["epsilon"]), config
'''),
        ("stores the bias-corrected m_hat and v_hat back as m and v", '''
import numpy as np
def adam(w, dw, config=None):
    if config is None:
        config = {}
    for key, value in (("learning_rate", 1e-3), ("beta1", 0.9), ("beta2", 0.999), ("epsilon", 1e-8)):
        config.setdefault(key, value)
    t = config.get("t", 0) + 1
    m = config["beta1"] * config.get("m", np.zeros_like(w)) + (1 - config["beta1"]) * dw
    v = config["beta2"] * config.get("v", np.zeros_like(w)) + (1 - config["beta2"]) * dw * dw
    m = m / (1 - config["beta1"] ** t)
    v = v / (1 - config["beta2"] ** t)
    config["m"], config["v"], config["t"] = m, v, t
    return w - config["learning_rate"] * m / (np.sqrt(v) + config["epsilon"]), config
'''),
        ("never stores t, so every step is corrected as if it were the first", '''
import numpy as np
def adam(w, dw, config=None):
    if config is None:
        config = {}
    for key, value in (("learning_rate", 1e-3), ("beta1", 0.9), ("beta2", 0.999), ("epsilon", 1e-8)):
        config.setdefault(key, value)
    t = config.get("t", 0) + 1
    m = config["beta1"] * config.get("m", np.zeros_like(w)) + (1 - config["beta1"]) * dw
    v = config["beta2"] * config.get("v", np.zeros_like(w)) + (1 - config["beta2"]) * dw * dw
    config["m"], config["v"] = m, v
    m_hat, v_hat = m / (1 - config["beta1"] ** t), v / (1 - config["beta2"] ** t)
    return w - config["learning_rate"] * m_hat / (np.sqrt(v_hat) + config["epsilon"]), config
'''),
        ("puts epsilon inside the square root", '''
import numpy as np
def adam(w, dw, config=None):
    if config is None:
        config = {}
    for key, value in (("learning_rate", 1e-3), ("beta1", 0.9), ("beta2", 0.999), ("epsilon", 1e-8)):
        config.setdefault(key, value)
    t = config.get("t", 0) + 1
    m = config["beta1"] * config.get("m", np.zeros_like(w)) + (1 - config["beta1"]) * dw
    v = config["beta2"] * config.get("v", np.zeros_like(w)) + (1 - config["beta2"]) * dw * dw
    config["m"], config["v"], config["t"] = m, v, t
    m_hat, v_hat = m / (1 - config["beta1"] ** t), v / (1 - config["beta2"] ** t)
    return w - config["learning_rate"] * m_hat / np.sqrt(v_hat + config["epsilon"]), config
'''),
        ("second moment of dw instead of dw squared: v averages the gradient itself", '''
import numpy as np
def adam(w, dw, config=None):
    if config is None:
        config = {}
    for key, value in (("learning_rate", 1e-3), ("beta1", 0.9), ("beta2", 0.999), ("epsilon", 1e-8)):
        config.setdefault(key, value)
    t = config.get("t", 0) + 1
    m = config["beta1"] * config.get("m", np.zeros_like(w)) + (1 - config["beta1"]) * dw
    v = config["beta2"] * config.get("v", np.zeros_like(w)) + (1 - config["beta2"]) * np.abs(dw)
    config["m"], config["v"], config["t"] = m, v, t
    m_hat, v_hat = m / (1 - config["beta1"] ** t), v / (1 - config["beta2"] ** t)
    return w - config["learning_rate"] * m_hat / (v_hat + config["epsilon"]), config
'''),
        ("updates w in place (w -= ...)", '''
import numpy as np
def adam(w, dw, config=None):
    if config is None:
        config = {}
    for key, value in (("learning_rate", 1e-3), ("beta1", 0.9), ("beta2", 0.999), ("epsilon", 1e-8)):
        config.setdefault(key, value)
    t = config.get("t", 0) + 1
    m = config["beta1"] * config.get("m", np.zeros_like(w)) + (1 - config["beta1"]) * dw
    v = config["beta2"] * config.get("v", np.zeros_like(w)) + (1 - config["beta2"]) * dw * dw
    config["m"], config["v"], config["t"] = m, v, t
    w -= config["learning_rate"] * (m / (1 - config["beta1"] ** t)) / (np.sqrt(v / (1 - config["beta2"] ** t)) + config["epsilon"])
    return w, config
'''),
    ],
    "step_decay": [
        ("decays every iteration: gamma ** iteration", '''
def step_decay(iteration, learning_rate, step_size, gamma=0.1):
    return learning_rate * gamma ** iteration
'''),
        ("true division: gamma ** (iteration / step_size), a smooth decay", '''
def step_decay(iteration, learning_rate, step_size, gamma=0.1):
    return learning_rate * gamma ** (iteration / step_size)
'''),
        ("one drop too many: the first step_size iterations are already decayed", '''
def step_decay(iteration, learning_rate, step_size, gamma=0.1):
    return learning_rate * gamma ** (iteration // step_size + 1)
'''),
        ("gamma defaults to 0.5", '''
def step_decay(iteration, learning_rate, step_size, gamma=0.5):
    return learning_rate * gamma ** (iteration // step_size)
'''),
    ],
    "cosine_annealing": [
        ("cos without (1 + ...) / 2: the rate goes negative half-way", '''
import numpy as np
def cosine_annealing(iteration, learning_rate, period, min_lr=0.0, restart=False):
    tau = np.mod(iteration, period) if restart else np.minimum(iteration, period)
    return min_lr + (learning_rate - min_lr) * np.cos(np.pi * tau / period)
'''),
        ("uses math.cos and min, which fail on arrays of iterations", '''
import math
def cosine_annealing(iteration, learning_rate, period, min_lr=0.0, restart=False):
    tau = iteration % period if restart else min(iteration, period)
    return min_lr + (learning_rate - min_lr) * 0.5 * (1 + math.cos(math.pi * tau / period))
'''),
        ("adds min_lr on top instead of annealing towards it", '''
import numpy as np
def cosine_annealing(iteration, learning_rate, period, min_lr=0.0, restart=False):
    tau = np.mod(iteration, period) if restart else np.minimum(iteration, period)
    return min_lr + learning_rate * 0.5 * (1 + np.cos(np.pi * tau / period))
'''),
        ("keeps following the cosine after one period (back up) instead of staying at min_lr", '''
import numpy as np
def cosine_annealing(iteration, learning_rate, period, min_lr=0.0, restart=False):
    tau = np.mod(iteration, period) if restart else iteration
    return min_lr + (learning_rate - min_lr) * 0.5 * (1 + np.cos(np.pi * tau / period))
'''),
        ("ignores restart", '''
import numpy as np
def cosine_annealing(iteration, learning_rate, period, min_lr=0.0, restart=False):
    tau = np.minimum(iteration, period)
    return min_lr + (learning_rate - min_lr) * 0.5 * (1 + np.cos(np.pi * tau / period))
'''),
    ],
    "cyclical": [
        ("Smith's formula with the cycle counted from 0: cycle = iteration // (2 * step_size), x = |i/s - 2 cycle + 1|", '''
import numpy as np
def cyclical(iteration, learning_rate, max_lr, step_size, mode="triangular"):
    cycle = np.floor_divide(iteration, 2 * step_size)
    x = np.abs(np.divide(iteration, step_size) - 2 * cycle + 1)
    scale = 1.0 if mode == "triangular" else 0.5 ** cycle
    return learning_rate + (max_lr - learning_rate) * np.maximum(0, 1 - x) * scale
'''),
        ("integer division iteration // step_size: the climb comes in stairs", '''
import numpy as np
def cyclical(iteration, learning_rate, max_lr, step_size, mode="triangular"):
    cycle = np.floor_divide(iteration, 2 * step_size)
    x = np.abs(np.floor_divide(iteration, step_size) - 2 * cycle - 1)
    scale = 1.0 if mode == "triangular" else 0.5 ** cycle
    return learning_rate + (max_lr - learning_rate) * (1 - x) * scale
'''),
        ("starts each cycle at max_lr: uses x instead of 1 - x", '''
import numpy as np
def cyclical(iteration, learning_rate, max_lr, step_size, mode="triangular"):
    cycle = np.floor_divide(iteration, 2 * step_size)
    x = np.abs(np.divide(iteration, step_size) - 2 * cycle - 1)
    scale = 1.0 if mode == "triangular" else 0.5 ** cycle
    return learning_rate + (max_lr - learning_rate) * x * scale
'''),
        ("triangular2 halves the height from the first cycle on (1 / 2 ** (cycle + 1))", '''
import numpy as np
def cyclical(iteration, learning_rate, max_lr, step_size, mode="triangular"):
    cycle = np.floor_divide(iteration, 2 * step_size)
    x = np.abs(np.divide(iteration, step_size) - 2 * cycle - 1)
    scale = 1.0 if mode == "triangular" else 0.5 ** (cycle + 1)
    return learning_rate + (max_lr - learning_rate) * (1 - x) * scale
'''),
        ("a whole cycle lasts step_size iterations instead of 2 * step_size", '''
import numpy as np
def cyclical(iteration, learning_rate, max_lr, step_size, mode="triangular"):
    cycle = np.floor_divide(iteration, step_size)
    x = np.abs(2 * np.divide(iteration, step_size) - 2 * cycle - 1)
    scale = 1.0 if mode == "triangular" else 0.5 ** cycle
    return learning_rate + (max_lr - learning_rate) * (1 - x) * scale
'''),
    ],
}
