"""The house rules of DESIGN.md, checked on the source: who may import whom, no cycles, no pickle,
no upward import hidden in a string, and a light ``import minnet``."""
import ast
import pathlib
import subprocess
import sys

import pytest

PACKAGE = pathlib.Path(__file__).resolve().parents[1] / "minnet"

# floor of each top-level part of the package (DESIGN.md, "The house")
FLOORS = {"_random": 0, "_plotting": 0, "_notebook": 0, "kernels": 1, "autograd": 2, "nn": 3, "optim": 3, "losses": 3,
          "init": 3, "functional": 3, "data": 3, "metrics": 3, "checkpoint": 3, "train": 4, "monitor": 4,
          "gradcheck": 4, "failures": 5, "exercises": 5, "plot": 5, "lessons": 6, "cli": 6, "__main__": 6, "__init__": 6}


def _sources():
    return sorted(PACKAGE.rglob("*.py"))


def _module_name(path: pathlib.Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _part(name: str) -> str:
    """The top-level part of ``minnet.x.y`` ("x"), or "__init__" for the package itself."""
    parts = name.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def _imports(path: pathlib.Path):
    """(imported module name, line) for every import in the file, relative ones resolved.

    ``from pkg import name`` yields ``pkg.name`` when that is a module of minnet, else ``pkg``.
    """
    tree = ast.parse(path.read_text(), filename=str(path))
    package = _module_name(path) if path.name == "__init__.py" else _module_name(path).rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            for alias in node.names:
                candidate = f"{module}.{alias.name}"
                yield (candidate if candidate in MODULES else module), node.lineno


MODULES = {_module_name(p) for p in _sources()}


@pytest.mark.parametrize("path", _sources(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_floor_imports_a_higher_floor(path):
    own = _part(_module_name(path)) if path.name != "__init__.py" or path.parent != PACKAGE else "__init__"
    own = own.removesuffix(".py")
    if own not in FLOORS:
        pytest.fail(f"{path.relative_to(PACKAGE)}: add its part '{own}' to FLOORS in this test")
    for name, line in _imports(path):
        top = name.split(".")[0]
        where = f"{path.relative_to(PACKAGE)}:{line}"
        if top == "numba":
            assert own == "kernels", f"{where} imports numba outside minnet/kernels"
        if top == "matplotlib":
            assert own == "plot", f"{where} imports matplotlib outside minnet/plot"
        if top == "pickle":
            pytest.fail(f"{where} imports pickle")
        if top == "minnet":
            if name == "minnet":
                assert FLOORS[own] >= 5, f"{where}: `import minnet` below floor 5 (floor {FLOORS[own]})"
                continue
            target = _part(name)
            assert FLOORS.get(target, 0) <= FLOORS[own], \
                f"{where} (floor {FLOORS[own]}) imports {name} (floor {FLOORS[target]})"


def _string_imports(path: pathlib.Path):
    """Modules named by a string given to importlib.import_module / __import__ (resolved if relative)."""
    tree = ast.parse(path.read_text(), filename=str(path))
    package = _module_name(path) if path.name == "__init__.py" else _module_name(path).rpartition(".")[0]
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        fn = node.func
        name = fn.attr if isinstance(fn, ast.Attribute) else getattr(fn, "id", "")
        if name not in ("import_module", "__import__") or not node.args:
            continue
        arg = node.args[0]
        if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
            text = arg.value
        elif isinstance(arg, ast.JoinedStr):
            text = "".join(v.value if isinstance(v, ast.Constant) else "{}" for v in arg.values)
        else:
            text = "{}"
        if text.startswith("."):
            text = package + text
        yield text, node.lineno


@pytest.mark.parametrize("path", _sources(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_upward_import_by_string(path):
    own = "__init__" if path == PACKAGE / "__init__.py" else _part(_module_name(path))
    for text, line in _string_imports(path):
        where = f"{path.relative_to(PACKAGE)}:{line}"
        if "{}" in text:
            assert FLOORS[own] == 6, f"{where}: an import by a computed name hides what is imported"
            continue
        if text.split(".")[0] == "minnet" and "." in text:
            target = _part(text)
            assert FLOORS.get(target, 0) <= FLOORS[own], f"{where} imports {text} by a string"


def _graph():
    graph = {m: set() for m in MODULES}
    for path in _sources():
        me = _module_name(path)
        for name, _ in _imports(path):
            while name and name not in MODULES and "." in name:   # minnet.x.Name -> minnet.x
                name = name.rpartition(".")[0]
            if name in MODULES and name != me:
                graph[me].add(name)
    return graph


def _cycles(graph):
    """Strongly connected components with more than one module (Tarjan's algorithm, iterative)."""
    index, low, on_stack, stack, result, counter = {}, {}, set(), [], [], [0]
    for root in graph:
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter[0]; counter[0] += 1
        stack.append(root); on_stack.add(root)
        while work:
            node, children = work[-1]
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter[0]; counter[0] += 1
                    stack.append(child); on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        m = stack.pop(); on_stack.discard(m); component.append(m)
                        if m == node:
                            break
                    if len(component) > 1:
                        result.append(sorted(component))
    return result


def test_no_import_cycles():
    """Every import counts, also one inside a function: a cycle is a cycle even when deferred."""
    cycles = _cycles(_graph())
    assert not cycles, "import cycles: " + "; ".join(" <-> ".join(c) for c in cycles)


def test_the_cycle_finder_finds_a_cycle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def test_nothing_loads_pickles():
    for path in _sources():
        text = path.read_text()
        assert "allow_pickle=True" not in text, f"{path} loads with allow_pickle=True"


def test_import_minnet_is_light():
    code = "import sys, minnet; print(sorted(m for m in ('numba', 'matplotlib', 'torch') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]", f"import minnet pulled in {out.strip()}"


def test_every_advertised_name_imports():
    code = "import minnet as mn; [getattr(mn, n) for n in dir(mn)]; print('ok')"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.stdout.strip() == "ok", done.stderr
