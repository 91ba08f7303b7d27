"""minnet.nn: modules, layers and activations.

* The module system: :class:`Module` (parameters, buffers, children, train/eval, state_dict,
  forward hooks), :class:`Parameter`, and the containers :class:`Sequential`, :class:`Residual`.
* Layers: :class:`Dense`, :class:`Conv2D`, :class:`Conv1D`, :class:`MaxPool2D`, :class:`AvgPool2D`,
  :class:`Flatten`, :class:`Dropout`, :class:`BatchNorm1D`, :class:`BatchNorm2D`.
* Activations: :class:`ReLU`, :class:`LeakyReLU`, :class:`ELU`, :class:`GELU`, :class:`Sigmoid`,
  :class:`Tanh`, :class:`Softmax`, :class:`LogSoftmax`, :class:`Identity`.

Their functional forms live in ``mn.functional``; losses in ``mn.losses``; initializers in ``mn.init``.
"""
from .activations import ELU, GELU, Identity, LeakyReLU, LogSoftmax, ReLU, Sigmoid, Softmax, Tanh
from .batchnorm import BatchNorm1D, BatchNorm2D
from .containers import Residual, Sequential
from .conv import Conv1D, Conv2D
from .dropout import Dropout
from .flatten import Flatten
from .linear import Dense
from .module import Module, RemovableHandle
from .parameter import Parameter
from .pooling import AvgPool2D, MaxPool2D

__all__ = ["Module", "Parameter", "RemovableHandle", "Sequential", "Residual",
           "Dense", "Conv2D", "Conv1D", "MaxPool2D", "AvgPool2D", "Flatten", "Dropout", "BatchNorm1D", "BatchNorm2D",
           "ReLU", "LeakyReLU", "ELU", "GELU", "Sigmoid", "Tanh", "Softmax", "LogSoftmax", "Identity"]
