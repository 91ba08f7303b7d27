"""``check(path_or_function)``: is the student's op right, and if not, what is wrong with it?

For each of the exercise's cases, in order, until one fails:

1. forward: the student's output is compared with the reference values (minnet's own ops);
2. backward, called directly with a random upstream gradient: one gradient per input, each of its
   input's shape;
3. ``mn.gradcheck`` in float64: the backward against central differences of the student's own
   forward, one row per input.

A failure is explained in the student's terms: which input's gradient is wrong, by how much, at
which element, and the hint of the mistake it matches (see ``diagnose.py``). An exception in the
student's code, ``NotImplementedError`` included, becomes a message pointing at their line.
"""
from __future__ import annotations

import os
import re
import sys
from pathlib import Path
from typing import Any

import numpy as np

import minnet as mn
from ..gradcheck import GradcheckReport
from . import diagnose
from .catalog import find_exercise, get
from .exercise import Case, Exercise, Mistake, Trial, is_differentiable
from .result import ExerciseResult, GradientRow
from .student import StudentError, call, functions_in, load_module, source_files, students_code

SCALAR_UPSTREAM = 1.7     # a scalar output is checked as 1.7 * y, so a backward that ignores grad shows


def check(target: Any, exercise: str | None = None) -> ExerciseResult:
    """Check a student's op: a path to their file, or their ``mn.Function`` class.

    ``exercise`` names the exercise when it cannot be told from the file (its ``EXERCISE = "..."``
    line, else its name) or from the class's name. A missing file raises FileNotFoundError and an
    unknown exercise ValueError; everything wrong *inside* the student's code is in the result.

    >>> result = mn.exercises.check("sigmoid.py")
    >>> result.ok, result.status                 # (False, 'wrong') while a gradient is wrong
    >>> print(result)                            # the verdict, with the hint that matches
    """
    if isinstance(target, (str, os.PathLike)):
        try:
            module = load_module(target)
        except StudentError as err:
            return error_result(exercise or _declared_exercise(target), err, case=None)
        try:
            ex = get(exercise) if exercise else _exercise_of_module(module, Path(target).stem)
            op = _op_of_module(module, ex, Path(target).name)
            return op if isinstance(op, ExerciseResult) else _Run(ex, op, [os.path.abspath(target)]).check()
        finally:
            sys.modules.pop(module.__name__, None)      # each check imports the file afresh
    if isinstance(target, type) and issubclass(target, mn.Function):
        ex = get(exercise) if exercise else find_exercise(target.__name__)
        return _Run(ex, target, source_files(target)).check()
    raise TypeError(f"check() takes the path of your exercise file or your mn.Function class, "
                    f"got {type(target).__name__}")


def _declared_exercise(path) -> str:
    """The name in a file's ``EXERCISE = "name"`` line (read as text: the file did not import), else its stem."""
    found = re.search(r"""^EXERCISE\s*=\s*["'](\w+)["']""", Path(path).read_text(errors="replace"), re.M)
    return found.group(1) if found else Path(path).stem


def _exercise_of_module(module, stem: str) -> Exercise:
    marker = getattr(module, "EXERCISE", None)
    if isinstance(marker, str):
        return get(marker)
    try:
        return get(stem)
    except ValueError:
        for cls in functions_in(module):
            try:
                return find_exercise(cls.__name__)
            except ValueError:
                pass
    raise ValueError(f"cannot tell which exercise {stem}.py is: add a line EXERCISE = \"name\" to it "
                     f"(see `minnet exercises`), or name the file after the exercise")


def _op_of_module(module, ex: Exercise, filename: str):
    op = getattr(module, ex.class_name, None)
    if isinstance(op, type) and issubclass(op, mn.Function):
        return op
    candidates = functions_in(module)
    if len(candidates) == 1:
        return candidates[0]
    what = "no mn.Function subclass" if not candidates else \
        f"{len(candidates)} mn.Function subclasses ({', '.join(c.__name__ for c in candidates)})"
    return ExerciseResult(ex.name, "error", f"{filename} has {what}; the checker looks for class {ex.class_name}",
                          details=[f"Write the op as `class {ex.class_name}(mn.Function):` with forward and "
                                   "backward (`minnet exercise start " + ex.name + "` writes the template)."])


