"""Threads for the Numba kernels, and how they share the cores with BLAS's threads.

A convolution splits its batch into jobs (see ``conv_numba.py``). :func:`run_jobs` hands contiguous
runs of jobs to Python threads, each calling a Numba function compiled with ``nogil=True``, and
runs the first run itself. The split into jobs depends on the shapes only, every job writes its
own outputs, and partial sums are added in job order afterwards, so results are bit-for-bit the
same whatever the number of threads. Only calls with enough work are split (MIN_WORK_PER_THREAD);
pooling, batch norm, cross-entropy and ReLU always run on the calling thread.

What was measured, on a 2-core KVM guest (AMD EPYC, NumPy 2.4 with OpenBLAS 0.3.31 and its
default 2 threads, Numba 0.68 whose default threading layer there is GNU OpenMP), float32:

* **Spinning pools fight.** After a GEMM, OpenBLAS's worker spins for about 0.1 s (2^28 cycles)
  before it sleeps; after a ``parallel=True`` region, libgomp's worker spins too (a few ms by
  default). When both spin, neither is woken, so neither gets the preemption a woken thread gets:
  the scheduler shares the core in 4 ms ticks. A GEMM (128×784 @ 784×256, 0.4–0.5 ms) followed by
  a LeNet-sized parallel conv (0.5 ms) took 8.0 ms for the pair, every time, in either order.
  Fixes that worked: ``OPENBLAS_THREAD_TIMEOUT=4`` (BLAS workers sleep at once: 1.05–1.12 ms),
  one BLAS thread (1.24–1.36 ms, but the GEMM alone 0.69 ms instead of 0.40–0.48),
  ``OMP_WAIT_POLICY=passive`` (1.45–1.7 ms). All three must be in the environment before NumPy
  (or libgomp) is loaded, which a library imported after NumPy cannot arrange; threadpoolctl does
  not help, because lowering OpenBLAS's thread count does not stop a worker already spinning.
  ``NUMBA_NUM_THREADS`` or ``OMP_*`` settings also reach PyTorch in the same process (they share
  the one libgomp).
* **Sleeping workers wake slowly** on this virtual machine: handing work to a sleeping thread and
  getting it back costs about 60 µs, and a second thread only pays for calls above about 0.5 ms
  (2 × 190 µs of work took 365 µs; 2 × 470 µs took 640 µs; 2 × 960 µs took 1120 µs). With passive
  OpenMP, a 2 × 50 µs parallel loop took 112 µs; with Numba's workqueue layer 261 µs; with
  spinning OpenMP workers 50 µs; on one thread 95 µs.
* **``parallel=True`` compiles slowly:** the conv forward and backward took 8.3 and 10.4 s per
  dtype, and 8.1 s even as a ``prange`` loop that only calls an already-compiled job function;
  compiled serially they take 3.4 and 2.5 s (plus 4.4 s for the helpers both share).

Hence this design: Numba code runs serially (no Numba thread pool, no libgomp), and a call with
more than MIN_WORK_PER_THREAD multiply-adds per thread is split over a small pool of Python threads
that sleep on a queue. A sleeping worker never spins against BLAS, and on a freshly woken thread
the scheduler preempts a spinning BLAS worker. Kernel-level LeNet training step (batch 64, no
autograd), medians of 8 rounds: one thread 6.8–7.3 ms, two threads 6.0–6.8 ms; the same with a
Dense 784→512 hidden layer (multi-threaded GEMMs between the convolutions): 9.3–9.8 ms on one
thread, 9.7–10.0 ms on two (with ``OPENBLAS_THREAD_TIMEOUT=4`` in the environment: 8.3–9.7 and
8.0–8.7 ms). The threads default to the cores this process may use; ``NUMBA_NUM_THREADS`` (read
when the first kernel runs) lowers that, and ``NUMBA_NUM_THREADS=1`` keeps every kernel on the
calling thread. For scripts that mix Dense layers and convolutions, ``OPENBLAS_THREAD_TIMEOUT=4``
set before NumPy is imported (in the shell, or the first lines of a script) is worth having.
"""
from __future__ import annotations

import os
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Callable

# a call is split across threads only if each thread gets at least this much work
# (multiply-adds); waking a sleeping worker costs 10–100 µs, about 0.2–2 M multiply-adds here
MIN_WORK_PER_THREAD = 5_000_000

_pool: ThreadPoolExecutor | None = None
_pool_lock = threading.Lock()
_num_threads: int | None = None


def num_threads() -> int:
    """Threads a kernel call may use: the usable cores, or NUMBA_NUM_THREADS if set lower."""
    global _num_threads
    if _num_threads is None:
        try:
            cores = len(os.sched_getaffinity(0))
        except AttributeError:                          # not on Linux
            cores = os.cpu_count() or 1
        wanted = os.environ.get("NUMBA_NUM_THREADS", "")
        _num_threads = max(1, min(cores, int(wanted))) if wanted.isdigit() else max(1, cores)
    return _num_threads


def _get_pool(workers: int) -> ThreadPoolExecutor:
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="minnet-kernel")
        return _pool


def _forget_pool_after_fork() -> None:
    """A forked child has none of the parent's threads: start a fresh pool when it needs one."""
    global _pool, _pool_lock
    _pool, _pool_lock = None, threading.Lock()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_pool_after_fork)


def run_jobs(kernel: Callable, njobs: int, work: int, *args) -> None:
    """Run ``kernel(j0, j1, *args)`` over jobs 0..njobs−1, split in contiguous runs across threads.

    ``work`` estimates the whole call's multiply-adds; small calls stay on the calling thread.
    The kernel must release the GIL (``nogil=True``) and write disjoint outputs for disjoint jobs.
    """
    threads = min(num_threads(), njobs, max(1, work // MIN_WORK_PER_THREAD))
    if threads <= 1:
        kernel(0, njobs, *args)
        return
    bounds = [njobs * t // threads for t in range(threads + 1)]
    pool = _get_pool(num_threads() - 1)
    others = [pool.submit(kernel, bounds[t], bounds[t + 1], *args) for t in range(1, threads)]
    try:
        kernel(bounds[0], bounds[1], *args)
    finally:
        for future in others:
            future.result()                             # waits, and re-raises a worker's error
