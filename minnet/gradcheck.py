"""Numerical gradient checking: compare backward() with central finite differences.

For a function f and an input element x_j, the central difference

    df/dx_j  ~  (f(x + eps e_j) - f(x - eps e_j)) / (2 eps)

has an error of order eps^2, so in float64 with eps = 1e-6 it agrees with a correct analytical
gradient to about 1e-9 relative. A non-scalar output y is first reduced to the number
L = sum(y * r) with fixed random weights r, so every output element takes part in the check.
"""
from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

import numpy as np

from . import _random
from .autograd import Tensor, get_default_dtype, no_grad, set_default_dtype

_EXPLAIN = (
    "Relative error = |analytical - numerical| / max(|analytical|, |numerical|). In float64, below 1e-7\n"
    "the gradient is right; 1e-7 to 1e-4 is fine near kinks (ReLU, max, abs at 0); 1e-4 to 1e-2 is\n"
    "suspicious; above 1e-2 the backward is almost certainly wrong. An input passes when every element\n"
    "has |analytical - numerical| <= atol + rtol * |numerical|.")


def verdict(max_rel_error: float, ok: bool) -> str:
    """A word for a student: 'fine', 'borderline' (passes, but look closer) or 'WRONG'."""
    if not ok:
        return "WRONG"
    return "fine" if max_rel_error <= 1e-4 else "borderline"


@dataclass
class InputCheck:
    """The comparison for one input: its worst element and the largest errors over all elements."""

    name: str
    shape: tuple
    max_abs_error: float
    max_rel_error: float
    worst_index: tuple
    numerical: float
    analytical: float
    ok: bool

    @property
    def verdict(self) -> str:
        return verdict(self.max_rel_error, self.ok)


@dataclass
class GradcheckReport:
    """What :func:`gradcheck` found: ``.ok``, the largest errors, and one row per checked input."""

    inputs: list[InputCheck] = field(default_factory=list)
    eps: float = 1e-6
    atol: float = 1e-5
    rtol: float = 1e-3
    output_shape: tuple = ()

    @property
    def ok(self) -> bool:
        return all(r.ok for r in self.inputs)

    @property
    def max_abs_error(self) -> float:
        return max((r.max_abs_error for r in self.inputs), default=0.0)

    @property
    def max_rel_error(self) -> float:
        return max((r.max_rel_error for r in self.inputs), default=0.0)

    def __str__(self) -> str:
        head = (f"gradcheck: {'OK' if self.ok else 'FAILED'}  (float64 central differences, eps={self.eps:g}; "
                f"output shape {self.output_shape})")
        cols = f"  {'input':<16}{'shape':<18}{'max abs err':>12}{'max rel err':>12}  {'worst at':<14}" \
               f"{'numerical':>13}{'analytical':>13}  verdict"
        rows = [f"  {r.name:<16}{str(r.shape):<18}{r.max_abs_error:>12.2e}{r.max_rel_error:>12.2e}  "
                f"{str(r.worst_index):<14}{r.numerical:>13.6g}{r.analytical:>13.6g}  {r.verdict}"
                for r in self.inputs]
        if not rows:
            rows = ["  (no input requires grad: nothing was checked)"]
        return "\n".join([head, cols, *rows, _EXPLAIN.replace("atol", f"atol ({self.atol:g})")
                          .replace("rtol *", f"rtol ({self.rtol:g}) *")])

    def __repr__(self) -> str:
        return (f"GradcheckReport(ok={self.ok}, max_abs_error={self.max_abs_error:.3g}, "
                f"max_rel_error={self.max_rel_error:.3g})")


@contextmanager
def _float64_default():
    previous = get_default_dtype()
    set_default_dtype(np.float64)
    try:
        yield
    finally:
        set_default_dtype(previous)


def _compare(name: str, analytical: np.ndarray, numerical: np.ndarray, atol: float, rtol: float) -> InputCheck:
    abs_err = np.abs(analytical - numerical)
    scale = np.maximum(np.maximum(np.abs(analytical), np.abs(numerical)), max(atol, 1e-12))
    rel_err = abs_err / scale
    allowed = atol + rtol * np.abs(numerical)
    ok = bool(np.all(abs_err <= allowed))
    if analytical.size == 0:
        return InputCheck(name, analytical.shape, 0.0, 0.0, (), 0.0, 0.0, True)
    worst = np.unravel_index(int(np.argmax(rel_err)), analytical.shape)
    return InputCheck(name, analytical.shape, float(abs_err.max()), float(rel_err.max()),
                      tuple(int(i) for i in worst), float(numerical[worst]), float(analytical[worst]), ok)


