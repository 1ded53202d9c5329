"""Residual blocks and a small ResNet (assignment 10_resnet), NCHW like utils.conv.

Block (He et al. 2016, "post-activation", the convention the assignment follows):
    main(x)  = BN2(conv2(ReLU(BN1(conv1(x)))))      conv1: 3x3, stride s, pad 1; conv2: 3x3, stride 1, pad 1
    short(x) = x                                    when the shape is kept (s = 1, same channels)
             = conv_s(x)                            a 1x1 conv with stride s (and a bias) otherwise
    out      = ReLU(main(x) + short(x))             the final ReLU comes after the sum
The main path's convs have no bias: the batch norm right after them would cancel it.

Block parameters: dict with "w1" (F, C, 3, 3), "gamma1", "beta1" (F,), "w2" (F, F, 3, 3),
"gamma2", "beta2" (F,), and for the projection "ws" (F, C, 1, 1), "bs" (F,).
Batch norm state: a list of two bn_param dicts (see utils.normalization), updated in place.
"""

import numpy as np

from utils.conv import conv_backward, conv_forward
from utils.init import kaiming_init
from utils.layers import affine_backward, affine_forward
from utils.losses import softmax_cross_entropy
from utils.normalization import batchnorm_backward, batchnorm_forward


def spatial_batchnorm_forward(x, gamma, beta, bn_param):
    """Batch norm of (N, C, H, W) activations, one mean and variance per channel over N, H and W.

    Returns (out, bn_param, cache) like batchnorm_forward; out has x's shape.
    """
    n, c, h, w = x.shape
    flat = x.transpose(0, 2, 3, 1).reshape(-1, c)  # (N*H*W, C)
    out, bn_param, cache = batchnorm_forward(flat, gamma, beta, bn_param)
    return out.reshape(n, h, w, c).transpose(0, 3, 1, 2), bn_param, cache


def spatial_batchnorm_backward(dout, cache):
    """Backward of spatial_batchnorm_forward in train mode: (dx (N, C, H, W), dgamma, dbeta (C,))."""
    n, c, h, w = dout.shape
    dx, dgamma, dbeta = batchnorm_backward(dout.transpose(0, 2, 3, 1).reshape(-1, c), cache)
    return dx.reshape(n, h, w, c).transpose(0, 3, 1, 2), dgamma, dbeta


def residual_block_forward(x, params, bn_params, stride=1):
    """Forward of one residual block (see the module's docstring).

    Inputs: x (N, C, H, W); params (block dict); bn_params (list of 2 dicts, "mode" train/test);
    stride: of conv1 and of the projection. The projection is used when params holds "ws".
    Returns (out, cache): out (N, F, H', W').
    """
    zero = np.zeros(params["w1"].shape[0])
    c1, c1_cache = conv_forward(x, params["w1"], zero, {"stride": stride, "pad": 1})
    b1, _, b1_cache = spatial_batchnorm_forward(c1, params["gamma1"], params["beta1"], bn_params[0])
    r1 = np.maximum(b1, 0)
    c2, c2_cache = conv_forward(r1, params["w2"], zero, {"stride": 1, "pad": 1})
    b2, _, b2_cache = spatial_batchnorm_forward(c2, params["gamma2"], params["beta2"], bn_params[1])
    if "ws" in params:
        short, s_cache = conv_forward(x, params["ws"], params["bs"], {"stride": stride, "pad": 0})
    else:
        if stride != 1 or params["w1"].shape[0] != x.shape[1]:
            raise ValueError("the identity shortcut needs stride 1 and as many filters as input channels")
        short, s_cache = x, None
    s = b2 + short
    out = np.maximum(s, 0)
    return out, (c1_cache, b1_cache, b1, c2_cache, b2_cache, s_cache, s)


def residual_block_backward(dout, cache):
    """Backward of residual_block_forward (batch norm in train mode).

    Returns (dx, grads): dx like x; grads a dict with the same keys as params.
    """
    c1_cache, b1_cache, b1, c2_cache, b2_cache, s_cache, s = cache
    ds = dout * (s > 0)  # the sum passes this gradient to both branches
    grads = {}
    dc2, grads["gamma2"], grads["beta2"] = spatial_batchnorm_backward(ds, b2_cache)
    dr1, grads["w2"], _ = conv_backward(dc2, c2_cache)
    db1 = dr1 * (b1 > 0)
    dc1, grads["gamma1"], grads["beta1"] = spatial_batchnorm_backward(db1, b1_cache)
    dx, grads["w1"], _ = conv_backward(dc1, c1_cache)
    if s_cache is None:
        dx = dx + ds
    else:
        dxs, grads["ws"], grads["bs"] = conv_backward(ds, s_cache)
        dx = dx + dxs
    return dx, grads


