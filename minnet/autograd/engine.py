"""``backward()``: walk the graph from the loss to the leaves, applying the chain rule.

Gradients flowing into a tensor from several branches are added up before that tensor's own op
runs its backward, which is exactly the multivariable chain rule: dL/dx = sum over uses of x.

When is a tensor's gradient complete? Once every op that used it has passed its share down. Every
op output is numbered in the order the forward pass made it (``Tensor._seq``), and an op always
runs after its inputs exist, so the ops that used a tensor all have larger numbers than the
tensor itself. The walk therefore takes the tensors newest first (a heap keyed on the number, as
PyTorch's engine does): by the time a tensor comes up, nothing newer is left to contribute. Leaves
(numbered 0) come last. The walk is a loop, not a recursion, so a chain of thousands of ops works.
"""
from __future__ import annotations

from heapq import heappop, heappush

import numpy as np

from . import version


def run_backward(root, grad: np.ndarray, retain_graph: bool = False) -> None:
    """Accumulate d(root)/d(leaf), scaled by ``grad``, into ``.grad`` of every leaf below ``root``."""
    pending = {id(root): grad}                     # gradients received so far, by tensor
    heap = [(-root._seq, id(root), root)]          # tensors with a pending gradient, newest on top
    while heap:
        _, key, node = heappop(heap)
        g = pending.pop(key)
        for hook in node._hooks:
            replaced = hook(g)
            if replaced is not None:
                g = np.asarray(replaced)
        ctx = node._ctx
        if ctx is None or node._retains_grad:
            node._accumulate_grad(g)
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
            key = id(parent)
            if key in pending:
                pending[key] = pending[key] + pg
            else:
                pending[key] = pg
                heappush(heap, (-parent._seq, key, parent))
        pg = None       # let go of the last gradient, so that a leaf can take it over (Tensor._accumulate_grad)
        if not retain_graph:
            if ctx._clock:
                version.release_saved(ctx, node)
            ctx._free()
