"""One row of the gradient-check table: a :class:`Case`, and the input makers that state each op's domain.

A case names an op (or a layer, or a loss), builds its float64 inputs from a generator, and keeps
the inputs inside the op's valid domain (e.g. ``log`` only on positive numbers, ``abs`` away from
its kink at 0, where a finite difference straddles the corner and disagrees with any subgradient).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np


@dataclass(frozen=True)
class Case:
    name: str
    fn: Callable
    make: Callable[[np.random.Generator], Sequence]   # rng -> inputs for mn.gradcheck
    kind: str = "op"

    def inputs(self, seed: int = 0) -> list:
        return list(self.make(np.random.default_rng(seed)))

    @staticmethod
    def shapes(inputs: Sequence) -> str:
        """The shapes of the array inputs, for the table ("(3, 4), (4,)")."""
        return ", ".join(str(np.shape(a)) for a in inputs if hasattr(a, "shape"))


def normal(*shapes):
    return lambda rng: [rng.standard_normal(s) for s in shapes]


def positive(*shapes):
    return lambda rng: [rng.uniform(0.5, 2.0, s) for s in shapes]


def away_from_zero(*shapes):
    """Values with |x| in [0.1, 2]: keeps finite differences (eps = 1e-6) off a kink at 0."""
    return lambda rng: [rng.uniform(0.1, 2.0, s) * rng.choice([-1.0, 1.0], s) for s in shapes]


def distinct(*shapes):
    """A permutation of well-separated values: no ties for max/maximum to straddle."""
    def make(rng):
        out = []
        for s in shapes:
            n = int(np.prod(s))
            out.append(rng.permutation(np.linspace(-2, 2, n)).reshape(s) + 0.01 * rng.standard_normal(s))
        return out
    return make
