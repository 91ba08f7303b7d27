"""``Dropout``: randomly zero units during training (inverted dropout)."""
from __future__ import annotations

from typing import Any

import numpy as np

from .._random import get_rng
from ..autograd import Tensor
from ._checks import as_tensor
from .module import Module


def _check_p(p: float) -> float:
    if isinstance(p, bool) or not isinstance(p, (int, float, np.floating)) or not 0 <= p <= 1:
        raise ValueError(f"Dropout: p is the probability of dropping a unit and must lie in [0, 1], got {p!r}")
    return float(p)


def dropout(x: Any, p: float = 0.5, training: bool = True) -> Tensor:
    """Inverted dropout: y = x · m / (1 − p), m_i ~ Bernoulli(1 − p), in training; y = x otherwise.

    Each unit is kept with probability 1 − p and the kept ones are scaled by 1/(1 − p), so the
    expected value of every unit is unchanged and nothing needs rescaling at evaluation time.
    The mask comes from ``mn.get_rng()``; gradients flow only through kept units (times 1/(1 − p)).
    ``p = 1`` drops everything (zeros); shape in = shape out.
    """
    p = _check_p(p)
    x = as_tensor(x)
    if not training or p == 0:
        return x
    if p == 1:
        return x * np.zeros((), dtype=x.dtype)
    keep = get_rng().random(x.shape) >= p
    return x * (keep * (1.0 / (1.0 - p))).astype(x.dtype)


class Dropout(Module):
    """Inverted dropout with drop probability ``p``: active in ``train()`` mode, the identity in ``eval()``.

    >>> drop = Dropout(0.5)
    >>> drop(np.ones(6)).data          # training: about half zeroed, the rest doubled, e.g.
    array([2., 0., 0., 0., 2., 2.], dtype=float32)
    >>> drop.eval()(np.ones(3)).data   # evaluation: unchanged
    array([1., 1., 1.], dtype=float32)
    """

    def __init__(self, p: float = 0.5) -> None:
        super().__init__()
        self.p = _check_p(p)

    def forward(self, x: Any) -> Tensor:
        return dropout(x, self.p, self.training)

    def extra_repr(self) -> str:
        return f"p={self.p}"
