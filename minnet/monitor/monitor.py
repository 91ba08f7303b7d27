"""``Monitor``: per-layer instruments recorded during ``mn.fit``.

    mon = mn.monitor.Monitor(model, every=10)
    history = mn.fit(model, loss_fn, opt, (X, y), epochs=5, monitor=mon)
    mon.get("grad_norm")      # {"0": array([...]), "2": array([...]), ...}: one value per recorded step
    print(mon.summary())      # first and last value of every metric, layer by layer
    mon.plot("monitor.png")

At every ``every``-th step (steps 1, 1 + every, 1 + 2·every, ...: the first step is always
recorded, so the run's starting point is known) it records, per layer (see
:mod:`minnet.monitor.layers` for what a layer is and its kind):

===================== ======================== =====================================================
metric                layers                   value
===================== ======================== =====================================================
``grad_norm``         with a ``weight``        ‖∂L/∂W‖₂ after backward, before clipping
``weight_norm``       with a ``weight``        ‖W‖₂ before that step's update
``update_ratio``      with a ``weight``        ‖ΔW‖ / ‖W before the update‖ for that step's update
``grad_zero_fraction`` with a ``weight``       fraction of ∂L/∂W entries exactly 0
``act_mean``          every layer              mean of the layer's output on that step's batch
``act_std``           every layer              std (ddof 0) of that output
``dead_fraction``     ReLU, LeakyReLU, ELU,    units ≤ 0 for every sample of the batch
                      GELU
``saturated_fraction`` Tanh, Sigmoid           outputs in the flat tails (|a| > 0.97; a < .03 or > .97)
===================== ======================== =====================================================

**Reading the records.** Compare layers, and watch trends rather than single values:

* ``grad_norm``: of the same order across depth in a healthy net. The first layers' norms orders
  of magnitude below the last layer's is vanishing gradients (AUTOTRAINER: first/last ≤ 1e-3),
  orders above (or NaN) exploding ones; exactly 0 with ``grad_zero_fraction`` 1 is a layer the
  gradient never reaches (a zero-derivative op, a ``detach()``, dead units above it).
* ``update_ratio``: about 1e-3 (cs231n); far below, the learning rate is too low or the layer's
  gradient vanishes (tell them apart with ``grad_norm`` of the other layers); far above, too high.
* ``act_std``: roughly constant from layer to layer (Glorot & Bengio 2010); shrinking by orders of
  magnitude with depth is a vanishing signal, growing an exploding one.
* ``dead_fraction``, ``saturated_fraction``, ``grad_zero_fraction``: see
  :mod:`minnet.monitor.instruments`, whose docstrings give the healthy values and their sources.

NaN and inf are recorded as they are: a diverging run shows where the numbers broke.

**Cost.** The forward hooks only check a flag on steps that are not recorded; a recorded step copies
the weights (for the update ratio) and reduces each layer's output once. With ``every=10`` a step
costs a few percent more on average (``benchmarks/test_monitor.py``).

**Across fit calls.** Handing the same monitor to a second ``fit`` continues its records: steps
go on counting from the last step of the previous run.
"""
from __future__ import annotations

import math

import numpy as np

from .. import _plotting
from ..nn import Module
from .instruments import l2_norm, norm_ratio
from .layers import (METRIC_KINDS, OutputCatcher, activation_record, applies, gradient_record, kind_of,
                     own_weight)
from .summary import summary_table

HISTOGRAM_OF = ("weight", "grad", "act")


