"""Local frames: describe each sample's points relative to the sample itself, not to the room.

Positions measured in a global frame (a motion-capture studio, a camera image) change when the same
thing moves or turns, so things we know are the same get very different numbers. Expressing every
sample in its own frame, centred on its centre of mass and turned to face one way, gives them
similar numbers again; the network no longer has to learn every position and orientation apart.
"""
from __future__ import annotations

import numbers

import numpy as np

from minnet.data import _checks


def local_frame(X, forward: tuple[int, int] = (0, 1)) -> np.ndarray:
    """Centre each sample's 2-D points on their mean and turn them so that ``forward`` points along +x.

    For sample ``n`` with points ``x_1 .. x_P``, centroid ``m = mean_i x_i`` and forward direction
    ``d = x_b - x_a`` (``forward = (a, b)``, two point indices), at angle ``θ = atan2(d_y, d_x)``::

        x'_i = R(-θ) (x_i - m),    R(-θ) = [[cos θ, sin θ], [-sin θ, cos θ]]

    so a pattern gets the same coordinates wherever it stands and whichever way it faces (a
    mirrored pattern stays mirrored). A fixed rule with nothing learnt, so every split gets it alike.

    Shapes: ``(N, P, 2)`` -> ``(N, P, 2)`` float (the dtype of float input, else float32).

    >>> facing_up = np.array([[[1.0, 1.0], [1.0, 2.0], [1.0, 3.0]]])     # a line at (1, 2), facing +y
    >>> (local_frame(facing_up).round(6) + 0.0).tolist()                  # + 0.0 turns -0.0 into 0.0
    [[[-1.0, 0.0], [0.0, 0.0], [1.0, 0.0]]]
    """
    fn = "local_frame"
    X = _checks.numeric(fn, X)
    if X.ndim != 3 or X.shape[2] != 2:
        raise ValueError(f"{fn}: X must hold 2-D points, shape (N, P, 2), got shape {X.shape}")
    points = X.shape[1]
    ok = (isinstance(forward, (tuple, list)) and len(forward) == 2 and
          all(isinstance(i, numbers.Integral) and not isinstance(i, bool) and -points <= i < points
              for i in forward) and forward[0] % points != forward[1] % points)
    if not ok:
        raise ValueError(f"{fn}: forward must be two different point indices (a, b) of the {points} points, "
                         f"got {forward!r}")
    dtype = X.dtype if X.dtype.kind == "f" else np.dtype(np.float32)
    X64 = X.astype(np.float64)
    centred = X64 - X64.mean(axis=1, keepdims=True)
    d = X64[:, forward[1]] - X64[:, forward[0]]
    theta = np.arctan2(d[:, 1], d[:, 0])[:, None]
    cos, sin = np.cos(theta), np.sin(theta)
    x, y = centred[..., 0], centred[..., 1]
    return np.stack([cos * x + sin * y, -sin * x + cos * y], axis=-1).astype(dtype)
