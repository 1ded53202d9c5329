# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Assignment 05: layers, backpropagation and a multi-layer perceptron
#
# A multi-layer perceptron (MLP) is a chain of simple steps: an affine map, a nonlinearity, another
# affine map, ..., and finally the softmax loss of assignment 01. Training it needs the gradient of
# the loss with respect to every weight. Writing that gradient out by hand for a whole network is
# hopeless, but each step on its own is easy to differentiate, and the chain rule glues the pieces
# together. That recipe is **backpropagation**.
#
# You will write each piece as a *layer* with two functions that share one contract:
#
# - `<name>_forward(x, ...) -> (out, cache)` computes the output and keeps in `cache` whatever the
#   backward pass will need (what goes in the cache is your choice);
# - `<name>_backward(dout, cache) -> dx` (or `(dx, dw, db)` for a layer with parameters) takes the
#   gradient of the loss with respect to `out`, called `dout`, and returns the gradient with
#   respect to each input, each shaped like that input.
#
# Graded: `affine_forward`, `affine_backward`, `relu_forward`, `relu_backward`, `sigmoid_forward`,
# `sigmoid_backward`, `tanh_forward`, `tanh_backward`, and `mlp_loss`, a whole classifier built
# from them. Then you train it on the letters and compare it with scikit-learn, watch one hidden
# layer approximate a curve better and better as it widens, and compare deep with wide networks.
#
# **How to check your work.** Run each function's cell, then the test cell after it: a passing test
# prints a line ending in `passed`; a failing one says what it expected, what it got and where to
# look. The grader runs hidden tests on other inputs (a batch of one, images, float32, extreme
# values) and checks every backward pass against a numerical gradient of *your own* forward pass,
# so write code that works for any shape the docstring allows.
#
# Shapes: $N$ samples, $D$ input features, $M$ outputs of a layer, $H$ hidden units, $K$ classes.

# %% nbgrader={"grade": false, "grade_id": "setup", "locked": true, "schema_version": 3, "solution": false}
import time

import matplotlib.pyplot as plt
import numpy as np

from utils.data import flatten, load_letters
from utils.gradcheck import check_gradient, numerical_gradient, numerical_gradient_array, rel_error
from utils.losses import softmax_cross_entropy
from utils.optim import sgd_momentum
from utils.plotting import plot_curves
from utils.train import accuracy, train

# %% [markdown]
# ## 1. A two-layer network as a computation graph
#
# A two-layer classifier with $H$ hidden units computes, for a batch $X$ of shape $(N, D)$ and labels $y$,
#
# $$A = X W_1 + b_1,\qquad Z = \max(0, A),\qquad S = Z W_2 + b_2,\qquad
#   \ell = \tfrac{1}{N}\textstyle\sum_n -\log \operatorname{softmax}(S_n)_{y_n}.$$
#
# Drawn as a graph, with the forward pass going down the left and the backward pass going up the
# right (each line of the right column uses only the line below it and what the left column saved):
#
# ```
#  forward pass: values and shapes          backward pass: gradients of the loss ℓ
#
#  X   (N, D)                                dX  = dA W1ᵀ
#  │   affine, parameters W1 (D, H), b1 (H)  dW1 = Xᵀ dA      db1 = Σ_n dA_n
#  ▼                                          ▲
#  A   (N, H)                                dA  = dZ ⊙ 1[A > 0]
#  │   ReLU                                   ▲
#  ▼                                          │
#  Z   (N, H)                                dZ  = dS W2ᵀ
#  │   affine, parameters W2 (H, K), b2 (K)  dW2 = Zᵀ dS      db2 = Σ_n dS_n
#  ▼                                          ▲
#  S   (N, K)                                dS  = (softmax(S) - onehot(y)) / N
#  │   softmax + cross-entropy with y         ▲
#  ▼                                          │
#  ℓ   a number                              dℓ  = 1
# ```
#
# The left column is the **forward pass**. The right column is the **backward pass**: it starts from
# $\partial \ell / \partial \ell = 1$ and walks the graph in reverse. Write $\bar v$ for
# $\partial \ell / \partial v$ (`dv` in the diagram and in code), an array shaped like $v$. The
# chain rule says that if $v$ feeds a box with output $u$, then $\bar v$ is $\bar u$ multiplied by
# the local derivative of that one box, and *nothing else*: a box never needs to know what comes
# after it (were $v$ to feed several boxes, their contributions would add up). For our graph,
# with $\odot$ the elementwise product and $\mathbb{1}[A > 0]$ the array that is 1 where $A > 0$
# and 0 elsewhere:
#
# $$\bar S = \tfrac{1}{N}\big(\operatorname{softmax}(S) - \operatorname{onehot}(y)\big),\qquad
#   \bar W_2 = Z^\top \bar S,\quad \bar b_2 = \textstyle\sum_n \bar S_n,\quad \bar Z = \bar S\, W_2^\top,$$
#
# $$\bar A = \bar Z \odot \mathbb{1}[A > 0],\qquad
#   \bar W_1 = X^\top \bar A,\quad \bar b_1 = \textstyle\sum_n \bar A_n,\quad \bar X = \bar A\, W_1^\top .$$
#
# Each box's forward pass saves what its local derivative needs (the box's *cache*: $X$ for the
# first affine map, $A$ for the ReLU, $Z$ for the second affine map), and its backward pass turns
# the incoming gradient into the gradients of its own inputs. That is the whole algorithm: a
# network of any depth is the same few boxes, chained.

# %% [markdown]
# ## 2. The affine layer
#
# **Forward.** Every sample is flattened to a row of $D$ numbers (images of shape $(N, 28, 28)$
# become $(N, 784)$), then $\text{out} = x W + b$ with $W$ of shape $(D, M)$ and $b$ of shape $(M,)$,
# broadcast over the rows. Keep the input's dtype: float32 in, float32 out.

# %% nbgrader={"grade": false, "grade_id": "affine_forward", "locked": false, "schema_version": 3, "solution": true}
def affine_forward(x, w, b):
    """Compute the affine map out = x W + b of a batch, flattening each sample first.

    Inputs:
    - x: inputs, shape (N, d_1, ..., d_k); sample n is flattened to D = d_1 * ... * d_k values.
    - w: weights, shape (D, M).
    - b: biases, shape (M,).

    Returns (out, cache):
    - out: shape (N, M), in the inputs' dtype (float32 stays float32).
    - cache: whatever affine_backward needs (your choice).
    """
    ### BEGIN SOLUTION
    out = x.reshape(x.shape[0], -1) @ w + b  # (N, D) @ (D, M) + (M,) -> (N, M)
    cache = (x, w, b)
    return out, cache
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_affine_forward", "locked": true, "points": 2, "schema_version": 3, "solution": false}
# affine_forward gives the hand-computed values, flattens images, and keeps float32
x = np.array([[1.0, 2.0]])  # N = 1, D = 2
w = np.array([[1.0, 0.0, -1.0],
              [0.5, 2.0, 1.0]])  # (D, M) = (2, 3)
b = np.array([0.0, 1.0, 2.0])
# by hand: x W = [1 + 1, 0 + 4, -1 + 2] = [2, 4, 1]; plus b gives [2, 5, 3]
out, _ = affine_forward(x, w, b)
assert np.shape(out) == (1, 3), f"affine_forward of x (1, 2) and w (2, 3) should give shape (1, 3), got {np.shape(out)}"
assert np.allclose(out, [[2.0, 5.0, 3.0]]), (
    f"affine_forward should give [[2, 5, 3]], got {out}: compute x @ w + b (not w @ x, and add b)")

