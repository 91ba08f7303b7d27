"""``Flatten``: merge every axis after the batch axis, e.g. images (N, C, H, W) -> (N, C·H·W)."""
from __future__ import annotations

from typing import Any

from ..autograd import Tensor
from ._checks import as_tensor
from .module import Module


class Flatten(Module):
    """Reshape ``(N, d1, d2, ...)`` to ``(N, d1·d2·...)`` (axes from ``start_axis`` on are merged).

    The bridge from convolutional layers to ``Dense``: ``Flatten()`` then ``Dense(C·H·W, ...)``.
    """

    def __init__(self, start_axis: int = 1) -> None:
        super().__init__()
        self.start_axis = start_axis

    def forward(self, x: Any) -> Tensor:
        x = as_tensor(x)
        if x.ndim <= self.start_axis:
            raise ValueError(f"Flatten(start_axis={self.start_axis}) got input of shape {tuple(x.shape)}: "
                             f"it needs at least {self.start_axis + 1} axes")
        return x.flatten(self.start_axis)

    def extra_repr(self) -> str:
        return f"start_axis={self.start_axis}" if self.start_axis != 1 else ""
