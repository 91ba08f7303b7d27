"""``mn.preflight``: the checks to run *before* training, in the order the sources' debugging workflow
takes them (001 "Debugging Workflow": check data, start simple, monitor gradients; 004 "Sanity
Checks"; Karpathy's recipe):

1. the data: NaN/inf, feature scales, constant features, target scale, class balance, classes
   missing from a split;
2. the model against the data: can the final activation produce the targets, does the loss fit them;
3. the initialization: symmetric units, activation and gradient scale across depth, dead or
   saturated units, the loss at initialization against chance;
4. one forward/backward: parameters that get exactly zero gradient, and the op that cut them;
5. a short attempt to overfit a tiny batch, on a copy of the model.

Nothing the caller can see changes: not the model (weights, buffers, gradients, mode) and not
minnet's random stream. Thresholds and their reasons are in :mod:`minnet.monitor.rules`.
"""
from __future__ import annotations

import copy
import math
import warnings
from typing import Any

import numpy as np

from ..autograd import Tensor, no_grad
from ..nn import Dropout
from ..optim import Adam
from ..train.batching import as_input, param_dtype
from . import _probe, gradient_flow
from .instruments import dead_fraction, saturated_fraction
from .snapshots import untouched
from .findings import Finding, Report
from .rules import value as T

PROBE_SIZE = 256      # samples used for the statistics at initialization
TINY_BATCH = 8        # samples in the overfitting attempt (Karpathy: 2; cs231n: ~20)


def preflight(model, loss_fn, train: Any, val: Any = None, overfit: bool = True) -> Report:
    """Check data, model, initialization and one training step before training; return a :class:`Report`.

    ``train`` and ``val`` are ``(X, y)`` pairs or loaders, as for ``mn.fit``. ``overfit=False`` skips
    the overfitting attempt (the slowest check). The model, its gradients and minnet's random
    stream are left exactly as they were.

    >>> report = mn.preflight(model, mn.losses.CrossEntropyLoss(), (X_train, y_train), val=(X_val, y_val))
    >>> print(report)          # worst first; report.ok is True when nothing is an error or warning
    """
    X, y = _probe.arrays(train, "training")
    Xv_yv = _probe.arrays(val, "validation")
    task = _task(loss_fn, y)
    findings: list[Finding] = []
    checked = ["data (NaN/inf, feature scales, constant features, targets, classes)"]
    findings += check_data(X, y, Xv_yv, task, class_weight=getattr(loss_fn, "weight", None))
    with untouched(model):
        probe = _probe_batch(X, y, task)
        if not all(np.all(np.isfinite(a)) for a in probe if np.asarray(a).dtype.kind == "f"):
            return Report(findings, checked, ["the model: the probe batch holds NaN/inf (fix the data first)"],
                          title="Preflight")
        out, layers = _probe.trace(model, probe[0], training=True)
        findings += check_model_against_data(out, layers, loss_fn, task, y)
        findings += check_initialization(model, layers, loss_fn, probe, task, out)
        findings += gradient_flow.check_one_step(model, loss_fn, probe, layers)
        checked += ["the model against the data", "initialization (symmetry, scale across depth, loss)",
                    "one forward/backward (zero gradients)"]
        skipped = []
        if overfit:
            findings += check_overfit_tiny_batch(model, loss_fn, X, y, task)
            checked.append(f"overfitting a batch of {TINY_BATCH} samples on a copy of the model")
        else:
            skipped.append("overfitting a tiny batch (overfit=False)")
    return Report(_once(findings), checked, skipped, title="Preflight")


# ---- what kind of problem -----------------------------------------------------------------------

def _task(loss_fn, y: np.ndarray) -> str:
    """ "multiclass" (class indices), "binary" (targets in [0, 1]) or "regression", from the loss."""
    rule = getattr(loss_fn, "accuracy_rule", None)
    if rule == "argmax":
        return "multiclass"
    if rule in ("logit", "probability"):
        return "binary"
    return "regression"


