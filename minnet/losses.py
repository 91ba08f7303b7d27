"""Loss functions (``MSELoss``, ``L1Loss``, ``CrossEntropyLoss``, ``BCEWithLogitsLoss``, ``BCELoss``)
and weight penalties (``l1_penalty``, ``l2_penalty``).

Each loss is a class (a Module, so it can be called like a layer) and a function
(``mse_loss``, ``cross_entropy``, ... also exported by ``mn.functional``). ``reduction`` is
``"mean"`` (default), ``"sum"`` or ``"none"`` (one loss per element or per sample), as in PyTorch.

Each classification loss says how its inputs become class decisions, in ``accuracy_rule`` (on the
class and on the function): ``"argmax"`` (logits, one per class), ``"logit"`` (one raw score per
decision, positive means 1) or ``"probability"`` (above 0.5 means 1). ``mn.fit`` reads it to
report accuracy; a loss without it (regression, or your own function) reports none.
Predictions and targets must have matching shapes: unlike PyTorch we refuse to broadcast, because
``(N, 1)`` predictions against ``(N,)`` targets would silently become an ``(N, N)`` loss.

An empty batch (no samples) gives 0 with ``reduction="sum"`` and an empty array with ``"none"``,
as in PyTorch. Its ``"mean"`` is 0/0: PyTorch returns nan, every loss here refuses it instead,
because a nan loss would stop ``mn.fit`` and be blamed on the learning rate, far from its cause.
Inputs that are not numbers (strings, Python objects) are refused with the loss's name.
"""
from __future__ import annotations

from typing import Any, Iterable

import numpy as np

from . import kernels
from .autograd import Function, Tensor
from .autograd.ops.activations import sigmoid, softplus
from .nn._checks import as_tensor, shape_str
from .nn.activations import log_softmax
from .nn.module import Module

_REDUCTIONS = ("mean", "sum", "none")


def _reduction(name: str, reduction: str) -> str:
    if reduction not in _REDUCTIONS:
        raise ValueError(f"{name}: reduction must be 'mean', 'sum' or 'none', got {reduction!r}")
    return reduction


def _reduce(values: np.ndarray, reduction: str) -> np.ndarray:
    if reduction == "mean":
        return np.asarray(values.mean())
    if reduction == "sum":
        return np.asarray(values.sum())
    return values


def _grad_of_reduction(grad: np.ndarray, size: int, reduction: str) -> np.ndarray:
    """dL/d(element loss): the incoming gradient spread over the elements (÷ size for a mean)."""
    return grad / size if reduction == "mean" else grad


def _numbers(name: str, what: str, value: Any) -> Any:
    """``value`` unchanged if it is a Tensor of numbers, else as an array of numbers; a TypeError
    naming the loss and the argument for strings, Python objects or ragged lists."""
    try:
        # ._data, not .data: the array is only looked at, so it need not be handed out (version.py)
        arr = value._data if isinstance(value, Tensor) else np.asarray(value)
    except ValueError:
        raise TypeError(f"{name}: the {what} cannot be read as one array (a ragged list?); pass an array "
                        "of numbers") from None
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"{name}: the {what} must hold numbers, got an array of dtype {arr.dtype} (first "
                        f"values {arr.reshape(-1)[:3].tolist()}); convert them first, e.g. encode text "
                        "categories as integer codes or one-hot columns")
    return value if isinstance(value, Tensor) else arr


def _not_an_empty_mean(name: str, shape: tuple, reduction: str) -> None:
    """Refuse the mean over no elements (0/0; PyTorch returns nan), naming the loss."""
    if reduction == "mean" and 0 in tuple(shape):
        raise ValueError(f"{name}: the batch is empty (predictions of shape {shape_str(shape)}), so the mean "
                         "loss is 0/0. Check the data that produced this batch (a filter that kept nothing? "
                         "a split of size 0?), or pass reduction='sum' to get 0 for an empty batch")


