"""``mn.fit``: the training loop, written to show what happens rather than hide it.

The heart of ``fit`` is the loop every course writes by hand, and it is visible as such in the body
of :func:`fit`::

    for epoch in range(1, epochs + 1):
        for X_batch, y_batch in loader:                 # shuffled anew each epoch
            optimizer.zero_grad()                       # forget the last step's gradients
            loss = loss_fn(model(X_batch), y_batch)     # forward
            loss.backward()                             # backward: dL/dw into every w.grad
            clip_grad_norm(model.parameters(), max_norm)    # only with clip_grad_norm=...
            optimizer.step()                            # w <- w - lr * dL/dw (or Adam's rule, ...)

Everything else is bookkeeping, done by a small :class:`_Run` object with one method per moment
of the loop: curves in a :class:`~minnet.train.history.History`, validation after each epoch (eval
mode, no graph), callbacks (early stopping, schedulers), a monitor, a progress bar, and a stop at
the first NaN or infinite loss that says where it happened and what most likely caused it.

**Monitor protocol.** ``fit(monitor=m)`` calls whichever of these methods ``m`` has::

    m.on_train_begin(model)                before the first epoch
    m.on_step(model, step, loss)           after backward(), before clipping and optimizer.step():
                                           the gradients are there to read (step counts from 1)
    m.on_step_end(model, step)             after optimizer.step(): compare weights with before
    m.on_epoch_end(epoch, history)         after validation; may add curves to history.extra
    m.on_train_end(history)                at the end

and puts the monitor on ``history.monitor``.
"""
from __future__ import annotations

import math
import sys
from typing import Any, Iterable

import numpy as np
from tqdm import tqdm

from .._notebook import in_notebook
from ..losses import check_class_labels
from ..optim import clip_grad_norm as clip_total_norm
from ..optim import grad_norm as total_grad_norm
from .batching import as_input, as_pair, as_targets, labels_of, training_batches
from .callbacks import FitState, as_callback
from .divergence import announce, describe
from .evaluation import accuracy_rule, count_correct, eval_mode, evaluate
from .history import History


def fit(model, loss_fn, optimizer, train: Any, val: Any = None, epochs: int = 10, batch_size: int | None = 32,
        callbacks: Iterable = (), monitor: Any = None, progress: bool = True, seed: int | None = None,
        clip_grad_norm: float | None = None, on_divergence: str = "stop", shuffle: bool = True) -> History:
    """Train ``model`` on ``train`` for ``epochs`` epochs and return the :class:`History`.

    * ``train``, ``val``: ``(X, y)`` array pairs, or ``DataLoader``s or lists of ``(X_batch,
      y_batch)`` pairs (any re-iterable of batches). A pair is cut into batches of ``batch_size``
      (``None``: the whole set as one batch), reshuffled every epoch when ``shuffle``, with the order
      drawn from minnet's generator (so ``mn.manual_seed(s)`` makes a run repeatable bit for bit) or
      from ``seed`` if given. A loader brings its own batch size and order. Floating inputs are cast
      to the parameters' dtype.
    * Accuracy is recorded when the loss has an ``accuracy_rule``: ``CrossEntropyLoss`` (argmax of
      the outputs), ``BCEWithLogitsLoss`` (output > 0), ``BCELoss`` (output > 0.5). Labels that
      cannot fit the loss (a class index >= the number of outputs, a BCE target outside [0, 1]) are
      refused before training with a message naming them.
    * ``callbacks``: :class:`~minnet.train.callbacks.Callback` objects such as ``EarlyStopping``,
      and ``mn.optim`` schedulers (stepped once per epoch, after validation).
    * ``clip_grad_norm``: clip the total gradient norm to this value before each step. Whether or
      not it is set, ``history.grad_norm`` records each step's norm before clipping.
    * ``on_divergence``: what to do at the first NaN or infinite loss. ``"stop"`` (default): skip
      that step's update, finish the epoch's records, warn with a message naming the epoch, the
      step and the likely cause (NaN in the batch, or too large steps), and return the history so
      far. ``"continue"``: warn once and train on (lessons use it to watch the explosion).
      ``"raise"``: raise :class:`~minnet.train.divergence.TrainingDiverged`. ``history.diverged``
      records the first bad step in all three.
    * ``monitor``: an instrument following the protocol in this module's docstring, such as
      ``mn.monitor.Monitor(model)``.
    * ``progress``: a tqdm bar over the steps with the loss; shown only on a terminal or notebook.
    """
    _check_arguments(model, optimizer, epochs, batch_size, clip_grad_norm, on_divergence)
    train_pair = as_pair("training", train)
    loader = training_batches(train_pair, batch_size, shuffle, seed) if train_pair is not None else train
    val_data = val if val is None else (as_pair("validation", val) or val)
    params = list(model.parameters())
    dtype = params[0].data.dtype
    if train_pair is not None and isinstance(val_data, tuple) and val_data[0].shape[1:] != train_pair[0].shape[1:]:
        _check_validation_shape(model, val_data[0], train_pair[0], dtype)
    run = _Run(model, loss_fn, optimizer, loader, val_data, epochs, batch_size, callbacks, monitor, progress,
               on_divergence)
    run.history.clip_grad_norm = clip_grad_norm

    with run:
        for epoch in range(1, epochs + 1):
            run.begin_epoch(epoch)
            for xb, yb in loader:
                optimizer.zero_grad()
                out = model(as_input(xb, dtype))
                y = as_targets(yb)
                loss = loss_fn(out, y)
                if run.record_loss(loss, out, xb, y):       # True: it diverged, stop here
                    break
                loss.backward()
                run.record_gradients(params, clip_grad_norm)
                optimizer.step()
                run.end_step()
            if run.end_epoch():                             # True: a callback or divergence stops it
                break
    return run.history


