"""Fixtures of the exercise tests: variants of the teachers' solutions (lessons/solutions/exercises/)."""
import pytest

from ._helpers import solution_path


@pytest.fixture
def variant(tmp_path):
    """variant(name, (old, new), ...) -> path of the solution with each `old` text replaced by `new`."""
    def make(name: str, *replacements: tuple[str, str]):
        text = solution_path(name).read_text()
        for old, new in replacements:
            assert old in text, f"{old!r} is not in the solution of {name}"
            text = text.replace(old, new)
        path = tmp_path / f"{name}.py"
        path.write_text(text)
        return path
    return make
