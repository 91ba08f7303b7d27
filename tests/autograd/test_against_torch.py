"""Forward and backward of every op against PyTorch in float64 (skipped when torch is absent)."""
import numpy as np
import pytest

import minnet as mn
from minnet.gradcheck.cases import OP_CASES

torch = pytest.importorskip("torch")


def _torch_fn(name):
    """The same computation written with torch, for each op case that torch expresses directly."""
    import torch as tc
    return {
        "add (broadcast)": lambda a, b: a + b, "sub (broadcast)": lambda a, b: a - b,
        "mul (broadcast)": lambda a, b: a * b, "div (broadcast)": lambda a, b: a / b,
        "neg": lambda a: -a, "pow (scalar exp)": lambda a: a ** 3, "pow (tensor exp)": lambda a, b: a ** b,
        "rpow": lambda a: 2.0 ** a, "matmul": tc.matmul, "matmul (batched)": tc.matmul,
        "matmul (broadcast batch)": tc.matmul, "matmul (vector @ matrix)": tc.matmul,
        "matmul (matrix @ vector)": tc.matmul, "matmul (dot)": tc.matmul,
        "sum": lambda a: a.sum(), "sum (axis, keepdims)": lambda a: a.sum(dim=(0, 2), keepdim=True),
        "mean (axis)": lambda a: a.mean(dim=-1), "max": lambda a: a.amax(),
        "max (axis, keepdims)": lambda a: a.amax(dim=1, keepdim=True), "min (axis)": lambda a: a.amin(dim=0),
        "exp": tc.exp, "log": tc.log, "sqrt": tc.sqrt, "tanh": tc.tanh, "sigmoid": tc.sigmoid,
        "relu": tc.relu, "abs": tc.abs, "clip": lambda a: a.clamp(-0.5, 0.5),
        "reshape": lambda a: a.reshape(4, 3) * tc.arange(12.0, dtype=tc.float64).reshape(4, 3),
        "flatten": lambda a: a.flatten(1) * tc.arange(12.0, dtype=tc.float64),
        "transpose": lambda a: a.permute(2, 0, 1) * tc.arange(24.0, dtype=tc.float64).reshape(4, 2, 3),
        "T (non-contiguous)": lambda a: a.T @ a,
        "getitem (slice)": lambda a: a[1:, ::2],
        "getitem (repeated indices)": lambda a, idx: a[idx],
        "getitem (boolean mask)": lambda a, m: a[m],
        "concatenate": lambda a, b: tc.cat([a, b, a], dim=1), "stack": lambda a, b: tc.stack([a, b], dim=1),
        "where": lambda c, a, b: tc.where(c, a, b), "maximum": tc.maximum,
        "round (gradient 0)": lambda a: a.round() * a, "floor (gradient 0)": lambda a: a.floor() * a,
        "ceil (gradient 0)": lambda a: a.ceil() * a, "sign (gradient 0)": lambda a: a.sign() * a,
        "squeeze / unsqueeze": lambda a: a.squeeze(1).unsqueeze(0) * tc.arange(8.0, dtype=tc.float64).reshape(1, 4, 2),
        "NumPy functions on a tensor": lambda a: (tc.tanh(a) * tc.exp(a)).sum(dim=0) + tc.round(a).mean(),
        "chain (shared input)": lambda a: (a * a.exp()).sum(dim=0) - a.tanh().mean(dim=0),
    }.get(name)


@pytest.mark.parametrize("case", OP_CASES, ids=[c.name for c in OP_CASES])
def test_forward_and_backward_match_torch_float64(case):
    tfn = _torch_fn(case.name)
    if tfn is None:
        pytest.skip(f"{case.name}: no direct torch counterpart in this table")
    inputs = case.inputs(3)
    ours, theirs = [], []
    for a in inputs:
        if isinstance(a, np.ndarray) and a.dtype.kind == "f":
            ours.append(mn.Tensor(a.copy(), requires_grad=True))
            theirs.append(torch.tensor(a, dtype=torch.float64, requires_grad=True))
        else:
            ours.append(a)
            theirs.append(torch.as_tensor(a))
    y, ty = case.fn(*ours), tfn(*theirs)
    np.testing.assert_allclose(y.data, ty.detach().numpy(), rtol=1e-6, atol=1e-12)
    weights = np.random.default_rng(0).standard_normal(y.shape)
    (y * weights).sum().backward()
    (ty * torch.tensor(weights)).sum().backward()
    for o, t in zip(ours, theirs):
        if isinstance(o, mn.Tensor):
            np.testing.assert_allclose(o.grad, t.grad.numpy(), rtol=1e-6, atol=1e-12)


def test_max_ties_and_maximum_ties_match_torch():
    a = np.array([1.0, 3.0, 3.0, 2.0])
    x, tx = mn.Tensor(a.copy(), requires_grad=True), torch.tensor(a, requires_grad=True)
    x.max().backward()
    tx.amax().backward()
    np.testing.assert_array_equal(x.grad, tx.grad.numpy())
    b = np.array([1.0, 0.0, 3.0, 5.0])
    x, y = mn.Tensor(a.copy(), requires_grad=True), mn.Tensor(b.copy(), requires_grad=True)
    tx, ty = torch.tensor(a, requires_grad=True), torch.tensor(b, requires_grad=True)
    mn.maximum(x, y).sum().backward()
    torch.maximum(tx, ty).sum().backward()
    np.testing.assert_array_equal(x.grad, tx.grad.numpy())
    np.testing.assert_array_equal(y.grad, ty.grad.numpy())
