"""``Dense``: the fully connected layer, y = x @ W + b."""
from __future__ import annotations

import math
from typing import Any

from .. import init as initializers
from .. import kernels
from ..autograd import Function, Tensor
from ._checks import as_tensor, positive, shape_str
from .module import Module
from .parameter import Parameter


class DenseOp(Function):
    """y = x @ W + b;   dL/dx = g @ Wᵀ,  dL/dW = xᵀ @ g,  dL/db = Σ_rows g.

    Leading axes of x are folded into one batch axis for the kernel and unfolded afterwards, so
    (N, T, in) sequences work like (N·T, in) rows.
    """

    @staticmethod
    def forward(ctx, x, w, b):
        if x.ndim == 2:                                  # (N, in) rows already: nothing to fold
            ctx.save_for_backward(x, w)
            return kernels.dense_forward(x, w, b)
        x2 = x.reshape(-1, x.shape[-1])
        ctx.save_for_backward(x2, w)
        ctx.x_shape = x.shape
        return kernels.dense_forward(x2, w, b).reshape(x.shape[:-1] + (w.shape[1],))

    @staticmethod
    def backward(ctx, grad):
        x2, w = ctx.saved_tensors
        if grad.ndim == 2:                               # the output has the input's number of axes
            return kernels.dense_backward(grad, x2, w, input_grad=ctx.needs_input_grad[0])
        gx, gw, gb = kernels.dense_backward(grad.reshape(-1, w.shape[1]), x2, w,
                                            input_grad=ctx.needs_input_grad[0])
        return (None if gx is None else gx.reshape(ctx.x_shape)), gw, gb


def dense(x: Any, weight: Any, bias: Any = None) -> Tensor:
    """y = x @ W + b for x of shape (..., in), W (in, out), b (out,) or None -> y (..., out)."""
    weight = weight if isinstance(weight, Tensor) else Tensor(weight)
    x = as_tensor(x, weight.dtype)
    if x.ndim == 0 or x.shape[-1] != weight.shape[0]:
        raise ValueError(f"dense: input of shape {shape_str(x.shape)} does not fit a weight of shape "
                         f"{shape_str(weight.shape)}: expected (..., {weight.shape[0]})")
    return DenseOp.apply(x, weight, bias)


class Dense(Module):
    """Fully connected layer: ``y = x @ W + b``.

    Shapes: x ``(..., in_features)`` -> y ``(..., out_features)``; ``weight`` is
    ``(in_features, out_features)`` (the transpose of PyTorch's ``Linear.weight``), ``bias`` is
    ``(out_features,)``. ``init`` draws the weight (a name from :mod:`minnet.init` or a callable,
    default He normal with fan_in = in_features); ``bias_init`` draws the bias (default zeros).

    >>> layer = Dense(784, 128)
    >>> layer(np.zeros((32, 784))).shape
    (32, 128)
    """

    def __init__(self, in_features: int, out_features: int, bias: bool = True,
                 init: initializers.InitSpec = "he", bias_init: initializers.InitSpec = "zeros") -> None:
        super().__init__()
        self.in_features = positive(in_features, "Dense", "in_features")
        self.out_features = positive(out_features, "Dense", "out_features")
        shape = (self.in_features, self.out_features)
        self.weight = Parameter(initializers.initialize(init, shape, in_features, out_features))
        if bias:
            self.bias = Parameter(initializers.initialize(bias_init, (out_features,), in_features, out_features))
        else:
            self.register_parameter("bias", None)

    def forward(self, x: Any) -> Tensor:
        x = as_tensor(x, self.weight.dtype)
        shape = x.shape
        if not shape or shape[-1] != self.in_features:
            raise ValueError(self._shape_error(shape))
        return DenseOp.apply(x, self.weight, self.bias)

    def _shape_error(self, shape: tuple) -> str:
        msg = (f"Dense({self.in_features}→{self.out_features}) got input of shape {shape_str(shape)}: "
               f"expected (..., {self.in_features}).")
        if len(shape) >= 3:
            if math.prod(shape[1:]) == self.in_features:
                msg += f" Did you forget Flatten()? It turns {shape_str(shape)} into ({shape[0]}, {self.in_features})."
            else:
                msg += " Did you forget Flatten()?"
        elif len(shape) == 2:
            msg += (f" The previous layer gives {shape[-1]} features; make in_features={shape[-1]} or change "
                    "that layer.")
        return msg

    def extra_repr(self) -> str:
        return f"in_features={self.in_features}, out_features={self.out_features}, bias={self.bias is not None}"
