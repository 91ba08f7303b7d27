"""The instruments: pure functions on arrays that say how healthy one layer is.

Each takes NumPy arrays or Tensors (a layer's outputs, a gradient, a weight before and after a step) and
returns one number; ``Monitor``, ``activation_stats`` and ``gradient_stats`` apply them layer by
layer. Each docstring says how to read the number: what it measures, what a healthy value looks
like and where that figure comes from, and what a bad value usually means.

Non-finite inputs are not an error here: a NaN activation is neither dead nor saturated, a NaN
weight makes the ratio NaN, and the caller sees it.

Sources quoted below: cs231n, "CS231n Convolutional Neural Networks for Visual Recognition", course
notes (Stanford), parts "Neural Networks Part 1" (dying ReLU) and "Part 3" (ratio of updates to
weights); Glorot & Bengio 2010, "Understanding the difficulty of training deep feedforward neural
networks" (saturation, activation and gradient scale across depth); AUTOTRAINER (Zhang et al., ICSE
2021), DeepDiagnosis (Wardat et al., ICSE 2022) and TheDeepChecker (Ben Braiek & Khomh) for the
thresholds published diagnosis tools use.
"""
from __future__ import annotations

import math

import numpy as np

from ..autograd import Tensor

# Outputs beyond these values sit in the flat tails of the squashing functions. At |tanh| = 0.97
# the slope 1 - a**2 is 0.06 (6 % of its peak); at sigmoid = 0.97 or 0.03 the slope a(1 - a) is 0.029
# (12 % of its peak 0.25): a saturated unit passes back little of the gradient it receives.
TANH_SATURATION = 0.97
SIGMOID_SATURATION = (0.03, 0.97)


def _array(name: str, a) -> np.ndarray:
    a = np.asarray(a.data if isinstance(a, Tensor) else a)
    if a.dtype.kind not in "fiub":
        raise TypeError(f"{name}: expected a numeric array, got dtype {a.dtype}")
    return a


def dead_fraction(acts) -> float:
    """Fraction of units that are ≤ 0 for every sample in the batch: the "dead" ReLUs.

    A unit is a feature for outputs of shape (N, F) and a channel for (N, C, ...) (a conv channel is
    dead when it is ≤ 0 at every sample *and* every position); for (N,) the whole output is one unit::

        dead_fraction = #{units u : acts[n, u, ...] <= 0 for all n, ...} / #units

    A ReLU unit that outputs 0 for every input also gets zero gradient for every input, so its
    weights never change again: it is dead for good unless the inputs change. Usually caused by a
    too-high learning rate (one large step pushes the unit's bias far negative) or by a large
    negative bias at initialisation.

    Healthy: close to 0. cs231n (Neural Networks Part 1, "Dying ReLU") reports "as much as 40 %" of
    a network dead when the learning rate is set too high; DeepDiagnosis flags a layer when ≥ 70 %
    of its ReLU outputs are ≤ 0. Measured on one batch, the fraction overestimates deadness on the
    whole data set (a unit may fire only for samples not in the batch): use a large batch to decide.

    For LeakyReLU, ELU and GELU the same rule counts units stuck in the negative regime (their
    output is ≤ 0 exactly when their input is ≤ 0); such units still learn, through the small
    negative-side slope, which is why switching to them is the fix for dead ReLUs.

    >>> dead_fraction(np.array([[0.0, 1.0, -2.0], [0.0, 0.0, 3.0]]))   # unit 0 never fires
    0.3333333333333333
    """
    a = _array("dead_fraction", acts)
    if a.ndim == 0:
        raise ValueError("dead_fraction: expected activations of shape (N,), (N, F) or (N, C, ...), got a scalar")
    if a.size == 0:
        raise ValueError(f"dead_fraction: got an empty array of shape {a.shape}")
    # "<= 0 for every sample and position" is "the largest value <= 0"; a NaN makes the max NaN,
    # and NaN <= 0 is False: a unit that produced NaN is not called dead.
    if a.ndim == 1:
        return float(a.max() <= 0)
    largest = a.max(axis=tuple(i for i in range(a.ndim) if i != 1))
    return float(np.count_nonzero(largest <= 0) / largest.size)


