"""Where the gradient goes in one backward pass: which parameters get none, and which op cut it.

minnet owns its autograd, so instead of only noticing that a gradient is zero it can walk the graph
and name the op that stopped it: the op whose output received a non-zero gradient while every input
it has received exactly zero (a round, sign or floor: derivative 0 almost everywhere; a clip whose
every element was outside its bounds; a comparison). A parameter that is not in the graph at all was
cut off before the loss (``detach()``, ``.data``, ``.numpy()``, an argmax or a NumPy function).
"""
from __future__ import annotations

import math

import numpy as np

from ..autograd import Tensor
from ..train.batching import as_input, param_dtype
from .findings import Finding
from .instruments import dead_fraction
from .rules import value as T


def _graph_nodes(root: Tensor) -> list[Tensor]:
    """Every tensor in the graph below ``root`` that requires grad (iteratively, each once)."""
    seen, stack, nodes = set(), [root], []
    while stack:
        t = stack.pop()
        if id(t) in seen:
            continue
        seen.add(id(t))
        nodes.append(t)
        if t._ctx is not None:
            stack.extend(p for p in t._ctx.parents if p is not None and p.requires_grad)
    return nodes


def cutting_ops(loss: Tensor) -> list[str]:
    """Backward ``loss`` and return the names of the ops that received a non-zero gradient but passed
    exactly zero to every input (empty if none). Gradients accumulate into the leaves as usual."""
    nodes = _graph_nodes(loss)
    grads: dict[int, np.ndarray] = {}
    for t in nodes:
        if t._ctx is not None:
            t.register_hook(lambda g, key=id(t): grads.__setitem__(key, g))
    loss.backward()
    ops = []
    for t in nodes:
        ctx = t._ctx
        g = grads.get(id(t))
        if ctx is None or g is None or not np.any(g):
            continue
        inputs = [p for p in ctx.parents if p is not None and p.requires_grad]
        received = [grads.get(id(p)) if p._ctx is not None else p.grad for p in inputs]
        if inputs and all(r is None or not np.any(r) for r in received):
            ops.append(ctx.fn.__name__)
    return sorted(set(ops))


def check_one_step(model, loss_fn, probe: tuple, layers: list) -> list[Finding]:
    """One forward/backward on the probe batch: parameters with exactly zero gradient (naming the op or
    the cut), and the gradient scale of the first weight layer against the last."""
    X, y = probe
    params = dict(model.named_parameters())
    for p in params.values():
        p.grad = None
    model.train()
    out = model(as_input(X, param_dtype(model)))
    with np.errstate(all="ignore"):
        loss = loss_fn(out, y)
    if not isinstance(loss, Tensor) or not loss.requires_grad:
        return [Finding(
            "zero_gradient", "error",
            "The loss does not depend on any parameter: the graph was cut between the model and the loss "
            "(an argmax, .data, .numpy(), detach(), or a NumPy function applied to a Tensor), so backward() "
            "has nothing to reach and no weight can ever change.", {"graph": "cut"})]
    if not math.isfinite(float(loss.item())):
        return []
    ops = cutting_ops(loss)
    found = []
    dead_after = _dead_layers_after(model, layers)
    weights = {n: p for n, p in params.items() if n.endswith("weight") and p.ndim >= 2}
    missing = [n for n, p in weights.items() if p.grad is None]
    zero = [n for n, p in weights.items() if p.grad is not None and not np.any(p.grad)
            and n.rpartition(".")[0] not in dead_after]
    if weights and len(zero) + len(missing) == len(weights):
        cause = (f"the op(s) {', '.join(ops)} passed no gradient back (derivative 0 almost everywhere)" if ops
                 else "no weight is in the graph of the loss" if missing else "every path to the loss is flat")
        found.append(Finding(
            "zero_gradient", "error",
            f"Every weight gets exactly zero gradient: {cause}. The loss can never move.",
            {"ops": ops, "zero": zero, "not_in_graph": missing}))
    elif missing or zero:
        first = (missing or zero)[0]
        why = ("are not in the graph of the loss (cut by detach(), .data or a NumPy function?)" if missing
               else f"get exactly zero gradient{' (cut by ' + ', '.join(ops) + ')' if ops else ''}")
        found.append(Finding(
            "zero_gradient", "warning",
            f"The weights of {', '.join((missing + zero)[:6])} {why}: those layers will never learn.",
            {"ops": ops, "zero": zero, "not_in_graph": missing}, layer=first.rpartition(".")[0] or None))
    found += _gradient_scale(weights)
    return found


def _dead_layers_after(model, layers: list) -> set[str]:
    """Weight layers next to a ReLU layer whose every unit is dead: the one feeding it (its units pass
    no gradient back) and the one reading it (its input is all zeros). Their zero gradient is the dead
    units' doing, reported as dead_relu."""
    names = set()
    for i, layer in enumerate(layers):
        if layer.role != "relu" or dead_fraction(layer.output) < 1.0:
            continue
        before = [l.name for l in layers[:i] if l.role == "weight"][-1:]
        after = [l.name for l in layers[i + 1:] if l.role == "weight"][:1]
        names.update(before + after)
    return names


def _gradient_scale(weights: dict) -> list[Finding]:
    """First weight layer's gradient norm against the last's, at initialization."""
    norms = [(n, float(np.linalg.norm(p.grad))) for n, p in weights.items() if p.grad is not None]
    if len(norms) < 3 or norms[-1][1] == 0 or not all(math.isfinite(v) for _, v in norms):
        return []
    (first, g1), (last, gL) = norms[0], norms[-1]
    ratio = g1 / gL
    if ratio < T("vanishing_ratio"):
        return [Finding(
            "vanishing_gradients", "warning",
            f"At initialization the gradient of {first} is {ratio:.2g} times that of {last} "
            f"({g1:.3g} against {gL:.3g}): the first layers will barely learn.",
            {"first": first, "last": last, "first_norm": g1, "last_norm": gL, "ratio": ratio,
             "norms": norms}, layer=first.rpartition(".")[0] or None)]
    if ratio > T("exploding_ratio"):
        return [Finding(
            "exploding_gradients", "warning",
            f"At initialization the gradient of {first} is {ratio:.3g} times that of {last} "
            f"({g1:.3g} against {gL:.3g}): it grows on its way back through the layers.",
            {"first": first, "last": last, "first_norm": g1, "last_norm": gL, "ratio": ratio,
             "norms": norms}, layer=first.rpartition(".")[0] or None)]
    return []