images = np.arange(12.0).reshape(2, 2, 3) / 10  # N = 2 images of 2 x 3 pixels, so D = 6
w6, b2 = np.ones((6, 2)), np.array([0.0, 1.0])
# by hand: sample 0 sums to (0 + ... + 5) / 10 = 1.5, sample 1 to (6 + ... + 11) / 10 = 5.1
try:
    out, _ = affine_forward(images, w6, b2)
except ValueError as err:
    raise AssertionError(f"affine_forward on x of shape (2, 2, 3) raised ValueError ({err}): "
                         "flatten each sample first with x.reshape(x.shape[0], -1)") from None
assert np.shape(out) == (2, 2) and np.allclose(out, [[1.5, 2.5], [5.1, 6.1]]), (
    f"affine_forward on images (2, 2, 3) with w = ones((6, 2)) should give [[1.5, 2.5], [5.1, 6.1]], got\n{out}\n"
    "flatten each sample to one row of D = 6 values: x.reshape(N, -1)")

out32, _ = affine_forward(x.astype(np.float32), w.astype(np.float32), b.astype(np.float32))
assert out32.dtype == np.float32, (
    f"float32 inputs should give a float32 output, got {out32.dtype}: avoid astype(float) and float64 constants")
print("test_affine_forward passed")

# %% [markdown]
# **Backward.** With $\text{out} = x W + b$ and upstream gradient $\bar{\text{out}}$ = `dout` of shape
# $(N, M)$, entry by entry $\text{out}_{nm} = \sum_d x_{nd} W_{dm} + b_m$, so
#
# $$\frac{\partial \ell}{\partial x_{nd}} = \sum_m \bar{\text{out}}_{nm} W_{dm},\qquad
#   \frac{\partial \ell}{\partial W_{dm}} = \sum_n x_{nd}\, \bar{\text{out}}_{nm},\qquad
#   \frac{\partial \ell}{\partial b_m} = \sum_n \bar{\text{out}}_{nm},$$
#
# that is $dx = \text{dout}\, W^\top$, $dW = x^\top \text{dout}$, $db$ = the column sums of
# `dout`. The shapes check the algebra: $dW$ must be $(D, M)$ like $W$, and $(D, N) \times (N, M)$
# is the only product of $x$ and `dout` that gives it. The bias is added to every row, so its
# gradient collects a contribution from every sample. Finally, $dx$ must have the shape of the
# original `x`, images included: reshape it back.

# %% nbgrader={"grade": false, "grade_id": "affine_backward", "locked": false, "schema_version": 3, "solution": true}
def affine_backward(dout, cache):
    """Compute the gradients of an affine layer from the upstream gradient.

    Inputs:
    - dout: gradient of the loss with respect to out, shape (N, M).
    - cache: what your affine_forward returned.

    Returns (dx, dw, db):
    - dx: shape (N, d_1, ..., d_k), like x.
    - dw: shape (D, M), like w.
    - db: shape (M,), like b.
    """
    ### BEGIN SOLUTION
    x, w, b = cache
    dx = (dout @ w.T).reshape(x.shape)  # (N, M) @ (M, D) -> (N, D) -> (N, d_1, ..., d_k)
    dw = x.reshape(x.shape[0], -1).T @ dout  # (D, N) @ (N, M) -> (D, M)
    db = dout.sum(axis=0)  # (M,)
    return dx, dw, db
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_affine_backward", "locked": true, "points": 3, "schema_version": 3, "solution": false}
# affine_backward gives the hand-computed gradients, shaped like x, w and b, and matches a numerical gradient
x = np.array([[1.0, 2.0],
              [3.0, 4.0]])  # (N, D) = (2, 2)
w = np.array([[1.0, -1.0, 0.5],
              [0.0, 2.0, 1.0]])  # (D, M) = (2, 3)
b = np.zeros(3)
dout = np.array([[1.0, 0.0, 0.0],
                 [0.0, 1.0, 1.0]])  # (N, M)
# by hand: dx = dout W^T = [[1, 0], [-1 + 0.5, 2 + 1]]; dw = x^T dout = [[1, 3, 3], [2, 4, 4]]; db = [1, 1, 1]
_, cache = affine_forward(x, w, b)
dx, dw, db = affine_backward(dout, cache)
assert np.shape(dx) == (2, 2) and np.allclose(dx, [[1.0, 0.0], [-0.5, 3.0]]), (
    f"dx should be dout @ w.T = [[1, 0], [-0.5, 3]], got\n{dx}")
assert np.shape(dw) == (2, 3) and np.allclose(dw, [[1.0, 3.0, 3.0], [2.0, 4.0, 4.0]]), (
    f"dw should be x.T @ dout = [[1, 3, 3], [2, 4, 4]] of shape (2, 3) like w, got\n{dw}\n"
    "the product is (D, N) @ (N, M)")
assert np.shape(db) == (3,) and np.allclose(db, [1.0, 1.0, 1.0]), (
    f"db should be dout summed over the batch, [1, 1, 1] of shape (3,), got {db}: use dout.sum(axis=0)")

rng = np.random.default_rng(0)
x = rng.normal(size=(3, 2, 2))  # images: D = 4
w, b = rng.normal(size=(4, 5)), rng.normal(size=5)
dout = rng.normal(size=(3, 5))
try:
    dx, dw, db = affine_backward(dout, affine_forward(x, w, b)[1])
except ValueError as err:
    raise AssertionError(f"affine_forward or affine_backward on images x of shape (3, 2, 2) raised ValueError ({err}): "
                         "flatten x to (N, D) with x.reshape(x.shape[0], -1) for the products, "
                         "and reshape dx back to x.shape") from None
assert np.shape(dx) == x.shape, f"dx should have x's shape {x.shape}, got {np.shape(dx)}: reshape it back"
check_gradient(dx, numerical_gradient_array(lambda v: affine_forward(v, w, b)[0], x, dout), "dx")
check_gradient(dw, numerical_gradient_array(lambda v: affine_forward(x, v, b)[0], w, dout), "dw")
check_gradient(db, numerical_gradient_array(lambda v: affine_forward(x, w, v)[0], b, dout), "db")
print("test_affine_backward passed")

# %% [markdown]
# The numerical checks above use `numerical_gradient_array(f, x, dout)`, the centred difference of
# $\sum \text{out} \odot \text{dout}$, whose exact gradient with respect to $x$ is precisely
# what a backward pass returns. It perturbs one entry at a time, so it is slow, but it needs
# nothing but the forward pass: it is the referee for every backward pass in this course.

