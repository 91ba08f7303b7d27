"""``Optimizer``: the base class every optimizer builds on.

An optimizer holds the parameters it updates and, for each one, whatever running state its update
rule needs (a momentum buffer, Adam's moment estimates, ...). One training step reads::

    optimizer.zero_grad()      # forget last step's gradients (backward() accumulates)
    loss = loss_fn(model(x), y)
    loss.backward()            # fills p.grad for every parameter p
    optimizer.step()           # p.data <- update(p.data, p.grad, state of p)

Parameters are grouped as in PyTorch: ``param_groups`` is a list of dicts, each with its own
``"params"`` and hyperparameters (``"lr"``, ``"weight_decay"``, ...). Pass a list of tensors for
one group, or a list of dicts to give, say, the biases no weight decay::

    SGD([{"params": weights}, {"params": biases, "weight_decay": 0}], lr=0.1, weight_decay=1e-4)

Subclasses write one method, ``_update(p, g, state, group)``, that changes the array ``p`` in
place given its gradient array ``g``; everything else (checks, skipping parameters without a
gradient, ``zero_grad``, ``state_dict``) lives here.
"""
from __future__ import annotations

import math
from typing import Any, Iterable

import numpy as np

from minnet.autograd import Tensor


_RULES = {
    ">= 0": lambda v: v >= 0,
    "> 0": lambda v: v > 0,
    "in [0, 1]": lambda v: 0 <= v <= 1,
    "in [0, 1)": lambda v: 0 <= v < 1,
}


def check_hyper(owner: str, name: str, value, rule: str, advice: str = "") -> float:
    """``float(value)`` if it is a finite real number obeying ``rule`` (a key of ``_RULES``), else
    ``ValueError("SGD: lr must be a finite number >= 0, got inf")`` followed by ``advice``.

    NaN and infinities are refused everywhere: one step with an infinite lr (or a NaN anywhere)
    turns the weights into NaN, far from the line that caused it.
    """
    if not (_is_number(value) and math.isfinite(value) and _RULES[rule](value)):
        raise ValueError(f"{owner}: {name} must be a finite number {rule}, got {value!r}{advice}")
    return float(value)


def check_lr(owner: str, lr) -> float:
    """A learning rate: a finite number >= 0 (0 freezes the parameters)."""
    return check_hyper(owner, "lr", lr, ">= 0", "; try a value such as 0.01 (mn.lr_find helps to choose one)")


def _is_number(x) -> bool:
    return isinstance(x, (int, float, np.integer, np.floating)) and not isinstance(x, bool)


