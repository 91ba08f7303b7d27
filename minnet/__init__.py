"""minnet: a from-scratch neural-network library for learning.

    import minnet as mn
    x = mn.Tensor([1.0, 2.0], requires_grad=True)
    (x ** 2).sum().backward()        # x.grad == [2, 4]

Floors (lowest first): ``kernels`` (array functions), ``autograd`` (Tensor, Function, backward),
``nn``/``optim``/``losses``/``init``/``data``, then training, instruments and the failure catalog.
Subpackages load on first use (``mn.nn``, ``mn.data``, ...), so ``import minnet`` stays quick.
"""
import importlib

from ._random import get_rng, manual_seed
from .autograd import (Context, Function, Tensor, concatenate, detect_anomaly, enable_grad,
                       get_default_dtype, is_grad_enabled, maximum, no_grad, set_default_dtype,
                       stack, tensor, where)
from .gradcheck import GradcheckReport, gradcheck, gradcheck_module

__version__ = "0.1.0"

_SUBMODULES = {"kernels", "nn", "optim", "losses", "init", "functional", "data", "monitor",
               "failures", "plot", "train", "checkpoint"}
_LAZY_NAMES = {
    "fit": "train", "History": "train", "EarlyStopping": "train", "lr_find": "train",
    "save": "checkpoint", "load": "checkpoint",
    "diagnose": "monitor",
}


def __getattr__(name: str):
    if name in _SUBMODULES:
        return importlib.import_module(f".{name}", __name__)
    if name in _LAZY_NAMES:
        return getattr(importlib.import_module(f".{_LAZY_NAMES[name]}", __name__), name)
    raise AttributeError(f"module 'minnet' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | _SUBMODULES | set(_LAZY_NAMES))
