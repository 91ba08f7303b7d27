"""What NumPy's functions do with a Tensor: run minnet's op, work on the numbers, or say what to call.

A Tensor is not an ndarray, but NumPy lets a class take over its functions: ufuncs such as
``np.exp`` and the operators of ``ndarray + t`` through ``__array_ufunc__`` (NEP 13), and the rest,
such as ``np.sum``, through ``__array_function__`` (NEP 18). ``Tensor`` hands both to this module,
which answers in one of three ways:

1. **minnet has the op**: it runs and keeps the graph. ``np.exp(t)`` is ``t.exp()``, ``np.sum(t, axis=0)``
   is ``t.sum(axis=0)``, ``np.round(t)`` is ``t.round()``, ``ndarray + t`` is ``Add``, ``np.maximum(t, 0)`` is
   ``mn.maximum(t, 0)``. These return Tensors (comparisons return boolean Tensors, as ``t < 0`` does).
2. **the answer needs no gradient**: it is computed on the numbers and returned as NumPy returns it.
   That covers functions whose result has no gradient at all (``np.shape``, ``np.isfinite``,
   ``np.allclose``, ``np.argsort``, ...) and every other function when no gradient is wanted: no
   tensor among the arguments requires grad, or the call runs inside ``mn.no_grad()``.
3. **otherwise** (``np.sin(t)`` with ``t.requires_grad``): a TypeError that says what to call instead.
   NumPy would compute the numbers and silently drop the graph, and the missing gradient would only
   show much later, as a puzzling error at ``backward()`` or a weight that never learns.

``np.asarray(t)`` and ``np.array(t)`` always give the numbers, through ``Tensor.__array__``.
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

from . import function, ops
from .grad_mode import is_grad_enabled

_UNSET: Any = object()     # "not given": tells NumPy's optional arguments apart from their defaults


class _Unsupported(Exception):
    """NumPy arguments that minnet's version of a function does not take (the message lists them)."""


def _none_given(**arguments: Any) -> None:
    given = [name for name, value in arguments.items() if value is not _UNSET]
    if given:
        raise _Unsupported(", ".join(f"{name}=" for name in given))


def _is_tensor(x: Any) -> bool:
    return isinstance(x, function._Tensor)


def _tensor(a: Any):
    """The tensor a method-style function works on (``np.sum(t)`` is ``t.sum()``)."""
    if not _is_tensor(a):
        raise _Unsupported("a NumPy array as its first argument")
    return a


def _numbers(x: Any) -> Any:
    """``x`` with every Tensor replaced by its array (inside lists, tuples and dicts too)."""
    if _is_tensor(x):
        return x.data
    if isinstance(x, (list, tuple)):
        return type(x)(_numbers(v) for v in x)
    if isinstance(x, dict):
        return {k: _numbers(v) for k, v in x.items()}
    return x


def _wants_grad(x: Any) -> bool:
    """True if a graph would be built: grad mode is on and some tensor in ``x`` requires grad."""
    if _is_tensor(x):
        return x.requires_grad and is_grad_enabled()
    if isinstance(x, (list, tuple)):
        return any(_wants_grad(v) for v in x)
    if isinstance(x, dict):
        return any(_wants_grad(v) for v in x.values())
    return False


# ---- ufuncs: np.exp(t), ndarray + t, np.maximum(t, 0), ... ------------------------------------------

_UFUNC_OPS: dict[np.ufunc, type] = {
    np.add: ops.Add, np.subtract: ops.Sub, np.multiply: ops.Mul, np.true_divide: ops.Div, np.power: ops.Pow,
    np.matmul: ops.MatMul, np.maximum: ops.Maximum, np.negative: ops.Neg, np.exp: ops.Exp, np.log: ops.Log,
    np.sqrt: ops.Sqrt, np.tanh: ops.Tanh, np.absolute: ops.Abs, np.sign: ops.Sign, np.floor: ops.Floor,
    np.ceil: ops.Ceil, np.rint: ops.Round,
}
_UFUNC_COMPOSED: dict[np.ufunc, Callable] = {
    np.positive: lambda x: x,
    np.square: lambda x: ops.Mul.apply(x, x),
    np.minimum: lambda a, b: ops.Neg.apply(ops.Maximum.apply(ops.Neg.apply(a), ops.Neg.apply(b))),
}
_COMPARISONS = {np.less, np.less_equal, np.greater, np.greater_equal, np.equal, np.not_equal}
_NO_GRADIENT_UFUNCS = {np.isfinite, np.isnan, np.isinf, np.signbit, np.logical_not, np.logical_and,
                       np.logical_or, np.logical_xor}
