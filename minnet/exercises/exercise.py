"""What an exercise is made of: the op to write, the inputs it is checked on, and the mistakes it knows.

An :class:`Exercise` names one op a student writes as a ``mn.Function`` (forward and backward).
It carries

* the text of the template (formula, shapes, where to write code),
* :class:`Case` s: the inputs the checker runs the op on (small, so the numerical check is quick,
  and inside the op's domain: no ties for max, no inputs at ReLU's kink),
* a ``reference``: the same op built from minnet's own verified ops, which gives the forward values
  the student's forward is compared with and the right gradients the mistakes are compared with,
* :class:`Mistake` s: the common ways to get it wrong, each with what it does and a hint.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

import numpy as np

import minnet as mn
from .template import render


@dataclass(frozen=True)
class Case:
    """One set of inputs the checker runs the op on.

    ``make(rng)`` returns the positional inputs (float arrays, and constants such as integer labels);
    ``kwargs`` are passed by keyword. With ``gradcheck=False`` only the forward is checked on it
    (a large input for the statistics of dropout, logits of 1000 for numerical stability).
    """

    label: str
    make: Callable[[np.random.Generator], list]
    kwargs: dict = field(default_factory=dict)
    gradcheck: bool = True
    seed: int = 0

    def inputs(self) -> list:
        """Fresh copies of this case's inputs (the same numbers every time)."""
        return list(self.make(np.random.default_rng(self.seed)))


@dataclass
class Trial:
    """One run of an op on one case, as the checker and the mistakes see it.

    ``out`` is the forward's output, ``grad`` the upstream gradient dL/d(out) handed to backward,
    ``truth`` the right gradient of each input (None for inputs that take none, such as labels).
    """

    inputs: tuple
    kwargs: dict
    out: np.ndarray
    grad: np.ndarray
    truth: tuple


@dataclass(frozen=True)
class Mistake:
    """A common way to get an op wrong: what it does (``title``) and what to do about it (``hint``).

    It is recognised by one of:

    * ``grads(trial)``: the gradients a backward with this mistake returns (None for an input it
      leaves right); these also make the planted bugs of :func:`suspects`,
    * ``forward(trial)``: the output a forward with this mistake returns, or ``forward_test(trial)``:
      a test on the student's output ``trial.out`` (e.g. "not finite"),
    * ``matches(trial, grads)``: a test on the student's gradients, where the values cannot be
      predicted (a dropout mask drawn afresh),
    * ``error``: a regular expression matched against an exception raised in the student's code.

    ``plant=False`` keeps a mistake out of :func:`suspects` (a wrong *shape*, which ``apply`` would
    sum away or refuse, is not a wrong gradient a numerical check can find).
    """

    name: str
    title: str
    hint: str
    grads: Callable[[Trial], tuple] | None = None
    forward: Callable[[Trial], np.ndarray] | None = None
    forward_test: Callable[[Trial], bool] | None = None
    matches: Callable[[Trial, tuple], bool] | None = None
    error: str | None = None
    plant: bool = True

    def matches_error(self, message: str) -> bool:
        return self.error is not None and re.search(self.error, message) is not None


@dataclass(frozen=True)
class Exercise:
    """One op to implement: its template, the cases it is checked on, its reference and its mistakes.

    ``reference(*tensors, **kwargs)`` computes the op with minnet's own ops (the forward values and,
    through minnet's backward, the right gradients). ``check_forward(probe)`` replaces the comparison
    with the reference where the output is random (dropout). ``truth(trial_without_truth)`` replaces
    minnet's backward where the right gradient depends on the student's forward (dropout's mask).
    """

    name: str
    title: str
    class_name: str
    signature: str                    # the forward's parameters after ctx, e.g. "x, axis=None"
    doc: str                          # formula, shapes and advice for the template's docstring
    forward_todo: str                 # a comment above `raise NotImplementedError` in forward
    backward_todo: str
    cases: tuple[Case, ...]
    reference: Callable[..., Any]
    mistakes: tuple[Mistake, ...] = ()
    no_grad_inputs: tuple[str, ...] = ()   # inputs that take no gradient (backward returns None)
    check_forward: Callable | None = None
    truth: Callable | None = None

    @property
    def input_names(self) -> tuple[str, ...]:
        """Names of the positional inputs of forward, e.g. ("logits", "labels")."""
        names = []
        for part in self.signature.split(","):
            part = part.strip()
            if "=" not in part:
                names.append(part)
        return tuple(names)

    @property
    def filename(self) -> str:
        return f"{self.name}.py"

    def template(self) -> str:
        """The text of the student's file: class skeleton, docstring, and how to check it."""
        return render(self)

    def reference_forward(self, inputs: Sequence, kwargs: dict) -> np.ndarray:
        """The reference output for these inputs (minnet's own ops on the NumPy kernels, no graph)."""
        with mn.no_grad(), mn.kernels.use_backend("numpy"):
            return np.asarray(self.reference(*_as_tensors(inputs, grad=False), **kwargs).data)

    def true_grads(self, inputs: Sequence, kwargs: dict, out: np.ndarray, grad: np.ndarray) -> tuple:
        """The right gradient of each input for the upstream gradient ``grad`` (None where none)."""
        if self.truth is not None:
            return tuple(self.truth(Trial(tuple(inputs), kwargs, out, grad, ())))
        with mn.enable_grad(), mn.kernels.use_backend("numpy"):
            tensors = _as_tensors(inputs, grad=True)
            self.reference(*tensors, **kwargs).backward(np.asarray(grad, dtype=np.float64))
        return tuple(t.grad if isinstance(t, mn.Tensor) else None for t in tensors)

    def trial(self, inputs: Sequence, kwargs: dict, out: np.ndarray, grad: np.ndarray) -> Trial:
        return Trial(tuple(inputs), dict(kwargs), out, grad, self.true_grads(inputs, kwargs, out, grad))


def is_differentiable(a: Any) -> bool:
    """Float arrays get a gradient; integer labels and other constants do not."""
    return isinstance(a, np.ndarray) and a.dtype.kind == "f"


def _as_tensors(inputs: Sequence, grad: bool) -> list:
    return [mn.Tensor(np.array(a, dtype=np.float64), requires_grad=grad) if is_differentiable(a) else a
            for a in inputs]
