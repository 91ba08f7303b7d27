"""Exercises on the linear ops: a matrix product, a broadcast addition, a mean.

Their gradients are where shapes teach the most: a matrix product's gradients need a transpose to
come out in the input's shape, an input that broadcasting reused gets the *sum* of the gradients
of every place it was used, and an average shares the gradient out as 1/n to each element.
"""
from __future__ import annotations

import numpy as np

from ...gradcheck.cases._case import normal
from ..exercise import Case, Exercise, Mistake

MATMUL = Exercise(
    name="matmul",
    title="the matrix product, Y = A @ B",
    class_name="MatMul",
    signature="a, b",
    doc="""
        forward:   Y = A @ B               A (N, K), B (K, M)  ->  Y (N, M)
        backward:  with G = grad = dL/dY of shape (N, M):
                   dL/dA = G @ B.T         (N, M) @ (M, K) = (N, K), the shape of A
                   dL/dB = A.T @ G         (K, N) @ (N, M) = (K, M), the shape of B

    Shapes: a (N, K), b (K, M); Y and grad (N, M); dL/da (N, K), dL/db (K, M).
    Why: Y[i, j] = sum_k A[i, k] B[k, j], so A[i, k] touches every Y[i, j] with weight B[k, j].
    Let the shapes guide you: each gradient must come out in its input's shape.
    """,
    forward_todo="Y = ...; keep a and b for backward",
    backward_todo="return dL/da, dL/db",
    cases=(Case("a (3, 3) @ b (3, 3)", normal((3, 3), (3, 3))),
           Case("a (2, 3) @ b (3, 4)", normal((2, 3), (3, 4)))),
    reference=lambda a, b: a @ b,
    mistakes=(
        Mistake("missing_transpose_a", "the gradient of a uses B instead of Bᵀ: G @ B",
                "dL/dA = G @ B.T: transpose B. Check the shapes: G (N, M) @ B.T (M, K) gives (N, K), A's shape.",
                grads=lambda t: (t.grad @ t.inputs[1], None)),
        Mistake("missing_transpose_b", "the gradient of b uses A instead of Aᵀ: A @ G",
                "dL/dB = A.T @ G: transpose A. Check the shapes: A.T (K, N) @ G (N, M) gives (K, M), B's shape.",
                grads=lambda t: (None, t.inputs[0] @ t.grad)),
        Mistake("transposed_grad_b", "the gradient of b is computed as Gᵀ @ A, which is (dL/dB)ᵀ",
                "Gᵀ @ A has shape (M, K): it is the transpose of dL/dB. Use A.T @ G, which has B's shape (K, M).",
                grads=lambda t: (None, t.grad.T @ t.inputs[0]), plant=False),
        Mistake("transposed_grad_a", "the gradient of a is computed as B @ Gᵀ, which is (dL/dA)ᵀ",
                "B @ Gᵀ has shape (K, N): it is the transpose of dL/dA. Use G @ B.T, which has A's shape (N, K).",
                grads=lambda t: (t.inputs[1] @ t.grad.T, None), plant=False),
    ),
)


def _mean_over_broadcast(t):
    """The gradient of b averaged, not summed, over the places broadcasting reused it."""
    return None, t.truth[1] * (t.inputs[1].size / t.grad.size)


