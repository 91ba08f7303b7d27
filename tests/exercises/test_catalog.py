"""The list of exercises, and the templates a student starts from."""
import ast

import pytest

import minnet as mn
from minnet.exercises.catalog import find_exercise

from ._helpers import SOLUTIONS

REQUIRED = ["sigmoid", "tanh", "relu", "softmax_cross_entropy", "matmul", "broadcast_add", "mean",
            "max_pool2d", "conv2d", "batch_norm", "dropout"]
NAMES = [ex.name for ex in mn.exercises.catalog()]


def test_the_catalog_has_every_exercise_of_the_design_once():
    assert sorted(NAMES) == sorted(REQUIRED)
    assert len(set(NAMES)) == len(NAMES)


def test_get_finds_each_and_suggests_for_a_typo():
    for name in NAMES:
        assert mn.exercises.get(name).name == name
    with pytest.raises(ValueError, match="no exercise named 'sigmod'; did you mean 'sigmoid'"):
        mn.exercises.get("sigmod")
    assert find_exercise("MaxPool2d").name == "max_pool2d"


@pytest.mark.parametrize("name", NAMES)
def test_the_template_is_a_skeleton_to_fill_in(name):
    ex = mn.exercises.get(name)
    text = ex.template()
    tree = ast.parse(text)                                  # valid Python
    classes = [n for n in tree.body if isinstance(n, ast.ClassDef)]
    assert [c.name for c in classes] == [ex.class_name]
    methods = {f.name: f for f in classes[0].body if isinstance(f, ast.FunctionDef)}
    assert set(methods) == {"forward", "backward"}
    for f in methods.values():                              # each body ends in raise NotImplementedError
        last = f.body[-1]
        assert isinstance(last, ast.Raise) and "NotImplementedError" in ast.unparse(last)
    assert f"def forward(ctx, {ex.signature}):" in text
    docstring = ast.get_docstring(tree)
    assert "forward:" in docstring and "backward:" in docstring and "Shapes:" in docstring
    assert f'EXERCISE = "{name}"' in text
    assert f"minnet exercise check {name}.py" in text.splitlines()[-3]   # how to check it, at the bottom


@pytest.mark.parametrize("name", NAMES)
def test_the_template_holds_no_solution(name):
    """The solution's distinctive backward line is nowhere in the template."""
    solution = (SOLUTIONS / f"{name}.py").read_text()
    tree = ast.parse(solution)
    backward = next(f for c in tree.body if isinstance(c, ast.ClassDef) for f in c.body
                    if isinstance(f, ast.FunctionDef) and f.name == "backward")
    returned = ast.unparse(backward.body[-1])
    assert returned not in mn.exercises.get(name).template()


@pytest.mark.parametrize("name", NAMES)
def test_checking_the_template_says_not_implemented_yet(name, tmp_path):
    path = tmp_path / f"{name}.py"
    path.write_text(mn.exercises.get(name).template())
    result = mn.exercises.check(path)
    assert result.status == "not implemented" and not result.ok
    text = str(result)
    assert text.startswith(f"{name}: NOT IMPLEMENTED YET: forward is not implemented yet ({name}.py, line ")
    assert "raise NotImplementedError" in text and "Traceback" not in text


def test_solutions_live_outside_the_package():
    package = __import__("pathlib").Path(mn.__file__).parent
    assert not SOLUTIONS.resolve().is_relative_to(package.resolve())
    assert sorted(p.stem for p in SOLUTIONS.glob("*.py")) == sorted(NAMES)
    assert not list(package.rglob("solutions"))
