import subprocess
import sys

from minnet.cli import main


def test_gradcheck_command_prints_an_all_green_table(capsys):
    assert main(["gradcheck"]) == 0
    out = capsys.readouterr().out
    assert "matmul (batched)" in out and "WRONG" not in out
    assert "passed" in out


def test_gradcheck_only_filters_and_unknown_name_fails(capsys):
    assert main(["gradcheck", "--only", "sigmoid"]) == 0
    assert "tanh" not in capsys.readouterr().out
    assert main(["gradcheck", "--only", "no-such-op"]) == 2


def test_console_script_module_runs():
    done = subprocess.run([sys.executable, "-m", "minnet.cli", "gradcheck", "--only", "exp"],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
