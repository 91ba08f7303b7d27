"""The house rules of DESIGN.md, checked on the source: who may import whom, no pickle, a light import."""
import ast
import pathlib
import subprocess
import sys

import pytest

PACKAGE = pathlib.Path(__file__).resolve().parents[1] / "minnet"

# floor of each top-level part of the package (DESIGN.md, "The house")
FLOORS = {"_random": 0, "kernels": 1, "autograd": 2, "nn": 3, "optim": 3, "losses": 3, "init": 3,
          "functional": 3, "data": 3, "checkpoint": 3, "train": 4, "callbacks": 4, "lr_finder": 4,
          "history": 4, "monitor": 4, "gradcheck": 4, "gradcheck_cases": 4,
          "gradcheck_layer_cases": 4, "failures": 5, "plot": 5, "cli": 6, "__init__": 6}


def _sources():
    return sorted(PACKAGE.rglob("*.py"))


def _part(path: pathlib.Path) -> str:
    rel = path.relative_to(PACKAGE)
    return rel.parts[0].removesuffix(".py")


def _imports(path: pathlib.Path):
    tree = ast.parse(path.read_text(), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom):
            if node.level:   # relative import: resolve against the file's package
                base = path.relative_to(PACKAGE.parent).with_suffix("").parts[:-node.level]
                name = ".".join(base + ((node.module,) if node.module else ()))
                if not node.module:
                    for alias in node.names:
                        yield f"{name}.{alias.name}", node.lineno
                    continue
                yield name, node.lineno
            else:
                yield node.module or "", node.lineno


@pytest.mark.parametrize("path", _sources(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_floor_imports_a_higher_floor(path):
    own = _part(path)
    if own not in FLOORS:
        pytest.fail(f"{path.relative_to(PACKAGE)}: add its part '{own}' to FLOORS in this test")
    for name, line in _imports(path):
        top = name.split(".")[0]
        if top == "numba":
            assert own == "kernels", f"{path.name}:{line} imports numba outside minnet/kernels"
        if top == "matplotlib":
            assert own == "plot", f"{path.name}:{line} imports matplotlib outside minnet/plot.py"
        if top == "pickle":
            pytest.fail(f"{path.name}:{line} imports pickle")
        if top == "minnet" and "." in name:
            target = name.split(".")[1]
            if target in FLOORS and own != "__init__":
                assert FLOORS[target] <= FLOORS[own], \
                    f"{path.relative_to(PACKAGE)}:{line} (floor {FLOORS[own]}) imports minnet.{target} (floor {FLOORS[target]})"


def test_nothing_loads_pickles():
    for path in _sources():
        text = path.read_text()
        assert "allow_pickle=True" not in text, f"{path} loads with allow_pickle=True"


def test_import_minnet_is_light():
    code = "import sys, minnet; print(sorted(m for m in ('numba', 'matplotlib', 'torch') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]", f"import minnet pulled in {out.strip()}"
