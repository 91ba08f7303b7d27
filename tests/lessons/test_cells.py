"""Reading a lesson file as cells (jupytext's percent format)."""
from minnet.lessons.cells import is_lesson_file, parse_cells, read_lesson

TEXT = """\
# %% [markdown]
# # Lesson 3: Something to learn
#
# One sentence that
# sums it up.
#
# More text.

# %%
x = 1

y = x + 1


# %% tags=["check"]
assert y == 2, "y is two"
# %% A title [md]
#plain comment line
#
# - item
"""


def test_cells_kinds_sources_and_file_lines():
    cells = parse_cells(TEXT)
    assert [c.kind for c in cells] == ["markdown", "code", "code", "markdown"]
    assert cells[0].source == "# Lesson 3: Something to learn\n\nOne sentence that\nsums it up.\n\nMore text."
    assert cells[0].line == 2
    assert cells[1].source == "x = 1\n\ny = x + 1"          # blank lines around a cell are dropped
    assert (cells[1].line, cells[1].last_line) == (10, 12)
    assert cells[2].source == 'assert y == 2, "y is two"' and cells[2].line == 16
    assert cells[3].source == "plain comment line\n\n- item"


def test_check_cells_are_code_cells_tagged_check():
    cells = parse_cells(TEXT)
    assert [c.is_check for c in cells] == [False, False, True, False]
    assert cells[2].tags == ("check",)
    tagged_text = parse_cells('# %% [markdown] tags=["check"]\n# text\n')[0]
    assert tagged_text.kind == "markdown" and not tagged_text.is_check


def test_lines_before_the_first_marker_form_a_code_cell_and_raw_cells_are_kept():
    cells = parse_cells("import os\n\n# %% [raw]\nraw text\n# %%\n\n")
    assert [(c.kind, c.source, c.line) for c in cells] == [("code", "import os", 1), ("raw", "raw text", 4)]


def test_title_summary_and_number(tmp_path):
    path = tmp_path / "03_something.py"
    path.write_text(TEXT)
    lesson = read_lesson(path)
    assert (lesson.number, lesson.title, lesson.name) == (3, "Something to learn", "03_something")
    assert lesson.summary == "One sentence that sums it up."
    assert is_lesson_file(path)
    for name in ("README.md", "3_short.py", "03_x.txt", "__init__.py"):
        (tmp_path / name).write_text("")
        assert not is_lesson_file(tmp_path / name), name
    assert not is_lesson_file(tmp_path / "missing_01.py")


def test_a_file_without_a_heading_keeps_its_name_as_title(tmp_path):
    path = tmp_path / "draft.py"
    path.write_text("# %%\nx = 1\n")
    lesson = read_lesson(path)
    assert (lesson.number, lesson.title, lesson.summary) == (0, "draft", "")
