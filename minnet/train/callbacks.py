"""Callbacks: small objects ``mn.fit`` calls at fixed points of training.

The protocol (every method is optional; the base class gives no-op defaults)::

    on_train_begin(state)   before the first epoch
    on_epoch_begin(state)   before each epoch's first step
    on_batch_end(state)     after each optimizer step (state.loss is that step's loss)
    on_epoch_end(state)     after each epoch's validation (the history has that epoch's values)
    on_train_end(state)     after the last epoch, however training ended

``state`` is the :class:`FitState` of the run: the model, optimizer, history, the current epoch
and step (counted from 1), and :meth:`FitState.request_stop` to end training after this epoch.

Learning-rate schedulers may be passed to ``fit(callbacks=[...])`` directly: ``fit`` wraps them
in :class:`LRSchedulerCallback`, which steps them once per epoch.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..optim import LRScheduler, ReduceLROnPlateau
from .history import History


@dataclass
class FitState:
    """What callbacks see of a ``fit`` run. Epochs and steps count from 1."""

    model: Any
    optimizer: Any
    loss_fn: Any
    history: History
    epochs: int                 # how many epochs were asked for
    has_val: bool               # whether fit got validation data
    epoch: int = 0              # the current epoch
    step: int = 0               # the current step within the epoch
    global_step: int = 0        # steps since the start of training
    loss: float = math.nan      # the loss of the last step
    stop_requested: bool = False
    stop_reason: str | None = None
    info: dict = field(default_factory=dict)   # room for callbacks to share notes

    def request_stop(self, reason: str) -> None:
        """Ask ``fit`` to stop at the end of the current epoch (recorded as ``history.stop_reason``)."""
        self.stop_requested = True
        self.stop_reason = reason


class Callback:
    """Base class: override the methods you need (see the module docstring for when each runs)."""

    def on_train_begin(self, state: FitState) -> None: ...
    def on_epoch_begin(self, state: FitState) -> None: ...
    def on_batch_end(self, state: FitState) -> None: ...
    def on_epoch_end(self, state: FitState) -> None: ...
    def on_train_end(self, state: FitState) -> None: ...


# ---- copying weights in and out --------------------------------------------------------------------

def snapshot_weights(model) -> Any:
    """A copy of the model's weights (and buffers, via ``state_dict`` when the model has one)."""
    if hasattr(model, "state_dict") and hasattr(model, "load_state_dict"):
        return {k: np.array(v, copy=True) for k, v in model.state_dict().items()}
    return [np.array(p.data, copy=True) for p in model.parameters()]


def restore_weights(model, snapshot: Any) -> None:
    """Put a :func:`snapshot_weights` copy back, in place (optimizers keep their parameters)."""
    if isinstance(snapshot, dict):
        model.load_state_dict(snapshot)
    else:
        for p, saved in zip(model.parameters(), snapshot):
            p.data[...] = saved


# ---- early stopping -----------------------------------------------------------------------------

