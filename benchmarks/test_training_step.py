"""One training step (forward, cross-entropy, backward, SGD update) of each benchmark model.

* ``test_step_against_torch``: minnet and PyTorch CPU, same data and initial weights, timed in
  interleaved blocks in one process (conftest.interleaved), with the shipped thread settings and
  with one thread each. The ratio minnet ÷ torch and its range over the rounds go into
  extra_info; ``python benchmarks/report.py`` turns them into the table of benchmarks/README.md.
* ``test_step_against_numpy_by_hand``: the MLPs against the same step written by hand in NumPy,
  the floor for what a framework may cost.
* ``test_step``: each model under each kernel backend (pytest-benchmark's own statistics).
"""
import numpy as np
import pytest

MODELS = ["mlp", "mlp-tiny", "lenet", "conv1d", "cnn32-28", "cnn64-28", "cnn32-32", "cnn64-32", "conv1d-wide"]


@pytest.mark.parametrize("threads", [None, 1], ids=["shipped-threads", "1-thread"])
@pytest.mark.parametrize("model", MODELS)
def test_step_against_torch(benchmark, bench, quick, model, threads):
    pytest.importorskip("torch")
    with bench.threads(threads):
        ours = bench.make_minnet_step(model)
        theirs = bench.make_torch_step(model, like=ours.model)
        assert abs(ours() - theirs()) < 1e-4                    # the same network, the same loss
        benchmark.group, benchmark.name = f"vs-torch:{model}", "shipped threads" if threads is None else "1 thread"
        times = benchmark.pedantic(bench.interleaved, args=({"minnet": ours, "torch": theirs}, 1 if quick else 9),
                                   kwargs=dict(block_seconds=0 if quick else 0.1), rounds=1, iterations=1)
    if times is not None:                                       # None under --benchmark-disable
        bench.record(benchmark, times, against="torch")


@pytest.mark.parametrize("model", ["mlp", "mlp-tiny"])
def test_step_against_numpy_by_hand(benchmark, bench, quick, model):
    steps = {"minnet": bench.make_minnet_step(model), "numpy-by-hand": bench.make_numpy_mlp_step(model)}
    benchmark.group, benchmark.name = f"vs-numpy:{model}", "shipped threads"
    times = benchmark.pedantic(bench.interleaved, args=(steps, 1 if quick else 15),
                               kwargs=dict(block_seconds=0 if quick else 0.05), rounds=1, iterations=1)
    if times is not None:
        bench.record(benchmark, times, against="numpy-by-hand")


@pytest.mark.parametrize("model", ["mlp", "lenet", "conv1d", "cnn32-28"])
def test_step(benchmark, bench, model, backend):
    benchmark.group, benchmark.name = f"step:{model}", f"minnet-{backend}"
    step = bench.make_minnet_step(model)
    step()                                                       # compile / warm up outside the timing
    assert np.isfinite(benchmark(step))
