"""Stochastic gradient descent, with momentum, Nesterov momentum and weight decay (as PyTorch)."""
from __future__ import annotations

from typing import Iterable

import numpy as np

from .. import kernels
from .optimizer import Optimizer, check_hyper


class SGD(Optimizer):
    r"""Stochastic gradient descent.

    For each parameter ``p`` with gradient ``g``, at every step (``wd`` = weight_decay,
    ``mu`` = momentum, ``tau`` = dampening)::

        g <- g + wd * p                               (L2 penalty wd/2 * ||p||^2, through the gradient)
        if mu != 0:
            b <- g                        on the first step
            b <- mu * b + (1 - tau) * g   afterwards  (the velocity: a running sum of past gradients)
            g <- g + mu * b   if nesterov             (look ahead along the velocity)
            g <- b            otherwise
        p <- p - lr * g

    This is PyTorch's rule, whose learning rate multiplies the velocity (some textbooks write
    ``v <- mu v - lr g; p <- p + v`` instead: the same path while lr is constant, not when a
    scheduler changes it). With momentum ``mu`` a steady gradient moves ``p`` about
    ``1 / (1 - mu)`` times faster than plain SGD, which is why momentum 0.9 wants a smaller lr.

    >>> opt = SGD(model.parameters(), lr=0.1, momentum=0.9)
    """

    def __init__(self, params: Iterable, lr: float, momentum: float = 0.0, nesterov: bool = False,
                 weight_decay: float = 0.0, dampening: float = 0.0) -> None:
        super().__init__(params, dict(lr=lr, momentum=momentum, nesterov=nesterov,
                                      weight_decay=weight_decay, dampening=dampening))

    def _check_group(self, group: dict) -> None:
        super()._check_group(group)
        name, m, d = "SGD", group["momentum"], group["dampening"]
        group["momentum"] = check_hyper(name, "momentum", m, ">= 0")
        group["dampening"] = check_hyper(name, "dampening", d, "in [0, 1]")
        wd = group["weight_decay"]
        group["weight_decay"] = check_hyper(name, "weight_decay", wd, ">= 0")
        group["nesterov"] = bool(group["nesterov"])
        if group["nesterov"] and (group["momentum"] <= 0 or group["dampening"] != 0):
            raise ValueError("SGD: nesterov=True needs a momentum > 0 and dampening 0, got "
                             f"momentum={group['momentum']}, dampening={group['dampening']}")

    def _update(self, p: np.ndarray, g: np.ndarray, state: dict, group: dict) -> None:
        # the rule above, applied in place by a kernel (minnet/kernels/optim.py shows it in NumPy)
        buf, first = None, False
        if group["momentum"] != 0:
            buf = state.get("momentum_buffer")
            if buf is None:
                buf, first = state.setdefault("momentum_buffer", np.empty_like(p)), True
        kernels.sgd_update(p, g, buf, group["lr"], group["weight_decay"], group["momentum"], group["dampening"],
                           group["nesterov"], first)
