"""How objects on lower floors draw themselves without importing ``minnet.plot``.

``History.plot()`` (floor 4) and ``Monitor.plot()`` (floor 4) need figures, but every figure lives in
``minnet.plot`` (floor 5), and matplotlib must load only when a figure is asked for. So the lower
floors call :func:`draw` with the name of a figure function, and the top of the house
(``minnet/__init__.py``) tells this module how to load ``minnet.plot`` (:func:`set_loader`): the
dependency points down, and matplotlib is imported on the first call.
"""
from __future__ import annotations

from typing import Any, Callable

_loader: Callable[[], Any] | None = None


def set_loader(loader: Callable[[], Any]) -> None:
    """Register the function that imports and returns the plotting module (done by ``minnet``)."""
    global _loader
    _loader = loader


def draw(figure: str, *args: Any, **kwargs: Any):
    """Call ``minnet.plot.<figure>(*args, **kwargs)`` and return its matplotlib Figure."""
    if _loader is None:   # pragma: no cover - minnet/__init__ always registers it
        raise RuntimeError("plotting is not set up: import minnet first")
    return getattr(_loader(), figure)(*args, **kwargs)