def _check_arguments(model, optimizer, epochs, batch_size, clip_grad_norm, on_divergence) -> None:
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


def _call(obj, method: str, *args) -> None:
    fn = getattr(obj, method, None)
    if fn is not None:
        fn(*args)


def _show_progress(progress: bool) -> bool:
    """A bar on a terminal, or in a notebook (whose kernel is the running IPython shell); not in a log."""
    if not progress:
        return False
    return bool(getattr(sys.stderr, "isatty", lambda: False)()) or in_notebook()


class _Run:
    """The bookkeeping of one ``fit`` call, one method per moment of the loop.

    It owns the history, the callbacks' :class:`FitState`, the progress bar and the running sums of
    the current epoch; ``with run:`` starts and ends training (callbacks, monitor, bar).
    """

    def __init__(self, model, loss_fn, optimizer, loader, val, epochs, batch_size, callbacks, monitor,
                 progress, on_divergence) -> None:
        self.model, self.loss_fn, self.optimizer, self.loader, self.val = model, loss_fn, optimizer, loader, val
        self.batch_size, self.monitor, self.on_divergence, self.progress = batch_size, monitor, on_divergence, progress
        self.history = History()
        self.history.monitor = monitor
        self.history.loss_fn = loss_fn
        self.state = FitState(model, optimizer, loss_fn, self.history, epochs, has_val=val is not None)
        self.callbacks = [as_callback(c) for c in callbacks]
        self.rule = accuracy_rule(loss_fn)
        self.targets_checked = False
        self.diverged_now = False
        # NumPy's overflow warnings would only come before fit's own message about the NaN/inf loss,
        # which says where it happened and what to try.
        self._quiet = np.errstate(over="ignore", invalid="ignore", divide="ignore")
        per_epoch = len(loader) if hasattr(loader, "__len__") else None
        self.bar = tqdm(total=None if per_epoch is None else per_epoch * epochs, unit="step", leave=True,
                        disable=not _show_progress(progress), dynamic_ncols=True)

    # ---- start and end -----------------------------------------------------------------------
    def __enter__(self) -> "_Run":
        try:
            if hasattr(self.model, "train"):
                self.model.train()
            _call(self.monitor, "on_train_begin", self.model)
            for cb in self.callbacks:
                _call(cb, "on_train_begin", self.state)
        except BaseException:
            self.bar.close()
            raise
        self._quiet.__enter__()
        return self

    def __exit__(self, exc_type, *exc) -> bool:
        self.bar.close()
        self._quiet.__exit__(None, None, None)
        if exc_type is None:
            for cb in self.callbacks:
                _call(cb, "on_train_end", self.state)
            _call(self.monitor, "on_train_end", self.history)
            if self.history.stopped_early and _show_progress(self.progress):
                tqdm.write(self.history.stop_reason)
        return False

    # ---- one epoch ---------------------------------------------------------------------------------
    def begin_epoch(self, epoch: int) -> None:
        self.state.epoch, self.state.step = epoch, 0
        self.epoch_lr = self.optimizer.lr
        self.total, self.count, self.right, self.counted = 0.0, 0, 0, 0
        self.bar.set_description(f"epoch {epoch}/{self.state.epochs}")
        for cb in self.callbacks:
            _call(cb, "on_epoch_begin", self.state)

    def record_loss(self, loss, out, xb, y: np.ndarray) -> bool:
        """Record the step's loss (and accuracy); on the first non-finite loss, report it and return
        True when training should stop now (without this step's backward and update)."""
        state, history = self.state, self.history
        state.step += 1
        state.global_step += 1
        if not self.targets_checked:
            _check_all_targets(self.loss_fn, self.rule, tuple(out.shape), self.loader, self.val)
            self.targets_checked = True
        value = float(loss.item())
        state.loss = value
        history.step_loss.append(value)
        self.total, self.count = self.total + value * len(y), self.count + len(y)
        if self.rule is not None:
            r, c = count_correct(self.rule, out.data, y)
            self.right, self.counted = self.right + r, self.counted + c
        if math.isfinite(value) or history.diverged is not None:
            return False
        history.diverged = describe(state.epoch, state.step, state.global_step, value, self.optimizer.lr,
                                    self.on_divergence, as_input(xb, None).data, y, self.model.parameters())
        announce(history.diverged, history, self.on_divergence)
        if self.on_divergence == "stop":
            history.grad_norm.append(math.nan)
            self.diverged_now = True
            return True
        return False

    def record_gradients(self, params: list, max_norm: float | None) -> None:
        """Let the monitor read the fresh gradients, then record their total norm (clipping first if asked)."""
        _call(self.monitor, "on_step", self.model, self.state.global_step, self.state.loss)
        norm = clip_total_norm(params, max_norm) if max_norm is not None else total_grad_norm(params)
        self.history.grad_norm.append(norm)

    def end_step(self) -> None:
        _call(self.monitor, "on_step_end", self.model, self.state.global_step)
        for cb in self.callbacks:
            _call(cb, "on_batch_end", self.state)
        self.bar.update(1)
        if self.state.step % 10 == 1:
            self.bar.set_postfix_str(f"loss {self.state.loss:.4g}", refresh=False)

    def end_epoch(self) -> bool:
        """Close the epoch's records, validate, run the callbacks; True if training should stop."""
        history = self.history
        if self.count == 0:
            raise ValueError("fit: the training data gave no batches")
        history.steps_per_epoch.append(self.state.step)
        history.lr.append(self.epoch_lr)
        history.train_loss.append(self.total / self.count)
        if self.rule is not None:
            history.train_acc.append(self.right / self.counted)
        if self.val is not None:
            pair = isinstance(self.val, tuple)
            v_loss, v_acc = evaluate(self.model, self.loss_fn, self.val,
                                     batch_size=max(self.batch_size or 0, 256) if pair else None)
            history.val_loss.append(v_loss)
            if v_acc is not None:
                history.val_acc.append(v_acc)
        self.bar.set_postfix_str(_epoch_postfix(history), refresh=True)
        _call(self.monitor, "on_epoch_end", self.state.epoch, history)
        for cb in self.callbacks:
            _call(cb, "on_epoch_end", self.state)
        if self.diverged_now:
            return True
        if self.state.stop_requested:
            history.stopped_early, history.stop_reason = True, self.state.stop_reason
            return True
        return False


