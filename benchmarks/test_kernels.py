"""Convolution forward + backward kernels alone: the Numba kernel against the NumPy reference
(target: at least 3x faster) and against PyTorch's conv autograd, at the benchmark models' sizes."""
import numpy as np
import pytest

import minnet as mn

# (name, x shape, w shape, stride, padding)
CONV2D = [("lenet-conv1", (64, 1, 28, 28), (8, 1, 3, 3), (1, 1), (1, 1)),
          ("lenet-conv2", (64, 8, 14, 14), (16, 8, 3, 3), (1, 1), (1, 1))]
CONV1D = [("conv1d-layer2", (64, 25, 18), (25, 25, 3), 2, 0)]


def _arrays(xs, ws):
    rng = np.random.default_rng(0)
    return rng.standard_normal(xs).astype(np.float32), rng.standard_normal(ws).astype(np.float32)


@pytest.mark.parametrize("case", CONV2D + CONV1D, ids=[c[0] for c in CONV2D + CONV1D])
def test_conv_forward_backward(benchmark, case, backend):
    name, xs, ws, stride, padding = case
    x, w = _arrays(xs, ws)
    b = np.zeros(ws[0], np.float32)
    k = mn.kernels
    forward, backward = ((k.conv2d_forward, k.conv2d_backward) if len(xs) == 4
                         else (k.conv1d_forward, k.conv1d_backward))

    def run():
        y = forward(x, w, b, stride, padding)
        return backward(np.ones_like(y), x, w, stride, padding)

    run()
    benchmark.group, benchmark.name = f"kernel:{name}", f"minnet-{backend}"
    gx, gw, gb = benchmark(run)
    assert gx.shape == x.shape and gw.shape == w.shape


@pytest.mark.parametrize("case", CONV2D + CONV1D, ids=[c[0] for c in CONV2D + CONV1D])
def test_torch_conv_forward_backward(benchmark, case):
    torch = pytest.importorskip("torch")
    name, xs, ws, stride, padding = case
    x, w = (torch.from_numpy(a).requires_grad_() for a in _arrays(xs, ws))
    b = torch.zeros(ws[0], requires_grad=True)
    conv = torch.nn.functional.conv2d if len(xs) == 4 else torch.nn.functional.conv1d

    def run():
        y = conv(x, w, b, stride=stride, padding=padding)
        y.backward(torch.ones_like(y))
        return x.grad

    run()
    benchmark.group, benchmark.name = f"kernel:{name}", "torch"
    benchmark(run)
