"""Every built-in differentiable op, each a :class:`~minnet.autograd.function.Function`."""
from .arithmetic import Add, Div, MatMul, Mul, Neg, Pow, Sub
from .combine import Concatenate, Maximum, Stack, Where
from .elementwise import Abs, Cast, Clip, Exp, Log, ReLU, Sigmoid, Sqrt, Tanh
from .reduce import Max, Mean, Sum
from .shape import GetItem, Reshape, Transpose

__all__ = ["Add", "Sub", "Mul", "Div", "Neg", "Pow", "MatMul", "Exp", "Log", "Sqrt", "Tanh",
           "Sigmoid", "ReLU", "Abs", "Clip", "Cast", "Sum", "Mean", "Max", "Reshape", "Transpose",
           "GetItem", "Concatenate", "Stack", "Where", "Maximum"]
