"""Switching graph building on and off (``with mn.no_grad(): ...``)."""
from __future__ import annotations

import threading
from contextlib import contextmanager
from typing import Iterator

class _GradMode(threading.local):
    # A class attribute, so that a thread which never switched reads True without a failed lookup
    # (getattr with a default raises and catches an AttributeError, once per op).
    enabled = True


_state = _GradMode()


def is_grad_enabled() -> bool:
    """True when ops record the graph that ``backward()`` walks."""
    return _state.enabled


@contextmanager
def _grad_mode(enabled: bool) -> Iterator[None]:
    previous = is_grad_enabled()
    _state.enabled = enabled
    try:
        yield
    finally:
        _state.enabled = previous


def no_grad():
    """Context manager: ops inside build no graph (use it for evaluation and for weight updates).

    >>> with mn.no_grad():
    ...     y = model(x)          # y.requires_grad is False, nothing is stored for backward
    """
    return _grad_mode(False)


def enable_grad():
    """Context manager that turns graph building back on inside a ``no_grad`` block."""
    return _grad_mode(True)
