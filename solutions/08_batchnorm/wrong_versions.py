"""Wrong versions of 08_batchnorm's graded functions: the mistakes students really make.

The test suite puts each one into the released notebook in place of the student's cell, grades it,
and asserts that every test calling that function loses its points. The first version of each
function is the demo's "typical mistakes" student, so it must fail every test that calls that
function (the demo's expected score depends on it; a test checks it).

Wrong forward passes keep the reference's cache, (x_hat, gamma, inv_std), so that the reference
backward pass runs on it and the wrongness shows in the gradients too.
"""

_BN_TEMPLATE = '''
import numpy as np
def batchnorm_forward(x, gamma, beta, bn_param):
    mode = bn_param["mode"]
    eps = bn_param.get("eps", 1e-5)
    momentum = bn_param.get("momentum", 0.1)
    n, d = x.shape
    running_mean = bn_param.get("running_mean", np.zeros(d, dtype=x.dtype))
    running_var = bn_param.get("running_var", np.ones(d, dtype=x.dtype))
    if mode == "train" {train_guard}:
        mu = x.mean(axis=0)
        xc = x - mu
        var = (xc * xc).mean(axis=0)
        {inv_std}
        x_hat = xc * inv_std
        out = gamma * x_hat + beta
        {update}
        return out, bn_param, (x_hat, gamma, inv_std)
    out = gamma * (x - running_mean) / np.sqrt(running_var + eps) + beta
    bn_param["running_mean"], bn_param["running_var"] = running_mean, running_var
    return out, bn_param, None
'''

_GOOD_UPDATE = ('bn_param["running_mean"] = (1 - momentum) * running_mean + momentum * mu\n'
                '        bn_param["running_var"] = (1 - momentum) * running_var + momentum * var * n / (n - 1)')


def _bn(train_guard="", inv_std="inv_std = 1.0 / np.sqrt(var + eps)", update=_GOOD_UPDATE):
    """The reference's code with one of its lines changed."""
    return _BN_TEMPLATE.format(train_guard=train_guard, inv_std=inv_std, update=update)


