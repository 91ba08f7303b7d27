"""The machinery of the catalog: a :class:`FailureMode`, its :class:`Knob`\\ s, and one :class:`Run` of it.

A failure mode is a small experiment that reproduces one way training goes wrong. Its knobs switch
between the broken setting and the fix the sources name (any allowed value can be set by hand), its
``experiment`` builds the data, model, loss and optimizer, and its ``measure`` reads the symptom with
minnet's own instruments. ``run`` trains it with ``mn.fit`` and a ``Monitor``, measures, and asks
``mn.preflight`` and ``mn.diagnose`` what they see::

    mode = mn.failures.get("dead_relu")
    run = mode.run()                 # broken
    run.symptoms                     # {'dead_fraction': 0.83, 'final_loss': ...}
    mode.run(broken=False).shows_symptom      # False: the fix works
    mode.run(fix="elu", lr=0.5)      # any knob, any allowed value

A mode file subclasses :class:`FailureMode` and fills in the class attributes and three methods; it
reads top to bottom like a lab sheet (see ``modes/dead_relu.py``).
"""
from __future__ import annotations

import time
import warnings
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any, Callable, Sequence

import numpy as np

import minnet as mn

from .compare import Comparison, Verification
from .run import Run


@dataclass(frozen=True)
class Knob:
    """One setting of a failure mode: its broken and fixed values, and what else it may be set to.

    Give ``choices`` (a tuple of allowed values) or ``low``/``high`` (an inclusive numeric range;
    ``integer=True`` for whole numbers).
    """

    name: str
    help: str
    broken: Any
    fixed: Any
    choices: tuple | None = None
    low: float | None = None
    high: float | None = None
    integer: bool = False

    def __post_init__(self) -> None:
        for which in ("broken", "fixed"):
            self.check(getattr(self, which), f"its {which} value")

    @property
    def allowed(self) -> str:
        """The allowed values in words, for help texts and error messages."""
        if self.choices is not None:
            return " | ".join(map(str, self.choices))
        kind = "an integer" if self.integer else "a number"
        return f"{kind} from {self.low:g} to {self.high:g}"

    def check(self, value: Any, what: str = "the value") -> Any:
        """``value`` if allowed (numbers given as text are converted), else a ValueError naming the knob."""
        if self.choices is not None:
            for choice in self.choices:
                if value == choice or (isinstance(value, str) and str(choice) == value):
                    return choice
            raise ValueError(f"knob {self.name!r}: {what} {value!r} is not allowed; choose {self.allowed}")
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise ValueError(f"knob {self.name!r}: {what} {value!r} is not a number; choose {self.allowed}") from None
        if not (self.low <= number <= self.high) or (self.integer and number != int(number)):
            raise ValueError(f"knob {self.name!r}: {what} {value!r} is out of range; choose {self.allowed}")
        return int(number) if self.integer else number


@dataclass
class Experiment:
    """What a mode's ``experiment`` builds: everything ``mn.fit`` needs, and what the measurement reads.

    ``fit_kwargs`` go to ``mn.fit`` (epochs, batch_size, callbacks, clip_grad_norm, ...). A mode whose
    broken pipeline is not ``fit``'s loop (a training loop without ``zero_grad``, say) sets
    ``train_fn(experiment, monitor) -> History`` instead. ``extra`` carries anything else the
    measurement or the figure needs (test data, the clean labels, ...).
    """

    model: Any
    loss_fn: Any
    optimizer: Any
    train: tuple
    val: tuple | None = None
    fit_kwargs: dict = field(default_factory=dict)
    monitor_every: int = 1
    histograms: bool = False
    train_fn: Callable | None = None
    extra: dict = field(default_factory=dict)


