"""The layer and loss rows of ``minnet gradcheck``: every layer, activation and loss of minnet.

Layers with parameters are checked through their functional form, with the parameters passed as
inputs, so the table checks the gradient with respect to the input *and* every parameter:
``Conv2D``'s row is ``F.conv2d(x, w, b, stride, padding)`` with x, w and b all checked. Shapes are
small (the check perturbs every element twice) but odd and rectangular, so index mistakes show.
"""
from __future__ import annotations

import numpy as np

from ... import functional as F
from ...losses import l1_penalty, l2_penalty
from ...nn import Flatten
from ._case import Case, away_from_zero, distinct, normal


def _labels(n: int, k: int):
    return lambda rng: [rng.standard_normal((n, k)), rng.integers(0, k, n)]


_CLASS_WEIGHT = np.array([0.5, 2.0, 1.0, 3.0])   # a constant: class weights get no gradient


def _targets(*shapes):
    """Predictions and targets with |p − t| >= 0.1, so L1's kink at p = t is never straddled."""
    def make(rng):
        p = rng.standard_normal(shapes[0])
        return [p, p + rng.uniform(0.1, 1.0, shapes[0]) * rng.choice([-1.0, 1.0], shapes[0])]
    return make


def _probabilities(shape):
    return lambda rng: [rng.uniform(0.05, 0.95, shape), rng.uniform(0.0, 1.0, shape)]


def _batch_norm_eval(rng):
    c = 3
    return [rng.standard_normal((4, c, 2)), rng.uniform(0.5, 2.0, c), rng.standard_normal(c)]


_RUNNING_MEAN, _RUNNING_VAR = np.array([0.5, -1.0, 0.0]), np.array([2.0, 0.5, 1.0])

LAYER_CASES: list[Case] = [
    # layers (their parameters are inputs of the check)
    Case("Dense", lambda x, w, b: F.dense(x, w, b), normal((4, 3), (3, 5), (5,)), "layer"),
    Case("Dense (batch of sequences)", lambda x, w, b: F.dense(x, w, b), normal((2, 3, 3), (3, 2), (2,)), "layer"),
    Case("Conv2D 3×3", lambda x, w, b: F.conv2d(x, w, b), normal((2, 3, 5, 6), (2, 3, 3, 3), (2,)), "layer"),
    Case("Conv2D 3×2 stride 2 pad 1", lambda x, w, b: F.conv2d(x, w, b, stride=2, padding=1),
         normal((1, 2, 7, 6), (3, 2, 3, 2), (3,)), "layer"),
    Case("Conv2D stride (1,2) pad (2,0)", lambda x, w: F.conv2d(x, w, None, stride=(1, 2), padding=(2, 0)),
         normal((2, 1, 3, 7), (2, 1, 2, 3)), "layer"),
    Case("Conv1D k3 stride 2 pad 1", lambda x, w, b: F.conv1d(x, w, b, stride=2, padding=1),
         normal((2, 3, 9), (4, 3, 3), (4,)), "layer"),
    Case("MaxPool2D 2×2", lambda x: F.max_pool2d(x, 2), distinct((2, 3, 4, 6)), "layer"),
    Case("MaxPool2D 3×3 stride 1", lambda x: F.max_pool2d(x, 3, 1), distinct((1, 2, 5, 5)), "layer"),
    Case("AvgPool2D 3×2 stride (2,1)", lambda x: F.avg_pool2d(x, (3, 2), (2, 1)), normal((2, 2, 7, 5)), "layer"),
    Case("Flatten", lambda x: Flatten()(x) * np.arange(12.0), normal((3, 3, 2, 2)), "layer"),
    Case("Dropout p=0.5", lambda x: F.dropout(x, 0.5), normal((4, 5)), "layer"),
    Case("BatchNorm1D (train)", lambda x, g, b: F.batch_norm(x, None, None, g, b, training=True),
         normal((5, 3), (3,), (3,)), "layer"),
    Case("BatchNorm1D (train, N,C,L)", lambda x, g, b: F.batch_norm(x, None, None, g, b, training=True),
         normal((3, 2, 4), (2,), (2,)), "layer"),
    Case("BatchNorm2D (train)", lambda x, g, b: F.batch_norm(x, None, None, g, b, training=True),
         normal((2, 3, 3, 2), (3,), (3,)), "layer"),
    Case("BatchNorm (eval)", lambda x, g, b: F.batch_norm(x, _RUNNING_MEAN, _RUNNING_VAR, g, b, training=False),
         _batch_norm_eval, "layer"),
    Case("Residual (Dense + Tanh)", lambda x, w, b: x + F.tanh(F.dense(x, w, b)), normal((4, 3), (3, 3), (3,)),
         "layer"),
    # activations
    Case("ReLU", F.relu, away_from_zero((3, 4)), "layer"),
    Case("LeakyReLU", lambda x: F.leaky_relu(x, 0.1), away_from_zero((3, 4)), "layer"),
    Case("ELU", lambda x: F.elu(x, 0.7), away_from_zero((3, 4)), "layer"),
    Case("GELU", F.gelu, lambda rng: [rng.standard_normal((3, 4)) * 2], "layer"),
    Case("Sigmoid", F.sigmoid, lambda rng: [rng.standard_normal((3, 4)) * 3], "layer"),
    Case("Tanh", F.tanh, normal((3, 4)), "layer"),
    Case("Softmax", lambda x: F.softmax(x, axis=-1), normal((3, 4)), "layer"),
    Case("LogSoftmax (axis 0)", lambda x: F.log_softmax(x, axis=0), normal((3, 4)), "layer"),
    # losses
    Case("MSELoss", F.mse_loss, normal((4, 3), (4, 3)), "loss"),
    Case("L1Loss", F.l1_loss, _targets((4, 3)), "loss"),
    Case("CrossEntropyLoss", F.cross_entropy, _labels(6, 4), "loss"),
    Case("CrossEntropyLoss (weight)", lambda z, y: F.cross_entropy(z, y, _CLASS_WEIGHT), _labels(6, 4), "loss"),
    Case("CrossEntropyLoss (none)", lambda z, y: F.cross_entropy(z, y, reduction="none"), _labels(5, 3), "loss"),
    Case("BCEWithLogitsLoss", F.binary_cross_entropy_with_logits,
         lambda rng: [rng.standard_normal((4, 2)) * 3, rng.uniform(0, 1, (4, 2))], "loss"),
    Case("BCELoss", F.binary_cross_entropy, _probabilities((4, 2)), "loss"),
    Case("l1_penalty", lambda a, b: l1_penalty([a, b], 0.1), away_from_zero((3, 2), (4,)), "loss"),
    Case("l2_penalty", lambda a, b: l2_penalty([a, b], 0.1), normal((3, 2), (4,)), "loss"),
]
