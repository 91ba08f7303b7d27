"""``Module``: the base class of every layer and model.

A module owns parameters (learned tensors), buffers (arrays it keeps but does not learn, such as
BatchNorm's running statistics) and child modules. All three are registered simply by assigning
them to attributes in ``__init__``::

    class TwoLayer(mn.nn.Module):
        def __init__(self):
            super().__init__()                     # must come first: it creates the registries
            self.hidden = mn.nn.Dense(2, 16)       # a child module
            self.out = mn.nn.Dense(16, 1)
            self.register_buffer("calls", np.zeros((), dtype=np.int64))   # a buffer

        def forward(self, x):
            return self.out(self.hidden(x).relu())

    model = TwoLayer()
    [name for name, _ in model.named_parameters()]   # ['hidden.weight', 'hidden.bias', 'out.weight', 'out.bias']
"""
from __future__ import annotations

from collections import OrderedDict
from collections.abc import Mapping
from typing import Any, Callable, Iterator, NamedTuple

import numpy as np

from ..autograd import Tensor
from .parameter import Parameter


def as_state_array(value: Any) -> np.ndarray:
    """``value`` (an array, Tensor, number or nested list) as an array of numbers, for a state dict.

    Raises ValueError for a ragged list and TypeError for anything that is not numbers (strings,
    or Python objects that only pickle could store); the message says what the value is.
    """
    try:
        arr = np.asarray(value.data if isinstance(value, Tensor) else value)
    except ValueError:
        raise ValueError("cannot be read as one array: its parts have different lengths (a ragged "
                         "list); give each part its own name, or make them the same shape") from None
    if arr.dtype.hasobject:
        raise TypeError(f"is a {type(value).__name__} that NumPy can only store as an object array, "
                        "which needs pickle; use numeric arrays only")
    if arr.dtype.kind not in "biufc":
        raise TypeError(f"holds dtype {arr.dtype}, not numbers")
    return arr


def _fitted(value: Any, target: np.ndarray) -> np.ndarray:
    """``value`` cast to ``target``'s dtype, or a TypeError/ValueError saying why it does not fit.

    A cast is allowed within a kind or up to a wider kind (int into float, float64 into float32),
    as long as no value is lost on the way (too large for the new dtype)."""
    arr = as_state_array(value)
    if arr.shape != target.shape:
        raise ValueError(f"shape mismatch: the state has shape {arr.shape}, the model has {target.shape}")
    src, dst = arr.dtype, target.dtype
    if not np.can_cast(src, dst, casting="same_kind"):
        why = (" (the imaginary part would be lost)" if src.kind == "c" else
               " (the fractions would be cut off)" if src.kind == "f" else "")
        raise TypeError(f"dtype {src} cannot be cast to {dst}{why}; convert it yourself with "
                        f".astype(np.{dst}) if that is what you mean")
    with np.errstate(over="ignore", invalid="ignore"):
        cast = arr.astype(dst)
    if dst.kind == "f":
        lost = np.isinf(cast) & np.isfinite(arr)
    else:
        lost = cast.astype(src) != arr
    if lost.any():
        raise ValueError(f"{int(lost.sum())} value(s) too large for {dst} (largest "
                         f"{np.abs(arr[lost]).max():g})")
    return cast


class RemovableHandle:
    """Returned by :meth:`Module.register_forward_hook`; ``handle.remove()`` unregisters the hook."""

    _next_id = 0

    def __init__(self, hooks: dict) -> None:
        self._hooks = hooks
        self.id = RemovableHandle._next_id
        RemovableHandle._next_id += 1

    def remove(self) -> None:
        self._hooks.pop(self.id, None)   # removing twice is harmless

    def __enter__(self) -> "RemovableHandle":
        return self

    def __exit__(self, *exc) -> None:
        self.remove()


class IncompatibleKeys(NamedTuple):
    """What ``load_state_dict(strict=False)`` could not match."""

    missing_keys: list
    unexpected_keys: list


