"""The README's Python examples run as written (in a scratch folder) and do what their comments say."""
import math
import pathlib
import re

import numpy as np
import pytest

README = pathlib.Path(__file__).resolve().parents[1] / "README.md"
BLOCKS = re.findall(r"```python\n(.*?)```", README.read_text(), re.S)


def _first_taste(ns, out):
    assert "[2. 4. 6.]" in out                        # print(x.grad)  # dy/dx = 2x  ->  [2. 4. 6.]
    assert ns["report"].ok


def _custom_op(ns, out):
    assert out.strip().splitlines()[-1] == "True"     # print(mn.gradcheck(Cube.apply, ...).ok)  # True


def _train(ns, out):
    mn, model, history = ns["mn"], ns["model"], ns["history"]
    assert ns["X"].max() == 1.0 and ns["X"].min() == 0.0                 # inputs scaled to [0, 1]
    assert len(history.train_loss) == len(history.val_acc) >= 1 and "val_acc" in out
    assert pathlib.Path("curves.png").stat().st_size > 0
    assert math.isfinite(ns["suggested"]) and ns["suggested"] > 0
    saved = mn.load("digits.npz")                                          # the model as saved, reloaded
    assert list(saved) == list(model.state_dict())
    for key, value in model.state_dict().items():
        assert np.array_equal(saved[key], value), key


def _habits(ns, out):
    mn, report = ns["mn"], ns["report"]
    assert "Preflight: no problems found" in out                       # 1. before: no problems found
    assert pathlib.Path("monitor.png").stat().st_size > 10_000
    dead = report.get("dead_relu")
    assert dead is not None and dead.layer == "1" and dead.epoch == 1   # [warning] dead_relu (layer 1, ...)
    assert dead.severity == "warning"
    mon = ns["mon"]
    assert mon.get("dead_fraction")["1"].max() == 1.0                   # the dead fraction of layer 1 jumps to 1.0
    assert mon.get("grad_norm")["0"][-1] == 0.0                         # ... the layers below: exactly 0
    assert len(mn.monitor.CODES) == 27                                   # 27 codes


def _catalog(ns, out):
    comparison = ns["comparison"]
    assert comparison.ok and "dead_fraction" in out
    assert comparison.broken.symptoms["dead_fraction"] > 0.9 and comparison.fixed.symptoms["dead_fraction"] < 0.05
    assert pathlib.Path("dead_relu.png").stat().st_size > 10_000
    assert ns["elu"].settings["fix"] == "elu" and not ns["elu"].shows_symptom


def _suspects(ns, out):
    line_up = ns["line_up"]
    lines = [l.split() for l in out.strip().splitlines()
             if len(l.split()) == 3 and l.split()[-1] in ("True", "False")]
    assert len(lines) == len(line_up) == 6                  # "six ops"
    failed = {l[0] for l in lines if l[-1] == "False"}
    assert failed and len(failed) < 6                        # "some have a bug planted"
    assert failed == set(line_up.reveal().wrong)             # gradcheck finds exactly the planted bugs


CHECKS = [_first_taste, _custom_op, _train, _habits, _catalog, _suspects]


def test_every_example_has_its_check():
    assert len(CHECKS) == len(BLOCKS)


@pytest.mark.parametrize("index", range(len(BLOCKS)))
def test_readme_example_runs_and_does_what_it_says(index, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    namespace: dict = {}
    for block in BLOCKS[:index + 1]:   # later blocks may use names from earlier ones
        exec(compile(block, f"README.md block {index}", "exec"), namespace)
    CHECKS[index](namespace, capsys.readouterr().out)


def test_the_lesson_table_lists_every_lesson_by_its_title():
    from minnet.lessons import catalog
    section = README.read_text().split("## Lessons", 1)[1].split("\n## ", 1)[0]
    cells = [c.strip() for row in re.findall(r"^\|(.*)\|$", section, re.M) for c in row.split("|")]
    listed = {int(n): title for n, title in zip(cells[::2], cells[1::2]) if n.isdigit()}
    assert listed == {lesson.number: lesson.title for lesson in catalog()}
