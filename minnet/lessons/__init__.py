"""Floor 6: the step-through lessons: what a lesson calls, and where the lessons are.

A lesson is a percent-format script (``lessons/NN_short_name.py`` in the repository, installed with
the package) that a student runs as a script, steps through with ``minnet lesson N``, or opens as a
notebook. Its first code cell reads::

    import minnet as mn
    from minnet.lessons import quick, show

    QUICK = quick()          # True under `minnet lesson N --quick`: fewer epochs, less data

and it shows a figure with ``show(fig, "NN_what")``. ``lessons/README.md`` lists every convention.

* ``cells.py``: the percent format read as cells (``read_lesson``)
* ``runner.py``: running cells in one namespace, and a failed cell or check told readably
* ``terminal.py``: text, code and output drawn for a terminal; the keys
* ``stepper.py``: ``minnet lesson N`` itself
* ``notebook.py``: a lesson written as a Jupyter notebook (needs ``nbformat``)
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

from .._notebook import in_notebook
from .cells import Cell, Lesson, is_lesson_file, read_lesson

QUICK_ENV = "MINNET_LESSON_QUICK"        # "1": quick mode (set by `minnet lesson N --quick`)
FIGURES_ENV = "MINNET_LESSON_FIGURES"    # the folder figures go to (set by `minnet lesson N --figures`)
DEFAULT_FIGURES = "minnet-figures"       # ... else this folder in the working directory

__all__ = ["quick", "show", "figures_dir", "lessons_dir", "catalog", "find", "read_lesson", "Lesson", "Cell",
           "QUICK_ENV", "FIGURES_ENV"]


def quick() -> bool:
    """True when the lesson should run in seconds (``minnet lesson N --quick``, or the environment
    variable ``MINNET_LESSON_QUICK=1``); False when run as a plain script or notebook."""
    return os.environ.get(QUICK_ENV, "") not in ("", "0")


def figures_dir() -> Path:
    """Where ``show`` saves figures: ``$MINNET_LESSON_FIGURES``, else ``./minnet-figures``."""
    return Path(os.environ.get(FIGURES_ENV) or DEFAULT_FIGURES)


def show(fig, name: str) -> Path:
    """Save a matplotlib figure as ``<figures_dir>/<name>.png``, show it, and close it.

    In a notebook the picture appears below the cell; elsewhere a line names the file. The figure is
    closed afterwards, so no window opens and a long lesson does not pile figures up in memory.

    >>> path = show(history.plot(), "04_curves")     # figure saved: minnet-figures/04_curves.png
    """
    folder = figures_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / (name if name.endswith(".png") else f"{name}.png")
    fig.savefig(path, dpi=110, bbox_inches="tight")
    pyplot = sys.modules.get("matplotlib.pyplot")   # loaded already if pyplot made the figure
    if pyplot is not None:
        pyplot.close(fig)
    if in_notebook():
        from IPython.display import Image, display
        display(Image(filename=str(path)))
    else:
        print(f"figure saved: {_short(path)}")
    return path


def _short(path: Path) -> str:
    """The path relative to the working directory when it lies below it (shorter to read)."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def lessons_dir() -> Path:
    """The folder holding the lesson files: installed with the package (``minnet/_lessons``), or the
    repository's top-level ``lessons/`` when minnet runs from a source checkout."""
    package = Path(__file__).resolve().parent.parent
    for folder in (package / "_lessons", package.parent / "lessons"):
        if folder.is_dir() and any(is_lesson_file(p) for p in folder.iterdir()):
            return folder
    raise FileNotFoundError(f"no lessons found next to {package}: minnet seems to be installed without them; "
                            "reinstall it with `pip install minnet` (or `pip install .` in its repository)")


def catalog() -> list[Lesson]:
    """Every lesson, in order of its number."""
    return sorted((read_lesson(p) for p in lessons_dir().iterdir() if is_lesson_file(p)), key=lambda x: x.number)


def find(which: str | int) -> Lesson:
    """Lesson ``which``: a number (``1``, ``"01"``) or the path of a lesson file (e.g. a draft).

    Raises ``LookupError`` with the numbers that exist when there is no such lesson.
    """
    text = str(which)
    if text.endswith(".py"):
        path = Path(text)
        if not path.is_file():
            raise LookupError(f"no lesson file {text}")
        return read_lesson(path)
    lessons = catalog()
    try:
        number = int(text)
    except ValueError:
        number = None
    for lesson in lessons:
        if lesson.number == number:
            return lesson
    numbers = ", ".join(str(x.number) for x in lessons)
    raise LookupError(f"there is no lesson {text!r}; the lessons are {numbers} (`minnet lessons` lists them)")
