"""What every loss shares: the reductions, reading the inputs as numbers, and matching shapes."""
from __future__ import annotations

from typing import Any

import numpy as np

from ..autograd import Tensor
from ..nn._checks import as_tensor, shape_str


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
