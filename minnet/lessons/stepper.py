"""``minnet lesson N``: a lesson one cell at a time, in the terminal.

Each cell is shown in turn: a text cell as wrapped text, a code cell as its code (with the lesson
file's line numbers), then run, with what it printed below it and a line for every figure it saved.
A check cell also lists the claims it has just confirmed. Between cells the student presses Enter
(next), c (run to the end) or q (quit). All cells share one namespace, as in a notebook.

Exit status: 0 when the lesson ran to the end or the student quit, 1 when a cell failed.
"""
from __future__ import annotations

import sys
import textwrap
import warnings
from contextlib import redirect_stdout
from pathlib import Path
from typing import TextIO

from . import _short, catalog, figures_dir
from .cells import Cell, Lesson
from .runner import LessonRun, lesson_environment
from .terminal import (CONTINUE, QUIT, Indented, Style, read_key, render_code, render_markdown, rule,
                       text_width)

PROMPT = "[Enter] next   [c] run to the end   [q] quit "


def step(lesson: Lesson, pause: bool = True, quick: bool = False, figures: Path | None = None,
         stdin: TextIO | None = None, stdout: TextIO | None = None) -> int:
    """Show and run ``lesson`` cell by cell; return the exit status (0 done or quit, 1 a cell failed)."""
    return _Stepper(lesson, stdin or sys.stdin, stdout or sys.stdout).run(pause, quick, figures)


class _Stepper:
    def __init__(self, lesson: Lesson, stdin: TextIO, out: TextIO) -> None:
        self.lesson, self.stdin, self.out = lesson, stdin, out
        self.style, self.width = Style.for_stream(out), text_width()
        self.cells = lesson.cells
        self.runner = LessonRun(lesson)
        self.confirmed = 0           # claims confirmed so far

    def say(self, text: str = "") -> None:
        print(text, file=self.out)

    def run(self, pause: bool, quick: bool, figures: Path | None) -> int:
        keys = "Enter: next cell · c: run to the end · q: quit" if pause else "running straight through"
        mode = " · quick mode" if quick else ""
        self.say(self.style.dim(f"{self.command()} · {len(self.cells)} cells{mode} · {keys}"))
        with lesson_environment(quick, figures):
            folder = figures_dir()
            before = _pictures(folder)
            for index, cell in enumerate(self.cells, start=1):
                self.say()
                if cell.kind == "code":
                    if not self.show_and_run(index, cell):
                        return 1
                else:
                    self.say(render_markdown(cell.source, self.width, self.style))
                if pause and index < len(self.cells):
                    key = self.ask()
                    if key == QUIT:
                        self.say(f"\nStopped at cell {index} of {len(self.cells)}. "
                                 f"Start again with: {self.command()}")
                        return 0
                    pause = key != CONTINUE
        self.say()
        self.say(self.style.good(f"✓ End of lesson {self.lesson.number}: "
                                 f"{self.confirmed} claims checked, all hold."))
        saved = [p for p, stamp in _pictures(folder).items() if before.get(p) != stamp]
        if saved:
            self.say(f"Figures saved by this lesson: {len(saved)}, in {_short(folder)}/")
        self.say_next()
        return 0

    def show_and_run(self, index: int, cell: Cell) -> bool:
        """Show a code cell, run it with its output set off below; False if it failed."""
        kind = "check" if cell.is_check else "code"
        self.say(rule(f"{index}/{len(self.cells)} {kind} · {self.lesson.path.name}:{cell.line}",
                      self.width, self.style))
        self.say(render_code(cell.source, cell.line, self.style, self.width))
        self.out.flush()
        output = Indented(self.out, self.style.dim("  ▏ "))
        try:
            with redirect_stdout(output), warnings.catch_warnings():
                warnings.showwarning = _show_warning           # in the cell's output, without a file path
                claims = self.runner.run(cell)
        except Exception as error:   # a cell's error ends the lesson, told in the lesson's terms
            output.end_line()
            headline, details = self.runner.describe(error, cell)
            if details:
                self.say(details.rstrip("\n"))
            self.say(self.style.bad(self.wrap(f"✗ {headline}")))
            return False
        output.end_line()
        for claim in claims:
            self.say(self.style.good(self.wrap(f"  ✓ {claim}")))
        self.confirmed += len(claims)
        return True

    def wrap(self, line: str) -> str:
        return textwrap.fill(line, self.width, subsequent_indent="    ", break_long_words=False)

    def ask(self) -> str:
        """Prompt, wait for a key, then wipe the prompt on a terminal (so the transcript stays clean)."""
        self.out.write(self.style.dim(PROMPT))
        self.out.flush()
        key = read_key(self.stdin)
        self.out.write("\r\033[K" if self.style.enabled else "\n")
        return key

    def command(self) -> str:
        """The command that starts this lesson: by number if it is one of the installed lessons."""
        installed = _installed_lessons()
        if any(x.path == self.lesson.path for x in installed):
            return f"minnet lesson {self.lesson.number}"
        return f"minnet lesson {self.lesson.path}"

    def say_next(self) -> None:
        later = [x for x in _installed_lessons() if x.number > self.lesson.number]
        if later and any(x.path == self.lesson.path for x in _installed_lessons()):
            self.say(f"Next: minnet lesson {later[0].number} ({later[0].title})")


def _show_warning(message, category, filename, lineno, file=None, line=None) -> None:
    """Print a warning a cell raised as part of its output: "DivergenceWarning: ..." (where in the
    library it was raised would only distract; the cell above is where it came from)."""
    print(f"{category.__name__}: {message}")


def _installed_lessons() -> list[Lesson]:
    try:
        return catalog()
    except FileNotFoundError:
        return []


def _pictures(folder: Path) -> dict[Path, int]:
    """The PNG files in ``folder`` with the time each was last written."""
    return {p: p.stat().st_mtime_ns for p in folder.glob("*.png")} if folder.is_dir() else {}
