"""What ``fit`` does and says when the loss becomes NaN or infinite.

The first suspect is the data, not the learning rate: a NaN in one input row turns that batch's
loss into NaN however small the steps are. So the message first looks at the batch (which rows
and columns hold NaN or inf), then at the weights (already non-finite: an earlier step blew up),
and only then blames the size of the steps.
"""
from __future__ import annotations

import math
import sys
import warnings

import numpy as np

from .history import Divergence, History


class DivergenceWarning(RuntimeWarning):
    """Warned by ``fit`` when the loss becomes NaN or infinite (shown every time, not once)."""


class TrainingDiverged(RuntimeError):
    """Raised by ``fit(on_divergence="raise")``; ``.history`` holds the run up to the bad step."""

    def __init__(self, message: str, history: History) -> None:
        super().__init__(message)
        self.history = history


def _where_not_finite(a: np.ndarray, limit: int = 5) -> tuple[list[int], list[int]]:
    """Rows (samples) and, for 2-D data, columns (features) that hold NaN or inf."""
    bad = ~np.isfinite(a)
    rows = np.flatnonzero(bad.reshape(len(a), -1).any(axis=1)).tolist() if a.ndim else []
    cols = np.flatnonzero(bad.any(axis=0)).tolist() if a.ndim == 2 else []
    return rows[:limit] + (["..."] if len(rows) > limit else []), cols[:limit] + (["..."] if len(cols) > limit else [])


def _not_finite_in(name: str, a: np.ndarray) -> str | None:
    a = np.asarray(a)
    if a.dtype.kind != "f" or np.all(np.isfinite(a)):
        return None
    n = int((~np.isfinite(a)).sum())
    rows, cols = _where_not_finite(a)
    where = f"rows {rows}" + (f", columns {cols}" if cols else "")
    return f"the {name} holds {n} NaN/inf value(s) ({where} of this batch)"


def describe(epoch: int, step: int, global_step: int, value: float, lr: float, mode: str,
             xb: np.ndarray, yb: np.ndarray, params) -> Divergence:
    """The :class:`Divergence` record of the first non-finite loss, with its most likely cause."""
    what = "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")
    head = (f"Training diverged at epoch {epoch}, step {step} (global step {global_step}): loss became {what}.")
    in_data = _not_finite_in("input batch", xb) or _not_finite_in("target batch", yb)
    bad_weights = [i for i, p in enumerate(params) if not np.all(np.isfinite(p.data))]
    if in_data:
        cause = "data"
        advice = (f" Not the learning rate: {in_data}. Find where the NaN entered the data (missing "
                  "values? a division by a zero standard deviation?) and impute, drop or guard it.")
    elif bad_weights:
        cause = "weights"
        advice = (f" {len(bad_weights)} parameter tensor(s) already hold NaN/inf, so an earlier update "
                  f"blew up: the learning rate ({lr:g}) is probably too high; try a smaller one, "
                  "gradient clipping, or normalized inputs and targets.")
    else:
        cause = "loss"
        advice = (f" The learning rate ({lr:g}) may be too high: the batch and the weights were finite, so "
                  "the steps grew too large. Try a smaller one, gradient clipping, or normalized inputs "
                  "and targets. (mn.detect_anomaly() names the operation that first produced it.)")
    message = head + advice
    if mode == "continue":
        message += " Training goes on because on_divergence='continue'."
    return Divergence(epoch, step, global_step, value, lr, message, cause)


def announce(divergence: Divergence, history: History, mode: str) -> None:
    """Raise (mode "raise") or warn with the divergence message, attributed to the line that called ``fit``.

    The warning is shown every time, not once per place as Python's default would (a lesson that
    diverges twice would otherwise stay silent the second time); a filter the user sets still
    applies. It works in a script, a notebook, the REPL, ``python -c``, a script read from stdin and
    ``exec()`` alike: nothing here asks for the caller's source code.
    """
    if mode == "raise":
        raise TrainingDiverged(divergence.message, history)
    frame = sys._getframe(1)
    while frame is not None and frame.f_globals.get("__name__", "").startswith(__package__):
        frame = frame.f_back                        # leave minnet.train: find the caller of fit
    if frame is None:                               # pragma: no cover - fit is always called from somewhere
        filename, lineno, module = "<unknown>", 0, "__main__"
    else:
        filename, lineno = frame.f_code.co_filename, frame.f_lineno
        module = frame.f_globals.get("__name__") or "__main__"
    warnings.warn_explicit(divergence.message, DivergenceWarning, filename, lineno, module=module, registry={})
