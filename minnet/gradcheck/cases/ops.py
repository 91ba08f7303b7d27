"""The op rows of ``minnet gradcheck``: arithmetic with broadcasting, matrix products, reductions,
elementwise maths, the piecewise-constant ops (their analytical 0 agrees with finite differences
away from the jumps), shapes and indexing, and the ops that join tensors."""
from __future__ import annotations

import numpy as np

from ...autograd import concatenate, maximum, stack, where
from ._case import Case, away_from_zero, distinct, normal, positive


def _gather(rng):
    return [rng.standard_normal((5, 3)), np.array([0, 2, 2, 4, 0, 2])]


def _clip(rng):
    """Values inside (-0.4, 0.4) or outside (-0.6, 0.6): none within eps of the clip bounds."""
    inside = rng.random((3, 4)) < 0.5
    mag = np.where(inside, rng.uniform(0.0, 0.4, (3, 4)), rng.uniform(0.6, 1.5, (3, 4)))
    return [mag * rng.choice([-1.0, 1.0], (3, 4))]


def _off_half_integers(rng):
    """Values within 0.4 of an integer: round's jumps (at k + 1/2) are never straddled."""
    return [rng.integers(-3, 4, (3, 4)) + rng.uniform(-0.4, 0.4, (3, 4))]


def _off_integers(rng):
    """Values at least 0.1 from an integer: floor's and ceil's jumps are never straddled."""
    return [rng.integers(-3, 3, (3, 4)) + rng.uniform(0.1, 0.9, (3, 4))]


def _where(rng):
    return [rng.standard_normal((3, 4)) > 0, rng.standard_normal((3, 4)), rng.standard_normal((4,))]


def _maximum(rng):
    a = rng.standard_normal((3, 4))
    return [a, a[0] + rng.choice([-0.5, 0.5], (4,))]   # broadcast, and never within eps of a tie


OP_CASES: list[Case] = [
    Case("add (broadcast)", lambda a, b: a + b, normal((3, 4), (4,))),
    Case("sub (broadcast)", lambda a, b: a - b, normal((2, 1, 4), (3, 1))),
    Case("mul (broadcast)", lambda a, b: a * b, normal((3, 4), (3, 1))),
    Case("div (broadcast)", lambda a, b: a / b, lambda rng: [rng.standard_normal((3, 4)), rng.uniform(0.5, 2, (4,))]),
    Case("neg", lambda a: -a, normal((3, 4))),
    Case("pow (scalar exp)", lambda a: a ** 3, normal((3, 4))),
    Case("pow (tensor exp)", lambda a, b: a ** b, positive((3, 4), (4,))),
    Case("rpow", lambda a: 2.0 ** a, normal((3, 4))),
    Case("matmul", lambda a, b: a @ b, normal((3, 4), (4, 5))),
    Case("matmul (batched)", lambda a, b: a @ b, normal((2, 3, 4), (4, 5))),
    Case("matmul (broadcast batch)", lambda a, b: a @ b, normal((2, 1, 3, 4), (3, 4, 2))),
    Case("matmul (vector @ matrix)", lambda a, b: a @ b, normal((4,), (2, 4, 3))),
    Case("matmul (matrix @ vector)", lambda a, b: a @ b, normal((3, 4), (4,))),
    Case("matmul (dot)", lambda a, b: a @ b, normal((4,), (4,))),
    Case("sum", lambda a: a.sum(), normal((3, 4))),
    Case("sum (axis, keepdims)", lambda a: a.sum(axis=(0, 2), keepdims=True), normal((2, 3, 4))),
    Case("mean (axis)", lambda a: a.mean(axis=-1), normal((3, 4))),
    Case("max", lambda a: a.max(), distinct((3, 4))),
    Case("max (axis, keepdims)", lambda a: a.max(axis=1, keepdims=True), distinct((3, 4, 2))),
    Case("min (axis)", lambda a: a.min(axis=0), distinct((3, 4))),
    Case("exp", lambda a: a.exp(), normal((3, 4))),
    Case("log", lambda a: a.log(), positive((3, 4))),
    Case("sqrt", lambda a: a.sqrt(), positive((3, 4))),
    Case("tanh", lambda a: a.tanh(), normal((3, 4))),
    Case("sigmoid", lambda a: a.sigmoid(), lambda rng: [rng.standard_normal((3, 4)) * 4]),
    Case("relu", lambda a: a.relu(), away_from_zero((3, 4))),
    Case("abs", lambda a: a.abs(), away_from_zero((3, 4))),
    Case("clip", lambda a: a.clip(-0.5, 0.5), _clip),
    Case("round (gradient 0)", lambda a: a.round() * a, _off_half_integers),
    Case("floor (gradient 0)", lambda a: a.floor() * a, _off_integers),
    Case("ceil (gradient 0)", lambda a: a.ceil() * a, _off_integers),
    Case("sign (gradient 0)", lambda a: a.sign() * a, away_from_zero((3, 4))),
    Case("reshape", lambda a: a.reshape(4, 3) * np.arange(12.0).reshape(4, 3), normal((3, 4))),
    Case("transpose", lambda a: a.transpose(2, 0, 1) * np.arange(24.0).reshape(4, 2, 3), normal((2, 3, 4))),
    Case("T (non-contiguous)", lambda a: a.T @ a, normal((3, 4))),
    Case("squeeze / unsqueeze", lambda a: a.squeeze(1).unsqueeze(0) * np.arange(8.0).reshape(1, 4, 2),
         normal((4, 1, 2))),
    Case("flatten", lambda a: a.flatten(1) * np.arange(12.0), normal((2, 3, 4))),
    Case("getitem (slice)", lambda a: a[1:, ::2], normal((3, 4))),
    Case("getitem (repeated indices)", lambda a, idx: a[idx], _gather),
    Case("getitem (boolean mask)", lambda a, m: a[m], lambda rng: [rng.standard_normal((3, 4)), rng.random((3, 4)) > 0.5]),
    Case("concatenate", lambda a, b: concatenate([a, b, a], axis=1), normal((2, 3), (2, 2))),
    Case("stack", lambda a, b: stack([a, b], axis=1), normal((2, 3), (2, 3))),
    Case("where", lambda c, a, b: where(c, a, b), _where),
    Case("maximum", lambda a, b: maximum(a, b), _maximum),
    Case("NumPy functions on a tensor", lambda a: np.sum(np.tanh(a) * np.exp(a), axis=0) + np.round(a).mean(),
         normal((3, 4))),
    Case("chain (shared input)", lambda a: (a * a.exp()).sum(axis=0) - a.tanh().mean(axis=0), normal((3, 4))),
]
