"""``mn.fit``: the training loop, written to show what happens rather than hide it.

One epoch of ``fit`` is the loop every course writes by hand::

    for X_batch, y_batch in loader:                 # shuffled anew each epoch
        optimizer.zero_grad()
        loss = loss_fn(model(X_batch), y_batch)
        loss.backward()
        total = clip_grad_norm(model.parameters(), max_norm)    # only with clip_grad_norm=...
        optimizer.step()

plus the bookkeeping around it: a :class:`~minnet.history.History` of curves, validation after each
epoch (eval mode, no graph), callbacks (early stopping, schedulers), a progress bar, and a check
that stops at the first NaN or infinite loss and says where it happened.

**Monitor protocol.** ``fit(monitor=m)`` calls whichever of these methods ``m`` has::

    m.on_train_begin(model)                before the first epoch
    m.on_step(model, step, loss)           after backward(), before clipping and optimizer.step():
                                           the gradients are there to read (step counts from 1)
    m.on_step_end(model, step)             after optimizer.step(): compare weights with before
    m.on_epoch_end(epoch, history)         after validation; may add curves to history.extra
    m.on_train_end(history)                at the end

and puts the monitor on ``history.monitor``.

The names ``fit``, ``History``, ``EarlyStopping`` and ``lr_find`` are also at the top level
(``mn.fit``); ``evaluate``, ``Callback``, ``LRSchedulerCallback``, ``FitState`` live here.
"""
from __future__ import annotations

import contextlib
import math
import sys
import warnings
from typing import Any, Iterable

import numpy as np
from tqdm import tqdm

from minnet.autograd import Tensor, no_grad
from minnet.callbacks import (Callback, EarlyStopping, FitState, LRSchedulerCallback, as_callback,
                              restore_weights, snapshot_weights)
from minnet.data import DataLoader
from minnet.history import Divergence, History
from minnet.lr_finder import LRFinderResult, lr_find
from minnet.optim import clip_grad_norm as _clip_grad_norm
from minnet.optim import grad_norm as _grad_norm

__all__ = ["fit", "evaluate", "History", "Divergence", "DivergenceWarning", "TrainingDiverged",
           "Callback", "EarlyStopping", "LRSchedulerCallback", "FitState", "lr_find", "LRFinderResult",
           "snapshot_weights", "restore_weights"]

# How a loss's outputs turn into class predictions, for accuracy (by class or function name).
_ACCURACY = {"CrossEntropyLoss": "argmax", "cross_entropy": "argmax",
             "BCEWithLogitsLoss": "logit", "binary_cross_entropy_with_logits": "logit",
             "BCELoss": "probability", "binary_cross_entropy": "probability"}


class DivergenceWarning(RuntimeWarning):
    """Warned by ``fit`` when the loss becomes NaN or infinite (shown every time, not once)."""


def _warn_every_time(message: str, category: type) -> None:
    """Warn, attributed to the caller of ``fit``, even if the same warning came from there before.

    Python's default shows a warning once per place, so a lesson that diverges twice would stay
    silent the second time; a fresh registry avoids that while the user's filters still apply.
    """
    frame = sys._getframe(2)
    warnings.warn_explicit(message, category, frame.f_code.co_filename, frame.f_lineno,
                           module=frame.f_globals.get("__name__"), registry={},
                           module_globals=frame.f_globals)


class TrainingDiverged(RuntimeError):
    """Raised by ``fit(on_divergence="raise")``; ``.history`` holds the run up to the bad step."""

    def __init__(self, message: str, history: History) -> None:
        super().__init__(message)
        self.history = history


# ---- data in ----------------------------------------------------------------------------------------

def _array(who: str, name: str, a: Any) -> np.ndarray:
    a = a.data if isinstance(a, Tensor) else np.asarray(a)
    if a.ndim == 0:
        raise ValueError(f"{who}: {name} must be an array with one row per sample, got a single number")
    return a


def _pair(role: str, data: Any, who: str = "fit") -> tuple[np.ndarray, np.ndarray] | None:
    """``(X, y)`` arrays from a pair, or ``None`` for a loader (a re-iterable of batches)."""
    if isinstance(data, (tuple, list)) and len(data) == 2:
        X, y = _array(who, f"the {role} X", data[0]), _array(who, f"the {role} y", data[1])
        if len(X) != len(y):
            raise ValueError(f"{who}: the {role} X has {len(X)} samples but y has {len(y)}; "
                             "X and y must have the same length (one label per sample)")
        if len(X) == 0:
            raise ValueError(f"{who}: the {role} data has no samples")
        return X, y
    if isinstance(data, (np.ndarray, Tensor)):
        raise TypeError(f"{who}: {role} data must be an (X, y) pair or a DataLoader, got a single array; "
                        "pass (X, y)")
    if isinstance(data, (tuple, list)) or not hasattr(data, "__iter__"):
        raise TypeError(f"{who}: {role} data must be an (X, y) pair or a DataLoader, got {type(data).__name__}")
    return None


