"""Shared pieces of the benchmarks: the model recipes (built alike in minnet and PyTorch from one
table), their training steps, a hand-written NumPy step for the MLPs, and the interleaved timer
that compares implementations in the same run."""
from __future__ import annotations

import contextlib
import os
import time
import types
from typing import Callable

import numpy as np
import pytest

import minnet as mn

BACKENDS = ["numba", "numpy"]

# name -> (input shape of one batch, number of classes, layers). A layer is ("dense", in, out),
# ("conv2d", in, out, kernel, padding), ("conv1d", in, out, kernel, stride, padding), ("relu",),
# ("maxpool", size) or ("flatten",). Batch 64 unless the shape says otherwise; every conv 3×3 or
# the kernel given, stride 1 unless given.
MODELS = {
    "mlp": ((128, 784), 10, [("dense", 784, 256), ("relu",), ("dense", 256, 128), ("relu",), ("dense", 128, 10)]),
    "mlp-tiny": ((32, 2), 2, [("dense", 2, 16), ("relu",), ("dense", 16, 2)]),
    "lenet": ((64, 1, 28, 28), 10, [("conv2d", 1, 8, 3, 1), ("relu",), ("maxpool", 2), ("conv2d", 8, 16, 3, 1),
                                    ("relu",), ("maxpool", 2), ("flatten",), ("dense", 784, 10)]),
    "conv1d": ((64, 1, 40), 10, [("conv1d", 1, 25, 5, 2, 0), ("relu",), ("conv1d", 25, 25, 3, 2, 0), ("relu",),
                                 ("conv1d", 25, 25, 3, 2, 0), ("relu",), ("flatten",), ("dense", 75, 10)]),
    # the wide networks a student's second model is made of
    **{f"cnn{a}-{hw}": ((64, c, hw, hw), 10, [("conv2d", c, a, 3, 1), ("relu",), ("maxpool", 2),
                                              ("conv2d", a, 2 * a, 3, 1), ("relu",), ("maxpool", 2), ("flatten",),
                                              ("dense", 2 * a * (hw // 4) ** 2, 10)])
       for a in (32, 64) for c, hw in ((1, 28), (3, 32))},
    "conv1d-wide": ((64, 4, 256), 10, [("conv1d", 4, 64, 5, 2, 2), ("relu",), ("conv1d", 64, 128, 5, 2, 2), ("relu",),
                                       ("conv1d", 128, 128, 3, 2, 1), ("relu",), ("flatten",), ("dense", 4096, 10)]),
}
WIDE = ["cnn32-28", "cnn64-28", "cnn32-32", "cnn64-32", "conv1d-wide"]


def data(name: str):
    shape, classes, _ = MODELS[name]
    rng = np.random.default_rng(0)
    return rng.standard_normal(shape).astype(np.float32), rng.integers(0, classes, shape[0])


def minnet_model(name: str):
    nn = mn.nn
    make = {"dense": nn.Dense, "relu": nn.ReLU, "maxpool": nn.MaxPool2D, "flatten": nn.Flatten,
            "conv2d": lambda c, f, k, p: nn.Conv2D(c, f, k, padding=p),
            "conv1d": lambda c, f, k, s, p: nn.Conv1D(c, f, k, stride=s, padding=p)}
    return nn.Sequential(*(make[kind](*args) for kind, *args in MODELS[name][2]))


def torch_model(name: str, like=None):
    """The same network in PyTorch; with ``like`` (a minnet model) it starts from the same weights."""
    import torch
    tnn = torch.nn
    make = {"dense": tnn.Linear, "relu": tnn.ReLU, "maxpool": tnn.MaxPool2d, "flatten": tnn.Flatten,
            "conv2d": lambda c, f, k, p: tnn.Conv2d(c, f, k, padding=p),
            "conv1d": lambda c, f, k, s, p: tnn.Conv1d(c, f, k, stride=s, padding=p)}
    model = tnn.Sequential(*(make[kind](*args) for kind, *args in MODELS[name][2]))
    if like is not None:
        with torch.no_grad():
            for ours, theirs in zip(like.modules(), model.modules()):
                if isinstance(ours, mn.nn.Dense):         # minnet's Dense weight is Linear's transposed
                    theirs.weight.copy_(torch.from_numpy(ours.weight.data.T.copy()))
                    theirs.bias.copy_(torch.from_numpy(ours.bias.data))
                elif hasattr(ours, "weight") and hasattr(theirs, "weight"):
                    theirs.weight.copy_(torch.from_numpy(ours.weight.data))
                    theirs.bias.copy_(torch.from_numpy(ours.bias.data))
    return model


def make_minnet_step(name: str) -> Callable:
    """A closure running one SGD training step of the named minnet model."""
    mn.manual_seed(0)
    model = minnet_model(name)
    X, y = data(name)
    x = mn.Tensor(X)
    loss_fn = mn.losses.CrossEntropyLoss()
    opt = mn.optim.SGD(model.parameters(), lr=0.01)

    def step():
        opt.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()
        return loss.item()
    step.model = model
    return step


def make_torch_step(name: str, like=None) -> Callable:
    import torch
    torch.manual_seed(0)
    model = torch_model(name, like)
    X, y = data(name)
    x, t = torch.from_numpy(X), torch.from_numpy(y)
    loss_fn = torch.nn.CrossEntropyLoss()
    opt = torch.optim.SGD(model.parameters(), lr=0.01)

    def step():
        opt.zero_grad()
        loss = loss_fn(model(x), t)
        loss.backward()
        opt.step()
        return loss.item()
    return step


def make_numpy_mlp_step(name: str = "mlp") -> Callable:
    """An MLP step written by hand in NumPy: the floor for what autograd overhead can cost."""
    X, y = data(name)
    rng = np.random.default_rng(0)
    sizes = [args[0] for kind, *args in MODELS[name][2] if kind == "dense"] + [MODELS[name][1]]
    Ws = [(rng.standard_normal((a, b)) * np.sqrt(2 / a)).astype(np.float32) for a, b in zip(sizes, sizes[1:])]
    bs = [np.zeros(b, np.float32) for b in sizes[1:]]
    n, lr = len(X), np.float32(0.01)

    def step():
        hs = [X]
        for W, b in zip(Ws[:-1], bs[:-1]):
            hs.append(np.maximum(hs[-1] @ W + b, 0))
        z = hs[-1] @ Ws[-1] + bs[-1]
        z = z - z.max(axis=1, keepdims=True)
        p = np.exp(z)
        p /= p.sum(axis=1, keepdims=True)
        loss = -np.log(p[np.arange(n), y]).mean()
        g = p
        g[np.arange(n), y] -= 1
        g /= n
        for i in range(len(Ws) - 1, -1, -1):
            gW, gb = hs[i].T @ g, g.sum(0)
            if i:
                g = (g @ Ws[i].T) * (hs[i] > 0)
            Ws[i] -= lr * gW
            bs[i] -= lr * gb
        return float(loss)
    return step


@contextlib.contextmanager
def threads(n: int | None):
    """Run minnet and PyTorch on n threads each (None: as shipped, both on every core)."""
    if n is None:
        yield
        return
    import torch
    from minnet.kernels import _threads
    before = _threads._num_threads, torch.get_num_threads()
    _threads._num_threads = n
    torch.set_num_threads(n)
    try:
        yield
    finally:
        _threads._num_threads = before[0]
        torch.set_num_threads(before[1])


def interleaved(steps: dict[str, Callable], rounds: int, block_seconds: float = 0.05) -> dict[str, np.ndarray]:
    """Seconds per call of each step, timed in blocks that take turns round after round.

    Every implementation sees the machine in the same state (another program starting, caches,
    frequency), so the ratio of two of them is worth more than either time. Returns, per name,
    the per-call wall time of each round's block, and under "<name> cpu" the CPU time this process
    spent per call (all its threads): on a machine shared with other programs the wall clock also
    counts the time they took the cores away, the CPU time does not.
    """
    sizes = {}
    for name, step in steps.items():
        step()                                              # warm up (and compile) outside the timing
        t0 = time.perf_counter()
        step()
        sizes[name] = max(1, int(block_seconds / max(time.perf_counter() - t0, 1e-6)))
    times = {key: [] for name in steps for key in (name, f"{name} cpu")}
    names = list(steps)
    for r in range(rounds):
        for name in (names if r % 2 == 0 else names[::-1]):
            t0, c0 = time.perf_counter(), time.process_time()
            for _ in range(sizes[name]):
                steps[name]()
            times[name].append((time.perf_counter() - t0) / sizes[name])
            times[f"{name} cpu"].append((time.process_time() - c0) / sizes[name])
    return {key: np.array(t) for key, t in times.items()}


def record(benchmark, times: dict[str, np.ndarray], against: str) -> dict:
    """Put the medians and each implementation's ratio to ``against`` (median, and the range over
    the rounds), in wall and in CPU time, into the benchmark's extra_info, where report.py finds them."""
    info = {f"{name}_ms": float(np.median(t) * 1e3) for name, t in times.items()}
    info["load"] = os.getloadavg()[0]                        # how busy the machine was (1-minute average)
    for name, t in times.items():
        base = f"{against} cpu" if name.endswith(" cpu") else against
        if name != base:
            per_round = t / times[base]
            info[f"{name}/{base}"] = float(np.median(t) / np.median(times[base]))
            info[f"{name}/{base} range"] = [float(per_round.min()), float(per_round.max())]
    benchmark.extra_info.update(info)
    return info


@pytest.fixture(params=BACKENDS)
def backend(request):
    with mn.kernels.use_backend(request.param):
        yield request.param


@pytest.fixture
def quick(benchmark) -> bool:
    """True under --benchmark-disable (CI's quick run): time nothing, run everything once."""
    return bool(getattr(benchmark, "disabled", False))


@pytest.fixture
def minnet_recipe():
    """``(build_model(name), make_data(name, rng))`` for benchmarks that write their own step."""
    return minnet_model, lambda name, rng: data(name)


@pytest.fixture
def bench():
    """This module's helpers, for the benchmark files (a conftest.py cannot be imported as a module)."""
    return types.SimpleNamespace(MODELS=MODELS, WIDE=WIDE, data=data, minnet_model=minnet_model,
                                 torch_model=torch_model, make_minnet_step=make_minnet_step,
                                 make_torch_step=make_torch_step, make_numpy_mlp_step=make_numpy_mlp_step,
                                 threads=threads, interleaved=interleaved, record=record)
