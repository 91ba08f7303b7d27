"""The list of exercises: :func:`catalog` and :func:`get`."""
from __future__ import annotations

import difflib

from .exercise import Exercise
from .ops import EXERCISES


def catalog() -> list[Exercise]:
    """Every exercise, in the order they are best done (elementwise ops first, conv and batch norm last)."""
    return list(EXERCISES)


def names() -> list[str]:
    return [ex.name for ex in EXERCISES]


def get(name: str) -> Exercise:
    """The exercise called ``name`` (as listed by ``minnet exercises``)."""
    for ex in EXERCISES:
        if ex.name == name:
            return ex
    close = difflib.get_close_matches(str(name), names(), n=1)
    suggestion = f"; did you mean {close[0]!r}?" if close else "."
    raise ValueError(f"no exercise named {name!r}{suggestion} The exercises: {', '.join(names())}")


def find_exercise(class_name: str) -> Exercise:
    """The exercise whose op class is called ``class_name`` (e.g. "MaxPool2d" -> max_pool2d)."""
    for ex in EXERCISES:
        if ex.class_name.lower() == class_name.lower() or ex.name == class_name.lower():
            return ex
    raise ValueError(f"cannot tell which exercise the class {class_name} is for: pass exercise=NAME "
                     f"(one of {', '.join(names())})")
