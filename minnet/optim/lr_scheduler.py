"""Learning-rate schedulers: change ``optimizer.lr`` as training goes on (sequences as PyTorch's).

A scheduler is stepped once per epoch, after that epoch's optimizer steps::

    scheduler = StepLR(optimizer, step_size=10, gamma=0.1)
    for epoch in range(epochs):
        train_one_epoch()          # optimizer.step() many times, at the current lr
        scheduler.step()           # then move to the next epoch's lr

(``mn.fit`` does this for you when the scheduler is in ``callbacks``.) Making a scheduler does
not change the lr; ``scheduler.last_epoch`` counts the ``step()`` calls and ``get_last_lr()``
gives the lr of each parameter group now in force.
"""
from __future__ import annotations

import math
from typing import Any

from .optimizer import Optimizer, check_hyper


class LRScheduler:
    """Base class: subclasses give :meth:`get_lr`, the new lr of each group at ``last_epoch``.

    As in PyTorch, ``get_lr`` is written *recursively* (from the current lr), so schedulers that
    share an optimizer compose; ``base_lrs`` are the groups' lrs when the scheduler was made.
    """

    def __init__(self, optimizer: Optimizer) -> None:
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"{type(self).__name__} needs a minnet optimizer, got {type(optimizer).__name__}")
        self.optimizer = optimizer
        for group in optimizer.param_groups:
            group.setdefault("initial_lr", group["lr"])
        self.base_lrs = [group["initial_lr"] for group in optimizer.param_groups]
        self.last_epoch = 0
        self._last_lr = [group["lr"] for group in optimizer.param_groups]

    def get_lr(self) -> list[float]:
        raise NotImplementedError

    def step(self) -> None:
        """Advance one epoch and set each group's lr for it."""
        self.last_epoch += 1
        for group, lr in zip(self.optimizer.param_groups, self.get_lr()):
            group["lr"] = float(lr)
        self._last_lr = [group["lr"] for group in self.optimizer.param_groups]

    def get_last_lr(self) -> list[float]:
        """The lr of each parameter group as set by the last :meth:`step` (or at creation)."""
        return list(self._last_lr)

    def state_dict(self) -> dict[str, Any]:
        """Everything but the optimizer, as plain numbers and lists."""
        return {k: (list(v) if isinstance(v, list) else v) for k, v in self.__dict__.items()
                if k != "optimizer"}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        self.__dict__.update(state_dict)

    def _current(self) -> list[float]:
        return [group["lr"] for group in self.optimizer.param_groups]

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v}" for k, v in self.state_dict().items() if not k.startswith("_"))
        return f"{type(self).__name__}({args})"


class StepLR(LRScheduler):
    r"""Multiply the lr by ``gamma`` every ``step_size`` epochs.

    ``lr(epoch) = base_lr * gamma ** (epoch // step_size)``

    >>> StepLR(opt, step_size=10, gamma=0.1)    # 0.1 for epochs 0-9, 0.01 for 10-19, ...
    """

    def __init__(self, optimizer: Optimizer, step_size: int, gamma: float = 0.1) -> None:
        if isinstance(step_size, bool) or not isinstance(step_size, int) or step_size < 1:
            raise ValueError(f"StepLR: step_size must be a positive integer, got {step_size!r}")
        self.step_size = step_size
        self.gamma = check_hyper("StepLR", "gamma", gamma, "> 0")
        super().__init__(optimizer)

    def get_lr(self) -> list[float]:
        if self.last_epoch % self.step_size != 0:
            return self._current()
        return [lr * self.gamma for lr in self._current()]


class ExponentialLR(LRScheduler):
    r"""Multiply the lr by ``gamma`` every epoch: ``lr(epoch) = base_lr * gamma ** epoch``."""

    def __init__(self, optimizer: Optimizer, gamma: float) -> None:
        self.gamma = check_hyper("ExponentialLR", "gamma", gamma, "> 0")
        super().__init__(optimizer)

    def get_lr(self) -> list[float]:
        return [lr * self.gamma for lr in self._current()]


