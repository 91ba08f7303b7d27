"""``Tensor``: a NumPy array that remembers how it was computed, so gradients can flow back.

A tensor made by the user is a *leaf*; a tensor made by an op keeps a reference to that op's
:class:`~minnet.autograd.function.Context`, which links to the op's inputs. ``loss.backward()``
walks those links (see ``engine.py``) and adds dL/d(leaf) into each leaf's ``.grad``.
"""
from __future__ import annotations

import sys
from typing import Any

import numpy as np

from . import function, ops
from .dtype import get_default_dtype
from .engine import run_backward


def _refcount_inside_a_method() -> int:
    """sys.getrefcount of an array that only the caller's local variable holds, seen inside a method
    it is passed to: what :meth:`Tensor._accumulate_grad` sees for a gradient nobody else holds.
    Measured rather than assumed, as the count depends on the interpreter (0, never adopt, off CPython)."""
    class Probe:
        def take(self, g):
            return sys.getrefcount(g)
    local = np.empty(1)
    return Probe().take(local) if sys.implementation.name == "cpython" else 0


_UNSHARED_REFCOUNT = _refcount_inside_a_method()


def _as_array(data: Any, dtype) -> np.ndarray:
    """NumPy arrays keep their dtype; Python numbers and lists of floats get the default dtype."""
    if isinstance(data, Tensor):
        data = data.data
    if dtype is not None:
        return np.asarray(data, dtype=dtype)
    if isinstance(data, (np.ndarray, np.generic)):
        return np.asarray(data)
    arr = np.asarray(data)
    if arr.dtype.kind == "f":
        arr = arr.astype(get_default_dtype())
    elif arr.dtype.kind not in "biu":
        raise TypeError(f"Tensor: cannot make a tensor from {type(data).__name__} with dtype {arr.dtype}")
    return arr


