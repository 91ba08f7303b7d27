"""Comparison helpers shared by the kernel tests."""
import numpy as np

DTYPES = [np.float32, np.float64]


def tolerance(dtype):
    """(rtol, atol) for comparing two implementations of one kernel, relative to the data's scale."""
    return (2e-4, 2e-5) if np.dtype(dtype) == np.float32 else (1e-10, 1e-12)


def assert_same(actual, expected, dtype, scale=1.0):
    """actual == expected up to float rounding, and of the expected dtype."""
    rtol, atol = tolerance(dtype)
    actual = np.asarray(actual)
    assert actual.dtype == np.dtype(dtype), f"dtype {actual.dtype}, expected {np.dtype(dtype)}"
    np.testing.assert_allclose(actual, expected, rtol=rtol, atol=atol * scale)
