"""The one random number generator used by everything random in minnet.

Initializers, dropout, shuffling and the data generators all draw from the
generator returned by :func:`get_rng`, so a single ``mn.manual_seed(s)`` makes
every later draw reproducible, bit for bit.
"""
from __future__ import annotations

import numpy as np

_rng = np.random.default_rng()


def manual_seed(seed: int) -> np.random.Generator:
    """Reseed minnet's generator; every later random draw in minnet depends only on ``seed``."""
    global _rng
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise TypeError(f"manual_seed expects an integer seed, got {seed!r} ({type(seed).__name__})")
    if seed < 0:
        raise ValueError(f"manual_seed expects a non-negative seed, got {seed}")
    _rng = np.random.default_rng(int(seed))
    return _rng


def get_rng() -> np.random.Generator:
    """The generator minnet draws from (reseeded by :func:`manual_seed`)."""
    return _rng


def rng_from(seed: int | np.random.Generator | None) -> np.random.Generator:
    """A generator for a function that takes ``seed=``: its own if a seed is given, else minnet's."""
    if seed is None:
        return _rng
    if isinstance(seed, np.random.Generator):
        return seed
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer or None, got {seed!r}")
    return np.random.default_rng(int(seed))
