"""``suspects(seed)``: a line-up of ops, some with a planted backward bug, to be found with ``mn.gradcheck``.

Every suspect computes its forward with minnet's own ops. A correct one returns the right gradient;
a bugged one returns what a backward with one of the exercise's common mistakes returns (a missing
1/N, a missing transpose, the max-pool gradient sent to the whole window, the conv kernel not
flipped, a fresh dropout mask, batch norm without its mean terms, ...). Bugs are only planted on
inputs where they change the gradient, so a correct numerical check tells every bugged op from
every correct one.

    line_up = mn.exercises.suspects(seed=3)
    for s in line_up:
        print(s.label, s.name, mn.gradcheck(s.fn, s.inputs).ok)
    print(line_up.reveal())
"""
from __future__ import annotations

import string
from dataclasses import dataclass, field
from typing import Callable, Iterator

import numpy as np

import minnet as mn
from .catalog import catalog
from .exercise import Case, Exercise, Mistake, is_differentiable


@dataclass(frozen=True)
class Suspect:
    """One op of the line-up: check it with ``mn.gradcheck(suspect.fn, suspect.inputs)``."""

    label: str
    name: str
    op: type
    inputs: list
    kwargs: dict = field(default_factory=dict)
    _bug: Mistake | None = field(default=None, repr=False, compare=False)

    @property
    def fn(self) -> Callable:
        """The op applied to tensors with this suspect's keyword arguments: what to gradcheck."""
        op, kwargs = self.op, self.kwargs
        return lambda *tensors: op.apply(*tensors, **kwargs)

    def describe(self) -> str:
        shapes = ", ".join(f"{n} {np.shape(a)}" for n, a in zip(_exercise(self.name).input_names, self.inputs))
        extra = "".join(f", {k}={v!r}" for k, v in self.kwargs.items())
        return f"{self.label}  {self.name:<22}{shapes}{extra}"


@dataclass(frozen=True)
class Revelation:
    """Which suspects were bugged, and how: ``wrong`` maps a label to what its backward does wrong."""

    seed: int
    suspects: tuple[Suspect, ...]

    @property
    def wrong(self) -> dict[str, str]:
        return {s.label: s._bug.title for s in self.suspects if s._bug is not None}

    @property
    def correct(self) -> list[str]:
        return [s.label for s in self.suspects if s._bug is None]

    def __str__(self) -> str:
        lines = [f"The line-up of seed {self.seed}: {len(self.wrong)} of {len(self.suspects)} had a planted bug."]
        for s in self.suspects:
            verdict = "correct" if s._bug is None else f"BUG: {s._bug.title}"
            lines.append(f"  {s.label}  {s.name:<22}{verdict}")
        return "\n".join(lines)


class Suspects:
    """A line-up of :class:`Suspect` s (iterate over it, or index it by label); ``reveal()`` at the end."""

    def __init__(self, seed: int, suspects: list[Suspect]) -> None:
        self.seed = seed
        self._suspects = tuple(suspects)

    def __iter__(self) -> Iterator[Suspect]:
        return iter(self._suspects)

    def __len__(self) -> int:
        return len(self._suspects)

    def __getitem__(self, key: int | str) -> Suspect:
        if isinstance(key, str):
            for s in self._suspects:
                if s.label == key:
                    return s
            raise KeyError(f"no suspect labelled {key!r}: the labels are {', '.join(s.label for s in self)}")
        return self._suspects[key]

    def reveal(self) -> Revelation:
        """Which ops carried a planted bug, and what the bug does."""
        return Revelation(self.seed, self._suspects)

    def __str__(self) -> str:
        return "\n".join([
            f"{len(self)} suspects (seed {self.seed}); some have a planted bug in backward. Find them:",
            "",
            "    for s in line_up:",
            "        print(s.label, s.name, mn.gradcheck(s.fn, s.inputs).ok)",
            "",
            *[f"  {s.describe()}" for s in self],
            "",
            "Then line_up.reveal() says which were wrong and how."])

    def __repr__(self) -> str:
        return f"Suspects(seed={self.seed}, labels={[s.label for s in self]})"


