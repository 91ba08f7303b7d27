"""Looking at a model and its data without changing either: what preflight and diagnose share.

* :func:`arrays`: ``(X, y)`` arrays from a pair or a loader.
* :func:`trace`: one forward pass that records every layer's output in the order they ran, and the
  model's output (run it inside :func:`~minnet.monitor.snapshots.untouched`).
* :func:`role`: what a module is in the words of the rules. It is finer than the monitor's
  :func:`~minnet.monitor.layers.kind_of`: a plain ``ReLU`` (whose units can die: derivative exactly
  0) is told apart from LeakyReLU/ELU/GELU (which always pass some gradient), a final Softmax
  is named, and batch norm is not a layer of weights across depth.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from .. import nn
from ..autograd import Tensor, no_grad
from ..train import as_pair
from ..train.batching import as_input, param_dtype
from .layers import OutputCatcher, own_weight

NORMS = (nn.BatchNorm1D, nn.BatchNorm2D)


def role(module) -> str:
    """ "relu" (plain ReLU), "leaky" (LeakyReLU, ELU, GELU), "sigmoid", "tanh", "softmax",
    "logsoftmax", "norm" (batch norm), "weight" (Dense, Conv: a layer of weights), or "other"."""
    if isinstance(module, nn.ReLU):
        return "relu"
    if isinstance(module, (nn.LeakyReLU, nn.ELU, nn.GELU)):
        return "leaky"
    if isinstance(module, nn.Sigmoid):
        return "sigmoid"
    if isinstance(module, nn.Tanh):
        return "tanh"
    if isinstance(module, nn.Softmax):
        return "softmax"
    if isinstance(module, nn.LogSoftmax):
        return "logsoftmax"
    if isinstance(module, NORMS):
        return "norm"
    if own_weight(module) is not None:
        return "weight"
    return "other"


def arrays(data: Any, role: str = "training", limit: int | None = None) -> tuple[np.ndarray, np.ndarray] | None:
    """``(X, y)`` from an ``(X, y)`` pair, a DataLoader (its ``X``/``y``), or batches of any other
    loader (concatenated, up to ``limit`` samples). None if ``data`` is None."""
    if data is None:
        return None
    pair = as_pair(role, data, who="mn.monitor")
    if pair is not None:
        X, y = pair
    elif getattr(data, "X", None) is not None and getattr(data, "y", None) is not None:
        X, y = np.asarray(data.X), np.asarray(data.y)
    else:
        xs, ys, n = [], [], 0
        for xb, yb in data:
            xs.append(np.asarray(xb.data if isinstance(xb, Tensor) else xb))
            ys.append(np.asarray(yb.data if isinstance(yb, Tensor) else yb))
            n += len(xs[-1])
            if limit is not None and n >= limit:
                break
        X, y = np.concatenate(xs), np.concatenate(ys)
    if limit is not None:
        X, y = X[:limit], y[:limit]
    return X, y


@dataclass
class Layer:
    """One layer's output in a traced forward pass."""

    name: str
    module: Any
    role: str
    output: np.ndarray


def trace(model, X: np.ndarray, training: bool = True) -> tuple[Tensor, list[Layer]]:
    """Run ``model`` on ``X`` once, without a graph, and return ``(output Tensor, [Layer, ...])`` in the
    order the layers produced their outputs. In training mode batch norm updates its running
    statistics and dropout draws random numbers: call it inside ``untouched(model)``."""
    modules = dict(model.named_modules())
    model.train(training)
    with OutputCatcher(model) as catcher, no_grad():
        out = model(as_input(X, param_dtype(model)))
    layers = [Layer(name or type(modules[name]).__name__, modules[name], role(modules[name]), a)
              for name, a in catcher.outputs.items()]
    return out, layers


def final_layer(layers: list[Layer], out: Tensor) -> Layer | None:
    """The leaf module whose output *is* the model's output (None if the forward ended outside a module)."""
    for layer in reversed(layers):
        if layer.output is out.data:
            return layer
    return None


def weight_layers(model) -> list[tuple[str, Any]]:
    """``(name, module)`` of every layer of weights (Dense, Conv; not batch norm), in registration order."""
    return [(name or type(m).__name__, m) for name, m in model.named_modules() if role(m) == "weight"]


def units(weight: np.ndarray, module) -> np.ndarray:
    """The incoming weights of each unit as rows: Dense's (in, out) weight gives its columns;
    a conv's (out, in, ...) weight gives one row per filter."""
    if isinstance(module, nn.Dense):
        return weight.T
    return weight.reshape(weight.shape[0], -1)
