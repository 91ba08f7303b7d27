"""``mn.diagnose``: read a finished run and say what went wrong, when, and how we know.

It reads the run's curves (per-epoch losses and accuracies, per-step losses and gradient norms),
``history.monitor`` when ``fit`` had one (per-layer gradient norms, update/weight ratios, dead and
saturated fractions), and, when given, the model and the data (dead units on the whole training
set, labels the model confidently disagrees with, outputs that change for the same input).

Where symptoms overlap it tells the causes apart by the instrument that separates them: a flat loss
is a too-low learning rate (tiny update/weight ratio), vanishing gradients (first/last gradient
ratio), dead units (dead fraction) or a zero-gradient op (gradients exactly zero), and the
``not_learning`` finding says what each instrument read. Thresholds: :mod:`minnet.monitor.rules`.

The rules are in three files: ``diagnose_curves.py`` (the curves), ``diagnose_layers.py`` (the
monitor's per-layer records) and this one (the entry point, and the model run on the data).
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

from .diagnose_curves import _Run
from .diagnose_layers import _Instruments


def diagnose(history, model=None, train: Any = None, val: Any = None) -> Report:
    """Diagnose a finished ``fit`` run from its :class:`~minnet.train.History` (and model and data if given).

    >>> history = mn.fit(model, loss_fn, opt, (X, y), val=(Xv, yv), epochs=30, monitor=mn.monitor.Monitor(model))
    >>> print(mn.diagnose(history, model, train=(X, y), val=(Xv, yv)))
    """
    # A diverged run has inf and NaN weights: running the model on the data then overflows, which
    # NumPy would report with a warning from deep inside minnet. The report says it better.
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        return _diagnose(history, model, train, val)


def _diagnose(history, model, train, val) -> Report:
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
    # (inf − inf in a diverged model is NaN here, quietly: diagnose() runs under np.errstate)
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
