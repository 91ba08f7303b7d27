"""The student's side of a check: load their file as a module, find their op, and run their code so
that an exception in it becomes a :class:`StudentError` that says where (file, line, code) instead
of a traceback.
"""
from __future__ import annotations

import importlib.util
import inspect
import itertools
import linecache
import os
import sys
import sysconfig
import traceback
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable

import numpy as np

import minnet as mn

_MINNET_DIR = os.path.dirname(os.path.abspath(mn.__file__))
_NUMPY_DIR = os.path.dirname(os.path.abspath(np.__file__))
_NOT_STUDENTS = (_MINNET_DIR, _NUMPY_DIR, os.path.abspath(sysconfig.get_paths()["stdlib"]))
_counter = itertools.count()


@dataclass(frozen=True)
class Location:
    """A line of the student's code."""

    file: str
    line: int
    code: str

    def __str__(self) -> str:
        return f"{os.path.basename(self.file)}, line {self.line}"


class StudentError(Exception):
    """An exception raised by the student's code (``stage``: "import", "forward" or "backward")."""

    def __init__(self, stage: str, error: BaseException, location: Location | None) -> None:
        super().__init__(f"{stage}: {type(error).__name__}: {error}")
        self.stage, self.error, self.location = stage, error, location

    @property
    def not_implemented(self) -> bool:
        return isinstance(self.error, NotImplementedError)

    @property
    def message(self) -> str:
        """``TypeError: ...`` (or the bare SyntaxError message)."""
        if isinstance(self.error, SyntaxError):
            return f"SyntaxError: {self.error.msg}"
        text = str(self.error)
        return f"{type(self.error).__name__}: {text}" if text else type(self.error).__name__


def _is_students(filename: str, files: frozenset[str]) -> bool:
    if files:
        return os.path.abspath(filename) in files
    # A class from a notebook or the REPL: any code that is neither minnet's nor NumPy's.
    return not (os.path.abspath(filename).startswith(_NOT_STUDENTS) or filename.startswith("<frozen"))


def locate(error: BaseException, files: Iterable[str] = ()) -> Location | None:
    """The deepest line of the student's code in the traceback of ``error`` (None if none is)."""
    files = frozenset(os.path.abspath(f) for f in files)
    found = None
    for frame in traceback.extract_tb(error.__traceback__):
        if _is_students(frame.filename, files):
            found = frame
    if found is None:
        return None
    linecache.checkcache(found.filename)
    code = (linecache.getline(found.filename, found.lineno) or found.line or "").strip()
    return Location(found.filename, found.lineno, code)


@contextmanager
def students_code(stage: str, files: Iterable[str]):
    """Run the block; an exception from it becomes a :class:`StudentError` located in ``files``."""
    try:
        yield
    except (KeyboardInterrupt, StudentError):
        raise
    except Exception as exc:
        raise StudentError(stage, exc, locate(exc, files)) from None


def call(stage: str, fn: Callable, files: Iterable[str], *args: Any, **kwargs: Any) -> Any:
    with students_code(stage, files):
        return fn(*args, **kwargs)


def load_module(path: str | os.PathLike):
    """Import the student's file as a module (without writing a __pycache__ next to it).

    A missing file raises FileNotFoundError (a usage error); an error inside the file raises
    :class:`StudentError` pointing at its line.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no such file: {path}" if not path.exists() else f"not a file: {path}")
    name = f"_minnet_exercise_{next(_counter)}_{path.stem}"
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module          # dataclasses and inspect look a class's module up here
    saved = sys.dont_write_bytecode
    sys.dont_write_bytecode = True
    try:
        spec.loader.exec_module(module)
    except SyntaxError as exc:
        sys.modules.pop(name, None)
        where = Location(exc.filename or str(path), exc.lineno or 0, (exc.text or "").strip())
        raise StudentError("import", exc, where) from None
    except Exception as exc:
        sys.modules.pop(name, None)
        raise StudentError("import", exc, locate(exc, [str(path)])) from None
    finally:
        sys.dont_write_bytecode = saved
    return module


def functions_in(module) -> list[type]:
    """The ``mn.Function`` subclasses defined in ``module`` itself, in the order they appear."""
    found = [obj for obj in vars(module).values()
             if inspect.isclass(obj) and issubclass(obj, mn.Function) and obj is not mn.Function
             and obj.__module__ == module.__name__]
    return found


def source_files(cls: type) -> list[str]:
    """The file a class was written in, if Python can tell (not for a notebook cell)."""
    try:
        return [os.path.abspath(inspect.getsourcefile(cls))]
    except (TypeError, OSError):
        return []
