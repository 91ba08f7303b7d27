"""Weight initializers: how the first weights are drawn, which decides whether signals survive depth.

An initializer is a callable ``(shape, fan_in, fan_out, rng) -> ndarray``. ``fan_in`` is the
number of inputs feeding one output unit, ``fan_out`` the number of outputs one input feeds:

* ``Dense(in, out)``: ``fan_in = in``, ``fan_out = out`` (its weight has shape ``(in, out)``);
* ``Conv2D(c_in, c_out, (kh, kw))``: ``fan_in = c_in·kh·kw``, ``fan_out = c_out·kh·kw``
  (PyTorch's rule; ``Conv1D`` likewise with ``k``).

Layers take ``init=`` as a callable or one of these names:

====================================================  ==========================================
name(s)                                               draws
====================================================  ==========================================
``"zeros"``, ``"ones"``                               the constant 0 or 1
``"xavier_uniform"``, ``"glorot_uniform"``,           U(-a, a), a = sqrt(6 / (fan_in + fan_out))
``"xavier"``, ``"glorot"``
``"xavier_normal"``, ``"glorot_normal"``              N(0, 2 / (fan_in + fan_out))
``"he_uniform"``, ``"kaiming_uniform"``               U(-a, a), a = sqrt(6 / fan_in)
``"he_normal"``, ``"kaiming_normal"``, ``"he"``,      N(0, 2 / fan_in)   (gain sqrt 2, for ReLU)
``"kaiming"``
``"lecun_uniform"``                                   U(-a, a), a = sqrt(3 / fan_in)
``"lecun_normal"``, ``"lecun"``                       N(0, 1 / fan_in)
====================================================  ==========================================

``normal(std)``, ``uniform(a)`` and ``constant(value)`` need a number, so they are only available
as calls: ``Dense(784, 128, init=mn.init.normal(0.01))``. The normal draws are plain (not
truncated) Gaussians, as PyTorch's ``kaiming_normal_``/``xavier_normal_``.

Every draw comes from ``mn.get_rng()`` in float64 and is then cast to the layer's dtype, so a
float32 and a float64 model built after the same ``mn.manual_seed`` start from the same numbers.
"""
from __future__ import annotations

import math
from typing import Callable, Union

import numpy as np

from ._random import get_rng
from .autograd import get_default_dtype

Initializer = Callable[[tuple, int, int, np.random.Generator], np.ndarray]
InitSpec = Union[str, Initializer]


def _rng(rng):
    return get_rng() if rng is None else rng


def _check_fan(name: str, fan: int) -> None:
    if fan <= 0:
        raise ValueError(f"init.{name}: fan must be positive, got {fan} (a layer with no inputs or outputs?)")


def zeros(shape: tuple, fan_in: int = 0, fan_out: int = 0, rng=None) -> np.ndarray:
    """All zeros (biases). For weights it is a trap: every unit computes the same thing forever."""
    return np.zeros(shape)


def ones(shape: tuple, fan_in: int = 0, fan_out: int = 0, rng=None) -> np.ndarray:
    """All ones (BatchNorm's scale)."""
    return np.ones(shape)


def constant(value: float) -> Initializer:
    """An initializer filling every entry with ``value``: ``init=mn.init.constant(0.1)``."""
    def init(shape, fan_in=0, fan_out=0, rng=None):
        return np.full(shape, float(value))
    init.__name__ = f"constant({value})"
    return init


def normal(std: float, mean: float = 0.0) -> Initializer:
    """An initializer drawing from N(mean, std²): ``init=mn.init.normal(0.01)``."""
    if std < 0:
        raise ValueError(f"init.normal: std must be non-negative, got {std}")

    def init(shape, fan_in=0, fan_out=0, rng=None):
        return _rng(rng).normal(mean, std, size=shape)
    init.__name__ = f"normal({std})"
    return init


def uniform(a: float) -> Initializer:
    """An initializer drawing from U(-a, a): ``init=mn.init.uniform(0.05)``."""
    if a < 0:
        raise ValueError(f"init.uniform: a must be non-negative, got {a}")

    def init(shape, fan_in=0, fan_out=0, rng=None):
        return _rng(rng).uniform(-a, a, size=shape)
    init.__name__ = f"uniform({a})"
    return init


def xavier_uniform(shape: tuple, fan_in: int, fan_out: int, rng=None, gain: float = 1.0) -> np.ndarray:
    """Glorot/Xavier uniform: U(-a, a) with a = gain · sqrt(6 / (fan_in + fan_out)).

    Keeps the variance of activations and of gradients about equal across layers for tanh/linear units.
    """
    _check_fan("xavier_uniform", fan_in + fan_out)
    a = gain * math.sqrt(6.0 / (fan_in + fan_out))
    return _rng(rng).uniform(-a, a, size=shape)