_UFUNC_HINTS = {
    np.log1p: "(x + 1).log()", np.expm1: "x.exp() - 1", np.reciprocal: "1 / x", np.exp2: "2 ** x",
    np.log2: "x.log() / np.log(2)", np.log10: "x.log() / np.log(10)", np.fmax: "mn.maximum(a, b)",
    np.floor_divide: "(a / b).floor() (its gradient is 0)", np.fabs: "x.abs()",
}


def array_ufunc(ufunc: np.ufunc, method: str, inputs: tuple, kwargs: dict) -> Any:
    """``Tensor.__array_ufunc__``: see the module docstring for the three possible answers."""
    if method == "__call__" and not kwargs:
        if ufunc in _COMPARISONS:
            return function._Tensor._from_op(ufunc(*_numbers(inputs)))
        if ufunc in _UFUNC_OPS:
            return _UFUNC_OPS[ufunc].apply(*inputs)
        if ufunc in _UFUNC_COMPOSED:
            return _UFUNC_COMPOSED[ufunc](*inputs)
    if ufunc in _NO_GRADIENT_UFUNCS or not _wants_grad((inputs, kwargs)):
        return getattr(ufunc, method)(*_numbers(inputs), **_numbers(kwargs))
    name = f"np.{ufunc.__name__}" + ("" if method == "__call__" else f".{method}")
    if method == "__call__" and (ufunc in _UFUNC_OPS or ufunc in _UFUNC_COMPOSED):
        instead = f"minnet runs {name} as its own op, but not with {', '.join(f'{k}=' for k in kwargs)}."
        if "out" in kwargs:
            instead += " Write the result to a new name instead (arr = arr + t gives a Tensor)."
    elif ufunc in _UFUNC_HINTS:
        instead = f"Use {_UFUNC_HINTS[ufunc]} instead."
    else:
        instead = _NO_OP
    raise TypeError(_refusal(name, instead))


# ---- other functions: np.sum(t), np.round(t), np.concatenate([...]), ... ------------------------------
# Each takes NumPy's arguments in NumPy's order; those minnet does not take default to _UNSET and
# are refused if given (so np.sum(t, dtype=...) is not silently computed without its dtype).


def _sum(a, axis=None, dtype=_UNSET, out=_UNSET, keepdims=False, initial=_UNSET, where=_UNSET):
    _none_given(dtype=dtype, out=out, initial=initial, where=where)
    return _tensor(a).sum(axis=axis, keepdims=keepdims)


def _mean(a, axis=None, dtype=_UNSET, out=_UNSET, keepdims=False, *, where=_UNSET):
    _none_given(dtype=dtype, out=out, where=where)
    return _tensor(a).mean(axis=axis, keepdims=keepdims)


def _max(a, axis=None, out=_UNSET, keepdims=False, initial=_UNSET, where=_UNSET):
    _none_given(out=out, initial=initial, where=where)
    return _tensor(a).max(axis=axis, keepdims=keepdims)


def _min(a, axis=None, out=_UNSET, keepdims=False, initial=_UNSET, where=_UNSET):
    _none_given(out=out, initial=initial, where=where)
    return _tensor(a).min(axis=axis, keepdims=keepdims)


def _argmax(a, axis=None, out=_UNSET, *, keepdims=False):
    _none_given(out=out)
    return _tensor(a).argmax(axis=axis, keepdims=keepdims)


def _argmin(a, axis=None, out=_UNSET, *, keepdims=False):
    _none_given(out=out)
    return _tensor(a).argmin(axis=axis, keepdims=keepdims)


def _round(a, decimals=0, out=_UNSET):
    _none_given(out=out)
    return _tensor(a).round(decimals)


def _clip(a, a_min=_UNSET, a_max=_UNSET, out=_UNSET, *, min=_UNSET, max=_UNSET, **kwargs):
    _none_given(out=out, **kwargs)
    lo = min if a_min is _UNSET else a_min           # NumPy 2.1 also names the bounds min= and max=
    hi = max if a_max is _UNSET else a_max
    return _tensor(a).clip(None if lo is _UNSET else lo, None if hi is _UNSET else hi)


def _reshape(a, shape=_UNSET, order="C", *, newshape=_UNSET, copy=_UNSET):
    _none_given(copy=copy, **({} if order == "C" else {"order": order}))
    return _tensor(a).reshape(newshape if shape is _UNSET else shape)


