import numpy as np
import pytest

import minnet as mn


@pytest.fixture(autouse=True)
def _fresh_state():
    """Every test starts with float32 as the default dtype and a known seed."""
    mn.set_default_dtype(np.float32)
    mn.manual_seed(0)
    yield
    mn.set_default_dtype(np.float32)


@pytest.fixture
def float64():
    mn.set_default_dtype(np.float64)
    yield
    mn.set_default_dtype(np.float32)
