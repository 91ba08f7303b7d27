"""`minnet lessons`, `minnet lesson N` and its --notebook output."""
import os
import pathlib
import sys

import pytest

from minnet.cli import main
from minnet.lessons import catalog, lessons_dir

ROOT = pathlib.Path(__file__).resolve().parents[2]


def test_lessons_lists_number_title_and_summary(capsys):
    assert main(["lessons"]) == 0
    out = capsys.readouterr().out
    assert "  1  Autograd by hand: One neuron" in out
    assert "  2  Write your own op: " in out
    assert len([line for line in out.splitlines() if line[:3].strip().isdigit()]) == len(catalog())


def test_from_a_source_checkout_the_lessons_come_from_the_top_level_folder():
    assert lessons_dir() == ROOT / "lessons"
    assert "solutions" not in {lesson.path.parent.name for lesson in catalog()}


def test_an_unknown_lesson_is_a_usage_error(capsys):
    assert main(["lesson", "99"]) == 2
    err = capsys.readouterr().err
    assert "there is no lesson '99'" in err and "minnet lessons" in err
    assert main(["lesson", "no_such_file.py"]) == 2


def test_lesson_by_number_with_leading_zero(capsys, tmp_path):
    assert main(["lesson", "01", "--no-pause", "--quick", "--figures", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "End of lesson 1" in out and "Next: minnet lesson 2 (Write your own op)" in out


def test_notebook_without_nbformat_says_how_to_get_it(capsys, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "nbformat", None)      # `import nbformat` now raises ImportError
    assert main(["lesson", "1", "--notebook", str(tmp_path / "l1.ipynb")]) == 1
    assert 'pip install "minnet[notebook]"' in capsys.readouterr().err
    assert not (tmp_path / "l1.ipynb").exists()


def _notebook(tmp_path, number, capsys):
    nbformat = pytest.importorskip("nbformat")
    path = tmp_path / f"lesson{number}.ipynb"
    assert main(["lesson", str(number), "--notebook", str(path)]) == 0
    assert str(path) in capsys.readouterr().out
    return nbformat.read(str(path), as_version=4)


@pytest.mark.parametrize("number", [lesson.number for lesson in catalog()])
def test_notebook_is_a_valid_notebook_with_the_lessons_cells(tmp_path, capsys, number):
    import nbformat
    notebook = _notebook(tmp_path, number, capsys)
    nbformat.validate(notebook)
    lesson = next(x for x in catalog() if x.number == number)
    assert [c.cell_type for c in notebook.cells] == [c.kind for c in lesson.cells]
    assert [c.source for c in notebook.cells] == [c.source for c in lesson.cells]
    tagged = [c for c in notebook.cells if "check" in c.metadata.get("tags", [])]
    assert len(tagged) == sum(c.is_check for c in lesson.cells) > 0
    assert notebook.metadata.kernelspec.language == "python"


def test_notebook_into_a_folder_takes_the_lessons_name(tmp_path, capsys):
    pytest.importorskip("nbformat")
    assert main(["lesson", "2", "--notebook", str(tmp_path)]) == 0
    assert (tmp_path / "02_write_your_own_op.ipynb").is_file()


@pytest.mark.parametrize("number", [lesson.number for lesson in catalog()])
def test_notebook_runs_in_a_kernel_and_shows_its_figures_inline(tmp_path, capsys, monkeypatch, number):
    pytest.importorskip("ipykernel")
    nbclient = pytest.importorskip("nbclient")
    notebook = _notebook(tmp_path, number, capsys)
    monkeypatch.setenv("MINNET_LESSON_QUICK", "1")
    monkeypatch.setenv("MINNET_LESSON_FIGURES", str(tmp_path / "figures"))
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]))
    nbclient.NotebookClient(notebook, timeout=300, kernel_name="python3",
                            resources={"metadata": {"path": str(tmp_path)}}).execute()
    outputs = [o for c in notebook.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    shown = sum("image/png" in o.get("data", {}) for o in outputs)
    saved = list((tmp_path / "figures").glob("*.png"))
    assert shown == len(saved), "show() puts every figure it saves inline"
    if number == 1:
        assert [p.name for p in saved] == ["01_gradient_is_a_slope.png"]