def _check_validation_shape(model, X_val: np.ndarray, X_train: np.ndarray, dtype) -> None:
    """Validation samples shaped unlike the training samples: if the model cannot take one, say so
    now, not after an epoch of training when validation first runs it (a model that ends in global
    pooling may take other sizes, so one sample is tried, in eval mode and without a graph)."""
    try:
        with eval_mode(model):
            model(as_input(X_val[:1], dtype))
    except (ValueError, TypeError) as e:
        what = str(e).split(". ")[0].rstrip(".")         # the layer's own words, without its advice
        raise ValueError(f"fit: each validation sample has shape {X_val.shape[1:]} but each training sample has "
                         f"shape {X_train.shape[1:]}, and the model cannot take it ({what}). Prepare the "
                         "validation data the same way as the training data.") from None


def _check_all_targets(loss_fn, rule: str | None, out_shape: tuple, loader, val) -> None:
    """Check every label the run will see against the loss, before one of them fails in a random
    batch: class indices within the model's outputs, binary targets within [0, 1]."""
    labelled = [("training", labels_of(loader)),
                ("validation", val[1] if isinstance(val, tuple) else labels_of(val))]
    name = getattr(loss_fn, "__name__", type(loss_fn).__name__)
    for role, y in labelled:
        if y is None or y.size == 0:
            continue
        if rule == "argmax" and len(out_shape) == 2:
            check_class_labels(f"{name} (the {role} labels)", (len(y), out_shape[1]), y)
        elif rule in ("logit", "probability"):
            lo, hi = np.nanmin(y), np.nanmax(y)
            if lo < 0 or hi > 1:
                raise ValueError(f"fit: {name} needs targets in [0, 1] (one probability per output), but "
                                 f"the {role} targets range from {lo:g} to {hi:g}")


def _epoch_postfix(history: History) -> str:
    parts = [f"loss {history.train_loss[-1]:.4g}"]
    if history.train_acc:
        parts.append(f"acc {history.train_acc[-1]:.3f}")
    if history.val_loss:
        parts.append(f"val_loss {history.val_loss[-1]:.4g}")
    if history.val_acc:
        parts.append(f"val_acc {history.val_acc[-1]:.3f}")
    return ", ".join(parts)