def _check(evaluate: Callable[[], Tensor], tensors: list[Tensor], names: list[str],
           eps: float, atol: float, rtol: float) -> GradcheckReport:
    """Core of both checks: ``evaluate()`` recomputes the output from ``tensors`` (perturbed in place)."""
    rng_state = _random.get_rng().bit_generator.state

    def run() -> Tensor:
        _random.get_rng().bit_generator.state = rng_state   # same dropout masks in every evaluation
        out = evaluate()
        if not isinstance(out, Tensor):
            raise TypeError(f"gradcheck: the function must return a Tensor, got {type(out).__name__}")
        return out

    out = run()
    if out.dtype != np.float64:
        raise TypeError(f"gradcheck: the function returned a {out.dtype} tensor; the check needs float64 "
                        "all the way through (make constants and parameters float64)")
    weights = np.random.default_rng(12345).standard_normal(out.shape) if out.ndim else np.float64(1.0)

    saved_grads = [t.grad for t in tensors]
    for t in tensors:
        t.grad = None
    (out * weights).sum().backward()
    analytical = [t.grad if t.grad is not None else np.zeros_like(t.data) for t in tensors]
    for t, g in zip(tensors, saved_grads):
        t.grad = g
    final_state = _random.get_rng().bit_generator.state

    report = GradcheckReport(eps=eps, atol=atol, rtol=rtol, output_shape=out.shape)
    with no_grad():
        for t, name, ana in zip(tensors, names, analytical):
            num = np.zeros_like(t.data)
            flat, nflat = t.data.reshape(-1), num.reshape(-1)
            if not np.shares_memory(flat, t.data):
                raise ValueError(f"gradcheck: input {name} is not contiguous; pass a contiguous array")
            for j in range(flat.size):
                v = flat[j]
                flat[j] = v + eps
                plus = float((run().data * weights).sum())
                flat[j] = v - eps
                minus = float((run().data * weights).sum())
                flat[j] = v
                nflat[j] = (plus - minus) / (2 * eps)
            report.inputs.append(_compare(name, ana, num, atol, rtol))
    _random.get_rng().bit_generator.state = final_state
    return report


def gradcheck(fn: Callable[..., Tensor], inputs: Sequence[Any] | Tensor, eps: float = 1e-6,
              atol: float = 1e-5, rtol: float = 1e-3, names: Sequence[str] | None = None) -> GradcheckReport:
    """Check ``fn``'s analytical gradients against central differences, in float64.

    ``inputs`` are the arguments of ``fn``: tensors keep their ``requires_grad`` flag (only those that
    require grad are checked), floating-point arrays become tensors that require grad, anything else
    (integer labels, numbers) is passed through unchanged. Every float input is copied to float64.

    >>> report = mn.gradcheck(lambda a, b: (a * b).sum(), [np.ones(3), np.arange(3.0)])
    >>> report.ok
    True
    """
    if isinstance(inputs, (Tensor, np.ndarray)):
        inputs = [inputs]
    args, checked, labels = [], [], []
    for i, a in enumerate(inputs):
        label = names[i] if names is not None else f"input {i}"
        if isinstance(a, Tensor) and a.dtype.kind == "f":
            t = Tensor(a.data.astype(np.float64, copy=True), requires_grad=a.requires_grad)
        elif isinstance(a, (np.ndarray, list)) and np.asarray(a).dtype.kind == "f":
            t = Tensor(np.array(a, dtype=np.float64), requires_grad=True)
        else:
            args.append(a)
            continue
        args.append(t)
        if t.requires_grad:
            checked.append(t)
            labels.append(label)
    with _float64_default():
        return _check(lambda: fn(*args), checked, labels, eps, atol, rtol)


def gradcheck_module(module, x: Any, eps: float = 1e-6, atol: float = 1e-5, rtol: float = 1e-3,
                     loss_fn: Callable[[Tensor], Tensor] | None = None) -> GradcheckReport:
    """Check the gradients of ``module(x)`` with respect to ``x`` and every parameter, in float64.

    Parameters and floating-point buffers (running statistics) are converted to float64 for the
    check and restored (values, dtype and ``.grad``) afterwards. ``loss_fn`` optionally maps the output to what is differentiated.
    """
    params = list(module.named_parameters())
    originals = [(p, p.data, p.grad) for _, p in params]
    buffers = [(m, name, m.__dict__[name]) for m in module.modules() for name in m._buffers]
    x64 = Tensor(np.array(x.data if isinstance(x, Tensor) else x, dtype=np.float64), requires_grad=True)
    try:
        module.to_dtype(np.float64)     # parameters and float buffers (e.g. running statistics)
        evaluate = (lambda: loss_fn(module(x64))) if loss_fn else (lambda: module(x64))
        with _float64_default():
            return _check(evaluate, [x64] + [p for _, p in params], ["input"] + [n for n, _ in params],
                          eps, atol, rtol)
    finally:
        for p, data, grad in originals:
            p.data, p.grad = data, grad
        for m, name, value in buffers:
            object.__setattr__(m, name, value)
