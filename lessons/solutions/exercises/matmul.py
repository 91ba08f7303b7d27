"""Reference solution of the exercise matmul (for teachers)."""
import numpy as np

import minnet as mn

EXERCISE = "matmul"


class MatMul(mn.Function):
    """The matrix product, Y = A @ B."""

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return a @ b

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        grad_a = grad @ b.T
        grad_b = a.T @ grad
        return grad_a, grad_b
