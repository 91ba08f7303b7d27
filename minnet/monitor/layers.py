"""Which modules of a model the instruments watch, what kind each is, and how their outputs are caught.

**The layers.** Every module of ``model.named_modules()`` that has no children (``Dense``, ``ReLU``,
``Dropout``, ``Flatten``, ...) plus any module that owns a ``weight`` parameter itself (a custom
module with its own weight and children). Containers (``Sequential``, ``Residual``, a plain
``Module`` that only calls its children) are not layers: a ``Sequential``'s output is its last
layer's output, and what they do is seen in their children. Layers are named as
``named_modules()`` names them (``"0"``, ``"block.1"``; a model that is itself one layer is ``""``)
and listed in forward order: the order in which their outputs are produced in a forward pass.

**The kinds** (:func:`kind_of`), which decide the metrics a layer gets:

* ``"weight"``: owns a parameter named ``weight`` (``Dense``, ``Conv1D``/``Conv2D``, ``BatchNorm``);
  gets ``grad_norm``, ``weight_norm``, ``update_ratio`` and ``grad_zero_fraction``.
* ``"relu"``: ``ReLU`` and its family ``LeakyReLU``, ``ELU``, ``GELU``; gets ``dead_fraction``
  (≤ 0 counts as inactive, see :func:`~minnet.monitor.instruments.dead_fraction`).
* ``"tanh"``, ``"sigmoid"``: ``Tanh``, ``Sigmoid``; gets ``saturated_fraction`` of that kind.
* ``"other"``: anything else (pooling, ``Flatten``, ``Dropout``, ``Softmax``, ...).

Every layer gets ``act_mean`` and ``act_std`` of its output.
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..nn import ELU, GELU, LeakyReLU, Module, ReLU, Sigmoid, Tanh
from .instruments import dead_fraction, grad_zero_fraction, l2_norm, saturated_fraction

RELU_FAMILY = (ReLU, LeakyReLU, ELU, GELU)

# metric -> the kinds of layer it is recorded for (None: every layer)
METRIC_KINDS: dict[str, tuple[str, ...] | None] = {
    "grad_norm": ("weight",),
    "weight_norm": ("weight",),
    "update_ratio": ("weight",),
    "grad_zero_fraction": ("weight",),
    "act_mean": None,
    "act_std": None,
    "dead_fraction": ("relu",),
    "saturated_fraction": ("tanh", "sigmoid"),
}


def own_weight(module: Module):
    """The module's own parameter named ``weight`` (not a child's), or None."""
    if "weight" in getattr(module, "_parameters", {}):
        return module.__dict__.get("weight")
    return None


def kind_of(module: Module) -> str:
    """``"weight"``, ``"relu"``, ``"tanh"``, ``"sigmoid"`` or ``"other"`` (see the module docstring)."""
    if own_weight(module) is not None:
        return "weight"
    if isinstance(module, RELU_FAMILY):
        return "relu"
    if isinstance(module, Tanh):
        return "tanh"
    if isinstance(module, Sigmoid):
        return "sigmoid"
    return "other"


def applies(metric: str, kind: str) -> bool:
    """Whether ``metric`` is recorded for a layer of this kind."""
    kinds = METRIC_KINDS[metric]
    return kinds is None or kind in kinds


def candidate_layers(model: Module) -> list[tuple[str, Module]]:
    """``(name, module)`` of every layer of ``model`` in ``named_modules()`` order (not yet forward order)."""
    if not isinstance(model, Module):
        raise TypeError(f"the instruments need a minnet nn.Module (they use forward hooks), got "
                        f"{type(model).__name__}")
    return [(name, m) for name, m in model.named_modules()
            if next(m.named_children(), None) is None or own_weight(m) is not None]


class OutputCatcher:
    """Forward hooks on every layer of a model; while ``armed``, each layer's latest output is kept.

    ``outputs`` maps layer name to the output array, in the order the layers produced them (a layer
    called twice keeps its first place and its last output). While disarmed a hook only reads one
    attribute, so leaving the catcher on a model costs next to nothing. ``remove()`` takes the hooks off.
    """

    def __init__(self, model: Module) -> None:
        self.layers = candidate_layers(model)
        self.armed = False
        self.outputs: dict[str, np.ndarray] = {}
        self._handles = [m.register_forward_hook(self._hook(name)) for name, m in self.layers]

    def _hook(self, name: str):
        def hook(module, inputs, output):
            if self.armed:
                data = getattr(output, "data", None)
                if isinstance(data, np.ndarray):
                    self.outputs[name] = data
        return hook

    def remove(self) -> None:
        for handle in self._handles:
            handle.remove()
        self._handles = []

    def __enter__(self) -> "OutputCatcher":
        self.armed = True
        return self

    def __exit__(self, *exc) -> None:
        self.armed = False
        self.remove()


# Above this mean**2 / var, E[a**2] - mean**2 loses too many digits (float32 sums carry ~1e-7
# relative error, magnified by the ratio), and the mean is subtracted first instead.
_CANCELLATION = 50.0


def mean_std(a: np.ndarray) -> tuple[float, float]:
    """Mean and standard deviation (ddof 0) over every element, as Python floats; NaN/inf propagate.

    Computed as mean = Σa/n and var = Σa²/n − mean² with two fast vectorised passes (a BLAS dot for
    Σa²), which costs a fraction of ``np.std``; when the mean dwarfs the spread, or a sum
    overflowed, it is redone exactly in float64 with the mean subtracted first.
    """
    flat = np.ravel(a)
    if flat.dtype.kind != "f":
        flat = flat.astype(np.float64)
    n = flat.size
    with np.errstate(over="ignore", invalid="ignore"):
        mean = float(np.einsum("i->", flat)) / n
        var = float(np.dot(flat, flat)) / n - mean * mean
    if not (math.isfinite(var) and var >= 0 and mean * mean <= _CANCELLATION * var):
        with np.errstate(over="ignore", invalid="ignore"):
            exact = flat.astype(np.float64)
            mean = float(exact.mean())
            var = float(np.mean(np.square(exact - mean)))
    return mean, math.sqrt(var) if var >= 0 else math.nan


def activation_record(kind: str, out: np.ndarray) -> dict[str, float]:
    """``mean`` and ``std`` (over every element) of one layer's output, plus ``dead_fraction`` for a
    ReLU-family layer or ``saturated_fraction`` for a tanh/sigmoid layer."""
    mean, std = mean_std(out)
    record = {"mean": mean, "std": std}
    if kind == "relu":
        record["dead_fraction"] = dead_fraction(out)
    elif kind in ("tanh", "sigmoid"):
        record["saturated_fraction"] = saturated_fraction(out, kind)
    return record


def gradient_record(weight: Any) -> dict[str, float]:
    """``grad_norm`` = ‖∂L/∂W‖₂, ``weight_norm`` = ‖W‖₂ and ``grad_zero_fraction`` of one layer's weight.

    A weight that got no gradient (``.grad is None``: the backward pass never reached it) counts
    as an all-zero gradient: norm 0, zero fraction 1.
    """
    grad = weight.grad
    return {"grad_norm": 0.0 if grad is None else l2_norm(grad),
            "weight_norm": l2_norm(weight.data),
            "grad_zero_fraction": grad_zero_fraction(grad)}