class FailureMode:
    """Base class of the catalog's modes. A subclass sets the class attributes below and defines
    :meth:`experiment`, :meth:`measure` and :meth:`shows`.

    * ``name``, ``title``, ``source`` (document file name and section), ``summary`` (the mechanism in
      two or three sentences), ``symptom`` (what is measured and the rule that decides), ``lesson``.
    * ``knobs``: a sequence of :class:`Knob`; ``findings``: the codes preflight/diagnose must raise on
      the broken run and not on the fixed one (empty when no rule of the vocabulary describes the
      symptom; the mode's docstring then says why).
    * ``figure``: how :meth:`compare`'s plot shows the symptom (see ``minnet.plot.failures``).
    """

    name: str = ""
    title: str = ""
    source: str = ""
    summary: str = ""
    symptom: str = ""
    lesson: int | None = None
    knobs: Sequence[Knob] = ()
    findings: frozenset = frozenset()
    figure: dict = {"kind": "curves"}

    # ---- what a mode defines ------------------------------------------------------------------
    def experiment(self, s: SimpleNamespace, quick: bool) -> Experiment:  # pragma: no cover
        """Build the data, model, loss and optimizer for settings ``s`` (one attribute per knob)."""
        raise NotImplementedError

    def measure(self, run: Run) -> dict[str, float]:  # pragma: no cover
        """The symptom's numbers, read with ``mn.monitor`` from the finished run (first entry: the main one)."""
        raise NotImplementedError

    def shows(self, symptoms: dict[str, float]) -> bool:  # pragma: no cover
        """Whether these numbers show the symptom (the rule stated in ``symptom``)."""
        raise NotImplementedError

    # ---- the machinery ------------------------------------------------------------------------
    @property
    def knob(self) -> dict[str, Knob]:
        """The knobs by name."""
        return {k.name: k for k in self.knobs}

    def settings(self, broken: bool = True, **overrides: Any) -> dict[str, Any]:
        """Every knob's value: broken or fixed, with ``overrides`` checked against what each knob allows."""
        knobs = self.knob
        unknown = [k for k in overrides if k not in knobs]
        if unknown:
            raise ValueError(f"{self.name}: unknown knob {unknown[0]!r}; its knobs are "
                             f"{', '.join(knobs) or '(none)'}")
        values = {k.name: (k.broken if broken else k.fixed) for k in self.knobs}
        for name, value in overrides.items():
            values[name] = knobs[name].check(value)
        return values

    def run(self, broken: bool = True, seed: int = 0, quick: bool = False, **knobs: Any) -> Run:
        """Train the broken (or fixed) setting with seed ``seed`` and measure it; see :class:`Run`.

        A broken run is meant to go wrong: its divergence and NumPy's overflow warnings are not
        printed, because the run's findings report them (``diverged``, with fit's message, and the rest).
        """
        settings = self.settings(broken, **knobs)
        start = time.perf_counter()
        mn.manual_seed(seed)
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore", RuntimeWarning)          # DivergenceWarning is one
            exp = self.experiment(SimpleNamespace(**settings), quick)
            pre = mn.preflight(exp.model, exp.loss_fn, exp.train, exp.val)
            monitor = mn.monitor.Monitor(exp.model, every=exp.monitor_every, histograms=exp.histograms)
            if exp.train_fn is not None:
                history = exp.train_fn(exp, monitor)
            else:
                kwargs = {"progress": False, **exp.fit_kwargs}
                history = mn.fit(exp.model, exp.loss_fn, exp.optimizer, exp.train, val=exp.val, monitor=monitor,
                                 **kwargs)
            diagnosis = mn.diagnose(history, exp.model, train=exp.train, val=exp.val)
        findings = mn.monitor.Report(list(pre) + list(diagnosis), title=f"{self.name} findings")
        run = Run(self, broken, seed, settings, history, monitor, exp, {}, False, findings, pre, diagnosis, 0.0)
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore", RuntimeWarning)
            run.symptoms = {k: float(v) for k, v in self.measure(run).items()}
        run.shows_symptom = bool(self.shows(run.symptoms))
        run.seconds = time.perf_counter() - start
        return run

    def compare(self, seed: int = 0, quick: bool = False, **knobs: Any):
        """The broken and the fixed run side by side with the same seed.

        ``knobs`` apply to both runs, except ``fix``, which chooses the fix the fixed run uses
        (``mode.compare(fix="elu")``: broken against the ELU fix).
        """
        shared = {k: v for k, v in knobs.items() if k != "fix"}
        return Comparison(self, self.run(True, seed, quick, **shared), self.run(False, seed, quick, **knobs))

    def verify(self, seeds=range(5), quick: bool = False, progress: bool = False):
        """Run broken and fixed on every seed: the symptom and the findings on broken, neither on fixed."""
        return Verification.of(self, seeds, quick, progress)

    def describe(self) -> str:
        """Everything about the mode in words: what ``minnet failures show NAME`` prints."""
        lines = [f"{self.name}: {self.title}", "", f"Source: {self.source}", "", self.summary, "",
                 f"Symptom: {self.symptom}", "", "Knobs:"]
        for k in self.knobs:
            lines.append(f"  {k.name} = {k.broken!r} (broken), {k.fixed!r} (fixed); allowed: {k.allowed}")
            lines.append(f"      {k.help}")
        codes = ", ".join(sorted(self.findings)) or "none (see the mode's docstring for why)"
        lines += ["", f"Findings expected on the broken run: {codes}"]
        if self.lesson:
            lines.append(f"Lesson: minnet lesson {self.lesson}")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return f"<FailureMode {self.name}: {self.title}>"
