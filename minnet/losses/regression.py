"""Regression losses: mean squared error and mean absolute error, each an op and a function."""
from __future__ import annotations

from typing import Any

import numpy as np

from ..autograd import Function, Tensor
from ._common import _grad_of_reduction, _pair, _reduce, _reduction


class MSEOp(Function):
    """L = reduce((p − t)²);   dL/dp = 2(p − t)·g (÷ n for the mean),   dL/dt = −dL/dp."""

    @staticmethod
    def forward(ctx, pred, target, reduction="mean"):
        diff = pred - target
        ctx.save_for_backward(diff)
        ctx.reduction = reduction
        return _reduce(diff * diff, reduction)

    @staticmethod
    def backward(ctx, grad):
        (diff,) = ctx.saved_tensors
        g = 2 * diff * _grad_of_reduction(grad, diff.size, ctx.reduction)
        return g, -g


class L1Op(Function):
    """L = reduce(|p − t|);   dL/dp = sign(p − t)·g (0 where p = t, as PyTorch),   dL/dt = −dL/dp."""

    @staticmethod
    def forward(ctx, pred, target, reduction="mean"):
        diff = pred - target
        ctx.save_for_backward(np.sign(diff))
        ctx.reduction = reduction
        return _reduce(np.abs(diff), reduction)

    @staticmethod
    def backward(ctx, grad):
        (sign,) = ctx.saved_tensors
        g = sign * _grad_of_reduction(grad, sign.size, ctx.reduction)
        return g, -g


def mse_loss(pred: Any, target: Any, reduction: str = "mean") -> Tensor:
    """Mean squared error: mean((pred − target)²). Shapes: pred and target equal, any shape.

    The mean over an empty batch is refused (PyTorch gives nan); ``"sum"`` gives 0.
    """
    _reduction("mse_loss", reduction)
    pred, target = _pair("MSELoss", pred, target, reduction)
    return MSEOp.apply(pred, target, reduction=reduction)


def l1_loss(pred: Any, target: Any, reduction: str = "mean") -> Tensor:
    """Mean absolute error: mean(|pred − target|). Shapes: pred and target equal, any shape.

    The mean over an empty batch is refused (PyTorch gives nan); ``"sum"`` gives 0.
    """
    _reduction("l1_loss", reduction)
    pred, target = _pair("L1Loss", pred, target, reduction)
    return L1Op.apply(pred, target, reduction=reduction)