def _once(findings: list[Finding]) -> list[Finding]:
    """One finding per code: the first, which the checks emit in order of importance."""
    seen, kept = set(), []
    for f in findings:
        if f.code not in seen:
            seen.add(f.code)
            kept.append(f)
    return kept


def _probe_batch(X: np.ndarray, y: np.ndarray, task: str) -> tuple[np.ndarray, np.ndarray]:
    """The first PROBE_SIZE samples (deterministic: nothing is drawn at random)."""
    return X[:PROBE_SIZE], y[:PROBE_SIZE]


# ---- 1. the data ------------------------------------------------------------------------------------

def _features(X: np.ndarray) -> np.ndarray:
    """Samples × features: columns of tabular data, channels of images and signals (N, C, ...)."""
    X = np.asarray(X, dtype=np.float64)
    if X.ndim <= 2:
        return X.reshape(len(X), -1)
    return np.moveaxis(X, 1, -1).reshape(-1, X.shape[1])     # every pixel of channel c is a sample of c


def _not_finite(name: str, a: np.ndarray) -> Finding | None:
    a = np.asarray(a)
    if a.dtype.kind != "f" or np.all(np.isfinite(a)):
        return None
    bad = ~np.isfinite(a)
    rows = np.flatnonzero(bad.reshape(len(a), -1).any(axis=1))
    cols = np.flatnonzero(bad.reshape(len(a), -1).any(axis=0)) if a.ndim == 2 else np.array([], int)
    where = f"in {len(rows)} of {len(a)} rows" + (f", columns {cols[:8].tolist()}" if cols.size else "")
    return Finding("nan_in_data", "error", f"The {name} holds {int(bad.sum())} NaN/inf value(s) {where}. One "
                   "NaN in a batch makes its loss NaN, whatever the learning rate.",
                   {"where": name, "count": int(bad.sum()), "rows": rows[:8].tolist(), "columns": cols[:8].tolist()})