class Monitor:
    """Records per-layer instruments every ``every`` steps of ``mn.fit(..., monitor=mon)``.

    * ``model``: the model ``fit`` trains (a minnet ``nn.Module``; hooks are put on its layers while
      training runs and taken off at the end).
    * ``every``: record steps 1, 1 + every, 1 + 2·every, ... (global steps, counted from 1).
    * ``histograms``: also keep, at each recorded step, a histogram (``bins`` bins) of every layer's
      output and of every weight and its gradient, for :meth:`histogram`.

    After (or during) training: ``layers`` (forward order), ``steps``, :meth:`get`,
    :meth:`histogram`, :meth:`summary`, :meth:`plot`, and :meth:`kind` / ``layer_types`` /
    ``weight_layers`` / ``first_layer`` / ``last_layer`` to pick layers by role.
    """

    METRICS = tuple(METRIC_KINDS)

    def __init__(self, model: Module, every: int = 1, histograms: bool = False, bins: int = 40) -> None:
        if not isinstance(model, Module):
            raise TypeError(f"Monitor needs a minnet nn.Module to watch, got {type(model).__name__}")
        if isinstance(every, bool) or not isinstance(every, (int, np.integer)) or every < 1:
            raise ValueError(f"Monitor: every must be a positive integer (record every n-th step), got {every!r}")
        if isinstance(bins, bool) or not isinstance(bins, (int, np.integer)) or bins < 1:
            raise ValueError(f"Monitor: bins must be a positive integer, got {bins!r}")
        self.model, self.every, self.histograms, self.bins = model, int(every), bool(histograms), int(bins)
        self._layers: list[str] = []
        self._kinds: dict[str, str] = {}
        self._types: dict[str, str] = {}
        self._modules: dict[str, Module] = {}
        self._steps: list[int] = []
        self._values: dict[str, dict[str, list[float]]] = {m: {} for m in self.METRICS}
        self._hists: dict[tuple[str, str], list[tuple[np.ndarray, np.ndarray]]] = {}
        self._catcher: OutputCatcher | None = None
        self._before: dict[str, np.ndarray] = {}   # each weight as it was before a recorded update
        self._update_pending = False
        self._offset = 0        # steps of earlier fit calls
        self._last_step = 0

    # ---- the fit protocol (see minnet.train.loop) -----------------------------------------------
    def on_train_begin(self, model) -> None:
        if model is not self.model:
            raise ValueError("Monitor: fit trains a different model from the one this Monitor was made "
                             "for; create it as Monitor(model) with the model you pass to fit")
        self._take_hooks_off()
        self._offset = self._last_step
        self._update_pending = False         # a run that ended in an exception may have left one
        self._catcher = OutputCatcher(model)
        self._catcher.armed = self._records(self._offset + 1)

    def on_step(self, model, step: int, loss: float) -> None:
        """After backward, before clipping and the update: record this step if it is one to record."""
        step += self._offset
        self._last_step = step
        if self._catcher is None or not self._records(step):
            return
        outputs, self._catcher.armed = self._catcher.outputs, False
        if not self._layers:
            self._learn_layers(outputs)
        self._steps.append(step)
        self._update_pending = True
        for name in self._layers:
            self._record_layer(name, outputs.get(name))
        outputs.clear()

    def on_step_end(self, model, step: int) -> None:
        """After the update: the update ratio of a recorded step; arm the hooks for the next one."""
        step += self._offset
        if self._update_pending:
            # update_to_weight_ratio(before, after), computed in the saved copy to allocate nothing
            for name, before in self._before.items():
                np.subtract(own_weight(self._modules[name]).data, before, out=before)
                ratio = norm_ratio(l2_norm(before), self._values["weight_norm"][name][-1])
                self._values["update_ratio"][name][-1] = ratio
            self._update_pending = False
        if self._catcher is not None:
            self._catcher.armed = self._records(step + 1)

    def on_epoch_end(self, epoch: int, history) -> None:
        if self._catcher is not None:
            self._catcher.outputs.clear()      # outputs of the validation pass are not a training step's

    def on_train_end(self, history) -> None:
        self._take_hooks_off()

    # ---- recording ------------------------------------------------------------------------------
    def _records(self, step: int) -> bool:
        return (step - 1) % self.every == 0

    def _take_hooks_off(self) -> None:
        if self._catcher is not None:
            self._catcher.remove()
            self._catcher = None

    def _learn_layers(self, outputs: dict) -> None:
        """Fix the layers and their order from the first recorded forward pass."""
        modules = dict(self._catcher.layers)
        self._layers = [name for name in outputs if name in modules]
        for name in self._layers:
            m = modules[name]
            self._modules[name], self._kinds[name], self._types[name] = m, kind_of(m), type(m).__name__
            for metric in self.METRICS:
                if applies(metric, self._kinds[name]):
                    self._values[metric][name] = []

    def _record_layer(self, name: str, out: np.ndarray | None) -> None:
        kind, values = self._kinds[name], self._values
        if out is None:                                    # the layer did not run in this step's forward
            acts = {k: math.nan for k in ("mean", "std", "dead_fraction", "saturated_fraction")}
        else:
            acts = activation_record(kind, out)
        values["act_mean"][name].append(acts["mean"])
        values["act_std"][name].append(acts["std"])
        if kind == "relu":
            values["dead_fraction"][name].append(acts["dead_fraction"])
        elif kind in ("tanh", "sigmoid"):
            values["saturated_fraction"][name].append(acts["saturated_fraction"])
        if self.histograms:
            self._add_histogram(name, "act", out)
        weight = own_weight(self._modules[name])
        if weight is None:
            return
        for metric, value in gradient_record(weight).items():
            values[metric][name].append(value)
        values["update_ratio"][name].append(math.nan)      # filled in by on_step_end
        before = self._before.get(name)
        if before is None or before.shape != weight.data.shape or before.dtype != weight.data.dtype:
            self._before[name] = weight.data.copy()
        else:
            np.copyto(before, weight.data)                 # reuse the buffer: fresh memory is slow
        if self.histograms:
            self._add_histogram(name, "weight", weight.data)
            self._add_histogram(name, "grad", np.zeros_like(weight.data) if weight.grad is None else weight.grad)

    def _add_histogram(self, name: str, of: str, a: np.ndarray | None) -> None:
        a = np.empty(0) if a is None else np.ravel(a)
        if not np.isfinite(a).all():
            a = a[np.isfinite(a)]                           # NaN/inf have no bin; act_mean etc. show them
        counts, edges = np.histogram(a, bins=self.bins)
        self._hists.setdefault((name, of), []).append((counts, edges))

    # ---- reading --------------------------------------------------------------------------------
    @property
    def layers(self) -> list[str]:
        """Layer names in forward order, learned from the first recorded step (empty before it)."""
        return list(self._layers)

    @property
    def steps(self) -> np.ndarray:
        """The global steps (counted from 1) at which the metrics were recorded."""
        return np.array(self._steps, dtype=np.int64)

    @property
    def layer_types(self) -> dict[str, str]:
        """``{layer: class name}``, e.g. ``{"0": "Dense", "1": "ReLU"}``, in forward order."""
        return {name: self._types[name] for name in self._layers}

    def kind(self, layer: str) -> str:
        """``"weight"``, ``"relu"``, ``"tanh"``, ``"sigmoid"`` or ``"other"`` (see ``minnet.monitor.layers``)."""
        self._check_layer(layer)
        return self._kinds[layer]

    @property
    def weight_layers(self) -> list[str]:
        """The layers with a weight (Dense, Conv, BatchNorm, ...), in forward order."""
        return [name for name in self._layers if self._kinds[name] == "weight"]

    @property
    def first_layer(self) -> str | None:
        """The first layer with a weight (the one vanishing gradients starve), or None."""
        return next(iter(self.weight_layers), None)

    @property
    def last_layer(self) -> str | None:
        """The last layer with a weight (usually the output layer), or None."""
        return self.weight_layers[-1] if self.weight_layers else None

    def get(self, metric: str) -> dict[str, np.ndarray]:
        """``{layer: values}`` for every layer the metric applies to, in forward order; one value per
        entry of :attr:`steps` (float64, NaN/inf as recorded). Metrics: see the module docstring."""
        if metric not in self._values:
            raise KeyError(f"Monitor has no metric {metric!r}; it records {', '.join(self.METRICS)}")
        return {name: np.array(v, dtype=np.float64) for name, v in self._values[metric].items()}

    def histogram(self, layer: str, of: str = "act", step: int = -1) -> tuple[np.ndarray, np.ndarray]:
        """``(counts, edges)`` of a layer's output (``of="act"``), weight or gradient at a recorded step.

        ``step``: a global step from :attr:`steps`, or a negative index into them (-1: the last
        recorded step). ``counts`` has ``bins`` entries and ``edges`` ``bins + 1``, spanning the
        finite values (NaN and inf are left out). Needs ``Monitor(..., histograms=True)``.
        """
        if not self.histograms:
            raise ValueError("Monitor: histograms were not kept; create the monitor with "
                             "Monitor(model, histograms=True) to record them")
        if of not in HISTOGRAM_OF:
            raise ValueError(f"Monitor.histogram: of must be one of {HISTOGRAM_OF}, got {of!r}")
        self._check_layer(layer)
        if of != "act" and self._kinds[layer] != "weight":
            raise ValueError(f"Monitor.histogram: layer {layer!r} ({self._types[layer]}) has no weight; "
                             f"layers with a weight: {', '.join(self.weight_layers) or 'none'}")
        return self._hists[(layer, of)][self.step_index(step)]

    def step_index(self, step: int) -> int:
        """Position in :attr:`steps` of a recorded global step, or of a negative index (-1: the last)."""
        if not self._steps:
            raise ValueError("Monitor: nothing recorded yet; pass the monitor to fit(..., monitor=mon) first")
        if step < 0:
            if -step > len(self._steps):
                raise IndexError(f"Monitor: step index {step} is out of range for {len(self._steps)} recorded steps")
            return len(self._steps) + step
        if step not in self._steps:
            raise ValueError(f"Monitor: step {step} was not recorded; recorded steps are 1, 1 + {self.every}, ... "
                             f"up to {self._steps[-1]} (every={self.every}); or use a negative index")
        return self._steps.index(step)

    def _check_layer(self, layer: str) -> None:
        if layer not in self._kinds:
            known = ", ".join(repr(n) for n in self._layers) or "none yet (nothing recorded)"
            raise KeyError(f"Monitor: no layer {layer!r}; the layers are {known}")

    # ---- showing --------------------------------------------------------------------------------
    def summary(self) -> str:
        """A table: per layer, the first → last recorded value of each metric that applies to it."""
        return summary_table(self)

    def plot(self, path=None, metrics=None):
        """One panel per metric, one line per layer (see :func:`minnet.plot.plot_monitor`); saved to
        ``path`` if given. Returns the matplotlib Figure."""
        return _plotting.draw("plot_monitor", self, path=path, metrics=metrics)

    def __repr__(self) -> str:
        last = f", last step {self._steps[-1]}" if self._steps else ""
        return (f"Monitor(every={self.every}, histograms={self.histograms}: {len(self._layers)} layers, "
                f"{len(self._steps)} recorded steps{last})")
