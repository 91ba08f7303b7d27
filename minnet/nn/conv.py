"""Convolutions: ``Conv2D`` on images (N, C, H, W) and ``Conv1D`` on signals (N, C, L).

Each output value is a dot product of the kernel with one window of the (zero-padded) input:

    y[n, f, i, j] = b[f] + Σ_c Σ_u Σ_v w[f, c, u, v] · x_pad[n, c, i·sh + u, j·sw + v]

(strictly a cross-correlation, as in every deep-learning library). Output size per spatial axis:
``out = floor((in + 2·padding − kernel) / stride) + 1`` (``minnet.kernels.output_size``). The
arithmetic lives in ``minnet.kernels`` (a NumPy reference and a Numba version behind one
interface); the ops below only connect it to autograd. The checks with friendly messages are made
here, where the user calls; the kernels trust what passed them.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from .. import init as initializers
from .. import kernels
from ..autograd import Function, Tensor
from ._checks import as_tensor, pair, positive, shape_str
from .module import Module
from .parameter import Parameter


class Conv2DOp(Function):
    """y = conv2d(x, w) + b;  backward gives dL/dx (a "full" convolution of the gradient with the
    flipped kernel), dL/dw (correlation of the input with the gradient) and dL/db = Σ gradient."""

    @staticmethod
    def forward(ctx, x, w, b, stride=(1, 1), padding=(0, 0)):
        ctx.save_for_backward(x, w)
        ctx.stride, ctx.padding = stride, padding
        return kernels.conv2d_forward(x, w, b, stride, padding)

    @staticmethod
    def backward(ctx, grad):
        x, w = ctx.saved_tensors
        return kernels.conv2d_backward(grad, x, w, ctx.stride, ctx.padding, input_grad=ctx.needs_input_grad[0])


class Conv1DOp(Function):
    """The 1-D case of :class:`Conv2DOp`: x (N, C, L), w (F, C, K), integer stride and padding."""

    @staticmethod
    def forward(ctx, x, w, b, stride=1, padding=0):
        ctx.save_for_backward(x, w)
        ctx.stride, ctx.padding = stride, padding
        return kernels.conv1d_forward(x, w, b, stride, padding)

    @staticmethod
    def backward(ctx, grad):
        x, w = ctx.saved_tensors
        return kernels.conv1d_backward(grad, x, w, ctx.stride, ctx.padding, input_grad=ctx.needs_input_grad[0])


def check_conv_input(name: str, shape: tuple, in_channels: int, kernel: tuple, stride: tuple,
                     padding: tuple) -> None:
    """Raise a ValueError naming the layer when ``shape`` cannot be convolved (before any kernel runs)."""
    spatial = len(kernel)
    layout = "(N, C, H, W)" if spatial == 2 else "(N, C, L)"
    expected = f"(N, {in_channels}, H, W)" if spatial == 2 else f"(N, {in_channels}, L)"
    if len(shape) != spatial + 2:
        hint = ""
        if len(shape) == spatial + 1:
            hint = (" A single example? Add the batch axis with x[None]." if shape[0] == in_channels
                    else " No channel axis? For one channel use x[:, None].")
        elif len(shape) == 2 and spatial == 2:
            hint = " Flat vectors? Reshape them to images first."
        raise ValueError(f"{name} got input of shape {shape_str(shape)}: expected {spatial + 2} axes "
                         f"{layout} = {expected}.{hint}")
    if shape[1] != in_channels:
        hint = ""
        if shape[-1] == in_channels and spatial == 2:
            hint = " Channels last? Use x.transpose(0, 3, 1, 2)."
        raise ValueError(f"{name} got input of shape {shape_str(shape)}: expected {in_channels} input "
                         f"channel{'s' if in_channels != 1 else ''} {expected}.{hint}")
    if any(kernels.output_size(*axis) < 1 for axis in zip(shape[2:], kernel, stride, padding)):
        size = "×".join(str(s + 2 * p) for s, p in zip(shape[2:], padding))
        ksize = "×".join(str(k) for k in kernel)
        raise ValueError(f"{name} got input of shape {shape_str(shape)}: after padding "
                         f"{padding[0] if spatial == 1 else padding} the input is {size}, smaller than "
                         f"the {ksize} kernel")


def conv2d(x: Any, weight: Tensor, bias: Tensor | None = None, stride: Any = 1, padding: Any = 0) -> Tensor:
    """2-D convolution. x (N, C, H, W), weight (F, C, KH, KW), bias (F,) or None -> (N, F, OH, OW)
    with OH = floor((H + 2·ph − KH) / sh) + 1 (likewise OW). ``stride``/``padding``: int or pair."""
    stride, padding = pair(stride, "conv2d", "stride"), pair(padding, "conv2d", "padding")
    weight = as_tensor(weight)
    _check_weight("conv2d", weight, bias, "(out_channels, in_channels, kh, kw)")
    x = as_tensor(x, weight.dtype)
    f, c, kh, kw = weight.shape
    check_conv_input(f"conv2d (weight {shape_str(weight.shape)})", tuple(x.shape), c, (kh, kw), stride, padding)
    return Conv2DOp.apply(x, weight, bias, stride=stride, padding=padding)


def conv1d(x: Any, weight: Tensor, bias: Tensor | None = None, stride: int = 1, padding: int = 0) -> Tensor:
    """1-D convolution. x (N, C, L), weight (F, C, K), bias (F,) or None -> (N, F, OL),
    OL = floor((L + 2·padding − K) / stride) + 1."""
    stride = positive(stride, "conv1d", "stride")
    padding = positive(padding, "conv1d", "padding", allow_zero=True)
    weight = as_tensor(weight)
    _check_weight("conv1d", weight, bias, "(out_channels, in_channels, k)")
    x = as_tensor(x, weight.dtype)
    f, c, k = weight.shape
    check_conv_input(f"conv1d (weight {shape_str(weight.shape)})", tuple(x.shape), c, (k,), (stride,), (padding,))
    return Conv1DOp.apply(x, weight, bias, stride=stride, padding=padding)


def _check_weight(name: str, weight: Tensor, bias: Any, layout: str) -> None:
    """The functional forms take the weight from the caller: say so if it cannot be a kernel."""
    axes = layout.count(",") + 1
    if weight.ndim != axes:
        hint = {("conv2d", 3): " A 3-axis weight is a Conv1D's: use F.conv1d on (N, C, L) input.",
                ("conv1d", 4): " A 4-axis weight is a Conv2D's: use F.conv2d on (N, C, H, W) input."}
        raise ValueError(f"{name}: weight must have {axes} axes {layout}, got shape {shape_str(weight.shape)}."
                         f"{hint.get((name, weight.ndim), '')}")
    if 0 in weight.shape:
        raise ValueError(f"{name}: weight of shape {shape_str(weight.shape)} has an empty axis")
    if bias is not None and np.shape(bias) != (weight.shape[0],):
        raise ValueError(f"{name}: bias must have one entry per output channel, shape ({weight.shape[0]},), "
                         f"got {shape_str(np.shape(bias))}")


class Conv2D(Module):
    """2-D convolution layer on NCHW images.

    ``Conv2D(in_channels, out_channels, kernel_size, stride=1, padding=0, bias=True, init="he")``;
    ``kernel_size``, ``stride``, ``padding`` are ints or (height, width) pairs. Weight shape
    ``(out_channels, in_channels, kh, kw)`` as PyTorch; fan_in = in_channels·kh·kw,
    fan_out = out_channels·kh·kw. Shapes: (N, in_channels, H, W) -> (N, out_channels, OH, OW).

    >>> Conv2D(1, 8, 3, padding=1)(np.zeros((2, 1, 28, 28))).shape
    (2, 8, 28, 28)
    """

    def __init__(self, in_channels: int, out_channels: int, kernel_size: Any, stride: Any = 1,
                 padding: Any = 0, bias: bool = True, init: initializers.InitSpec = "he",
                 bias_init: initializers.InitSpec = "zeros") -> None:
        super().__init__()
        self.in_channels = positive(in_channels, "Conv2D", "in_channels")
        self.out_channels = positive(out_channels, "Conv2D", "out_channels")
        self.kernel_size = pair(kernel_size, "Conv2D", "kernel_size")
        self.stride = pair(stride, "Conv2D", "stride")
        self.padding = pair(padding, "Conv2D", "padding")
        for what, value, zero_ok in (("kernel_size", self.kernel_size, False), ("stride", self.stride, False),
                                     ("padding", self.padding, True)):
            for v in value:
                positive(v, "Conv2D", what, allow_zero=zero_ok)
        kh, kw = self.kernel_size
        fan_in, fan_out = in_channels * kh * kw, out_channels * kh * kw
        self.weight = Parameter(initializers.initialize(init, (out_channels, in_channels, kh, kw), fan_in, fan_out))
        if bias:
            self.bias = Parameter(initializers.initialize(bias_init, (out_channels,), fan_in, fan_out))
        else:
            self.register_parameter("bias", None)

    def forward(self, x: Any) -> Tensor:
        x = as_tensor(x, self.weight.dtype)
        check_conv_input(self._name(), tuple(x.shape), self.in_channels, self.kernel_size, self.stride, self.padding)
        return Conv2DOp.apply(x, self.weight, self.bias, stride=self.stride, padding=self.padding)

    def _name(self) -> str:
        return f"Conv2D({self.in_channels}→{self.out_channels}, kernel {self.kernel_size[0]}×{self.kernel_size[1]})"

    def extra_repr(self) -> str:
        return (f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, stride={self.stride}, "
                f"padding={self.padding}, bias={self.bias is not None}")


class Conv1D(Module):
    """1-D convolution layer on signals (N, C, L).

    ``Conv1D(in_channels, out_channels, kernel_size, stride=1, padding=0, bias=True, init="he")``
    (ints). Weight shape ``(out_channels, in_channels, kernel_size)``; fan_in = in_channels·k.
    Shapes: (N, in_channels, L) -> (N, out_channels, floor((L + 2·padding − k) / stride) + 1).
    """

    def __init__(self, in_channels: int, out_channels: int, kernel_size: int, stride: int = 1,
                 padding: int = 0, bias: bool = True, init: initializers.InitSpec = "he",
                 bias_init: initializers.InitSpec = "zeros") -> None:
        super().__init__()
        self.in_channels = positive(in_channels, "Conv1D", "in_channels")
        self.out_channels = positive(out_channels, "Conv1D", "out_channels")
        self.kernel_size = positive(kernel_size, "Conv1D", "kernel_size")
        self.stride = positive(stride, "Conv1D", "stride")
        self.padding = positive(padding, "Conv1D", "padding", allow_zero=True)
        k = self.kernel_size
        fan_in, fan_out = in_channels * k, out_channels * k
        self.weight = Parameter(initializers.initialize(init, (out_channels, in_channels, k), fan_in, fan_out))
        if bias:
            self.bias = Parameter(initializers.initialize(bias_init, (out_channels,), fan_in, fan_out))
        else:
            self.register_parameter("bias", None)

    def forward(self, x: Any) -> Tensor:
        x = as_tensor(x, self.weight.dtype)
        name = f"Conv1D({self.in_channels}→{self.out_channels}, kernel {self.kernel_size})"
        check_conv_input(name, tuple(x.shape), self.in_channels, (self.kernel_size,), (self.stride,), (self.padding,))
        return Conv1DOp.apply(x, self.weight, self.bias, stride=self.stride, padding=self.padding)

    def extra_repr(self) -> str:
        return (f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, stride={self.stride}, "
                f"padding={self.padding}, bias={self.bias is not None}")

