"""Convolution kernels, Numba twins of ``conv.py``: the same signatures and numbers, computed fast.

Read ``conv.py`` first: it says *what* is computed. This file is about doing it fast on a small CPU.
Two methods, chosen by the layer's shape (:func:`uses_gemm`):

* **Wide layers** (many input and output channels) run the reference's own method, im2col and a
  matrix product, slice by slice of the batch (``conv_gemm_numba.py``): there BLAS's GEMM runs
  two to three times faster than any loop we write.
* **Narrow layers** (LeNet's, a few channels) make poor matrices (a product over C·KH·KW = 9 or
  72 numbers), so they run the direct loops below, which beat BLAS there.

**Flat rows.** Each zero-padded input plane is laid out as one long row, and all images follow
each other in the same row. An output position p = (n·Hq + i)·Wq + j then reads input tap (u, v)
at p + u·Wq + v: every tap is the same row shifted by a constant, so the innermost loop runs over
thousands of contiguous numbers (the compiler turns it into vector FMAs) instead of one short image
row. The price is a few wasted positions (j ≥ OW, i ≥ OH) that are computed and dropped.

**Strides** would break the constant shift, so a strided input is first split into its sh·sw
*phases* (rows i ≡ rh mod sh, columns j ≡ rw mod sw). In the phase holding tap (u, v) that tap is
again a constant shift, ⌊u/sh⌋·Wq + ⌊v/sw⌋, with Hq×Wq the size of one phase plane. Laying out the
rows and taking the outputs back are plain NumPy copies (:func:`_to_rows`, :func:`_from_rows`).

**One loop for both directions.** The forward pass and the input gradient are both
"output row = Σ weight · shifted input row" (the input gradient is a correlation of the padded gy
with the flipped kernel), so one routine, :func:`_correlate`, does both; only the table of
(source row, shift, weight) entries differs. The weight gradient is a dot product of a gy row with
each shifted input row (:func:`_weight_grad`).

**Threads and determinism.** The output positions are cut into blocks fixed by the shapes alone
(not by the thread count), and a big call hands runs of blocks to other threads (``_threads.py``).
Each block writes its own outputs, and the weight gradient is summed per block and the blocks'
sums added in block order afterwards, so results are bit-for-bit the same with any number of
threads.

The functions here are called through ``minnet.kernels``, which hands them C-contiguous arrays of
one float dtype and shapes that fit.
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np
from numba import njit

from . import conv_gemm_numba
from ._threads import LOOP_MACS_PER_SECOND, run_jobs
from .conv import output_size

_BLOCK = 2048          # output positions handled together: their rows stay in the L2 cache
_WEIGHT_JOBS = 8       # at most this many partial weight gradients to add up


def uses_gemm(F: int, C: int, KH: int, KW: int) -> bool:
    """Whether a layer runs as im2col + GEMM (True) or as the direct loops (False).

    The GEMM wins once every output sums over at least 64 products (C·KH·KW, the length of the
    matrix product) and there are at least 32 filters to share each column; below that BLAS
    spends its time packing small matrices. Measured in ``benchmarks/README.md`` ("Convolution").
    """
    return C * KH * KW >= 16 and F >= 32


@njit(cache=True, nogil=True, error_model="numpy", fastmath={"contract"})
def _correlate(b0, b1, src, esrc, eoff, ptr, wm, bias, out):
    """out[g·R + r, p] = bias[g·R + r] + Σ_{e in ptr[r]:ptr[r+1]} wm[g, e] · src[esrc[e], eoff[e] + p],

    for the positions p of blocks b0..b1−1 (block b holds p in [b·_BLOCK, (b+1)·_BLOCK)). Entries
    go four at a time so each pass over the accumulator does four FMAs per load and store of it;
    every shifted row is a slice indexed by the bare loop variable, which keeps the loop free of
    index arithmetic and lets it vectorise.
    """
    G = wm.shape[0]
    R = ptr.shape[0] - 1
    L = out.shape[1]
    for p0 in range(b0 * _BLOCK, min(L, b1 * _BLOCK), _BLOCK):
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


@njit(cache=True, nogil=True, error_model="numpy", fastmath={"contract", "reassoc"})
def _weight_grad(j0, j1, bounds, gyrows, front, xrows, tsrc, toff, gwp, gbp):
    """For jobs j in j0..j1−1, over the positions p in [bounds[j], bounds[j+1]):

    gwp[j, f, t] = Σ_p gy[f, p] · x[tsrc[t], toff[t] + p]  and  gbp[j, f] = Σ_p gy[f, p].

    ``reassoc`` lets the compiler split each sum into vector lanes; the split is fixed when the
    function is compiled, so the result is still the same on every run.
    """
    F, T = gwp.shape[1], gwp.shape[2]
    zero = gyrows.dtype.type(0)
    for j in range(j0, j1):
        q0, q1 = bounds[j], bounds[j + 1]
        gw, gb = gwp[j], gbp[j]
        for f in range(F):
            g = gyrows[f, front + q0:front + q1]
            t = 0
            while t + 4 <= T:
                x0 = xrows[tsrc[t], toff[t] + q0:toff[t] + q1]
                x1 = xrows[tsrc[t + 1], toff[t + 1] + q0:toff[t + 1] + q1]
                x2 = xrows[tsrc[t + 2], toff[t + 2] + q0:toff[t + 2] + q1]
                x3 = xrows[tsrc[t + 3], toff[t + 3] + q0:toff[t + 3] + q1]
                a0 = a1 = a2 = a3 = zero
                for p in range(q1 - q0):
                    a0 += g[p] * x0[p]
                    a1 += g[p] * x1[p]
                    a2 += g[p] * x2[p]
                    a3 += g[p] * x3[p]
                gw[f, t], gw[f, t + 1], gw[f, t + 2], gw[f, t + 3] = a0, a1, a2, a3
                t += 4
            while t < T:
                x0 = xrows[tsrc[t], toff[t] + q0:toff[t] + q1]
                a0 = zero
                for p in range(q1 - q0):
                    a0 += g[p] * x0[p]
                gw[f, t] = a0
                t += 1
            s = zero
            for p in range(q1 - q0):
                s += g[p]
            gb[f] = s


@lru_cache(maxsize=64)
def _plan(N, C, F, KH, KW, H, W, sh, sw, ph, pw):
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
    L = N * Hq * Wq
    jobs = max(1, min(_WEIGHT_JOBS, -(-L // _BLOCK)))

    def as64(a):
        return np.ascontiguousarray(a, dtype=np.int64)
    return dict(OH=OH, OW=OW, Hq=Hq, Wq=Wq, L=L, reach=reach, blocks=-(-L // _BLOCK),
                tsrc=as64(tsrc), toff=as64(toff), fptr=as64([0, C * T1]),
                bsrc=as64(bf), boff=as64(boff), bptr=as64(bptr), wmb_index=as64(wmb_index),
                bounds=as64([L * j // jobs for j in range(jobs + 1)]))


def _phases(shape, k, sh, sw, ph, pw):
    """For each phase (rh, rw): its rows in the (C, sh, sw, N, Hq, Wq) layout and its pixels of an
    (N, C, H, W) image, as a pair of index tuples (pixel (i·sh + rh − ph, j·sw + rw − pw))."""
    H, W = shape[2], shape[3]
    for rh in range(sh):
        i0, i1 = max(0, -((rh - ph) // sh)), min(k["Hq"], -((rh - ph - H) // sh))     # rows inside the image
        for rw in range(sw):
            j0, j1 = max(0, -((rw - pw) // sw)), min(k["Wq"], -((rw - pw - W) // sw))
            h0, w0 = i0 * sh + rh - ph, j0 * sw + rw - pw
            yield ((slice(None), rh, rw, slice(None), slice(i0, i1), slice(j0, j1)),
                   (slice(None), slice(None), slice(h0, h0 + (i1 - i0 - 1) * sh + 1, sh),
                    slice(w0, w0 + (j1 - j0 - 1) * sw + 1, sw)))


def _to_rows(x, k, sh, sw, ph, pw):
    """x (N, C, H, W) as zero-padded phase rows (C·sh·sw, N·Hq·Wq + reach) (module docstring)."""
    N, C = x.shape[:2]
    rows = np.zeros((C * sh * sw, k["L"] + k["reach"]), x.dtype)
    grid = rows[:, :k["L"]].reshape(C, sh, sw, N, k["Hq"], k["Wq"])
    for to, frm in _phases(x.shape, k, sh, sw, ph, pw):
        grid[to] = x[frm].transpose(1, 0, 2, 3)
    return rows


def _from_rows(rows, shape, k, sh, sw, ph, pw):
    """The inverse of :func:`_to_rows`: the image pixels (N, C, H, W) held in phase rows."""
    N, C = shape[:2]
    grid = rows[:, :k["L"]].reshape(C, sh, sw, N, k["Hq"], k["Wq"])
    x = np.empty(shape, rows.dtype)
    for frm, to in _phases(shape, k, sh, sw, ph, pw):
        x[to] = grid[frm].transpose(1, 0, 2, 3)
    return x


def conv2d_forward_numba(x, w, b, stride, padding):
    """Numba twin of :func:`minnet.kernels.conv.conv2d_forward_numpy` (same arguments, same result)."""
    method = conv_gemm_numba.forward if uses_gemm(*w.shape) else direct_forward
    return method(x, w, b, stride, padding)


def conv2d_backward_numba(gy, x, w, stride, padding, input_grad=True):
    """Numba twin of :func:`minnet.kernels.conv.conv2d_backward_numpy`: returns (gx or None, gw, gb)."""
    method = conv_gemm_numba.backward if uses_gemm(*w.shape) else direct_backward
    return method(gy, x, w, stride, padding, input_grad)


def direct_forward(x, w, b, stride, padding):
    """conv2d forward with the direct loops: x (N, C, H, W), w (F, C, KH, KW) -> y (N, F, OH, OW)."""
    N, C, H, W = x.shape
    F, _, KH, KW = w.shape
    (sh, sw), (ph, pw) = stride, padding
    k = _plan(N, C, F, KH, KW, H, W, sh, sw, ph, pw)
    bias = np.zeros(F, x.dtype) if b is None else b
    out = np.empty((F, k["L"]), x.dtype)
    seconds = k["L"] * w.size / LOOP_MACS_PER_SECOND
    rows = _to_rows(x, k, sh, sw, ph, pw)
    run_jobs(_correlate, k["blocks"], seconds, rows, k["tsrc"], k["toff"], k["fptr"], w.reshape(F, -1), bias, out)
    y = out.reshape(F, N, k["Hq"], k["Wq"])[:, :, :k["OH"], :k["OW"]]       # drop the wasted positions
    return np.ascontiguousarray(y.transpose(1, 0, 2, 3))


def direct_backward(gy, x, w, stride, padding, input_grad=True):
    """conv2d backward with the direct loops -> (gx or None, gw, gb)."""
    N, C, H, W = x.shape
    F, _, KH, KW = w.shape
    (sh, sw), (ph, pw) = stride, padding
    k = _plan(N, C, F, KH, KW, H, W, sh, sw, ph, pw)
    L, reach = k["L"], k["reach"]
    seconds = L * w.size / LOOP_MACS_PER_SECOND
    xrows = _to_rows(x, k, sh, sw, ph, pw)
    gyrows = np.zeros((F, reach + L), x.dtype)                   # gy on the forward grid, zeros elsewhere
    gyrows[:, reach:].reshape(F, N, k["Hq"], k["Wq"])[:, :, :k["OH"], :k["OW"]] = gy.transpose(1, 0, 2, 3)
    gx = None
    if input_grad:
        out = np.empty((C * sh * sw, L), x.dtype)
        run_jobs(_correlate, k["blocks"], seconds, gyrows, k["bsrc"], k["boff"], k["bptr"],
                 w.reshape(-1)[k["wmb_index"]], np.zeros(C * sh * sw, x.dtype), out)
        gx = _from_rows(out, x.shape, k, sh, sw, ph, pw)
    jobs = len(k["bounds"]) - 1
    gwp = np.empty((jobs, F, C * KH * KW), x.dtype)
    gbp = np.empty((jobs, F), x.dtype)
    run_jobs(_weight_grad, jobs, seconds, k["bounds"], gyrows, reach, xrows, k["tsrc"], k["toff"], gwp, gbp)
    return gx, gwp.sum(axis=0).reshape(w.shape), gbp.sum(axis=0)


def conv1d_forward_numba(x, w, b, stride, padding):
    """Numba twin of :func:`minnet.kernels.conv.conv1d_forward_numpy`: conv2d on images one pixel high."""
    y = conv2d_forward_numba(x[:, :, None, :], w[:, :, None, :], b, (1, stride), (0, padding))
    return y[:, :, 0, :]


def conv1d_backward_numba(gy, x, w, stride, padding, input_grad=True):
    """Numba twin of :func:`minnet.kernels.conv.conv1d_backward_numpy`: returns (gx or None, gw, gb)."""
    gx, gw, gb = conv2d_backward_numba(gy[:, :, None, :], x[:, :, None, :], w[:, :, None, :],
                                       (1, stride), (0, padding), input_grad)
    return None if gx is None else gx[:, :, 0, :], gw[:, :, 0, :], gb
