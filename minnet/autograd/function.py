"""``Function``: one differentiable operation, its forward and its backward side by side.

Every built-in op in minnet is a ``Function`` subclass, and students write their own the same way::

    class Square(mn.Function):
        @staticmethod
        def forward(ctx, x):               # x is a NumPy array
            ctx.save_for_backward(x)
            return x * x

        @staticmethod
        def backward(ctx, grad):           # grad = dL/d(output), same shape as the output
            (x,) = ctx.saved_tensors
            return 2 * x * grad            # dL/dx = dL/dy * dy/dx

    y = Square.apply(t)                    # t is a Tensor; y is a Tensor that remembers Square

``backward`` returns one gradient per positional input of ``forward`` (``None`` for inputs that are
not differentiable). It may return a gradient in the *broadcast* shape of the output: ``apply``
reduces it back to each input's shape in one place (:func:`unbroadcast`), so no op does that by hand.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from .grad_mode import is_grad_enabled
from .version import mark_saved

_detect_anomaly = False
_Tensor = None   # set by tensor.py (the Tensor class imports this module, so it cannot be imported here)


class Context:
    """What one op remembers between its forward and its backward.

    ``forward`` may store arrays with :meth:`save_for_backward` and any other value as an attribute
    (``ctx.axis = axis``). ``needs_input_grad[i]`` tells ``backward`` whether input ``i`` wants a
    gradient, so expensive gradients nobody needs can be skipped.
    """

    __slots__ = ("fn", "parents", "needs_input_grad", "_saved", "_freed", "_clock", "_inputs", "__dict__")

    def __init__(self, fn: type, parents: tuple, needs_input_grad: tuple | None = None) -> None:
        self.fn = fn
        self.parents = parents
        self.needs_input_grad = tuple(p is not None and p.requires_grad for p in parents) \
            if needs_input_grad is None else needs_input_grad
        self._saved: tuple = ()
        self._freed = False
        self._clock = 0       # when it joined a graph having saved arrays (version.py checks them)

    def save_for_backward(self, *arrays: Any) -> None:
        """Keep arrays needed by ``backward`` (read them back from :attr:`saved_tensors`)."""
        self._saved = arrays

    @property
    def saved_tensors(self) -> tuple:
        return self._saved

    def _free(self) -> None:
        # Like PyTorch without retain_graph=True: the saved arrays go, and a second backward
        # through this node is refused instead of silently using stale buffers.
        self._saved = ()
        self.__dict__.clear()
        self._freed = True
        self._inputs = ()


def unbroadcast(grad: np.ndarray, shape: tuple, op_name: str = "op") -> np.ndarray:
    """Sum ``grad`` over the axes that broadcasting added or stretched, giving an array of ``shape``.

    If ``y = x + b`` with ``x`` of shape (32, 10) and ``b`` of shape (10,), then ``b`` was used 32
    times, and dL/db is the sum of the 32 rows of dL/dy. Leading axes that broadcasting prepended
    are summed away; axes where ``shape`` has size 1 are summed with ``keepdims``.
    """
    grad = np.asarray(grad)
    if grad.shape == shape:
        return grad
    extra = grad.ndim - len(shape)
    if extra > 0:
        grad = grad.sum(axis=tuple(range(extra)))
    if grad.ndim == len(shape):
        stretched = tuple(i for i, n in enumerate(shape) if n == 1 and grad.shape[i] != 1)
        if stretched:
            grad = grad.sum(axis=stretched, keepdims=True)
    if grad.shape != shape:
        try:  # an op may hand back an unexpanded gradient (e.g. a scalar); spread it out
            grad = np.broadcast_to(grad, shape)
        except ValueError:
            raise RuntimeError(
                f"{op_name}.backward returned a gradient of shape {grad.shape} for an input of "
                f"shape {shape}; a gradient must have the input's shape (or a shape that "
                f"broadcasts to the output)") from None
    return grad


class Function:
    """Base class of every differentiable op. Subclasses define ``forward`` and ``backward``."""

    @staticmethod
    def forward(ctx: Context, *args: Any, **kwargs: Any) -> np.ndarray:  # pragma: no cover
        raise NotImplementedError

    @staticmethod
    def backward(ctx: Context, grad: np.ndarray) -> Any:  # pragma: no cover
        raise NotImplementedError

    @classmethod
    def apply(cls, *args: Any, **kwargs: Any):
        """Run ``forward`` on the arrays inside ``args`` and wrap the result in a Tensor.

        Tensors among ``args`` become graph parents; anything else (numbers, arrays, index tuples)
        is passed through as a constant. Keyword arguments are never differentiated, and neither is
        a result that is not floating point (indices, booleans).
        """
        parents, arrays, needs = [], [], []          # one plain loop: this runs for every op
        for a in args:
            if isinstance(a, _Tensor):
                parents.append(a)
                arrays.append(a._data)
                needs.append(a.requires_grad)
            else:
                parents.append(None)
                arrays.append(a)
                needs.append(False)
        ctx = Context(cls, tuple(parents), tuple(needs))
        out = cls.forward(ctx, *arrays, **kwargs)
        if type(out) is not np.ndarray:
            out = np.asarray(out)
        if _detect_anomaly:
            _check_finite(out, f"the forward of {cls.__name__}")
        result = _Tensor._from_op(out)
        # Only floating-point results carry gradients: an index (argmax) or a boolean has none.
        if any(needs) and is_grad_enabled() and out.dtype.kind == "f":
            result.requires_grad = True
            result._ctx = ctx
            if ctx._saved:
                mark_saved(ctx, arrays, result)
        return result

    @classmethod
    def _input_grads(cls, ctx: Context, grad: np.ndarray) -> list:
        """Call ``backward`` and bring each gradient back to its input's shape and dtype."""
        grads = cls.backward(ctx, grad)
        if not isinstance(grads, tuple):
            grads = (grads,)
        if len(grads) != len(ctx.parents):
            raise RuntimeError(
                f"{cls.__name__}.backward returned {len(grads)} gradient(s) but forward took "
                f"{len(ctx.parents)} input(s); return one per input (None for constants)")
        out = []
        for parent, g in zip(ctx.parents, grads):
            if parent is None or not parent.requires_grad or g is None:
                out.append(None)
                continue
            data = parent._data
            if type(g) is not np.ndarray or g.shape != data.shape:      # most gradients already fit
                g = unbroadcast(g, data.shape, cls.__name__)
            if g.dtype != data.dtype:
                g = g.astype(data.dtype)
            if _detect_anomaly:
                _check_finite(g, f"the backward of {cls.__name__}")
            out.append(g)
        return out


def _check_finite(a: np.ndarray, where: str) -> None:
    if a.dtype.kind == "f" and not np.all(np.isfinite(a)):
        n_nan, n_inf = int(np.isnan(a).sum()), int(np.isinf(a).sum())
        raise FloatingPointError(
            f"anomaly detected: {n_nan} NaN and {n_inf} inf value(s) first appeared in {where} "
            f"(output shape {a.shape})")


class detect_anomaly:
    """Context manager: check every op's output and gradient for NaN/inf and name the first op
    that produced one (slower; use it to find where a loss blew up).

    >>> with mn.detect_anomaly():
    ...     loss = model(x).log().mean()   # FloatingPointError: ... first appeared in the forward of Log
    """

    def __enter__(self):
        global _detect_anomaly
        self._previous = _detect_anomaly
        _detect_anomaly = True
        return self

    def __exit__(self, *exc):
        global _detect_anomaly
        _detect_anomaly = self._previous
        return False
