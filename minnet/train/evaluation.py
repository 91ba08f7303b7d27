"""Using a model without training it: ``evaluate`` (loss and accuracy) and ``predict`` (outputs).

Both run the model in eval mode (dropout off, batch norm on its running statistics) without
building a graph, and put the model back in the mode it was in. Forgetting eval mode is a classic
bug: with dropout still on, two predictions of the same input differ.
"""
from __future__ import annotations

import contextlib
from typing import Any, Iterator

import numpy as np

from ..autograd import Tensor, no_grad
from .batching import as_input, as_pair, as_targets, in_order, param_dtype


def accuracy_rule(loss_fn) -> str | None:
    """How ``loss_fn``'s inputs become class decisions (its ``accuracy_rule``), or None for regression."""
    return getattr(loss_fn, "accuracy_rule", None)


def count_correct(rule: str, out: np.ndarray, y: np.ndarray) -> tuple[int, int]:
    """``(right, counted)`` decisions in one batch.

    * ``"argmax"``: one decision per sample, the class with the largest output.
    * ``"logit"``: one decision per output element, ``out > 0``, against ``y > 0.5``.
    * ``"probability"``: one decision per output element, ``out > 0.5``, against ``y > 0.5``.
    """
    if rule == "argmax":
        return int(np.sum(out.argmax(axis=-1) == y.reshape(-1))), len(out)
    threshold = 0.0 if rule == "logit" else 0.5
    y = y.reshape(out.shape) if y.size == out.size else y
    return int(np.sum((out > threshold) == (y > 0.5))), out.size


@contextlib.contextmanager
def eval_mode(model) -> Iterator[None]:
    """Eval mode and no graph inside the block; the model's previous mode afterwards."""
    was_training = getattr(model, "training", True)
    if hasattr(model, "eval"):
        model.eval()
    try:
        with no_grad():
            yield
    finally:
        if hasattr(model, "train"):
            model.train(was_training)


def evaluate(model, loss_fn, data: Any, batch_size: int | None = 256) -> tuple[float, float | None]:
    """``(loss, accuracy)`` of ``model`` on ``data`` (an ``(X, y)`` pair or a loader), in eval mode.

    The loss is the mean over samples (batch losses weighted by batch size); accuracy is ``None``
    unless the loss has an ``accuracy_rule`` (a classification loss).
    """
    pair = as_pair("evaluation", data, who="evaluate")
    batches = in_order(*pair, batch_size or len(pair[0])) if pair is not None else data
    rule, dtype = accuracy_rule(loss_fn), param_dtype(model)
    total, count, right, counted = 0.0, 0, 0, 0
    with eval_mode(model):
        for xb, yb in batches:
            out = model(as_input(xb, dtype))
            y = as_targets(yb)
            total += float(loss_fn(out, y).item()) * len(y)
            count += len(y)
            if rule is not None:
                r, c = count_correct(rule, out.data, y)
                right, counted = right + r, counted + c
    if count == 0:
        raise ValueError("evaluate: the data gave no batches")
    return total / count, (right / counted if rule is not None else None)


def predict(model, X: Any, batch_size: int = 256) -> np.ndarray:
    """The model's outputs for ``X`` as a NumPy array, in eval mode, without a graph.

    ``X`` is an array (or Tensor) with one sample per row; it is fed in batches of ``batch_size``
    and the outputs are concatenated. The model's train/eval mode is restored afterwards. For class
    labels take ``predict(model, X).argmax(axis=1)``.

    >>> probs_or_logits = mn.train.predict(model, X_test)
    """
    X = X.data if isinstance(X, Tensor) else np.asarray(X)
    if X.ndim == 0:
        raise ValueError("predict: X must be an array with one row per sample, got a single number")
    if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
        raise ValueError(f"predict: batch_size must be a positive integer, got {batch_size!r}")
    dtype = param_dtype(model)
    outputs = []
    with eval_mode(model):
        for xb, _ in in_order(X, None, batch_size):
            outputs.append(model(as_input(xb, dtype)).data)
    if not outputs:
        raise ValueError("predict: X holds no samples")
    return np.concatenate(outputs, axis=0)
