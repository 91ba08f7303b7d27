"""``History``: what ``mn.fit`` measured, epoch by epoch and step by step.

Epochs are numbered from 1 (as the progress bar and messages print them), so the value for epoch
``e`` is ``history.train_loss[e - 1]``. Steps are numbered from 1 as well, across epochs ("global
step"), and the loss of global step ``s`` is ``history.step_loss[s - 1]``.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from .. import _plotting


@dataclass(frozen=True)
class Divergence:
    """Where training diverged: the first step whose loss was NaN or infinite (counts from 1)."""

    epoch: int
    step: int            # step within the epoch
    global_step: int     # step counted from the start of training
    value: float         # the loss: nan, inf or -inf
    lr: float            # the learning rate in force
    message: str
    cause: str = "loss"  # "data": the batch held NaN/inf; "weights": a weight already was; "loss": neither

    def __str__(self) -> str:
        return self.message


class History:
    """Per-epoch curves and per-step records of one ``mn.fit`` run.

    Per epoch (one entry per epoch run, including an epoch cut short by divergence):

    * ``train_loss``: the epoch's mean training loss, i.e. the step losses weighted by batch size
      (the plain mean of ``step_loss`` when all batches are full). Each is measured on the batch
      *before* that step's update, in training mode, so it lags the end-of-epoch model a little.
    * ``train_acc``: the fraction of training predictions that were right, counted from those same
      training-mode forward passes (dropout on), for classification losses only, else empty.
    * ``val_loss``, ``val_acc``: the whole validation set, evaluated after the epoch in eval mode
      without building a graph; empty when ``fit`` got no validation data.
    * ``lr``: the learning rate in force during the epoch (of the first parameter group).
    * ``steps_per_epoch``: how many steps the epoch ran.

    Per step: ``step_loss`` (as computed, NaN and inf included) and ``grad_norm``, the total L2 norm
    of all gradients after ``backward()`` and *before* any clipping (NaN for a step that stopped
    training before its backward).

    How it ended: ``epochs_run``, ``stopped_early`` (a callback such as ``EarlyStopping`` stopped
    it), ``stop_reason``, ``diverged`` (``None`` or a :class:`Divergence`), ``restored_epoch`` (the
    epoch whose weights ``EarlyStopping(restore_best=True)`` put back, else ``None``).

    What it ran with: ``loss_fn`` and ``clip_grad_norm`` (``None`` when not clipping).

    Instruments: ``monitor`` is the monitor given to ``fit`` (or ``None``); ``extra`` is a dict of
    further named per-epoch curves that a monitor or callback may add (``history["name"]`` reads
    any curve, built-in or extra).
    """

    CURVES = ("train_loss", "val_loss", "train_acc", "val_acc", "lr")

    def __init__(self) -> None:
        self.train_loss: list[float] = []
        self.val_loss: list[float] = []
        self.train_acc: list[float] = []
        self.val_acc: list[float] = []
        self.lr: list[float] = []
        self.steps_per_epoch: list[int] = []
        self.step_loss: list[float] = []
        self.grad_norm: list[float] = []
        self.stopped_early = False
        self.stop_reason: str | None = None
        self.diverged: Divergence | None = None
        self.restored_epoch: int | None = None
        self.monitor: Any = None
        self.loss_fn: Any = None                    # the loss fit trained with (diagnosis reads it)
        self.clip_grad_norm: float | None = None    # fit's clip_grad_norm, if any
        self.extra: dict[str, list] = {}

    @property
    def epochs_run(self) -> int:
        """How many epochs ran (the last one possibly cut short by divergence)."""
        return len(self.train_loss)

    def __getitem__(self, name: str) -> list:
        """Any per-epoch or per-step curve by name: ``history["val_loss"]``, or one in ``extra``."""
        if name in self.extra:
            return self.extra[name]
        if name in self.CURVES or name in ("step_loss", "grad_norm", "steps_per_epoch"):
            return getattr(self, name)
        known = list(self.CURVES) + ["step_loss", "grad_norm"] + list(self.extra)
        raise KeyError(f"History has no curve {name!r}; it has {', '.join(known)}")

    def __contains__(self, name: str) -> bool:
        try:
            return len(self[name]) > 0
        except KeyError:
            return False

    def best(self, name: str = "val_loss", mode: str = "min") -> tuple[int, float]:
        """``(epoch, value)`` of the best finite value of a curve (epochs count from 1)."""
        values = [(v, e) for e, v in enumerate(self[name], start=1) if v is not None and math.isfinite(v)]
        if not values:
            raise ValueError(f"History: {name!r} has no finite value to choose from")
        value, epoch = min(values) if mode == "min" else max(values, key=lambda ve: (ve[0], -ve[1]))
        return epoch, value

    def summary(self) -> str:
        """A few readable lines: how it ended, the last and best values of each curve."""
        lines = [f"History: {self.epochs_run} epoch(s), {len(self.step_loss)} step(s)"]
        for name in ("train_loss", "val_loss", "train_acc", "val_acc"):
            curve = self[name]
            if not curve:
                continue
            line = f"  {name:<10} last {_fmt(curve[-1])}"
            try:
                epoch, value = self.best(name, "max" if name.endswith("acc") else "min")
                line += f", best {_fmt(value)} at epoch {epoch}"
            except ValueError:
                pass
            lines.append(line)
        if self.lr:
            lines.append(f"  lr         {_fmt(self.lr[0])} -> {_fmt(self.lr[-1])}" if self.lr[0] != self.lr[-1]
                         else f"  lr         {_fmt(self.lr[0])}")
        if self.diverged is not None:
            lines.append(f"  diverged: {self.diverged.message}")
        if self.stopped_early:
            lines.append(f"  stopped early: {self.stop_reason}")
        if self.restored_epoch is not None:
            lines.append(f"  weights restored from epoch {self.restored_epoch}")
        return "\n".join(lines)

    def __repr__(self) -> str:
        parts = [f"epochs_run={self.epochs_run}"]
        for name in ("train_loss", "val_loss", "train_acc", "val_acc"):
            if self[name]:
                parts.append(f"{name}={_fmt(self[name][-1])}")
        if self.diverged is not None:
            parts.append(f"diverged at epoch {self.diverged.epoch}, step {self.diverged.step}")
        if self.stopped_early:
            parts.append("stopped_early=True")
        return f"History({', '.join(parts)})"

    def plot(self, path=None, title: str | None = None):
        """Loss (and accuracy) per epoch, drawn by :func:`minnet.plot.plot_history`; saved to ``path`` if given.

        Returns the matplotlib Figure. matplotlib is imported only now, so ``import minnet`` stays light.
        """
        return _plotting.draw("plot_history", self, path=path, title=title)


def _fmt(x) -> str:
    return "None" if x is None else f"{x:.4g}"
