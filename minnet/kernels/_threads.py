"""How the kernels' threads and BLAS's threads share the cores (placeholder, filled in below)."""


def configure() -> None:
    """Set up Numba's threading before its first parallel kernel runs."""
