"""`minnet exercises` and `minnet exercise start|check`: exit 0 when right, 1 while wrong, 2 for a usage
error, and never a traceback for a student's mistake."""
import subprocess
import sys

import minnet as mn
from minnet.cli import main

from ._helpers import solution_path


def test_exercises_lists_one_line_each(capsys):
    assert main(["exercises"]) == 0
    out = capsys.readouterr().out
    for ex in mn.exercises.catalog():
        assert f"  {ex.name:<24}{ex.title}\n" in out
    assert "minnet exercise start NAME" in out


def test_the_round_trip_start_wrong_right(tmp_path, capsys):
    folder = tmp_path / "work"
    assert main(["exercise", "start", "sigmoid", "--dir", str(folder)]) == 0
    path = folder / "sigmoid.py"
    out = capsys.readouterr().out
    assert f"Wrote {path}" in out and f"minnet exercise check {path}" in out
    assert path.read_text() == mn.exercises.get("sigmoid").template()

    assert main(["exercise", "check", str(path)]) == 1                    # the template: not written yet
    out = capsys.readouterr().out
    assert "NOT IMPLEMENTED YET" in out and "Traceback" not in out

    solution = solution_path("sigmoid").read_text()
    path.write_text(solution.replace("return grad * y * (1 - y)", "return grad * y"))
    assert main(["exercise", "check", str(path)]) == 1                    # written, but wrong
    out = capsys.readouterr().out
    assert "WRONG: the gradient of x is wrong" in out and "relative error" in out

    path.write_text(solution)
    assert main(["exercise", "check", str(path)]) == 0                    # right
    assert "sigmoid: PASSED" in capsys.readouterr().out


def test_start_refuses_to_overwrite_without_force(tmp_path, capsys):
    path = tmp_path / "relu.py"
    path.write_text("my work\n")
    assert main(["exercise", "start", "relu", "--dir", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "already exists" in err and "--force" in err
    assert path.read_text() == "my work\n"
    assert main(["exercise", "start", "relu", "--dir", str(tmp_path), "--force"]) == 0
    assert path.read_text() == mn.exercises.get("relu").template()


def test_usage_errors_exit_2(tmp_path, capsys):
    assert main(["exercise", "start", "sigmod", "--dir", str(tmp_path)]) == 2
    assert "did you mean 'sigmoid'" in capsys.readouterr().err
    assert main(["exercise", "check", str(tmp_path / "missing.py")]) == 2
    assert "no such file" in capsys.readouterr().err
    assert main(["exercise", "check", str(tmp_path)]) == 2
    assert main(["exercise"]) == 2
    assert main(["exercise", "start"]) == 2                                  # argparse: NAME is missing
    (tmp_path / "notes.py").write_text("x = 1\n")
    assert main(["exercise", "check", str(tmp_path / "notes.py")]) == 2
    assert "cannot tell which exercise" in capsys.readouterr().err


def test_a_crash_in_the_students_code_is_exit_1_without_traceback(tmp_path):
    path = tmp_path / "matmul.py"
    path.write_text(solution_path("matmul").read_text().replace("grad_a = grad @ b.T", "grad_a = grad @ c"))
    done = subprocess.run([sys.executable, "-m", "minnet", "exercise", "check", str(path)],
                          capture_output=True, text=True)
    assert done.returncode == 1, done.stderr
    assert "ERROR: an error in your backward (matmul.py, line 20)" in done.stdout
    assert "NameError: name 'c' is not defined" in done.stdout
    assert "Traceback" not in done.stdout + done.stderr


def test_running_the_students_file_checks_it(tmp_path):
    """The template's last lines: `python sigmoid.py` prints the verdict."""
    path = tmp_path / "sigmoid.py"
    path.write_text(mn.exercises.get("sigmoid").template())
    done = subprocess.run([sys.executable, str(path)], capture_output=True, text=True, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "sigmoid: NOT IMPLEMENTED YET" in done.stdout and "Traceback" not in done.stderr