def suspects(seed: int = 0, count: int = 6) -> Suspects:
    """``count`` ops (different exercises), between 2 and ``count`` − 2 of them with a planted
    backward bug; the same for the same seed, different across seeds."""
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"suspects: seed must be a non-negative integer, got {seed!r}")
    pool = catalog()
    if not 4 <= count <= len(pool):
        raise ValueError(f"suspects: count must be between 4 and {len(pool)}, got {count}")
    rng = np.random.default_rng(seed)
    chosen = [pool[i] for i in rng.choice(len(pool), size=count, replace=False)]
    bugged = set(rng.choice(count, size=int(rng.integers(2, count - 1)), replace=False).tolist())
    line_up = []
    for k, ex in enumerate(chosen):
        bug, case, inputs = _plant(ex, rng) if k in bugged else (None, *_clean(ex, rng))
        line_up.append(Suspect(string.ascii_uppercase[k], ex.name, _make_op(ex, bug), inputs,
                               dict(case.kwargs), bug))
    return Suspects(int(seed), line_up)


def _gradcheck_cases(ex: Exercise) -> list[Case]:
    return [c for c in ex.cases if c.gradcheck]


def _draw_inputs(case: Case, rng: np.random.Generator) -> list:
    return list(case.make(np.random.default_rng(int(rng.integers(2**32)))))


def _clean(ex: Exercise, rng: np.random.Generator) -> tuple[Case, list]:
    cases = _gradcheck_cases(ex)
    case = cases[int(rng.integers(len(cases)))]
    return case, _draw_inputs(case, rng)


def _plant(ex: Exercise, rng: np.random.Generator) -> tuple[Mistake, Case, list]:
    """A plantable mistake of ``ex`` and inputs on which it changes the gradient."""
    options = [(m, c) for m in ex.mistakes if m.grads is not None and m.plant for c in _gradcheck_cases(ex)]
    for i in rng.permutation(len(options)):
        bug, case = options[i]
        inputs = _draw_inputs(case, rng)
        if _changes_gradient(ex, bug, inputs, case.kwargs):
            return bug, case, inputs
    raise RuntimeError(f"suspects: no planted bug of {ex.name} shows on its inputs")   # pragma: no cover


def _changes_gradient(ex: Exercise, bug: Mistake, inputs: list, kwargs: dict) -> bool:
    """Whether the bug's gradient differs from the right one by far more than gradcheck tolerates."""
    rng_state = mn.get_rng().bit_generator.state
    try:
        with np.errstate(all="ignore"):
            out = ex.reference_forward(inputs, kwargs)
            upstream = np.random.default_rng(0).standard_normal(out.shape) if out.ndim else np.array(1.0)
            trial = ex.trial(inputs, kwargs, out, upstream)
            wrong = bug.grads(trial)
    except Exception:
        return False
    finally:
        mn.get_rng().bit_generator.state = rng_state
    for w, right in zip(wrong, trial.truth):
        if w is None or right is None:
            continue
        if np.shape(w) != np.shape(right):
            return False
        if np.any(np.abs(w - right) > 100 * (1e-5 + 1e-3 * np.abs(right))):
            return True
    return False


def _make_op(ex: Exercise, bug: Mistake | None) -> type:
    """An mn.Function computing ``ex``'s op with minnet's own ops, whose backward is right or carries ``bug``."""

    def forward(ctx, *args, **kwargs):
        out = ex.reference_forward(args, kwargs)
        ctx.args, ctx.kwargs, ctx.out = args, kwargs, out
        return out

    def backward(ctx, grad):
        trial = ex.trial(ctx.args, ctx.kwargs, ctx.out, np.asarray(grad, dtype=np.float64))
        if bug is None:
            return trial.truth
        planted = bug.grads(trial)
        return tuple(right if w is None or not is_differentiable(a) else w
                     for w, right, a in zip(planted, trial.truth, ctx.args))

    return type(ex.class_name, (mn.Function,), {"__doc__": f"{ex.title}.", "__module__": __name__,
                                                 "forward": staticmethod(forward), "backward": staticmethod(backward)})


def _exercise(name: str) -> Exercise:
    return next(ex for ex in catalog() if ex.name == name)
