"""Where the tiny MLP's step goes beyond its arithmetic.

The mlp-tiny step (2-16-2, batch 32) is timed as shipped and with layers of minnet's checking
switched off, each against the same step written by hand in NumPy, taking turns in one process
(conftest.interleaved). Switched off by patching, for this measurement only:

* ``version``: the version check that makes ``backward()`` refuse an array changed in place since
  the forward that saved it (``minnet/autograd/version.py``, entered through ``mark_saved``);
* ``floats``: the kernels' test that their inputs are C-contiguous arrays of one float dtype
  (``minnet/kernels/_checks.py``), which keeps every compiled loop inside its arrays;
* ``grad-mode``: the ``no_grad()`` test every op makes.

None of them changes a number here (the inputs already fit, nothing is changed in place, and
gradients are on): the test checks that the losses are the same bits. What remains with all three
off is the cost of the ops, the graph and the backward walk themselves, which is what a step of a
model this small is made of.
"""
import contextlib

import numpy as np
import pytest

from minnet.autograd import function
from minnet.kernels import _checks

LAYERS = {
    "version": (function, "mark_saved", lambda *args: None),
    "floats": (_checks, "floats", lambda *arrays: arrays),
    "grad-mode": (function, "is_grad_enabled", lambda: True),
}
CASES = {"as shipped": [], **{f"without {name}": [name] for name in LAYERS}, "without all three": list(LAYERS)}


@contextlib.contextmanager
def switched_off(names):
    saved = [(LAYERS[n][0], LAYERS[n][1], getattr(LAYERS[n][0], LAYERS[n][1])) for n in names]
    try:
        for n in names:
            owner, attr, stand_in = LAYERS[n]
            setattr(owner, attr, stand_in)
        yield
    finally:
        for owner, attr, original in saved:
            setattr(owner, attr, original)


@pytest.mark.parametrize("case", list(CASES))
def test_tiny_step_without_checks(benchmark, bench, quick, case):
    reference = bench.make_minnet_step("mlp-tiny")
    expected = [reference() for _ in range(3)]
    with switched_off(CASES[case]):
        ours = bench.make_minnet_step("mlp-tiny")
        assert [ours() for _ in range(3)] == expected              # the same numbers, bit for bit
        steps = {"minnet": ours, "numpy-by-hand": bench.make_numpy_mlp_step("mlp-tiny")}
        benchmark.group, benchmark.name = "small-step", case
        times = benchmark.pedantic(bench.interleaved, args=(steps, 1 if quick else 15),
                                   kwargs=dict(block_seconds=0 if quick else 0.05), rounds=1, iterations=1)
    if times is not None:
        info = bench.record(benchmark, times, against="numpy-by-hand")
        assert np.isfinite(info["minnet/numpy-by-hand"])
