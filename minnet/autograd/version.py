"""Refusing a backward() whose saved arrays changed after the forward (PyTorch's version counter).

``backward()`` computes gradients from the arrays the forward saved (``ctx.save_for_backward``).
Many of them are the very arrays of tensors the user holds: ``y = x * w`` saves ``w``'s array to give
``dL/dx = dL/dy · w``. Change that array before ``backward()`` — ``w.data[...] = 5``, an
``optimizer.step()``, ``w.data = other`` — and the gradient is computed from numbers the forward
never used, or lands on a tensor that no longer holds them: silently wrong. So ``backward()``
refuses, naming the op and the tensor, as PyTorch does.

How it notices, at a few attribute updates per op (no copying in a normal training step):

* A clock orders events. When an op that saved arrays joins a graph, its Context remembers the time
  and its inputs' arrays, and each input and the output count one more graph that *holds* them
  (``_held``; the count drops when that op's backward has run).
* Changes minnet makes itself are stamped with the time: assigning ``t.data = other``, and
  ``optimizer.step()``, which writes through :meth:`Tensor._writable_data`.
* Everything else writes through the NumPy array, which cannot be watched. Its only way out is
  ``t.data`` (also ``t.numpy()``, ``np.asarray(t)``): when that hands the array out while a graph
  holds it, a copy is kept first (``_snapshot``). A training step (forward, backward, then step)
  reads no ``.data`` in between, so it never copies.
* Before an op's backward, for each input and the output that changed or was handed out after its
  forward, the saved arrays that are that tensor's array are compared with the snapshot, or the
  change is reported: a RuntimeError that names the op, the tensor and what changed it.

Cost: an op that saves arrays updates two counters per input and output at its forward and at its
backward, and its backward compares one number with ``latest_event``; the per-tensor comparisons
run only after a change or a hand-out. In ``benchmarks/``' overhead-only step (an 8-8-8-2 MLP on 4
samples, six such ops) that is about 4% of the step. Copies happen only when ``.data`` is read while
a graph holds the array, e.g. between a forward and its backward, or after a forward that is never
backpropagated (an evaluation run with gradients on holds its arrays: later reads copy once per forward).

Limits (what it cannot see, and why):

* a write through an array obtained *before* the forward: ``a = w.data`` (or ``w = mn.Tensor(a)``,
  which wraps ``a`` without a copy), then the forward, then ``a[...] = 5``. The forward could not
  know that ``a`` was already out;
* a write through another tensor that shares the memory (``w.detach()``, ``w[0]``, ``w.reshape(...)``):
  each tensor is watched on its own;
* an op that saves a copy of its input, or a view of only part of it (``x[0]``): the saved arrays
  checked are an input's or the output's own array, or a view of all of it (``x.reshape(-1, n)``);
* a NumPy array given to an op as a constant (``t * arr``) and changed afterwards: it is no tensor.
"""
from __future__ import annotations

import itertools
from typing import Any

import numpy as np

_clock = itertools.count(1)    # orders forwards and changes: "did this happen after that forward?"
latest_event = 0               # time of the latest change or hand-out of a held array: an op whose
                               # forward came later has nothing to check (the usual case)


# The fields each Tensor carries for this (class-level defaults in Tensor, so a new tensor pays nothing):
#   _held                    graphs not yet backpropagated that may need the tensor's array
#   _saved_at                time of the latest such forward
#   _snapshot, _snapshot_at  a copy made when .data was handed out while held, and when
#   _changed_at, _changed_by the latest change minnet made itself, and what made it


def mark_saved(ctx: Any, inputs: list, result: Any) -> None:
    """``Function.apply``: an op that saved arrays joined a graph; its inputs and output are held."""
    now = ctx._clock = next(_clock)
    ctx._inputs = inputs
    for p in ctx.parents:
        if p is not None:
            p._held += 1
            p._saved_at = now
    result._held += 1
    result._saved_at = now


def hand_out(t: Any) -> None:
    """``t.data``: the array is about to leave. If a graph holds it, keep a copy (once per forward)."""
    global latest_event
    if t._held and t._snapshot_at < t._saved_at:
        t._snapshot = t._data.copy()
        t._snapshot_at = latest_event = next(_clock)


def note_change(t: Any, changed_by: str) -> None:
    """minnet itself changed ``t``'s array (replaced it, or is about to write into it)."""
    global latest_event
    if t._held:
        t._changed_at = latest_event = next(_clock)
        t._changed_by = changed_by
        t._snapshot = None


def check_saved(ctx: Any, node: Any) -> None:
    """Before ``ctx``'s backward: raise if an array it saved changed since its forward.

    The engine calls it only when something happened after that forward (``ctx._clock < latest_event``).
    """
    then = ctx._clock
    for index, p in enumerate(ctx.parents):
        if p is not None and (p._changed_at > then or p._snapshot_at > then):
            _check(ctx, p, ctx._inputs[index], f"its input {index} ({_describe(p)})")
    if node._changed_at > then or node._snapshot_at > then:
        _check(ctx, node, node._data, "its own output")


def release_saved(ctx: Any, node: Any) -> None:
    """After ``ctx``'s backward, when its buffers go: one graph fewer holds its inputs and output."""
    for p in ctx.parents:
        if p is not None:
            p._held -= 1
            if not p._held:
                p._snapshot = None
    node._held -= 1
    if not node._held:
        node._snapshot = None


def _saves(ctx: Any, array: np.ndarray) -> bool:
    """Did the op save ``array`` itself, or a view of all of it (``x.reshape(-1, n)``, ``x.T``)?"""
    return any(s is array or (isinstance(s, np.ndarray) and s.base is not None and s.size == array.size
                              and np.may_share_memory(s, array)) for s in ctx._saved)


def _check(ctx: Any, t: Any, array: np.ndarray, what: str) -> None:
    """``array`` was ``t``'s array at the forward; complain if the op saved it and it changed."""
    if not _saves(ctx, array):
        return                          # the op's backward does not read this array
    then = ctx._clock
    if t._changed_at > then:
        how = t._changed_by
    elif t._snapshot is not None and t._snapshot_at > then and not np.array_equal(
            t._snapshot, array, equal_nan=array.dtype.kind == "f"):
        how = ("its values were changed in place (by writing into .data: t.data[...] = ..., t.data -= ..., "
               "or a NumPy function given t.data as out=)")
    else:
        return
    raise RuntimeError(
        f"backward(): {ctx.fn.__name__} saved {what} of shape {array.shape} for its backward, and {how} after "
        f"the forward pass, so the gradient would no longer match the values the forward used. Change a "
        f"tensor's values only after backward() (loss.backward(), then optimizer.step()), or run the forward "
        f"again after the change.")


def _describe(t: Any) -> str:
    if type(t).__name__ == "Parameter":
        return "a Parameter"
    if t._ctx is not None:
        return f"the output of {t._ctx.fn.__name__}"
    return "a leaf tensor that requires grad" if t.requires_grad else "a tensor that does not require grad"