def _set_rng(state: int) -> None:
    """Put minnet's generator in a known state (forward may draw from it, as dropout does)."""
    mn.get_rng().bit_generator.state = np.random.default_rng(1000 + state).bit_generator.state


class ForwardProbe:
    """Runs the student's forward on one case, from a chosen state of ``mn.get_rng()``.

    Each run gets its own copies of the inputs; a forward that writes into them is caught.
    """

    def __init__(self, ex: Exercise, op: type, files: list[str], case: Case) -> None:
        self.ex, self.op, self.files, self.case = ex, op, files, case
        self.inputs, self.kwargs = case.inputs(), dict(case.kwargs)

    def run(self, state: int = 0) -> np.ndarray:
        return self.run_with_context(state)[0]

    def run_with_context(self, state: int = 0) -> tuple[np.ndarray, mn.Context]:
        args = [np.array(a) for a in self.inputs]
        ctx = mn.Context(self.op, tuple(mn.Tensor(a, requires_grad=True) if is_differentiable(a) else None
                                        for a in args))
        _set_rng(state)
        out = call("forward", self.op.forward, self.files, ctx, *args, **self.kwargs)
        changed = " and ".join(n for n, a, b in zip(self.ex.input_names, args, self.inputs)
                               if not np.array_equal(a, b))
        if changed:
            raise _Wrong(f"your forward changed its input {changed} in place", forward_ok=False, detail=(
                f"The arrays forward receives belong to the caller: after your forward, {changed} held other "
                "values. Compute the output in a new array (np.maximum(x, 0), x.copy(), ...) instead of "
                "writing into the input."))
        out = numbers(out, "forward", "the output")
        if out.dtype != np.float64:
            raise _Wrong(f"your forward returned {out.dtype} values", False,
                         "The inputs are float64, and a gradient check needs float64 all the way through (in "
                         "float32, finite differences lose the digits they compare): keep the output float64.")
        return out, ctx


class _Wrong(Exception):
    """A verdict found inside a run, where returning it is awkward (an input changed, no array returned)."""

    def __init__(self, summary: str, forward_ok: bool, detail: str) -> None:
        super().__init__(summary)
        self.summary, self.forward_ok, self.detail = summary, forward_ok, detail


def numbers(value: Any, stage: str, what: str) -> np.ndarray:
    """``value`` as an array of numbers, or a :class:`_Wrong` verdict saying what the student returned."""
    if isinstance(value, mn.Tensor):
        raise _Wrong(f"your {stage} returned a Tensor as {what}", stage == "backward",
                     "forward and backward work on NumPy arrays and return NumPy arrays (a Tensor's array is t.data).")
    try:
        array = np.asarray(value)
    except ValueError:
        array = np.asarray(None)
    if array.dtype.kind not in "biuf":
        raise _Wrong(f"your {stage} returned {type(value).__name__} as {what}", stage == "backward",
                     f"Return a NumPy array of numbers (got {value!r:.80}).")
    return array


