"""minnet.optim: optimizers, learning-rate schedulers and gradient clipping.

Update rules and learning-rate sequences equal PyTorch's (``torch.optim``), so a student who moves
to PyTorch finds the same numbers. Each class's docstring writes its rule out as formulas.

* Optimizers: :class:`SGD` (momentum, Nesterov, weight decay), :class:`Adam`, :class:`AdamW`,
  :class:`RMSprop`; all share :class:`Optimizer` (``step``, ``zero_grad``, ``lr``, ``state_dict``).
* Schedulers: :class:`StepLR`, :class:`ExponentialLR`, :class:`CosineAnnealingLR`,
  :class:`ReduceLROnPlateau` (base class :class:`LRScheduler`).
* Clipping: :func:`clip_grad_norm` (returns the norm before clipping), :func:`clip_grad_value`,
  and :func:`grad_norm` to measure without clipping.
"""
from .adam import Adam, AdamW
from .clip import clip_grad_norm, clip_grad_value, grad_norm
from .lr_scheduler import CosineAnnealingLR, ExponentialLR, LRScheduler, ReduceLROnPlateau, StepLR
from .optimizer import Optimizer
from .rmsprop import RMSprop
from .sgd import SGD

__all__ = ["Optimizer", "SGD", "Adam", "AdamW", "RMSprop",
           "LRScheduler", "StepLR", "ExponentialLR", "CosineAnnealingLR", "ReduceLROnPlateau",
           "clip_grad_norm", "clip_grad_value", "grad_norm"]
