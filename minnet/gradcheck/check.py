"""Numerical gradient checking: compare backward() with central finite differences.

For a function f and an input element x_j, the central difference

    df/dx_j  ~  (f(x + eps e_j) - f(x - eps e_j)) / (2 eps)

has an error of order eps^2, so in float64 with eps = 1e-6 it agrees with a correct analytical
gradient to about 1e-9 relative. A non-scalar output y is first reduced to the number
L = sum(y * r) with fixed random weights r, so every output element takes part in the check.
"""
from __future__ import annotations

from contextlib import contextmanager
from typing import Any, Callable, Sequence

import numpy as np

from .. import _random
from ..autograd import Tensor, get_default_dtype, no_grad, set_default_dtype
from .report import GradcheckReport, compare


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
