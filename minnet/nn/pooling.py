"""Pooling: ``MaxPool2D`` and ``AvgPool2D`` summarise each window of an image (N, C, H, W).

Output size per spatial axis: ``floor((in − kernel) / stride) + 1`` (no padding; a partial window
at the edge is dropped, as PyTorch's default). The stride defaults to the kernel size, so windows
tile the image without overlap.
"""
from __future__ import annotations

from typing import Any

from .. import kernels
from ..autograd import Function, Tensor
from ._checks import as_tensor, pair, positive, shape_str
from .module import Module


class MaxPool2DOp(Function):
    """y = max over each window;  the gradient goes to the position of the max only (the first
    one on ties), and the other inputs of the window get 0."""

    @staticmethod
    def forward(ctx, x, kernel=(2, 2), stride=(2, 2)):
        y, argmax = kernels.max_pool2d_forward(x, kernel, stride)
        ctx.save_for_backward(argmax)
        ctx.x_shape, ctx.kernel, ctx.stride = x.shape, kernel, stride
        return y

    @staticmethod
    def backward(ctx, grad):
        (argmax,) = ctx.saved_tensors
        return kernels.max_pool2d_backward(grad, argmax, ctx.x_shape, ctx.kernel, ctx.stride)


class AvgPool2DOp(Function):
    """y = mean over each window;  every input of a window gets gradient / (kh·kw)."""

    @staticmethod
    def forward(ctx, x, kernel=(2, 2), stride=(2, 2)):
        ctx.x_shape, ctx.kernel, ctx.stride = x.shape, kernel, stride
        return kernels.avg_pool2d_forward(x, kernel, stride)

    @staticmethod
    def backward(ctx, grad):
        return kernels.avg_pool2d_backward(grad, ctx.x_shape, ctx.kernel, ctx.stride)


def _check_pool_input(name: str, shape: tuple, kernel: tuple) -> None:
    if len(shape) != 4:
        hint = " No channel axis? Use x[:, None]." if len(shape) == 3 else ""
        raise ValueError(f"{name} got input of shape {shape_str(shape)}: expected 4 axes (N, C, H, W).{hint}")
    if shape[2] < kernel[0] or shape[3] < kernel[1]:
        raise ValueError(f"{name} got input of shape {shape_str(shape)}: the {shape[2]}×{shape[3]} input is "
                         f"smaller than the {kernel[0]}×{kernel[1]} window (too much pooling for this image size?)")


def _window(name: str, kernel_size: Any, stride: Any) -> tuple[tuple, tuple]:
    kernel = pair(kernel_size, name, "kernel_size")
    stride = kernel if stride is None else pair(stride, name, "stride")
    for v in kernel:
        positive(v, name, "kernel_size")
    for v in stride:
        positive(v, name, "stride")
    return kernel, stride


def max_pool2d(x: Any, kernel_size: Any, stride: Any = None) -> Tensor:
    """Max over each kh×kw window: (N, C, H, W) -> (N, C, floor((H − kh)/sh) + 1, floor((W − kw)/sw) + 1);
    ``stride`` defaults to ``kernel_size``."""
    kernel, stride = _window("max_pool2d", kernel_size, stride)
    x = as_tensor(x)
    _check_pool_input(f"max_pool2d (kernel {kernel[0]}×{kernel[1]})", tuple(x.shape), kernel)
    return MaxPool2DOp.apply(x, kernel=kernel, stride=stride)


def avg_pool2d(x: Any, kernel_size: Any, stride: Any = None) -> Tensor:
    """Mean over each kh×kw window; shapes as :func:`max_pool2d`."""
    kernel, stride = _window("avg_pool2d", kernel_size, stride)
    x = as_tensor(x)
    _check_pool_input(f"avg_pool2d (kernel {kernel[0]}×{kernel[1]})", tuple(x.shape), kernel)
    return AvgPool2DOp.apply(x, kernel=kernel, stride=stride)


class _Pool2D(Module):
    """What both pooling layers share: the window, the input check, the repr."""

    _op: type = Function

    def __init__(self, kernel_size: Any, stride: Any = None) -> None:
        super().__init__()
        self.kernel_size, self.stride = _window(type(self).__name__, kernel_size, stride)

    def forward(self, x: Any) -> Tensor:
        x = as_tensor(x)
        kh, kw = self.kernel_size
        name = f"{type(self).__name__}(kernel {kh}×{kw}, stride {self.stride[0]}×{self.stride[1]})"
        _check_pool_input(name, tuple(x.shape), self.kernel_size)
        return self._op.apply(x, kernel=self.kernel_size, stride=self.stride)

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}"


class MaxPool2D(_Pool2D):
    """Max pooling: ``MaxPool2D(kernel_size, stride=None)``; stride defaults to the kernel size.

    Shapes: (N, C, H, W) -> (N, C, floor((H − kh)/sh) + 1, floor((W − kw)/sw) + 1).
    """

    _op = MaxPool2DOp


class AvgPool2D(_Pool2D):
    """Average pooling: ``AvgPool2D(kernel_size, stride=None)``; shapes as :class:`MaxPool2D`."""

    _op = AvgPool2DOp
