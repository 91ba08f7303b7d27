"""Threads for the Numba kernels, and how they share the cores with BLAS's threads.

A convolution splits its batch into jobs (see ``conv_numba.py``). :func:`run_jobs` hands contiguous
runs of jobs to Python threads, each calling a Numba function compiled with ``nogil=True``, and
runs the first run itself. The split into jobs depends on the shapes only, every job writes its
own outputs, and partial sums are added in job order afterwards, so results are bit-for-bit the
same whatever the number of threads. Pooling, batch norm, cross-entropy and ReLU always run on the
calling thread: they do too little work per call to repay waking another thread.

What was measured, on a 2-core KVM guest (AMD EPYC, NumPy 2.4 with OpenBLAS 0.3.31 and its
default 2 threads, Numba 0.68 whose default threading layer there is GNU OpenMP), float32:

* **Spinning pools fight.** After a GEMM, OpenBLAS's worker spins for about 0.1 s (2^28 cycles)
  before it sleeps; after a ``parallel=True`` region, libgomp's worker spins too (a few ms by
  default). When both spin, neither is ever woken, so neither gets the preemption a woken thread
  gets, and the scheduler shares the core in 4 ms ticks: a GEMM (128×784 @ 784×256, 0.4–0.5 ms)
  next to a LeNet-sized ``parallel=True`` conv (0.5 ms) took 8.0 ms for the pair, in either
  order, against 1.0 ms for the two apart. What fixed it: ``OPENBLAS_THREAD_TIMEOUT=4`` (BLAS
  workers sleep at once; 1.05–1.12 ms), one BLAS thread (1.24–1.36 ms, but the GEMM alone then
  takes 0.69 ms instead of 0.40–0.48), ``OMP_WAIT_POLICY=passive`` (1.45–1.7 ms). All three only
  work if set before NumPy (or libgomp) is loaded, which a library imported after NumPy cannot
  arrange; threadpoolctl does not help, as lowering OpenBLAS's thread count does not stop a
  worker that is already spinning. ``NUMBA_NUM_THREADS`` and ``OMP_*`` settings also reach
  PyTorch in the same process (they share the one libgomp).
* **Sleeping workers wake slowly** on this virtual machine: handing work to a sleeping thread and
  back costs about 60 µs, and splitting a call in two only paid above about 0.5 ms per half
  (2 × 190 µs of work took 365 µs; 2 × 470 µs, 640 µs; 2 × 960 µs, 1120 µs). A 2 × 50 µs
  ``parallel=True`` loop took 112 µs with passive OpenMP, 261 µs with Numba's workqueue layer,
  50 µs with spinning OpenMP workers, 95 µs on one thread.
* **``parallel=True`` compiles slowly:** the conv forward and backward took 8.3 and 10.4 s per
  dtype (8.1 s even as a ``prange`` loop that only calls an already-compiled job function);
  compiled serially, 3.4 and 2.5 s after the 4.4 s of helpers they share.
* **Even sleeping workers lose next to spinning BLAS workers.** A conv large enough to split
  (batch 256, 8→16 channels, 14×14) ran 1.9× faster on two threads alone (forward 4.99 → 2.57 ms,
  backward 9.33 → 4.87 ms), but in a GEMM, forward, GEMM, backward chain the two-thread version
  was slower (16.7 against 15.4 ms; 15.0 against 13.7 for 16→32 channels).

Hence this design. Numba code runs serially (no Numba thread pool, no libgomp). A call with more
than MIN_WORK_PER_THREAD multiply-adds per thread is split over a small pool of Python threads
that sleep on a queue, unless a GEMM large enough for BLAS to run it on several threads went
through the Dense kernels less than BLAS's spin time ago (:func:`note_gemm`); then it stays on
the calling thread. With that rule the chain above took the same time on one or two threads
(14.5 and 14.3 ms), and the conv alone kept its 1.9×. Kernel-level LeNet step (batch 64, no
autograd), medians over 12 rounds: one thread 6.9–7.8 ms, two 6.4–6.9 ms; with a 784→512 Dense
layer between the convolutions: 9.3–9.5 ms against 9.0–9.1 ms. GEMMs that bypass the Dense
kernels (a bare ``x @ w``) are not seen; ``OPENBLAS_THREAD_TIMEOUT=4`` set before NumPy is
imported (in the shell, or the first lines of a script) makes them harmless as well.

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
