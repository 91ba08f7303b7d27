"""``mn.lr_find``: the learning-rate range test.

Train for a short while with a learning rate that grows exponentially at every step, from
``start_lr`` to ``end_lr``, and watch the loss: at first it barely moves (the lr is too small to
matter), then it falls faster and faster, then it turns and runs away (the lr is too large, the
steps overshoot). A good learning rate sits well before the turn. The model's weights and the
optimizer's state are put back afterwards, so the test leaves no trace::

    lrs, losses, suggested = mn.lr_find(model, loss_fn, optimizer, (X, y))
    optimizer.lr = suggested
"""
from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .. import _plotting
from .batching import as_input, as_pair, as_targets, param_dtype, training_batches
from .callbacks import restore_weights, snapshot_weights


@dataclass
class LRFinderResult:
    """What :func:`lr_find` measured. Unpacks as ``lrs, losses, suggested_lr``.

    * ``lrs``: the learning rate of each step (an exponential sweep).
    * ``losses``: the smoothed loss at each step (what to plot against ``lrs`` on a log axis);
      ``raw_losses``: the batch losses as computed.
    * ``suggested_lr``: the lr at the smoothed loss's minimum, divided by 10 (a tenth of the rate
      where the loss stops improving: clear of the cliff, yet not timid).
    * ``min_loss_lr``: the lr at the smoothed loss's minimum.
    * ``steepest_lr``: the lr where the smoothed loss falls fastest per decade of lr, before its
      minimum (another common pick, noisier; ``None`` when the sweep was too short).
    * ``diverged``: True when the sweep stopped because the loss ran away, before ``end_lr``.
    """

    lrs: np.ndarray
    losses: np.ndarray
    suggested_lr: float
    raw_losses: np.ndarray = field(repr=False)
    min_loss_lr: float = math.nan
    steepest_lr: float | None = None
    diverged: bool = False

    def __iter__(self):
        return iter((self.lrs, self.losses, self.suggested_lr))

    def __len__(self) -> int:
        return 3

    def __getitem__(self, i):
        return (self.lrs, self.losses, self.suggested_lr)[i]

    def __repr__(self) -> str:
        end = "the loss ran away" if self.diverged else "reached end_lr"
        steep = "None" if self.steepest_lr is None else f"{self.steepest_lr:.3g}"
        return (f"LRFinderResult({len(self.lrs)} steps from lr {self.lrs[0]:.3g} to {self.lrs[-1]:.3g}, "
                f"{end}; suggested_lr={self.suggested_lr:.3g}, min_loss_lr={self.min_loss_lr:.3g}, "
                f"steepest_lr={steep})")

    def plot(self, path=None, title: str | None = "Learning-rate range test"):
        """Loss against lr (log axis) with the suggestion marked (:func:`minnet.plot.plot_lr_find`)."""
        return _plotting.draw("plot_lr_find", self, path=path, title=title)


