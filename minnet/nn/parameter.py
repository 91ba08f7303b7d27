"""``Parameter``: a tensor that a :class:`Module` learns."""
from __future__ import annotations

from typing import Any

import numpy as np

from ..autograd import Tensor, get_default_dtype


class Parameter(Tensor):
    """A Tensor with ``requires_grad=True`` that a Module registers when it is assigned to an attribute.

    ``self.weight = Parameter(array)`` makes ``weight`` show up in ``parameters()``,
    ``named_parameters()`` and ``state_dict()``, so optimizers and checkpoints find it.
    A NumPy array keeps its float dtype; Python numbers and lists get the default dtype.

    >>> w = Parameter(np.zeros((3, 2)))
    >>> w.requires_grad
    True
    """

    def __init__(self, data: Any, requires_grad: bool = True) -> None:
        if isinstance(data, Tensor):
            data = data.data
        keeps_dtype = isinstance(data, (np.ndarray, np.generic))
        arr = np.asarray(data)
        if arr.dtype.kind != "f" or not keeps_dtype:
            arr = arr.astype(get_default_dtype())
        super().__init__(arr, requires_grad=requires_grad)

    def __repr__(self) -> str:
        return "Parameter containing:\n" + super().__repr__()
