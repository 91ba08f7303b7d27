"""One run of a failure mode: what happened, what it measured, what preflight and diagnose said."""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np


@dataclass
class Run:
    """One run of a failure mode: what happened, what it measured, what preflight and diagnose said."""

    mode: Any
    broken: bool
    seed: int
    settings: dict
    history: Any
    monitor: Any
    experiment: Any
    symptoms: dict[str, float]
    shows_symptom: bool
    findings: Any               # a minnet.monitor.Report: preflight's and diagnose's findings together
    preflight: Any
    diagnosis: Any
    seconds: float

    @property
    def symptom_value(self) -> float:
        """The first symptom, the one the mode's ``symptom`` text speaks of."""
        return next(iter(self.symptoms.values()))

    def __str__(self) -> str:
        head = (f"{self.mode.name} ({'broken' if self.broken else 'fixed'}, seed {self.seed}, "
                f"{self.seconds:.1f} s): {'shows' if self.shows_symptom else 'does not show'} the symptom")
        knobs = ", ".join(f"{k}={v}" for k, v in self.settings.items())
        symptoms = ", ".join(f"{k} = {fmt(v)}" for k, v in self.symptoms.items())
        codes = ", ".join(sorted(self.findings.codes)) or "none"
        return f"{head}\n  knobs: {knobs}\n  symptoms: {symptoms}\n  findings: {codes}"


def fmt(v: Any) -> str:
    """A symptom's value for a table: three significant digits, nan as nan."""
    if isinstance(v, (float, np.floating)):
        return "nan" if math.isnan(v) else f"{v:.3g}"
    return str(v)
