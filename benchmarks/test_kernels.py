"""Convolution forward + backward kernels alone, at the benchmark models' sizes: the Numba twin
(which picks the direct loops or im2col + GEMM by shape), each of its two methods, the NumPy
reference, and PyTorch's conv autograd."""
import numpy as np
import pytest

import minnet as mn

# (name, x shape, w shape, stride, padding); 1-D convolutions as 2-D ones one pixel high
CONVS = [("lenet-conv1", (64, 1, 28, 28), (8, 1, 3, 3), (1, 1), (1, 1)),
         ("lenet-conv2", (64, 8, 14, 14), (16, 8, 3, 3), (1, 1), (1, 1)),
         ("conv1d-layer2", (64, 25, 1, 18), (25, 25, 1, 3), (1, 2), (0, 0)),
         ("cnn32-28-conv2", (64, 32, 14, 14), (64, 32, 3, 3), (1, 1), (1, 1)),
         ("cnn64-28-conv2", (64, 64, 14, 14), (128, 64, 3, 3), (1, 1), (1, 1)),
         ("cnn32-32-conv1", (64, 3, 32, 32), (32, 3, 3, 3), (1, 1), (1, 1)),
         ("conv1d-wide-layer2", (64, 64, 1, 128), (128, 64, 1, 5), (1, 2), (0, 2))]
IDS = [c[0] for c in CONVS]


def _arrays(xs, ws):
    rng = np.random.default_rng(0)
    return rng.standard_normal(xs).astype(np.float32), rng.standard_normal(ws).astype(np.float32)


def _methods():
    from minnet.kernels import conv, conv_gemm_numba, conv_numba
    return {"minnet-numba": (conv_numba.conv2d_forward_numba, conv_numba.conv2d_backward_numba),
            "minnet-direct": (conv_numba.direct_forward, conv_numba.direct_backward),
            "minnet-gemm": (conv_gemm_numba.forward, conv_gemm_numba.backward),
            "minnet-numpy": (conv.conv2d_forward_numpy, conv.conv2d_backward_numpy)}


@pytest.mark.parametrize("method", ["minnet-numba", "minnet-direct", "minnet-gemm", "minnet-numpy"])
@pytest.mark.parametrize("case", CONVS, ids=IDS)
def test_conv_forward_backward(benchmark, case, method):
    name, xs, ws, stride, padding = case
    x, w = _arrays(xs, ws)
    b = np.zeros(ws[0], np.float32)
    forward, backward = _methods()[method]
    mn.kernels.dense_forward(np.ones((1, 1)), np.ones((1, 1)), None)        # BLAS on one thread, as in a model

    def run():
        y = forward(x, w, b, stride, padding)
        return backward(np.ones_like(y), x, w, stride, padding)

    run()
    benchmark.group, benchmark.name = f"kernel:{name}", method
    gx, gw, gb = benchmark(run)
    assert gx.shape == x.shape and gw.shape == w.shape


@pytest.mark.parametrize("case", CONVS, ids=IDS)
def test_torch_conv_forward_backward(benchmark, case):
    torch = pytest.importorskip("torch")
    name, xs, ws, stride, padding = case
    x, w = (torch.from_numpy(a).requires_grad_() for a in _arrays(xs, ws))
    b = torch.zeros(ws[0], requires_grad=True)

    def run():
        y = torch.nn.functional.conv2d(x, w, b, stride=stride, padding=padding)
        y.backward(torch.ones_like(y))
        return x.grad

    run()
    benchmark.group, benchmark.name = f"kernel:{name}", "torch"
    benchmark(run)