BROADCAST_ADD = Exercise(
    name="broadcast_add",
    title="addition with broadcasting, y = x + b (b is stretched to x's shape)",
    class_name="BroadcastAdd",
    signature="x, b",
    doc="""
        forward:   y = x + b
        backward:  dL/dx = grad
                   dL/db = grad summed over every axis along which b was broadcast

    Shapes: x of any shape, b of a shape that broadcasts to x's (fewer axes, or axes of size 1);
    y, grad and dL/dx have x's shape; dL/db has b's shape.

    Broadcasting (NumPy's rules) lines the shapes up from the right; b is stretched where it lacks
    leading axes and along its axes of size 1. Example: x (3, 4) + b (4,) adds b to each of the 3
    rows, so b was used 3 times and dL/db = grad.sum(axis=0). With b of shape (3, 1) it was used
    along axis 1: dL/db = grad.sum(axis=1, keepdims=True), which keeps the shape (3, 1).
    Write it for any shapes: sum over the leading axes b lacks, then (with keepdims=True) over the
    axes where b has size 1 and grad does not. (minnet's own ops have this done for them by
    Function.apply; here you do it yourself, and the checker asks for exactly b's shape.)
    """,
    forward_todo="y = ...; keep b's shape for backward (ctx.b_shape = b.shape)",
    backward_todo="return dL/dx, dL/db; dL/db must have b's shape exactly",
    cases=(Case("x (3, 4) + b (4,)", normal((3, 4), (4,))),
           Case("x (3, 4) + b (3, 1)", normal((3, 4), (3, 1))),
           Case("x (2, 3, 4) + b (3, 1)", normal((2, 3, 4), (3, 1)))),
    reference=lambda x, b: x + b,
    mistakes=(
        Mistake("not_reduced", "the gradient of b is grad itself, not summed over the broadcast axes",
                "b was reused along the broadcast axes, and a reused input gets the sum of the gradients "
                "of all its uses: sum grad over the axes b lacks, and (keepdims=True) over the axes where "
                "b has size 1, so that dL/db has b's shape.",
                grads=lambda t: (None, t.grad), plant=False),
        Mistake("mean_not_sum", "the gradient of b is averaged over the broadcast axes instead of summed",
                "Each use of b adds its gradient: dL/db is the *sum* over the broadcast axes, not the mean.",
                grads=_mean_over_broadcast),
        Mistake("lost_keepdims", "the broadcast axis of size 1 is summed away (keepdims missing)",
                "Where b has an axis of size 1, sum with keepdims=True so that dL/db keeps b's shape "
                "(e.g. (3, 1), not (3,)).",
                grads=lambda t: (None, np.squeeze(t.truth[1])), plant=False),
    ),
)


def _n_averaged(t) -> int:
    x, axis = t.inputs[0], t.kwargs.get("axis")
    return x.size if axis is None else x.shape[axis]


MEAN = Exercise(
    name="mean",
    title="the mean, y = x.mean(axis) (over every element when axis is None)",
    class_name="Mean",
    signature="x, axis=None",
    doc="""
        forward:   y = x.mean(axis=axis)          over n elements: n = x.size (axis None) or x.shape[axis]
        backward:  dL/dx = grad / n, the same for every element that was averaged,
                   spread back to x's shape

    Shapes: x (any), axis None or an int; y has x's shape without that axis (a 0-d array for None),
    grad has y's shape, dL/dx has x's shape.
    Example: x of shape (3, 4), axis=1: y (3,), and each row of dL/dx is grad[i] / 4.
    To spread grad back, put the reduced axis back first: np.expand_dims(grad, axis) has shape
    (3, 1), which broadcasts against (3, 4); grad of shape (3,) does not.
    """,
    forward_todo="y = ...; keep what backward needs (x's shape, axis, n)",
    backward_todo="return dL/dx: grad / n for every averaged element, in x's shape",
    cases=(Case("x (3, 4), axis=None", normal((3, 4))),
           Case("x (3, 4), axis=0", normal((3, 4)), kwargs={"axis": 0}),
           Case("x (3, 4), axis=1", normal((3, 4)), kwargs={"axis": 1}),
           Case("x (2, 3, 4), axis=1", normal((2, 3, 4)), kwargs={"axis": 1})),
    reference=lambda x, axis=None: x.mean(axis=axis),
    mistakes=(
        Mistake("missing_division", "the gradient is not divided by n, the number of averaged elements",
                "Each of the n averaged elements moves the mean by 1/n of its change: dL/dx = grad / n.",
                grads=lambda t: (t.truth[0] * _n_averaged(t),)),
        Mistake("divided_by_size", "the gradient is divided by x.size instead of the n elements averaged along the axis",
                "With an axis, n is x.shape[axis] (the elements averaged into one output), not x.size.",
                grads=lambda t: (t.truth[0] * _n_averaged(t) / t.inputs[0].size,)),
        Mistake("axis_not_restored", "grad is spread back without putting the reduced axis back",
                "grad has y's shape, without the averaged axis. Put that axis back with "
                "np.expand_dims(grad, axis) before broadcasting to x's shape (np.broadcast_to).",
                error=r"broadcast", plant=False),
    ),
)

EXERCISES = (MATMUL, BROADCAST_ADD, MEAN)