def check_data(X: np.ndarray, y: np.ndarray, val: tuple | None, task: str, class_weight=None) -> list[Finding]:
    """NaN/inf, unnormalized inputs, constant features, unscaled targets, imbalance, missing classes.

    ``class_weight``: the loss's weight per class (``CrossEntropyLoss(weight=...)``), if any; the class
    balance is judged on what the loss sees, each class's count times its weight."""
    found = []
    for name, a in [("training inputs", X), ("training targets", y)] + (
            [("validation inputs", val[0]), ("validation targets", val[1])] if val else []):
        f = _not_finite(name, a)
        if f is not None:
            found.append(f)
    F = _features(X)
    finite = np.where(np.isfinite(F), F, np.nan)
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)       # all-NaN columns: reported below
        bad_columns = np.flatnonzero(np.mean(~np.isfinite(F), axis=0) > 0.5) if len(F) else np.array([], int)
        mean, std = np.nanmean(finite, axis=0), np.nanstd(finite, axis=0)
        rms = np.sqrt(np.nanmean(finite ** 2, axis=0))
    if bad_columns.size:
        found.append(Finding(
            "zero_variance_feature", "error",
            f"Feature(s) {bad_columns[:8].tolist()} are NaN/inf in most rows: the mark of a constant feature "
            "divided by its zero standard deviation (0 / 0) during standardization.",
            {"features": bad_columns[:8].tolist()}))
    ok = np.isfinite(std)
    scale = np.maximum(np.abs(mean), 1e-12)
    nearly = np.flatnonzero(ok & (std > 0) & (std < T("constant_rel_std") * scale))
    if nearly.size:
        j = int(nearly[0])
        found.append(Finding(
            "zero_variance_feature", "warning",
            f"Feature {j} is constant up to rounding (mean {mean[j]:.6g}, std {std[j]:.3g}): dividing it by its "
            "standard deviation turns rounding noise into values of order 1, and other data into huge ones.",
            {"feature": j, "mean": float(mean[j]), "std": float(std[j])}))
    varying = ok & (std > T("constant_rel_std") * scale) & np.isfinite(rms)
    if varying.any():
        r = rms[varying]
        idx = np.flatnonzero(varying)
        # the typical scale: the median feature's, or with a handful of features the smallest one's
        # (the median of two features says nothing about which of them is out of line)
        top, median = int(idx[np.argmax(r)]), float(np.median(r) if len(r) >= 5 else np.min(r))
        what = "channel" if np.ndim(X) > 2 else "feature"
        if r.max() > T("input_rms_max"):
            found.append(Finding(
                "unnormalized_inputs", "warning",
                f"Input {what} {top} has typical magnitude {rms[top]:.3g} (mean {mean[top]:.3g}, std {std[top]:.3g}); "
                "networks assume inputs of mean ~0 and std ~1.",
                {"feature": top, "rms": float(rms[top]), "mean": float(mean[top]), "std": float(std[top]),
                 "median_rms": median}))
        elif median > 0 and r.max() / median > T("input_scale_ratio"):
            found.append(Finding(
                "unnormalized_inputs", "warning",
                f"Input {what}s are on scales that differ by orders of magnitude: {what} {top} has magnitude "
                f"{rms[top]:.3g}, the median {what} {median:.3g} ({r.max() / median:.0f}x).",
                {"feature": top, "rms": float(rms[top]), "median_rms": median, "ratio": float(r.max() / median)}))
    if task == "regression" and np.asarray(y).dtype.kind == "f":
        Y = np.asarray(y, dtype=np.float64).reshape(len(y), -1)
        with np.errstate(all="ignore"):
            y_rms = np.sqrt(np.nanmean(Y ** 2, axis=0))
        if np.nanmax(y_rms) > T("target_rms_max"):
            j = int(np.nanargmax(y_rms))
            found.append(Finding(
                "unscaled_targets", "warning",
                f"Regression targets have typical magnitude {y_rms[j]:.3g} (from {np.nanmin(Y[:, j]):.3g} to "
                f"{np.nanmax(Y[:, j]):.3g}); an untrained network outputs values of order 1, so the first errors "
                "and gradients are huge.", {"rms": float(y_rms[j]), "min": float(np.nanmin(Y[:, j])),
                                           "max": float(np.nanmax(Y[:, j]))}))
    if task != "regression":
        found += _check_classes(y, val[1] if val else None, task,
                                class_weight if task == "multiclass" else None)
    return found


def _labels(y: np.ndarray, task: str) -> np.ndarray:
    y = np.asarray(y)
    return (y > 0.5).astype(int).reshape(-1) if task == "binary" else y.reshape(-1).astype(int)


def _weighted(classes: np.ndarray, counts: np.ndarray, class_weight) -> np.ndarray:
    """Each class's share of the loss: its count times its weight. ``CrossEntropyLoss(weight=w)`` counts a
    sample of class c w_c times, so weights w_c proportional to 1/N_c (``mn.data.class_weights``) give
    every class the same total and remove the pull toward the large class that the count ratio warns of."""
    w = None if class_weight is None else np.asarray(class_weight, dtype=np.float64).reshape(-1)
    if w is None or len(w) <= classes.max() or np.any(w[classes] <= 0):
        return counts
    return counts * w[classes]


def _check_classes(y: np.ndarray, yv: np.ndarray | None, task: str, class_weight=None) -> list[Finding]:
    found = []
    labels = _labels(y, task)
    classes, counts = np.unique(labels, return_counts=True)
    totals = _weighted(classes, counts, class_weight) if len(classes) else counts
    if len(classes) >= 2 and totals.max() / totals.min() >= T("imbalance_ratio"):
        big, small = int(classes[np.argmax(counts)]), int(classes[np.argmin(counts)])
        found.append(Finding(
            "class_imbalance", "warning",
            f"Class {big} has {counts.max()} training samples, class {small} only {counts.min()} "
            f"({counts.max() / counts.min():.0f}x): a model can score {counts.max() / counts.sum():.0%} accuracy "
            "by ignoring the small class.",
            {"counts": dict(zip(classes.tolist(), counts.tolist())), "ratio": float(counts.max() / counts.min())}))
    if yv is not None:
        val_classes = set(np.unique(_labels(yv, task)).tolist())
        train_classes = set(classes.tolist())
        only_val, only_train = sorted(val_classes - train_classes), sorted(train_classes - val_classes)
        if only_val or only_train:
            parts = []
            if only_val:
                parts.append(f"class(es) {only_val} appear in validation but never in training, so the model "
                             "can never predict them")
            if only_train:
                parts.append(f"class(es) {only_train} appear in training but not in validation, so their "
                             "performance is never measured")
            found.append(Finding("missing_class", "warning", "; ".join(parts).capitalize() + ".",
                                 {"only_in_validation": only_val, "only_in_training": only_train}))
    return found


