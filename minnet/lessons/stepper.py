"""``minnet lesson N``: a lesson one cell at a time, in the terminal.

Each cell is shown in turn: a text cell as wrapped text, a code cell as its code (with the lesson
file's line numbers), then run, with what it printed below it and a line for every figure it saved.
A check cell also lists the claims it has just confirmed. Between cells the student presses Enter
(next), c (run to the end) or q (quit). All cells share one namespace, as in a notebook.

Exit status: 0 when the lesson ran to the end or the student quit, 1 when a cell failed.
"""
from __future__ import annotations

import sys
from contextlib import redirect_stdout
from pathlib import Path
from typing import TextIO

from . import _short, catalog, figures_dir
from .cells import Lesson
from .runner import LessonRun, lesson_environment
from .terminal import (CONTINUE, QUIT, Indented, Style, read_key, render_code, render_markdown, rule,
                       text_width)


def step(lesson: Lesson, pause: bool = True, quick: bool = False, figures: Path | None = None,
         stdin: TextIO | None = None, stdout: TextIO | None = None) -> int:
    """Show and run ``lesson`` cell by cell; return the exit status (0 done or quit, 1 a cell failed)."""
    stdin = stdin if stdin is not None else sys.stdin
    out = stdout if stdout is not None else sys.stdout
    style, width = Style.for_stream(out), text_width()
    run = LessonRun(lesson)
    cells = lesson.cells
    keys = "Enter: next cell · c: run to the end · q: quit" if pause else "running straight through"
    mode = " · quick mode" if quick else ""
    print(style.dim(f"minnet lesson {lesson.number} · {len(cells)} cells{mode} · {keys}"), file=out)
    confirmed = 0
    with lesson_environment(quick, figures):
        folder = figures_dir()
        before = _pictures(folder)
        for index, cell in enumerate(cells, start=1):
            print(file=out)
            if cell.kind != "code":
                print(render_markdown(cell.source, width, style), file=out)
            else:
                kind = "check" if cell.is_check else "code"
                print(rule(f"{index}/{len(cells)} {kind} · {lesson.path.name}:{cell.line}", width, style), file=out)
                print(render_code(cell.source, cell.line, style, width), file=out)
                out.flush()
                output = Indented(out, style.dim("  ▏ "))
                try:
                    with redirect_stdout(output):
                        claims = run.run(cell)
                except Exception as error:   # a cell's error ends the lesson, told in the lesson's terms
                    output.end_line()
                    headline, details = run.describe(error, cell)
                    if details:
                        print(details.rstrip("\n"), file=out)
                    print(style.bad(f"✗ {headline}"), file=out)
                    return 1
                output.end_line()
                for claim in claims:
                    print(style.good(f"  ✓ {claim}"), file=out)
                confirmed += len(claims)
            if pause and index < len(cells):
                key = _ask(stdin, out, style)
                if key == QUIT:
                    print(f"\nStopped at cell {index} of {len(cells)}. Start again with: minnet lesson {lesson.number}",
                          file=out)
                    return 0
                pause = key != CONTINUE
    print(file=out)
    print(style.good(f"✓ End of lesson {lesson.number}: {confirmed} claims checked, all hold."), file=out)
    saved = sorted(p for p, stamp in _pictures(folder).items() if before.get(p) != stamp)
    if saved:
        print(f"Figures saved by this lesson: {len(saved)}, in {_short(folder)}/", file=out)
    _print_next(lesson, out)
    return 0


def _ask(stdin: TextIO, out: TextIO, style: Style) -> str:
    """Prompt, wait for a key, then wipe the prompt on a terminal (so the transcript stays clean)."""
    prompt = "[Enter] next   [c] run to the end   [q] quit "
    out.write(style.dim(prompt))
    out.flush()
    key = read_key(stdin)
    out.write("\r\033[K" if style.enabled else "\n")
    return key


def _pictures(folder: Path) -> dict[Path, int]:
    """The PNG files in ``folder`` with the time each was last written."""
    return {p: p.stat().st_mtime_ns for p in folder.glob("*.png")} if folder.is_dir() else {}


def _print_next(lesson: Lesson, out: TextIO) -> None:
    try:
        later = [x for x in catalog() if x.number > lesson.number]
    except FileNotFoundError:
        later = []
    if later and lesson.path.parent == later[0].path.parent:
        print(f"Next: minnet lesson {later[0].number} ({later[0].title})", file=out)