def _batches(X: np.ndarray, y: np.ndarray, batch_size: int):
    """Consecutive, unshuffled batches (for evaluation; draws nothing from the generator)."""
    for i in range(0, len(X), batch_size):
        yield X[i:i + batch_size], y[i:i + batch_size]


def _input(xb: Any, dtype) -> Tensor:
    """A batch as a Tensor; floating inputs take the parameters' dtype (float64 data, float32 model)."""
    x = xb.data if isinstance(xb, Tensor) else np.asarray(xb)
    if dtype is not None and x.dtype.kind == "f" and x.dtype != dtype:
        x = x.astype(dtype)
    return Tensor(x)


def _targets(yb: Any) -> np.ndarray:
    return yb.data if isinstance(yb, Tensor) else np.asarray(yb)


# ---- classification: accuracy and label checks -------------------------------------------------------

def _loss_name(loss_fn) -> str:
    return getattr(loss_fn, "__name__", type(loss_fn).__name__)


def _accuracy_kind(loss_fn) -> str | None:
    return _ACCURACY.get(_loss_name(loss_fn))


def _count_correct(kind: str, out: np.ndarray, y: np.ndarray) -> tuple[int, int]:
    """(right, counted): argmax for softmax outputs; one decision per output for binary ones."""
    if kind == "argmax":
        return int(np.sum(out.argmax(axis=-1) == y.reshape(-1))), len(out)
    threshold = 0.0 if kind == "logit" else 0.5
    y = y.reshape(out.shape) if y.size == out.size else y
    return int(np.sum((out > threshold) == (y > 0.5))), out.size


def _check_labels(loss_fn, kind: str | None, out_shape: tuple, labelled: list[tuple[str, np.ndarray]]) -> None:
    """Say which labels do not fit the loss, before the loss meets them in some random batch."""
    name = _loss_name(loss_fn)
    for role, y in labelled:
        if y.size == 0:
            continue
        lo, hi = y.min(), y.max()
        if kind == "argmax" and len(out_shape) == 2:
            k = out_shape[1]
            if y.dtype.kind == "f" and not np.all(y == np.round(y)):
                raise ValueError(f"fit: {name} needs integer class labels, but the {role} labels are "
                                 f"{y.dtype} values such as {y[y != np.round(y)][:3].tolist()}")
            if lo < 0 or hi >= k:
                hint = " (labels counted from 1? subtract 1)" if lo >= 1 and hi == k else ""
                raise ValueError(f"fit: {name} needs class labels in [0, {k}) because the model has {k} "
                                 f"outputs, but the {role} labels range from {lo:g} to {hi:g}{hint}")
        elif kind in ("logit", "probability") and (lo < 0 or hi > 1):
            raise ValueError(f"fit: {name} needs targets in [0, 1] (one probability per output), but "
                             f"the {role} targets range from {lo:g} to {hi:g}")


# ---- evaluation -------------------------------------------------------------------------------------

def evaluate(model, loss_fn, data: Any, batch_size: int | None = 256) -> tuple[float, float | None]:
    """``(loss, accuracy)`` of ``model`` on ``data`` (an ``(X, y)`` pair or a loader).

    Runs in eval mode (dropout off, batch-norm running statistics) and without building a graph,
    then puts the model back in the mode it was in. The loss is the mean over samples (batch losses
    weighted by batch size); accuracy is ``None`` unless the loss is a classification loss.
    """
    pair = _pair("evaluation", data, who="evaluate")
    batches = _batches(*pair, batch_size or len(pair[0])) if pair is not None else data
    kind = _accuracy_kind(loss_fn)
    dtype = _param_dtype(model)
    was_training = getattr(model, "training", True)
    if hasattr(model, "eval"):
        model.eval()
    total, count, right, counted = 0.0, 0, 0, 0
    try:
        with no_grad():
            for xb, yb in batches:
                out = model(_input(xb, dtype))
                y = _targets(yb)
                n = len(y)
                total += float(loss_fn(out, y).item()) * n
                count += n
                if kind is not None:
                    r, c = _count_correct(kind, out.data, y)
                    right, counted = right + r, counted + c
    finally:
        if hasattr(model, "train"):
            model.train(was_training)
    if count == 0:
        raise ValueError("evaluate: the data gave no batches")
    return total / count, (right / counted if kind is not None else None)


