"""Threads for the kernels, and BLAS kept on one thread so that they never fight.

A big kernel call splits its work into jobs fixed by the shapes alone (see ``conv_numba.py``,
``conv_gemm_numba.py`` and :func:`matmul`). :func:`run_jobs` hands contiguous runs of jobs to
Python threads, each calling compiled code that releases the GIL (Numba ``nogil=True`` functions,
or a BLAS call), and runs the first run itself. Every job writes its own outputs and partial sums
are added in job order afterwards, so results are bit-for-bit the same whatever the number of
threads.

Why this way, on a small machine (measurements in ``benchmarks/README.md``, "Threads"):

* Thread pools that *spin* while idle fight each other. OpenBLAS's workers spin for about 0.1 s
  after each multi-threaded GEMM, so a convolution split over two threads right after a Dense
  layer found one core taken; with another process on the machine, two spinning BLAS threads made
  a small MLP's fit 25× slower. So minnet runs NumPy's BLAS on **one thread** (set once with
  threadpoolctl, :func:`limit_blas`) and splits large products itself, like the convolutions.
* The workers here *sleep* on a queue when idle. Waking one costs about 60 µs, so a call is split
  only when each thread gets at least :data:`MIN_SECONDS_PER_THREAD` of work.
* Numba's ``parallel=True`` would bring its own spinning OpenMP pool, and compiles much slower.

The threads default to the cores this process may use; ``NUMBA_NUM_THREADS`` (read when the first
kernel runs) lowers that, and ``NUMBA_NUM_THREADS=1`` keeps every kernel on the calling thread.
"""
from __future__ import annotations

import os
import threading
from typing import Callable

import numpy as np

# Rough speed of one core, to tell whether a call repays waking another thread: the direct
# convolution loops and OpenBLAS's GEMM in float32, measured on the project's 2-core machines.
LOOP_MACS_PER_SECOND = 16e9
GEMM_MACS_PER_SECOND = 45e9
# Waking a sleeping worker and collecting its result costs about 60 µs; below this much work per
# thread a split does not pay
MIN_SECONDS_PER_THREAD = 0.0003
# :func:`matmul` cuts a product into at most this many row blocks, each at least this large
GEMM_MAX_JOBS = 8
GEMM_JOB_SECONDS = 0.0002

_pool = None
_pool_lock = threading.Lock()
_num_threads: int | None = None
_blas_limited = False


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


def limit_blas() -> None:
    """Run NumPy's BLAS on one thread from now on (once per process; see the module docstring).

    Only BLAS libraries that threadpoolctl sees are limited (NumPy's OpenBLAS, or MKL); PyTorch's
    own thread pool in the same process is left alone.
    """
    global _blas_limited
    if not _blas_limited:
        _blas_limited = True
        from threadpoolctl import threadpool_limits
        threadpool_limits(limits=1, user_api="blas")


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


def run_jobs(kernel: Callable, njobs: int, seconds: float, *args,
             min_seconds_per_thread: float | None = None) -> None:
    """Run ``kernel(j0, j1, *args)`` over jobs 0..njobs−1, split in contiguous runs across threads.

    ``seconds`` estimates the whole call on one thread; a call too small to repay waking a thread
    runs on the calling thread (``min_seconds_per_thread``: the least work worth a thread, by default
    :data:`MIN_SECONDS_PER_THREAD`). The kernel
    must release the GIL and write disjoint outputs for disjoint jobs.
    """
    limit_blas()
    least = MIN_SECONDS_PER_THREAD if min_seconds_per_thread is None else min_seconds_per_thread
    threads = min(num_threads(), njobs, int(seconds / least))
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


def _matmul_rows(j0, j1, a, b, out, bounds):
    for j in range(j0, j1):
        np.matmul(a[bounds[j]:bounds[j + 1]], b, out=out[bounds[j]:bounds[j + 1]])


def matmul(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """a @ b for 2-D arrays of one float dtype, BLAS on one thread, a big product split by rows.

    The row blocks depend on the shapes only and each is one BLAS call, so the result is the same
    bit for bit with any number of threads.
    """
    if not _blas_limited:
        limit_blas()
    m, n = a.shape[0], b.shape[1]
    seconds = m * n * a.shape[1] / GEMM_MACS_PER_SECOND
    if seconds < 2 * GEMM_JOB_SECONDS:
        return a @ b                                    # too small to split (most products)
    jobs = min(GEMM_MAX_JOBS, m // 8, int(seconds / GEMM_JOB_SECONDS))
    if jobs <= 1:
        return a @ b
    jobs = 1 << (jobs.bit_length() - 1)                 # a power of two: equal shares for 2 or 4 threads
    out = np.empty((m, n), a.dtype)
    # a row block is one BLAS call with nothing to set up, so one block per thread already pays
    run_jobs(_matmul_rows, jobs, seconds, a, b, out, [m * j // jobs for j in range(jobs + 1)],
             min_seconds_per_thread=GEMM_JOB_SECONDS)
    return out
