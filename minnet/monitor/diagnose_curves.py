"""What ``mn.diagnose`` reads off a run's curves: divergence, gradient growth, clipping, a flat
loss and its differential diagnosis, overfitting, underfitting, a run stopped too early."""
from __future__ import annotations

import math

import numpy as np

from .findings import Finding
from .rules import value as T


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


def _scatter(curve: np.ndarray) -> float:
    """The standard deviation of a curve's epoch-to-epoch noise around its own trend.

    A smooth trend has second differences near zero; independent noise of deviation sigma gives
    second differences of deviation sigma·√6, whose median absolute value is 0.6745·sigma·√6. So
    sigma = median|v[i+1] - 2·v[i] + v[i-1]| / (0.6745·√6), which a few wild epochs do not inflate.
    """
    second = np.abs(np.diff(curve, 2))
    return float(np.median(second)) / (0.6745 * np.sqrt(6)) if second.size else 0.0
