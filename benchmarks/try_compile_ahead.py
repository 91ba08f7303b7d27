"""An experiment, not a feature: would compiling kernels in a second process shorten the first run?

Numba compiles one function at a time in a process (under a global compiler lock), so the nine
kernels of a cold first LeNet step compile one after the other on one core. This script runs
that first step (``test_startup.FIRST_STEP``) in a fresh process with an empty cache, alone and
beside a helper process that calls the kernels the step needs later (the backward pass and the
update first, then the forward ones from the end) on tiny inputs, so that they land in the shared
on-disk cache. The helper starts either with the step (as if ``import minnet`` started it) or
after ``--delay`` seconds (about when the step's first compilation starts). Runs alternate.

    python benchmarks/try_compile_ahead.py [--runs 3] [--delay 0.7]

Prints the step's wall time per run and the median (range) of each setting.
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from test_startup import FIRST_STEP  # noqa: E402

HELPER = """
import numpy as np
import minnet.kernels as K
f, rng = np.float32, np.random.default_rng(0)
labels = np.array([0, 1, 2, 0])
x = rng.standard_normal((2, 8, 6, 6)).astype(f)
K.conv2d_backward(rng.standard_normal((2, 16, 6, 6)).astype(f), x, rng.standard_normal((16, 8, 3, 3)).astype(f),
                  1, 1, input_grad=False)                           # the weight gradient's loop
p = np.zeros(5000, f)
K.sgd_update(p, p.copy(), None, 0.1)                                # large enough for the twin
K.softmax_cross_entropy_backward(np.full((4, 3), 1 / 3, f), labels, None, 1.0)
K.max_pool2d_backward(np.ones((2, 3, 2, 2), f), np.zeros((2, 3, 2, 2), np.int64), (2, 3, 4, 4), 2, 2)
K.relu_backward_mask(np.ones(2048, f), np.ones(2048, f))
K.softmax_cross_entropy_forward(rng.standard_normal((4, 3)).astype(f), labels, None)
K.max_pool2d_forward(rng.standard_normal((2, 3, 4, 4)).astype(f), 2, 2)
"""


def first_step(helper_delay: float | None) -> float:
    """Wall seconds of the first LeNet step with an empty cache; with a helper if a delay is given."""
    with tempfile.TemporaryDirectory() as cache:
        env = dict(os.environ, NUMBA_CACHE_DIR=cache)
        t0 = time.perf_counter()
        step = subprocess.Popen([sys.executable, "-c", FIRST_STEP], env=env, stderr=subprocess.DEVNULL)
        helper = None
        if helper_delay is not None:
            time.sleep(helper_delay)
            helper = subprocess.Popen([sys.executable, "-c", HELPER], env=env, stderr=subprocess.DEVNULL)
        step.wait()
        seconds = time.perf_counter() - t0
        if helper is not None:
            helper.wait()
        if step.returncode:
            raise RuntimeError("the first step failed")
        return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--delay", type=float, default=0.7)
    args = parser.parse_args()
    settings = {"alone": None, "helper from the start": 0.0, f"helper after {args.delay} s": args.delay}
    times = {name: [] for name in settings}
    for run in range(args.runs):
        for name, delay in settings.items():
            times[name].append(first_step(delay))
            print(f"run {run + 1}: {name}: {times[name][-1]:.2f} s", flush=True)
    print(f"\nload average now {os.getloadavg()[0]:.1f}")
    for name, ts in times.items():
        print(f"{name}: {statistics.median(ts):.2f} s ({min(ts):.2f}–{max(ts):.2f})")


if __name__ == "__main__":
    main()
