"""minnet.functional (``import minnet.functional as F``): layers, activations and losses as functions.

Each function is what the corresponding module calls, with its parameters passed explicitly:
``F.conv2d(x, w, b, stride, padding)`` is ``Conv2D``'s forward, ``F.cross_entropy(logits, y)`` is
``CrossEntropyLoss``'s. Argument names and defaults follow ``torch.nn.functional``, except that
``dense`` takes minnet's weight layout ``(in_features, out_features)``.

* Activations: ``relu``, ``leaky_relu``, ``elu``, ``gelu``, ``sigmoid``, ``tanh``, ``softmax``,
  ``log_softmax``.
* Layers: ``dense``, ``conv2d``, ``conv1d``, ``max_pool2d``, ``avg_pool2d``, ``dropout``,
  ``batch_norm``.
* Losses: ``mse_loss``, ``l1_loss``, ``cross_entropy``, ``binary_cross_entropy``,
  ``binary_cross_entropy_with_logits``.
"""
from .losses import (binary_cross_entropy, binary_cross_entropy_with_logits, cross_entropy, l1_loss,
                     mse_loss)
from .nn.activations import elu, gelu, leaky_relu, log_softmax, relu, sigmoid, softmax, tanh
from .nn.batchnorm import batch_norm
from .nn.conv import conv1d, conv2d
from .nn.dropout import dropout
from .nn.linear import dense
from .nn.pooling import avg_pool2d, max_pool2d

__all__ = ["relu", "leaky_relu", "elu", "gelu", "sigmoid", "tanh", "softmax", "log_softmax",
           "dense", "conv2d", "conv1d", "max_pool2d", "avg_pool2d", "dropout", "batch_norm",
           "mse_loss", "l1_loss", "cross_entropy", "binary_cross_entropy", "binary_cross_entropy_with_logits"]