class _Run:
    """One check of one op: its cases in order until one fails."""

    def __init__(self, ex: Exercise, op: type, files: list[str]) -> None:
        self.ex, self.op, self.files = ex, op, files
        self.passed: list[tuple[str, GradcheckReport | None]] = []     # (case, its gradcheck report)

    def check(self) -> ExerciseResult:
        rng_state = mn.get_rng().bit_generator.state
        try:
            with np.errstate(all="ignore"):         # NaN and inf are explained in the verdict instead
                for case in self.ex.cases:
                    try:
                        failed = self._case(case)
                    except Exception as exc:           # the checker's own failure, still not a traceback
                        return self._result(case, "error", "the checker could not judge your op", details=[
                            f"{type(exc).__name__}: {exc}", "This is a problem of minnet's checker rather than "
                            "of your code: please report it, with your file."])
                    if failed is not None:
                        return failed
        finally:
            mn.get_rng().bit_generator.state = rng_state
        return ExerciseResult.passed(self.ex.name, self.passed)

    def _result(self, case: Case, status: str, summary: str, **fields) -> ExerciseResult:
        return ExerciseResult(self.ex.name, status, summary, case=case.label, **fields)

    def _case(self, case: Case) -> ExerciseResult | None:
        probe = ForwardProbe(self.ex, self.op, self.files, case)
        try:
            failed = self._forward(probe)
            if failed is None and case.gradcheck:
                failed = self._backward(probe)
            elif failed is None:
                self.passed.append((case.label, None))
            return failed
        except StudentError as err:
            return error_result(self.ex.name, err, case.label, self.ex)
        except _Wrong as verdict:
            return self._result(case, "wrong", verdict.summary, forward_ok=verdict.forward_ok, details=[verdict.detail])

    def _forward(self, probe: ForwardProbe) -> ExerciseResult | None:
        ex, case = self.ex, probe.case
        if ex.check_forward is not None:
            found = ex.check_forward(probe)
            if found is None:
                return None
            what, mistakes = found
            return self._result(case, "wrong", "the forward is wrong", forward_ok=False, details=[what],
                                mistakes=list(mistakes))
        out = probe.run()
        expected = ex.reference_forward(probe.inputs, probe.kwargs)
        if out.shape != expected.shape:
            what = f"your forward returned shape {out.shape}; for {_shapes(ex, probe.inputs)} it is {expected.shape}"
        elif not np.allclose(out, expected, rtol=1e-8, atol=1e-10):
            what = _worst_forward_element(out, expected)
        else:
            return None
        trial = Trial(tuple(probe.inputs), probe.kwargs, out, np.ones_like(expected), ())
        return self._result(case, "wrong", "the forward is wrong", forward_ok=False, details=[what],
                            mistakes=diagnose.forward_mistakes(ex, trial))

    def _backward(self, probe: ForwardProbe) -> ExerciseResult | None:
        ex, case = self.ex, probe.case
        out, ctx = probe.run_with_context()
        upstream = (np.random.default_rng(99).standard_normal(out.shape) if out.ndim
                    else np.array(SCALAR_UPSTREAM))
        grads = call("backward", self.op.backward, self.files, ctx, upstream)
        grads = tuple(grads) if isinstance(grads, (tuple, list)) else (grads,)
        checked = [i for i, a in enumerate(probe.inputs) if is_differentiable(a)]
        problem = _structure_problem(ex, grads, checked)
        if problem:
            return self._result(case, "wrong", "backward does not return one gradient per input", forward_ok=True,
                                details=[problem])
        grads = tuple(None if g is None else numbers(g, "backward", f"the gradient of {n}")
                      for g, n in zip(grads, ex.input_names))
        trial = ex.trial(probe.inputs, probe.kwargs, out, upstream)
        rows = [GradientRow(ex.input_names[i], np.shape(probe.inputs[i])) for i in checked]
        if any(grads[i].shape != row.shape for row, i in zip(rows, checked)):
            for row, i in zip(rows, checked):
                if grads[i].shape != row.shape:
                    row.ok, row.problem = False, f"yours has shape {grads[i].shape}, {row.name} has shape {row.shape}"
                    row.mistakes = self._diagnose(trial, grads, i)
            return self._result(case, "wrong", _wrong_summary(rows, "shape"), forward_ok=True, gradients=rows)
        report = self._gradcheck(probe, scalar=out.ndim == 0)
        for row, i, line in zip(rows, checked, report.inputs):
            row.ok, row.check = line.ok, line
            if not line.ok:
                row.mistakes = self._diagnose(trial, grads, i)
        if all(row.ok for row in rows):
            self.passed.append((case.label, report))
            return None
        return self._result(case, "wrong", _wrong_summary(rows, "gradient"), forward_ok=True, gradients=rows,
                            report=report)

    def _diagnose(self, trial: Trial, grads: tuple, i: int) -> list[Mistake]:
        found = diagnose.backward_mistakes(self.ex, trial, grads, i)
        if found:
            return found
        with_ones = self.ex.true_grads(trial.inputs, trial.kwargs, trial.out, np.ones_like(trial.grad))
        return diagnose.generic_mistakes(trial, grads, i, self.ex.input_names, with_ones)

    def _gradcheck(self, probe: ForwardProbe, scalar: bool) -> GradcheckReport:
        op, kwargs = self.op, probe.kwargs

        def fn(*args):
            y = op.apply(*args, **kwargs)
            return y * SCALAR_UPSTREAM if scalar else y

        _set_rng(0)
        with students_code("gradcheck", self.files):
            return mn.gradcheck(fn, [np.array(a) for a in probe.inputs], names=list(self.ex.input_names))


