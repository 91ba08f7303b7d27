"""Floor 5: the catalog of failure modes, each reproduced broken and fixed, and ``minnet tour``.

    mode = mn.failures.get("dead_relu")
    print(mode.describe())                 # sources, mechanism, symptom rule, knobs
    comparison = mode.compare()            # broken and fixed with the same seed
    print(comparison)                      # the symptom's numbers side by side, and the findings
    comparison.plot("dead_relu.png")
    print(mode.verify(seeds=range(5)))     # robust: broken shows it on every seed, fixed never

``catalog()`` lists every mode; ``tour()`` runs them all and writes an HTML page.
"""
from .catalog import catalog, get
from .compare import Comparison, Verification
from .mode import Experiment, FailureMode, Knob
from .run import Run

__all__ = ["catalog", "get", "FailureMode", "Knob", "Experiment", "Run", "Comparison", "Verification", "tour"]


def tour(*args, **kwargs):
    """Run every mode broken and fixed, print a table and write ``DIR/index.html`` (see :mod:`.touring`)."""
    from .touring import run_tour
    return run_tour(*args, **kwargs)