class EarlyStopping(Callback):
    r"""Stop when a watched curve (by default the validation loss) stops improving.

    After each epoch, with ``v`` the epoch's value of ``monitor``::

        improved = v < best - min_delta     (mode "min")       improved = v > best + min_delta   (mode "max")

    An improvement resets a counter; otherwise the counter grows, and when it reaches ``patience``
    training stops. A NaN value never improves. With ``restore_best=True`` the weights (and buffers)
    of the best epoch are copied aside when it happens and put back when training ends, whether it
    stopped early or ran out of epochs; ``history.restored_epoch`` then names that epoch.

    After the run: ``best_epoch``, ``best_value``, ``stopped_epoch`` (``None`` if it never stopped).

    >>> mn.fit(model, loss_fn, opt, (X, y), val=(Xv, yv), epochs=200,
    ...        callbacks=[mn.EarlyStopping(patience=10)])
    """

    def __init__(self, patience: int = 5, min_delta: float = 0.0, restore_best: bool = True,
                 monitor: str = "val_loss", mode: str = "min") -> None:
        if isinstance(patience, bool) or not isinstance(patience, int) or patience < 1:
            raise ValueError(f"EarlyStopping: patience must be a positive integer, got {patience!r}")
        if not min_delta >= 0:
            raise ValueError(f"EarlyStopping: min_delta must be >= 0, got {min_delta!r}")
        if mode not in ("min", "max"):
            raise ValueError(f"EarlyStopping: mode must be 'min' or 'max', got {mode!r}")
        self.patience, self.min_delta, self.restore_best = patience, float(min_delta), bool(restore_best)
        self.monitor, self.mode = monitor, mode
        self._reset()

    def _reset(self) -> None:
        self.best_value = math.inf if self.mode == "min" else -math.inf
        self.best_epoch: int | None = None
        self.stopped_epoch: int | None = None
        self.wait = 0
        self._best_weights = None

    def on_train_begin(self, state: FitState) -> None:
        self._reset()
        if self.monitor.startswith("val_") and not state.has_val:
            raise ValueError(f"EarlyStopping watches {self.monitor!r}, but fit was given no validation "
                             "data: pass val=(X_val, y_val), or EarlyStopping(monitor='train_loss')")
        try:
            state.history[self.monitor]
        except KeyError as e:
            raise ValueError(f"EarlyStopping: {e.args[0]}") from None

    def _improved(self, value: float) -> bool:
        if self.mode == "min":
            return value < self.best_value - self.min_delta
        return value > self.best_value + self.min_delta

    def on_epoch_end(self, state: FitState) -> None:
        curve = state.history[self.monitor]
        if not curve:
            raise ValueError(f"EarlyStopping: {self.monitor!r} was not recorded this epoch (it applies "
                             "only to classification losses if it is an accuracy)")
        value = float(curve[-1])
        if self._improved(value):
            self.best_value, self.best_epoch, self.wait = value, state.epoch, 0
            if self.restore_best:
                self._best_weights = snapshot_weights(state.model)
            return
        self.wait += 1
        if self.wait >= self.patience and not state.stop_requested:
            self.stopped_epoch = state.epoch
            best = "no finite value yet" if self.best_epoch is None else \
                f"best {self.best_value:.4g} at epoch {self.best_epoch}"
            state.request_stop(f"EarlyStopping: {self.monitor} did not improve by more than "
                               f"{self.min_delta:g} for {self.patience} epoch(s) ({best})")

    def on_train_end(self, state: FitState) -> None:
        if self.restore_best and self._best_weights is not None and self.best_epoch != state.epoch:
            restore_weights(state.model, self._best_weights)
            state.history.restored_epoch = self.best_epoch

    def __repr__(self) -> str:
        return (f"EarlyStopping(patience={self.patience}, min_delta={self.min_delta}, "
                f"restore_best={self.restore_best}, monitor={self.monitor!r}, mode={self.mode!r})")


# ---- learning-rate schedules -----------------------------------------------------------------------

class LRSchedulerCallback(Callback):
    """Step a learning-rate scheduler once per epoch, after validation.

    ``ReduceLROnPlateau`` is given the epoch's value of ``monitor``; ``monitor=None`` means
    ``"val_loss"`` when fit has validation data and ``"train_loss"`` otherwise. The lr each epoch
    used is in ``history.lr``.
    """

    def __init__(self, scheduler: LRScheduler, monitor: str | None = None) -> None:
        if not isinstance(scheduler, LRScheduler):
            raise TypeError(f"LRSchedulerCallback needs a scheduler from mn.optim, got {type(scheduler).__name__}")
        self.scheduler, self.monitor = scheduler, monitor
        self._watch = monitor

    def on_train_begin(self, state: FitState) -> None:
        if self.scheduler.optimizer is not state.optimizer:
            raise ValueError(f"{type(self.scheduler).__name__} was made for another optimizer than the "
                             "one given to fit, so it would change the wrong learning rate")
        if isinstance(self.scheduler, ReduceLROnPlateau):
            self._watch = self.monitor or ("val_loss" if state.has_val else "train_loss")
            if self._watch.startswith("val_") and not state.has_val:
                raise ValueError(f"ReduceLROnPlateau watches {self._watch!r}, but fit was given no "
                                 "validation data")

    def on_epoch_end(self, state: FitState) -> None:
        if isinstance(self.scheduler, ReduceLROnPlateau):
            self.scheduler.step(state.history[self._watch][-1])
        else:
            self.scheduler.step()

    def __repr__(self) -> str:
        return f"LRSchedulerCallback({self.scheduler!r})"


def as_callback(obj: Any) -> Callback:
    """A callback as given, or a scheduler wrapped in :class:`LRSchedulerCallback`."""
    if isinstance(obj, LRScheduler):
        return LRSchedulerCallback(obj)
    hooks = ("on_train_begin", "on_epoch_begin", "on_batch_end", "on_epoch_end", "on_train_end")
    if isinstance(obj, Callback) or any(hasattr(obj, h) for h in hooks):
        return obj
    raise TypeError(f"fit: callbacks must be Callback objects or mn.optim schedulers, got {type(obj).__name__}")
