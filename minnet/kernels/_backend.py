"""The backend switch: which implementation of each kernel runs, "numba" (default) or "numpy".

The NumPy references live in ``<topic>.py`` and import nothing but NumPy; their Numba twins live in
``<topic>_numba.py`` and are imported the first time a kernel runs under the "numba" backend, so
``import minnet.kernels`` neither imports Numba nor compiles anything. Each twin compiles on its
first call (or loads from Numba's on-disk cache) for the dtypes it meets.

If Numba cannot be imported, the package warns once and every kernel runs its NumPy reference. If
one kernel fails to compile, that kernel warns once and falls back alone; the others stay fast.
"""
from __future__ import annotations

import contextlib
import importlib
import warnings
from typing import Callable, Iterator

BACKENDS = ("numba", "numpy")

# kernel name -> topic module holding `<name>_numpy` (and `<topic>_numba` holding `<name>_numba`)
TOPICS = {
    "conv2d_forward": "conv", "conv2d_backward": "conv", "conv1d_forward": "conv", "conv1d_backward": "conv",
    "max_pool2d_forward": "pool", "max_pool2d_backward": "pool",
    "avg_pool2d_forward": "pool", "avg_pool2d_backward": "pool",
    "batch_norm_forward": "batchnorm", "batch_norm_backward": "batchnorm",
    "softmax_cross_entropy_forward": "cross_entropy", "softmax_cross_entropy_backward": "cross_entropy",
    "dense_forward": "dense", "dense_backward": "dense", "dense_relu_forward": "dense",
    "relu_forward": "activation", "relu_backward_mask": "activation",
}

_backend = "numba"
_numba_broken: str | None = None      # why Numba could not be imported, once we know
_compile_error: type | None = None    # numba.core.errors.NumbaError, once Numba is imported
_numpy_impl: dict[str, Callable] = {}
_numba_impl: dict[str, Callable] = {}
_failed: dict[str, str] = {}          # kernels whose Numba version failed to compile, and why


def set_backend(name: str) -> None:
    """Run every kernel with ``name``: "numba" (compiled loops, the default) or "numpy" (the references)."""
    global _backend
    if name not in BACKENDS:
        raise ValueError(f"unknown kernel backend {name!r}: choose one of {', '.join(map(repr, BACKENDS))}")
    _backend = name


def get_backend() -> str:
    """The backend kernels run with: "numba" or "numpy" ("numpy" also when Numba turned out to be unusable)."""
    return "numpy" if _numba_broken is not None else _backend


@contextlib.contextmanager
def use_backend(name: str) -> Iterator[str]:
    """``with use_backend("numpy"): ...`` runs the block with that backend and restores the previous one."""
    previous = _backend
    set_backend(name)
    try:
        yield name
    finally:
        set_backend(previous)


def numpy_impl(name: str) -> Callable:
    """The NumPy reference of kernel ``name``."""
    fn = _numpy_impl.get(name)
    if fn is None:
        module = importlib.import_module(f"{__package__}.{TOPICS[name]}")
        fn = _numpy_impl[name] = getattr(module, f"{name}_numpy")
    return fn


def _load_numba(name: str) -> Callable | None:
    """The Numba twin of kernel ``name``, importing Numba on first use; None if Numba is unusable."""
    global _numba_broken, _compile_error
    if _numba_broken is not None:
        return None
    if _compile_error is None:
        try:
            _compile_error = importlib.import_module("numba.core.errors").NumbaError
        except Exception as exc:                   # ImportError, or a broken Numba/llvmlite install
            _numba_broken = f"{type(exc).__name__}: {exc}"
            warnings.warn(f"minnet.kernels: Numba is not usable ({_numba_broken}); every kernel now runs "
                          "its NumPy reference, which gives the same numbers more slowly.",
                          RuntimeWarning, stacklevel=4)
            return None
    try:
        module = importlib.import_module(f"{__package__}.{TOPICS[name]}_numba")
    except Exception as exc:
        _fail(name, exc, "could not be loaded")
        return None
    fn = _numba_impl[name] = getattr(module, f"{name}_numba")
    return fn


def _fail(name: str, exc: BaseException, what: str) -> None:
    first_line = (str(exc).strip().splitlines() or [""])[0]
    _failed[name] = f"{type(exc).__name__}: {first_line}"
    warnings.warn(f"minnet.kernels: the Numba kernel {name} {what} ({_failed[name]}); {name} now runs its "
                  "NumPy reference.", RuntimeWarning, stacklevel=5)


def run(name: str, *args):
    """Run kernel ``name`` on ``args`` with the current backend (the public functions call this)."""
    if _backend == "numba" and name not in _failed:
        fn = _numba_impl.get(name) or _load_numba(name)
        if fn is not None:
            try:
                return fn(*args)
            except Exception as exc:
                if not isinstance(exc, _compile_error):
                    raise                          # a real error in the inputs: not ours to hide
                _fail(name, exc, "failed to compile")
    return numpy_impl(name)(*args)


def _reset_for_tests() -> None:
    """Forget what was learned about Numba (tests simulate a missing Numba or a failed compile)."""
    global _numba_broken, _compile_error
    _numba_broken = _compile_error = None
    _numba_impl.clear()
    _failed.clear()