class Optimizer:
    """Base class: parameter groups, per-parameter state, ``step``, ``zero_grad``, ``state_dict``.

    ``defaults`` are the hyperparameters a group gets when it does not set them itself.
    """

    def __init__(self, params: Iterable, defaults: dict[str, Any]) -> None:
        name = type(self).__name__
        self.defaults = dict(defaults)
        self.param_groups: list[dict[str, Any]] = []
        # Keyed by the parameter object itself (Tensor hashes by identity), so state follows the
        # parameter even if a model reorders its parameters() between calls.
        self.state: dict[Tensor, dict[str, Any]] = {}
        if isinstance(params, Tensor):
            raise TypeError(f"{name} expects an iterable of tensors (e.g. model.parameters()), "
                            f"got a single Tensor; wrap it in a list: {name}([t], ...)")
        if isinstance(params, dict):
            params = [params]
        params = list(params)
        if not params:
            raise ValueError(f"{name} got an empty parameter list")
        groups = params if isinstance(params[0], dict) else [{"params": params}]
        for group in groups:
            self.add_param_group(group)
        if not any(p.requires_grad for p in self.parameters()):
            # backward() would never give them a gradient, so step() could never move them
            raise ValueError(f"{name}: none of the {len(self.parameters())} tensor(s) it was given has "
                             "requires_grad=True, so none will ever get a gradient; make them with "
                             "mn.Tensor(..., requires_grad=True) or use a layer's Parameters")

    # ---- parameter groups ---------------------------------------------------------------------
    def add_param_group(self, group: dict[str, Any]) -> None:
        """Add a group of parameters (a dict with ``"params"`` and optional hyperparameters)."""
        name = type(self).__name__
        if not isinstance(group, dict) or "params" not in group:
            raise TypeError(f"{name}: a parameter group must be a dict with a 'params' entry, got {group!r}")
        params = group["params"]
        params = [params] if isinstance(params, Tensor) else list(params)
        if not params:
            raise ValueError(f"{name} got an empty parameter list")
        seen = {id(p) for g in self.param_groups for p in g["params"]}
        for i, p in enumerate(params):
            if not isinstance(p, Tensor):
                raise TypeError(f"{name}: parameter {i} is a {type(p).__name__}, not a Tensor; pass "
                                "model.parameters() or a list of tensors")
            if p.data.dtype.kind != "f":
                raise TypeError(f"{name}: parameter {i} has dtype {p.data.dtype}; only floating-point "
                                "tensors can be optimized")
            if id(p) in seen:
                # It would be updated twice per step, silently doubling its learning rate.
                raise ValueError(f"{name}: parameter {i} (shape {p.shape}) appears more than once; "
                                 "each parameter may be given only once")
            seen.add(id(p))
        full = {**self.defaults, **{k: v for k, v in group.items() if k != "params"}}
        full["params"] = params
        self._check_group(full)
        self.param_groups.append(full)

    def _check_group(self, group: dict[str, Any]) -> None:
        """Validate one group's hyperparameters (subclasses extend this; lr is common to all)."""
        group["lr"] = check_lr(type(self).__name__, group.get("lr"))

    # ---- the learning rate, as schedulers and lessons see it ------------------------------------
    @property
    def lr(self) -> float:
        """The learning rate (of the first parameter group, when there are several)."""
        return self.param_groups[0]["lr"]

    @lr.setter
    def lr(self, value: float) -> None:
        """Set the learning rate of every parameter group."""
        value = check_lr(type(self).__name__, value)
        for group in self.param_groups:
            group["lr"] = float(value)

    def parameters(self) -> list[Tensor]:
        """Every parameter this optimizer updates, group by group."""
        return [p for group in self.param_groups for p in group["params"]]

    # ---- the step ------------------------------------------------------------------------------
    def zero_grad(self, set_to_none: bool = True) -> None:
        """Forget every parameter's gradient: ``p.grad = None`` (PyTorch's default), or fill it with 0."""
        for p in self.parameters():
            if set_to_none or p.grad is None:
                p.grad = None
            else:
                p.grad[...] = 0

    def step(self) -> None:
        """Update every parameter that has a gradient; parameters with ``.grad is None`` are skipped."""
        updated, changed_by = 0, f"{type(self).__name__}.step()"
        for group in self.param_groups:
            for p in group["params"]:
                g = p.grad
                if g is None:
                    continue
                if type(g) is not np.ndarray:
                    g = np.asarray(g)
                if g.shape != p._data.shape:
                    raise ValueError(f"{type(self).__name__}.step(): a parameter of shape {p._data.shape} "
                                     f"has a gradient of shape {g.shape}")
                array = p._writable_data(changed_by)    # a graph that saved p now refuses to backpropagate
                self._update(array, g, self.state.setdefault(p, {}), group)
                updated += 1
        if updated == 0:
            n = len(self.parameters())
            which = "its one parameter has no gradient" if n == 1 else f"none of its {n} parameters has a gradient"
            raise RuntimeError(
                f"{type(self).__name__}.step(): {which} (.grad is None), so nothing can be updated. "
                "Did you call loss.backward() before optimizer.step()? (and not zero_grad() in between)")

    def _update(self, p: np.ndarray, g: np.ndarray, state: dict, group: dict) -> None:
        raise NotImplementedError

    # ---- saving and restoring ------------------------------------------------------------------
    def state_dict(self) -> dict[str, Any]:
        """The optimizer's state as plain dicts of numbers and (copied) arrays.

        ``{"state": {index: {name: array or number}}, "param_groups": [{hyper..., "params": [index...]}]}``
        where ``index`` numbers the parameters in group order, as in PyTorch.
        """
        state, groups, index = {}, [], 0
        for group in self.param_groups:
            ids = []
            for p in group["params"]:
                if p in self.state and self.state[p]:
                    state[index] = {k: (v.copy() if isinstance(v, np.ndarray) else v)
                                    for k, v in self.state[p].items()}
                ids.append(index)
                index += 1
            groups.append({**{k: v for k, v in group.items() if k != "params"}, "params": ids})
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore hyperparameters (including lr) and running state saved by :meth:`state_dict`."""
        name = type(self).__name__
        groups = state_dict["param_groups"]
        if len(groups) != len(self.param_groups):
            raise ValueError(f"{name}.load_state_dict: the saved state has {len(groups)} parameter "
                             f"group(s), this optimizer has {len(self.param_groups)}")
        for i, (saved, group) in enumerate(zip(groups, self.param_groups)):
            if len(saved["params"]) != len(group["params"]):
                raise ValueError(f"{name}.load_state_dict: group {i} has {len(saved['params'])} saved "
                                 f"parameter(s), this optimizer's has {len(group['params'])}")
        by_index = {}
        for saved, group in zip(groups, self.param_groups):
            by_index.update(zip(saved["params"], group["params"]))
        new_state = {}
        for key, entry in state_dict["state"].items():
            p = by_index[int(key)]
            restored = {}
            for k, v in entry.items():
                if isinstance(v, np.ndarray):
                    if v.shape != p.data.shape:
                        raise ValueError(f"{name}.load_state_dict: state {k!r} of parameter {key} has "
                                         f"shape {v.shape}, the parameter has shape {p.data.shape}")
                    v = np.array(v, dtype=p.data.dtype, copy=True)
                restored[k] = v
            new_state[p] = restored
        for saved, group in zip(groups, self.param_groups):
            group.update({k: v for k, v in saved.items() if k != "params"})
        self.state = new_state

    def __repr__(self) -> str:
        lines = [f"{type(self).__name__} ("]
        for i, group in enumerate(self.param_groups):
            lines.append(f"  group {i}: {len(group['params'])} parameter(s)")
            lines += [f"    {k}: {v}" for k, v in group.items() if k != "params"]
        return "\n".join(lines + [")"])
