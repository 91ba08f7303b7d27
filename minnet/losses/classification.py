"""Classification losses: cross-entropy over logits, and binary cross-entropy on logits or on
probabilities, each an op and a function; the labels' checks."""
from __future__ import annotations

from typing import Any

import numpy as np

from .. import kernels
from ..autograd import Function, Tensor
from ..autograd.ops.activations import sigmoid, softplus
from ..nn._checks import as_tensor, shape_str
from ..nn.activations import log_softmax
from ._common import _grad_of_reduction, _not_an_empty_mean, _numbers, _pair, _reduce, _reduction


def check_class_labels(name: str, logits_shape: tuple, labels: Any) -> np.ndarray:
    """Labels as an int64 array of shape (N,) with values in [0, K), or an error saying what is wrong."""
    labels = labels.data if isinstance(labels, Tensor) else np.asarray(labels)
    if len(logits_shape) != 2:
        raise ValueError(f"{name}: expected logits of shape (N, K) (a row of K class scores per sample), "
                         f"got shape {shape_str(logits_shape)}")
    n, k = logits_shape
    if labels.shape != (n,):
        hint = ""
        if labels.shape == (n, k):
            hint = " They look one-hot: pass y.argmax(axis=1) instead."
        elif labels.shape == (n, 1):
            hint = " Pass y.reshape(-1)."
        raise ValueError(f"{name}: logits have shape {shape_str(logits_shape)}, so labels must be integer "
                         f"class indices of shape ({n},), got shape {shape_str(labels.shape)}.{hint}")
    if labels.dtype.kind == "f":
        if not np.all(labels == np.round(labels)):
            bad = labels[labels != np.round(labels)][:5]
            raise ValueError(f"{name}: labels must be integer class indices, got non-integer values "
                             f"{bad.tolist()}")
        labels = labels.astype(np.int64)    # e.g. labels stored as 0.0/1.0/2.0
    elif labels.dtype.kind not in "iu":
        raise TypeError(f"{name}: labels must be integer class indices, got dtype {labels.dtype}")
    indices = labels.astype(np.int64, copy=False)
    # One pass over the labels: read as unsigned, a negative label is a huge number, so a single
    # max() >= k finds labels below 0 as well as labels from k up.
    if indices.size and indices.view(np.uint64).max() >= k:
        bad = np.unique(labels[(labels < 0) | (labels >= k)])[:5]
        raise ValueError(f"{name}: labels must be class indices in [0, {k}) because there are {k} logits "
                         f"per sample (one per class), got {bad.tolist()}"
                         f"{' (labels counted from 1? subtract 1)' if labels.max() == k and labels.min() >= 1 else ''}")
    return indices


def _class_weight(name: str, weight: Any, k: int, dtype) -> np.ndarray | None:
    if weight is None:
        return None
    w = _numbers(name, "weight", weight)
    w = np.asarray(w.data if isinstance(w, Tensor) else w, dtype=dtype)
    if w.shape != (k,):
        raise ValueError(f"{name}: weight must have one entry per class, shape ({k},), got {shape_str(w.shape)}")
    return w


class CrossEntropyOp(Function):
    """loss = mean_i −log softmax(z_i)[y_i] (or PyTorch's weighted mean Σ w[y_i]·ℓ_i / Σ w[y_i]);
    dloss/dz_i = c_i·(softmax(z_i) − onehot(y_i)) with c_i = 1/N or w[y_i] / Σ_j w[y_j].
    Softmax and log are fused in the kernel, with the max subtracted first."""

    @staticmethod
    def forward(ctx, logits, labels, weight=None):
        loss, probs = kernels.softmax_cross_entropy_forward(logits, labels, weight)
        ctx.save_for_backward(probs, labels, weight)
        return loss

    @staticmethod
    def backward(ctx, grad):
        probs, labels, weight = ctx.saved_tensors
        return kernels.softmax_cross_entropy_backward(probs, labels, weight, grad), None


def cross_entropy(logits: Any, labels: Any, weight: Any = None, reduction: str = "mean") -> Tensor:
    """Softmax cross-entropy from raw scores: ℓ_i = −w[y_i] · log softmax(z_i)[y_i].

    Shapes: logits (N, K), labels (N,) integers in [0, K), weight (K,) or None. The mean is
    PyTorch's weighted mean Σ ℓ_i / Σ w[y_i] (the plain mean when weight is None). Computed from
    log-softmax (max subtracted), so logits of 1e4 give finite losses and gradients.
    """
    _reduction("cross_entropy", reduction)
    logits = as_tensor(_numbers("CrossEntropyLoss", "logits", logits))
    shape = logits.shape
    labels = check_class_labels("CrossEntropyLoss", shape, labels)
    _not_an_empty_mean("CrossEntropyLoss", shape, reduction)
    w = _class_weight("CrossEntropyLoss", weight, shape[1], logits.dtype)
    if reduction == "mean":
        return CrossEntropyOp.apply(logits, labels, weight=w)
    # per-sample losses: composed from log-softmax (stable too) and indexing
    picked = log_softmax(logits, axis=1)[np.arange(len(labels)), labels]   # log p(correct class)
    losses = -picked if w is None else -picked * w[labels]
    return losses.sum() if reduction == "sum" else losses


cross_entropy.accuracy_rule = "argmax"


