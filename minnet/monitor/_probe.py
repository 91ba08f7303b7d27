"""Looking at a model and its data without changing either: the tools preflight and diagnose share.

* :func:`untouched`: a block after which the model's weights, buffers, gradients and train/eval
  mode, and minnet's random stream, are exactly as before (bit for bit).
* :func:`arrays`: ``(X, y)`` arrays from a pair or a loader.
* :func:`trace`: one forward pass that records every leaf module's output in the order they ran.
* :func:`kind`: what a module is, in the words the rules use ("relu", "squash", "softmax", ...).
"""
from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import Any, Iterator

import numpy as np

from .. import _random
from .. import nn
from ..autograd import Tensor, no_grad
from ..train import as_pair
from ..train.batching import as_input, param_dtype

RELU_FAMILY = (nn.ReLU, nn.LeakyReLU, nn.ELU, nn.GELU)
NORMS = (nn.BatchNorm1D, nn.BatchNorm2D)


def kind(module) -> str:
    """ "relu" (ReLU family), "sigmoid", "tanh", "softmax", "logsoftmax", "weight" (a layer with
    weights: Dense, Conv), "norm" (batch norm), "dropout", or "other"."""
    if isinstance(module, RELU_FAMILY):
        return "relu"
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
    if isinstance(module, nn.Dropout):
        return "dropout"
    if isinstance(getattr(module, "weight", None), Tensor):
        return "weight"
    return "other"


@contextlib.contextmanager
def untouched(model) -> Iterator[None]:
    """Run a block that may train, draw random numbers or change modes, then put everything back:
    parameters and buffers (values and arrays), gradients, every module's training flag, and the
    state of minnet's generator."""
    rng = _random.get_rng()
    rng_state = rng.bit_generator.state
    params = list(model.parameters())
    saved = [(p, p.data, p.data.copy(), p.grad) for p in params]
    buffers = [(m, name, m.__dict__[name], np.array(m.__dict__[name], copy=True))
               for m in model.modules() for name in m._buffers if m.__dict__.get(name) is not None]
    modes = [(m, m.training) for m in model.modules()]
    try:
        yield
    finally:
        for p, array, values, grad in saved:
            array[...] = values                 # the same array object, in case an optimizer holds it
            p.data, p.grad = array, grad
        for m, name, array, values in buffers:
            if isinstance(array, np.ndarray) and array.shape == values.shape:
                array[...] = values
            object.__setattr__(m, name, array)
        for m, mode in modes:
            object.__setattr__(m, "training", mode)
        rng.bit_generator.state = rng_state


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
    """One leaf module's output in a traced forward pass."""

    name: str
    module: Any
    kind: str
    output: np.ndarray


def trace(model, X: np.ndarray, training: bool = True, grad: bool = False):
    """Run ``model`` on ``X`` once and return ``(output Tensor, [Layer, ...])`` in the order the leaf
    modules ran. Call inside :func:`untouched` when ``training`` (batch norm updates its running
    statistics and dropout draws random numbers in training mode)."""
    layers: list[Layer] = []
    handles = []
    for name, module in model.named_modules():
        if next(module.children(), None) is not None:
            continue                                        # containers: their children report
        def hook(m, inputs, out, name=name):
            if isinstance(out, Tensor):
                layers.append(Layer(name or type(m).__name__, m, kind(m), out.data))
        handles.append(module.register_forward_hook(hook))
    model.train(training)
    try:
        with (contextlib.nullcontext() if grad else no_grad()):
            out = model(as_input(X, param_dtype(model)))
    finally:
        for h in handles:
            h.remove()
    return out, layers


def final_layer(layers: list[Layer], out: Tensor) -> Layer | None:
    """The leaf module whose output *is* the model's output (None if the forward ended outside a module)."""
    for layer in reversed(layers):
        if layer.output is out.data:
            return layer
    return None


def weight_layers(model) -> list[tuple[str, Any]]:
    """``(name, module)`` of every layer with a weight (not batch norm), in registration order."""
    return [(name or type(m).__name__, m) for name, m in model.named_modules() if kind(m) == "weight"]


def units(weight: np.ndarray, module) -> np.ndarray:
    """The incoming weights of each unit as rows: Dense's (in, out) weight gives its columns;
    a conv's (out, in, ...) weight gives one row per filter."""
    if isinstance(module, nn.Dense):
        return weight.T
    return weight.reshape(weight.shape[0], -1)
