"""Snapshots at the current weights, without training: how activations and gradients look right now.

    outs = mn.monitor.layer_outputs(model, X)                # {"0": array, "1": array, ...}
    stats = mn.monitor.activation_stats(model, X)            # {"1": {"mean": .., "std": .., "dead_fraction": ..}, ...}
    grads = mn.monitor.gradient_stats(model, loss_fn, X, y)  # {"0": {"grad_norm": .., "weight_norm": .., ...}, ...}

Each runs one forward pass on ``X`` (``gradient_stats`` also a backward pass) and leaves no trace:
the weights, the buffers (BatchNorm's running statistics), every parameter's existing ``.grad``,
each module's train/eval mode and minnet's random stream (dropout draws from it) are exactly as
they were, bit for bit (:func:`untouched`). The pass runs in the model's current mode unless
``training=`` says otherwise: a fresh model is in training mode, as ``fit`` would see it.
"""
from __future__ import annotations

import contextlib
from typing import Any, Iterator

import numpy as np

from .. import _random
from ..autograd import enable_grad, no_grad
from ..nn import Module
from ..train.batching import as_input, as_targets, param_dtype
from .layers import OutputCatcher, activation_record, candidate_layers, gradient_record, kind_of, own_weight


@contextlib.contextmanager
def untouched(model: Module) -> Iterator[None]:
    """Inside the block, use ``model`` freely; afterwards it is as it was, bit for bit.

    Restored: every parameter's values (in place, so optimizers keep pointing at the same arrays)
    and its ``.grad`` (the same array object, with its old values), every buffer, every module's
    ``training`` flag, and the state of minnet's random generator (``minnet._random.get_rng()``).
    """
    rng = _random.get_rng()
    rng_state = rng.bit_generator.state
    params = list(model.parameters())
    saved_params = [(p, p.data, p.data.copy(), p.grad) for p in params]
    saved_buffers = [(m, name, m.__dict__[name], np.array(m.__dict__[name], copy=True))
                     for m in model.modules() for name in m._buffers if m.__dict__[name] is not None]
    saved_modes = [(m, m.training) for m in model.modules()]
    for p in params:
        p.grad = None                       # backward() then writes fresh arrays, never into the old ones
    try:
        yield
    finally:
        for p, array, values, grad in saved_params:
            p.data = array
            array[...] = values
            p.grad = grad
        for m, name, array, values in saved_buffers:
            object.__setattr__(m, name, array)
            array[...] = values
        for m, training in saved_modes:
            object.__setattr__(m, "training", training)
        rng.bit_generator.state = rng_state


def _set_mode(model: Module, training: bool | None) -> None:
    if training is not None:
        model.train(bool(training))


def layer_outputs(model: Module, X: Any, training: bool | None = None) -> dict[str, np.ndarray]:
    """Every layer's output on one forward pass of ``X``: ``{layer: array}`` in forward order.

    The arrays are the ones the layers produced (not copies). Layers are named
    as ``model.named_modules()`` names them; see ``minnet.monitor.layers`` for which modules count.
    ``training`` as in :func:`activation_stats`; the model and minnet's random stream are left
    untouched (:func:`untouched`).
    """
    with untouched(model), OutputCatcher(model) as catcher, no_grad():
        _set_mode(model, training)
        model(as_input(X, param_dtype(model)))
        return dict(catcher.outputs)


def layer_kinds(model: Module) -> dict[str, str]:
    """``{layer: kind}`` for every layer of ``model`` (``"weight"``, ``"relu"``, ``"tanh"``, ...)."""
    return {name: kind_of(m) for name, m in candidate_layers(model)}


def activation_stats(model: Module, X: Any, training: bool | None = None) -> dict[str, dict[str, float]]:
    """Statistics of every layer's output on one forward pass of ``X``, in forward order.

    ``{layer: {"mean": ..., "std": ..., ["dead_fraction" | "saturated_fraction"]: ...}}``, with
    layers named as ``model.named_modules()`` names them. Every layer (every module without
    children, and any module owning a weight) is included, not only the activation layers: the
    output of a ``Dense`` or ``Conv2D`` (its pre-activation) shows how the scale grows or shrinks
    across depth before the nonlinearity squashes it. ``dead_fraction`` is given for ReLU-family
    layers, ``saturated_fraction`` for Tanh and Sigmoid layers (see ``mn.monitor.instruments``).
    Mean and std are over every element of the output (batch, units, positions), std with ddof 0.

    Reading it: the std should stay roughly the same from layer to layer (Glorot & Bengio 2010
    chose their initialisation to keep activation variance constant across depth; He et al. 2015
    did the same for ReLU). A std falling by orders of magnitude with depth means the signal
    vanishes (weights initialised too small); growing means it explodes (too large), and with
    tanh/sigmoid it shows as saturation instead. ``X`` is one batch: use enough samples (a few
    hundred) for the dead fraction to mean "never active".

    ``training``: ``None`` (default) keeps the model's mode, ``True``/``False`` runs the pass in
    training/eval mode. Nothing about the model or minnet's random stream changes (:func:`untouched`).
    """
    kinds = layer_kinds(model)
    return {name: activation_record(kinds[name], out) for name, out in layer_outputs(model, X, training).items()}


def gradient_stats(model: Module, loss_fn, X: Any, y: Any,
                   training: bool | None = None) -> dict[str, dict[str, float]]:
    """Gradient and weight norms of every layer with a weight, after one forward and backward pass.

    ``{layer: {"grad_norm": ‖∂L/∂W‖₂, "weight_norm": ‖W‖₂, "grad_zero_fraction": ...}}`` for each
    layer that owns a ``weight`` (``Dense``, ``Conv2D``, ``BatchNorm``, ...), in forward order, where
    ``L = loss_fn(model(X), y)`` on this one batch. Biases are left out (as in the ``Monitor``).

    Reading it: compare the layers. Healthy nets have gradient norms of the same order across
    depth (Glorot & Bengio 2010 designed their initialisation so back-propagated gradients keep
    their variance from layer to layer). The first layers' norms orders of magnitude below the last
    layer's is vanishing gradients (AUTOTRAINER: first/last ≤ 1e-3 with the first ≤ 1e-4);
    orders above, or NaN/inf, exploding gradients (AUTOTRAINER: ratio ≥ 70). ``grad_zero_fraction``
    near 1 means the gradient is cut (dead units or a zero-derivative op) rather than small;
    ``grad_norm / weight_norm`` times the learning rate predicts the update ratio of plain SGD
    (healthy ≈ 1e-3, cs231n).

    ``training``: as in :func:`activation_stats`. The model's ``.grad``s, weights, buffers, modes and
    minnet's random stream are left as they were (:func:`untouched`).
    """
    with untouched(model), OutputCatcher(model) as catcher, enable_grad():
        _set_mode(model, training)
        loss = loss_fn(model(as_input(X, param_dtype(model))), as_targets(y))
        loss.backward()
        weights = {name: own_weight(m) for name, m in catcher.layers if own_weight(m) is not None}
        # in forward order; a layer that never ran in this forward pass is not part of the network
        return {name: gradient_record(weights[name]) for name in catcher.outputs if name in weights}
