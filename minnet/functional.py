"""minnet.functional (``import minnet.functional as F``): layers, activations and losses as functions.

Each function is what the corresponding module calls, with its parameters passed explicitly:
``F.dense(x, w, b)`` is ``Dense``'s forward, ``F.cross_entropy(logits, y)`` is ``CrossEntropyLoss``.

* Activations: ``relu``, ``leaky_relu``, ``elu``, ``gelu``, ``sigmoid``, ``tanh``, ``softmax``,
  ``log_softmax``.
* Layers: ``dense``, ``dropout``.
* Losses: ``mse_loss``, ``l1_loss``, ``cross_entropy``, ``binary_cross_entropy``,
  ``binary_cross_entropy_with_logits``.
"""
from .losses import (binary_cross_entropy, binary_cross_entropy_with_logits, cross_entropy, l1_loss,
                     mse_loss)
from .nn.activations import elu, gelu, leaky_relu, log_softmax, relu, sigmoid, softmax, tanh
from .nn.dropout import dropout
from .nn.linear import dense

__all__ = ["relu", "leaky_relu", "elu", "gelu", "sigmoid", "tanh", "softmax", "log_softmax", "dense", "dropout",
           "mse_loss", "l1_loss", "cross_entropy", "binary_cross_entropy", "binary_cross_entropy_with_logits"]
