"""What ``mn.diagnose`` reads off the monitor's per-layer records: the gradient ratio from the first
layer to the last, dead and saturated units, update/weight ratios, gradients that are exactly zero."""
from __future__ import annotations

import math

import numpy as np

from . import _probe
from .diagnose_curves import _Run
from .findings import Finding
from .rules import value as T


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
