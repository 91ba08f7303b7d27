"""A lesson drawn for a terminal: markdown text wrapped to the width, code with a gutter of line
numbers, output set off below it; and the keys a student presses between cells.

Styles (bold, underline, colour) are used only on a terminal that shows them; piped into a file or
a pager the same text comes out plain, with headings underlined by ``===`` / ``---``.
"""
from __future__ import annotations

import io
import os
import re
import shutil
import sys
import textwrap
from typing import TextIO

try:                 # single key presses need termios (Unix); without it a line is read
    import termios
    import tty
except ImportError:  # pragma: no cover - Windows
    termios = tty = None

MAX_WIDTH = 100   # text wider than this is hard to read, however wide the terminal


class Style:
    """ANSI styles, or nothing at all when ``enabled`` is False."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled

    @classmethod
    def for_stream(cls, stream: TextIO) -> "Style":
        tty = hasattr(stream, "isatty") and stream.isatty()
        return cls(tty and os.environ.get("TERM") != "dumb" and "NO_COLOR" not in os.environ)

    def _wrap(self, text: str, code: str) -> str:
        return f"\033[{code}m{text}\033[0m" if self.enabled else text

    def bold(self, text: str) -> str: return self._wrap(text, "1")
    def heading(self, text: str) -> str: return self._wrap(text, "1;4")
    def dim(self, text: str) -> str: return self._wrap(text, "2")
    def code(self, text: str) -> str: return self._wrap(text, "36")
    def good(self, text: str) -> str: return self._wrap(text, "32")
    def bad(self, text: str) -> str: return self._wrap(text, "1;31")


def text_width() -> int:
    """The terminal's width (``$COLUMNS`` or 80 when there is no terminal), at most ``MAX_WIDTH``."""
    return max(20, min(shutil.get_terminal_size((80, 24)).columns, MAX_WIDTH))


# ---- markdown --------------------------------------------------------------------------------------

_HEADING = re.compile(r"^(#{1,6})\s+(.*)$")
_ITEM = re.compile(r"^(\s*)([-*+]|\d+[.)])\s+(.*)$")
_FENCE = re.compile(r"^\s*(```|~~~)")


def render_markdown(text: str, width: int, style: Style) -> str:
    """Markdown as terminal text: headings stand out, paragraphs and list items are wrapped to
    ``width``, code blocks and tables are kept as written."""
    out: list[str] = []
    paragraph: list[str] = []
    item: tuple[str, list[str]] | None = None     # (bullet with its indent, lines)
    fenced = False

    def flush() -> None:
        nonlocal item
        if paragraph:
            out.append(_inline(textwrap.fill(" ".join(paragraph), width, break_long_words=False,
                                             break_on_hyphens=False), style))
            paragraph.clear()
        if item is not None:
            bullet, lines = item
            out.append(_inline(textwrap.fill(" ".join(lines), width, initial_indent=bullet,
                                             subsequent_indent=" " * len(bullet), break_long_words=False,
                                             break_on_hyphens=False), style))
            item = None

    for line in text.splitlines():
        if _FENCE.match(line):                     # ``` opens or closes a code block
            flush()
            fenced = not fenced
            continue
        if fenced:
            out.append(style.code("    " + line))
            continue
        continues_text = bool(paragraph) or item is not None
        if line.lstrip().startswith("|") or (line.startswith("    ") and not continues_text):
            flush()                                # a table row, or an indented block (formulas): as written
            out.append(line)
            continue
        heading = _HEADING.match(line)
        bullet = _ITEM.match(line)
        if not line.strip():
            flush()
            out.append("")
        elif heading:
            flush()
            level, title = len(heading.group(1)), heading.group(2).strip()
            plain = title.replace("`", "").replace("**", "")
            if style.enabled:
                out.append(style.heading(plain))
            else:
                out.append(plain + "\n" + ("=" if level == 1 else "-") * min(len(plain), width))
        elif bullet:
            flush()
            item = (f"{bullet.group(1)}{bullet.group(2)} ", [bullet.group(3).strip()])
        elif item is not None:
            item[1].append(line.strip())
        else:
            paragraph.append(line.strip())
    flush()
    while out and not out[-1]:
        out.pop()
    return re.sub(r"\n{3,}", "\n\n", "\n".join(out))


