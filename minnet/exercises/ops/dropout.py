"""Exercise on dropout (inverted, training mode): the one op here whose forward is random.

Its output cannot be compared with fixed reference values, so the forward is checked for what
dropout must be: every output 0 or x / (1 − p), about a fraction p of zeros, the same mask for the
same state of ``mn.get_rng()``, another mask for another state. Its backward must reuse the mask
the forward drew; drawing a fresh one is the classic mistake.
"""
from __future__ import annotations

import numpy as np

import minnet as mn
from ...gradcheck.cases._case import away_from_zero
from ..exercise import Case, Exercise, Mistake


def _p(t) -> float:
    return t.kwargs.get("p", 0.5)


def _kept(t) -> np.ndarray:
    return t.out != 0


def _fresh_mask_grads(t) -> tuple:
    keep = mn.get_rng().random(t.inputs[0].shape) >= _p(t)      # a new draw: not the forward's mask
    return (t.grad * keep / (1 - _p(t)),)


def _looks_like_another_mask(t, grads) -> bool:
    """grad / (1 − p) on some units and 0 on the others, but not on the units the forward kept."""
    g = np.asarray(grads[0])
    if g.shape != t.grad.shape:
        return False
    scaled = t.grad / (1 - _p(t))
    on = np.isclose(g, scaled, rtol=1e-6, atol=1e-12) & (np.abs(scaled) > 1e-12)
    off = np.isclose(g, 0, atol=1e-12)
    return bool(np.all(on | off) and off.any() and not np.array_equal(on, _kept(t)))


NOT_REPRODUCIBLE = Mistake(
    "not_reproducible", "the mask is not drawn from mn.get_rng(): the same seed gives another mask",
    "Draw the mask from minnet's generator, e.g. keep = mn.get_rng().random(x.shape) >= p. With "
    "np.random (or a generator of your own) mn.manual_seed cannot make a run repeatable, and the "
    "numerical gradient check, which reruns forward many times from the same seed, sees a different "
    "mask every time.")
SAME_MASK = Mistake(
    "same_mask", "every call drops the same units (a fixed mask or a generator reseeded on every call)",
    "The mask must be a new random draw on every forward pass: draw it from mn.get_rng() each time, "
    "without reseeding.")
NOT_SCALED = Mistake(
    "not_scaled", "the kept units are not scaled by 1/(1 − p)",
    "Inverted dropout multiplies the kept units by 1/(1 - p), so that every unit keeps its expected "
    "value and nothing needs rescaling at evaluation time: y = x * keep / (1 - p).")
P_IS_KEEP = Mistake(
    "p_is_keep", "p is used as the probability of keeping a unit; it is the probability of dropping it",
    "p is the drop probability (as in PyTorch): a unit is kept with probability 1 - p, "
    "keep = mn.get_rng().random(x.shape) >= p, and kept units are scaled by 1/(1 - p).")


def check_dropout_forward(probe) -> tuple[str, tuple[Mistake, ...]] | None:
    """None if the forward behaves like dropout; else (what is wrong, the mistakes it looks like)."""
    x, p = probe.inputs[0], probe.kwargs.get("p", 0.5)
    first, again, other = probe.run(state=0), probe.run(state=0), probe.run(state=1)
    if first.shape != x.shape:
        return f"the output has shape {first.shape}; dropout keeps x's shape {x.shape}", ()
    if not np.array_equal(first, again, equal_nan=True):
        return "two runs from the same state of mn.get_rng() dropped different units", (NOT_REPRODUCIBLE,)
    kept = first != 0
    if not np.allclose(first[kept], x[kept] / (1 - p), rtol=1e-9, atol=0):
        bad = np.argwhere(kept & ~np.isclose(first, x / (1 - p), rtol=1e-9, atol=0))[0]
        where = tuple(int(i) for i in bad)
        what = (f"element {where} is {first[where]:.6g}, but a kept unit is x / (1 - p) = "
                f"{x[where]:.6g} / {1 - p:g} = {x[where] / (1 - p):.6g} (and a dropped one is 0)")
        return what, (NOT_SCALED,) if np.allclose(first[kept], x[kept]) else ()
    dropped, n = 1 - kept.mean(), x.size
    spread = 5 * np.sqrt(p * (1 - p) / n)          # 5 standard deviations of the dropped fraction
    if abs(dropped - p) > spread:
        what = f"{dropped:.0%} of the {n} units were dropped; with p = {p:g} about {p:.0%} should be"
        return what, (P_IS_KEEP,) if abs(dropped - (1 - p)) <= spread else ()
    if np.array_equal(first, other):
        return "two runs from different states of mn.get_rng() dropped exactly the same units", (SAME_MASK,)
    return None


DROPOUT = Exercise(
    name="dropout",
    title="inverted dropout in training mode, y = x * keep / (1 - p)",
    class_name="Dropout",
    signature="x, p=0.5",
    doc="""
        forward:   keep = mn.get_rng().random(x.shape) >= p      True with probability 1 - p
                   y = x * keep / (1 - p)                         p: the probability of dropping
        backward:  dL/dx = grad * keep / (1 - p)                  with the *same* keep as forward

    Shapes: x of any shape; y, grad and dL/dx have x's shape.
    Draw the mask from mn.get_rng(), minnet's generator, so that mn.manual_seed makes runs
    repeatable (the checker reruns your forward from the same state and expects the same mask).
    The kept units are scaled by 1/(1 - p) so that each unit's expected value is unchanged, and
    nothing needs rescaling when dropout is switched off for evaluation.
    Example: x = [1, 2, 3, 4], p = 0.5, keep = [T, F, F, T]: y = [2, 0, 0, 8], dL/dx = grad * [2, 0, 0, 2].
    """,
    forward_todo="draw keep from mn.get_rng(); y = ...; keep the mask for backward",
    backward_todo="return dL/dx, with the mask forward drew",
    cases=(Case("x (20, 25), p=0.3: the statistics of the mask", away_from_zero((20, 25)), {"p": 0.3},
                gradcheck=False),
           Case("x (4, 5), p=0.5", away_from_zero((4, 5)), {"p": 0.5}),
           Case("x (3, 4), p=0.2", away_from_zero((3, 4)), {"p": 0.2}, seed=1)),
    reference=lambda x, p=0.5: mn.functional.dropout(x, p, training=True),
    check_forward=check_dropout_forward,
    truth=lambda t: (t.grad * _kept(t) / (1 - _p(t)),),
    mistakes=(
        NOT_REPRODUCIBLE, SAME_MASK, NOT_SCALED, P_IS_KEEP,
        Mistake("fresh_mask", "backward draws a new mask instead of reusing the forward's",
                "The gradient flows through the units the *forward* kept, so backward must use that mask: "
                "save it in forward (ctx.save_for_backward(keep)) and return grad * keep / (1 - p). A new "
                "draw in backward drops other units than the forward did.",
                grads=_fresh_mask_grads, matches=_looks_like_another_mask),
        Mistake("backward_not_scaled", "backward leaves out the 1/(1 − p) that forward applied",
                "The kept units were multiplied by 1/(1 - p) in forward, so their gradient is too: "
                "grad * keep / (1 - p).",
                grads=lambda t: (t.grad * _kept(t),)),
        Mistake("no_mask", "backward lets the gradient through the dropped units too",
                "A dropped unit's output is 0 whatever x is, so its gradient is 0: multiply by the mask, "
                "grad * keep / (1 - p).",
                grads=lambda t: (t.grad / (1 - _p(t)),)),
    ),
)

EXERCISES = (DROPOUT,)
