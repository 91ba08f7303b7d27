"""Softmax + cross-entropy, NumPy reference: the classification loss on raw scores (logits).

For logits z (N, K) and integer labels y (N,):

    log p[i, k] = z[i, k] − logsumexp(z[i])          (log-softmax)
    l_i         = −log p[i, y_i]
    loss        = (1/N) Σ_i l_i                       or, with class weights w (K,),
    loss        = Σ_i w[y_i] · l_i / Σ_i w[y_i]       (PyTorch's weighted mean)

logsumexp(z) = m + log Σ_k exp(z_k − m) with m = max_k z_k: after the shift the largest exponent is
exp(0) = 1, so nothing overflows even for logits of ±1e4, and the sum is at least 1, so the log
never sees 0.

Backward: the gradient of l_i with respect to z[i] is p[i] − onehot(y_i), which is why the forward
returns the probabilities p. With the upstream scalar g = dL/dloss:

    glogits[i] = g · c_i · (p[i] − onehot(y_i)),   c_i = 1/N  or  w[y_i] / Σ_j w[y_j]
"""
from __future__ import annotations

import numpy as np


def softmax_cross_entropy_forward_numpy(logits: np.ndarray, labels: np.ndarray, weight: np.ndarray | None):
    """Mean cross-entropy of logits (N, K) against labels (N,) -> (loss 0-d array, probs (N, K))."""
    n = logits.shape[0]
    z = logits - logits.max(axis=1, keepdims=True)
    log_probs = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    nll = -log_probs[np.arange(n), labels]                  # −log p of the true class, per sample
    if weight is None:
        loss = nll.mean()
    else:
        w = weight[labels]
        loss = (w * nll).sum() / w.sum()
    return np.asarray(loss, dtype=logits.dtype), np.exp(log_probs)


def softmax_cross_entropy_backward_numpy(probs: np.ndarray, labels: np.ndarray, weight: np.ndarray | None,
                                         grad) -> np.ndarray:
    """d loss / d logits = grad · c_i · (probs − onehot(labels)) -> (N, K)."""
    n = probs.shape[0]
    g = probs.copy()
    g[np.arange(n), labels] -= 1
    if weight is None:
        g *= np.asarray(grad, dtype=probs.dtype) / n
    else:
        w = weight[labels]
        g *= (np.asarray(grad, dtype=probs.dtype) * w / w.sum())[:, None]
    return g