# ---- 2. the model against the data ---------------------------------------------------------------

_RANGES = {"relu": (0.0, math.inf), "sigmoid": (0.0, 1.0), "tanh": (-1.0, 1.0), "softmax": (0.0, 1.0)}


def check_model_against_data(out: Tensor, layers: list, loss_fn, task: str, y: np.ndarray) -> list[Finding]:
    """A final activation that cannot reach the targets; a loss that does not fit them."""
    found = []
    last = _probe.final_layer(layers, out)
    loss_name = getattr(loss_fn, "__name__", type(loss_fn).__name__)
    if last is not None and task == "multiclass" and last.role == "softmax":
        found.append(Finding(
            "loss_mismatch", "error",
            f"The model ends in Softmax (layer {last.name}) and the loss is {loss_name}, which applies "
            "log-softmax itself: the probabilities are squashed twice and the gradients shrink.",
            {"final_layer": last.name, "loss": loss_name}, layer=last.name,
            fix="remove the Softmax: give CrossEntropyLoss raw logits (use mn.functional.softmax on the "
                "outputs when you need probabilities)"))
    if last is not None and task == "binary" and last.role == "sigmoid" and \
            getattr(loss_fn, "accuracy_rule", None) == "logit":
        found.append(Finding(
            "loss_mismatch", "error",
            f"The model ends in Sigmoid (layer {last.name}) and the loss is {loss_name}, which applies the "
            "sigmoid itself: outputs are squashed twice.", {"final_layer": last.name, "loss": loss_name},
            layer=last.name, fix="remove the final Sigmoid, or use BCELoss with it"))
    if task == "regression":
        Y = np.asarray(y, dtype=np.float64)
        if last is not None and last.role in _RANGES:
            lo, hi = _RANGES[last.role]
            outside = np.mean((Y < lo) | (Y > hi))
            if outside > 0:
                found.append(Finding(
                    "output_range", "error",
                    f"The model ends in {type(last.module).__name__} (layer {last.name}), whose outputs lie in "
                    f"[{lo:g}, {hi:g}], but {outside:.0%} of the targets lie outside it (from {Y.min():.3g} to "
                    f"{Y.max():.3g}): those can never be reached.",
                    {"final_layer": last.name, "fraction_unreachable": float(outside), "range": [lo, hi]},
                    layer=last.name))
        found += _class_labels_as_regression(Y, out, loss_name)
    return found


def _class_labels_as_regression(Y: np.ndarray, out: Tensor, loss_name: str) -> list[Finding]:
    """Integer targets with few distinct values under a regression loss look like class labels."""
    flat = Y.reshape(len(Y), -1)
    if not np.all(np.isfinite(flat)) or not np.all(flat == np.round(flat)):
        return []
    distinct = np.unique(flat)
    one_hot = flat.shape[1] >= 2 and set(distinct.tolist()) <= {0.0, 1.0} and np.all(flat.sum(axis=1) == 1)
    if one_hot:
        return [Finding("loss_mismatch", "info",
                        f"The targets are one-hot rows and the loss is {loss_name}: it works, but cross-entropy "
                        "on the class index is the loss made for classes.", {"loss": loss_name})]
    if flat.shape[1] == 1 and 2 <= len(distinct) <= 20 and len(Y) >= 5 * len(distinct):
        return [Finding("loss_mismatch", "warning",
                        f"The targets take only {len(distinct)} integer values ({distinct[:10].tolist()}), like "
                        f"class labels, and the loss is {loss_name} on one output: that treats classes as "
                        "numbers on a line (class 2 'between' 1 and 3) and rounds predictions to guesses.",
                        {"loss": loss_name, "distinct_values": distinct[:20].tolist()})]
    return []


