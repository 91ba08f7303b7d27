import numpy as np
import pytest

from minnet.kernels import _backend

from ._helpers import DTYPES


@pytest.fixture
def rng():
    return np.random.default_rng(1234)


@pytest.fixture
def fresh_backend():
    """Start and end with a backend that has learnt nothing (Numba not yet tried)."""
    previous = _backend._backend
    _backend._reset_for_tests()
    yield _backend
    _backend._reset_for_tests()
    _backend.set_backend(previous)


@pytest.fixture(params=DTYPES, ids=["float32", "float64"])
def dtype(request):
    return request.param
