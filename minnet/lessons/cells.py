"""A lesson file read as cells: jupytext's percent format, the small part of it lessons use.

A lesson is a plain Python script cut into cells by marker lines::

    # %% [markdown]
    # # Lesson 1: Autograd by hand
    # One neuron, the chain rule on paper, then `backward()` agrees.

    # %%
    x = 2.0                       # a code cell

    # %% tags=["check"]
    assert x == 2.0, "x is two"   # a check cell: a code cell tagged "check"

A markdown cell's lines are comments; ``# `` (or a lone ``#``) is taken off each. The text after
``# %%`` may carry a title, a cell type in brackets and ``key=value`` metadata (jupytext's
``# %% Optional title [cell type] key="value"``); of those only ``[markdown]``/``[md]`` and
``tags=[...]`` mean something here.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

_MARKER = re.compile(r"^# %%(?P<rest>.*)$")
_TYPE = re.compile(r"\[(?P<type>markdown|md|raw)\]")
_TAGS = re.compile(r"tags=(?P<tags>\[[^\]]*\])")
_FILE_NAME = re.compile(r"^(?P<number>\d{2})_\w+\.py$")
_TITLE = re.compile(r"^#\s+(?:Lesson\s+\d+\s*[:·.\-–—]\s*)?(?P<title>.+?)\s*$")


@dataclass(frozen=True)
class Cell:
    """One cell: ``kind`` is "markdown" or "code"; ``line`` is the file line of its first source line."""

    kind: str
    source: str
    line: int
    tags: tuple[str, ...] = ()

    @property
    def is_check(self) -> bool:
        """A check cell: a code cell whose asserts state the lesson's claims."""
        return self.kind == "code" and "check" in self.tags

    @property
    def last_line(self) -> int:
        return self.line + self.source.count("\n")


def parse_cells(text: str) -> list[Cell]:
    """Cut percent-format text into cells (blank lines around each cell dropped).

    Lines before the first marker, if any are not blank, form a code cell of their own.
    """
    cells: list[Cell] = []
    kind, tags, start, body = "code", (), 1, []

    def close() -> None:
        lines = [_uncomment(x) for x in body] if kind == "markdown" else list(body)
        first = start
        while lines and not lines[0].strip():
            lines.pop(0)
            first += 1
        while lines and not lines[-1].strip():
            lines.pop()
        if lines:
            cells.append(Cell(kind, "\n".join(lines), first, tags))

    for number, line in enumerate(text.splitlines(), start=1):
        marker = _MARKER.match(line)
        if marker is None:
            body.append(line)
            continue
        close()
        rest = marker.group("rest")
        cell_type = _TYPE.search(rest)
        kind = "code" if cell_type is None else ("raw" if cell_type.group("type") == "raw" else "markdown")
        found = _TAGS.search(rest)
        tags = tuple(json.loads(found.group("tags"))) if found else ()
        start, body = number + 1, []
    close()
    return cells


def _uncomment(line: str) -> str:
    if line.startswith("# "):
        return line[2:]
    return line[1:] if line.startswith("#") else line


@dataclass(frozen=True)
class Lesson:
    """A lesson file: its number, title, one-line summary and cells."""

    number: int
    path: Path
    title: str
    summary: str
    cells: tuple[Cell, ...]

    @property
    def name(self) -> str:
        return self.path.stem


def read_lesson(path: Path | str, number: int | None = None) -> Lesson:
    """Read a lesson file. The title is its first heading, less a "Lesson N:" prefix; the summary is
    the first paragraph after it, on one line. ``number`` defaults to the file name's ``NN_`` prefix."""
    path = Path(path)
    cells = tuple(parse_cells(path.read_text(encoding="utf-8")))
    if number is None:
        match = _FILE_NAME.match(path.name)
        number = int(match.group("number")) if match else 0
    title, summary = path.stem, ""
    text = next((c.source for c in cells if c.kind == "markdown"), "")
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]
    if paragraphs and paragraphs[0].startswith("#"):
        heading, _, rest = paragraphs[0].partition("\n")
        title = _TITLE.match(heading).group("title") if _TITLE.match(heading) else heading.lstrip("# ")
        paragraphs = ([rest.strip()] if rest.strip() else []) + paragraphs[1:]
    if paragraphs:
        summary = " ".join(paragraphs[0].split())
    return Lesson(number, path, title, summary, cells)


def is_lesson_file(path: Path) -> bool:
    """``NN_short_name.py``: the name every lesson file has (README.md, solutions/ and the rest are not lessons)."""
    return path.is_file() and _FILE_NAME.match(path.name) is not None