# ---- 3. the initialization -----------------------------------------------------------------------

def check_initialization(model, layers: list, loss_fn, probe: tuple, task: str, out: Tensor) -> list[Finding]:
    """Symmetric units, scale across depth, saturated or dead units, and the loss at initialization."""
    found = []
    weight_layers = _probe.weight_layers(model)
    for name, module in weight_layers[:-1]:                 # output units get distinct gradients anyway
        rows = _probe.units(module.weight.data, module)
        if len(rows) >= 2 and np.all(rows == rows[0]):
            found.append(Finding(
                "symmetric_init", "error",
                f"All {len(rows)} units of layer {name} start with identical weights (max difference 0"
                f"{', all zero' if not np.any(rows) else ''}): they compute the same thing, get the same "
                "gradient, and stay identical.", {"layer": name, "units": len(rows), "max_difference": 0.0},
                layer=name))
    stds = [(l.name, float(np.std(l.output))) for l in layers if l.role == "weight"]
    if len(stds) >= 3 and stds[0][1] > 0:
        ratio = stds[-1][1] / stds[0][1] if stds[-1][1] > 0 else 0.0
        if ratio < 1 / T("init_scale_change") or ratio > T("init_scale_change"):
            trend = "shrinks" if ratio < 1 else "grows"
            found.append(Finding(
                "bad_init_scale", "warning",
                f"At initialization the signal {trend} across depth: the output std of layer {stds[0][0]} is "
                f"{stds[0][1]:.3g}, of layer {stds[-1][0]} {stds[-1][1]:.3g} ({ratio:.2g}x over {len(stds)} layers).",
                {"first": stds[0], "last": stds[-1], "ratio": ratio, "stds": stds}))
    for l in layers:
        if l.role in ("sigmoid", "tanh"):
            sat = saturated_fraction(l.output, l.role)
            if sat >= T("saturated_fraction"):
                found.append(Finding(
                    "saturated_units", "warning",
                    f"At initialization {sat:.0%} of layer {l.name}'s {l.role} outputs sit in the flat tails, "
                    "where the derivative is nearly 0: those units barely learn.",
                    {"layer": l.name, "saturated_fraction": sat}, layer=l.name))
                break
    for l in layers:
        if l.role == "relu":
            dead = dead_fraction(l.output)
            if dead >= T("dead_fraction"):
                found.append(Finding(
                    "dead_relu", "warning",
                    f"At initialization {dead:.0%} of layer {l.name}'s units are inactive (<= 0) for every one of "
                    f"{len(l.output)} training samples: they pass no gradient and cannot recover.",
                    {"layer": l.name, "dead_fraction": dead, "samples": len(l.output)}, layer=l.name))
                break
    if task in ("multiclass", "binary"):
        found += _check_init_loss(loss_fn, _without_dropout(model, probe[0], out), probe, task)
    return found


def _without_dropout(model, X: np.ndarray, out: Tensor) -> Tensor:
    """The model's output on ``X`` with its dropout layers off (batch norm still in training mode), or
    ``out`` if it has none. Dropout's random masks widen the spread of the logits (inverted dropout
    keeps their mean, not their variance), which raises the loss above ln C without any fault in the
    initialization: the init-loss check asks what the weights compute, so it reads the net without them."""
    dropouts = [m for m in model.modules() if isinstance(m, Dropout) and m.training]
    if not dropouts:
        return out
    try:
        for m in dropouts:
            m.eval()
        with no_grad():
            return model(as_input(X, param_dtype(model)))
    finally:
        for m in dropouts:
            m.train()