# %% [markdown]
# ## 3. Nonlinearities
#
# Without a nonlinearity between them, two affine layers collapse into one
# ($ (xW_1 + b_1) W_2 + b_2 = x (W_1 W_2) + (b_1 W_2 + b_2)$), so depth would buy nothing. Three
# classic choices, each applied elementwise to an array of any shape:
#
# | name | $f(x)$ | $f'(x)$ |
# |---|---|---|
# | ReLU | $\max(0, x)$ | $1$ if $x > 0$, else $0$ |
# | sigmoid | $\sigma(x) = 1 / (1 + e^{-x})$ | $\sigma(x)\,(1 - \sigma(x))$ |
# | tanh | $\tanh(x) = (e^x - e^{-x}) / (e^x + e^{-x})$ | $1 - \tanh^2(x)$ |
#
# The backward pass of an elementwise layer is just $dx = \text{dout} \odot f'(x)$. Notice that
# the derivatives of sigmoid and tanh are easiest to compute from their *outputs*, which is a
# good reason to keep the output in the cache.
#
# Details that matter:
# - ReLU has a kink at 0, where it has no derivative. We use the *subgradient* 0 there
#   (pass the gradient only where $x > 0$), as PyTorch does.
# - $e^{-x}$ overflows for $x < -709$ (float64). `1 / (1 + np.exp(-x))` then gives
#   $1/\infty = 0$ with a harmless warning, which is the right answer; but the equivalent
#   `np.exp(x) / (1 + np.exp(x))` gives $\infty / \infty$ = `nan` for large $x$. The same goes for
#   tanh written with exponentials: use `np.tanh`. Results at $\pm 1000$ must be exactly right
#   and finite; warnings do not matter.
# - Keep the dtype: float32 in, float32 out.

# %% nbgrader={"grade": false, "grade_id": "relu_forward", "locked": false, "schema_version": 3, "solution": true}
def relu_forward(x):
    """Compute the ReLU max(0, x) elementwise.

    Input: x, an array of any shape.
    Returns (out, cache): out shaped like x, in x's dtype; cache for relu_backward.
    """
    ### BEGIN SOLUTION
    out = np.maximum(0, x)  # same shape and dtype as x
    return out, x
    ### END SOLUTION


# %% nbgrader={"grade": false, "grade_id": "sigmoid_forward", "locked": false, "schema_version": 3, "solution": true}
def sigmoid_forward(x):
    """Compute the logistic sigmoid 1 / (1 + e^-x) elementwise, finite for any x.

    Input: x, an array of any shape.
    Returns (out, cache): out shaped like x, in x's dtype, in [0, 1]; cache for sigmoid_backward.
    """
    ### BEGIN SOLUTION
    e = np.exp(-np.abs(x))  # in (0, 1]: never overflows
    out = np.where(x >= 0, 1 / (1 + e), e / (1 + e))  # both branches equal sigma(x)
    return out, out
    ### END SOLUTION


# %% nbgrader={"grade": false, "grade_id": "tanh_forward", "locked": false, "schema_version": 3, "solution": true}
def tanh_forward(x):
    """Compute the hyperbolic tangent elementwise.

    Input: x, an array of any shape.
    Returns (out, cache): out shaped like x, in x's dtype, in [-1, 1]; cache for tanh_backward.
    """
    ### BEGIN SOLUTION
    out = np.tanh(x)
    return out, out
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_activations_forward", "locked": true, "points": 2, "schema_version": 3, "solution": false}
# relu, sigmoid and tanh forward give hand-computed values, stay finite at +-1000 and keep float32
x = np.array([-2.0, -0.5, 0.0, 0.5, 2.0])
try:
    out, _ = relu_forward(x)
except TypeError as err:
    raise AssertionError(f"relu_forward({x}) raised TypeError ({err}): np.max(0, x) reads 0 as the array and x "
                         "as the axis; the elementwise maximum is np.maximum(0, x)") from None
assert np.shape(out) == x.shape and np.allclose(out, [0.0, 0.0, 0.0, 0.5, 2.0]), (
    f"relu_forward({x}) should be [0, 0, 0, 0.5, 2], got {out}: use np.maximum(0, x) (np.max reduces an array)")

ln3 = np.log(3.0)  # sigma(ln 3) = 1 / (1 + 1/3) = 3/4
out, _ = sigmoid_forward(np.array([[-ln3, 0.0, ln3]]))
assert np.shape(out) == (1, 3) and np.allclose(out, [[0.25, 0.5, 0.75]]), (
    f"sigmoid_forward([-ln 3, 0, ln 3]) should be [1/4, 1/2, 3/4], got {out}: 1 / (1 + exp(-x)), mind the sign")

ln2 = np.log(2.0)  # tanh(ln 2) = (2 - 1/2) / (2 + 1/2) = 0.6
out, _ = tanh_forward(np.array([-ln2, 0.0, ln2]))
assert np.allclose(out, [-0.6, 0.0, 0.6]), (
    f"tanh_forward([-ln 2, 0, ln 2]) should be [-0.6, 0, 0.6], got {out}: use np.tanh(x) (2 sigmoid(x) - 1 is tanh(x / 2))")

big = np.array([-1000.0, 1000.0])
s, _ = sigmoid_forward(big)
assert np.all(np.isfinite(s)) and np.allclose(s, [0.0, 1.0]), (
    f"sigmoid_forward([-1000, 1000]) should be [0, 1], got {s}: exp(1000) is inf and inf / inf is nan; "
    "write it as 1 / (1 + exp(-x)), or exponentiate only -|x|")
t, _ = tanh_forward(big)
assert np.all(np.isfinite(t)) and np.allclose(t, [-1.0, 1.0]), (
    f"tanh_forward([-1000, 1000]) should be [-1, 1], got {t}: use np.tanh rather than exponentials")

x32 = np.array([[-1.0, 0.5]], dtype=np.float32)
for name, forward in [("relu_forward", relu_forward), ("sigmoid_forward", sigmoid_forward), ("tanh_forward", tanh_forward)]:
    dtype = forward(x32)[0].dtype
    assert dtype == np.float32, f"{name} of float32 input should return float32, got {dtype}: avoid float64 constants and astype(float)"
print("test_activations_forward passed")

# %% [markdown]
# Now the backward passes. Each receives `dout`, shaped like the layer's input, and the cache your
# forward pass returned.

# %% nbgrader={"grade": false, "grade_id": "relu_backward", "locked": false, "schema_version": 3, "solution": true}
def relu_backward(dout, cache):
    """Compute the gradient of ReLU: dout where the input was positive, 0 elsewhere (0 at x = 0).

    Inputs:
    - dout: upstream gradient, shaped like x.
    - cache: what your relu_forward returned.

    Returns dx, shaped like x.
    """
    ### BEGIN SOLUTION
    x = cache
    return dout * (x > 0)  # the subgradient at exactly 0 is 0
    ### END SOLUTION


# %% nbgrader={"grade": false, "grade_id": "sigmoid_backward", "locked": false, "schema_version": 3, "solution": true}
def sigmoid_backward(dout, cache):
    """Compute the gradient of the sigmoid, dout * sigma(x) * (1 - sigma(x)).

    Inputs:
    - dout: upstream gradient, shaped like x.
    - cache: what your sigmoid_forward returned.

    Returns dx, shaped like x.
    """
    ### BEGIN SOLUTION
    s = cache  # sigma(x)
    return dout * s * (1 - s)
    ### END SOLUTION


# %% nbgrader={"grade": false, "grade_id": "tanh_backward", "locked": false, "schema_version": 3, "solution": true}
def tanh_backward(dout, cache):
    """Compute the gradient of tanh, dout * (1 - tanh(x)^2).

    Inputs:
    - dout: upstream gradient, shaped like x.
    - cache: what your tanh_forward returned.

    Returns dx, shaped like x.
    """
    ### BEGIN SOLUTION
    t = cache  # tanh(x)
    return dout * (1 - t * t)
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_activations_backward", "locked": true, "points": 3, "schema_version": 3, "solution": false}
# relu, sigmoid and tanh backward give hand-computed values (ReLU passes nothing at 0) and match numerical gradients
dx = relu_backward(np.array([5.0, 5.0, 5.0]), relu_forward(np.array([-1.0, 0.0, 2.0]))[1])
assert np.allclose(dx, [0.0, 0.0, 5.0]), (
    f"relu_backward of dout = [5, 5, 5] at x = [-1, 0, 2] should be [0, 0, 5], got {dx}: "
    "pass dout only where x > 0 (the input, and strictly greater: the subgradient at 0 is 0)")