class Module:
    """Base class of layers and models: subclasses set attributes in ``__init__`` and define ``forward``."""

    def __init__(self) -> None:
        # Registries of *names* (in assignment order); the objects themselves live in __dict__,
        # so reading self.weight in forward is an ordinary, fast attribute lookup.
        object.__setattr__(self, "_parameters", {})
        object.__setattr__(self, "_buffers", {})      # name -> persistent (goes into state_dict)
        object.__setattr__(self, "_modules", {})
        object.__setattr__(self, "_forward_hooks", {})
        object.__setattr__(self, "training", True)

    # ---- registration -------------------------------------------------------------------------
    def _registries(self) -> tuple[dict, dict, dict]:
        try:
            return self._parameters, self._buffers, self._modules
        except AttributeError:
            raise AttributeError(
                f"{type(self).__name__}: call super().__init__() at the start of __init__, before "
                "assigning parameters, buffers or layers") from None

    def __setattr__(self, name: str, value: Any) -> None:
        params, buffers, modules = self._registries()
        if isinstance(value, Parameter):
            buffers.pop(name, None)
            modules.pop(name, None)
            params[name] = None
        elif isinstance(value, Module):
            params.pop(name, None)
            buffers.pop(name, None)
            modules[name] = None
        elif name in params and value is not None:
            raise TypeError(
                f"{type(self).__name__}.{name} is a parameter; assign a Parameter (or None), not "
                f"{type(value).__name__}. To change its values, assign to .{name}.data instead")
        elif name in modules and value is not None:
            raise TypeError(f"{type(self).__name__}.{name} is a child module; assign a Module (or None), "
                            f"not {type(value).__name__}")
        elif name in buffers and value is not None:
            value = value.data if isinstance(value, Tensor) else np.asarray(value)
        object.__setattr__(self, name, value)

    def __delattr__(self, name: str) -> None:
        for registry in self._registries():
            registry.pop(name, None)
        object.__delattr__(self, name)

    def register_buffer(self, name: str, array: Any, persistent: bool = True) -> None:
        """Keep ``array`` as ``self.<name>``: saved in ``state_dict()`` (if persistent), never learned."""
        params, buffers, modules = self._registries()
        if name in params or name in modules:
            raise KeyError(f"{type(self).__name__}: {name!r} is already a parameter or child module")
        if array is not None:
            array = array.data if isinstance(array, Tensor) else np.asarray(array)
        buffers[name] = persistent
        object.__setattr__(self, name, array)

    def register_parameter(self, name: str, param: Parameter | None) -> None:
        """Same as ``setattr(self, name, param)``; ``None`` registers a missing parameter (e.g. no bias)."""
        params, buffers, modules = self._registries()
        if param is not None and not isinstance(param, Parameter):
            raise TypeError(f"register_parameter: {name!r} must be a Parameter or None, "
                            f"got {type(param).__name__}")
        buffers.pop(name, None)
        modules.pop(name, None)
        params[name] = None
        object.__setattr__(self, name, param)

    # ---- calling --------------------------------------------------------------------------------
    def forward(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError(f"{type(self).__name__} has no forward(); define forward(self, x)")

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        out = self.forward(*args, **kwargs)
        if self._forward_hooks:
            for hook in list(self._forward_hooks.values()):
                replaced = hook(self, args, out)
                if replaced is not None:
                    out = replaced
        return out

    def register_forward_hook(self, fn: Callable[["Module", tuple, Any], Any]) -> RemovableHandle:
        """Call ``fn(module, inputs, output)`` after every forward; a non-None return replaces the output.

        ``inputs`` is the tuple of positional arguments. Hooks run in registration order.

        >>> handle = model[0].register_forward_hook(lambda m, inp, out: print(out.shape))
        >>> handle.remove()
        """
        handle = RemovableHandle(self._forward_hooks)
        self._forward_hooks[handle.id] = fn
        return handle

    # ---- walking the tree -----------------------------------------------------------------------
    def named_children(self) -> Iterator[tuple[str, "Module"]]:
        for name in self._modules:
            child = self.__dict__[name]
            if child is not None:
                yield name, child

    def children(self) -> Iterator["Module"]:
        for _, child in self.named_children():
            yield child

    def named_modules(self, prefix: str = "") -> Iterator[tuple[str, "Module"]]:
        """``(dotted name, module)`` for this module (name ``prefix``) and every descendant, each once."""
        seen = set()
        stack = [(prefix, self)]
        while stack:
            name, module = stack.pop()
            if id(module) in seen:
                continue
            seen.add(id(module))
            yield name, module
            kids = [(f"{name}.{n}" if name else n, m) for n, m in module.named_children()]
            stack.extend(reversed(kids))   # so children come out in assignment order

    def modules(self) -> Iterator["Module"]:
        """This module and every descendant (depth first, in assignment order)."""
        for _, module in self.named_modules():
            yield module

    def named_parameters(self, prefix: str = "", recurse: bool = True) -> Iterator[tuple[str, Parameter]]:
        """``(dotted name, Parameter)`` pairs, e.g. ``("0.weight", ...)``; a shared parameter appears once."""
        seen = set()
        modules = self.named_modules(prefix) if recurse else [(prefix, self)]
        for mod_name, module in modules:
            for name in module._parameters:
                p = module.__dict__[name]
                if p is None or id(p) in seen:
                    continue
                seen.add(id(p))
                yield (f"{mod_name}.{name}" if mod_name else name), p

    def parameters(self, recurse: bool = True) -> Iterator[Parameter]:
        """Every learnable Parameter of this module and its descendants (what an optimizer updates)."""
        for _, p in self.named_parameters(recurse=recurse):
            yield p

    def named_buffers(self, prefix: str = "", recurse: bool = True) -> Iterator[tuple[str, np.ndarray]]:
        modules = self.named_modules(prefix) if recurse else [(prefix, self)]
        for mod_name, module in modules:
            for name in module._buffers:
                b = module.__dict__[name]
                if b is not None:
                    yield (f"{mod_name}.{name}" if mod_name else name), b

    def buffers(self, recurse: bool = True) -> Iterator[np.ndarray]:
        for _, b in self.named_buffers(recurse=recurse):
            yield b

    def apply(self, fn: Callable[["Module"], Any]) -> "Module":
        """Call ``fn(m)`` on every descendant and then on this module; returns self."""
        for child in self.children():
            child.apply(fn)
        fn(self)
        return self

    # ---- modes and gradients ---------------------------------------------------------------------
    def train(self, mode: bool = True) -> "Module":
        """Switch this module and all descendants to training mode (Dropout drops, BatchNorm uses batch stats)."""
        for module in self.modules():
            object.__setattr__(module, "training", bool(mode))
        return self

    def eval(self) -> "Module":
        """Switch to evaluation mode: Dropout is the identity, BatchNorm uses its running statistics."""
        return self.train(False)

    def zero_grad(self) -> None:
        """Forget every parameter's accumulated gradient (``.grad = None``, as PyTorch's default)."""
        for p in self.parameters():
            p.grad = None

    def to_dtype(self, dtype) -> "Module":
        """Convert every parameter and floating-point buffer to ``dtype`` in place; returns self."""
        dtype = np.dtype(dtype)
        for p in self.parameters():
            p.data = p.data.astype(dtype)
            p.grad = None
        for module in self.modules():
            for name in module._buffers:
                b = module.__dict__[name]
                if b is not None and b.dtype.kind == "f":
                    object.__setattr__(module, name, b.astype(dtype))
        return self

    def double(self) -> "Module":
        return self.to_dtype(np.float64)

    def float(self) -> "Module":
        return self.to_dtype(np.float32)

    # ---- state ---------------------------------------------------------------------------------
    def _state_items(self, prefix: str = "") -> Iterator[tuple[str, Any, Any, str]]:
        """``(name, owner module, attribute, kind)`` for every entry of the state dict, in order:
        each module's own parameters, then its buffers, then its children (PyTorch's order)."""
        for name in self._parameters:
            if self.__dict__[name] is not None:
                yield prefix + name, self, name, "parameter"
        for name, persistent in self._buffers.items():
            if persistent and self.__dict__[name] is not None:
                yield prefix + name, self, name, "buffer"
        for name, child in self.named_children():
            yield from child._state_items(prefix + name + ".")

    def state_dict(self) -> "OrderedDict[str, np.ndarray]":
        """An ordered dict ``name -> copy of the array``: every parameter and persistent buffer.

        >>> list(mn.nn.BatchNorm1D(4).state_dict())
        ['weight', 'bias', 'running_mean', 'running_var', 'num_batches_tracked']
        """
        state = OrderedDict()
        for key, owner, attr, kind in self._state_items():
            value = owner.__dict__[attr]
            state[key] = np.array(value.data if kind == "parameter" else value, copy=True)
        return state

    def load_state_dict(self, state: dict, strict: bool = True) -> IncompatibleKeys:
        """Copy arrays from ``state`` into this module's parameters and buffers (in place).

        Every entry is checked first and every problem is reported in one error: keys the model
        has but ``state`` lacks (missing), keys ``state`` has but the model lacks (unexpected,
        ignored when ``strict=False``), shape mismatches, and values that are not numbers or do
        not fit the model's dtype (complex into real, floats into integers, values too large).
        Nothing changes unless every entry fits. Values are cast to the dtype of the model's
        arrays (float64 into float32 is allowed), so a same-dtype round trip is bit-exact.
        """
        if not isinstance(state, Mapping):
            hint = " (a file name? load it first: model.load_state_dict(mn.load(path)))" \
                if isinstance(state, (str, bytes)) or hasattr(state, "__fspath__") else ""
            raise TypeError(f"load_state_dict expects a dict of arrays, got {type(state).__name__}{hint}")
        entries = {key: (owner, attr, kind) for key, owner, attr, kind in self._state_items()}
        missing = [k for k in entries if k not in state]
        unexpected = [k for k in state if k not in entries]
        problems = []
        if strict and missing:
            problems.append("missing keys (in the model, not in the state): " + ", ".join(missing))
        if strict and unexpected:
            problems.append("unexpected keys (in the state, not in the model): " + ", ".join(map(str, unexpected)))
        ready = {}          # key -> the array to copy in, already cast to the model's dtype
        for key, (owner, attr, kind) in entries.items():
            if key in state:
                current = owner.__dict__[attr]
                target = current.data if kind == "parameter" else current
                try:
                    ready[key] = (target, _fitted(state[key], target))
                except (TypeError, ValueError) as err:
                    problems.append(f"{key}: {err}")
        if problems:
            raise RuntimeError(f"Error(s) in loading state_dict for {type(self).__name__} (nothing was "
                               "changed):\n  " + "\n  ".join(problems))
        for target, value in ready.values():
            target[...] = value   # in place: optimizers keep pointing at the same arrays
        return IncompatibleKeys(missing, unexpected)

    # ---- printing ------------------------------------------------------------------------------
    def extra_repr(self) -> str:
        """The text inside the parentheses of this module's repr (layers override it)."""
        return ""

    def __repr__(self) -> str:
        lines = []
        extra = self.extra_repr()
        if extra:
            lines.extend(extra.split("\n"))
        for name, child in self.named_children():
            body = repr(child).replace("\n", "\n  ")
            lines.append(f"({name}): {body}")
        if not lines:
            return f"{type(self).__name__}()"
        if len(lines) == 1 and not list(self.named_children()):
            return f"{type(self).__name__}({lines[0]})"
        return f"{type(self).__name__}(\n  " + "\n  ".join(lines) + "\n)"
