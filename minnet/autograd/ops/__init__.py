"""Every built-in differentiable op, each a :class:`~minnet.autograd.function.Function`.

One home per kind of op: ``arithmetic`` (+ − × ÷ ** @), ``elementwise`` (exp, log, ...),
``activations`` (every activation), ``reduce`` (sum, mean, max), ``shape`` (reshape, indexing),
``combine`` (concatenate, stack, where, maximum).
"""
from .activations import ELU, GELU, LeakyReLU, LogSoftmax, ReLU, Sigmoid, Softmax, Tanh
from .arithmetic import Add, Div, MatMul, Mul, Neg, Pow, Sub
from .combine import Concatenate, Maximum, Stack, Where
from .elementwise import Abs, Cast, Clip, Exp, Log, Sqrt
from .reduce import Max, Mean, Sum
from .shape import GetItem, Reshape, Transpose

__all__ = ["Add", "Sub", "Mul", "Div", "Neg", "Pow", "MatMul", "Exp", "Log", "Sqrt", "Abs", "Clip", "Cast",
           "Sigmoid", "Tanh", "ReLU", "LeakyReLU", "ELU", "GELU", "Softmax", "LogSoftmax",
           "Sum", "Mean", "Max", "Reshape", "Transpose", "GetItem", "Concatenate", "Stack", "Where", "Maximum"]
