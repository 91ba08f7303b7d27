"""RMSprop: divide each step by a running root-mean-square of the gradient (as PyTorch)."""
from __future__ import annotations

from typing import Iterable

import numpy as np

from .optimizer import Optimizer, check_hyper


class RMSprop(Optimizer):
    r"""RMSprop (Hinton's lecture 6e), with optional momentum and centering.

    For each parameter ``p`` with gradient ``g``, at every step::

        g <- g + wd * p
        s <- alpha * s + (1 - alpha) * g^2            (running mean of g^2, starts at 0)
        a <- alpha * a + (1 - alpha) * g              (running mean of g; only if centered)
        d = sqrt(s - a^2) + eps   if centered         (a running standard deviation of g)
        d = sqrt(s) + eps         otherwise
        if momentum > 0:
            b <- momentum * b + g / d                 (b starts at 0)
            p <- p - lr * b
        else:
            p <- p - lr * g / d

    ``eps`` is added after the square root, and there is no bias correction, exactly as in
    PyTorch: the first steps are therefore larger than later ones (``s`` starts near 0).

    >>> opt = RMSprop(model.parameters(), lr=1e-3)
    """

    def __init__(self, params: Iterable, lr: float = 1e-2, alpha: float = 0.99, eps: float = 1e-8,
                 momentum: float = 0.0, weight_decay: float = 0.0, centered: bool = False) -> None:
        super().__init__(params, dict(lr=lr, alpha=alpha, eps=eps, momentum=momentum,
                                      weight_decay=weight_decay, centered=centered))

    def _check_group(self, group: dict) -> None:
        super()._check_group(group)
        name = "RMSprop"
        a, e, m, wd = group["alpha"], group["eps"], group["momentum"], group["weight_decay"]
        group["alpha"] = check_hyper(name, "alpha", a, "in [0, 1]")
        group["eps"] = check_hyper(name, "eps", e, ">= 0")
        group["momentum"] = check_hyper(name, "momentum", m, ">= 0")
        group["weight_decay"] = check_hyper(name, "weight_decay", wd, ">= 0")
        group["centered"] = bool(group["centered"])

    def _update(self, p: np.ndarray, g: np.ndarray, state: dict, group: dict) -> None:
        alpha, eps, mu, wd = group["alpha"], group["eps"], group["momentum"], group["weight_decay"]
        if not state:
            state["step"] = 0
            state["square_avg"] = np.zeros_like(p)
            if mu > 0:
                state["momentum_buffer"] = np.zeros_like(p)
            if group["centered"]:
                state["grad_avg"] = np.zeros_like(p)
        state["step"] += 1
        if wd != 0:
            g = g + wd * p
        s = state["square_avg"]
        s *= alpha
        s += (1 - alpha) * (g * g)
        if group["centered"]:
            a = state["grad_avg"]
            a *= alpha
            a += (1 - alpha) * g
            denom = np.sqrt(s - a * a) + eps
        else:
            denom = np.sqrt(s) + eps
        if mu > 0:
            buf = state.setdefault("momentum_buffer", np.zeros_like(p))
            buf *= mu
            buf += g / denom
            p -= group["lr"] * buf
        else:
            p -= group["lr"] * (g / denom)
