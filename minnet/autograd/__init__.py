"""Floor 2: ``Tensor``, the graph, ``backward()`` and ``Function``."""
from .dtype import get_default_dtype, set_default_dtype
from .function import Context, Function, detect_anomaly, unbroadcast
from .functional import concatenate, maximum, stack, where
from .grad_mode import enable_grad, is_grad_enabled, no_grad
from .tensor import Tensor, tensor

__all__ = ["Tensor", "tensor", "Function", "Context", "unbroadcast", "no_grad", "enable_grad",
           "is_grad_enabled", "set_default_dtype", "get_default_dtype", "concatenate", "stack",
           "where", "maximum", "detect_anomaly"]
