"""Every built-in differentiable op, each a :class:`~minnet.autograd.function.Function`.

One home per kind of op: ``arithmetic`` (+ − × ÷ ** @), ``elementwise`` (exp, log, ...),
``activations`` (every activation), ``piecewise`` (round, floor, ceil, sign: gradient 0),
``reduce`` (sum, mean, max, argmax), ``shape`` (reshape, indexing),
``combine`` (concatenate, stack, where, maximum).
"""
from .activations import ELU, GELU, LeakyReLU, LogSoftmax, ReLU, Sigmoid, Softmax, Tanh
from .arithmetic import Add, Div, MatMul, Mul, Neg, Pow, Sub
from .combine import Concatenate, Maximum, Stack, Where
from .elementwise import Abs, Cast, Clip, Exp, Log, Sqrt
from .piecewise import Ceil, Floor, Round, Sign
from .reduce import ArgMax, ArgMin, Max, Mean, Sum
from .shape import GetItem, Reshape, Transpose

__all__ = ["Add", "Sub", "Mul", "Div", "Neg", "Pow", "MatMul", "Exp", "Log", "Sqrt", "Abs", "Clip", "Cast",
           "Sigmoid", "Tanh", "ReLU", "LeakyReLU", "ELU", "GELU", "Softmax", "LogSoftmax",
           "Round", "Floor", "Ceil", "Sign", "Sum", "Mean", "Max", "ArgMax", "ArgMin",
           "Reshape", "Transpose", "GetItem", "Concatenate", "Stack", "Where", "Maximum"]