WRONG = {
    "standardize": [
        ("ignores axis: always standardises over the batch (axis 0)", '''
import numpy as np
def standardize(x, axis=0, eps=1e-5):
    mu = x.mean(axis=0, keepdims=True)
    xc = x - mu
    return xc / np.sqrt((xc * xc).mean(axis=0, keepdims=True) + eps)
'''),
        ("eps outside the square root", '''
import numpy as np
def standardize(x, axis=0, eps=1e-5):
    mu = x.mean(axis=axis, keepdims=True)
    xc = x - mu
    return xc / (np.sqrt((xc * xc).mean(axis=axis, keepdims=True)) + eps)
'''),
        ("one-pass variance mean(x^2) - mean(x)^2", '''
import numpy as np
def standardize(x, axis=0, eps=1e-5):
    mu = x.mean(axis=axis, keepdims=True)
    var = (x * x).mean(axis=axis, keepdims=True) - mu * mu
    return (x - mu) / np.sqrt(var + eps)
'''),
        ("no eps at all: nan for a constant feature", '''
import numpy as np
def standardize(x, axis=0, eps=1e-5):
    return (x - x.mean(axis=axis, keepdims=True)) / x.std(axis=axis, keepdims=True)
'''),
        ("unbiased variance (ddof=1)", '''
import numpy as np
def standardize(x, axis=0, eps=1e-5):
    mu = x.mean(axis=axis, keepdims=True)
    return (x - mu) / np.sqrt(x.var(axis=axis, ddof=1, keepdims=True) + eps)
'''),
        ("casts to float64", '''
import numpy as np
def standardize(x, axis=0, eps=1e-5):
    x = np.asarray(x, dtype=np.float64)
    mu = x.mean(axis=axis, keepdims=True)
    return (x - mu) / np.sqrt(x.var(axis=axis, keepdims=True) + eps)
'''),
    ],
    "batchnorm_forward": [
        ("normalises over the features (axis 1) instead of the batch, in test mode too", '''
import numpy as np
def batchnorm_forward(x, gamma, beta, bn_param):
    eps = bn_param.get("eps", 1e-5)
    momentum = bn_param.get("momentum", 0.1)
    n, d = x.shape
    running_mean = bn_param.get("running_mean", np.zeros(d, dtype=x.dtype))
    running_var = bn_param.get("running_var", np.ones(d, dtype=x.dtype))
    if True:  # the mode is never looked at
        mu = x.mean(axis=1, keepdims=True)
        xc = x - mu
        var = (xc * xc).mean(axis=1, keepdims=True)
        inv_std = 1.0 / np.sqrt(var + eps)
        x_hat = xc * inv_std
        out = gamma * x_hat + beta
        bn_param["running_mean"] = (1 - momentum) * running_mean + momentum * mu
        bn_param["running_var"] = (1 - momentum) * running_var + momentum * var * d / (d - 1)
        return out, bn_param, (x_hat, gamma, inv_std)
'''),
        ("running averages with the momentum weights swapped (0.9 on the new batch)",
         _bn(update='bn_param["running_mean"] = momentum * running_mean + (1 - momentum) * mu\n'
                    '        bn_param["running_var"] = momentum * running_var + (1 - momentum) * var * n / (n - 1)')),
        ("batch statistics in test mode too", _bn(train_guard='or mode == "test"')),
        ("running_var averages the biased batch variance",
         _bn(update='bn_param["running_mean"] = (1 - momentum) * running_mean + momentum * mu\n'
                    '        bn_param["running_var"] = (1 - momentum) * running_var + momentum * var')),
        ("normalises with the unbiased variance (divide by N - 1)", _bn(inv_std="inv_std = 1.0 / np.sqrt(var * n / (n - 1) + eps)")),
        ("eps outside the square root", _bn(inv_std="inv_std = 1.0 / (np.sqrt(var) + eps)")),
        ("updates local running statistics but never stores them in bn_param",
         _bn(update="running_mean = (1 - momentum) * running_mean + momentum * mu\n"
                    "        running_var = (1 - momentum) * running_var + momentum * var * n / (n - 1)")),
    ],
    "batchnorm_backward": [
        ("treats the mean and variance as constants: dx = dout * gamma * inv_std", '''
import numpy as np
def batchnorm_backward(dout, cache):
    x_hat, gamma, inv_std = cache
    return dout * gamma * inv_std, (dout * x_hat).sum(axis=0), dout.sum(axis=0)
'''),
        ("dgamma without the x_hat factor", '''
import numpy as np
def batchnorm_backward(dout, cache):
    x_hat, gamma, inv_std = cache
    g = dout * gamma
    dx = inv_std * (g - g.mean(axis=0) - x_hat * (g * x_hat).mean(axis=0))
    return dx, dout.sum(axis=0), dout.sum(axis=0)
'''),
        ("keeps the path through the mean but forgets the one through the variance", '''
import numpy as np
def batchnorm_backward(dout, cache):
    x_hat, gamma, inv_std = cache
    g = dout * gamma
    dx = inv_std * (g - g.mean(axis=0))
    return dx, (dout * x_hat).sum(axis=0), dout.sum(axis=0)
'''),
        ("dx missing the factor gamma", '''
import numpy as np
def batchnorm_backward(dout, cache):
    x_hat, gamma, inv_std = cache
    g = dout
    dx = inv_std * (g - g.mean(axis=0) - x_hat * (g * x_hat).mean(axis=0))
    return dx, (dout * x_hat).sum(axis=0), dout.sum(axis=0)
'''),
        ("means over the features (axis 1) in dx", '''
import numpy as np
def batchnorm_backward(dout, cache):
    x_hat, gamma, inv_std = cache
    g = dout * gamma
    dx = inv_std * (g - g.mean(axis=1, keepdims=True) - x_hat * (g * x_hat).mean(axis=1, keepdims=True))
    return dx, (dout * x_hat).sum(axis=0), dout.sum(axis=0)
'''),
    ],
    "layernorm_forward": [
        ("normalises over the batch (axis 0): that is batch norm", '''
import numpy as np
def layernorm_forward(x, gamma, beta, eps=1e-5):
    mu = x.mean(axis=0, keepdims=True)
    xc = x - mu
    var = (xc * xc).mean(axis=0, keepdims=True)
    inv_std = 1.0 / np.sqrt(var + eps)
    x_hat = xc * inv_std
    return gamma * x_hat + beta, (x_hat, gamma, inv_std)
'''),
        ("eps outside the square root", '''
import numpy as np
def layernorm_forward(x, gamma, beta, eps=1e-5):
    mu = x.mean(axis=1, keepdims=True)
    xc = x - mu
    inv_std = 1.0 / (np.sqrt((xc * xc).mean(axis=1, keepdims=True)) + eps)
    x_hat = xc * inv_std
    return gamma * x_hat + beta, (x_hat, gamma, inv_std)
'''),
        ("one-pass variance mean(x^2) - mean(x)^2", '''
import numpy as np
def layernorm_forward(x, gamma, beta, eps=1e-5):
    mu = x.mean(axis=1, keepdims=True)
    var = (x * x).mean(axis=1, keepdims=True) - mu * mu
    inv_std = 1.0 / np.sqrt(var + eps)
    x_hat = (x - mu) * inv_std
    return gamma * x_hat + beta, (x_hat, gamma, inv_std)
'''),
        ("unbiased variance (ddof=1)", '''
import numpy as np
def layernorm_forward(x, gamma, beta, eps=1e-5):
    mu = x.mean(axis=1, keepdims=True)
    inv_std = 1.0 / np.sqrt(x.var(axis=1, ddof=1, keepdims=True) + eps)
    x_hat = (x - mu) * inv_std
    return gamma * x_hat + beta, (x_hat, gamma, inv_std)
'''),
    ],
    "layernorm_backward": [
        ("batch norm's backward: means over the batch (axis 0)", '''
import numpy as np
def layernorm_backward(dout, cache):
    x_hat, gamma, inv_std = cache
    g = dout * gamma
    dx = inv_std * (g - g.mean(axis=0) - x_hat * (g * x_hat).mean(axis=0))
    return dx, (dout * x_hat).sum(axis=0), dout.sum(axis=0)
'''),
        ("treats the mean and variance as constants", '''
import numpy as np
def layernorm_backward(dout, cache):
    x_hat, gamma, inv_std = cache
    return dout * gamma * inv_std, (dout * x_hat).sum(axis=0), dout.sum(axis=0)
'''),
        ("dgamma and dbeta not summed over the batch", '''
import numpy as np
def layernorm_backward(dout, cache):
    x_hat, gamma, inv_std = cache
    g = dout * gamma
    dx = inv_std * (g - g.mean(axis=1, keepdims=True) - x_hat * (g * x_hat).mean(axis=1, keepdims=True))
    return dx, dout * x_hat, dout
'''),
        ("gamma applied after the means instead of before", '''
import numpy as np
def layernorm_backward(dout, cache):
    x_hat, gamma, inv_std = cache
    dx = gamma * inv_std * (dout - dout.mean(axis=1, keepdims=True)
                            - x_hat * (dout * x_hat).mean(axis=1, keepdims=True))
    return dx, (dout * x_hat).sum(axis=0), dout.sum(axis=0)
'''),
    ],
}
