"""A small fit on a machine that is busy with something else: the slowdown against the quiet run.

A student's small model (the failure catalog's and the lessons' size: an MLP 2-64-64-2 on 2000
moons, batch 256) is fitted alone and beside a CPU-bound process, in alternation. Before minnet
kept BLAS on one thread, two OpenBLAS threads spinning on the two shared cores made such a fit
25× slower; the goal is at most 1.5×.

Both the wall time and the CPU time of the fit are reported. On a machine that other programs
already keep busy, the wall time also slows by plain time-sharing (more runnable processes than
cores); threads that spin against each other show in the CPU time, which time-sharing leaves
alone.
"""
import contextlib
import os
import subprocess
import sys
import time

import numpy as np

import minnet as mn


@contextlib.contextmanager
def cpu_bound_process():
    """Another program keeping one core busy for as long as the block runs."""
    hog = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    time.sleep(0.2)                                          # let it get going
    try:
        yield
    finally:
        hog.kill()
        hog.wait()


def small_fit(epochs: int) -> tuple[float, float]:
    """(wall seconds, CPU seconds of this process) to fit the small MLP for ``epochs`` epochs."""
    mn.manual_seed(0)
    nn = mn.nn
    X, y = mn.data.moons(2000, noise=0.2, seed=0)
    model = nn.Sequential(nn.Dense(2, 64), nn.ReLU(), nn.Dense(64, 64), nn.ReLU(), nn.Dense(64, 2))
    opt = mn.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    t0, c0 = time.perf_counter(), time.process_time()
    mn.fit(model, mn.losses.CrossEntropyLoss(), opt, (X, y), epochs=epochs, batch_size=256, progress=False)
    return time.perf_counter() - t0, time.process_time() - c0


def test_small_fit_beside_a_busy_process(benchmark, quick):
    epochs, rounds = (1, 1) if quick else (60, 4)

    def measure():
        quiet, busy = [], []
        small_fit(1)                                         # compile outside the timing
        for _ in range(rounds):
            quiet.append(small_fit(epochs))
            with cpu_bound_process():
                busy.append(small_fit(epochs))
        return np.array(quiet), np.array(busy)

    benchmark.group, benchmark.name = "busy machine", "small MLP fit"
    result = benchmark.pedantic(measure, rounds=1, iterations=1)
    if result is not None:
        quiet, busy = result                                     # rows: rounds; columns: wall, CPU
        benchmark.extra_info.update({"quiet_s": float(np.median(quiet[:, 0])), "busy_s": float(np.median(busy[:, 0])),
                                     "quiet cpu_s": float(np.median(quiet[:, 1])),
                                     "busy cpu_s": float(np.median(busy[:, 1])), "load": os.getloadavg()[0],
                                     "busy/quiet wall": float(np.median(busy[:, 0]) / np.median(quiet[:, 0])),
                                     "busy/quiet cpu": float(np.median(busy[:, 1]) / np.median(quiet[:, 1]))})
