"""What a check found: :class:`ExerciseResult`, a verdict a student can read.

``status`` is one of "passed", "wrong", "not implemented" and "error" (an exception in the
student's code); ``str(result)`` says what is wrong, where, by how much, and the hint of the
mistake it matches.
"""
from __future__ import annotations

import textwrap
from dataclasses import dataclass, field

from ..gradcheck import GradcheckReport, InputCheck
from .exercise import Mistake
from .student import Location

STATUSES = ("passed", "wrong", "not implemented", "error")
_WIDTH = 100


@dataclass
class GradientRow:
    """The verdict on one input's gradient: right or not, the gradcheck numbers, the mistakes it matches."""

    name: str
    shape: tuple
    ok: bool = True
    check: InputCheck | None = None
    problem: str | None = None            # a wrong shape, said in words
    mistakes: list[Mistake] = field(default_factory=list)

    def line(self) -> str:
        head = f"  gradient of {self.name} {self.shape}:"
        if self.problem:
            return f"{head} WRONG SHAPE: {self.problem}"
        c = self.check
        if c is None:
            return f"{head} shape right"
        if self.ok:
            return f"{head} right (largest relative error {c.max_rel_error:.1e})"
        return (f"{head} WRONG: relative error {c.max_rel_error:.2g} at element {c.worst_index}: "
                f"numerical {c.numerical:.6g}, yours {c.analytical:.6g}")


@dataclass
class ExerciseResult:
    """The verdict of :func:`~minnet.exercises.check`: ``ok``, ``status``, and a readable ``str()``."""

    exercise: str
    status: str
    summary: str
    case: str | None = None                # the inputs the verdict was reached on
    forward_ok: bool | None = None
    gradients: list[GradientRow] = field(default_factory=list)
    details: list[str] = field(default_factory=list)
    mistakes: list[Mistake] = field(default_factory=list)    # of the forward, or of an exception
    location: Location | None = None
    report: GradcheckReport | None = None
    passed_cases: list[tuple[str, GradcheckReport | None]] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.status not in STATUSES:
            raise ValueError(f"ExerciseResult: status must be one of {STATUSES}, got {self.status!r}")

    @classmethod
    def passed(cls, exercise: str, cases: list[tuple[str, GradcheckReport | None]]) -> "ExerciseResult":
        return cls(exercise, "passed", "your forward is right and your backward agrees "
                   "with the numerical gradients", forward_ok=True, passed_cases=cases)

    @property
    def ok(self) -> bool:
        return self.status == "passed"

    @property
    def all_mistakes(self) -> list[Mistake]:
        """Every mistake recognised, of the forward, an exception, or any input's gradient."""
        found = list(self.mistakes)
        for row in self.gradients:
            found += [m for m in row.mistakes if m not in found]
        return found

    @property
    def mistake_names(self) -> list[str]:
        return [m.name for m in self.all_mistakes]

    @property
    def hints(self) -> list[str]:
        return [m.hint for m in self.all_mistakes]

    def __str__(self) -> str:
        word = {"passed": "PASSED", "wrong": "WRONG", "not implemented": "NOT IMPLEMENTED YET",
                "error": "ERROR"}[self.status]
        lines = [f"{self.exercise}: {word}: {self.summary}"]
        if self.location is not None and self.location.code:
            lines.append(f"  {self.location.line:>4} | {self.location.code}")
        if self.case:
            lines.append(f"  checked on: {self.case}")
        if self.status == "passed":
            lines += [f"  {label}: " + ("forward right" if r is None else
                                        f"forward right, gradients right (largest relative error {r.max_rel_error:.1e})")
                      for label, r in self.passed_cases]
            return "\n".join(lines)
        if self.forward_ok:
            lines.append("  forward: right")
        lines += [_wrap(d, "  ") for d in self.details]
        shown: list[Mistake] = []
        for m in self.mistakes:
            lines += _explain(m, "  ", shown)
        for row in self.gradients:
            lines.append(row.line())
            for m in row.mistakes:
                lines += _explain(m, "    ", shown)
        if any(not row.ok and not row.mistakes for row in self.gradients):
            lines.append(_wrap("No familiar mistake matches: go through the backward formula in the docstring "
                               "term by term, and compare with your code on a tiny input by hand.", "  "))
        return "\n".join(lines)

    def __repr__(self) -> str:
        return f"ExerciseResult({self.exercise!r}, status={self.status!r}, mistakes={self.mistake_names})"


def _explain(m: Mistake, indent: str, shown: list[Mistake]) -> list[str]:
    """What the mistake is and its hint; the hint only the first time (gamma and beta can share one)."""
    if m in shown:
        return [_wrap(f"The same mistake: {m.title}.", indent)]
    shown.append(m)
    return [_wrap(f"This looks like: {m.title}.", indent), _wrap(f"Hint: {m.hint}", indent, indent + "  ")]


def _wrap(text: str, indent: str, subsequent: str | None = None) -> str:
    return textwrap.fill(text, _WIDTH, initial_indent=indent,
                         subsequent_indent=indent if subsequent is None else subsequent)
