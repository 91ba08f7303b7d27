"""Exercise on pooling: 2-D max pooling (square windows, no padding).

Only the element that won a window's max affects the output, so the whole gradient of that output
goes back to it; where windows overlap an element can win several and collects every share.
"""
from __future__ import annotations

import numpy as np

import minnet as mn
from ...gradcheck.cases._case import distinct
from ...kernels.pool import avg_pool2d_backward_numpy, max_pool2d_forward_numpy
from ..exercise import Case, Exercise, Mistake


def _window(t) -> tuple[tuple[int, int], tuple[int, int]]:
    k, s = t.kwargs.get("kernel_size", 2), t.kwargs.get("stride", 2)
    return (k, k), (s, s)


def _to_every_element(t) -> np.ndarray:
    """grad of each window added to all k·k of its elements."""
    kernel, stride = _window(t)
    return avg_pool2d_backward_numpy(t.grad, t.inputs[0].shape, kernel, stride) * (kernel[0] * kernel[1])


def _overwritten(t) -> np.ndarray:
    """Each window's grad *assigned* to its max, windows in row-major order: the last one wins."""
    x = t.inputs[0]
    _, argmax = max_pool2d_forward_numpy(x, *_window(t))
    gx = np.zeros_like(x).reshape(x.shape[0], x.shape[1], -1)
    for n, c, i, j in np.ndindex(*t.grad.shape):
        gx[n, c, argmax[n, c, i, j]] = t.grad[n, c, i, j]
    return gx.reshape(x.shape)


def _one_winner_of_four(rng) -> list:
    """Overlapping 3×3 windows (stride 2) on a 5×5 plane; in channel 0 the centre, which all four
    windows share, is the largest value, so it wins all four of them."""
    (x,) = distinct((1, 2, 5, 5))(rng)
    x[0, 0, 2, 2] = x.max() + 0.5
    return [x]


MAX_POOL2D = Exercise(
    name="max_pool2d",
    title="2-D max pooling over square windows, no padding",
    class_name="MaxPool2d",
    signature="x, kernel_size=2, stride=2",
    doc="""
        forward:   y[n, c, i, j] = max over the k×k window of x[n, c] that starts at (i*s, j*s)
                   k = kernel_size, s = stride; OH = (H - k) // s + 1, OW = (W - k) // s + 1
        backward:  the whole grad[n, c, i, j] goes to the element that won window (i, j);
                   every other element of the window gets 0 from it

    Shapes: x (N, C, H, W) -> y (N, C, OH, OW); grad has y's shape, dL/dx has x's shape.
    Remember in forward *where* each max was (e.g. its row and column, or a mask).
    When stride < kernel_size the windows overlap, and one element can win several windows: it
    then receives the sum of their gradients (add with +=, and beware that NumPy's
    gx[rows, cols] += g adds only once for repeated indices; np.add.at adds every time).
    Example: x[0, 0] = [[1, 3], [2, 0]], kernel 2: y = [[[[3]]]] and dL/dx[0, 0] = [[0, g], [0, 0]].
    """,
    forward_todo="y = ...; remember where each window's max is, for backward",
    backward_todo="return dL/dx: each grad[n, c, i, j] added at the max of window (i, j)",
    cases=(Case("x (2, 2, 4, 4), kernel 2, stride 2", distinct((2, 2, 4, 4)), {"kernel_size": 2, "stride": 2}),
           Case("x (1, 2, 5, 5), kernel 3, stride 2: overlapping windows", _one_winner_of_four,
                {"kernel_size": 3, "stride": 2})),
    reference=lambda x, kernel_size=2, stride=2: mn.functional.max_pool2d(x, kernel_size, stride),
    mistakes=(
        Mistake("every_element", "the gradient goes to every element of the window, not only to its max",
                "Only the element that won the max affects the output; the others could change a little "
                "and y would not move. Send grad[n, c, i, j] to the position of the max alone (find it in "
                "forward and keep it) and 0 to the rest of the window.",
                grads=lambda t: (_to_every_element(t),)),
        Mistake("averaged", "the gradient is shared equally by the window (that is average pooling's)",
                "grad / (k*k) to every element is the gradient of *average* pooling. Max pooling sends the "
                "whole grad[n, c, i, j] to the one element that was the max, and 0 to the others.",
                grads=lambda t: (_to_every_element(t) / t.kwargs.get("kernel_size", 2) ** 2,)),
        Mistake("overwrite_overlap", "an element that wins several overlapping windows keeps only the last one's gradient",
                "With stride < kernel_size, windows overlap and one element can be the max of several of them: "
                "it must receive the *sum* of their gradients. Accumulate (gx[...] += g in a loop, or "
                "np.add.at) instead of assigning (gx[...] = g, or gx[rows, cols] += g with repeated indices).",
                grads=lambda t: (_overwritten(t),)),
    ),
)

EXERCISES = (MAX_POOL2D,)
