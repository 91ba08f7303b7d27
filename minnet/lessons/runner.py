"""Running a lesson's cells one after another in one namespace, as a notebook kernel does.

Each cell is compiled with the lesson file's name and its own line numbers, so a traceback points at
the line of the lesson a student can open. A failure is told in words: a failed check cell says
which claim failed; any other error shows the traceback from the lesson's line down, without the
runner's own frames.
"""
from __future__ import annotations

import ast
import builtins
import os
import traceback
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from . import FIGURES_ENV, QUICK_ENV
from .cells import Cell, Lesson


@contextmanager
def lesson_environment(quick: bool, figures: Path | None) -> Iterator[None]:
    """Tell the lesson (through ``minnet.lessons.quick()`` and ``figures_dir()``) how it is run, and
    keep matplotlib on its file-only backend (no windows), for the time of the run."""
    wanted = {QUICK_ENV: "1" if quick else "0", "MPLBACKEND": "Agg"}
    if figures is not None:
        wanted[FIGURES_ENV] = str(figures)
    previous = {name: os.environ.get(name) for name in wanted}
    os.environ.update(wanted)
    try:
        yield
    finally:
        for name, value in previous.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


class LessonRun:
    """The state of one run: one namespace shared by all cells, like a script's (``__name__ == "__main__"``)."""

    def __init__(self, lesson: Lesson) -> None:
        self.lesson = lesson
        self.filename = str(lesson.path)
        self.namespace: dict = {"__name__": "__main__", "__file__": self.filename, "__builtins__": builtins}

    def run(self, cell: Cell) -> list[str]:
        """Run one code cell; for a check cell, return the claims its asserts just confirmed."""
        # Blank lines in front give every line of the cell its line number in the file.
        code = compile("\n" * (cell.line - 1) + cell.source + "\n", self.filename, "exec")
        exec(code, self.namespace)
        return claims(cell, self.namespace) if cell.is_check else []

    def describe(self, error: BaseException, cell: Cell) -> tuple[str, str]:
        """(headline, details) for an error raised while ``cell`` ran, in a student's terms.

        An ``AssertionError`` raised by an assert of the lesson itself is a failed claim: the headline
        quotes the claim ("check failed" in a check cell, "assertion failed" elsewhere). Anything else gets the traceback from the lesson's frame on.
        """
        summary = traceback.TracebackException.from_exception(error)
        frames = list(summary.stack)
        ours = [i for i, frame in enumerate(frames) if frame.filename == self.filename]
        line = frames[ours[0]].lineno if ours else cell.line     # the line of this cell that was running
        if isinstance(error, SyntaxError) and error.filename == self.filename:
            line = error.lineno
        index = self.lesson.cells.index(cell) + 1
        where = f" in cell {index} ({self.lesson.path.name}, line {line})"
        if isinstance(error, AssertionError) and ours and ours[-1] == len(frames) - 1:
            claim = str(error) or f"`{(frames[-1].line or '').strip()}`"
            return f"{'check' if cell.is_check else 'assertion'} failed{where}: {claim}", ""
        summary.stack = traceback.StackSummary.from_list(frames[ours[0]:] if ours else [])
        message = error.msg if isinstance(error, SyntaxError) else str(error)
        headline = f"{type(error).__name__}{where}" + (f": {message}" if message else "")
        return headline, "".join(summary.format())


def claims(cell: Cell, namespace: dict) -> list[str]:
    """The messages of a check cell's asserts, in order: the claims the cell has just confirmed.

    A message written as an f-string is filled in from the lesson's variables.
    """
    asserts = sorted((n for n in ast.walk(ast.parse(cell.source)) if isinstance(n, ast.Assert) and n.msg),
                     key=lambda n: (n.lineno, n.col_offset))
    found = []
    for node in asserts:
        try:
            text = eval(compile(ast.Expression(node.msg), "<claim>", "eval"), namespace)
        except Exception:   # e.g. a loop variable that no longer exists: show the message as written
            text = ast.unparse(node.msg)
        found.append(str(text))
    return found