def _pair(name: str, pred: Any, target: Any, reduction: str) -> tuple[Tensor, Any]:
    """Predictions as a Tensor and targets as a Tensor (kept, to allow gradients) or float array,
    after checking that both hold numbers, that their shapes match, and that a mean has something to average."""
    pred = as_tensor(_numbers(name, "predictions", pred))
    target = _numbers(name, "targets", target)
    if not isinstance(target, Tensor):
        target = target.astype(pred.dtype, copy=False)
    if tuple(pred.shape) != tuple(target.shape):
        raise ValueError(f"{name}: predictions have shape {shape_str(pred.shape)} but targets have shape "
                         f"{shape_str(target.shape)}; they must match{_shape_hint(pred.shape, target.shape)}")
    _not_an_empty_mean(name, tuple(pred.shape), reduction)
    return pred, target


def _shape_hint(pred_shape: tuple, target_shape: tuple) -> str:
    pred_shape, target_shape = tuple(pred_shape), tuple(target_shape)
    if len(pred_shape) == 2 and pred_shape[1] == 1 and target_shape == pred_shape[:1]:
        return " (reshape the targets with y.reshape(-1, 1), or the predictions with .reshape(-1))"
    return ""


# ---- regression ----------------------------------------------------------------------------------


class MSEOp(Function):
    """L = reduce((p − t)²);   dL/dp = 2(p − t)·g (÷ n for the mean),   dL/dt = −dL/dp."""

    @staticmethod
    def forward(ctx, pred, target, reduction="mean"):
        diff = pred - target
        ctx.save_for_backward(diff)
        ctx.reduction = reduction
        return _reduce(diff * diff, reduction)

    @staticmethod
    def backward(ctx, grad):
        (diff,) = ctx.saved_tensors
        g = 2 * diff * _grad_of_reduction(grad, diff.size, ctx.reduction)
        return g, -g


class L1Op(Function):
    """L = reduce(|p − t|);   dL/dp = sign(p − t)·g (0 where p = t, as PyTorch),   dL/dt = −dL/dp."""

    @staticmethod
    def forward(ctx, pred, target, reduction="mean"):
        diff = pred - target
        ctx.save_for_backward(np.sign(diff))
        ctx.reduction = reduction
        return _reduce(np.abs(diff), reduction)

    @staticmethod
    def backward(ctx, grad):
        (sign,) = ctx.saved_tensors
        g = sign * _grad_of_reduction(grad, sign.size, ctx.reduction)
        return g, -g


def mse_loss(pred: Any, target: Any, reduction: str = "mean") -> Tensor:
    """Mean squared error: mean((pred − target)²). Shapes: pred and target equal, any shape.

    The mean over an empty batch is refused (PyTorch gives nan); ``"sum"`` gives 0.
    """
    _reduction("mse_loss", reduction)
    pred, target = _pair("MSELoss", pred, target, reduction)
    return MSEOp.apply(pred, target, reduction=reduction)


def l1_loss(pred: Any, target: Any, reduction: str = "mean") -> Tensor:
    """Mean absolute error: mean(|pred − target|). Shapes: pred and target equal, any shape.

    The mean over an empty batch is refused (PyTorch gives nan); ``"sum"`` gives 0.
    """
    _reduction("l1_loss", reduction)
    pred, target = _pair("L1Loss", pred, target, reduction)
    return L1Op.apply(pred, target, reduction=reduction)


# ---- classification ---------------------------------------------------------------------------


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


# ---- penalties -------------------------------------------------------------------------------------


binary_cross_entropy_with_logits.accuracy_rule = "logit"
binary_cross_entropy.accuracy_rule = "probability"


def _params(name: str, params: Iterable) -> list:
    params = [params] if isinstance(params, Tensor) else list(params)
    for p in params:
        if not isinstance(p, Tensor):
            raise TypeError(f"{name}: expected tensors (e.g. model.parameters()), got {type(p).__name__}")
    return params


def l1_penalty(params: Iterable[Tensor], lam: float) -> Tensor:
    """lam · Σ|w| over every entry of every tensor in ``params`` (pushes weights to exactly zero).

    Its gradient is lam·sign(w). Pass only the weights you want penalised, e.g.
    ``[p for n, p in model.named_parameters() if n.endswith("weight")]`` to leave biases alone.
    """
    params = _params("l1_penalty", params)
    total = sum((p.abs().sum() for p in params), Tensor(np.zeros((), dtype=_dtype(params))))
    return total * lam


