"""What a gradient check found, in numbers and in words: :class:`GradcheckReport`.

The relative error of one element is ``|analytical − numerical| / max(|analytical|, |numerical|)``.
The thresholds a student can use to read it (cs231n's notes on gradient checking): in float64,
below 1e-7 the gradient is right; up to 1e-4 is fine near kinks (ReLU, max, abs at 0); 1e-4 to 1e-2
is suspicious; above 1e-2 the backward is almost certainly wrong.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

_EXPLAIN = (
    "Relative error = |analytical - numerical| / max(|analytical|, |numerical|). In float64, below 1e-7\n"
    "the gradient is right; 1e-7 to 1e-4 is fine near kinks (ReLU, max, abs at 0); 1e-4 to 1e-2 is\n"
    "suspicious; above 1e-2 the backward is almost certainly wrong. An input passes when every element\n"
    "has |analytical - numerical| <= atol + rtol * |numerical|.")


def verdict(max_rel_error: float, ok: bool) -> str:
    """A word for a student: 'fine', 'borderline' (passes, but look closer) or 'WRONG'."""
    if not ok:
        return "WRONG"
    return "fine" if max_rel_error <= 1e-4 else "borderline"


@dataclass
class InputCheck:
    """The comparison for one input: its worst element and the largest errors over all elements."""

    name: str
    shape: tuple
    max_abs_error: float
    max_rel_error: float
    worst_index: tuple
    numerical: float
    analytical: float
    ok: bool

    @property
    def verdict(self) -> str:
        return verdict(self.max_rel_error, self.ok)


@dataclass
class Constant:
    """An input that was passed to the function unchanged and not checked, and why."""

    name: str
    shape: tuple
    dtype: str
    reason: str
    integer: bool = False


@dataclass
class GradcheckReport:
    """What :func:`gradcheck` found: ``.ok``, the largest errors, and one row per checked input."""

    inputs: list[InputCheck] = field(default_factory=list)
    eps: float = 1e-6
    atol: float = 1e-5
    rtol: float = 1e-3
    output_shape: tuple = ()
    constants: list[Constant] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(r.ok for r in self.inputs)

    @property
    def max_abs_error(self) -> float:
        return max((r.max_abs_error for r in self.inputs), default=0.0)

    @property
    def max_rel_error(self) -> float:
        return max((r.max_rel_error for r in self.inputs), default=0.0)

    def __str__(self) -> str:
        head = (f"gradcheck: {'OK' if self.ok else 'FAILED'}  (float64 central differences, eps={self.eps:g}; "
                f"output shape {self.output_shape})")
        cols = f"  {'input':<16}{'shape':<18}{'max abs err':>12}{'max rel err':>12}  {'worst at':<14}" \
               f"{'numerical':>13}{'analytical':>13}  verdict"
        rows = [f"  {r.name:<16}{str(r.shape):<18}{r.max_abs_error:>12.2e}{r.max_rel_error:>12.2e}  "
                f"{str(r.worst_index):<14}{r.numerical:>13.6g}{r.analytical:>13.6g}  {r.verdict}"
                for r in self.inputs]
        if not rows:
            rows = ["  (no input requires grad: nothing was checked)"]
        rows += [f"  {c.name:<16}{str(c.shape):<18}not checked: {c.reason}" for c in self.constants]
        return "\n".join([head, cols, *rows, _EXPLAIN.replace("atol", f"atol ({self.atol:g})")
                          .replace("rtol *", f"rtol ({self.rtol:g}) *")])

    def __repr__(self) -> str:
        skipped = "".join(f", not checked: {c.name} ({c.dtype})" for c in self.constants)
        return (f"GradcheckReport(ok={self.ok}, max_abs_error={self.max_abs_error:.3g}, "
                f"max_rel_error={self.max_rel_error:.3g}{skipped})")


def compare(name: str, analytical: np.ndarray, numerical: np.ndarray, atol: float, rtol: float) -> InputCheck:
    abs_err = np.abs(analytical - numerical)
    scale = np.maximum(np.maximum(np.abs(analytical), np.abs(numerical)), max(atol, 1e-12))
    rel_err = abs_err / scale
    allowed = atol + rtol * np.abs(numerical)
    ok = bool(np.all(abs_err <= allowed))
    if analytical.size == 0:
        return InputCheck(name, analytical.shape, 0.0, 0.0, (), 0.0, 0.0, True)
    worst = np.unravel_index(int(np.argmax(rel_err)), analytical.shape)
    return InputCheck(name, analytical.shape, float(abs_err.max()), float(rel_err.max()),
                      tuple(int(i) for i in worst), float(numerical[worst]), float(analytical[worst]), ok)
