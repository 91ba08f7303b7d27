"""Loaders of the Numba twins: each function imports one ``<topic>_numba.py`` when first called.

Importing a twin module imports Numba (about 0.4 s), so it happens only when a kernel first runs
under the "numba" backend (see ``_backend.py``), never on ``import minnet``.
"""


def conv():
    from . import conv_numba
    return conv_numba


def pool():
    from . import pool_numba
    return pool_numba


def batchnorm():
    from . import batchnorm_numba
    return batchnorm_numba


def cross_entropy():
    from . import cross_entropy_numba
    return cross_entropy_numba


def optim():
    from . import optim_numba
    return optim_numba


def activation():
    from . import activation_numba
    return activation_numba
