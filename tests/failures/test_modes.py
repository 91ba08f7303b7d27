"""Every failure mode of the catalog, held to its contract on three seeds.

Broken shows the symptom and raises every finding the mode lists; fixed shows neither. Every knob
accepts each allowed value and refuses a bad one by name. The ten-seed verification of every mode
is in ``benchmarks/verify_catalog.py`` (its table in ``benchmarks/README.md``): too slow for CI.
"""
import ast
import functools
import inspect
import pathlib

import pytest

import minnet as mn

MODES = [m.name for m in mn.failures.catalog()]
SEEDS = (0, 1, 2)


@functools.lru_cache(maxsize=None)
def _run(name: str, broken: bool, seed: int):
    return mn.failures.get(name).run(broken=broken, seed=seed)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("name", MODES)
def test_broken_shows_the_symptom_and_fixed_does_not(name, seed):
    broken, fixed = _run(name, True, seed), _run(name, False, seed)
    assert broken.shows_symptom, f"{name} broken, seed {seed}: {broken.symptoms}"
    assert not fixed.shows_symptom, f"{name} fixed, seed {seed}: {fixed.symptoms}"


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("name", MODES)
def test_findings_raised_on_broken_and_not_on_fixed(name, seed):
    mode = mn.failures.get(name)
    broken, fixed = _run(name, True, seed), _run(name, False, seed)
    missing = set(mode.findings) - broken.findings.codes
    assert not missing, f"{name} broken, seed {seed}: {sorted(missing)} not raised\n{broken.findings}"
    extra = set(mode.findings) & fixed.findings.codes
    assert not extra, f"{name} fixed, seed {seed}: {sorted(extra)} raised\n{fixed.findings}"


@pytest.mark.parametrize("name", MODES)
def test_every_knob_value_is_accepted_and_a_bad_one_refused(name):
    mode = mn.failures.get(name)
    for knob in mode.knobs:
        values = knob.choices if knob.choices is not None else (knob.low, knob.high, (knob.low + knob.high) / 2)
        for value in values:
            value = int(value) if knob.integer else value
            assert mode.settings(**{knob.name: value})[knob.name] == value
        bad = "no-such-value" if knob.choices is not None else knob.high * 10 + 1
        with pytest.raises(ValueError, match=f"knob {knob.name!r}.*{'not allowed' if knob.choices else 'out of range'}"):
            mode.settings(**{knob.name: bad})
    with pytest.raises(ValueError, match="unknown knob 'no_such_knob'"):
        mode.settings(no_such_knob=1)


@pytest.mark.parametrize("name", MODES)
def test_the_mode_file_reads_like_a_lab_sheet(name):
    mode = mn.failures.get(name)
    path = pathlib.Path(inspect.getfile(type(mode)))
    doc = ast.get_docstring(ast.parse(path.read_text()))
    for part in ("Sources:", "Mechanism:", "Symptom:", "Fix:"):
        assert part in doc, f"{path.name}: the docstring has no '{part}' paragraph"
    for field in ("name", "title", "source", "summary", "symptom"):
        assert getattr(mode, field), f"{name}: {field} is empty"
    assert mode.name == path.stem
    assert mode.findings <= set(mn.monitor.CODES), f"{name}: unknown codes {set(mode.findings) - set(mn.monitor.CODES)}"
    if not mode.findings:
        assert "findings" in doc.lower(), f"{name} lists no findings: its docstring must say why"
    code_lines = [l for l in path.read_text().splitlines() if l.strip()]
    assert len(code_lines) <= 110, f"{path.name} has {len(code_lines)} lines: move shared recipes to recipes.py"
