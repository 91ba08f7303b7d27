"""``Tensor``: a NumPy array that remembers how it was computed, so gradients can flow back.

A tensor made by the user is a *leaf*; a tensor made by an op keeps a reference to that op's
:class:`~minnet.autograd.function.Context`, which links to the op's inputs. ``loss.backward()``
walks those links (see ``engine.py``) and adds dL/d(leaf) into each leaf's ``.grad``.
"""
from __future__ import annotations

import sys
from typing import Any

import numpy as np

from . import function, numpy_interop, ops
from .dtype import check_numeric, get_default_dtype
from .engine import run_backward
from .ops._checks import normalize_axis
from .version import hand_out, note_change


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
    """NumPy arrays keep their dtype; Python numbers and lists of floats get the default dtype.

    Only numbers make a tensor (bool, integer or floating point): anything else is refused here,
    where the mistake was made, rather than as a confusing error inside some later op.
    """
    if isinstance(data, Tensor):
        data = data._data
    elif isinstance(data, (list, tuple)) and any(isinstance(d, Tensor) for d in data):
        if any(isinstance(d, Tensor) and d.requires_grad for d in data):
            raise TypeError("Tensor: got a list of tensors that require grad; mn.Tensor([...]) would copy "
                            "their numbers and cut them from the graph. Use mn.stack([...]) (or "
                            "mn.concatenate) to join tensors and keep their gradients.")
        data = [d._data if isinstance(d, Tensor) else d for d in data]
    if isinstance(data, (np.ndarray, np.generic)):
        arr = np.asarray(data)
    else:
        try:
            arr = np.asarray(data)
        except ValueError as e:     # NumPy refuses a ragged list such as [[1, 2], [3]]
            raise TypeError(f"Tensor: cannot make a tensor from a ragged nested list (rows of different "
                            f"lengths); every row must have the same length ({e})") from None
        if arr.dtype.kind == "f" and dtype is None:
            arr = arr.astype(get_default_dtype())
    check_numeric(arr, "Tensor")
    return arr if dtype is None else arr.astype(dtype, copy=False)


