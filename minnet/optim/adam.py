"""Adam and AdamW: adaptive steps from running moments of the gradient (as PyTorch)."""
from __future__ import annotations

from typing import Iterable

import numpy as np

from .. import kernels
from .optimizer import Optimizer, check_hyper


class Adam(Optimizer):
    r"""Adam (Kingma & Ba, 2015), optionally with AMSGrad.

    For each parameter ``p`` with gradient ``g``, at step ``t = 1, 2, ...``::

        g <- g + wd * p                               (L2 penalty through the gradient; see AdamW)
        m <- b1 * m + (1 - b1) * g                    (first moment: a running mean of g)
        v <- b2 * v + (1 - b2) * g^2                  (second moment: a running mean of g^2)
        m_hat = m / (1 - b1^t),  v_hat = v / (1 - b2^t)   (bias correction: m, v start at 0)
        v_hat <- max(v_hat seen so far)               (only with amsgrad=True)
        p <- p - lr * m_hat / (sqrt(v_hat) + eps)

    ``eps`` is added *after* the square root, as in PyTorch. Each coordinate moves by about ``lr``
    whatever the gradient's scale, which is why Adam forgives a badly scaled problem that SGD
    would not, and why its lr (default 1e-3) is not comparable with SGD's.

    >>> opt = Adam(model.parameters(), lr=1e-3)
    """

    _decoupled = False

    def __init__(self, params: Iterable, lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0.0, amsgrad: bool = False) -> None:
        super().__init__(params, dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                                      amsgrad=amsgrad))

    def _check_group(self, group: dict) -> None:
        super()._check_group(group)
        name = type(self).__name__
        betas = group["betas"]
        if not (isinstance(betas, (tuple, list)) and len(betas) == 2):
            raise ValueError(f"{name}: betas must be a pair (beta1, beta2), got {betas!r}")
        b1, b2 = betas
        group["betas"] = (check_hyper(name, "betas[0]", b1, "in [0, 1)"),
                          check_hyper(name, "betas[1]", b2, "in [0, 1)"))
        group["eps"] = check_hyper(name, "eps", group["eps"], ">= 0")
        wd = group["weight_decay"]
        group["weight_decay"] = check_hyper(name, "weight_decay", wd, ">= 0")
        group["amsgrad"] = bool(group["amsgrad"])

    def _update(self, p: np.ndarray, g: np.ndarray, state: dict, group: dict) -> None:
        lr, (b1, b2), eps, wd = group["lr"], group["betas"], group["eps"], group["weight_decay"]
        if not state:
            state["step"] = 0
            state["exp_avg"] = np.zeros_like(p)
            state["exp_avg_sq"] = np.zeros_like(p)
            if group["amsgrad"]:
                state["max_exp_avg_sq"] = np.zeros_like(p)
        state["step"] += 1
        # the rule above, applied in place by a kernel (minnet/kernels/optim.py shows it in NumPy;
        # the bias corrections are folded into a step size and a denominator, as PyTorch does)
        kernels.adam_update(p, g, state["exp_avg"], state["exp_avg_sq"],
                            state["max_exp_avg_sq"] if group["amsgrad"] else None,
                            lr, b1, b2, eps, wd, self._decoupled, state["step"])


class AdamW(Adam):
    r"""Adam with decoupled weight decay (Loshchilov & Hutter, 2019).

    The same as :class:`Adam` except how weight decay enters: instead of adding ``wd * p`` to the
    gradient (where Adam's normalisation would shrink it for parameters with large gradients),
    the weights are shrunk directly, before the Adam step::

        p <- p * (1 - lr * wd)
        p <- p - lr * m_hat / (sqrt(v_hat) + eps)     (m, v built from the raw gradient g)

    >>> opt = AdamW(model.parameters(), lr=1e-3, weight_decay=0.01)
    """

    _decoupled = True

    def __init__(self, params: Iterable, lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0.01, amsgrad: bool = False) -> None:
        super().__init__(params, lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, amsgrad=amsgrad)
