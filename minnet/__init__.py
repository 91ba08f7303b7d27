"""minnet: a from-scratch neural-network library for learning.

    import minnet as mn
    x = mn.Tensor([1.0, 2.0], requires_grad=True)
    (x ** 2).sum().backward()        # x.grad == [2, 4]

The house, lowest floor first (each floor imports only the floors below it):

1. ``kernels``: array functions (convolution, pooling, ...), a NumPy reference and a Numba twin each
2. ``autograd``: ``Tensor``, ``Function``, ``backward()``
3. ``nn``, ``optim``, ``losses``, ``init``, ``functional``, ``data``, ``metrics``, ``checkpoint``
4. ``train`` (``fit``, ``History``, ``lr_find``), ``gradcheck``, ``monitor`` (instruments, preflight, diagnose)
5. ``plot`` (every figure), ``exercises`` (write an op, have its gradient checked)
6. this module and the ``minnet`` command

Subpackages load on first use (``mn.nn``, ``mn.data``, ...), so ``import minnet`` stays quick.
"""
import importlib as _importlib

from . import _plotting
from ._random import get_rng, manual_seed
from .autograd import (Context, Function, Tensor, concatenate, detect_anomaly, enable_grad,
                       get_default_dtype, is_grad_enabled, maximum, no_grad, set_default_dtype,
                       stack, tensor, where)
from .gradcheck import GradcheckReport, gradcheck, gradcheck_module

__version__ = "0.1.0"

_SUBMODULES = {"kernels", "autograd", "nn", "optim", "losses", "init", "functional", "data", "metrics", "plot",
               "train", "checkpoint", "monitor", "exercises", "failures"}
_LAZY_NAMES = {
    "fit": "train", "History": "train", "EarlyStopping": "train", "lr_find": "train",
    "save": "checkpoint", "load": "checkpoint",
    "preflight": "monitor", "diagnose": "monitor",
}


def __getattr__(name: str):
    if name in _SUBMODULES:
        return _importlib.import_module(f".{name}", __name__)
    if name in _LAZY_NAMES:
        return getattr(_importlib.import_module(f".{_LAZY_NAMES[name]}", __name__), name)
    raise AttributeError(f"module 'minnet' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | _SUBMODULES | set(_LAZY_NAMES))


def _load_plot():
    from . import plot
    return plot


# Figures live on floor 5; History.plot() and the like (floor 4) reach them through this hook.
_plotting.set_loader(_load_plot)
