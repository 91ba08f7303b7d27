"""The losses as Modules, called like a layer: ``MSELoss()(pred, target)``."""
from __future__ import annotations

from typing import Any

import numpy as np

from ..autograd import Tensor
from ..nn.module import Module
from ._common import _reduction
from .classification import binary_cross_entropy, binary_cross_entropy_with_logits, cross_entropy
from .regression import l1_loss, mse_loss


class MSELoss(Module):
    """Mean squared error, ``mean((pred − target)²)``; pred and target of equal shape."""

    def __init__(self, reduction: str = "mean") -> None:
        super().__init__()
        self.reduction = _reduction("MSELoss", reduction)

    def forward(self, pred: Any, target: Any) -> Tensor:
        return mse_loss(pred, target, self.reduction)

    def extra_repr(self) -> str:
        return f"reduction={self.reduction!r}"


class L1Loss(Module):
    """Mean absolute error, ``mean(|pred − target|)``; less sensitive to outliers than MSE."""

    def __init__(self, reduction: str = "mean") -> None:
        super().__init__()
        self.reduction = _reduction("L1Loss", reduction)

    def forward(self, pred: Any, target: Any) -> Tensor:
        return l1_loss(pred, target, self.reduction)

    def extra_repr(self) -> str:
        return f"reduction={self.reduction!r}"


class CrossEntropyLoss(Module):
    """Softmax cross-entropy on raw logits ``(N, K)`` and integer labels ``(N,)``.

    ``weight`` (K,) scales each class's loss (for imbalanced data); the mean is then
    Σ w[y_i]·ℓ_i / Σ w[y_i], as in PyTorch. Do not put a Softmax before it: it applies log-softmax itself.
    """

    accuracy_rule = "argmax"

    def __init__(self, weight: Any = None, reduction: str = "mean") -> None:
        super().__init__()
        self.weight = None if weight is None else np.asarray(weight.data if isinstance(weight, Tensor) else weight)
        self.reduction = _reduction("CrossEntropyLoss", reduction)

    def forward(self, logits: Any, labels: Any) -> Tensor:
        return cross_entropy(logits, labels, self.weight, self.reduction)

    def extra_repr(self) -> str:
        return f"weight={self.weight}, reduction={self.reduction!r}" if self.weight is not None \
            else f"reduction={self.reduction!r}"


class BCEWithLogitsLoss(Module):
    """Binary cross-entropy on raw scores (sigmoid built in, stable for any score)."""

    accuracy_rule = "logit"

    def __init__(self, weight: Any = None, pos_weight: Any = None, reduction: str = "mean") -> None:
        super().__init__()
        self.weight, self.pos_weight = weight, pos_weight
        self.reduction = _reduction("BCEWithLogitsLoss", reduction)

    def forward(self, logits: Any, target: Any) -> Tensor:
        return binary_cross_entropy_with_logits(logits, target, self.weight, self.pos_weight, self.reduction)

    def extra_repr(self) -> str:
        return f"reduction={self.reduction!r}"


class BCELoss(Module):
    """Binary cross-entropy on probabilities in [0, 1] (logs clamped at −100, as PyTorch)."""

    accuracy_rule = "probability"

    def __init__(self, weight: Any = None, reduction: str = "mean") -> None:
        super().__init__()
        self.weight = weight
        self.reduction = _reduction("BCELoss", reduction)

    def forward(self, probs: Any, target: Any) -> Tensor:
        return binary_cross_entropy(probs, target, self.weight, self.reduction)

    def extra_repr(self) -> str:
        return f"reduction={self.reduction!r}"
