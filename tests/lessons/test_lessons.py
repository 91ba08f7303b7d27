"""Every lesson in lessons/ keeps the conventions of lessons/README.md, runs with --no-pause --quick,
and runs as a plain script; its check cells hold. New lessons are picked up without registering."""
import ast
import os
import pathlib
import re
import subprocess
import sys
import time

import pytest

from minnet.lessons import QUICK_ENV, is_lesson_file, read_lesson

ROOT = pathlib.Path(__file__).resolve().parents[2]
LESSONS = sorted(p for p in (ROOT / "lessons").iterdir() if is_lesson_file(p))
QUICK_SECONDS = 60   # a guard against a lesson that ignores QUICK, not a speed claim (see lessons/README.md)


def _env(**extra):
    return dict(os.environ, PYTHONPATH=str(ROOT), COLUMNS="100", **extra)


def test_the_lessons_are_found_and_numbered_once():
    numbers = [read_lesson(p).number for p in LESSONS]
    assert numbers[:2] == [1, 2]
    assert len(set(numbers)) == len(numbers), f"two lessons share a number: {numbers}"


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.stem)
def test_lesson_keeps_the_conventions(path):
    lesson = read_lesson(path)
    first = lesson.cells[0]
    assert first.kind == "markdown" and first.source.startswith(f"# Lesson {lesson.number}: "), \
        f"{path.name}: the first cell must be markdown opening with '# Lesson {lesson.number}: Title'"
    assert lesson.summary, f"{path.name}: a one-sentence summary must follow the title"
    checks = [c for c in lesson.cells if c.is_check]
    assert checks, f"{path.name}: a lesson asserts its claims in check cells (# %% tags=[\"check\"])"
    for cell in checks:
        asserts = [n for n in ast.walk(ast.parse(cell.source)) if isinstance(n, ast.Assert)]
        assert asserts, f"{path.name}:{cell.line}: a check cell without an assert"
        for node in asserts:
            assert node.msg is not None, \
                f"{path.name}:{cell.line + node.lineno - 1}: every assert in a check cell states its claim as a message"
    source = path.read_text(encoding="utf-8")
    long = [i for i, line in enumerate(source.splitlines(), start=1) if len(line) > 100]
    assert not long, f"{path.name}: lines {long} are over 100 characters (they wrap in a terminal)"
    for pattern, why in [(r"plt\.show\(", "use show(fig, name)"), (r"\.savefig\(", "use show(fig, name)"),
                         (r"np\.random\.(?!default_rng)", "draw randomness from minnet (mn.get_rng())")]:
        found = re.search(pattern, source)
        assert found is None, f"{path.name}: {found.group(0)!r}: {why}"


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.stem)
def test_lesson_runs_quick_with_every_check_holding(path, tmp_path):
    number = read_lesson(path).number
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "minnet", "lesson", str(number), "--no-pause", "--quick",
                           "--figures", str(tmp_path / "figures")],
                          cwd=tmp_path, env=_env(), capture_output=True, text=True, timeout=300)
    seconds = time.perf_counter() - start
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert f"End of lesson {number}" in done.stdout and "all hold" in done.stdout
    assert "✗" not in done.stdout
    assert not (tmp_path / "minnet-figures").exists(), "figures go to the folder the runner chose"
    assert seconds < QUICK_SECONDS, f"{path.name} took {seconds:.0f} s with --quick"


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.stem)
def test_lesson_runs_as_a_plain_script(path, tmp_path):
    done = subprocess.run([sys.executable, str(path)], cwd=tmp_path, env=_env(**{QUICK_ENV: "1"}),
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