dx = sigmoid_backward(np.array([4.0]), sigmoid_forward(np.array([0.0]))[1])
assert np.allclose(dx, [1.0]), (
    f"sigmoid_backward of dout = 4 at x = 0 should be 4 * sigma(0) (1 - sigma(0)) = 4 * 0.25 = 1, got {dx}: "
    "dx = dout * s * (1 - s), where s = sigma(x) is the output your forward pass cached (not x, not sigma(s))")
dx = tanh_backward(np.array([2.0]), tanh_forward(np.array([np.log(2.0)]))[1])
assert np.allclose(dx, [1.28]), (
    f"tanh_backward of dout = 2 at x = ln 2 should be 2 * (1 - tanh(ln 2)^2) = 2 * (1 - 0.36) = 1.28, got {dx}: "
    "dx = dout * (1 - t**2), where t = tanh(x) is the output your forward pass cached")

rng = np.random.default_rng(0)
x = rng.normal(size=(4, 3))
x[np.abs(x) < 0.01] = 0.5  # stay away from ReLU's kink, where the numerical gradient is meaningless
dout = rng.normal(size=x.shape)
for name, forward, backward in [("relu", relu_forward, relu_backward),
                                ("sigmoid", sigmoid_forward, sigmoid_backward),
                                ("tanh", tanh_forward, tanh_backward)]:
    dx = backward(dout, forward(x)[1])
    assert np.shape(dx) == x.shape, f"{name}_backward should return dx of shape {x.shape}, got {np.shape(dx)}"
    check_gradient(dx, numerical_gradient_array(lambda v: forward(v)[0], x.copy(), dout), f"{name}_backward's dx")
print("test_activations_backward passed")

# %% [markdown]
# ## 4. Every layer against its numerical gradient
#
# The tests above assert; here is the same check as numbers. For each layer, the largest relative
# error between your backward pass and the centred difference of your forward pass, on random
# inputs. Correct code gives errors around $10^{-9}$ or smaller; a mistake gives errors near 1.

# %%
rng = np.random.default_rng(1)
x = rng.normal(size=(5, 2, 3))  # (N, d_1, d_2): D = 6
w, b = rng.normal(size=(6, 4)), rng.normal(size=4)
dout = rng.normal(size=(5, 4))
dx, dw, db = affine_backward(dout, affine_forward(x, w, b)[1])
print(f"affine  dx {rel_error(dx, numerical_gradient_array(lambda v: affine_forward(v, w, b)[0], x, dout)):.1e}"
      f"   dw {rel_error(dw, numerical_gradient_array(lambda v: affine_forward(x, v, b)[0], w, dout)):.1e}"
      f"   db {rel_error(db, numerical_gradient_array(lambda v: affine_forward(x, w, v)[0], b, dout)):.1e}")
a = rng.normal(size=(5, 4))
a[np.abs(a) < 0.01] = 0.5
for name, forward, backward in [("relu", relu_forward, relu_backward),
                                ("sigmoid", sigmoid_forward, sigmoid_backward),
                                ("tanh", tanh_forward, tanh_backward)]:
    dx = backward(dout, forward(a)[1])
    print(f"{name:<7} dx {rel_error(dx, numerical_gradient_array(lambda v: forward(v)[0], a, dout)):.1e}")

# %% [markdown]
# ## 5. A multi-layer classifier
#
# Now chain the layers into a classifier with $L$ affine layers and $L - 1$ hidden layers:
#
# $$h_0 = X,\qquad h_l = f(h_{l-1} W_l + b_l)\ \ (l = 1, \dots, L-1),\qquad S = h_{L-1} W_L + b_L,$$
#
# with the same activation $f$ (ReLU, sigmoid or tanh) after every affine layer except the last:
# the scores $S$ go straight into the softmax. The loss adds an L2 penalty on the weights (not the
# biases), which pulls them towards 0:
#
# $$\ell = \frac{1}{N} \sum_{n} -\log \operatorname{softmax}(S_n)_{y_n}
#   + \frac{\lambda}{2} \sum_{l=1}^{L} \lVert W_l \rVert^2, \qquad
#   \frac{\partial}{\partial W_l} \frac{\lambda}{2} \lVert W_l \rVert^2 = \lambda W_l .$$
#
# `params` holds `"W1", "b1", ..., "WL", "bL"`, so $L$ = `len(params) // 2` ($L = 1$ is plain
# softmax regression). Use your layer functions and `softmax_cross_entropy` (from assignment 01,
# imported in the setup cell): run forward through the layers keeping each cache, then backward
# in reverse order. Return the scores when `y` is None, else the loss and a dict of gradients
# with the same keys and shapes as `params`.

# %% nbgrader={"grade": false, "grade_id": "mlp_loss", "locked": false, "schema_version": 3, "solution": true}
def mlp_loss(params, X, y=None, reg=0.0, activation="relu"):
    """Compute a fully connected classifier's scores, or its loss and gradients.

    Inputs:
    - params: {"W1": (D, H_1), "b1": (H_1,), ..., "WL": (H_{L-1}, K), "bL": (K,)}, with L >= 1.
    - X: inputs, shape (N, d_1, ..., d_k), flattened by the first affine layer to (N, D).
    - y: integer labels, shape (N,), or None.
    - reg: L2 strength lambda; the loss adds 0.5 * reg * sum_l ||W_l||^2 (biases excluded).
    - activation: "relu", "sigmoid" or "tanh", applied after every affine layer but the last.

    Returns:
    - if y is None: the scores, shape (N, K);
    - else (loss, grads): the mean softmax cross-entropy plus the penalty, a float, and a dict of
      gradients with the keys and shapes of params.
    """
    ### BEGIN SOLUTION
    forward = {"relu": relu_forward, "sigmoid": sigmoid_forward, "tanh": tanh_forward}[activation]
    backward = {"relu": relu_backward, "sigmoid": sigmoid_backward, "tanh": tanh_backward}[activation]
    L = len(params) // 2
    h, caches = X, []
    for l in range(1, L):
        a, fc_cache = affine_forward(h, params[f"W{l}"], params[f"b{l}"])  # (N, H_l)
        h, act_cache = forward(a)
        caches.append((fc_cache, act_cache))
    scores, out_cache = affine_forward(h, params[f"W{L}"], params[f"b{L}"])  # (N, K)
    if y is None:
        return scores

    loss, dscores = softmax_cross_entropy(scores, y)
    grads = {}
    dh, grads[f"W{L}"], grads[f"b{L}"] = affine_backward(dscores, out_cache)
    for l in range(L - 1, 0, -1):
        fc_cache, act_cache = caches[l - 1]
        dh, grads[f"W{l}"], grads[f"b{l}"] = affine_backward(backward(dh, act_cache), fc_cache)
    for l in range(1, L + 1):
        W = params[f"W{l}"]
        loss += 0.5 * reg * np.sum(W * W)
        grads[f"W{l}"] = grads[f"W{l}"] + reg * W
    return float(loss), grads
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_mlp_scores", "locked": true, "points": 2, "schema_version": 3, "solution": false}
# mlp_loss without labels returns the hand-computed scores of a small net, for any number of layers
params = {"W1": np.array([[1.0, -1.0],
                          [0.0, 1.0]]), "b1": np.zeros(2),  # D = 2 -> H = 2
          "W2": np.eye(2), "b2": np.array([0.5, -1.0])}  # H = 2 -> K = 2
