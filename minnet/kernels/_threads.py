"""Threads for the convolution kernels, and how they share the cores with BLAS's threads.

A convolution splits its batch into jobs (see ``conv_numba.py``). :func:`run_jobs` hands contiguous
runs of jobs to Python threads, each calling a Numba function compiled with ``nogil=True``, and
runs the first run itself. The split into jobs depends on the shapes only, every job writes its
own outputs, and partial sums are added in job order afterwards, so results are bit-for-bit the
same whatever the number of threads.

Why Python threads and not Numba's ``parallel=True``: on a small machine, thread pools that spin
while idle fight each other. OpenBLAS's workers spin for about 0.1 s after each multi-threaded
GEMM, and a spinning OpenMP pool next to them made a 1 ms pair of calls take 8 ms. The threads
here sleep on a queue when idle, and a call is split only when each thread gets enough work to
repay waking one (about half a millisecond), and not while BLAS's workers may still be spinning
after a multi-threaded GEMM from the Dense kernels (:func:`note_gemm`). The measurements behind
these rules are in ``benchmarks/README.md`` ("Threads").

The threads default to the cores this process may use; ``NUMBA_NUM_THREADS`` (read when the first
kernel runs) lowers that, and ``NUMBA_NUM_THREADS=1`` keeps every kernel on the calling thread.
"""
from __future__ import annotations

import os
import threading
import time
from typing import Callable

# a call is split across threads only if each thread gets at least this much work (multiply-adds,
# about half a millisecond here): waking a sleeping worker and collecting its result costs 60 µs
# and more, and the split only paid above about 0.5 ms per thread
MIN_WORK_PER_THREAD = 8_000_000

# OpenBLAS runs a GEMM on several threads once m·n·k exceeds 2·65536·4 (its GEMM_MULTITHREAD_THRESHOLD
# of 4 times SMP_THRESHOLD_MIN, per thread); smaller ones stay on the calling thread
BLAS_MULTITHREAD_MNK = 2 * 65536 * 4

_pool = None
_pool_lock = threading.Lock()
_num_threads: int | None = None
_blas_spin_until = 0.0
_blas_spin_seconds: float | None = None


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


def blas_spin_seconds() -> float:
    """How long OpenBLAS's workers keep spinning after a GEMM, from its settings at start-up.

    2^OPENBLAS_THREAD_TIMEOUT cycles (default 28, clamped to 4..30) at an assumed 2 GHz or more;
    0 when BLAS was limited to one thread (its workers then never run).
    """
    global _blas_spin_seconds
    if _blas_spin_seconds is None:
        env = os.environ
        threads = env.get("OPENBLAS_NUM_THREADS") or env.get("GOTO_NUM_THREADS") or env.get("OMP_NUM_THREADS")
        if threads is not None and threads.strip() == "1":
            _blas_spin_seconds = 0.0
        else:
            timeout = env.get("OPENBLAS_THREAD_TIMEOUT", "")
            timeout = min(max(int(timeout), 4), 30) if timeout.isdigit() else 28
            _blas_spin_seconds = 2.0 ** timeout / 2e9
    return _blas_spin_seconds


def note_gemm(m: int, n: int, k: int) -> None:
    """Tell the pool a GEMM of this size just ran: if BLAS used its threads for it, they are now
    spinning, and kernels stay on one thread until they stop (see the module docstring)."""
    global _blas_spin_until
    if m * n * k > BLAS_MULTITHREAD_MNK:
        _blas_spin_until = time.perf_counter() + blas_spin_seconds()


def _get_pool(workers: int):
    global _pool
    with _pool_lock:
        if _pool is None:
            from concurrent.futures import ThreadPoolExecutor   # imported on first use: import stays light
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

    ``work`` estimates the whole call's multiply-adds; small calls, and calls made while BLAS's
    workers are still spinning after a multi-threaded GEMM, stay on the calling thread. The kernel
    must release the GIL (``nogil=True``) and write disjoint outputs for disjoint jobs.
    """
    threads = min(num_threads(), njobs, max(1, work // MIN_WORK_PER_THREAD))
    if threads <= 1 or time.perf_counter() < _blas_spin_until:
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
