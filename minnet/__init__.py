"""minnet: a from-scratch neural-network library for learning.

    import minnet as mn
    x = mn.Tensor([1.0, 2.0], requires_grad=True)
    (x ** 2).sum().backward()        # x.grad == [2, 4]

Floors (lowest first): ``kernels`` (array functions), ``autograd`` (Tensor, Function, backward),
``nn``/``optim``/``losses``/``init``/``data``, then training, instruments and the failure catalog.
"""
from ._random import get_rng, manual_seed
from .autograd import (Context, Function, Tensor, concatenate, detect_anomaly, enable_grad,
                       get_default_dtype, is_grad_enabled, maximum, no_grad, set_default_dtype,
                       stack, tensor, where)
from .gradcheck import GradcheckReport, gradcheck, gradcheck_module

__version__ = "0.1.0"
