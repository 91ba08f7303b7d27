"""Reference solution of the exercise batch_norm (for teachers)."""
import numpy as np

import minnet as mn

EXERCISE = "batch_norm"


class BatchNorm(mn.Function):
    """Batch normalisation (training mode) of (N, C) features."""

    @staticmethod
    def forward(ctx, x, gamma, beta, eps=1e-5):
        mean = x.mean(axis=0)
        var = x.var(axis=0)
        inv_std = 1 / np.sqrt(var + eps)
        xhat = (x - mean) * inv_std
        ctx.save_for_backward(xhat, inv_std, gamma)
        return gamma * xhat + beta

    @staticmethod
    def backward(ctx, grad):
        xhat, inv_std, gamma = ctx.saved_tensors
        grad_beta = grad.sum(axis=0)
        grad_gamma = (grad * xhat).sum(axis=0)
        grad_x = gamma * inv_std * (grad - grad.mean(axis=0) - xhat * (grad * xhat).mean(axis=0))
        return grad_x, grad_gamma, grad_beta
