"""The table of gradient checks that ``minnet gradcheck`` runs and the test suite reuses.

``OP_CASES`` (``ops.py``) checks every autograd op; ``LAYER_CASES`` (``layers.py``) every layer,
activation and loss, with parameters passed as inputs so they are checked too.
"""
from __future__ import annotations

from ._case import Case
from .layers import LAYER_CASES
from .ops import OP_CASES

__all__ = ["Case", "OP_CASES", "LAYER_CASES", "all_cases"]


def all_cases() -> list[Case]:
    """Every op case, then every layer and loss case."""
    return OP_CASES + LAYER_CASES
