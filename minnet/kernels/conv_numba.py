"""Convolution kernels, Numba twins of ``conv.py``: the same signatures and numbers, computed with loops.

Read ``conv.py`` first: it says *what* is computed. This file is about doing it fast on a small CPU.

**Flat rows.** Each zero-padded input plane is laid out as one long row, and several images follow
each other in the same row. An output position p = (n·Hq + i)·Wq + j then reads input tap (u, v) at
p + u·Wq + v: every tap is the same row shifted by a constant, so the innermost loop runs over
thousands of contiguous numbers (the compiler turns it into vector FMAs) instead of one short image
row. The price is a few wasted positions (j ≥ OW, i ≥ OH) that are computed and dropped.

**Strides** would break the constant shift, so a strided input is first split into its sh·sw
*phases* (rows i ≡ rh mod sh, columns j ≡ rw mod sw). In the phase holding tap (u, v) that tap is
again a constant shift, ⌊u/sh⌋·Wq + ⌊v/sw⌋, with Hq×Wq the size of one phase plane.

**One loop for both directions.** The forward pass and the input gradient are both
"output row = Σ weight · shifted input row" (the input gradient is a correlation of the padded gy
with the flipped kernel), so one routine, :func:`_correlate`, does both; only the table of
(source row, shift, weight) entries differs. The weight gradient is a dot product of a gy row with
each shifted input row (:func:`_weight_grad`).

The functions here are called through ``minnet.kernels``, which hands them C-contiguous arrays of
one float dtype and shapes that fit.

**Threads and determinism.** The batch is cut into jobs of whole images, fixed by the shapes
alone (not by the thread count). A big call hands runs of jobs to other threads (``_threads.py``).
Each job writes its own images of y or gx, and its own slice of partial weight gradients, which are
summed afterwards in job order. No two threads touch the same number and no sum depends on
scheduling, so results are bit-for-bit repeatable, with any number of threads.
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np
from numba import njit

from ._threads import run_jobs
from .conv import output_size

_BLOCK = 2048          # output positions handled together: a job's rows stay in the L2 cache


@njit(cache=True)
def _gather_rows(src, n0, nimg, pt, pl, sh, sw, Hq, Wq, front, rows):
    """Copy images n0..n0+nimg of src (N, C, H, W) into the zeroed phase rows (C·sh·sw, ...).

    Input pixel (h, w) of the plane padded by (pt, pl) lands in phase (h+pt) mod sh, (w+pl) mod sw
    at position front + (n·Hq + ⌊(h+pt)/sh⌋)·Wq + ⌊(w+pl)/sw⌋ of that phase's row.
    """
    _, C, H, W = src.shape
    for c in range(C):
        for rh in range(sh):
            i0 = max(0, -((rh - pt) // sh))           # first i with h = i·sh + rh − pt >= 0
            i1 = min(Hq, -((rh - pt - H) // sh))      # first i with h >= H
            for rw in range(sw):
                j0 = max(0, -((rw - pl) // sw))
                j1 = min(Wq, -((rw - pl - W) // sw))
                r = (c * sh + rh) * sw + rw
                for n in range(nimg):
                    for i in range(i0, i1):
                        h = i * sh + rh - pt
                        base = front + (n * Hq + i) * Wq
                        if sw == 1:         # contiguous on both sides: a plain copy that vectorises
                            a = rows[r, base + j0:base + j1]
                            b = src[n0 + n, c, h, j0 + rw - pl:j1 + rw - pl]
                            for j in range(j1 - j0):
                                a[j] = b[j]
                        elif j1 > j0:       # every sw-th input column
                            a = rows[r, base + j0:base + j1]
                            b = src[n0 + n, c, h, j0 * sw + rw - pl:(j1 - 1) * sw + rw - pl + 1:sw]
                            for j in range(j1 - j0):
                                a[j] = b[j]


@njit(cache=True)
def _scatter_rows(rows, n0, nimg, pt, pl, sh, sw, Hq, Wq, dst):
    """The inverse of :func:`_gather_rows`: write the phase rows back into images n0.. of dst (N, C, H, W)."""
    _, C, H, W = dst.shape
    for c in range(C):
        for rh in range(sh):
            i0 = max(0, -((rh - pt) // sh))
            i1 = min(Hq, -((rh - pt - H) // sh))
            for rw in range(sw):
                j0 = max(0, -((rw - pl) // sw))
                j1 = min(Wq, -((rw - pl - W) // sw))
                r = (c * sh + rh) * sw + rw
                for n in range(nimg):
                    for i in range(i0, i1):
                        h = i * sh + rh - pt
                        base = (n * Hq + i) * Wq
                        if sw == 1:
                            a = dst[n0 + n, c, h, j0 + rw - pl:j1 + rw - pl]
                            b = rows[r, base + j0:base + j1]
                            for j in range(j1 - j0):
                                a[j] = b[j]
                        elif j1 > j0:
                            a = dst[n0 + n, c, h, j0 * sw + rw - pl:(j1 - 1) * sw + rw - pl + 1:sw]
                            b = rows[r, base + j0:base + j1]
                            for j in range(j1 - j0):
                                a[j] = b[j]


@njit(cache=True, fastmath={"contract"})
def _correlate(src, esrc, eoff, ptr, wm, bias, out, L):
    """out[g·R + r, p] = bias[g·R + r] + Σ_{e in ptr[r]:ptr[r+1]} wm[g, e] · src[esrc[e], eoff[e] + p].

    For p < L. Entries go four at a time so each pass over the accumulator does four FMAs per load
    and store of it; every shifted row is a slice indexed by the bare loop variable, which keeps
    the loop free of index arithmetic and lets it vectorise.
    """
    G = wm.shape[0]
    R = ptr.shape[0] - 1
    for p0 in range(0, L, _BLOCK):
        n = min(_BLOCK, L - p0)
        for g in range(G):
            for r in range(R):
                acc = out[g * R + r, p0:p0 + n]
                acc[:] = bias[g * R + r]
                e, e1 = ptr[r], ptr[r + 1]
                while e + 4 <= e1:
                    s0 = src[esrc[e], eoff[e] + p0:eoff[e] + p0 + n]
                    s1 = src[esrc[e + 1], eoff[e + 1] + p0:eoff[e + 1] + p0 + n]
                    s2 = src[esrc[e + 2], eoff[e + 2] + p0:eoff[e + 2] + p0 + n]
                    s3 = src[esrc[e + 3], eoff[e + 3] + p0:eoff[e + 3] + p0 + n]
                    w0, w1, w2, w3 = wm[g, e], wm[g, e + 1], wm[g, e + 2], wm[g, e + 3]
                    for p in range(n):
                        acc[p] += w0 * s0[p] + w1 * s1[p] + w2 * s2[p] + w3 * s3[p]
                    e += 4
                while e < e1:
                    s0 = src[esrc[e], eoff[e] + p0:eoff[e] + p0 + n]
                    w0 = wm[g, e]
                    for p in range(n):
                        acc[p] += w0 * s0[p]
                    e += 1


@njit(cache=True, fastmath={"contract", "reassoc"})
def _weight_grad(gyrows, front, xrows, tsrc, toff, L, gw, gb):
    """gw[f, t] = Σ_p gy[f, p] · x[tsrc[t], toff[t] + p] and gb[f] = Σ_p gy[f, p], for p < L.

    ``reassoc`` lets the compiler split each sum into vector lanes; the split is fixed when the
    function is compiled, so the result is still the same on every run.
    """
    F = gw.shape[0]
    T = tsrc.shape[0]
    zero = gyrows.dtype.type(0)
    for f in range(F):
        g = gyrows[f, front:front + L]
        t = 0
        while t + 4 <= T:
            x0 = xrows[tsrc[t], toff[t]:toff[t] + L]
            x1 = xrows[tsrc[t + 1], toff[t + 1]:toff[t + 1] + L]
            x2 = xrows[tsrc[t + 2], toff[t + 2]:toff[t + 2] + L]
            x3 = xrows[tsrc[t + 3], toff[t + 3]:toff[t + 3] + L]
            a0 = a1 = a2 = a3 = zero
            for p in range(L):
                a0 += g[p] * x0[p]
                a1 += g[p] * x1[p]
                a2 += g[p] * x2[p]
                a3 += g[p] * x3[p]
            gw[f, t], gw[f, t + 1], gw[f, t + 2], gw[f, t + 3] = a0, a1, a2, a3
            t += 4
        while t < T:
            x0 = xrows[tsrc[t], toff[t]:toff[t] + L]
            a0 = zero
            for p in range(L):
                a0 += g[p] * x0[p]
            gw[f, t] = a0
            t += 1
        s = zero
        for p in range(L):
            s += g[p]
        gb[f] = s


@njit(cache=True, nogil=True)
def _forward_jobs(job0, job1, x, wm, tsrc, toff, ptr, bias, pt, pl, sh, sw, Hq, Wq, reach, group, y):
    """Jobs job0..job1−1 of y = conv(x) + bias; a job is a group of whole images (module docstring)."""
    N, C = x.shape[0], x.shape[1]
    F = wm.shape[0]
    for job in range(job0, job1):
        n0 = job * group
        nimg = min(group, N - n0)
        L = nimg * Hq * Wq
        rows = np.zeros((C * sh * sw, L + reach), x.dtype)
        _gather_rows(x, n0, nimg, pt, pl, sh, sw, Hq, Wq, 0, rows)
        out = np.empty((F, L), x.dtype)
        _correlate(rows, tsrc, toff, ptr, wm, bias, out, L)
        _scatter_rows(out, n0, nimg, 0, 0, 1, 1, Hq, Wq, y)


@njit(cache=True, nogil=True)
def _backward_jobs(job0, job1, gy, x, tsrc, toff, bsrc, boff, bptr, wmb, pt, pl, sh, sw, Hq, Wq, reach, group,
                   input_grad, gx, gwp, gbp):
    """Jobs job0..job1−1 of the backward pass: their images of gx (if input_grad), and their partial
    weight and bias gradients gwp[job], gbp[job] (the caller sums those in job order)."""
    N, C = x.shape[0], x.shape[1]
    F = gy.shape[1]
    P = sh * sw
    nobias = np.zeros(C * P, x.dtype)
    for job in range(job0, job1):
        n0 = job * group
        nimg = min(group, N - n0)
        L = nimg * Hq * Wq
        xrows = np.zeros((C * P, L + reach), x.dtype)
        _gather_rows(x, n0, nimg, pt, pl, sh, sw, Hq, Wq, 0, xrows)
        gyrows = np.zeros((F, reach + L), x.dtype)       # gy on the forward grid, zeros elsewhere
        _gather_rows(gy, n0, nimg, 0, 0, 1, 1, Hq, Wq, reach, gyrows)
        if input_grad:
            out = np.empty((C * P, L), x.dtype)
            _correlate(gyrows, bsrc, boff, bptr, wmb, nobias, out, L)
            _scatter_rows(out, n0, nimg, pt, pl, sh, sw, Hq, Wq, gx)
        _weight_grad(gyrows, reach, xrows, tsrc, toff, L, gwp[job], gbp[job])


@lru_cache(maxsize=64)
def _plan(C, F, KH, KW, H, W, sh, sw, ph, pw):
    """Geometry and entry tables of one convolution shape (cached: they depend on shapes only)."""
    OH, OW = output_size(H, KH, sh, ph), output_size(W, KW, sw, pw)
    Hq = -(-(H + 2 * ph) // sh)                  # size of one phase plane
    Wq = -(-(W + 2 * pw) // sw)
    c, u, v = (a.ravel() for a in np.meshgrid(np.arange(C), np.arange(KH), np.arange(KW), indexing="ij"))
    tsrc = (c * sh + u % sh) * sw + v % sw       # forward: tap t = (c, u, v) reads this phase row ...
    toff = (u // sh) * Wq + v // sw              # ... shifted by this much
    reach = int(toff.max())
    # input gradient: phase row (c, rh, rw) collects every (f, u, v) whose tap lies in that phase
    P, T1 = sh * sw, KH * KW
    phase = ((np.arange(KH)[:, None] % sh) * sw + np.arange(KW)[None, :] % sw).ravel()
    shift = ((np.arange(KH)[:, None] // sh) * Wq + np.arange(KW)[None, :] // sw).ravel()
    bf, bt = [], []
    bptr = [0]
    for r in range(P):
        taps = np.flatnonzero(phase == r)
        bf.append(np.repeat(np.arange(F), taps.size))
        bt.append(np.tile(taps, F))
        bptr.append(bptr[-1] + F * taps.size)
    bf, bt = np.concatenate(bf), np.concatenate(bt)
    boff = reach - shift[bt]
    wmb_index = (bf[None, :] * C + np.arange(C)[:, None]) * T1 + bt[None, :]     # wmb[c, e] = w[bf[e], c, bt[e]]
    def as64(a):
        return np.ascontiguousarray(a, dtype=np.int64)
    return dict(OH=OH, OW=OW, Hq=Hq, Wq=Wq, reach=reach, tsrc=as64(tsrc), toff=as64(toff),
                fptr=as64([0, C * T1]), bsrc=as64(bf), boff=as64(boff), bptr=as64(bptr),
                wmb_index=as64(wmb_index))


def _group(N, Hq, Wq):
    """Images per job: as many as fit in about _BLOCK output positions (at least one)."""
    njobs = min(N, -(-N * Hq * Wq // _BLOCK))
    return -(-N // njobs) if njobs else 1          # an empty batch: no jobs at all


def conv2d_forward_numba(x, w, b, stride, padding):
    """Numba twin of :func:`minnet.kernels.conv.conv2d_forward_numpy` (same arguments, same result)."""
    N, C, H, W = x.shape
    F, _, KH, KW = w.shape
    (sh, sw), (ph, pw) = stride, padding
    k = _plan(C, F, KH, KW, H, W, sh, sw, ph, pw)
    bias = np.zeros(F, x.dtype) if b is None else b
    y = np.empty((N, F, k["OH"], k["OW"]), x.dtype)
    group = _group(N, k["Hq"], k["Wq"])
    work = N * k["Hq"] * k["Wq"] * w.size                   # multiply-adds, roughly
    run_jobs(_forward_jobs, -(-N // group), work, x, w.reshape(F, -1), k["tsrc"], k["toff"], k["fptr"], bias,
             ph, pw, sh, sw, k["Hq"], k["Wq"], k["reach"], group, y)
    return y


def conv2d_backward_numba(gy, x, w, stride, padding, input_grad=True):
    """Numba twin of :func:`minnet.kernels.conv.conv2d_backward_numpy`: returns (gx or None, gw, gb)."""
    N, C, H, W = x.shape
    F, _, KH, KW = w.shape
    (sh, sw), (ph, pw) = stride, padding
    k = _plan(C, F, KH, KW, H, W, sh, sw, ph, pw)
    group = _group(N, k["Hq"], k["Wq"])
    njobs = -(-N // group)
    wmb = w.reshape(-1)[k["wmb_index"]]                 # the weights by input-gradient entry, (C, entries)
    gx = np.empty_like(x) if input_grad else np.empty((0, C, H, W), x.dtype)
    gwp = np.empty((njobs, F, C * KH * KW), x.dtype)
    gbp = np.empty((njobs, F), x.dtype)
    work = (2 if input_grad else 1) * N * k["Hq"] * k["Wq"] * w.size
    run_jobs(_backward_jobs, njobs, work, gy, x, k["tsrc"], k["toff"], k["bsrc"], k["boff"], k["bptr"], wmb,
             ph, pw, sh, sw, k["Hq"], k["Wq"], k["reach"], group, bool(input_grad), gx, gwp, gbp)
    return (gx if input_grad else None), gwp.sum(axis=0).reshape(w.shape), gbp.sum(axis=0)


def conv1d_forward_numba(x, w, b, stride, padding):
    """Numba twin of :func:`minnet.kernels.conv.conv1d_forward_numpy`: conv2d on images one pixel high."""
    y = conv2d_forward_numba(x[:, :, None, :], w[:, :, None, :], b, (1, stride), (0, padding))
    return y[:, :, 0, :]


def conv1d_backward_numba(gy, x, w, stride, padding, input_grad=True):
    """Numba twin of :func:`minnet.kernels.conv.conv1d_backward_numpy`: returns (gx or None, gw, gb)."""
    gx, gw, gb = conv2d_backward_numba(gy[:, :, None, :], x[:, :, None, :], w[:, :, None, :],
                                       (1, stride), (0, padding), input_grad)
    return None if gx is None else gx[:, :, 0, :], gw[:, :, 0, :], gb