X = np.array([[1.0, 2.0],
              [2.0, 1.0]])
# by hand: A = X W1 = [[1, 1], [2, -1]]; ReLU -> Z = [[1, 1], [2, 0]]; S = Z I + b2 = [[1.5, 0], [2.5, -1]]
scores = mlp_loss(params, X)
assert np.shape(scores) == (2, 2), f"mlp_loss(params, X) should return scores of shape (N, K) = (2, 2), got {np.shape(scores)}"
assert np.allclose(scores, [[1.5, 0.0], [2.5, -1.0]]), (
    f"scores should be [[1.5, 0], [2.5, -1]], got\n{scores}\n"
    "affine, ReLU, then affine: no activation after the last layer (scores may be negative)")
scores = mlp_loss(params, X, activation="tanh")  # tanh(A) = [[t1, t1], [t2, -t1]] with t1 = tanh(1), t2 = tanh(2)
t1, t2 = np.tanh(1.0), np.tanh(2.0)
assert np.allclose(scores, [[t1 + 0.5, t1 - 1], [t2 + 0.5, -t1 - 1]]), (
    f"with activation='tanh' the scores should be [[{t1 + 0.5:.4f}, {t1 - 1:.4f}], [{t2 + 0.5:.4f}, {-t1 - 1:.4f}]], "
    f"got\n{scores}\nuse the activation the argument names, after every affine layer but the last")

one = {"W1": params["W1"], "b1": np.array([0.0, 1.0])}  # L = 1: softmax regression
try:
    scores = mlp_loss(one, X)
except KeyError as err:
    raise AssertionError(f"mlp_loss with only W1 and b1 (L = 1) raised KeyError {err}: count the layers as "
                         "L = len(params) // 2 and loop over them, don't assume two") from None
assert np.allclose(scores, X @ params["W1"] + [0.0, 1.0]), (
    "with only W1 and b1 (L = 1) the scores are X @ W1 + b1: count the layers as len(params) // 2")

rng = np.random.default_rng(0)
deep = {"W1": rng.normal(size=(12, 5)), "b1": rng.normal(size=5), "W2": rng.normal(size=(5, 4)),
        "b2": rng.normal(size=4), "W3": rng.normal(size=(4, 3)), "b3": rng.normal(size=3)}
scores = mlp_loss(deep, rng.normal(size=(6, 3, 4)))  # images (N, 3, 4), L = 3 layers
assert np.shape(scores) == (6, 3), (
    f"a 3-layer net on 6 images of 3 x 4 pixels with K = 3 should give scores (6, 3), got {np.shape(scores)}: "
    "loop over all L layers, don't assume two")
print("test_mlp_scores passed")

# %% nbgrader={"grade": true, "grade_id": "test_mlp_loss_grads", "locked": true, "points": 3, "schema_version": 3, "solution": false}
# mlp_loss with labels gives the hand-computed loss with its L2 penalty, and gradients matching numerical ones
params = {"W1": np.array([[1.0, -1.0],
                          [0.0, 1.0]]), "b1": np.array([1.0, 0.0]),
          "W2": np.zeros((2, 2)), "b2": np.zeros(2)}  # W2 = 0: every score is 0
X, y = np.array([[1.0, 2.0], [2.0, 1.0]]), np.array([0, 1])
# by hand: scores 0, so the data loss is log K = log 2; the penalty is 0.5 * 0.2 * (1 + 1 + 1) = 0.3
out = mlp_loss(params, X, y, reg=0.2)
assert isinstance(out, (tuple, list)) and len(out) == 2, "mlp_loss(params, X, y) should return a pair (loss, grads)"
loss, grads = out
assert np.isclose(loss, np.log(2) + 0.3), (
    f"loss should be log 2 + 0.5 * 0.2 * ||W1||^2 = {np.log(2) + 0.3:.4f}, got {loss}: "
    "add 0.5 * reg * (sum of squared weights) over every W, not over the biases")
assert isinstance(grads, dict) and sorted(grads) == sorted(params), (
    f"grads should be a dict with the keys of params {sorted(params)}, got {sorted(grads) if isinstance(grads, dict) else type(grads)}")
# with W2 = 0 no gradient reaches layer 1 through the data, so dW1 is the penalty's gradient alone
assert np.allclose(grads["W1"], 0.2 * params["W1"]), (
    f"grads['W1'] should be reg * W1 = {(0.2 * params['W1']).tolist()} here, got {grads['W1'].tolist()}: "
    "add reg * W to each weight's gradient")
assert np.allclose(grads["b1"], 0.0), (
    f"grads['b1'] should be 0 here (W2 = 0 and biases are not penalised), got {grads['b1'].tolist()}")

rng = np.random.default_rng(0)
params = {"W1": rng.normal(size=(4, 5)), "b1": rng.normal(size=5), "W2": rng.normal(size=(5, 3)),
          "b2": rng.normal(size=3), "W3": rng.normal(size=(3, 3)), "b3": rng.normal(size=3)}
X, y = rng.normal(size=(6, 4)), rng.integers(0, 3, size=6)
for activation in ("relu", "sigmoid", "tanh"):
    try:
        loss, grads = mlp_loss(params, X, y, reg=0.1, activation=activation)
    except KeyError as err:
        raise AssertionError(f"mlp_loss on a 3-layer net (W1 .. W3) raised KeyError {err}: loop over all "
                             "L = len(params) // 2 layers, forward and backward, don't assume two") from None
    assert sorted(grads) == sorted(params), (
        f"a 3-layer net should get gradients for {sorted(params)}, got {sorted(grads)}: loop over all "
        "L = len(params) // 2 layers, don't assume two")
    for name in params:
        assert np.shape(grads[name]) == params[name].shape, (
            f"grads['{name}'] should have the shape of params['{name}'], {params[name].shape}, got {np.shape(grads[name])}")
        numeric = numerical_gradient(lambda v: mlp_loss(dict(params, **{name: v}), X, y, 0.1, activation)[0],
                                     params[name].copy())
        try:
            check_gradient(grads[name], numeric, f"grads['{name}'] with activation='{activation}'")
        except AssertionError as err:
            raise AssertionError(f"{err}. Walk the layers in reverse: affine_backward of the last layer, then for "
                                 "each hidden layer the activation's backward pass followed by affine_backward, "
                                 "each with the cache its own forward pass returned") from None
print("test_mlp_loss_grads passed")

# %% [markdown]
# ## 6. Training on the letters, against scikit-learn
#
# A model, for `utils.train`, is a `params` dict and a `loss(X, y=None)` method; `MLP` wraps your
# `mlp_loss` that way. The weights start as Gaussian noise with standard deviation
# $\sqrt{2 / \text{fan-in}}$, so that the signal keeps its size through ReLU layers (assignment 10
# explains why); biases start at 0. We train with mini-batch SGD with momentum (assignment 03) on
# the 20,000 training letters, pixels centred by the training mean, and compare with
# scikit-learn's MLP of the same shape.

