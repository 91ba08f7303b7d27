"""Piecewise-constant ops: round, floor, ceil, sign. Their gradient is 0, exactly, as in PyTorch.

Each is flat between its jumps, so dy/dx = 0 wherever the derivative exists; at a jump it does
not exist, and 0 is used there too. A gradient of 0 is still a gradient: ``x.grad`` becomes an
array of zeros (not None), which is what a student should see when a model rounds its outputs —
nothing upstream can learn through a rounding. (Straight-through estimators, which pretend the
gradient is 1, are a deliberate trick and are written as their own op.)
"""
from __future__ import annotations

import numpy as np

from ..function import Function


class _Flat(Function):
    """Shared backward: dy/dx = 0 for every element."""

    @staticmethod
    def backward(ctx, grad):
        return np.zeros_like(grad)


class Round(_Flat):
    """y = x rounded to ``decimals`` places, halves to the nearest even value (NumPy's and PyTorch's rule:
    round(0.5) = 0, round(1.5) = 2, round(2.5) = 2);   dy/dx = 0."""

    @staticmethod
    def forward(ctx, x, decimals=0):
        return np.round(x, decimals)


class Floor(_Flat):
    """y = ⌊x⌋, the largest integer <= x (floor(-1.5) = -2);   dy/dx = 0."""

    @staticmethod
    def forward(ctx, x):
        return np.floor(x)


class Ceil(_Flat):
    """y = ⌈x⌉, the smallest integer >= x (ceil(-1.5) = -1);   dy/dx = 0."""

    @staticmethod
    def forward(ctx, x):
        return np.ceil(x)


class Sign(_Flat):
    """y = −1, 0 or 1 as x < 0, x = 0 or x > 0 (NaN stays NaN);   dy/dx = 0."""

    @staticmethod
    def forward(ctx, x):
        return np.sign(x)