class Tensor:
    """An n-dimensional array with automatic differentiation.

    >>> x = mn.Tensor([1.0, 2.0, 3.0], requires_grad=True)
    >>> (x * x).sum().backward()
    >>> x.grad                    # d(sum x^2)/dx = 2x
    array([2., 4., 6.], dtype=float32)
    """

    __array_priority__ = 1000
    # what version.py keeps to refuse a backward() whose saved arrays changed (class defaults: free)
    _held = _saved_at = _snapshot_at = _changed_at = 0
    _snapshot: np.ndarray | None = None
    _changed_by = ""

    def __init__(self, data: Any, requires_grad: bool = False, dtype=None) -> None:
        self._data: np.ndarray = _as_array(data, dtype)
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
        t._data, t.grad, t._ctx, t._hooks, t._retains_grad, t.requires_grad = data, None, None, [], False, False
        return t

    # ---- the numbers ------------------------------------------------------------------------
    @property
    def data(self) -> np.ndarray:
        """The numbers: a NumPy array, shared, not copied. Change them only after ``backward()``: a graph
        that saved them would compute a wrong gradient, so ``backward()`` refuses (see version.py)."""
        if self._held:
            hand_out(self)
        return self._data

    @data.setter
    def data(self, value: np.ndarray) -> None:
        """Swap in another array (no gradient flows through the swap). A graph that saved the old
        array refuses to backpropagate: its gradient would belong to numbers the tensor no longer has."""
        value = np.asarray(value)
        if value is self._data:       # `t.data += 1` writes in place, then assigns the same array back
            return
        check_numeric(value, "Tensor.data")
        note_change(self, "its .data was replaced by another array")
        self._data = value

    def _writable_data(self, changed_by: str) -> np.ndarray:
        """The array, for minnet code about to change it in place (``optimizer.step()``): a graph that
        saved it then refuses to backpropagate, naming ``changed_by``, instead of using the new values."""
        if self._held:
            note_change(self, f"it was updated in place by {changed_by}")
        return self._data

    # ---- basic properties -------------------------------------------------------------------
    @property
    def shape(self) -> tuple:
        return self._data.shape

    @property
    def dtype(self) -> np.dtype:
        return self._data.dtype

    @property
    def ndim(self) -> int:
        return self._data.ndim

    @property
    def size(self) -> int:
        return self._data.size

    @property
    def is_leaf(self) -> bool:
        """True for tensors made by the user (not by an op); only leaves get ``.grad`` by default."""
        return self._ctx is None

    def __len__(self) -> int:
        if self._data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return len(self._data)

    def __repr__(self) -> str:
        body = np.array2string(self._data, separator=", ", prefix="tensor(")
        extra = ""
        if self._data.dtype != get_default_dtype():
            extra += f", dtype={self._data.dtype}"
        if self._ctx is not None:
            extra += f", grad_fn={self._ctx.fn.__name__}"
        elif self.requires_grad:
            extra += ", requires_grad=True"
        return f"tensor({body}{extra})"

    __hash__ = object.__hash__   # == is elementwise, as in NumPy and PyTorch

    def __bool__(self) -> bool:
        if self._data.size != 1:
            raise ValueError(f"the truth value of a tensor with {self._data.size} elements is ambiguous; "
                             "use .any() or .all() on .numpy()")
        return bool(self._data)

    # ---- autograd -------------------------------------------------------------------------
    def requires_grad_(self, flag: bool = True) -> "Tensor":
        if flag and self._data.dtype.kind != "f":
            raise TypeError(f"only floating-point tensors can require gradients, this one is {self._data.dtype}")
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
            if self._data.size != 1:
                raise RuntimeError(
                    f"backward() without a gradient works only on a single number (a loss), but this "
                    f"tensor has shape {self._data.shape}; reduce it first (e.g. .sum() or .mean()) or "
                    f"pass backward(grad) with an array of shape {self._data.shape}")
            g = np.array(1, self._data.dtype).reshape(self._data.shape)     # dself/dself = 1
        else:
            g = np.asarray(grad._data if isinstance(grad, Tensor) else grad, dtype=self._data.dtype)
            if g.shape != self._data.shape:
                raise ValueError(f"backward(grad): grad has shape {g.shape} but the tensor has shape "
                                 f"{self._data.shape}; they must match")
        run_backward(self, g, retain_graph)

    def _accumulate_grad(self, g: np.ndarray) -> None:
        if self.grad is None:
            # Take g over when nothing else holds it (a gradient a kernel just made), as PyTorch's
            # AccumulateGrad does, instead of copying every gradient after each zero_grad(). Anything
            # shared (the caller's array, one array handed to two inputs, a view) is copied, so that
            # .grad never aliases other memory.
            if (sys.getrefcount(g) <= _UNSHARED_REFCOUNT and type(g) is np.ndarray and g.base is None
                    and g.dtype == self._data.dtype and g.flags.writeable):
                self.grad = g
            else:
                self.grad = np.array(g, dtype=self._data.dtype, copy=True)
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
        return Tensor._from_op(self._data)

    def numpy(self) -> np.ndarray:
        """The underlying NumPy array (shared, not copied), like ``.data``."""
        return self.data

    # ---- NumPy on a Tensor (numpy_interop.py says which functions keep the graph) ----------------
    def __array__(self, dtype=None, copy=None) -> np.ndarray:
        """``np.asarray(t)`` and ``np.array(t)``: the numbers, without the graph."""
        if dtype is not None and np.dtype(dtype) != self._data.dtype:
            return self._data.astype(dtype)
        return self._data.copy() if copy else self.data

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        """``np.exp(t)``, and ``ndarray + t``: minnet's op where it has one (graph kept)."""
        return numpy_interop.array_ufunc(ufunc, method, inputs, kwargs)

    def __array_function__(self, func, types, args, kwargs):
        """``np.sum(t)``, ``np.round(t)``, ...: minnet's op where it has one, else a clear refusal."""
        return numpy_interop.array_function(func, args, kwargs)

    def item(self) -> float:
        """The value of a one-element tensor as a Python number."""
        if self._data.size != 1:
            raise ValueError(f"item() needs a tensor with one element, this one has shape {self._data.shape}")
        return self._data.item()

    def tolist(self) -> Any:
        """The values as (nested) Python lists of numbers."""
        return self._data.tolist()

    def __float__(self) -> float:
        return float(self.item())

    def __int__(self) -> int:
        return int(self.item())

    def __index__(self) -> int:
        """An integer one-element tensor can index a list or an array, as in PyTorch."""
        if self._data.dtype.kind not in "iu":
            raise TypeError(f"only integer tensors can be used as an index, this one is {self._data.dtype}")
        return int(self.item())

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
        return Tensor._from_op(ufunc(self._data, other._data if isinstance(other, Tensor) else other))

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

    def argmax(self, axis=None, keepdims: bool = False):
        """Index of the largest value along ``axis`` (of the flattened tensor when None): an int64 tensor
        without gradient, as in PyTorch."""
        return ops.ArgMax.apply(self, axis=axis, keepdims=keepdims)

    def argmin(self, axis=None, keepdims: bool = False):
        """Index of the smallest value along ``axis``: an int64 tensor without gradient."""
        return ops.ArgMin.apply(self, axis=axis, keepdims=keepdims)

    # ---- elementwise maths ----------------------------------------------------------------------
    def exp(self): return ops.Exp.apply(self)
    def log(self): return ops.Log.apply(self)
    def sqrt(self): return ops.Sqrt.apply(self)
    def tanh(self): return ops.Tanh.apply(self)
    def sigmoid(self): return ops.Sigmoid.apply(self)
    def relu(self): return ops.ReLU.apply(self)
    def abs(self): return ops.Abs.apply(self)
    def clip(self, min=None, max=None): return ops.Clip.apply(self, min=min, max=max)
    __abs__ = abs

    # piecewise constant: gradient 0 (see ops/piecewise.py)
    def round(self, decimals: int = 0): return ops.Round.apply(self, decimals=decimals)
    def floor(self): return ops.Floor.apply(self)
    def ceil(self): return ops.Ceil.apply(self)
    def sign(self): return ops.Sign.apply(self)

    def __round__(self, ndigits=None): return self.round(ndigits or 0)   # round(t) gives a tensor, as in PyTorch
    __floor__ = floor
    __ceil__ = ceil

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

    def squeeze(self, axis=None):
        """Drop the axes of size 1 (only among ``axis``, an int or a tuple, when given; as in PyTorch,
        a given axis of another size is left alone)."""
        axes = range(self.ndim) if axis is None else normalize_axis(axis, self.ndim, "squeeze")
        drop = {a for a in axes if self.shape[a] == 1}
        return self.reshape(tuple(n for i, n in enumerate(self.shape) if i not in drop))

    def unsqueeze(self, axis: int):
        """Insert an axis of size 1 at position ``axis`` (``np.expand_dims``)."""
        if not -self.ndim - 1 <= axis <= self.ndim:
            raise ValueError(f"unsqueeze: axis {axis} is out of range for a tensor with {self.ndim} "
                             f"dimension(s) (from {-self.ndim - 1} to {self.ndim})")
        shape = list(self.shape)
        shape.insert(axis % (self.ndim + 1), 1)
        return self.reshape(tuple(shape))

    def flatten(self, start_axis: int = 0):
        """Merge the axes from ``start_axis`` on into one (``start_axis=1`` keeps the batch axis)."""
        start = start_axis % max(self.ndim, 1)
        return self.reshape(self.shape[:start] + (-1,))


function._Tensor = Tensor   # let Function.apply wrap results without a circular import


def _plain_index(index):
    """Replace tensors inside an index by their arrays (indices carry no gradient)."""
    if isinstance(index, Tensor):
        return index._data
    if isinstance(index, tuple):
        return tuple(i._data if isinstance(i, Tensor) else i for i in index)
    return index


def tensor(data: Any, requires_grad: bool = False, dtype=None) -> Tensor:
    """Make a tensor (same as ``Tensor(data, requires_grad, dtype)``)."""
    return Tensor(data, requires_grad=requires_grad, dtype=dtype)
