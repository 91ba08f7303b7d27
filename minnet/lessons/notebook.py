"""A lesson as a Jupyter notebook (``minnet lesson N --notebook PATH``), built with ``nbformat``.

``nbformat`` is an optional extra (``pip install "minnet[notebook]"``): the rest of the lessons work
without it. Text cells become markdown cells, code cells code cells, and a check cell keeps its
``check`` tag. The notebook is written unexecuted; its figures appear inline when it runs, because
``minnet.lessons.show`` displays each one in a notebook.
"""
from __future__ import annotations

from pathlib import Path

from .cells import Lesson

INSTALL_HINT = 'writing a notebook needs the nbformat package: pip install "minnet[notebook]"'


def _nbformat():
    try:
        import nbformat
    except ImportError:
        raise RuntimeError(INSTALL_HINT) from None
    return nbformat


def to_notebook(lesson: Lesson):
    """The lesson as an ``nbformat`` v4 notebook node (validated)."""
    nbformat = _nbformat()
    new = nbformat.v4
    cells = []
    for cell in lesson.cells:
        metadata = {"tags": list(cell.tags)} if cell.tags else {}
        if cell.kind == "markdown":
            cells.append(new.new_markdown_cell(cell.source, metadata=metadata))
        elif cell.kind == "raw":
            cells.append(new.new_raw_cell(cell.source, metadata=metadata))
        else:
            cells.append(new.new_code_cell(cell.source, metadata=metadata))
    notebook = new.new_notebook(cells=cells, metadata={
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
        "language_info": {"name": "python"},
        "title": f"Lesson {lesson.number}: {lesson.title}",
    })
    nbformat.validate(notebook)
    return notebook


def write_notebook(lesson: Lesson, path: Path | str) -> Path:
    """Write the lesson to ``path`` (a ``.ipynb`` file, or a folder to put ``NN_name.ipynb`` in)."""
    nbformat = _nbformat()
    path = Path(path)
    if path.is_dir():
        path = path / f"{lesson.name}.ipynb"
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(to_notebook(lesson), str(path))
    return path