# %%
class MLP:
    """A classifier made of your mlp_loss: what utils.train expects (params + loss)."""

    def __init__(self, dims, activation="relu", reg=0.0, rng=0):
        rng = np.random.default_rng(rng)
        self.params = {}
        for l, (fan_in, fan_out) in enumerate(zip(dims[:-1], dims[1:]), start=1):
            self.params[f"W{l}"] = rng.normal(0.0, np.sqrt(2.0 / fan_in), (fan_in, fan_out))
            self.params[f"b{l}"] = np.zeros(fan_out)
        self.activation, self.reg = activation, reg

    def loss(self, X, y=None):
        return mlp_loss(self.params, X, y, self.reg, self.activation)

    def num_parameters(self):
        return sum(p.size for p in self.params.values())


from threadpoolctl import threadpool_limits  # noqa: E402 - installed with scikit-learn; not needed for grading

threadpool_limits(1)  # one BLAS thread from here on: on a busy 2-core machine, two threads fight and run 5x slower

letters = load_letters()
X_train, X_val, X_test = (flatten(letters[f"X_{s}"]) for s in ("train", "val", "test"))  # (N, 784)
y_train, y_val, y_test = letters["y_train"], letters["y_val"], letters["y_test"]
mean = X_train.mean(axis=0)  # (784,): centre with training statistics only
X_train, X_val, X_test = X_train - mean, X_val - mean, X_test - mean
print(f"train {X_train.shape}, val {X_val.shape}, test {X_test.shape}; classes {letters['classes']}")

# %% [markdown]
# **scikit-learn's MLP first.** `MLPClassifier` with the hidden sizes we will use, (256, 128), on the
# same (centred) pixels, with its defaults (ReLU, the Adam optimiser with learning rate $10^{-3}$,
# batches of 200, L2 strength $10^{-4}$) plus early stopping, which holds out 10% of the training
# set and stops after 10 epochs without improvement on it (at most 200 epochs).

# %%
import warnings  # noqa: E402 - imported here so the grader, which skips this cell, never loads sklearn

from sklearn.exceptions import ConvergenceWarning  # noqa: E402
from sklearn.neural_network import MLPClassifier  # noqa: E402

HIDDEN = (256, 128)
sk_model = MLPClassifier(hidden_layer_sizes=HIDDEN, early_stopping=True, max_iter=200, random_state=0)
start = time.perf_counter()
with warnings.catch_warnings():
    warnings.simplefilter("ignore", ConvergenceWarning)
    sk_model.fit(X_train, y_train)
sk_seconds = time.perf_counter() - start
sk_acc = sk_model.score(X_test, y_test)
print(f"sklearn MLPClassifier {HIDDEN}: test accuracy {sk_acc:.4f} after {sk_seconds:.1f} s ({sk_model.n_iter_} epochs)")

# %% [markdown]
# **Now yours**, with the same hidden sizes: 12 epochs of mini-batches of 100, learning rate 0.1
# halved every 3 epochs, momentum 0.9, no weight decay.

# %%
EPOCHS, LR = 12, 0.1
model = MLP([784, *HIDDEN, 10], rng=0)
start = time.perf_counter()
history = train(model, X_train, y_train, sgd_momentum, {"learning_rate": LR, "momentum": 0.9},
                X_val, y_val, epochs=EPOCHS, batch_size=100, lr_schedule=lambda epoch: LR * 0.5 ** (epoch // 3))
ours_seconds = time.perf_counter() - start
ours_acc = accuracy(model, X_test, y_test)

print(f"{'':<30}{'test accuracy':>15}{'seconds':>10}{'epochs':>8}")
print(f"{'our MLP ' + str(HIDDEN):<30}{ours_acc:>15.4f}{ours_seconds:>10.1f}{EPOCHS:>8}")
print(f"{'sklearn MLPClassifier':<30}{sk_acc:>15.4f}{sk_seconds:>10.1f}{sk_model.n_iter_:>8}")

fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 3.5))
steps_per_epoch = len(history["loss"]) / EPOCHS
plot_curves(ax1, {"mini-batch loss": (np.arange(len(history["loss"])) / steps_per_epoch, history["loss"])},
            "epoch", "loss", "Training loss, per update", logy=True)
plot_curves(ax2, {"train": history["train_acc"], "validation": history["val_acc"]},
            "epoch", "accuracy", "Accuracy after each epoch", marker="o")
plt.tight_layout()
plt.show()

# %% [markdown]
# The mini-batch loss drops by three orders of magnitude, most of it in the first four epochs;
# later, with a smaller learning rate, it settles with less scatter. Training accuracy reaches
# 100% and validation accuracy stays a few tenths of a point below it, so the net barely
# over-fits. Both networks have exactly the same shape and see exactly the same pixels; they
# differ in the optimiser, its schedule and when training stops. Our hand-written layers reach
# scikit-learn's accuracy on the 2,000 test letters (the two differ by a handful of letters; one
# letter is 0.05 percentage points) in comparable time: nothing magic happens inside a library MLP.

# %% [markdown]
# ## 7. Universal approximation
#
# A network with a single hidden layer of sigmoidal units can approximate any continuous function
# on a closed interval as closely as we like, given enough hidden units (Cybenko, 1989). With one
# input $x$, hidden unit $j$ computes $\tanh(w_j x + b_j)$ and the output layer weights it by $c_j$,
# so each unit contributes one smooth step $c_j \tanh(w_j x + b_j)$ of height $2 c_j$, centred at
# $x = -b_j / w_j$; enough steps can trace any curve. Let's watch it: fit $f(x) = \sin(3x) + x$ on $[-2, 2]$ with 1, 4, 16
# and 64 tanh units, using your layers with a squared-error loss
# $\ell = \frac{1}{N}\sum_n (\hat y_n - y_n)^2$, whose gradient with respect to the prediction is
# $\frac{2}{N}(\hat y - y)$. Training is full-batch gradient descent with momentum.
#
# First the network. `regression_init` builds the parameters of a 1-input, 1-output net and puts
# each first-layer unit's step at a random point of $[-2, 2]$, where the data are;
# `regression_predict` runs an input through your `affine_forward` and activation layers and keeps
# their caches for the backward pass.

# %%
def regression_init(hidden, rng, x_range=(-2.0, 2.0)):
    """Parameters of a 1-input, 1-output net; first-layer steps placed at random inside x_range."""
    dims = [1, *hidden, 1]
    params = {}
    for l, (fan_in, fan_out) in enumerate(zip(dims[:-1], dims[1:]), start=1):
        params[f"W{l}"] = rng.normal(0.0, np.sqrt(2.0 / fan_in) * (2.0 if l == 1 else 1.0), (fan_in, fan_out))
        params[f"b{l}"] = np.zeros(fan_out)
    params["b1"] = -params["W1"][0] * rng.uniform(*x_range, size=dims[1])  # unit j switches at a point in x_range
    return params


def regression_predict(params, x, activation):
    """Run x (N, 1) through the net: your affine and activation forward passes. Returns (N, 1), caches."""
    forward = {"relu": relu_forward, "sigmoid": sigmoid_forward, "tanh": tanh_forward}[activation]
    L = len(params) // 2
    h, caches = x, []
    for l in range(1, L):
        a, fc_cache = affine_forward(h, params[f"W{l}"], params[f"b{l}"])
        h, act_cache = forward(a)
        caches.append((fc_cache, act_cache))
    out, out_cache = affine_forward(h, params[f"W{L}"], params[f"b{L}"])
    return out, caches + [out_cache]