def _smooth_and_suggest(lrs: np.ndarray, raw: np.ndarray, smoothing: float):
    """Bias-corrected moving average of the losses; the suggestions read from it."""
    smoothed, avg = np.empty(len(raw)), 0.0
    for i, value in enumerate(raw):
        avg = (1 - smoothing) * avg + smoothing * value
        smoothed[i] = avg / (1 - (1 - smoothing) ** (i + 1))
    # The first ~1/(2s) averages rest on a handful of batches, and one lucky batch there would pass
    # for the minimum: look for the minimum after them.
    skip = min(int(0.5 / smoothing), len(raw) // 2)
    candidates = np.where(np.isfinite(smoothed), smoothed, np.inf)
    best = skip + int(np.argmin(candidates[skip:]))
    steepest = None
    if best - skip >= 2:
        slope = np.gradient(smoothed[skip:best + 1], np.log10(lrs[skip:best + 1]))
        steepest = float(lrs[skip + int(np.argmin(slope))])
    return smoothed, float(lrs[best]), steepest


def lr_find(model, loss_fn, optimizer, train: Any, start_lr: float = 1e-7, end_lr: float = 10.0,
            num_steps: int = 100, batch_size: int | None = 32, smoothing: float = 0.05,
            diverge_threshold: float = 4.0, seed: int | None = None) -> LRFinderResult:
    r"""The learning-rate range test: an exponential lr sweep, one training step per lr.

    Step ``i`` (from 0) trains one batch at ``lr_i = start_lr * (end_lr / start_lr) ** (i / (num_steps - 1))``
    and records its loss ``l_i``. The curve is smoothed by a moving average with bias correction
    (``s`` = ``smoothing``, the weight of the newest loss)::

        a_i = (1 - s) a_{i-1} + s l_i,   a_{-1} = 0;      smoothed_i = a_i / (1 - (1 - s)^(i+1))

    The sweep stops early when a loss is NaN or inf, or when ``smoothed_i > diverge_threshold *
    min(smoothed)`` (losses are assumed non-negative). The minimum is looked for after the first
    ``1 / (2 s)`` steps, whose averages rest on too few batches to be trusted. The suggestion is the lr at the smoothed
    minimum divided by 10: the lr where the loss stops improving is already on the edge of
    instability, and an order of magnitude below it trains fast and stably.

    ``train`` is an ``(X, y)`` pair (batches of ``batch_size``, shuffled with minnet's generator or
    ``seed``; the data is reused if ``num_steps`` needs more than one pass) or a DataLoader.

    Afterwards the model's weights, buffers and gradients, its train/eval mode, and the optimizer's
    state and learning rate are exactly as before. Returns an :class:`LRFinderResult`, which unpacks as
    ``lrs, losses, suggested_lr``.
    """
    if not (start_lr > 0 and end_lr > start_lr):
        raise ValueError(f"lr_find: need 0 < start_lr < end_lr, got start_lr={start_lr!r}, end_lr={end_lr!r}")
    if isinstance(num_steps, bool) or not isinstance(num_steps, int) or num_steps < 2:
        raise ValueError(f"lr_find: num_steps must be an integer >= 2, got {num_steps!r}")
    if not 0 < smoothing <= 1:
        raise ValueError(f"lr_find: smoothing must be in (0, 1] (1 = no smoothing), got {smoothing!r}")
    if not diverge_threshold > 1:
        raise ValueError(f"lr_find: diverge_threshold must be > 1, got {diverge_threshold!r}")
    pair = as_pair("training", train, who="lr_find")
    loader = training_batches(pair, batch_size, shuffle=True, seed=seed) if pair is not None else train
    params = list(model.parameters())
    dtype = param_dtype(model)

    saved_weights = snapshot_weights(model)
    saved_grads = [None if p.grad is None else p.grad.copy() for p in params]
    saved_optimizer = optimizer.state_dict()
    was_training = getattr(model, "training", True)
    lrs_planned = start_lr * (end_lr / start_lr) ** (np.arange(num_steps) / (num_steps - 1))
    lrs, raw, diverged = [], [], False
    avg, best = 0.0, math.inf
    try:
        if hasattr(model, "train"):
            model.train()
        batches = iter(loader)
        for i, lr in enumerate(lrs_planned):
            try:
                xb, yb = next(batches)
            except StopIteration:           # one pass was not enough: start another
                batches = iter(loader)
                xb, yb = next(batches)
            optimizer.lr = float(lr)
            optimizer.zero_grad()
            loss = loss_fn(model(as_input(xb, dtype)), as_targets(yb))
            value = float(loss.item())
            lrs.append(float(lr))
            raw.append(value)
            avg = (1 - smoothing) * avg + smoothing * value
            smoothed = avg / (1 - (1 - smoothing) ** (i + 1))
            if not math.isfinite(value) or smoothed > diverge_threshold * best:
                diverged = True
                break
            best = min(best, smoothed)
            loss.backward()
            optimizer.step()
    finally:
        restore_weights(model, saved_weights)
        optimizer.load_state_dict(saved_optimizer)
        for p, g in zip(params, saved_grads):
            p.grad = g
        if hasattr(model, "train"):
            model.train(was_training)

    lrs_arr, raw_arr = np.array(lrs), np.array(raw)
    smoothed_arr, min_lr, steepest = _smooth_and_suggest(lrs_arr, raw_arr, smoothing)
    if diverged and len(lrs) < max(10, num_steps // 10):
        warnings.warn(f"lr_find: the loss ran away after only {len(lrs)} steps (at lr {lrs[-1]:.3g}); "
                      "the suggestion is unreliable. Try a smaller start_lr.", RuntimeWarning, stacklevel=2)
    return LRFinderResult(lrs_arr, smoothed_arr, min_lr / 10, raw_losses=raw_arr, min_loss_lr=min_lr,
                          steepest_lr=steepest, diverged=diverged)