class CosineAnnealingLR(LRScheduler):
    r"""Follow half a cosine from the base lr down to ``eta_min`` over ``T_max`` epochs.

    ``lr(epoch) = eta_min + (base_lr - eta_min) * (1 + cos(pi * epoch / T_max)) / 2``

    Computed, as PyTorch does, recursively from the current lr::

        lr_t = eta_min + (lr_{t-1} - eta_min) * (1 + cos(pi t / T)) / (1 + cos(pi (t-1) / T))

    which equals the formula above when nothing else touches the lr. Past ``T_max`` the lr climbs
    back up along the cosine (the recursion's special case at ``(t - 1 - T) % 2T == 0`` takes it
    over the bottom, where the ratio above would divide by zero).
    """

    def __init__(self, optimizer: Optimizer, T_max: int, eta_min: float = 0.0) -> None:
        if isinstance(T_max, bool) or not isinstance(T_max, int) or T_max < 1:
            raise ValueError(f"CosineAnnealingLR: T_max must be a positive integer, got {T_max!r}")
        self.T_max = T_max
        self.eta_min = check_hyper("CosineAnnealingLR", "eta_min", eta_min, ">= 0")
        super().__init__(optimizer)

    def get_lr(self) -> list[float]:
        t, T, lo = self.last_epoch, self.T_max, self.eta_min
        if (t - 1 - T) % (2 * T) == 0:
            return [lr + (base - lo) * (1 - math.cos(math.pi / T)) / 2
                    for lr, base in zip(self._current(), self.base_lrs)]
        ratio = (1 + math.cos(math.pi * t / T)) / (1 + math.cos(math.pi * (t - 1) / T))
        return [ratio * (lr - lo) + lo for lr in self._current()]


class ReduceLROnPlateau(LRScheduler):
    r"""Cut the lr by ``factor`` when a watched number (usually the validation loss) stops improving.

    Call ``scheduler.step(value)`` once per epoch. A value is an improvement when (mode "min")::

        value < best * (1 - threshold)     threshold_mode="rel" (default)
        value < best - threshold           threshold_mode="abs"

    (mode "max": ``value > best * (1 + threshold)`` or ``value > best + threshold``). After more than
    ``patience`` epochs in a row without improvement, ``lr <- max(lr * factor, min_lr)`` and the count
    restarts; for ``cooldown`` epochs after a cut, bad epochs are not counted. A cut smaller than
    ``eps`` is skipped. A NaN value never counts as an improvement.
    """

    def __init__(self, optimizer: Optimizer, mode: str = "min", factor: float = 0.1, patience: int = 10,
                 threshold: float = 1e-4, threshold_mode: str = "rel", cooldown: int = 0,
                 min_lr: float = 0.0, eps: float = 1e-8) -> None:
        name = "ReduceLROnPlateau"
        if mode not in ("min", "max"):
            raise ValueError(f"{name}: mode must be 'min' or 'max', got {mode!r}")
        if threshold_mode not in ("rel", "abs"):
            raise ValueError(f"{name}: threshold_mode must be 'rel' or 'abs', got {threshold_mode!r}")
        self.mode, self.threshold_mode = mode, threshold_mode
        self.factor = check_hyper(name, "factor", factor, "in [0, 1)")
        self.patience = int(check_hyper(name, "patience", patience, ">= 0"))
        self.threshold = check_hyper(name, "threshold", threshold, ">= 0")
        self.cooldown = int(check_hyper(name, "cooldown", cooldown, ">= 0"))
        self.min_lr = check_hyper(name, "min_lr", min_lr, ">= 0")
        self.eps = check_hyper(name, "eps", eps, ">= 0")
        super().__init__(optimizer)
        self.best = math.inf if mode == "min" else -math.inf
        self.num_bad_epochs = 0
        self.cooldown_counter = 0

    def is_better(self, value: float, best: float) -> bool:
        """True when ``value`` improves on ``best`` by more than the threshold."""
        if self.mode == "min":
            return value < (best * (1 - self.threshold) if self.threshold_mode == "rel" else best - self.threshold)
        return value > (best * (1 + self.threshold) if self.threshold_mode == "rel" else best + self.threshold)

    def step(self, metrics: float | None = None) -> None:  # type: ignore[override]
        """Record this epoch's value of the watched number and cut the lr if it has plateaued."""
        if metrics is None:
            raise TypeError("ReduceLROnPlateau.step(value) needs the number it watches, e.g. "
                            "scheduler.step(val_loss)")
        value = float(metrics.item() if hasattr(metrics, "item") else metrics)
        self.last_epoch += 1
        if self.is_better(value, self.best):
            self.best, self.num_bad_epochs = value, 0
        else:
            self.num_bad_epochs += 1
        if self.cooldown_counter > 0:
            self.cooldown_counter -= 1
            self.num_bad_epochs = 0          # bad epochs during a cooldown do not count
        if self.num_bad_epochs > self.patience:
            for group in self.optimizer.param_groups:
                new_lr = max(group["lr"] * self.factor, self.min_lr)
                if group["lr"] - new_lr > self.eps:
                    group["lr"] = new_lr
            self.cooldown_counter, self.num_bad_epochs = self.cooldown, 0
        self._last_lr = self._current()