# %% [markdown]
# `fit_regression` is the training loop: a forward pass, the gradient $\frac{2}{N}(\hat y - y)$ of
# the squared error, your backward passes from the output layer down to the first, and one momentum
# step for each parameter.

# %%
def fit_regression(hidden, x, target, activation="tanh", steps=4000, lr=0.01, seed=0):
    """Fit target (N, 1) from x (N, 1) by full-batch momentum GD on the mean squared error."""
    backward = {"relu": relu_backward, "sigmoid": sigmoid_backward, "tanh": tanh_backward}[activation]
    params = regression_init(hidden, np.random.default_rng(seed))
    configs = {name: {"learning_rate": lr, "momentum": 0.9} for name in params}
    L = len(params) // 2
    for _ in range(steps):
        pred, caches = regression_predict(params, x, activation)
        grads = {}
        dh, grads[f"W{L}"], grads[f"b{L}"] = affine_backward(2 * (pred - target) / len(x), caches[-1])
        for l in range(L - 1, 0, -1):
            fc_cache, act_cache = caches[l - 1]
            dh, grads[f"W{l}"], grads[f"b{l}"] = affine_backward(backward(dh, act_cache), fc_cache)
        for name in params:
            params[name], configs[name] = sgd_momentum(params[name], grads[name], configs[name])
    mse = float(np.mean((regression_predict(params, x, activation)[0] - target) ** 2))
    return params, mse

# %% [markdown]
# Now the experiment: 200 points of $f(x) = \sin(3x) + x$ on $[-2, 2]$, fitted by nets of 1, 4, 16
# and 64 tanh units, 4000 steps each. Look at how the final error falls as the layer widens.

# %%
x_1d = np.linspace(-2.0, 2.0, 200)[:, None]  # (N, 1)
f_1d = np.sin(3 * x_1d) + x_1d
fits = {}
start = time.perf_counter()
for units in (1, 4, 16, 64):
    fits[units] = fit_regression([units], x_1d, f_1d)
    print(f"{units:>3} tanh units: mean squared error {fits[units][1]:.5f}")
print(f"({time.perf_counter() - start:.1f} s)")

# %% [markdown]
# Each net's curve (red) over the target (grey): where does the narrow net miss it?

# %%
if len(fits) < 4:  # the cell above stopped early
    raise NotImplementedError("the fits above did not all finish: write and test your layers first")
fig, axes = plt.subplots(1, 4, figsize=(13, 3), sharey=True)
for ax, (units, (params, mse)) in zip(axes, fits.items()):
    ax.plot(x_1d, f_1d, "k", lw=3, alpha=0.3, label="$\\sin(3x) + x$")
    ax.plot(x_1d, regression_predict(params, x_1d, "tanh")[0], "tab:red", label="network")
    ax.set_title(f"{units} hidden unit{'s' if units > 1 else ''}: MSE {mse:.4f}")
    ax.set_xlabel("$x$")
axes[0].set_ylabel("$f(x)$")
axes[0].legend(loc="upper left")
fig.suptitle("One hidden tanh layer fitting $\\sin(3x) + x$ as it widens", y=1.03)
plt.show()

# %% [markdown]
# One unit can only make a single S-shaped step, so it captures the overall rise but none of the
# waves; four units start to bend with the curve, and with 16 or 64 units the fit lies on top of
# the target, the error falling by orders of magnitude. The theorem promises that a wide enough
# layer exists; it says nothing about how many units that takes, or whether gradient descent finds
# them.

# %% [markdown]
# ## 8. Depth versus width
#
# If one hidden layer can approximate anything, why go deep? Because some functions need
# *exponentially* fewer parameters when the layers are stacked. A ReLU net on one input computes a
# piecewise-linear function. One hidden layer of $H$ units has at most $H$ kinks, so at most
# $H + 1$ linear pieces. Stacking layers *composes* functions, and composition multiplies pieces.
#
# The tent map $g(x) = 2\,\mathrm{ReLU}(x) - 4\,\mathrm{ReLU}(x - \tfrac12)$ rises from 0 to 1 on
# $[0, \tfrac12]$ and falls back on $[\tfrac12, 1]$: two pieces from two ReLUs. Composing it with
# itself, $g(g(x))$, runs through the tent twice: four pieces; $k$ compositions give $2^k$ pieces
# (Telgarsky, 2016). As a network, $g^{(k)}$ has $k$ hidden layers of 2 units, and
# $2 + 2 + 6(k - 1) + 3 = 6k + 1$ parameters. A single hidden layer with the same parameter count
# ($3H + 1$ parameters for $H$ units) has $H = 2k$ units and at most $2k + 1$ pieces. We build the
# deep nets by hand, run them with your layers, count their pieces, and give the wide nets their
# fair shot: units placed at evenly spaced kinks, output weights fitted by least squares.

# %%
def tent_params(k):
    """Hand-set parameters of a net with k hidden layers of 2 ReLUs computing the tent map k times."""
    params = {"W1": np.array([[1.0, 1.0]]), "b1": np.array([0.0, -0.5])}  # units ReLU(x), ReLU(x - 1/2)
    for l in range(2, k + 1):  # next layer's units see g = 2 h_1 - 4 h_2 and g - 1/2
        params[f"W{l}"], params[f"b{l}"] = np.array([[2.0, 2.0], [-4.0, -4.0]]), np.array([0.0, -0.5])
    params[f"W{k + 1}"], params[f"b{k + 1}"] = np.array([[2.0], [-4.0]]), np.zeros(1)  # output g
    return params


def linear_pieces(x, y):
    """Count the linear pieces of a piecewise-linear curve sampled at x (a slope change is a kink)."""
    slopes = np.diff(y.ravel()) / np.diff(x.ravel())
    return 1 + int(np.sum(np.abs(np.diff(slopes)) > 1e-6 * (1 + np.abs(slopes[:-1]))))


def best_wide_fit(units, x, target):
    """One hidden layer of ReLUs with kinks at evenly spaced points of x, output layer by least squares."""
    kinks = x[np.arange(units) * (len(x) - 1) // units, 0]  # in [0, 1), on the grid so pieces count cleanly
    params = {"W1": np.ones((1, units)), "b1": -kinks}
    h, _ = relu_forward(affine_forward(x, params["W1"], params["b1"])[0])  # (N, units)
    design = np.hstack([h, np.ones((len(x), 1))])
    coef = np.linalg.lstsq(design, target, rcond=None)[0]
    params["W2"], params["b2"] = coef[:-1], coef[-1]
    return params

# %% [markdown]
# Count the pieces: the deep nets $g^{(1)}$ to $g^{(5)}$, then two wide nets fitted to $g^{(5)}$,
# one with 10 units (the same 31 parameters as the deepest net) and one with 32 units (a kink for
# each of its pieces). The last column is how far each wide fit stays from $g^{(5)}$.

# %%
x_01 = np.linspace(0.0, 1.0, 2049)[:, None]
K_DEEP = 5
target = regression_predict(tent_params(K_DEEP), x_01, "relu")[0]  # g applied 5 times: 32 pieces
rows = []
for k in range(1, K_DEEP + 1):
    p = tent_params(k)
    rows.append((f"deep: {k} x 2", sum(v.size for v in p.values()),
                 linear_pieces(x_01, regression_predict(p, x_01, "relu")[0]), None))
wide = {}
for units in (2 * K_DEEP, 2 ** K_DEEP):
    p = best_wide_fit(units, x_01, target)
    pred = regression_predict(p, x_01, "relu")[0]
    wide[units] = pred
    rows.append((f"wide: 1 x {units}", sum(v.size for v in p.values()), linear_pieces(x_01, pred),
                 float(np.mean((pred - target) ** 2))))
print(f"{'shape (layers x units)':<24}{'parameters':>11}{'pieces':>8}{'MSE to g^(5)':>14}")
for name, n_params, pieces, mse in rows:
    print(f"{name:<24}{n_params:>11}{pieces:>8}{'' if mse is None else f'{mse:.2e}':>14}")

# %%
tents = {k: regression_predict(tent_params(k), x_01, "relu")[0] for k in (1, 2, 3)}
fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 4.5))
for k, curve in tents.items():
    ax1.plot(x_01, curve, label=f"$g^{{({k})}}$: {k} layer(s) of 2 ReLUs")