def _inline(text: str, style: Style) -> str:
    """**bold**, *italic* and `code` as styles on a terminal; left as written when plain."""
    if not style.enabled:
        return text
    text = re.sub(r"`([^`]+)`", lambda m: style.code(m.group(1)), text)
    text = re.sub(r"\*\*(.+?)\*\*", lambda m: style.bold(m.group(1)), text, flags=re.S)
    return re.sub(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])", lambda m: style._wrap(m.group(1), "3"), text,
                  flags=re.S)


# ---- code and its output ---------------------------------------------------------------------------

def render_code(source: str, first_line: int, style: Style, width: int = MAX_WIDTH) -> str:
    """The cell's code with the lesson file's line numbers in a gutter; a line too long for the
    width continues on the next screen line under a ``┆``, so the gutter stays clear."""
    digits = max(3, len(str(first_line + source.count("\n"))))
    room = max(20, width - digits - 3)
    rows = []
    for i, line in enumerate(source.split("\n")):
        pieces = textwrap.wrap(line, room, drop_whitespace=False, replace_whitespace=False,
                               break_on_hyphens=False) or [""]
        rows.append(style.dim(f"{first_line + i:>{digits}} │ ") + pieces[0])
        rows.extend(style.dim(f"{'':>{digits}} ┆ ") + piece for piece in pieces[1:])
    return "\n".join(rows)


def rule(label: str, width: int, style: Style) -> str:
    """``── label ─────`` across the width."""
    return style.dim(f"── {label} " + "─" * max(3, width - len(label) - 4))


class Indented(io.TextIOBase):
    """A stream that writes through to ``target``, putting ``prefix`` in front of every line."""

    def __init__(self, target: TextIO, prefix: str) -> None:
        self.target, self.prefix = target, prefix
        self.at_line_start = True

    def write(self, text: str) -> int:
        for piece in re.split(r"(?<=\n)", text):
            if not piece:
                continue
            if self.at_line_start:
                self.target.write(self.prefix)
            self.target.write(piece)
            self.at_line_start = piece.endswith("\n")
        return len(text)

    def flush(self) -> None:
        self.target.flush()

    def isatty(self) -> bool:
        return self.target.isatty()

    def end_line(self) -> None:
        """Finish an unfinished last line, so what follows starts on a line of its own."""
        if not self.at_line_start:
            self.write("\n")


# ---- keys ------------------------------------------------------------------------------------------

NEXT, CONTINUE, QUIT = "next", "continue", "quit"
_KEYS = {"\n": NEXT, "\r": NEXT, " ": NEXT, "n": NEXT, "c": CONTINUE, "q": QUIT, "Q": QUIT, "\x1b": QUIT,
         "\x04": QUIT}


def read_key(stdin: TextIO) -> str:
    """Wait for the student: ``NEXT`` (Enter), ``CONTINUE`` (c: run to the end) or ``QUIT`` (q).

    On a terminal one key press is enough (no Enter needed after q); from a pipe, or where single
    keys cannot be read (Windows), a line is read. The end of the input quits.
    """
    try:
        fd = stdin.fileno()
        single_keys = termios is not None and os.isatty(fd)
    except (AttributeError, ValueError, io.UnsupportedOperation):
        single_keys = False
    if not single_keys:
        line = stdin.readline()
        return _KEYS.get(line.strip()[:1] or "\n", NEXT) if line else QUIT
    saved = termios.tcgetattr(fd)
    try:
        tty.setcbreak(fd, termios.TCSANOW)    # not TCSAFLUSH, which would drop keys typed ahead
        while True:
            key = os.read(fd, 1).decode(errors="replace")
            if key == "":
                return QUIT
            if key in _KEYS:
                return _KEYS[key]
            sys.stdout.write("\a")     # any other key: a bell, and wait on
            sys.stdout.flush()
    finally:
        termios.tcsetattr(fd, termios.TCSADRAIN, saved)