def _structure_problem(ex: Exercise, grads: tuple, checked: list[int]) -> str | None:
    names, n = ex.input_names, len(ex.input_names)
    if len(grads) != n:
        nones = f" (None for {' and '.join(ex.no_grad_inputs)})" if ex.no_grad_inputs else ""
        return (f"your backward returned {len(grads)} value(s), but forward takes {n} input(s) "
                f"({', '.join(names)}): return one gradient per input, in that order{nones}")
    missing = [names[i] for i in checked if grads[i] is None]
    if missing:
        return f"your backward returned None as the gradient of {' and '.join(missing)}"
    return None


def _worst_forward_element(out: np.ndarray, expected: np.ndarray) -> str:
    diff = np.where(np.isfinite(out), np.abs(out - expected), np.inf)
    worst = np.unravel_index(int(np.argmax(diff)), out.shape) if out.ndim else ()
    where = f" at element {tuple(int(i) for i in worst)}" if out.ndim else ""
    bad = int((~np.isclose(out, expected, rtol=1e-8, atol=1e-10)).sum())
    text = (f"your forward gives {out[worst]:.10g}{where}, the reference value is {expected[worst]:.10g} "
            f"({bad} of {out.size} values differ)")
    if not np.all(np.isfinite(out)):
        text += f"; {int((~np.isfinite(out)).sum())} of your values are NaN or inf"
    return text


def _wrong_summary(rows: list[GradientRow], what: str) -> str:
    wrong = [r.name for r in rows if not r.ok]
    one = len(wrong) == 1
    if what == "shape":
        return f"the gradient{'' if one else 's'} of {' and '.join(wrong)} {'has' if one else 'have'} the wrong shape"
    return f"the gradient{'' if one else 's'} of {' and '.join(wrong)} {'is' if one else 'are'} wrong"


def _shapes(ex: Exercise, inputs: list) -> str:
    return ", ".join(f"{n} {np.shape(a)}" for n, a in zip(ex.input_names, inputs))


def error_result(name: str, err: StudentError, case: str | None, ex: Exercise | None = None) -> ExerciseResult:
    """The verdict for an exception in the student's code: where, what, and a hint if one fits."""
    where = f" ({err.location})" if err.location else ""
    if err.not_implemented:
        stage = err.stage if err.stage in ("forward", "backward") else "your code"
        return ExerciseResult(name, "not implemented", f"{stage} is not implemented yet{where}", case=case,
                              location=err.location,
                              details=[f"Write {stage} where it says `raise NotImplementedError`, then check again."])
    stage = {"import": "loading your file", "gradcheck": "the gradient check"}.get(err.stage, f"your {err.stage}")
    details = [err.message]
    if err.location is None and isinstance(err.error, TypeError) and err.stage in ("forward", "backward") and ex:
        details.append(f"The checker calls forward(ctx, {ex.signature}) and backward(ctx, grad): check that your "
                       "methods take these arguments and are @staticmethod.")
    mistakes = diagnose.error_mistakes(ex, err.message) if ex is not None else []
    return ExerciseResult(name, "error", f"an error in {stage}{where}", case=case, location=err.location,
                          details=details, mistakes=mistakes)