def xavier_normal(shape: tuple, fan_in: int, fan_out: int, rng=None, gain: float = 1.0) -> np.ndarray:
    """Glorot/Xavier normal: N(0, std²) with std = gain · sqrt(2 / (fan_in + fan_out))."""
    _check_fan("xavier_normal", fan_in + fan_out)
    return _rng(rng).normal(0.0, gain * math.sqrt(2.0 / (fan_in + fan_out)), size=shape)


def he_uniform(shape: tuple, fan_in: int, fan_out: int = 0, rng=None) -> np.ndarray:
    """He/Kaiming uniform (fan_in, gain sqrt 2): U(-a, a) with a = sqrt(6 / fan_in)."""
    _check_fan("he_uniform", fan_in)
    a = math.sqrt(6.0 / fan_in)
    return _rng(rng).uniform(-a, a, size=shape)


def he_normal(shape: tuple, fan_in: int, fan_out: int = 0, rng=None) -> np.ndarray:
    """He/Kaiming normal (fan_in, gain sqrt 2): N(0, 2 / fan_in).

    ReLU zeroes half of its inputs, halving the variance; the factor 2 restores it, so the signal
    keeps its scale through many ReLU layers.
    """
    _check_fan("he_normal", fan_in)
    return _rng(rng).normal(0.0, math.sqrt(2.0 / fan_in), size=shape)


def lecun_uniform(shape: tuple, fan_in: int, fan_out: int = 0, rng=None) -> np.ndarray:
    """LeCun uniform: U(-a, a) with a = sqrt(3 / fan_in) (variance 1 / fan_in)."""
    _check_fan("lecun_uniform", fan_in)
    a = math.sqrt(3.0 / fan_in)
    return _rng(rng).uniform(-a, a, size=shape)


def lecun_normal(shape: tuple, fan_in: int, fan_out: int = 0, rng=None) -> np.ndarray:
    """LeCun normal: N(0, 1 / fan_in)."""
    _check_fan("lecun_normal", fan_in)
    return _rng(rng).normal(0.0, math.sqrt(1.0 / fan_in), size=shape)


INITIALIZERS: dict[str, Initializer] = {
    "zeros": zeros, "ones": ones,
    "xavier_uniform": xavier_uniform, "glorot_uniform": xavier_uniform,
    "xavier": xavier_uniform, "glorot": xavier_uniform,
    "xavier_normal": xavier_normal, "glorot_normal": xavier_normal,
    "he_uniform": he_uniform, "kaiming_uniform": he_uniform,
    "he_normal": he_normal, "kaiming_normal": he_normal, "he": he_normal, "kaiming": he_normal,
    "lecun_uniform": lecun_uniform,
    "lecun_normal": lecun_normal, "lecun": lecun_normal,
}


def get(spec: InitSpec) -> Initializer:
    """The initializer for a name (see the table above) or a callable (returned unchanged)."""
    if callable(spec):
        return spec
    if isinstance(spec, str):
        key = spec.lower()
        if key in INITIALIZERS:
            return INITIALIZERS[key]
        if key in ("normal", "uniform", "constant"):
            raise ValueError(f"init {spec!r} needs a number: pass mn.init.{key}(...), "
                             f"e.g. init=mn.init.{key}({'0.01' if key == 'normal' else '0.05'})")
        raise ValueError(f"unknown init {spec!r}; choose one of {', '.join(sorted(INITIALIZERS))}, "
                         "or pass a callable (shape, fan_in, fan_out, rng) -> array")
    raise TypeError(f"init must be a name or a callable (shape, fan_in, fan_out, rng) -> array, "
                    f"got {type(spec).__name__}")


def initialize(spec: InitSpec, shape: tuple, fan_in: int, fan_out: int, dtype=None) -> np.ndarray:
    """Draw an array of ``shape`` with initializer ``spec`` from ``mn.get_rng()``, in ``dtype``
    (default: the default dtype). Layers call this to create their parameters."""
    shape = tuple(int(s) for s in shape)
    arr = np.asarray(get(spec)(shape, fan_in, fan_out, get_rng()))
    if arr.shape != shape:
        raise ValueError(f"initializer {getattr(spec, '__name__', spec)!r} returned shape {arr.shape}, "
                         f"expected {shape}")
    return arr.astype(get_default_dtype() if dtype is None else dtype)