class Tensor:
    """An n-dimensional array with automatic differentiation.

    >>> x = mn.Tensor([1.0, 2.0, 3.0], requires_grad=True)
    >>> (x * x).sum().backward()
    >>> x.grad                    # d(sum x^2)/dx = 2x
    array([2., 4., 6.], dtype=float32)
    """

    __array_ufunc__ = None      # make `ndarray + Tensor` call Tensor.__radd__ instead of NumPy
    __array_priority__ = 1000

    def __init__(self, data: Any, requires_grad: bool = False, dtype=None) -> None:
        self.data: np.ndarray = _as_array(data, dtype)
        self.grad: np.ndarray | None = None
        self._ctx = None
        self._hooks: list = []
        self._retains_grad = False
        self.requires_grad = False
        if requires_grad:
            self.requires_grad_(True)

    @classmethod
    def _from_op(cls, data: np.ndarray) -> "Tensor":
        t = cls.__new__(cls)
        t.data, t.grad, t._ctx, t._hooks, t._retains_grad, t.requires_grad = data, None, None, [], False, False
        return t

    # ---- basic properties -------------------------------------------------------------------
    @property
    def shape(self) -> tuple:
        return self.data.shape

    @property
    def dtype(self) -> np.dtype:
        return self.data.dtype

    @property
    def ndim(self) -> int:
        return self.data.ndim

    @property
    def size(self) -> int:
        return self.data.size

    @property
    def is_leaf(self) -> bool:
        """True for tensors made by the user (not by an op); only leaves get ``.grad`` by default."""
        return self._ctx is None

    def __len__(self) -> int:
        if self.data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return len(self.data)

    def __repr__(self) -> str:
        body = np.array2string(self.data, separator=", ", prefix="tensor(")
        extra = ""
        if self.data.dtype != get_default_dtype():
            extra += f", dtype={self.data.dtype}"
        if self._ctx is not None:
            extra += f", grad_fn={self._ctx.fn.__name__}"
        elif self.requires_grad:
            extra += ", requires_grad=True"
        return f"tensor({body}{extra})"

    __hash__ = object.__hash__   # == is elementwise, as in NumPy and PyTorch

    def __bool__(self) -> bool:
        if self.data.size != 1:
            raise ValueError(f"the truth value of a tensor with {self.data.size} elements is ambiguous; "
                             "use .any() or .all() on .numpy()")
        return bool(self.data)

    # ---- autograd -------------------------------------------------------------------------
    def requires_grad_(self, flag: bool = True) -> "Tensor":
        if flag and self.data.dtype.kind != "f":
            raise TypeError(f"only floating-point tensors can require gradients, this one is {self.data.dtype}")
        if not flag and self._ctx is not None:
            raise RuntimeError("requires_grad can only be switched off on a leaf tensor; use .detach()")
        self.requires_grad = flag
        return self

    def backward(self, grad: Any = None, retain_graph: bool = False) -> None:
        """Compute d(self)/d(leaf) for every leaf that requires grad and add it into ``leaf.grad``.

        ``grad`` is dL/d(self); it may be omitted only when ``self`` holds a single number (a loss).
        Gradients accumulate across calls, as in PyTorch: call ``zero_grad()`` between steps.
        """
        if not self.requires_grad:
            raise RuntimeError(
                "backward() called on a tensor that does not require grad: none of the tensors it "
                "was computed from has requires_grad=True, or it was computed inside mn.no_grad()")
        if grad is None:
            if self.data.size != 1:
                raise RuntimeError(
                    f"backward() without a gradient works only on a single number (a loss), but this "
                    f"tensor has shape {self.data.shape}; reduce it first (e.g. .sum() or .mean()) or "
                    f"pass backward(grad) with an array of shape {self.data.shape}")
            g = np.ones_like(self.data)
        else:
            g = np.asarray(grad.data if isinstance(grad, Tensor) else grad, dtype=self.data.dtype)
            if g.shape != self.data.shape:
                raise ValueError(f"backward(grad): grad has shape {g.shape} but the tensor has shape "
                                 f"{self.data.shape}; they must match")
        run_backward(self, g, retain_graph)

    def _accumulate_grad(self, g: np.ndarray) -> None:
        if self.grad is None:
            # Take g over when nothing else holds it (a gradient a kernel just made), as PyTorch's
            # AccumulateGrad does, instead of copying every gradient after each zero_grad(). Anything
            # shared (the caller's array, one array handed to two inputs, a view) is copied, so that
            # .grad never aliases other memory.
            if (sys.getrefcount(g) <= _UNSHARED_REFCOUNT and type(g) is np.ndarray and g.base is None
                    and g.dtype == self.data.dtype and g.flags.writeable):
                self.grad = g
            else:
                self.grad = np.array(g, dtype=self.data.dtype, copy=True)
        else:
            self.grad += g

    def retain_grad(self) -> "Tensor":
        """Also keep ``.grad`` on this non-leaf tensor after ``backward()`` (to inspect it)."""
        self._retains_grad = True
        return self

    def register_hook(self, fn) -> None:
        """Call ``fn(grad)`` when the gradient w.r.t. this tensor is computed; a non-None return replaces it."""
        self._hooks.append(fn)

    def zero_grad(self) -> None:
        """Forget the accumulated gradient (``.grad = None``)."""
        self.grad = None

    def detach(self) -> "Tensor":
        """A tensor sharing this data but cut from the graph (no gradient flows through it)."""
        return Tensor._from_op(self.data)

    def numpy(self) -> np.ndarray:
        """The underlying NumPy array (shared, not copied)."""
        return self.data

    def __array__(self, dtype=None, copy=None) -> np.ndarray:
        """Let NumPy functions (``np.asarray(t)``, ``np.shape(t)``) see the data; no gradient flows."""
        if dtype is not None and np.dtype(dtype) != self.data.dtype:
            return self.data.astype(dtype)
        return self.data.copy() if copy else self.data

    def item(self) -> float:
        """The value of a one-element tensor as a Python number."""
        if self.data.size != 1:
            raise ValueError(f"item() needs a tensor with one element, this one has shape {self.data.shape}")
        return self.data.item()

    def astype(self, dtype) -> "Tensor":
        """A copy converted to ``dtype``; gradients flow back converted to this tensor's dtype."""
        return ops.Cast.apply(self, dtype=np.dtype(dtype))

    def float(self) -> "Tensor":
        return self.astype(np.float32)

    def double(self) -> "Tensor":
        return self.astype(np.float64)

    # ---- arithmetic -------------------------------------------------------------------------
    def __add__(self, other): return ops.Add.apply(self, other)
    def __radd__(self, other): return ops.Add.apply(other, self)
    def __sub__(self, other): return ops.Sub.apply(self, other)
    def __rsub__(self, other): return ops.Sub.apply(other, self)
    def __mul__(self, other): return ops.Mul.apply(self, other)
    def __rmul__(self, other): return ops.Mul.apply(other, self)
    def __truediv__(self, other): return ops.Div.apply(self, other)
    def __rtruediv__(self, other): return ops.Div.apply(other, self)
    def __pow__(self, other): return ops.Pow.apply(self, other)
    def __rpow__(self, other): return ops.Pow.apply(other, self)
    def __matmul__(self, other): return ops.MatMul.apply(self, other)
    def __rmatmul__(self, other): return ops.MatMul.apply(other, self)
    def __neg__(self): return ops.Neg.apply(self)
    def __pos__(self): return self

    # comparisons give boolean tensors and carry no gradient
    def _compare(self, other, ufunc) -> "Tensor":
        return Tensor._from_op(ufunc(self.data, other.data if isinstance(other, Tensor) else other))

    def __lt__(self, other): return self._compare(other, np.less)
    def __le__(self, other): return self._compare(other, np.less_equal)
    def __gt__(self, other): return self._compare(other, np.greater)
    def __ge__(self, other): return self._compare(other, np.greater_equal)
    def __eq__(self, other): return self._compare(other, np.equal)
    def __ne__(self, other): return self._compare(other, np.not_equal)

    def __getitem__(self, index): return ops.GetItem.apply(self, index=_plain_index(index))

    # ---- reductions ---------------------------------------------------------------------------
    def sum(self, axis=None, keepdims: bool = False): return ops.Sum.apply(self, axis=axis, keepdims=keepdims)
    def mean(self, axis=None, keepdims: bool = False): return ops.Mean.apply(self, axis=axis, keepdims=keepdims)
    def max(self, axis=None, keepdims: bool = False): return ops.Max.apply(self, axis=axis, keepdims=keepdims)

    def min(self, axis=None, keepdims: bool = False):
        """Smallest value along ``axis`` (computed as ``-max(-x)``, so ties share the gradient)."""
        return -(-self).max(axis=axis, keepdims=keepdims)

    def argmax(self, axis=None) -> np.ndarray:
        """Index of the largest value (a NumPy array; indices carry no gradient)."""
        return np.argmax(self.data, axis=axis)

    # ---- elementwise maths ----------------------------------------------------------------------
    def exp(self): return ops.Exp.apply(self)
    def log(self): return ops.Log.apply(self)
    def sqrt(self): return ops.Sqrt.apply(self)
    def tanh(self): return ops.Tanh.apply(self)
    def sigmoid(self): return ops.Sigmoid.apply(self)
    def relu(self): return ops.ReLU.apply(self)
    def abs(self): return ops.Abs.apply(self)
    def clip(self, min=None, max=None): return ops.Clip.apply(self, min=min, max=max)

    # ---- shape ---------------------------------------------------------------------------------
    def reshape(self, *shape):
        if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
            shape = tuple(shape[0])
        return ops.Reshape.apply(self, shape=shape)

    def transpose(self, *axes):
        if len(axes) == 1 and isinstance(axes[0], (tuple, list)):
            axes = tuple(axes[0])
        return ops.Transpose.apply(self, axes=axes or None)

    @property
    def T(self): return ops.Transpose.apply(self, axes=None)

    def flatten(self, start_axis: int = 0):
        """Merge the axes from ``start_axis`` on into one (``start_axis=1`` keeps the batch axis)."""
        start = start_axis % max(self.ndim, 1)
        return self.reshape(self.shape[:start] + (-1,))


function._Tensor = Tensor   # let Function.apply wrap results without a circular import


def _plain_index(index):
    """Replace tensors inside an index by their arrays (indices carry no gradient)."""
    if isinstance(index, Tensor):
        return index.data
    if isinstance(index, tuple):
        return tuple(i.data if isinstance(i, Tensor) else i for i in index)
    return index


def tensor(data: Any, requires_grad: bool = False, dtype=None) -> Tensor:
    """Make a tensor (same as ``Tensor(data, requires_grad, dtype)``)."""
    return Tensor(data, requires_grad=requires_grad, dtype=dtype)