def l2_penalty(params: Iterable[Tensor], lam: float) -> Tensor:
    """lam · Σ w² over every entry of every tensor in ``params`` — no factor ½.

    So its gradient is 2·lam·w: adding ``l2_penalty(params, lam)`` to the loss and running plain SGD
    is the same as SGD with ``weight_decay = 2·lam``.
    """
    params = _params("l2_penalty", params)
    total = sum(((p * p).sum() for p in params), Tensor(np.zeros((), dtype=_dtype(params))))
    return total * lam


def _dtype(params: list):
    return params[0].dtype if params else np.dtype(np.float64)


# ---- modules -----------------------------------------------------------------------------------------


class MSELoss(Module):
    """Mean squared error, ``mean((pred − target)²)``; pred and target of equal shape."""

    def __init__(self, reduction: str = "mean") -> None:
        super().__init__()
        self.reduction = _reduction("MSELoss", reduction)

    def forward(self, pred: Any, target: Any) -> Tensor:
        return mse_loss(pred, target, self.reduction)

    def extra_repr(self) -> str:
        return f"reduction={self.reduction!r}"


class L1Loss(Module):
    """Mean absolute error, ``mean(|pred − target|)``; less sensitive to outliers than MSE."""

    def __init__(self, reduction: str = "mean") -> None:
        super().__init__()
        self.reduction = _reduction("L1Loss", reduction)

    def forward(self, pred: Any, target: Any) -> Tensor:
        return l1_loss(pred, target, self.reduction)

    def extra_repr(self) -> str:
        return f"reduction={self.reduction!r}"


class CrossEntropyLoss(Module):
    """Softmax cross-entropy on raw logits ``(N, K)`` and integer labels ``(N,)``.

    ``weight`` (K,) scales each class's loss (for imbalanced data); the mean is then
    Σ w[y_i]·ℓ_i / Σ w[y_i], as in PyTorch. Do not put a Softmax before it: it applies log-softmax itself.
    """

    accuracy_rule = "argmax"

    def __init__(self, weight: Any = None, reduction: str = "mean") -> None:
        super().__init__()
        self.weight = None if weight is None else np.asarray(weight.data if isinstance(weight, Tensor) else weight)
        self.reduction = _reduction("CrossEntropyLoss", reduction)

    def forward(self, logits: Any, labels: Any) -> Tensor:
        return cross_entropy(logits, labels, self.weight, self.reduction)

    def extra_repr(self) -> str:
        return f"weight={self.weight}, reduction={self.reduction!r}" if self.weight is not None \
            else f"reduction={self.reduction!r}"


class BCEWithLogitsLoss(Module):
    """Binary cross-entropy on raw scores (sigmoid built in, stable for any score)."""

    accuracy_rule = "logit"

    def __init__(self, weight: Any = None, pos_weight: Any = None, reduction: str = "mean") -> None:
        super().__init__()
        self.weight, self.pos_weight = weight, pos_weight
        self.reduction = _reduction("BCEWithLogitsLoss", reduction)

    def forward(self, logits: Any, target: Any) -> Tensor:
        return binary_cross_entropy_with_logits(logits, target, self.weight, self.pos_weight, self.reduction)

    def extra_repr(self) -> str:
        return f"reduction={self.reduction!r}"


class BCELoss(Module):
    """Binary cross-entropy on probabilities in [0, 1] (logs clamped at −100, as PyTorch)."""

    accuracy_rule = "probability"

    def __init__(self, weight: Any = None, reduction: str = "mean") -> None:
        super().__init__()
        self.weight = weight
        self.reduction = _reduction("BCELoss", reduction)

    def forward(self, probs: Any, target: Any) -> Tensor:
        return binary_cross_entropy(probs, target, self.weight, self.reduction)

    def extra_repr(self) -> str:
        return f"reduction={self.reduction!r}"