def init_residual_block(in_channels, filters, stride=1, rng=None):
    """Block parameters (He-initialised convs, gamma 1, beta 0), with a projection when needed."""
    rng = np.random.default_rng(rng)
    p = {"w1": kaiming_init((filters, in_channels, 3, 3), rng=rng), "gamma1": np.ones(filters),
         "beta1": np.zeros(filters), "w2": kaiming_init((filters, filters, 3, 3), rng=rng),
         "gamma2": np.ones(filters), "beta2": np.zeros(filters)}
    if stride != 1 or in_channels != filters:
        p["ws"], p["bs"] = kaiming_init((filters, in_channels, 1, 1), rng=rng), np.zeros(filters)
    return p


def init_small_resnet(input_shape, widths=(8, 16), num_classes=10, rng=None):
    """A small ResNet: stem (3x3 conv, BN, ReLU), one block per stage (stride 1, then 2 for each
    later stage), global average pooling, an affine classifier.

    Returns (params, bn_params, strides): params {"stem": {"w", "gamma", "beta"}, "blocks": [...],
    "fc": {"w", "b"}}; bn_params {"stem": dict, "blocks": [[dict, dict], ...]}; strides per block.
    """
    rng = np.random.default_rng(rng)
    c = input_shape[0]
    w0 = widths[0]
    params = {"stem": {"w": kaiming_init((w0, c, 3, 3), rng=rng), "gamma": np.ones(w0), "beta": np.zeros(w0)},
              "blocks": [], "fc": {"w": kaiming_init((widths[-1], num_classes), rng=rng),
                                   "b": np.zeros(num_classes)}}
    strides, prev = [], w0
    for i, wdt in enumerate(widths):
        stride = 1 if i == 0 else 2
        params["blocks"].append(init_residual_block(prev, wdt, stride, rng))
        strides.append(stride)
        prev = wdt
    bn_params = {"stem": {"mode": "train"}, "blocks": [[{"mode": "train"}, {"mode": "train"}] for _ in widths]}
    return params, bn_params, strides


def small_resnet_loss(params, bn_params, strides, X, y=None, mode="train"):
    """Scores (N, K) when y is None, else (loss, grads) with grads shaped like params.

    mode sets every batch norm's mode ("train" or "test"); gradients need "train".
    """
    for bp in [bn_params["stem"]] + [b for pair in bn_params["blocks"] for b in pair]:
        bp["mode"] = mode
    st = params["stem"]
    c0, c0_cache = conv_forward(X, st["w"], np.zeros(st["w"].shape[0]), {"stride": 1, "pad": 1})
    b0, _, b0_cache = spatial_batchnorm_forward(c0, st["gamma"], st["beta"], bn_params["stem"])
    h = np.maximum(b0, 0)
    caches = []
    for p, bp, s in zip(params["blocks"], bn_params["blocks"], strides):
        h, cache = residual_block_forward(h, p, bp, s)
        caches.append(cache)
    hw = h.shape[2] * h.shape[3]
    pooled = h.mean(axis=(2, 3))  # (N, F) global average pooling
    scores, fc_cache = affine_forward(pooled, params["fc"]["w"], params["fc"]["b"])
    if y is None:
        return scores
    loss, dscores = softmax_cross_entropy(scores, y)
    grads = {"fc": {}, "blocks": [None] * len(caches), "stem": {}}
    dpooled, grads["fc"]["w"], grads["fc"]["b"] = affine_backward(dscores, fc_cache)
    dh = np.broadcast_to(dpooled[:, :, None, None] / hw, h.shape)
    for i in reversed(range(len(caches))):
        dh, grads["blocks"][i] = residual_block_backward(dh, caches[i])
    db0 = dh * (b0 > 0)
    dc0, grads["stem"]["gamma"], grads["stem"]["beta"] = spatial_batchnorm_backward(db0, b0_cache)
    _, grads["stem"]["w"], _ = conv_backward(dc0, c0_cache)
    return loss, grads
