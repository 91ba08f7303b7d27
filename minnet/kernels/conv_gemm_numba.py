"""Wide convolutions as im2col + GEMM, slice by slice of the batch: the method of ``conv.py``, fast.

``conv.py`` builds the im2col matrix of the whole batch and makes one matrix product. Here the
batch is cut into jobs of a few images, fixed by the shapes alone, that run on the cores side by
side (``_threads.py``). A job goes through its images in chunks: it copies a chunk's windows into a
column matrix with a compiled loop (:func:`_im2col`, the twin of ``conv.im2col_numpy``) and hands
the matrix products to BLAS, on one thread. With cols a chunk's (C·KH·KW, n·OH·OW) columns and G
its gy as a (F, n·OH·OW) matrix:

    y   = W @ cols + b          gW += G @ colsᵀ          gx = col2im(Wᵀ @ G)

where col2im is :func:`_im2col` run backwards (the twin of ``conv.col2im_numpy``); gb = Σ gy is
taken over the whole batch at once. A chunk's column matrix (about a megabyte) is one buffer
reused by the next chunk, so it stays in the cache instead of coming fresh from memory each time.
Every job writes its own images of y and gx and its own partial weight gradient, added in job
order afterwards: the results are the same bit for bit with any number of threads.
"""
from __future__ import annotations

import numpy as np
from numba import njit

from ._threads import GEMM_MACS_PER_SECOND, run_jobs
from .conv import output_size

_JOB_WORK = 4_000_000      # multiply-adds a job should have at least (a few tens of µs of GEMM)
_MAX_JOBS = 8              # at most this many partial weight gradients to add up
_CHUNK_BYTES = 1 << 20     # a job goes through its images in chunks of about this many bytes of columns


@njit(cache=True, nogil=True, error_model="numpy")
def _im2col(x, n0, n1, sh, sw, ph, pw, OH, OW, rows, cols_in, cols, adjoint):
    """im2col of images n0 <= n < n1, or with adjoint=True its adjoint (col2im), in one loop:

        cols[(c·KH + u)·KW + v, (n − n0)·OH·OW + i·OW + j] = x[n, c, i·sh + u − ph, j·sw + v − pw]
        adjoint:  x[n] = 0, then x[n, c, i·sh + u − ph, j·sw + v − pw] += that column entry

    wherever the pixel lies inside the image: for tap (u, v) the rows rows[u, 0] <= i < rows[u, 1]
    and the columns cols_in[v, 0] <= j < cols_in[v, 1] (:func:`_inside`). The column entries that
    fall on the padding are neither written nor read: they are the same for every image, so the
    caller zeroes its buffer once and reuses it. Each sum of the adjoint is taken in one fixed
    order (c, u, v, i, j). The indices are unsigned so that the compiler need not test them for
    negative (wrap-around) values, which keeps the copy loops tight.
    """
    C, H, W = x.shape[1], x.shape[2], x.shape[3]
    KH, KW = rows.shape[0], cols_in.shape[0]
    image, col, L = x.reshape(-1), cols.reshape(-1), cols.shape[1]
    if adjoint:
        for n in range(n0, n1):
            x[n] = 0
    for c in range(C):
        for u in range(KH):
            for v in range(KW):
                j0, j1 = cols_in[v, 0], cols_in[v, 1]
                for n in range(n0, n1):
                    for i in range(rows[u, 0], rows[u, 1]):
                        d = np.uint64(((c * KH + u) * KW + v) * L + ((n - n0) * OH + i) * OW + j0)
                        s = np.uint64(((n * C + c) * H + i * sh + u - ph) * W + j0 * sw + v - pw)
                        if adjoint:
                            for j in range(np.uint64(j1 - j0)):
                                image[s + j * np.uint64(sw)] += col[d + j]
                        else:
                            for j in range(np.uint64(j1 - j0)):
                                col[d + j] = image[s + j * np.uint64(sw)]


