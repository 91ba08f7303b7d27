"""``backward()``: walk the graph from the loss to the leaves, applying the chain rule.

The walk is iterative (no Python recursion), so a chain of thousands of ops works. Gradients
flowing into a tensor from several branches are added up before that tensor's own op runs its
backward, which is exactly the multivariable chain rule: dL/dx = sum over uses of x.
"""
from __future__ import annotations

import numpy as np

from . import version


def _topological_order(root) -> list:
    """Tensors reachable from ``root`` that require grad, each after all of its inputs."""
    # Sets and dicts here hold the tensors themselves: a Tensor hashes by identity, and no two live
    # tensors share a hash, so its elementwise == is never called (and no id() call is needed).
    order, visited = [], set()
    stack = [(root, False)]
    while stack:
        node, inputs_done = stack.pop()
        if inputs_done:
            order.append(node)
            continue
        if node in visited:
            continue
        visited.add(node)
        ctx = node._ctx
        if ctx is None:                   # a leaf has no inputs, so it is done at once (the same
            order.append(node)            # place in the order as pushing it and popping it again)
            continue
        stack.append((node, True))
        for parent in ctx.parents:
            if parent is not None and parent.requires_grad and parent not in visited:
                stack.append((parent, False))
    return order


def run_backward(root, grad: np.ndarray, retain_graph: bool = False) -> None:
    """Accumulate d(root)/d(leaf), scaled by ``grad``, into ``.grad`` of every leaf below ``root``."""
    order = _topological_order(root)
    pending = {root: grad}                # gradients waiting to reach a tensor, keyed by the tensor
    for node in reversed(order):          # the loss first, each node before its inputs
        g = pending.pop(node, None)
        if g is None:
            continue
        for hook in node._hooks:
            replaced = hook(g)
            if replaced is not None:
                g = np.asarray(replaced)
        if node._ctx is None or node._retains_grad:
            node._accumulate_grad(g)
        ctx = node._ctx
        if ctx is None:
            continue
        if ctx._freed:
            raise RuntimeError(
                f"backward through the graph a second time: the buffers of {ctx.fn.__name__} "
                "were freed after the first backward(). Call backward(retain_graph=True) the "
                "first time if you need to backpropagate through the same graph twice.")
        if ctx._clock and ctx._clock < version.latest_event:
            version.check_saved(ctx, node)     # refuse if an array it saved changed since its forward
        for parent, pg in zip(ctx.parents, ctx.fn._input_grads(ctx, g)):
            if pg is None:
                continue
            pending[parent] = pending[parent] + pg if parent in pending else pg
        pg = None       # let go of the last gradient, so that a leaf can take it over (Tensor._accumulate_grad)
        if not retain_graph:
            if ctx._clock:
                version.release_saved(ctx, node)
            ctx._free()
