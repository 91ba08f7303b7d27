"""A small non-quadratic problem shared by the optimizer tests, with its gradient written by hand.

    f(w1, w2) = sum(w1^4) / 4 + sum(c1 * w1) + sum(c2 * tanh(w2))
    df/dw1 = w1^3 + c1,   df/dw2 = c2 * (1 - tanh(w2)^2)

Optimizers are run on minnet tensors (gradients from minnet's autograd) and compared with the
update rule written out again in each test on NumPy arrays, using the hand-written gradient.
"""
import numpy as np

import minnet as mn

_rng = np.random.default_rng(1234)
W1 = _rng.normal(size=(3, 2))
W2 = _rng.normal(size=(4,))
C1 = _rng.normal(size=(3, 2))
C2 = _rng.normal(size=(4,))


def start():
    """Fresh float64 parameters at the fixed starting point."""
    return [mn.Tensor(W1.copy(), requires_grad=True), mn.Tensor(W2.copy(), requires_grad=True)]


def loss(params):
    w1, w2 = params
    return (w1 ** 4).sum() / 4 + (w1 * C1).sum() + (w2.tanh() * C2).sum()


def grads(ws):
    """The hand-written gradient of :func:`loss` at NumPy arrays ``ws``."""
    w1, w2 = ws
    return [w1 ** 3 + C1, C2 * (1 - np.tanh(w2) ** 2)]


def run(make_optimizer, steps=50, each_step=None):
    """Run ``steps`` optimizer steps on minnet tensors; return the list of parameter snapshots."""
    params = start()
    opt = make_optimizer(params)
    path = []
    for t in range(steps):
        if each_step is not None:
            each_step(opt, t)
        opt.zero_grad()
        loss(params).backward()
        opt.step()
        path.append([p.data.copy() for p in params])
    return path


def run_torch(torch, make_optimizer, steps=50, each_step=None):
    """The same run with torch.optim on float64 torch tensors."""
    params = [torch.tensor(W1.copy(), requires_grad=True), torch.tensor(W2.copy(), requires_grad=True)]
    opt = make_optimizer(params)
    c1, c2 = torch.tensor(C1), torch.tensor(C2)
    path = []
    for t in range(steps):
        if each_step is not None:
            each_step(opt, t)
        opt.zero_grad()
        w1, w2 = params
        ((w1 ** 4).sum() / 4 + (w1 * c1).sum() + (torch.tanh(w2) * c2).sum()).backward()
        opt.step()
        path.append([p.detach().numpy().copy() for p in params])
    return path


def assert_same_path(a, b, atol=1e-6, rtol=1e-6):
    assert len(a) == len(b)
    for t, (xs, ys) in enumerate(zip(a, b)):
        for x, y in zip(xs, ys):
            np.testing.assert_allclose(x, y, atol=atol, rtol=rtol, err_msg=f"step {t + 1}")
