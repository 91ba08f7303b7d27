"""Weight penalties added to a loss: ``l1_penalty`` (lam·Σ|w|) and ``l2_penalty`` (lam·Σw²)."""
from __future__ import annotations

from typing import Iterable

import numpy as np

from ..autograd import Tensor


def _params(name: str, params: Iterable) -> list:
    params = [params] if isinstance(params, Tensor) else list(params)
    for p in params:
        if not isinstance(p, Tensor):
            raise TypeError(f"{name}: expected tensors (e.g. model.parameters()), got {type(p).__name__}")
    return params


def l1_penalty(params: Iterable[Tensor], lam: float) -> Tensor:
    """lam · Σ|w| over every entry of every tensor in ``params`` (pushes weights to exactly zero).

    Its gradient is lam·sign(w). Pass only the weights you want penalised, e.g.
    ``[p for n, p in model.named_parameters() if n.endswith("weight")]`` to leave biases alone.
    """
    params = _params("l1_penalty", params)
    total = sum((p.abs().sum() for p in params), Tensor(np.zeros((), dtype=_dtype(params))))
    return total * lam


def l2_penalty(params: Iterable[Tensor], lam: float) -> Tensor:
    """lam · Σ w² over every entry of every tensor in ``params`` — no factor ½.

    So its gradient is 2·lam·w: adding ``l2_penalty(params, lam)`` to the loss and running plain SGD
    is the same as SGD with ``weight_decay = 2·lam``.
    """
    params = _params("l2_penalty", params)
    total = sum(((p * p).sum() for p in params), Tensor(np.zeros((), dtype=_dtype(params))))
    return total * lam


def _dtype(params: list):
    return params[0].dtype if params else np.dtype(np.float64)