def _param_dtype(model):
    for p in model.parameters():
        return p.data.dtype
    return None


# ---- the loop ------------------------------------------------------------------------------------------

def _show_progress(progress: bool) -> bool:
    if not progress:
        return False
    stream = sys.stderr
    return bool(getattr(stream, "isatty", lambda: False)()) or "ipykernel" in sys.modules


def _call(obj, method: str, *args) -> None:
    fn = getattr(obj, method, None)
    if fn is not None:
        fn(*args)


def _divergence(epoch: int, step: int, global_step: int, value: float, lr: float, mode: str) -> Divergence:
    what = "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")
    message = (f"Training diverged at epoch {epoch}, step {step} (global step {global_step}): loss became "
               f"{what}. The learning rate ({lr:g}) may be too high; try a smaller one, gradient "
               "clipping, or normalized inputs. (mn.detect_anomaly() names the operation that first "
               "produced it.)")
    if mode == "continue":
        message += " Training goes on because on_divergence='continue'."
    return Divergence(epoch, step, global_step, value, lr, message)


def fit(model, loss_fn, optimizer, train: Any, val: Any = None, epochs: int = 10, batch_size: int | None = 32,
        callbacks: Iterable = (), monitor: Any = None, progress: bool = True, seed: int | None = None,
        clip_grad_norm: float | None = None, on_divergence: str = "stop", shuffle: bool = True) -> History:
    """Train ``model`` on ``train`` for ``epochs`` epochs and return the :class:`History`.

    * ``train``, ``val``: ``(X, y)`` array pairs, or ``DataLoader``s (any re-iterable of
      ``(X_batch, y_batch)``). A pair is cut into batches of ``batch_size`` (``None``: the whole
      set as one batch), reshuffled every epoch when ``shuffle``, with the order drawn from
      minnet's generator (so ``mn.manual_seed(s)`` makes a run repeatable bit for bit) or from
      ``seed`` if given. A loader brings its own batch size and order. Floating inputs are cast to
      the parameters' dtype.
    * Accuracy is recorded for classification losses: ``CrossEntropyLoss`` (argmax of the outputs),
      ``BCEWithLogitsLoss`` (output > 0), ``BCELoss`` (output > 0.5). Labels that cannot fit the
      loss (a class index >= the number of outputs, a BCE target outside [0, 1]) are refused before
      training with a message naming them.
    * ``callbacks``: :class:`~minnet.callbacks.Callback` objects such as ``EarlyStopping``, and
      ``mn.optim`` schedulers (stepped once per epoch, after validation).
    * ``clip_grad_norm``: clip the total gradient norm to this value before each step. Whether or
      not it is set, ``history.grad_norm`` records each step's norm before clipping.
    * ``on_divergence``: what to do at the first NaN or infinite loss. ``"stop"`` (default): skip
      that step's update, finish the epoch's records, warn with a message naming the epoch and
      step, and return the history so far. ``"continue"``: warn once and train on (lessons use it
      to show the explosion; losses are recorded as they come). ``"raise"``: raise
      :class:`TrainingDiverged`. ``history.diverged`` records the first bad step in all three.
    * ``monitor``: an instrument following the protocol in this module's docstring.
    * ``progress``: a tqdm bar over the steps with the loss; shown only on a terminal or notebook.
    """
    if on_divergence not in ("stop", "continue", "raise"):
        raise ValueError(f"fit: on_divergence must be 'stop', 'continue' or 'raise', got {on_divergence!r}")
    if isinstance(epochs, bool) or not isinstance(epochs, int) or epochs < 0:
        raise ValueError(f"fit: epochs must be a non-negative integer, got {epochs!r}")
    if batch_size is not None and (isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1):
        raise ValueError(f"fit: batch_size must be a positive integer or None, got {batch_size!r}")
    if clip_grad_norm is not None and not clip_grad_norm > 0:
        raise ValueError(f"fit: clip_grad_norm must be a positive number or None, got {clip_grad_norm!r}")
    params = list(model.parameters())
    if not params:
        raise ValueError(f"fit: the model ({type(model).__name__}) has no parameters to train")
    held = {id(p) for group in optimizer.param_groups for p in group["params"]}
    if not any(id(p) in held for p in params):
        raise ValueError("fit: the optimizer holds none of this model's parameters; was it made for "
                         "another model (or before the model was rebuilt)?")

    train_pair, val_pair = _pair("training", train), (None if val is None else _pair("validation", val))
    if train_pair is not None:
        loader = DataLoader(*train_pair, batch_size=batch_size or len(train_pair[0]), shuffle=shuffle, seed=seed)
    else:
        loader = train
    labelled = [("training", getattr(loader, "y", None)), ("validation", val_pair[1] if val_pair else
                                                          getattr(val, "y", None))]
    labelled = [(role, np.asarray(y)) for role, y in labelled if y is not None]

    history = History()
    history.monitor = monitor
    state = FitState(model, optimizer, loss_fn, history, epochs, has_val=val is not None)
    cbs = [as_callback(c) for c in callbacks]
    kind, dtype = _accuracy_kind(loss_fn), params[0].data.dtype
    per_epoch = len(loader) if hasattr(loader, "__len__") else None
    bar = tqdm(total=None if per_epoch is None else per_epoch * epochs, disable=not _show_progress(progress),
               unit="step", dynamic_ncols=True, leave=True)
    checked = False
    quiet = contextlib.ExitStack()      # silences NumPy's overflow warnings once divergence is announced

    if hasattr(model, "train"):
        model.train()
    _call(monitor, "on_train_begin", model)
    for cb in cbs:
        _call(cb, "on_train_begin", state)
    try:
        for epoch in range(1, epochs + 1):
            state.epoch, state.step = epoch, 0
            bar.set_description(f"epoch {epoch}/{epochs}")
            lr = optimizer.lr
            for cb in cbs:
                _call(cb, "on_epoch_begin", state)
            total, count, right, counted, stop_now = 0.0, 0, 0, 0, False
            for xb, yb in loader:
                state.step += 1
                state.global_step += 1
                optimizer.zero_grad()
                out = model(_input(xb, dtype))
                y = _targets(yb)
                if not checked:
                    _check_labels(loss_fn, kind, tuple(out.shape), labelled)
                    checked = True
                loss = loss_fn(out, y)
                value = float(loss.item())
                state.loss = value
                history.step_loss.append(value)
                n = len(y)
                total, count = total + value * n, count + n
                if kind is not None:
                    r, c = _count_correct(kind, out.data, y)
                    right, counted = right + r, counted + c
                if not math.isfinite(value) and history.diverged is None:
                    history.diverged = _divergence(epoch, state.step, state.global_step, value,
                                                   optimizer.lr, on_divergence)
                    if on_divergence == "raise":
                        raise TrainingDiverged(history.diverged.message, history)
                    _warn_every_time(history.diverged.message, DivergenceWarning)
                    quiet.enter_context(np.errstate(over="ignore", invalid="ignore", divide="ignore"))
                    if on_divergence == "stop":
                        history.grad_norm.append(math.nan)
                        stop_now = True
                        break
                loss.backward()
                _call(monitor, "on_step", model, state.global_step, value)
                if clip_grad_norm is not None:
                    history.grad_norm.append(_clip_grad_norm(params, clip_grad_norm))
                else:
                    history.grad_norm.append(_grad_norm(params))
                optimizer.step()
                _call(monitor, "on_step_end", model, state.global_step)
                for cb in cbs:
                    _call(cb, "on_batch_end", state)
                bar.update(1)
                if state.step % 10 == 1:
                    bar.set_postfix_str(f"loss {value:.4g}", refresh=False)
            if count == 0:
                raise ValueError("fit: the training data gave no batches")
            history.steps_per_epoch.append(state.step)
            history.lr.append(lr)
            history.train_loss.append(total / count)
            if kind is not None:
                history.train_acc.append(right / counted)
            if val is not None:
                v_loss, v_acc = evaluate(model, loss_fn, val_pair if val_pair is not None else val,
                                         batch_size=max(batch_size or 0, 256) if val_pair is not None else None)
                history.val_loss.append(v_loss)
                if v_acc is not None:
                    history.val_acc.append(v_acc)
            bar.set_postfix_str(_epoch_postfix(history), refresh=True)
            _call(monitor, "on_epoch_end", epoch, history)
            for cb in cbs:
                _call(cb, "on_epoch_end", state)
            if stop_now:
                break
            if state.stop_requested:
                history.stopped_early, history.stop_reason = True, state.stop_reason
                break
    finally:
        bar.close()
        quiet.close()
    for cb in cbs:
        _call(cb, "on_train_end", state)
    _call(monitor, "on_train_end", history)
    if history.stopped_early and _show_progress(progress):
        tqdm.write(history.stop_reason)
    return history


def _epoch_postfix(history: History) -> str:
    parts = [f"loss {history.train_loss[-1]:.4g}"]
    if history.train_acc:
        parts.append(f"acc {history.train_acc[-1]:.3f}")
    if history.val_loss:
        parts.append(f"val_loss {history.val_loss[-1]:.4g}")
    if history.val_acc:
        parts.append(f"val_acc {history.val_acc[-1]:.3f}")
    return ", ".join(parts)