def saturated_fraction(acts, kind: str) -> float:
    """Fraction of output elements in the flat tails of a squashing activation.

    ``kind="tanh"``: ``|a| > 0.97``;  ``kind="sigmoid"``: ``a < 0.03 or a > 0.97``; counted over every
    element (every sample, unit and position). There the slope is small (tanh' < 0.06, sigmoid' < 0.03),
    so a saturated unit passes back little gradient and its weights, and those below it, learn
    slowly: Glorot & Bengio 2010 (section 3.1) watch sigmoid units of the top hidden layer saturate
    at 0 with the then-standard initialisation and stall training. A large fraction usually means
    weights initialised too large (e.g. standard normal instead of Xavier/Glorot), inputs that are
    not standardized, or a learning rate that blew the weights up.

    Healthy: well under half of a layer, and not growing during training. DeepDiagnosis calls a layer
    saturated when more than 50 % of its pre-activations lie beyond ±5 (a stricter tail than 0.97).

    >>> saturated_fraction(np.array([0.99, -0.98, 0.5, 0.0]), "tanh")
    0.5
    """
    a = _array("saturated_fraction", acts)
    if a.size == 0:
        raise ValueError(f"saturated_fraction: got an empty array of shape {a.shape}")
    if kind == "tanh":
        tails = np.abs(a) > TANH_SATURATION
    elif kind == "sigmoid":
        low, high = SIGMOID_SATURATION
        tails = (a < low) | (a > high)
    else:
        raise ValueError(f"saturated_fraction: kind must be 'tanh' or 'sigmoid', got {kind!r}")
    return float(np.count_nonzero(tails) / tails.size)


def update_to_weight_ratio(before, after) -> float:
    """Relative size of one optimizer step: ``‖after − before‖ / ‖before‖`` (Frobenius norms).

    ``before`` and ``after`` are a layer's weight just before and just after ``optimizer.step()``.

    Healthy: about 1e-3. cs231n (Neural Networks Part 3, "Ratio of weights:updates") gives this
    rule of thumb: much lower and the learning rate is probably too low (the weights crawl), much
    higher and it is probably too high (each step rewrites a good part of the weights). Where
    "much" begins, the tools differ: TheDeepChecker flags updates with log10 outside [−4, −1],
    DeepDiagnosis ``lr·‖∂W‖/‖W‖`` outside [1e-5, 1e-1]; minnet's figures shade 1e-4..1e-2. The ratio is per layer: one layer far
    below the others while the rest look healthy points at that layer's gradient (vanishing, dead
    units), not at the learning rate.

    A weight that is exactly zero before the step (zero initialisation) gives ``inf`` if it moved
    and ``nan`` if it did not.

    >>> update_to_weight_ratio(np.array([3.0, 4.0]), np.array([3.0, 4.005]))   # 0.005 / 5
    0.001
    """
    b, a = _array("update_to_weight_ratio", before), _array("update_to_weight_ratio", after)
    if a.shape != b.shape:
        raise ValueError(f"update_to_weight_ratio: before has shape {b.shape} and after {a.shape}; "
                         "pass the same weight before and after one step")
    return norm_ratio(l2_norm(a.astype(np.float64) - b), l2_norm(b))


def norm_ratio(numerator: float, denominator: float) -> float:
    """``numerator / denominator`` for norms: inf when only the denominator is 0, NaN when both are."""
    if denominator == 0:
        return math.inf if numerator > 0 else math.nan
    return numerator / denominator


def l2_norm(a) -> float:
    """‖a‖₂ over every entry, as a Python float; NaN stays NaN.

    The sum of squares is one BLAS dot product (fast, and accurate to about 1e-7 relative in
    float32); float32 squares overflow past ~1e19, so a huge but finite array is redone in float64
    and reports its true norm instead of inf.
    """
    flat = np.ravel(a)
    with np.errstate(over="ignore", invalid="ignore"):
        sq = float(np.dot(flat, flat))
    if math.isinf(sq) and np.isfinite(flat).all():
        flat = flat.astype(np.float64)
        sq = float(np.dot(flat, flat))
    return math.sqrt(sq)


def grad_zero_fraction(grad) -> float:
    """Fraction of gradient entries that are exactly 0.

    It tells apart causes of a loss that does not move. A small learning rate leaves gradients
    small but not zero (fraction ≈ 0); dead ReLUs zero the gradient of their units' weights, so the
    fraction rises to about the dead fraction of the layer's outputs; an operation with zero
    derivative in the path (round, a clip beyond its range, argmax, comparisons) or a graph cut by
    ``detach()`` makes every entry 0 (fraction 1, gradient norm 0).

    Healthy: near 0 for dense layers with smooth or leaky activations; ReLU nets show some exact
    zeros (units inactive for the whole batch). AUTOTRAINER reports dying ReLU when ≥ 70 % of
    gradient entries are exactly 0. ``None`` (a parameter that got no gradient at all) counts as
    all zeros.

    >>> grad_zero_fraction(np.array([[0.0, 1e-9], [0.0, -2.0]]))
    0.5
    """
    if grad is None:
        return 1.0
    g = _array("grad_zero_fraction", grad)
    if g.size == 0:
        raise ValueError(f"grad_zero_fraction: got an empty array of shape {g.shape}")
    return float(np.count_nonzero(g == 0) / g.size)