def _transpose(a, axes=None):
    return _tensor(a).transpose(axes) if axes is not None else _tensor(a).T


def _ravel(a, order="C"):
    _none_given(**({} if order == "C" else {"order": order}))
    return _tensor(a).reshape(-1)


def _squeeze(a, axis=None):
    return _tensor(a).squeeze(axis)


def _expand_dims(a, axis):
    return _tensor(a).unsqueeze(axis)


def _concatenate(arrays, axis=0, out=_UNSET, *, dtype=_UNSET, casting=_UNSET):
    _none_given(out=out, dtype=dtype, casting=casting, **({"axis": None} if axis is None else {}))
    return ops.Concatenate.apply(*arrays, axis=axis)


def _stack(arrays, axis=0, out=_UNSET, *, dtype=_UNSET, casting=_UNSET):
    _none_given(out=out, dtype=dtype, casting=casting)
    return ops.Stack.apply(*arrays, axis=axis)


def _where(condition, x=_UNSET, y=_UNSET):
    if x is _UNSET and y is _UNSET:      # np.where(cond) alone gives indices, which have no gradient
        return np.where(_numbers(condition))
    return ops.Where.apply(condition, x, y)


def _dot(a, b, out=_UNSET):
    _none_given(out=out)
    if np.ndim(a) == 0 or np.ndim(b) == 0:
        return ops.Mul.apply(a, b)
    if np.ndim(a) > 2 or np.ndim(b) > 2:
        raise _Unsupported("operands with more than 2 dimensions (use a @ b, NumPy's matmul rules)")
    return ops.MatMul.apply(a, b)


_FUNCTIONS: dict[Callable, Callable] = {
    np.sum: _sum, np.mean: _mean, np.max: _max, np.amax: _max, np.min: _min, np.amin: _min,
    np.argmax: _argmax, np.argmin: _argmin, np.round: _round, np.around: _round, np.clip: _clip,
    np.reshape: _reshape, np.transpose: _transpose, np.ravel: _ravel, np.squeeze: _squeeze,
    np.expand_dims: _expand_dims, np.concatenate: _concatenate, np.stack: _stack, np.where: _where,
    np.dot: _dot,
}
_NO_GRADIENT_FUNCTIONS = {
    np.shape, np.ndim, np.size, np.result_type, np.allclose, np.isclose, np.array_equal, np.array_equiv,
    np.count_nonzero, np.any, np.all, np.argsort, np.nonzero, np.flatnonzero, np.argwhere, np.unique,
    np.searchsorted, np.histogram, np.bincount, np.array2string, np.array_repr, np.array_str,
    np.shares_memory, np.may_share_memory, np.iscomplexobj, np.isrealobj,
}
_FUNCTION_HINTS = {
    np.copy: "t * 1 (a new tensor in the graph)",
    np.var: "((t - t.mean(axis, keepdims=True)) ** 2).mean(axis)",
    np.std: "((t - t.mean(axis, keepdims=True)) ** 2).mean(axis).sqrt()",
}

_NO_OP = ("minnet has no op for it: build it from Tensor methods and operators, or write an "
          "mn.Function with its backward.")


def _refusal(name: str, instead: str) -> str:
    return (f"{name}() got a tensor that requires grad. NumPy would compute the numbers and drop the "
            f"graph, so no gradient could flow back through it. {instead} For the numbers alone (no "
            f"gradient), call it on t.data or t.detach().")


def array_function(func: Callable, args: tuple, kwargs: dict) -> Any:
    """``Tensor.__array_function__``: see the module docstring for the three possible answers."""
    if func in _NO_GRADIENT_FUNCTIONS:
        return func(*_numbers(args), **_numbers(kwargs))
    unsupported = None
    if func in _FUNCTIONS:
        try:
            return _FUNCTIONS[func](*args, **kwargs)
        except _Unsupported as e:
            unsupported = str(e)
    if not _wants_grad((args, kwargs)):
        return func(*_numbers(args), **_numbers(kwargs))
    name = f"np.{func.__name__}"
    if unsupported:
        instead = f"minnet runs {name} as its own op, but not with {unsupported}."
    elif func in _FUNCTION_HINTS:
        instead = f"Use {_FUNCTION_HINTS[func]} instead."
    else:
        instead = _NO_OP
    raise TypeError(_refusal(name, instead))
