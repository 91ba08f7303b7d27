"""Exercise on a loss: softmax followed by cross-entropy, averaged over the batch.

The fused gradient is famously simple, (softmax − onehot) / N, and the classic slips are the 1/N
of the mean, the one-hot, and a forward that overflows on large logits.
"""
from __future__ import annotations

import numpy as np

import minnet as mn

from ..exercise import Case, Exercise, Mistake


def _logits_and_labels(n: int, k: int, scale: float = 1.0):
    return lambda rng: [scale * rng.standard_normal((n, k)), rng.integers(0, k, n)]


def _onehot(t) -> np.ndarray:
    logits, labels = t.inputs
    out = np.zeros_like(logits)
    out[np.arange(len(labels)), labels] = 1.0
    return out


def _softmax(z: np.ndarray) -> np.ndarray:
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


SOFTMAX_CROSS_ENTROPY = Exercise(
    name="softmax_cross_entropy",
    title="softmax + cross-entropy of logits against integer labels, averaged over the batch",
    class_name="SoftmaxCrossEntropy",
    signature="logits, labels",
    no_grad_inputs=("labels",),
    doc="""
        forward:   p[i] = softmax(z[i]),   p[i, k] = exp(z[i, k]) / sum_j exp(z[i, j])
                   loss = -(1/N) * sum_i log p[i, y[i]]                    a scalar (0-d array)
        backward:  dL/dz = grad * (p - onehot(y)) / N,   and None for the labels

    Shapes: logits z (N, K), labels y (N,) integers in [0, K); the loss is a 0-d array
    (np.asarray(value)); grad is a scalar; dL/dz has z's shape (N, K).
    Numerical stability: exp(1000) overflows to inf. Subtract each row's max from z before exp;
    softmax does not change (the shift cancels between numerator and denominator). Better still,
    compute log p[i, k] = z[i, k] - m[i] - log(sum_j exp(z[i, j] - m[i])), m[i] = max_j z[i, j].
    Example: z = [[0, 0]], y = [1]: p = [[0.5, 0.5]], loss = log 2 = 0.693, dL/dz = [[0.5, -0.5]].
    """,
    forward_todo="loss = ...; keep p and the labels for backward; return np.asarray(loss)",
    backward_todo="return dL/dlogits, None",
    cases=(Case("logits (4, 3), labels (4,)", _logits_and_labels(4, 3)),
           Case("logits (5, 4), labels (5,)", _logits_and_labels(5, 4), seed=1),
           Case("logits of size ~1000 (3, 5), labels (3,): numerical stability",
                _logits_and_labels(3, 5, scale=1000.0), gradcheck=False)),
    reference=lambda logits, labels: mn.functional.cross_entropy(logits, labels),
    mistakes=(
        Mistake("unstable", "the forward overflows on large logits (exp of ~1000 is inf)",
                "Subtract each row's maximum from the logits before exp (z - z.max(axis=1, keepdims=True)): "
                "the softmax is unchanged and the largest exponent becomes exp(0) = 1. Compute log p from "
                "the shifted logits (log-sum-exp) rather than as log(p), which is -inf where p underflows to 0.",
                forward_test=lambda t: not np.all(np.isfinite(t.out)), plant=False),
        Mistake("missing_mean", "the gradient misses the 1/N of the mean over the batch",
                "The loss is the *mean* of the N per-sample losses, so every row of the gradient carries a "
                "factor 1/N: dL/dz = grad * (p - onehot) / N.",
                grads=lambda t: (t.truth[0] * len(t.inputs[1]), None)),
        Mistake("missing_onehot", "the gradient is softmax / N, without subtracting the one-hot labels",
                "d(-log p[y])/dz = p - onehot(y): subtract 1 at each sample's true class "
                "(g[np.arange(N), labels] -= 1).",
                grads=lambda t: (t.grad * _softmax(t.inputs[0]) / len(t.inputs[1]), None)),
        Mistake("onehot_minus_p", "the gradient has the wrong sign: onehot − p instead of p − onehot",
                "The gradient of -log p[y] with respect to z is p - onehot(y) (the loss falls when the true "
                "class's logit rises, so its gradient there is negative).",
                grads=lambda t: (t.grad * (_onehot(t) - _softmax(t.inputs[0])) / len(t.inputs[1]), None)),
    ),
)

EXERCISES = (SOFTMAX_CROSS_ENTROPY,)
