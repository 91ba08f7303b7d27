"""Recognise a mistake from what the student's op returned.

First the exercise's own mistakes (each predicts what a forward or backward with that mistake
returns, or tests for it); then patterns that hold for any op: a gradient that is a constant
multiple of the right one, its transpose, the gradient of another input, the right one before
summing over broadcast axes, zero, or the same whatever the upstream gradient was.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np

from ..autograd import unbroadcast
from .exercise import Exercise, Mistake, Trial


def same(a, b, rtol: float = 1e-6, atol: float = 1e-9) -> bool:
    """Equal shapes and values (to float64 rounding after a few operations)."""
    if a is None or b is None:
        return False
    a, b = np.asarray(a), np.asarray(b)
    return a.shape == b.shape and bool(np.allclose(a, b, rtol=rtol, atol=atol))


def _predict(fn, trial: Trial):
    """A mistake's prediction, or None when it does not apply to these inputs (e.g. a product whose
    shapes only fit for square matrices)."""
    try:
        with np.errstate(all="ignore"):
            return fn(trial)
    except Exception:
        return None


def forward_mistakes(exercise: Exercise, trial: Trial) -> list[Mistake]:
    """The exercise's forward mistakes that explain ``trial.out`` (the student's output)."""
    found = []
    for m in exercise.mistakes:
        if m.forward_test is not None and _predict(m.forward_test, trial):
            found.append(m)
        elif m.forward is not None and same(_predict(m.forward, trial), trial.out, rtol=1e-9, atol=1e-12):
            found.append(m)
    return found


def error_mistakes(exercise: Exercise, message: str) -> list[Mistake]:
    return [m for m in exercise.mistakes if m.matches_error(message)]


def backward_mistakes(exercise: Exercise, trial: Trial, grads: Sequence, index: int) -> list[Mistake]:
    """The exercise's backward mistakes that explain the student's gradient of input ``index``."""
    found = []
    for m in exercise.mistakes:
        if m.matches is not None:
            if _predict(lambda t: m.matches(t, grads), trial):
                found.append(m)
            continue
        if m.grads is None:
            continue
        predicted = _predict(m.grads, trial)
        if predicted is None or predicted[index] is None:
            continue
        if not same(predicted[index], trial.truth[index]) and same(grads[index], predicted[index]):
            found.append(m)
    return found


def generic_mistakes(trial: Trial, grads: Sequence, index: int, names: Sequence[str],
                     upstream_ignored: tuple | None) -> list[Mistake]:
    """Patterns any op's wrong gradient can show; ``upstream_ignored`` holds the right gradients for
    an upstream gradient of ones (what a backward that forgets to multiply by grad returns)."""
    g, right, name = np.asarray(grads[index]), trial.truth[index], names[index]
    shape = np.shape(trial.inputs[index])
    others = [k for k in range(len(names)) if k != index and trial.truth[k] is not None]
    if not np.all(np.isfinite(g)):
        return [_generic("not_finite", f"the gradient of {name} contains NaN or inf",
                         "Look for a division by zero, a log of 0, or an exp that overflows in backward.")]
    for k in others:
        if same(g, trial.truth[k]):
            return [_generic("wrong_order", f"the gradient returned for {name} is the gradient of {names[k]}",
                             f"backward returns the gradients in the order of forward's inputs: "
                             f"({', '.join('dL/d' + n for n in names)}).")]
    if g.ndim == 2 and same(g.T, right):
        return [_generic("transposed", f"the gradient of {name} is transposed",
                         f"Yours has shape {g.shape}, {name} has shape {shape}: the gradient is the transpose of "
                         "the right one. Swap the order of the product and transpose both factors "
                         "((A @ B).T = B.T @ A.T).")]
    if g.ndim >= 3 and same(g.swapaxes(0, 1), right):
        return [_generic("transposed", f"the first two axes of the gradient of {name} are swapped",
                         f"Yours has shape {g.shape}, {name} has shape {shape}: put the axes in {name}'s order.")]
    if g.shape != shape:
        return _wrong_shape(g, right, name, shape)
    if np.allclose(g, 0) and not np.allclose(right, 0):
        return [_generic("zero", f"the gradient of {name} is zero everywhere",
                         "backward returns zeros for this input; every element of it affects the output.")]
    if upstream_ignored is not None and same(g, upstream_ignored[index]) and not same(g, right):
        return [_generic("ignores_upstream", f"the gradient of {name} is not multiplied by grad",
                         "Chain rule: dL/dx = dL/dy * dy/dx. backward receives grad = dL/dy and must multiply "
                         "the local derivative by it (it is not always 1).")]
    factor = constant_factor(g, right)
    if factor is not None:
        return [_generic("constant_factor", f"the gradient of {name} {describe_factor(factor)} at every element",
                         "A factor shared by every element is a missing or extra constant: the 1/n of a mean, "
                         "a scale such as 1/(1 - p), a sign, or a constant of the formula. Compare your "
                         "constants with the docstring's formula.")]
    return []


def _wrong_shape(g, right, name, shape) -> list[Mistake]:
    size = int(np.prod(shape))
    if g.size > size:
        try:
            if same(unbroadcast(g, shape), right):
                return [_generic("not_reduced", f"the gradient of {name} has shape {g.shape}, not {name}'s {shape}: "
                                 f"it is not summed over the axes where {name} was broadcast",
                                 f"{name} was broadcast (reused) along some axes: sum the gradient over them so that "
                                 f"it has {name}'s shape {shape}.")]
        except (RuntimeError, ValueError):
            pass
    elif g.size < size:
        try:
            if same(np.broadcast_to(g, shape), right):
                return [_generic("not_spread", f"the gradient of {name} has shape {g.shape}, not {name}'s {shape}: "
                                 "it is not spread back over the input",
                                 f"Every element of {name} gets a gradient: spread yours back to {name}'s shape "
                                 f"(np.broadcast_to(g, {name}.shape), after np.expand_dims for a reduced axis).")]
        except ValueError:
            pass
    return [_generic("wrong_shape", f"the gradient of {name} has shape {g.shape}, but {name} has shape {shape}",
                     f"A gradient always has its input's shape: dL/d{name} has one entry per element of {name}.")]


def constant_factor(g: np.ndarray, right: np.ndarray) -> float | None:
    """c if g = c * right at every element (c != 1), else None."""
    big = np.abs(right) > 1e-6 * max(np.abs(right).max(initial=0), 1e-300)
    if not big.any() or not np.allclose(g[~big], 0, atol=1e-9):
        return None
    ratios = g[big] / right[big]
    c = float(np.median(ratios))
    if abs(c - 1) < 1e-6 or not np.allclose(ratios, c, rtol=1e-6, atol=1e-12):
        return None
    return c


def describe_factor(c: float) -> str:
    """-1 -> "has the wrong sign"; 3 -> "is 3 times the right value"; 0.25 -> "is 1/4 of the right value"."""
    if abs(c + 1) < 1e-6:
        return "has the wrong sign (it is -1 times the right value)"
    for value, word in ((c, "{k} times the right value"), (1 / c, "1/{k} of the right value")):
        k = round(value)
        if abs(k) >= 2 and abs(value - k) < 1e-6 * abs(value):
            return "is " + word.format(k=k)
    return f"is {c:.6g} times the right value"


def _generic(name: str, title: str, hint: str) -> Mistake:
    return Mistake(name, title, hint, plant=False)
