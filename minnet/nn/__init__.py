"""minnet.nn: modules, layers and activations.

* The module system: :class:`Module` (parameters, buffers, children, train/eval, state_dict,
  forward hooks), :class:`Parameter`, and the containers :class:`Sequential`, :class:`Residual`.
* Layers: :class:`Dense`, :class:`Flatten`, :class:`Dropout`.
* Activations: :class:`ReLU`, :class:`LeakyReLU`, :class:`ELU`, :class:`GELU`, :class:`Sigmoid`,
  :class:`Tanh`, :class:`Softmax`, :class:`LogSoftmax`, :class:`Identity`.

Their functional forms live in ``mn.functional``; losses in ``mn.losses``; initializers in ``mn.init``.
"""
from .activations import ELU, GELU, Identity, LeakyReLU, LogSoftmax, ReLU, Sigmoid, Softmax, Tanh
from .containers import Residual, Sequential
from .dropout import Dropout
from .flatten import Flatten
from .linear import Dense
from .module import Module, RemovableHandle
from .parameter import Parameter

__all__ = ["Module", "Parameter", "RemovableHandle", "Sequential", "Residual", "Dense", "Flatten", "Dropout",
           "ReLU", "LeakyReLU", "ELU", "GELU", "Sigmoid", "Tanh", "Softmax", "LogSoftmax", "Identity"]
