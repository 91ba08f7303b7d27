"""Shared by the exercise tests: where the teachers' solutions are, and loading them."""
import importlib.util
import pathlib

SOLUTIONS = pathlib.Path(__file__).resolve().parents[2] / "lessons" / "solutions" / "exercises"


def solution_path(name: str) -> pathlib.Path:
    return SOLUTIONS / f"{name}.py"


def solution_class(name: str, class_name: str) -> type:
    spec = importlib.util.spec_from_file_location(f"solution_{name}", solution_path(name))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return getattr(module, class_name)
