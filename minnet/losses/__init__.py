"""Loss functions (``MSELoss``, ``L1Loss``, ``CrossEntropyLoss``, ``BCEWithLogitsLoss``, ``BCELoss``)
and weight penalties (``l1_penalty``, ``l2_penalty``).

Each loss is a class (a Module, so it can be called like a layer) and a function
(``mse_loss``, ``cross_entropy``, ... also exported by ``mn.functional``). ``reduction`` is
``"mean"`` (default), ``"sum"`` or ``"none"`` (one loss per element or per sample), as in PyTorch.

Each classification loss says how its inputs become class decisions, in ``accuracy_rule`` (on the
class and on the function): ``"argmax"`` (logits, one per class), ``"logit"`` (one raw score per
decision, positive means 1) or ``"probability"`` (above 0.5 means 1). ``mn.fit`` reads it to
report accuracy; a loss without it (regression, or your own function) reports none.
Predictions and targets must have matching shapes: unlike PyTorch we refuse to broadcast, because
``(N, 1)`` predictions against ``(N,)`` targets would silently become an ``(N, N)`` loss.

An empty batch (no samples) gives 0 with ``reduction="sum"`` and an empty array with ``"none"``,
as in PyTorch. Its ``"mean"`` is 0/0: PyTorch returns nan, every loss here refuses it instead,
because a nan loss would stop ``mn.fit`` and be blamed on the learning rate, far from its cause.
Inputs that are not numbers (strings, Python objects) are refused with the loss's name.

The package, one file per kind: ``regression.py`` (MSE, L1), ``classification.py`` (cross-entropy,
binary cross-entropy), ``penalties.py``, ``modules.py`` (the classes), and ``_common.py`` (the
reductions and input checks every loss shares). Each op's forward and backward sit side by side.
"""

from __future__ import annotations

from .classification import (BCEOp, BCEWithLogitsOp, CrossEntropyOp, binary_cross_entropy,
                             binary_cross_entropy_with_logits, check_class_labels, cross_entropy)
from .modules import BCELoss, BCEWithLogitsLoss, CrossEntropyLoss, L1Loss, MSELoss
from .penalties import l1_penalty, l2_penalty
from .regression import L1Op, MSEOp, l1_loss, mse_loss

__all__ = ["MSELoss", "L1Loss", "CrossEntropyLoss", "BCEWithLogitsLoss", "BCELoss",
           "mse_loss", "l1_loss", "cross_entropy", "binary_cross_entropy_with_logits", "binary_cross_entropy",
           "l1_penalty", "l2_penalty", "check_class_labels",
           "MSEOp", "L1Op", "CrossEntropyOp", "BCEWithLogitsOp", "BCEOp"]
