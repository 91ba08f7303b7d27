"""The stepper: one cell at a time, keys from stdin, one namespace, failures told in words."""
import io
import os

import pytest

from minnet.lessons import FIGURES_ENV, QUICK_ENV, read_lesson
from minnet.lessons.stepper import step
from minnet.lessons.terminal import CONTINUE, NEXT, QUIT, read_key

SMALL = '''\
# %% [markdown]
# # Lesson 7: A small lesson
#
# It counts to three.

# %%
from minnet.lessons import quick
QUICK = quick()
count = 1
print("count is", count, "quick is", QUICK, "main is", __name__ == "__main__")

# %%
count += 1
print("count is", count)

# %% tags=["check"]
assert count == 2, f"the count carried over from cell to cell (count = {count})"

# %%
count += 1
print("count is", count)
'''


def lesson_file(tmp_path, text=SMALL, name="07_small.py"):
    path = tmp_path / name
    path.write_text(text)
    return read_lesson(path)


def run(lesson, keys="", **options):
    out = io.StringIO()
    status = step(lesson, stdin=io.StringIO(keys), stdout=out, **options)
    return status, out.getvalue()


def one_line(text):
    """The text with its wrapped lines (and runs of spaces) joined by single spaces."""
    return " ".join(text.split())


def test_no_pause_runs_every_cell_in_one_namespace(tmp_path):
    status, out = run(lesson_file(tmp_path), pause=False)
    assert status == 0
    assert "count is 1 quick is False main is True" in out
    assert "count is 3" in out
    assert "✓ the count carried over from cell to cell (count = 2)" in one_line(out)
    assert "End of lesson 7: 1 claims checked" in out


def test_enter_goes_on_and_q_quits_with_status_0(tmp_path):
    status, out = run(lesson_file(tmp_path), keys="\n\nq\n")
    assert status == 0
    assert "count is 2" in out and "count is 3" not in out   # quit after the third cell
    assert "Stopped at cell 3 of 5" in out


def test_each_enter_shows_exactly_one_more_cell(tmp_path):
    lesson = lesson_file(tmp_path)
    _, after_one = run(lesson, keys="q\n")
    _, after_two = run(lesson, keys="\nq\n")
    assert "A small lesson" in after_one and "count is 1" not in after_one
    assert "count is 1" in after_two and "count is 2" not in after_two


def test_c_runs_to_the_end_and_the_end_of_input_quits(tmp_path):
    lesson = lesson_file(tmp_path)
    status, out = run(lesson, keys="c\n")
    assert status == 0 and "count is 3" in out and "End of lesson 7" in out
    status, out = run(lesson, keys="")
    assert status == 0 and "Stopped at cell 1 of 5" in out


def test_quick_mode_and_figures_folder_are_told_to_the_lesson_then_restored(tmp_path, monkeypatch):
    monkeypatch.delenv(QUICK_ENV, raising=False)
    monkeypatch.delenv(FIGURES_ENV, raising=False)
    status, out = run(lesson_file(tmp_path), pause=False, quick=True, figures=tmp_path / "figs")
    assert status == 0 and "quick is True" in out and "quick mode" in out
    assert QUICK_ENV not in os.environ and FIGURES_ENV not in os.environ


def test_a_failed_check_exits_1_and_names_the_claim(tmp_path):
    lesson = lesson_file(tmp_path, SMALL.replace("count == 2", "count == 5"))
    status, out = run(lesson, pause=False)
    assert status == 1
    assert ("✗ check failed in cell 4 (07_small.py, line 17): the count carried over from cell to cell "
            "(count = 2)") in one_line(out)
    assert "count is 3" not in out            # the lesson stops at the failed check


def test_an_assert_without_message_is_quoted(tmp_path):
    lesson = lesson_file(tmp_path, "# %%\nx = 1\n# %% tags=[\"check\"]\nassert x == 2\n")
    status, out = run(lesson, pause=False)
    assert status == 1 and "check failed in cell 2 (07_small.py, line 4): `assert x == 2`" in one_line(out)


def test_an_error_shows_the_lesson_line_and_no_runner_frames(tmp_path):
    text = "# %%\ndef helper(v):\n    return 1 / v\n\n# %%\nprint('before')\nhelper(0)\n"
    status, out = run(lesson_file(tmp_path, text), pause=False)
    assert status == 1
    assert "✗ ZeroDivisionError in cell 2 (07_small.py, line 7): division by zero" in one_line(out)
    assert 'line 7, in <module>' in out and "line 3, in helper" in out
    assert "runner.py" not in out and "stepper.py" not in out


def test_a_syntax_error_names_its_line(tmp_path):
    status, out = run(lesson_file(tmp_path, "# %%\nx = 1\n\n# %%\ny = (1,\n"), pause=False)
    assert status == 1 and "✗ SyntaxError in cell 2 (07_small.py, line 5)" in one_line(out)


def test_show_saves_the_figure_names_it_and_opens_no_window(tmp_path):
    text = '''# %%
import matplotlib
import matplotlib.pyplot as plt
from minnet.lessons import show
print("backend", matplotlib.get_backend())
fig, ax = plt.subplots()
ax.plot([0, 1], [1, 0])
path = show(fig, "07_line")
print("open figures", len(plt.get_fignums()))
'''
    status, out = run(lesson_file(tmp_path, text), pause=False, figures=tmp_path / "figs")
    assert status == 0
    assert (tmp_path / "figs" / "07_line.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "figure saved:" in out and "07_line.png" in out
    assert "backend agg" in out.lower() and "open figures 0" in out
    assert "Figures saved by this lesson: 1" in out


def test_output_is_set_off_and_text_is_plain_when_piped(tmp_path):
    _, out = run(lesson_file(tmp_path), pause=False)
    assert "\033[" not in out                                  # no terminal styles into a pipe
    assert "A small lesson\n==============" in out              # the heading, underlined
    assert "  9 │ count = 1" in out                            # code with the file's line numbers
    assert "  ▏ count is 2" in out                             # output below it


@pytest.mark.parametrize("line, meaning", [("\n", NEXT), ("x\n", NEXT), ("c\n", CONTINUE), ("q\n", QUIT),
                                           ("Q\n", QUIT), ("", QUIT)])
def test_keys_read_from_a_pipe(line, meaning):
    assert read_key(io.StringIO(line)) == meaning


def test_a_draft_is_named_by_its_path_when_stopped(tmp_path):
    lesson = lesson_file(tmp_path)
    _, out = run(lesson, keys="q\n")
    assert f"Start again with: minnet lesson {lesson.path}" in out and "Next:" not in out


def test_an_assert_in_a_plain_code_cell_is_an_assertion_not_a_check(tmp_path):
    status, out = run(lesson_file(tmp_path, '# %%\nassert 1 == 2, "one is two"\n'), pause=False)
    assert status == 1 and "✗ assertion failed in cell 1 (07_small.py, line 2): one is two" in one_line(out)


def test_a_warning_is_shown_in_the_cells_output_without_a_file_path(tmp_path):
    text = SMALL.replace('print("count is", count)\n', 'import warnings\nwarnings.warn("the loss became nan")\n', 1)
    status, out = run(lesson_file(tmp_path, text), pause=False)
    assert status == 0
    lines = [line for line in out.splitlines() if "the loss became nan" in line and "warn(" not in line]
    assert len(lines) == 1 and lines[0].strip().endswith("▏ UserWarning: the loss became nan"), out
    assert ".py:" not in lines[0]                            # not "file.py:12: UserWarning: ..."
