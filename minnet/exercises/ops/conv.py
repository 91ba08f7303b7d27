"""Exercise on convolution: a 2-D convolution layer's op (stride 1, no padding), as in PyTorch.

Deep learning's "convolution" is a cross-correlation (the kernel slides unflipped). Its input
gradient is then a *full* convolution of grad with the kernel rotated by 180°: the flip happens in
backward, and forgetting it is the classic mistake.
"""
from __future__ import annotations

import numpy as np

import minnet as mn
from ...gradcheck.cases._case import normal
from ...kernels.conv import conv2d_backward_numpy, conv2d_forward_numpy
from ..exercise import Case, Exercise, Mistake


def _unflipped_input_grad(t) -> np.ndarray:
    """grad correlated with the kernel as it is (the right one uses w[..., ::-1, ::-1])."""
    _, w, _ = t.inputs
    kh, kw = w.shape[2:]
    return conv2d_forward_numpy(t.grad, w.transpose(1, 0, 2, 3), None, (1, 1), (kh - 1, kw - 1))


def _weight_grad_of_last_sample(t) -> np.ndarray:
    x, w, _ = t.inputs
    return conv2d_backward_numpy(t.grad[-1:], x[-1:], w, (1, 1), (0, 0))[1]


CONV2D = Exercise(
    name="conv2d",
    title="2-D convolution (cross-correlation, as in PyTorch), stride 1, no padding",
    class_name="Conv2d",
    signature="x, w, b",
    doc="""
        forward:   y[n, f, i, j] = b[f] + sum_{c, u, v} w[f, c, u, v] * x[n, c, i + u, j + v]
        backward:  with g = grad = dL/dy:
                   dL/db[f]          = sum_{n, i, j} g[n, f, i, j]
                   dL/dw[f, c, u, v] = sum_{n, i, j} g[n, f, i, j] * x[n, c, i + u, j + v]
                   dL/dx[n, c, h, k] = sum_{f, u, v} g[n, f, h - u, k - v] * w[f, c, u, v]
                                       (terms with h - u or k - v outside the output are 0)

    Shapes: x (N, C, H, W), w (F, C, KH, KW), b (F,) -> y (N, F, OH, OW),
    OH = H - KH + 1, OW = W - KW + 1.
    The kernel is *not* flipped in forward (a cross-correlation, as PyTorch's conv2d). The input
    gradient is a full convolution of g with the kernel rotated by 180 degrees: output (i, j) read
    x at (i + u, j + v), so x[h, k] receives g[h - u, k - v] * w[u, v]. An easy way to get it
    right: loop over the taps (u, v) and add g * w[:, :, u, v] into the window that tap read.
    """,
    forward_todo="y = ...; keep x and w for backward",
    backward_todo="return dL/dx, dL/dw, dL/db",
    cases=(Case("x (2, 2, 5, 5), w (3, 2, 2, 3), b (3,)", normal((2, 2, 5, 5), (3, 2, 2, 3), (3,))),),
    reference=lambda x, w, b: mn.functional.conv2d(x, w, b),
    mistakes=(
        Mistake("flipped_forward", "the forward flips the kernel (a true convolution) instead of sliding it as it is",
                "Deep learning's conv2d is a cross-correlation: y[n, f, i, j] = b[f] + sum w[f, c, u, v] * "
                "x[n, c, i + u, j + v], with the kernel as it is (PyTorch does the same). Flipping belongs "
                "to the input gradient, in backward.",
                forward=lambda t: conv2d_forward_numpy(t.inputs[0], t.inputs[1][:, :, ::-1, ::-1], t.inputs[2],
                                                       (1, 1), (0, 0))),
        Mistake("kernel_not_flipped", "the input gradient correlates grad with the kernel without flipping it",
                "dL/dx[h, k] = sum g[h - u, k - v] * w[u, v]: the input gradient is a *full convolution* of g "
                "with the kernel rotated by 180 degrees (w[:, :, ::-1, ::-1], channels swapped: "
                "transpose(1, 0, 2, 3)), not a correlation with w as it is. Or scatter: for each tap (u, v), "
                "add g * w[:, :, u, v] into the input window that tap read.",
                grads=lambda t: (_unflipped_input_grad(t), None, None)),
        Mistake("weight_grad_last_sample", "the weight gradient keeps only the last sample's contribution",
                "Every sample of the batch uses the same kernel, so dL/dw sums the contributions of all N "
                "samples (and all positions): accumulate with += over the batch instead of assigning.",
                grads=lambda t: (None, _weight_grad_of_last_sample(t), None)),
        Mistake("bias_grad_mean", "the bias gradient is averaged instead of summed over samples and positions",
                "b[f] is added at every position of every sample, so dL/db[f] is the *sum* of g[:, f] over "
                "n, i and j (g.sum(axis=(0, 2, 3))), not the mean.",
                grads=lambda t: (None, None, t.grad.mean(axis=(0, 2, 3)))),
        Mistake("bias_not_summed", "the bias gradient is summed over the positions only, not over the batch",
                "b has shape (F,): sum g over the batch axis too, g.sum(axis=(0, 2, 3)).",
                grads=lambda t: (None, None, t.grad.sum(axis=(2, 3))), plant=False),
    ),
)

EXERCISES = (CONV2D,)
