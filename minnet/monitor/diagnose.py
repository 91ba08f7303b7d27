"""``mn.diagnose``: read a finished run and say what went wrong, when, and how we know.

It reads the run's curves (per-epoch losses and accuracies, per-step losses and gradient norms),
``history.monitor`` when ``fit`` had one (per-layer gradient norms, update/weight ratios, dead and
saturated fractions), and, when given, the model and the data (dead units on the whole training
set, labels the model confidently disagrees with, outputs that change for the same input).

Where symptoms overlap it tells the causes apart by the instrument that separates them: a flat loss
is a too-low learning rate (tiny update/weight ratio), vanishing gradients (first/last gradient
ratio), dead units (dead fraction) or a zero-gradient op (gradients exactly zero), and the
``not_learning`` finding says what each instrument read. Thresholds: :mod:`minnet.monitor.rules`.
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..autograd import no_grad
from ..train.batching import as_input, param_dtype
from . import _probe, gradient_flow
from .findings import Finding, Report
from .instruments import dead_fraction
from .snapshots import untouched
from .rules import value as T


def diagnose(history, model=None, train: Any = None, val: Any = None) -> Report:
    """Diagnose a finished ``fit`` run from its :class:`~minnet.train.History` (and model and data if given).

    >>> history = mn.fit(model, loss_fn, opt, (X, y), val=(Xv, yv), epochs=30, monitor=mn.monitor.Monitor(model))
    >>> print(mn.diagnose(history, model, train=(X, y), val=(Xv, yv)))
    """
    run = _Run(history)
    checked, skipped = ["the loss curves"], []
    findings = run.divergence() + run.gradient_growth() + run.clipping()
    data = _probe.arrays(train, "training") if train is not None else None
    val_data = _probe.arrays(val, "validation") if val is not None else None
    # The model on the whole training set first: where it and the monitor's per-batch records both
    # speak (dead units, zero gradients), it is the better witness, and the first finding of a code stays.
    if model is not None and data is not None:
        checked.append("the model on the training data (dead units, confidently contradicted labels, zero gradients)")
        findings += _on_data(model, data, run)
    else:
        skipped.append("dead units on the whole training set, noisy labels, zero-gradient ops: pass model= and train=")
    mon = getattr(history, "monitor", None)
    if mon is not None and hasattr(mon, "get") and len(getattr(mon, "steps", ())):
        checked.append("per-layer gradients, updates, dead and saturated units (monitor)")
        findings += _Instruments(mon, run, model).findings()
    else:
        skipped.append("per-layer gradients, update/weight ratios, dead and saturated units: fit had no "
                       "monitor (pass monitor=mn.monitor.Monitor(model))")
    if model is not None and (val_data or data) is not None:
        checked.append("the same input twice (stochastic inference)")
        findings += _stochastic_inference(model, (val_data or data)[0])
    findings += run.curves(findings, data)
    return Report(_merge(findings), checked, skipped, title="Diagnosis")


def _merge(findings: list[Finding]) -> list[Finding]:
    """Each code once: the most severe finding of it (the first on ties), with the earliest epoch any
    of them saw (the whole-data check knows how bad it is; the monitor knows since when)."""
    order = {"error": 0, "warning": 1, "info": 2}
    best: dict[str, Finding] = {}
    for f in findings:
        if f.code not in best or order[f.severity] < order[best[f.code].severity]:
            best[f.code] = f
    for f in findings:
        kept = best[f.code]
        if f.epoch is not None and (kept.epoch is None or f.epoch < kept.epoch):
            kept.epoch = f.epoch
    return list(best.values())


class _Run:
    """The curves of a history, with the arithmetic the rules share."""

    def __init__(self, history) -> None:
        self.h = history
        self.step_loss = np.asarray(history.step_loss, dtype=float)
        self.grad_norm = np.asarray(history.grad_norm, dtype=float)
        self.ends = np.cumsum(history.steps_per_epoch) if len(history.steps_per_epoch) else np.array([], int)

    def epoch_of_step(self, step: int) -> int | None:
        """The epoch (from 1) that global step ``step`` (from 1) belongs to."""
        if not len(self.ends):
            return None
        return int(min(np.searchsorted(self.ends, step) + 1, len(self.ends)))

    def loss_start_end(self) -> tuple[float, float] | None:
        """The training loss at the start and at the end: the first and the last epoch's means (each over
        the whole training set, so batch-to-batch noise cancels), or with one epoch the mean of its first
        and last tenth of steps. None when there is too little to tell."""
        tr = [v for v in self.h.train_loss if math.isfinite(v)]
        if len(self.h.train_loss) >= 2 and len(tr) == len(self.h.train_loss):
            return float(tr[0]), float(tr[-1])
        finite = self.step_loss[np.isfinite(self.step_loss)]
        if len(finite) < 4:
            return None
        k = max(1, len(finite) // 10)
        return float(np.mean(finite[:k])), float(np.mean(finite[-k:]))

    # ---- rules on the per-step records -------------------------------------------------------------
    def divergence(self) -> list[Finding]:
        d = self.h.diverged
        if d is None:
            return []
        found = [Finding("diverged", "error", d.message, {"epoch": d.epoch, "step": d.step, "loss": d.value,
                                                            "lr": d.lr, "cause": d.cause}, epoch=d.epoch)]
        if d.cause == "data":
            found.append(Finding("nan_in_data", "error", "The batch in which the loss became NaN held NaN/inf "
                                 "values, so the data, not the learning rate, made it diverge.",
                                 {"epoch": d.epoch, "step": d.step}, epoch=d.epoch))
        return found

    def gradient_growth(self) -> list[Finding]:
        """The total gradient norm growing by orders of magnitude from its early typical value.

        "Early" is the median of the first twentieth of the finite steps (at least five), but never
        more than their first quarter: a run that explodes within a few steps and then turns NaN
        (a deep net with too large weights) is measured against its first step, not against the
        explosion itself. Three finite steps are the least that show a growth."""
        g = self.grad_norm
        finite = np.flatnonzero(np.isfinite(g))
        if len(finite) < 3:
            return []
        early = float(np.median(g[finite[:min(max(5, len(finite) // 20), max(1, len(finite) // 4))]]))
        if early <= 0:
            return []
        growth = g[finite] / early
        if growth.max() >= T("grad_growth"):
            step = int(finite[np.argmax(growth >= T("grad_growth"))]) + 1
            return [Finding(
                "exploding_gradients", "warning",
                f"The total gradient norm grew from a typical {early:.3g} in the first steps to {g[finite].max():.3g} "
                f"({growth.max():.2g}x), first past {T('grad_growth'):.0f}x at step {step}.",
                {"early": early, "peak": float(g[finite].max()), "growth": float(growth.max()), "step": step},
                epoch=self.epoch_of_step(step))]
        return []

    def clipping(self) -> list[Finding]:
        clip = getattr(self.h, "clip_grad_norm", None)
        g = self.grad_norm[np.isfinite(self.grad_norm)]
        if clip is None or not len(g):
            return []
        clipped = float(np.mean(g > clip))
        if clipped >= T("clipped_fraction"):
            return [Finding(
                "clipping_always_on", "warning",
                f"Gradient clipping at norm {clip:g} cut the gradient on {clipped:.0%} of the steps (median norm "
                f"before clipping {np.median(g):.3g}): the clip, not the learning rate, sets the step size.",
                {"clip": clip, "clipped_fraction": clipped, "median_norm": float(np.median(g))})]
        return []

    # ---- rules on the per-epoch curves --------------------------------------------------------------
    def curves(self, found_so_far: list[Finding], data) -> list[Finding]:
        h, found = self.h, []
        codes = {f.code for f in found_so_far}
        ends = self.loss_start_end()
        if ends is not None and h.diverged is None:
            start, end = ends
            if start > 0 and (start - end) / start < T("flat_improvement"):
                found.append(Finding(
                    "not_learning", "warning",
                    f"The training loss went from {start:.4g} (at the start) to {end:.4g} (at the end): "
                    f"{(start - end) / start:.1%} in {len(self.step_loss)} steps. " + _why_flat(found_so_far),
                    {"start": start, "end": end}))
                codes.add("not_learning")
        found += self._overfitting()
        if not codes & _CAUSES_OF_POOR_FIT:
            found += self._underfitting(data)
        if "not_learning" not in codes:
            found += self._still_improving()
        found += self._rising(codes)
        return found

    def _overfitting(self) -> list[Finding]:
        """The validation loss turned up while the training loss kept falling, or the model does far
        better on its training data than on new data."""
        h = self.h
        if len(h.val_loss) < 4 or len(h.train_loss) != len(h.val_loss) or h.restored_epoch is not None:
            return []                # (EarlyStopping put the best weights back: the model did not keep the damage)
        val, tr = np.asarray(h.val_loss, float), np.asarray(h.train_loss, float)
        if not np.all(np.isfinite(val)):
            return []
        best = int(np.argmin(val))
        rise = val[-1] / val[best] - 1 if val[best] > 0 else 0.0
        gap = (h.train_acc[-1] - h.val_acc[-1]) if h.train_acc and h.val_acc else None
        turned = best <= len(val) - 3 and rise >= T("overfit_rise") and tr[-1] < tr[best] and \
            val[-1] - val[best] >= T("overfit_rise_sigmas") * _scatter(val) and (gap is None or gap >= T("overfit_gap"))
        apart = gap is not None and gap >= T("overfit_large_gap")
        if not (turned or apart):
            return []
        parts = []
        if turned:
            parts.append(f"the validation loss was lowest at epoch {best + 1} ({val[best]:.4g}) and rose {rise:.0%} to "
                         f"{val[-1]:.4g} while the training loss kept falling ({tr[best]:.4g} -> {tr[-1]:.4g})")
        if gap is not None:
            parts.append(f"training accuracy is {h.train_acc[-1]:.0%}, validation accuracy {h.val_acc[-1]:.0%}")
        first = best + 2 if turned else next(i + 1 for i in range(len(val)) if h.train_acc[i] - h.val_acc[i]
                                             >= T("overfit_large_gap"))
        return [Finding(
            "overfitting", "warning", "; ".join(parts).capitalize() + ": the model learns its training data "
            "by heart instead of what carries over to new data.",
            {"best_epoch": best + 1, "best_val_loss": float(val[best]), "final_val_loss": float(val[-1]),
             "rise": float(rise), "accuracy_gap": gap}, epoch=min(first, len(val)))]

    def _plateau(self) -> float | None:
        """Relative improvement of the training loss per epoch over the last third of the run."""
        tr = np.asarray(self.h.train_loss, float)
        if len(tr) < 6 or not np.all(np.isfinite(tr)):
            return None
        third = tr[-max(2, len(tr) // 3):]
        if third[0] <= 0:
            return None
        return float((third[0] - third[-1]) / third[0] / (len(third) - 1))

    def _underfitting(self, data) -> list[Finding]:
        """Poor on the training data itself, and no longer improving (a capacity ceiling)."""
        h = self.h
        if len(h.train_loss) < 6:
            return []
        third = max(2, len(h.train_loss) // 3)
        if h.train_acc:
            acc = h.train_acc[-1]
            gain = h.train_acc[-1] - h.train_acc[-third]
            val_poor = not h.val_acc or h.val_acc[-1] < T("underfit_accuracy")
            if acc < T("underfit_accuracy") and gain < T("plateau_accuracy_gain") and val_poor:
                val = f" and {h.val_acc[-1]:.0%} on validation" if h.val_acc else ""
                return [Finding(
                    "underfitting", "warning",
                    f"Training accuracy levelled off at {acc:.0%}{val} (it rose {gain:+.1%} over the last {third} "
                    "epochs): the model does not fit even the data it trains on.",
                    {"train_acc": acc, "val_acc": h.val_acc[-1] if h.val_acc else None, "gain": gain})]
            return []
        slope = self._plateau()
        if slope is None or slope >= T("plateau_slope"):
            return []
        if data is not None and np.asarray(data[1]).dtype.kind == "f":
            var = float(np.var(np.asarray(data[1], float)))
            if var > 0:
                r2 = 1 - h.train_loss[-1] / var
                if r2 < T("underfit_r2"):
                    return [Finding(
                        "underfitting", "warning",
                        f"The training loss levelled off at {h.train_loss[-1]:.4g}, {1 - r2:.0%} of the targets' "
                        f"variance {var:.4g} (R^2 ~ {r2:.2f}): the model does not fit the data it trains on.",
                        {"train_loss": h.train_loss[-1], "target_variance": var, "r2": r2, "slope": slope})]
        return []

    def _still_improving(self) -> list[Finding]:
        h = self.h
        curve = np.asarray(h.val_loss if h.val_loss else h.train_loss, float)
        if len(curve) < 4 or h.stopped_early or not np.all(np.isfinite(curve)):
            return []
        drop = (curve[-4] - curve[-1]) / curve[-4] if curve[-4] > 0 else 0.0
        total = curve[0] - curve[-1]
        share = (curve[-4] - curve[-1]) / total if total > 0 else 0.0
        if int(np.argmin(curve)) == len(curve) - 1 and drop >= T("still_improving_drop") and \
                share >= T("still_improving_share"):
            which = "validation" if h.val_loss else "training"
            return [Finding(
                "still_improving", "warning",
                f"The {which} loss was still falling when training stopped: {drop:.0%} over the last three epochs, "
                f"reaching its lowest value ({curve[-1]:.4g}) in the last epoch ({len(curve)}).",
                {"curve": which, "drop_last_3_epochs": float(drop), "share_of_improvement": float(share),
                 "final": float(curve[-1])}, epoch=len(curve))]
        return []

    def _rising(self, codes: set) -> list[Finding]:
        """A training loss that ends above where it started: the steps overshoot."""
        tr = np.asarray(self.h.train_loss, float)
        if len(tr) < 3 or self.h.diverged is not None or not np.all(np.isfinite(tr)) or "lr_too_high" in codes:
            return []
        if tr[-1] > tr[0] and tr.max() > 1.5 * tr.min():
            return [Finding(
                "lr_too_high", "warning",
                f"The training loss ended higher than it began ({tr[0]:.4g} -> {tr[-1]:.4g}, peak {tr.max():.4g}): "
                "the steps overshoot instead of descending.", {"first": float(tr[0]), "last": float(tr[-1]),
                                                                 "max": float(tr.max())},
                epoch=int(np.argmax(tr > tr[0])) + 1)]
        return []


# When one of these explains a poor, flat curve, "underfitting" (too little capacity, too much
# regularization) is not the diagnosis.
_CAUSES_OF_POOR_FIT = {"not_learning", "lr_too_low", "vanishing_gradients", "dead_relu", "zero_gradient",
                       "diverged", "saturated_units", "lr_too_high", "noisy_labels"}


def _why_flat(found: list[Finding]) -> str:
    """The differential diagnosis of a flat loss, from what the other rules read."""
    codes = {f.code: f for f in found}
    if "zero_gradient" in codes:
        return "Cause: the gradients are exactly zero (" + codes["zero_gradient"].message.split(":")[0] + ")."
    if "dead_relu" in codes:
        return "Cause: dead ReLU units (" + f"{codes['dead_relu'].evidence.get('dead_fraction', 0):.0%} of layer " \
               f"{codes['dead_relu'].layer})."
    if "vanishing_gradients" in codes:
        return f"Cause: vanishing gradients (first/last gradient ratio {codes['vanishing_gradients'].evidence.get('ratio', 0):.2g})."
    if "lr_too_low" in codes:
        return f"Cause: a too-low learning rate (update/weight ratio {codes['lr_too_low'].evidence.get('update_ratio', 0):.2g})."
    if "saturated_units" in codes:
        return "Cause: saturated units."
    return ("A flat loss is a too-low learning rate (update/weight << 1e-3), vanishing gradients (first/last "
            "gradient ratio << 1), dead units (dead fraction) or a zero-gradient op (gradients exactly 0): "
            "a monitor (fit(monitor=mn.monitor.Monitor(model))) and model=/train= let diagnose tell which.")


class _Instruments:
    """Rules on the monitor's per-layer records."""

    def __init__(self, mon, run: _Run, model) -> None:
        self.mon, self.run = mon, run
        self.steps = np.asarray(mon.steps)
        self.roles = _layer_roles(mon, model)

    def get(self, metric: str) -> dict[str, np.ndarray]:
        try:
            return {k: np.asarray(v, float) for k, v in self.mon.get(metric).items()}
        except (KeyError, ValueError):
            return {}

    def epoch_at(self, index: int) -> int | None:
        return self.run.epoch_of_step(int(self.steps[index])) if len(self.steps) else None

    def findings(self) -> list[Finding]:
        zero = self.zero()
        steps = [f for f in self.update_ratio() if not (zero and f.code == "lr_too_low")]   # zero explains it
        return zero + self.gradient_ratio() + self.dead() + self.saturated() + steps

    def gradient_ratio(self) -> list[Finding]:
        g = self.get("grad_norm")
        names = [n for n in self.mon.layers if n in g and self.roles.get(n, "weight") == "weight"]
        if len(names) < 3:
            return []
        first, last = g[names[0]], g[names[-1]]
        ok = np.isfinite(first) & np.isfinite(last) & (last > 0)
        # A first layer whose gradient is mostly exact zeros is cut off (dead units, a zero-gradient
        # op), not vanishing: those steps tell nothing about the ratio (DIAGNOSIS-NOTES: the exact-zero
        # fraction is the instrument that tells the two apart).
        zeros = self.get("grad_zero_fraction").get(names[0])
        if zeros is not None and len(zeros) == len(first):
            ok &= ~(zeros >= 0.5)
        if ok.sum() == 0:
            return []
        ratio = first[ok] / last[ok]
        med = float(np.median(ratio))
        ev = {"first": names[0], "last": names[-1], "ratio": med,
              "first_norm": float(np.median(first[ok])), "last_norm": float(np.median(last[ok]))}
        if med <= T("vanishing_ratio"):
            return [Finding(
                "vanishing_gradients", "warning",
                f"The gradient of layer {names[0]} was typically {med:.2g} times that of layer {names[-1]} "
                f"({ev['first_norm']:.3g} against {ev['last_norm']:.3g}): the first layers barely learn.",
                ev, layer=names[0], epoch=self.epoch_at(int(np.argmax(ok))))]
        if med >= T("exploding_ratio"):
            return [Finding(
                "exploding_gradients", "warning",
                f"The gradient of layer {names[0]} was typically {med:.3g} times that of layer {names[-1]}: it "
                "grows on its way back through the layers.", ev, layer=names[0],
                epoch=self.epoch_at(int(np.argmax(ok))))]
        return []

    def _late(self, values: np.ndarray) -> float:
        """Typical value over the last quarter of the records (at least one)."""
        tail = values[-max(1, len(values) // 4):]
        tail = tail[np.isfinite(tail)]
        return float(np.median(tail)) if len(tail) else math.nan

    def dead(self) -> list[Finding]:
        for name, values in self.get("dead_fraction").items():
            if self.roles.get(name) != "relu":
                continue                    # LeakyReLU/ELU/GELU units below 0 still pass a gradient
            late = self._late(values)
            if late >= T("dead_fraction"):
                first = int(np.argmax(values >= T("dead_fraction")))
                return [Finding(
                    "dead_relu", "warning",
                    f"{late:.0%} of layer {name}'s units were inactive for every sample of a batch at the end of "
                    f"training (first past {T('dead_fraction'):.0%} at step {int(self.steps[first])}).",
                    {"layer": name, "dead_fraction": late, "step": int(self.steps[first])},
                    layer=name, epoch=self.epoch_at(first))]
        return []

    def saturated(self) -> list[Finding]:
        for name, values in self.get("saturated_fraction").items():
            late = self._late(values)
            if late >= T("saturated_fraction"):
                first = int(np.argmax(values >= T("saturated_fraction")))
                return [Finding(
                    "saturated_units", "warning",
                    f"{late:.0%} of layer {name}'s outputs sat in the flat tails of its activation at the end of "
                    "training, where the derivative is nearly 0.", {"layer": name, "saturated_fraction": late},
                    layer=name, epoch=self.epoch_at(first))]
        return []

    def update_ratio(self) -> list[Finding]:
        """Step sizes early in training, per layer (median over the first fifth of the records).

        Too high: the typical layer moves by more than 10% of its norm per step. Too low: even the
        layer that moves most moves by less than 1e-4 of its norm (vanishing gradients make the
        first layers' ratios tiny too, but not the last layer's: that is how the two differ), yet
        not by exactly 0: a learning rate scales a step, it cannot make it vanish. No layer moving
        at all is zero gradients (a dead output, a zero-derivative op), which other rules name.
        """
        u = self.get("update_ratio")
        per_layer = []
        for v in u.values():
            early = v[:max(1, len(v) // 5)]
            early = early[np.isfinite(early)]
            if len(early):
                per_layer.append(float(np.median(early)))
        if not per_layer:
            return []
        typical, largest = float(np.median(per_layer)), max(per_layer)
        if typical >= T("update_ratio_high"):
            return [Finding(
                "lr_too_high", "warning",
                f"Each step changed a typical layer's weights by {typical:.2g} of their norm in the first fifth of "
                "training (healthy: ~1e-3): the steps are far too large.",
                {"update_ratio": typical, "per_layer": per_layer}, epoch=self.epoch_at(0))]
        ends = self.run.loss_start_end()
        slow = ends is None or ends[0] <= 0 or (ends[0] - ends[1]) / ends[0] < 0.5
        if 0 < largest <= T("update_ratio_low") and slow:
            return [Finding(
                "lr_too_low", "warning",
                f"Each step changed even the fastest-moving layer's weights by only {largest:.2g} of their norm in "
                "the first fifth of training (healthy: ~1e-3), and the loss fell by less than half: the steps are "
                "far too small.", {"update_ratio": largest, "per_layer": per_layer}, epoch=self.epoch_at(0))]
        return []

    def zero(self) -> list[Finding]:
        z = self.get("grad_zero_fraction")
        full = [n for n, v in z.items() if len(v) and np.all(v[np.isfinite(v)] >= 1.0)]
        dead_layers = {f.layer for f in self.dead()}
        if z and len(full) == len(z) and not dead_layers:
            return [Finding("zero_gradient", "error",
                            "Every recorded gradient of every layer was exactly zero: no weight ever changed.",
                            {"layers": full})]
        return []


def _layer_roles(mon, model) -> dict[str, str]:
    """What each monitored layer is (see ``_probe.role``): from the model if given, else from the
    monitor's record of layer types."""
    if model is not None:
        return {n: _probe.role(m) for n, m in model.named_modules()}
    types = getattr(mon, "layer_types", {}) or {}
    names = {"ReLU": "relu", "LeakyReLU": "leaky", "ELU": "leaky", "GELU": "leaky", "Sigmoid": "sigmoid",
             "Tanh": "tanh", "BatchNorm1D": "norm", "BatchNorm2D": "norm"}
    return {layer: names.get(t, "weight" if layer in getattr(mon, "weight_layers", ()) else "other")
            for layer, t in types.items()}


# ---- the model and the data --------------------------------------------------------------------------

def _on_data(model, data: tuple, run: _Run) -> list[Finding]:
    X, y = data
    found = []
    with untouched(model):
        out, layers = _probe.trace(model, X, training=False)
        for l in layers:
            dead = dead_fraction(l.output) if l.role == "relu" else 0.0
            if dead >= T("dead_fraction"):
                found.append(Finding(
                    "dead_relu", "warning",
                    f"{dead:.0%} of layer {l.name}'s units output 0 for every one of the {len(X)} training "
                    "samples: they pass no gradient and can never recover.",
                    {"layer": l.name, "dead_fraction": dead, "samples": len(X)}, layer=l.name))
                break
        found += _noisy_labels(out.data, np.asarray(y), run)
        g = run.grad_norm[np.isfinite(run.grad_norm)]
        loss_fn = getattr(run.h, "loss_fn", None)
        if len(g) and np.all(g == 0) and loss_fn is not None:
            found += [f for f in gradient_flow.check_one_step(model, loss_fn, (X[:256], y[:256]), layers)
                      if f.code == "zero_gradient"]
    return found


def _noisy_labels(logits: np.ndarray, y: np.ndarray, run: _Run) -> list[Finding]:
    """Training samples whose label the trained model confidently contradicts: it gives the label less
    than 10% probability and predicts another class. Only a model that has learned every class (it
    agrees with at least half the labels of each) is asked: a broken or too small model contradicts
    whole classes, which says nothing about the labels."""
    if logits.ndim != 2 or logits.shape[1] < 2 or y.dtype.kind not in "iu" or y.ndim != 1 or \
            run.h.diverged is not None or not np.all(np.isfinite(logits)):
        return []
    z = logits - logits.max(axis=1, keepdims=True)
    p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    pred = p.argmax(axis=1)
    agree = float(np.mean(pred == y))
    per_class = [float(np.mean(pred[y == c] == c)) for c in np.unique(y)]
    contradicted = (pred != y) & (p[np.arange(len(y)), y] < T("contradicted_p"))
    frac = float(np.mean(contradicted))
    # A model that does no better on held-out labels than on its own training labels has not shown
    # that the training labels are what fails it (an overconfident, badly trained model contradicts
    # many labels too); noisy training labels are the one thing that makes validation accuracy exceed
    # the agreement with the training labels.
    generalizes = not run.h.val_acc or run.h.val_acc[-1] >= agree - T("agreement_tolerance")
    if min(per_class) >= T("competent_agreement") and frac >= T("contradicted_fraction") and generalizes:
        idx = np.flatnonzero(contradicted)
        return [Finding(
            "noisy_labels", "warning",
            f"The trained model agrees with {agree:.0%} of the training labels but gives the label less than "
            f"{T('contradicted_p'):.0%} probability, and another class the most, for {frac:.0%} of the training "
            f"samples (e.g. samples {idx[:5].tolist()}): those labels are probably wrong.",
            {"fraction": frac, "agreement": agree, "examples": idx[:10].tolist(),
             "predicted": pred[idx[:10]].tolist(), "labels": y[idx[:10]].tolist(),
             "worst_class_agreement": min(per_class),
             "val_accuracy": run.h.val_acc[-1] if run.h.val_acc else None})]
    return []


def _stochastic_inference(model, X: np.ndarray) -> list[Finding]:
    """Two passes over the same inputs, in the mode the model is in now; and the first sample's output
    when it comes in a batch of half the size (not alone: batch norm in training mode refuses a batch
    of one, and a batch of half the samples has other statistics just as well)."""
    X = X[:64]
    if len(X) < 2:
        return []
    half = max(2, len(X) // 2)
    with untouched(model):
        mode = model.training
        x = as_input(X, param_dtype(model))
        with no_grad():
            a, b = model(x).data, model(x).data
            part = model(as_input(X[:half], param_dtype(model))).data
    with np.errstate(all="ignore"):
        differ = float(np.max(np.abs(a - b))) if a.shape == b.shape else math.inf
        batch = float(np.max(np.abs(part[0] - a[0])))
    # at least 1: outputs near 0 (a model predicting a small mean) are sums of terms of order 1, whose
    # rounding in batches of different sizes differs on the scale of those terms, not of the outputs
    tolerance = T("inference_difference") * max(float(np.max(np.abs(a))), 1.0)
    if differ > tolerance or batch > tolerance:
        what = "two passes over the same inputs differ" if differ > tolerance else \
            "a sample's output depends on the other samples of its batch"
        return [Finding(
            "stochastic_inference", "warning" if mode else "error",
            f"The model is in {'training' if mode else 'evaluation'} mode and {what} (max difference "
            f"{max(differ, batch):.3g}): predictions made like this are noisy. Dropout is only for training, and "
            "batch norm must use its running statistics when predicting.",
            {"training_mode": mode, "max_difference": differ, "batch_dependence": batch})]
    return []


def _scatter(curve: np.ndarray) -> float:
    """The standard deviation of a curve's epoch-to-epoch noise around its own trend.

    A smooth trend has second differences near zero; independent noise of deviation sigma gives
    second differences of deviation sigma·√6, whose median absolute value is 0.6745·sigma·√6. So
    sigma = median|v[i+1] - 2·v[i] + v[i-1]| / (0.6745·√6), which a few wild epochs do not inflate.
    """
    second = np.abs(np.diff(curve, 2))
    return float(np.median(second)) / (0.6745 * np.sqrt(6)) if second.size else 0.0

