"""Reference solution of the exercise broadcast_add (for teachers)."""
import numpy as np

import minnet as mn

EXERCISE = "broadcast_add"


def sum_to_shape(g, shape):
    """Sum g over the axes that broadcasting added (leading) or stretched (size 1 in shape)."""
    g = g.sum(axis=tuple(range(g.ndim - len(shape))))
    stretched = tuple(i for i, n in enumerate(shape) if n == 1)
    return g.sum(axis=stretched, keepdims=True)


class BroadcastAdd(mn.Function):
    """Addition with broadcasting, y = x + b (b is stretched to x's shape)."""

    @staticmethod
    def forward(ctx, x, b):
        ctx.b_shape = b.shape
        return x + b

    @staticmethod
    def backward(ctx, grad):
        return grad, sum_to_shape(grad, ctx.b_shape)
