"""The stepper in a real terminal (a pseudo-terminal): single keys, styles, and the clean-up of the prompt."""
import os
import pathlib
import select
import subprocess
import sys
import time

import pytest

from minnet.lessons.terminal import Indented, Style, render_code, render_markdown

ROOT = pathlib.Path(__file__).resolve().parents[2]

pty = pytest.importorskip("pty")

LESSON = '''\
# %% [markdown]
# # Lesson 7: Keys
#
# A **bold** word and some `code` in a paragraph long enough to be wrapped at the width of the terminal.

# %%
print("first cell ran")

# %%
print("second cell ran")

# %%
print("third cell ran")
'''


class Terminal:
    """A program running on a pseudo-terminal, read and typed into like a person would."""

    def __init__(self, args, cwd):
        self.master, slave = pty.openpty()
        env = dict(os.environ, PYTHONPATH=str(ROOT), TERM="xterm", COLUMNS="80")
        env.pop("NO_COLOR", None)
        self.process = subprocess.Popen(args, stdin=slave, stdout=slave, stderr=slave, cwd=cwd, env=env,
                                        close_fds=True)
        os.close(slave)
        self.screen = ""

    def read_until(self, text, timeout=60.0):
        deadline = time.monotonic() + timeout
        while text not in self.screen:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"never saw {text!r}; the screen was:\n{self.screen}")
            ready, _, _ = select.select([self.master], [], [], left)
            if ready:
                try:
                    chunk = os.read(self.master, 4096)
                except OSError:          # the program ended and closed the terminal
                    chunk = b""
                if not chunk:
                    raise AssertionError(f"the program ended before {text!r}; the screen was:\n{self.screen}")
                self.screen += chunk.decode(errors="replace")
        return self.screen

    def press(self, key):
        os.write(self.master, key)

    def close(self, timeout=30.0):
        status = self.process.wait(timeout=timeout)
        os.close(self.master)
        return status


@pytest.fixture
def lesson_path(tmp_path):
    path = tmp_path / "07_keys.py"
    path.write_text(LESSON)
    return path


def test_enter_then_q_in_a_terminal(tmp_path, lesson_path):
    term = Terminal([sys.executable, "-m", "minnet", "lesson", str(lesson_path)], cwd=tmp_path)
    try:
        term.read_until("[q] quit")
        assert "first cell ran" not in term.screen
        term.press(b"\r")                                 # Enter: the next cell runs
        term.read_until("first cell ran")
        term.read_until("[q] quit", timeout=30)
        term.press(b"q")                                  # one key, no Enter needed
        term.read_until("Stopped at cell 2 of 4")
    finally:
        status = term.close()
    assert status == 0
    assert "second cell ran" not in term.screen
    assert "\033[1;4mLesson 7: Keys\033[0m" in term.screen          # the heading, bold and underlined
    assert "\r\033[K" in term.screen                      # the prompt is wiped once a key is pressed


def test_c_runs_to_the_end_in_a_terminal(tmp_path, lesson_path):
    term = Terminal([sys.executable, "-m", "minnet", "lesson", str(lesson_path)], cwd=tmp_path)
    try:
        term.read_until("[q] quit")
        term.press(b"c")
        term.read_until("End of lesson 7")
    finally:
        status = term.close()
    assert status == 0 and "third cell ran" in term.screen


def test_markdown_wraps_to_the_width_and_styles_only_on_a_terminal():
    text = "# Title\n\nA **bold** word and `code` " + "word " * 30 + "\n\n- an item " + "long " * 20 + "\n\n    z = w·x + b"
    plain = render_markdown(text, 40, Style(False))
    assert plain.startswith("Title\n=====\n")
    assert all(len(line) <= 40 for line in plain.splitlines())
    assert "A **bold** word and `code`" in plain                  # markers kept when plain
    assert "\n  long" in plain                                    # list items wrap under their text
    assert "\n    z = w·x + b" in plain                           # formula blocks kept as written
    styled = render_markdown(text, 40, Style(True))
    assert "\033[1;4mTitle\033[0m" in styled and "\033[1mbold\033[0m" in styled and "**" not in styled


def test_code_gutter_and_indented_output():
    assert render_code("a = 1\nb = 2", 9, Style(False)) == "  9 │ a = 1\n 10 │ b = 2"
    target = __import__("io").StringIO()
    out = Indented(target, "> ")
    out.write("one\ntw")
    out.write("o\nthree")
    out.end_line()
    assert target.getvalue() == "> one\n> two\n> three\n"
