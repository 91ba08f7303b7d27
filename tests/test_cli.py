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


def test_python_dash_m_minnet_works():
    done = subprocess.run([sys.executable, "-m", "minnet", "gradcheck", "--only", "exp"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "passed" in done.stdout and "WRONG" not in done.stdout


def test_version(capsys):
    import minnet
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"minnet {minnet.__version__}"


def test_a_negative_seed_is_a_usage_error_not_a_traceback(capsys):
    assert main(["gradcheck", "--seed", "-1"]) == 2
    err = capsys.readouterr().err
    assert "the seed must be a non-negative integer, got -1" in err and "Traceback" not in err


def test_a_closed_pipe_ends_quietly():
    """`minnet gradcheck | head -3`: the reader stops early; no BrokenPipeError traceback."""
    done = subprocess.run(f"{sys.executable} -m minnet gradcheck | head -3", shell=True, capture_output=True,
                          text=True, timeout=300)
    assert len(done.stdout.splitlines()) == 3
    assert "Traceback" not in done.stderr and "BrokenPipe" not in done.stderr, done.stderr