ax1.set_xlabel("$x$")
ax1.set_ylabel("output")
ax1.set_title("Composing the tent map doubles the pieces")
ax1.legend(loc="upper center", bbox_to_anchor=(0.5, -0.18), fontsize=8)
ax2.plot(x_01, target, "k", lw=2, alpha=0.4, label=f"deep, {6 * K_DEEP + 1} params: $g^{{({K_DEEP})}}$ exactly")
ax2.plot(x_01, wide[2 * K_DEEP], "tab:red", label=f"wide, {3 * 2 * K_DEEP + 1} params: 1 x {2 * K_DEEP}, least squares")
ax2.plot(x_01, wide[2 ** K_DEEP], "tab:blue", ls="--", lw=1, label=f"wide, {3 * 2 ** K_DEEP + 1} params: 1 x {2 ** K_DEEP}, least squares")
ax2.set_xlabel("$x$")
ax2.set_ylabel("output")
ax2.set_title(f"Same 31 parameters: {K_DEEP} layers x 2 units vs 1 layer x {2 * K_DEEP}")
ax2.legend(loc="upper center", bbox_to_anchor=(0.5, -0.18), fontsize=8)
plt.tight_layout()
plt.show()

# %% [markdown]
# Left: each extra layer of just two units doubles the number of teeth. Right: with the same 31
# parameters, five layers of 2 units draw all 32 pieces of $g^{(5)}$ exactly, while one layer of
# 10 units can only smooth through the middle (red); a single layer needs 32 units and about three
# times the parameters (blue) to trace it.
#
# **Does depth help on real data?** That was a function built to favour depth, with weights set
# by hand. Here are four nets trained on the letters with about the same number of parameters,
# 51,000, and the same recipe (8 epochs, otherwise as in section 6).

# %%
shapes = [(64,), (60, 60), (56, 56, 56), (52, 52, 52, 52)]
print(f"{'hidden layers':<22}{'parameters':>11}{'train acc':>11}{'test acc':>10}{'seconds':>9}")
for hidden in shapes:
    net = MLP([784, *hidden, 10], rng=0)
    start = time.perf_counter()
    train(net, X_train, y_train, sgd_momentum, {"learning_rate": 0.1, "momentum": 0.9}, epochs=8,
          batch_size=100, lr_schedule=lambda epoch: 0.1 * 0.5 ** (epoch // 3), progress=False)
    seconds = time.perf_counter() - start
    print(f"{str(hidden):<22}{net.num_parameters():>11,}{accuracy(net, X_train[:5000], y_train[:5000]):>11.4f}"
          f"{accuracy(net, X_test, y_test):>10.4f}{seconds:>9.1f}")

# %% [markdown]
# On the letters the four shapes end up within a few tenths of a percentage point of each other:
# at this budget almost all parameters sit in the first layer (784 inputs times its width), and
# what the extra layers add is worth about as much as the first-layer units they cost. Depth pays
# off when the task is built from parts of parts (edges, strokes, letters; or the tent map), which
# is where convolutional networks (assignment 09) and very deep residual networks (assignment 10)
# come in; making deep networks *train* is the subject of assignments 06 to 10.

# %% [markdown]
# ## 9. Questions
#
# **Question 1.** Suppose you remove every activation from `mlp_loss`, so the network is affine,
# affine, ..., affine. What can this deeper network represent that softmax regression (one affine
# layer) cannot? And what would the tent-map construction of section 8 produce if the ReLUs were
# removed? (Three to five sentences.)

# %% [markdown] nbgrader={"grade": true, "grade_id": "q_linear_collapse", "locked": false, "points": 1, "schema_version": 3, "solution": true}
# ### BEGIN SOLUTION
# Nothing: a composition of affine maps is affine, $((x W_1 + b_1) W_2 + b_2) = x (W_1 W_2) +
# (b_1 W_2 + b_2)$, so any stack of affine layers computes scores $xW + b$ for a single
# $W = W_1 \cdots W_L$ and $b$, exactly the family of softmax regression (if a hidden layer is
# narrower than the input and the output, the product even has lower rank, so it can represent
# *less*). Its decision boundaries stay linear, and it cannot solve XOR. Without the ReLUs the
# tent-map network would compute one straight line instead of $2^k$ pieces: all the pieces come
# from the kinks the nonlinearity introduces, and composition can only multiply kinks that exist.
# ### END SOLUTION

# %% [markdown]
# **Question 2.** Section 8 showed a function that five layers of 2 units represent exactly with
# 31 parameters while one hidden layer needs about 32 units. Yet on the letters, deep and wide
# networks of the same size did about equally well. Give one reason why the advantage of depth did
# not show there, and one reason why a deep network can be *harder* to train than a wide one by
# gradient descent. (Three to five sentences.)

# %% [markdown] nbgrader={"grade": true, "grade_id": "q_depth_width", "locked": false, "points": 1, "schema_version": 3, "solution": true}
# ### BEGIN SOLUTION
# Depth helps when the target is a composition of simpler functions that repeat (like the tent
# map), so a layer can reuse the work of the one below; recognising clean letter images from raw
# pixels is easy enough that a single hidden layer of 64 units already separates them, and at a
# fixed budget nearly all parameters sit in the first layer, so going deeper mostly narrows that
# layer. Training a deep network is harder because the gradient reaching the first layers is a
# product of one factor per layer (weights times activation derivatives): depending on their size
# it shrinks or grows exponentially with depth (vanishing or exploding gradients), and saturated
# sigmoid or tanh units or dead ReLUs block it entirely. A function like $g^{(5)}$ also sits in a
# very narrow region of weight space; from a random start, gradient descent rarely finds it.
# ### END SOLUTION

# %% [markdown]
# ## 10. Wrap-up
#
# You wrote the affine layer and three nonlinearities as forward/backward pairs, checked each
# backward pass against a numerical gradient, chained them into a multi-layer classifier with
# weight decay, and trained it to scikit-learn's accuracy on the letters. You saw one wide layer
# approximate a curve, and a deep narrow net draw what a wide one cannot afford.
#
# From now on these layers live in the course package as `utils.layers` (`affine_forward`,
# `affine_backward`, `relu_*`, `sigmoid_*`, `tanh_*`, with the same contract) and the classifier
# as `utils.models` (`mlp_loss`, and `FullyConnectedNet`, a class with `params` and
# `loss(X, y=None)` that `utils.train` trains). Assignment 06 replaces plain SGD with better
# optimisers, 07 adds dropout and 08 batch normalisation to `FullyConnectedNet`.