def _check_init_loss(loss_fn, out: Tensor, probe: tuple, task: str) -> list[Finding]:
    with np.errstate(all="ignore"):
        loss = float(loss_fn(out, probe[1]).item())
    classes = out.shape[-1] if task == "multiclass" else 2
    chance = math.log(classes)
    if task == "binary" and out.shape[-1] != 1:
        return []
    if math.isfinite(loss) and loss - chance > max(T("init_loss_excess"), chance):
        return [Finding(
            "init_loss", "warning",
            f"The loss at initialization is {loss:.3g}, but an unsure classifier of {classes} classes scores "
            f"ln {classes} = {chance:.3g} ({loss - chance:.2g} nats more): the untrained model is confidently "
            "wrong, which usually means too large initial weights.", {"loss": loss, "chance": chance,
                                                                     "classes": classes})]
    return []


# ---- 5. overfitting a tiny batch ------------------------------------------------------------------

def _tiny_batch(X: np.ndarray, y: np.ndarray, task: str) -> tuple[np.ndarray, np.ndarray]:
    """TINY_BATCH samples; for classes, the first sample of each class first, so several classes are in it."""
    if task == "regression":
        return X[:TINY_BATCH], y[:TINY_BATCH]
    labels = _labels(y, task)
    first = [int(np.flatnonzero(labels == c)[0]) for c in np.unique(labels)][:TINY_BATCH]
    rest = [i for i in range(len(X)) if i not in set(first)][:TINY_BATCH - len(first)]
    idx = np.array(sorted(first + rest))
    return X[idx], y[idx]


def check_overfit_tiny_batch(model, loss_fn, X: np.ndarray, y: np.ndarray, task: str) -> list[Finding]:
    """Train a copy of the model with Adam (lr 1e-2) on TINY_BATCH samples; a working pipeline fits them."""
    Xb, yb = _tiny_batch(X, y, task)
    twin = copy.deepcopy(model)
    twin.train()
    params = list(twin.parameters())
    opt = Adam(params, lr=1e-2)
    x = as_input(Xb, param_dtype(twin))
    with np.errstate(all="ignore"):
        start = float(loss_fn(twin(x), yb).item())
        final, correct, steps = start, None, 0
        for steps in range(1, int(T("overfit_tiny_steps")) + 1):
            opt.zero_grad()
            loss = loss_fn(twin(x), yb)
            if not math.isfinite(float(loss.item())):
                break
            loss.backward()
            opt.step()
            if steps % 10 == 0 or steps == int(T("overfit_tiny_steps")):
                final, correct = _fitted(twin, loss_fn, x, yb, task)
                if final <= T("overfit_tiny_loss") * start and correct in (None, 1.0):
                    return []
    if not math.isfinite(start):
        return []
    acc = "" if correct is None else f", {correct:.0%} of them classified right"
    return [Finding(
        "cannot_overfit_batch", "warning",
        f"Trained alone on {len(Xb)} samples for {steps} Adam steps (lr 1e-2), a copy of the model brought "
        f"their loss only from {start:.3g} to {final:.3g}{acc}. A working model learns so few samples by heart.",
        {"samples": len(Xb), "steps": steps, "start_loss": start, "final_loss": final, "accuracy": correct})]


def _fitted(model, loss_fn, x: Tensor, y: np.ndarray, task: str) -> tuple[float, float | None]:
    """Loss (eval mode) and fraction classified right on the tiny batch."""
    model.eval()
    try:
        with no_grad():
            out = model(x)
            loss = float(loss_fn(out, y).item())
    finally:
        model.train()
    if task == "multiclass":
        return loss, float(np.mean(out.data.argmax(axis=-1) == np.asarray(y).reshape(-1)))
    if task == "binary":
        threshold = 0.0 if getattr(loss_fn, "accuracy_rule", None) == "logit" else 0.5
        return loss, float(np.mean((out.data > threshold) == (np.asarray(y).reshape(out.shape) > 0.5)))
    return loss, None
