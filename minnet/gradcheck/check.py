"""Numerical gradient checking: compare backward() with central finite differences.

For a function f and an input element x_j, the central difference

    df/dx_j  ~  (f(x + eps e_j) - f(x - eps e_j)) / (2 eps)

has an error of order eps^2, so in float64 with eps = 1e-6 it agrees with a correct analytical
gradient to about 1e-9 relative. A non-scalar output y is first reduced to the number
L = sum(y * r) with fixed random weights r, so every output element takes part in the check.
"""
from __future__ import annotations

import warnings
from contextlib import contextmanager
from typing import Any, Callable, Sequence

import numpy as np

from .. import _random
from ..autograd import Tensor, get_default_dtype, no_grad, set_default_dtype
from .report import Constant, GradcheckReport, compare


@contextmanager
def _float64_default():
    previous = get_default_dtype()
    set_default_dtype(np.float64)
    try:
        yield
    finally:
        set_default_dtype(previous)


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
    if tensors:
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
            report.inputs.append(compare(name, ana, num, atol, rtol))
    _random.get_rng().bit_generator.state = final_state
    return report


def gradcheck(fn: Callable[..., Tensor], inputs: Sequence[Any] | Tensor, eps: float = 1e-6,
              atol: float = 1e-5, rtol: float = 1e-3, names: Sequence[str] | None = None) -> GradcheckReport:
    """Check ``fn``'s analytical gradients against central differences, in float64.

    ``inputs`` are the arguments of ``fn``: tensors keep their ``requires_grad`` flag (only those that
    require grad are checked), floating-point arrays become tensors that require grad, anything else
    (integer labels, masks, numbers) is passed through unchanged. Every float input is copied to float64.
    What was not checked is listed in ``report.constants`` and in ``str(report)``: an integer array
    such as ``np.array([1, 2, 3])`` is a constant (right for labels; pass ``[1., 2., 3.]`` to check it),
    and a check in which nothing but such constants was given warns that nothing was checked.

    >>> report = mn.gradcheck(lambda a, b: (a * b).sum(), [np.ones(3), np.arange(3.0)])
    >>> report.ok
    True
    """
    if isinstance(inputs, (Tensor, np.ndarray)):
        inputs = [inputs]
    args, checked, labels, constants = [], [], [], []
    for i, a in enumerate(inputs):
        label = names[i] if names is not None else f"input {i}"
        if isinstance(a, Tensor) and a.dtype.kind == "f":
            t = Tensor(a.data.astype(np.float64, copy=True), requires_grad=a.requires_grad)
        elif isinstance(a, (np.ndarray, list)) and np.asarray(a).dtype.kind == "f":
            t = Tensor(np.array(a, dtype=np.float64), requires_grad=True)
        else:
            args.append(a)
            constant = _constant(label, a)
            if constant is not None:
                constants.append(constant)
            continue
        args.append(t)
        if t.requires_grad:
            checked.append(t)
            labels.append(label)
        else:
            constants.append(Constant(label, t.shape, str(t.dtype), "a tensor with requires_grad=False"))
    integers = [c for c in constants if c.integer]
    with _float64_default():
        try:
            report = _check(lambda: fn(*args), checked, labels, eps, atol, rtol)
        except Exception as e:      # e.g. x.exp() on an integer array that was passed through as it is
            if integers and hasattr(e, "add_note"):
                e.add_note("gradcheck: " + "; ".join(f"{c.name} is {c.reason}" for c in integers))
            raise
    report.constants = constants
    if not checked and integers:
        warnings.warn("gradcheck: nothing was checked: " + "; ".join(f"{c.name} is {c.reason}" for c in integers),
                      UserWarning, stacklevel=2)
    return report


def _constant(label: str, a: Any) -> Constant | None:
    """How an input that is passed through unchanged is described in the report (None: not data)."""
    if isinstance(a, (bool, int, float, np.generic)):         # an axis, a stride, a scale, ...
        return Constant(label, (), type(a).__name__, f"the number {a!r}, a constant")
    if not isinstance(a, (Tensor, np.ndarray, list)):
        return None
    arr = a.data if isinstance(a, Tensor) else np.asarray(a)
    if arr.dtype.kind == "b":
        return Constant(label, arr.shape, str(arr.dtype), "a bool array (a mask), a constant")
    if arr.dtype.kind in "iu":
        return Constant(label, arr.shape, str(arr.dtype),
                        f"an integer array ({arr.dtype}), treated as a constant: integers have no gradient "
                        "(right for class labels and indices); pass floats, e.g. np.array([1., 2., 3.]), "
                        "to check it", integer=True)
    return None


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
