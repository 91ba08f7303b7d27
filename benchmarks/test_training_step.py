"""One training step (forward, loss, backward, SGD update) of the three benchmark models,
in minnet under each kernel backend, in PyTorch CPU, and the MLP by hand in NumPy.

Run with ``python -m pytest benchmarks`` and turn the numbers into the ratio table with
``python benchmarks/report.py`` (see benchmarks/README.md).
"""
import numpy as np
import pytest

MODELS = ["mlp", "lenet", "conv1d"]


@pytest.mark.parametrize("model", MODELS)
def test_minnet_step(benchmark, model, backend, minnet_step):
    benchmark.group = f"step:{model}"
    benchmark.name = f"minnet-{backend}"
    step = minnet_step(model)
    step()                                     # compile / warm up outside the timing
    loss = benchmark(step)
    assert np.isfinite(loss.item())


@pytest.mark.parametrize("model", MODELS)
def test_torch_step(benchmark, model, torch_step):
    benchmark.group = f"step:{model}"
    benchmark.name = "torch"
    step = torch_step(model)
    step()
    loss = benchmark(step)
    assert np.isfinite(loss.item())


def test_numpy_by_hand_mlp_step(benchmark, numpy_mlp_step):
    benchmark.group = "step:mlp"
    benchmark.name = "numpy-by-hand"
    step = numpy_mlp_step()
    step()
    assert np.isfinite(benchmark(step))


@pytest.mark.parametrize("implementation", ["minnet-numba", "numpy-by-hand"])
def test_tiny_mlp_step_overhead(benchmark, implementation, minnet_step, numpy_mlp_step):
    """An 8-8-8-2 MLP on 4 samples: the arithmetic is negligible, so this is the framework's cost."""
    benchmark.group, benchmark.name = "step:mlp-tiny (overhead)", implementation
    step = minnet_step("mlp-tiny") if implementation == "minnet-numba" else numpy_mlp_step("mlp-tiny")
    step()
    result = benchmark(step)
    assert np.isfinite(result.item() if hasattr(result, "item") else result)
