"""Reference solution of the exercise conv2d (for teachers)."""
import numpy as np

import minnet as mn

EXERCISE = "conv2d"


class Conv2d(mn.Function):
    """2-D convolution (cross-correlation, as in PyTorch), stride 1, no padding."""

    @staticmethod
    def forward(ctx, x, w, b):
        n, c, h, wd = x.shape
        f, _, kh, kw = w.shape
        oh, ow = h - kh + 1, wd - kw + 1
        y = np.zeros((n, f, oh, ow)) + b[None, :, None, None]
        for u in range(kh):
            for v in range(kw):
                patch = x[:, :, u:u + oh, v:v + ow]                  # what tap (u, v) reads: (N, C, OH, OW)
                y += np.einsum("nchw,fc->nfhw", patch, w[:, :, u, v])
        ctx.save_for_backward(x, w)
        return y

    @staticmethod
    def backward(ctx, grad):
        x, w = ctx.saved_tensors
        _, _, kh, kw = w.shape
        _, _, oh, ow = grad.shape
        gx, gw = np.zeros_like(x), np.zeros_like(w)
        for u in range(kh):
            for v in range(kw):
                patch = x[:, :, u:u + oh, v:v + ow]
                gw[:, :, u, v] = np.einsum("nfhw,nchw->fc", grad, patch)
                gx[:, :, u:u + oh, v:v + ow] += np.einsum("nfhw,fc->nchw", grad, w[:, :, u, v])
        return gx, gw, grad.sum(axis=(0, 2, 3))
