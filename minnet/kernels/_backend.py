"""The backend switch: which implementation of each kernel runs, "numba" (default) or "numpy".

Every kernel is a :class:`Kernel`: its NumPy reference (a function of ``<topic>.py``) and a loader
of its Numba twin (a small function whose body is ``from .<topic>_numba import ...``). The loader
runs the first time the kernel is called under the "numba" backend, so ``import minnet.kernels``
neither imports Numba nor compiles anything. Numba then compiles the twin on its first call (or
loads it from its on-disk cache) for the dtypes it meets.

If Numba cannot be imported, minnet warns once and every kernel runs its NumPy reference. If one
twin fails to compile, that kernel warns once and falls back alone; the others stay fast.

Two things keep the first run short. A float64 call on fewer than :data:`FLOAT64_TWIN_MIN_SIZE`
numbers runs the reference even under "numba": those are gradient checks (a numerical gradient
needs two forward passes per input number, so its inputs are small), and compiling every kernel a
second time for float64 would cost them more than seconds of NumPy. And a first call that is
still compiling after half a second prints one line saying so (:func:`_announce_compiling`).
"""
from __future__ import annotations

import contextlib
import sys
import threading
import warnings
from typing import Callable, Iterator

import numpy as np

BACKENDS = ("numba", "numpy")

_backend = "numba"
_numba_broken: str | None = None      # why Numba could not be imported, once we know
_NumbaError: type | None = None       # numba.core.errors.NumbaError, once Numba is imported
KERNELS: list["Kernel"] = []          # every kernel, in the order they are defined

FLOAT64_TWIN_MIN_SIZE = 4096          # smaller float64 calls run the reference (module docstring)
_FLOAT64 = np.dtype(np.float64)
COMPILE_SECONDS = 4                   # about what the first LeNet step compiles (benchmarks/test_startup.py)
_NOTICE_AFTER = 0.5                   # seconds a first call may take before the notice is printed
_announced = False


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


def _numba_usable() -> bool:
    """Import Numba the first time a twin is wanted; warn once (and say False) if that fails."""
    global _numba_broken, _NumbaError
    if _NumbaError is None and _numba_broken is None:
        try:
            from numba.core.errors import NumbaError
            _NumbaError = NumbaError
        except Exception as exc:                   # ImportError, or a broken Numba/llvmlite install
            _numba_broken = f"{type(exc).__name__}: {exc}"
            warnings.warn(f"minnet.kernels: Numba is not usable ({_numba_broken}); every kernel now runs "
                          "its NumPy reference, which gives the same numbers more slowly.",
                          RuntimeWarning, stacklevel=4)
    return _numba_broken is None


class Kernel:
    """One kernel: its NumPy reference and a loader of its Numba twin, called like a function.

    >>> conv2d_forward = Kernel(conv.conv2d_forward_numpy, lambda: _twins.conv().conv2d_forward_numba)
    >>> conv2d_forward(x, w, b, stride, padding)    # runs the twin under "numba", else the reference

    Both implementations take the same arguments, already checked and converted by the public
    function in ``minnet/kernels/__init__.py``.
    """

    def __init__(self, reference: Callable, load_numba: Callable[[], Callable], min_size: int = 0) -> None:
        self.reference = reference
        self.min_size = min_size                   # smaller calls run the reference (cheaper to call)
        self.name = reference.__name__.removesuffix("_numpy")
        self.load_numba = load_numba
        self.numba: Callable | None = None         # the twin, once loaded
        self.failed: str | None = None             # why the twin cannot be used, once it failed
        self.compiled: set = set()                 # dtypes the twin has run with
        KERNELS.append(self)

    def __call__(self, *args):
        first = args[0]
        size = first.size
        if _backend == "numba" and self.failed is None and size >= self.min_size and (
                size >= FLOAT64_TWIN_MIN_SIZE or first.dtype != _FLOAT64):
            twin = self.numba or self._load()
            if twin is not None:
                try:
                    if first.dtype in self.compiled:
                        return twin(*args)
                    return self._first_call(twin, args)
                except Exception as exc:
                    if _NumbaError is None or not isinstance(exc, _NumbaError):
                        raise                      # a real error in the inputs: not ours to hide
                    self._fail(exc, "failed to compile")
        return self.reference(*args)

    def _first_call(self, twin: Callable, args: tuple):
        """Call the twin for a new dtype, which may compile it; say so if that takes a while."""
        _watch_compiling()
        timer = threading.Timer(_NOTICE_AFTER, _announce_compiling)
        timer.daemon = True
        timer.start()
        try:
            result = twin(*args)
        finally:
            timer.cancel()
        self.compiled.add(args[0].dtype)
        return result

    def _load(self) -> Callable | None:
        if not _numba_usable():
            return None
        try:
            self.numba = self.load_numba()
        except Exception as exc:
            self._fail(exc, "could not be loaded")
        return self.numba

    def _fail(self, exc: BaseException, what: str) -> None:
        first_line = (str(exc).strip().splitlines() or [""])[0]
        self.failed = f"{type(exc).__name__}: {first_line}"
        warnings.warn(f"minnet.kernels: the Numba kernel {self.name} {what} ({self.failed}); {self.name} now "
                      "runs its NumPy reference.", RuntimeWarning, stacklevel=4)

    def __repr__(self) -> str:
        return f"<kernel {self.name}>"


_compiling = 0                        # compilations in progress, counted by _watch_compiling


def _watch_compiling() -> None:
    """Count Numba's compilations from now on (its "numba:compile" events; loading machine code
    from the cache raises none), so that :func:`_announce_compiling` can tell them from slow calls."""
    global _watching
    if _watching:
        return
    _watching = True
    from numba.core import event

    class Counter(event.Listener):
        def on_start(self, ev):
            global _compiling
            _compiling += 1

        def on_end(self, ev):
            global _compiling
            _compiling -= 1
    event.register("numba:compile", Counter())


_watching = False


def _announce_compiling() -> None:
    """Print, once per process, that Numba is compiling, if it is (a first call may also just be big)."""
    global _announced
    if _announced or _compiling <= 0:
        return
    _announced = True
    print(f"minnet: compiling its kernels once (~{COMPILE_SECONDS} s); later runs load them from disk.",
          file=sys.stderr, flush=True)


def _reset_for_tests() -> None:
    """Forget what was learned about Numba (tests simulate a missing Numba or a failed compile)."""
    global _numba_broken, _NumbaError
    _numba_broken = _NumbaError = None
    for kernel in KERNELS:
        kernel.numba = kernel.failed = None
        kernel.compiled = set()