class BCEWithLogitsOp(Function):
    """ℓ = w·[(1 − t)·softplus(z) + p·t·softplus(−z)] = −w·[p·t·log σ(z) + (1 − t)·log(1 − σ(z))];
    dℓ/dz = w·[(1 − t)·σ(z) − p·t·(1 − σ(z))],  dℓ/dt = w·[p·softplus(−z) − softplus(z)]
    (p = pos_weight, 1 if not given). Softplus never forms e^z of a large z, so z = ±1e4 is fine."""

    @staticmethod
    def forward(ctx, z, t, weight=None, pos_weight=None, reduction="mean"):
        sp_pos, sp_neg = softplus(z), softplus(-z)
        pw = 1.0 if pos_weight is None else pos_weight
        w = 1.0 if weight is None else weight
        ctx.save_for_backward(z, t, sp_pos, sp_neg)
        ctx.pw, ctx.w, ctx.reduction = pw, w, reduction
        return _reduce(w * ((1 - t) * sp_pos + pw * t * sp_neg), reduction)

    @staticmethod
    def backward(ctx, grad):
        z, t, sp_pos, sp_neg = ctx.saved_tensors
        sig = sigmoid(z)
        g = ctx.w * _grad_of_reduction(grad, z.size, ctx.reduction)
        return g * ((1 - t) * sig - ctx.pw * t * (1 - sig)), g * (ctx.pw * sp_neg - sp_pos)


class BCEOp(Function):
    """ℓ = −w·[t·log p + (1 − t)·log(1 − p)], each log clamped at −100 (as PyTorch, so p = 0 or 1
    gives 100, not inf); dℓ/dp = w·(p − t) / max(p(1 − p), 1e-12) (PyTorch's guarded form);
    dℓ/dt = w·(log(1 − p) − log p) with the clamped logs (finite where PyTorch's is ±inf)."""

    @staticmethod
    def forward(ctx, p, t, weight=None, reduction="mean"):
        with np.errstate(divide="ignore"):
            log_p, log_q = np.maximum(np.log(p), -100), np.maximum(np.log(1 - p), -100)
        w = 1.0 if weight is None else weight
        ctx.save_for_backward(p, t, log_p, log_q)
        ctx.w, ctx.reduction = w, reduction
        return _reduce(-w * (t * log_p + (1 - t) * log_q), reduction)

    @staticmethod
    def backward(ctx, grad):
        p, t, log_p, log_q = ctx.saved_tensors
        g = ctx.w * _grad_of_reduction(grad, p.size, ctx.reduction)
        return g * (p - t) / np.maximum(p * (1 - p), 1e-12), g * (log_q - log_p)


def _elementwise_weight(name: str, weight: Any, shape: tuple, dtype) -> np.ndarray | None:
    if weight is None:
        return None
    w = _numbers(name, "weight", weight)
    w = np.asarray(w.data if isinstance(w, Tensor) else w, dtype=dtype)
    try:
        np.broadcast_shapes(w.shape, shape)
    except ValueError:
        raise ValueError(f"{name}: weight of shape {shape_str(w.shape)} does not broadcast to the "
                         f"predictions' shape {shape_str(shape)}") from None
    return w


def binary_cross_entropy_with_logits(logits: Any, target: Any, weight: Any = None, pos_weight: Any = None,
                                     reduction: str = "mean") -> Tensor:
    """Binary cross-entropy on raw scores z: −[t·log σ(z) + (1 − t)·log(1 − σ(z))], computed stably.

    Shapes: logits and target equal (targets in [0, 1]); ``weight`` broadcasts to them;
    ``pos_weight`` (per class, last axis) multiplies the positive term, to counter class imbalance.
    """
    _reduction("binary_cross_entropy_with_logits", reduction)
    z, t = _pair("BCEWithLogitsLoss", logits, target, reduction)
    w = _elementwise_weight("BCEWithLogitsLoss", weight, tuple(z.shape), z.dtype)
    pw = _elementwise_weight("BCEWithLogitsLoss", pos_weight, tuple(z.shape), z.dtype)
    return BCEWithLogitsOp.apply(z, t, weight=w, pos_weight=pw, reduction=reduction)


def binary_cross_entropy(probs: Any, target: Any, weight: Any = None, reduction: str = "mean") -> Tensor:
    """Binary cross-entropy on probabilities p in [0, 1]: −[t·log p + (1 − t)·log(1 − p)], logs clamped
    at −100. Prefer :func:`binary_cross_entropy_with_logits` on raw scores: it is exact where a
    sigmoid followed by this loss saturates."""
    _reduction("binary_cross_entropy", reduction)
    p, t = _pair("BCELoss", probs, target, reduction)
    a = p._data                                 # only looked at: no need to hand it out (version.py)
    if a.size and (np.nanmin(a) < 0 or np.nanmax(a) > 1 or np.isnan(a).any()):
        raise ValueError(f"BCELoss: predictions must be probabilities in [0, 1], got values from "
                         f"{np.nanmin(a):.4g} to {np.nanmax(a):.4g}"
                         f"{' (and NaN)' if np.isnan(a).any() else ''}. For raw scores use "
                         "BCEWithLogitsLoss, or put a Sigmoid() before this loss.")
    w = _elementwise_weight("BCELoss", weight, tuple(p.shape), p.dtype)
    return BCEOp.apply(p, t, weight=w, reduction=reduction)


binary_cross_entropy_with_logits.accuracy_rule = "logit"
binary_cross_entropy.accuracy_rule = "probability"
