"""Reference solution of the exercise dropout (for teachers)."""
import numpy as np

import minnet as mn

EXERCISE = "dropout"


class Dropout(mn.Function):
    """Inverted dropout in training mode, y = x * keep / (1 - p)."""

    @staticmethod
    def forward(ctx, x, p=0.5):
        keep = mn.get_rng().random(x.shape) >= p
        scale = keep / (1 - p)
        ctx.save_for_backward(scale)
        return x * scale

    @staticmethod
    def backward(ctx, grad):
        (scale,) = ctx.saved_tensors
        return grad * scale