def _inside(kernel, stride, padding, size, out):
    """For each tap k of one axis, the outputs [o0, o1) whose pixel o·stride + k − padding is in the image."""
    ranges = [(min(out, max(0, -((k - padding) // stride))), min(out, -((k - padding - size) // stride)))
              for k in range(kernel)]
    return np.array([(o0, max(o0, o1)) for o0, o1 in ranges], dtype=np.int64).reshape(kernel, 2)


def _geometry(x, w, stride, padding):
    """(the im2col arguments, images per job, jobs, images per chunk) of one call."""
    N, C, H, W = x.shape
    F, _, KH, KW = w.shape
    (sh, sw), (ph, pw) = stride, padding
    OH, OW = output_size(H, KH, sh, ph), output_size(W, KW, sw, pw)
    geo = (sh, sw, ph, pw, OH, OW, _inside(KH, sh, ph, H, OH), _inside(KW, sw, pw, W, OW))
    jobs = max(1, min(N, _MAX_JOBS, N * OH * OW * w.size // _JOB_WORK))
    group = -(-N // jobs) if N else 1
    chunk = max(1, min(group, _CHUNK_BYTES // (w[0].size * OH * OW * x.itemsize)))
    return geo, group, -(-N // group), chunk


def _chunks(job, group, chunk, N):
    """The (first, end) images of each chunk of a job."""
    end = min(N, (job + 1) * group)
    return [(n0, min(end, n0 + chunk)) for n0 in range(job * group, end, chunk)]


def _forward_jobs(j0, j1, x, w2, b, geo, group, chunk, y):
    N, F, OH, OW = y.shape
    cols = np.zeros((w2.shape[1], chunk * OH * OW), x.dtype)      # reused by every chunk (see _im2col)
    out = np.empty((F, chunk * OH * OW), x.dtype)
    for job in range(j0, j1):
        for n0, n1 in _chunks(job, group, chunk, N):
            m = (n1 - n0) * OH * OW
            _im2col(x, n0, n1, *geo, cols, False)
            np.matmul(w2, cols[:, :m], out=out[:, :m])                        # BLAS
            target = y[n0:n1].reshape(n1 - n0, F, OH * OW).transpose(1, 0, 2)
            if b is None:
                target[...] = out[:, :m].reshape(F, n1 - n0, OH * OW)
            else:
                np.add(out[:, :m].reshape(F, n1 - n0, OH * OW), b[:, None, None], out=target)


def forward(x, w, b, stride, padding):
    """conv2d forward as im2col + GEMM per job: x (N, C, H, W), w (F, C, KH, KW) -> y (N, F, OH, OW)."""
    geo, group, jobs, chunk = _geometry(x, w, stride, padding)
    y = np.empty((x.shape[0], w.shape[0], geo[4], geo[5]), x.dtype)
    run_jobs(_forward_jobs, jobs, y.size * w[0].size / GEMM_MACS_PER_SECOND,
             x, w.reshape(w.shape[0], -1), b, geo, group, chunk, y)
    return y


def _backward_jobs(j0, j1, gy, x, w2, geo, group, chunk, input_grad, gx, gwp):
    N, F, OH, OW = gy.shape
    cols = np.zeros((w2.shape[1], chunk * OH * OW), x.dtype)      # reused by every chunk (see _im2col)
    gcols = np.empty_like(cols)
    g = np.empty((F, chunk * OH * OW), x.dtype)                  # a chunk's gy as one (F, n·OH·OW) matrix
    part = np.empty_like(gwp[0])
    for job in range(j0, j1):
        gwp[job] = 0
        for n0, n1 in _chunks(job, group, chunk, N):
            m = (n1 - n0) * OH * OW
            _im2col(x, n0, n1, *geo, cols, False)
            g[:, :m].reshape(F, n1 - n0, OH * OW)[...] = gy[n0:n1].reshape(n1 - n0, F, OH * OW).transpose(1, 0, 2)
            gwp[job] += np.matmul(g[:, :m], cols[:, :m].T, out=part)
            if input_grad:
                np.matmul(w2.T, g[:, :m], out=gcols[:, :m])
                _im2col(gx, n0, n1, *geo, gcols, True)


def backward(gy, x, w, stride, padding, input_grad=True):
    """conv2d backward as im2col + GEMM per job -> (gx or None, gw, gb)."""
    geo, group, jobs, chunk = _geometry(x, w, stride, padding)
    F = w.shape[0]
    gx = np.empty_like(x) if input_grad else None
    gwp = np.empty((jobs, F, w[0].size), x.dtype)
    seconds = (2 if input_grad else 1) * gy.size * w[0].size / GEMM_MACS_PER_SECOND
    run_jobs(_backward_jobs, jobs, seconds, gy, x, w.reshape(F, -1), geo, group, chunk, bool(input_grad), gx, gwp)
    return gx, gwp.sum(axis=0).reshape(w.shape), gy.sum(axis=(0, 2, 3))
