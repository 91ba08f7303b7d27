"""What ``minnet exercises`` and ``minnet exercise start|check`` do; ``minnet.cli`` only parses arguments.

Each returns the command's exit code: 0 success, 1 a check that failed (the op is wrong, not written
yet, or raises), 2 a usage error (an unknown exercise, a missing file, a file that would be
overwritten). Messages go to stdout, usage errors to stderr; never a traceback for a student's mistake.
"""
from __future__ import annotations

import sys
from pathlib import Path

from .catalog import catalog, get
from .check import check


def list_exercises() -> int:
    """``minnet exercises``: one line per exercise."""
    print("Gradient-checking exercises: write an op's forward and backward, then check them.\n")
    for ex in catalog():
        print(f"  {ex.name:<24}{ex.title}")
    print("\nStart one:  minnet exercise start NAME [--dir DIR]\n"
          "Check it:   minnet exercise check NAME.py")
    return 0


def start(name: str, directory: str = ".", force: bool = False) -> int:
    """``minnet exercise start NAME``: write the template to DIR/NAME.py (never over a file unless ``force``)."""
    try:
        ex = get(name)
    except ValueError as err:
        return _usage(str(err))
    folder = Path(directory)
    path = folder / ex.filename
    if path.exists() and not force:
        return _usage(f"{path} already exists, and writing the template over it would lose your work. "
                      f"Check it with `minnet exercise check {path}`, or add --force to start again from the template.")
    if folder.exists() and not folder.is_dir():
        return _usage(f"{folder} is a file, not a folder")
    folder.mkdir(parents=True, exist_ok=True)
    path.write_text(ex.template(), encoding="utf-8")
    print(f"Wrote {path}: the exercise {ex.name}, {ex.title}.\n"
          f"Open it, read the docstring (the formula and the shapes), and write forward and backward\n"
          f"of class {ex.class_name} where they raise NotImplementedError. Then run\n\n"
          f"    minnet exercise check {path}\n\n"
          "and repeat until it says PASSED.")
    return 0


def check_file(path: str) -> int:
    """``minnet exercise check FILE``: print the verdict; 0 when right, 1 while wrong."""
    try:
        result = check(path)
    except (FileNotFoundError, IsADirectoryError, ValueError) as err:
        return _usage(str(err))
    print(result)
    return 0 if result.ok else 1


def _usage(message: str) -> int:
    print(f"minnet exercise: {message}", file=sys.stderr)
    return 2
