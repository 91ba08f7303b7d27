"""What ``mn.monitor.Monitor`` costs a training step: the MLP and the LeNet-like CNN of
``test_training_step.py``, ten SGD steps at a time, without a monitor and with one recording every
10th step (the budget: at most 5 % slower) or every step.

The ten steps call the monitor where ``mn.fit`` does (``on_step`` after backward, ``on_step_end``
after the update), so one timed call holds exactly one recorded step at ``every=10``.
``test_monitor_overhead_paired`` alternates the two settings block by block, so a noisy machine
slows both alike, and reports the median ratio (``extra_info``, also printed with ``-s``).
"""
import time

import numpy as np
import pytest

import minnet as mn

MODELS = ["mlp", "lenet"]
STEPS = 10


def make_ten_steps(recipe, name: str, every: int | None):
    """A closure running ten SGD steps of the named model, with a Monitor(every=every) unless None."""
    build, make_data = recipe
    mn.manual_seed(0)
    model = build(name)
    X, y = make_data(name, np.random.default_rng(0))
    x, loss_fn = mn.Tensor(X), mn.losses.CrossEntropyLoss()
    opt = mn.optim.SGD(model.parameters(), lr=0.01)
    mon = None if every is None else mn.monitor.Monitor(model, every=every)
    if mon is not None:
        mon.on_train_begin(model)
    step = [0]

    def ten_steps():
        for _ in range(STEPS):
            step[0] += 1
            opt.zero_grad()
            loss = loss_fn(model(x), y)
            loss.backward()
            if mon is not None:
                mon.on_step(model, step[0], loss.item())
            opt.step()
            if mon is not None:
                mon.on_step_end(model, step[0])
        return loss
    return ten_steps


@pytest.mark.parametrize("every", [None, 10, 1], ids=["no monitor", "every=10", "every=1"])
@pytest.mark.parametrize("model", MODELS)
def test_steps_with_monitor(benchmark, model, every, minnet_recipe):
    benchmark.group = f"monitor:{model} (10 steps)"
    benchmark.name = "no monitor" if every is None else f"monitor every={every}"
    run = make_ten_steps(minnet_recipe, model, every)
    run()                                  # compile / warm up outside the timing
    assert np.isfinite(benchmark(run).item())


@pytest.mark.parametrize("every", [10, 1])
@pytest.mark.parametrize("model", MODELS)
def test_monitor_overhead_paired(benchmark, model, every, minnet_recipe):
    """Median over blocks of (time with Monitor(every=every)) / (time without), blocks alternating.

    Measured twice: wall time, and CPU time of this process (``time.process_time``), which other
    processes on a busy machine disturb much less; with one BLAS thread
    (``OPENBLAS_NUM_THREADS=1``) the CPU time is all the work the step does.
    """
    benchmark.group = f"monitor:{model} overhead (paired)"
    benchmark.name = f"ratio every={every} / none"
    plain, watched = make_ten_steps(minnet_recipe, model, None), make_ten_steps(minnet_recipe, model, every)
    plain(), watched()

    def ratios(pairs: int = 30) -> dict:
        wall, cpu = [], []
        for i in range(pairs):
            order = (plain, watched) if i % 2 == 0 else (watched, plain)   # cancel drift
            times = {}
            for run in order:
                w, c = time.perf_counter(), time.process_time()
                run()
                times[run] = (time.perf_counter() - w, time.process_time() - c)
            wall.append(times[watched][0] / times[plain][0])
            cpu.append(times[watched][1] / times[plain][1])
        return {"wall": float(np.median(wall)), "cpu": float(np.median(cpu))}

    # with --benchmark-disable (CI) one pair shows the case still runs; timing it needs all of them
    result = benchmark.pedantic(ratios, kwargs={"pairs": 1 if benchmark.disabled else 30}, rounds=1, iterations=1)
    benchmark.extra_info.update(ratio_wall=result["wall"], ratio_cpu=result["cpu"])
    print(f"\n{model}: a step with Monitor(every={every}) takes {result['wall']:.3f}x the step without "
          f"(wall time), {result['cpu']:.3f}x (CPU time)")
    assert result["wall"] > 0 and result["cpu"] > 0
