"""``DataLoader``: mini-batches of NumPy arrays, reshuffled every epoch."""
from __future__ import annotations

from typing import Iterator

import numpy as np

from minnet._random import rng_from
from minnet.data import _checks


class DataLoader:
    """Iterate over ``(X_batch, y_batch)`` mini-batches of ``(X, y)``.

    One pass (``for xb, yb in loader``) is one epoch: every sample appears in
    exactly one batch. With ``shuffle=True`` each epoch visits the samples in a
    new random order drawn from the loader's own generator; that generator is
    seeded by ``seed``, or, when ``seed=None``, by a draw from minnet's generator
    at construction (so ``mn.manual_seed`` fixes it as well).

    Batches have ``batch_size`` samples, except the last one of an epoch, which
    holds the ``len(X) % batch_size`` samples left over; ``drop_last=True``
    skips that short batch instead (its samples are then not seen that epoch).
    ``len(loader)`` is the number of batches per epoch:
    ``ceil(N / batch_size)``, or ``floor(N / batch_size)`` with ``drop_last``.

    ``y=None`` is allowed (unlabelled data): iterating then yields the ``X``
    batches alone, not pairs.

    Shapes: ``X`` is ``(N, ...)`` and ``y`` is ``(N, ...)``; a batch is
    ``(B, ...)`` of each, with ``B <= batch_size``. Batches are copies, so
    changing one leaves ``X`` and ``y`` untouched.

    >>> X, y = np.arange(10.0).reshape(5, 2), np.arange(5)
    >>> loader = DataLoader(X, y, batch_size=2, shuffle=False)
    >>> len(loader), [yb.tolist() for _, yb in loader]
    (3, [[0, 1], [2, 3], [4]])
    """

    def __init__(self, X, y=None, batch_size: int = 32, shuffle: bool = True, seed=None,
                 drop_last: bool = False):
        fn = "DataLoader"
        if y is None and isinstance(X, (tuple, list)) and len(X) == 2 \
                and all(getattr(a, "ndim", 0) >= 1 for a in X) and len(X[0]) == len(X[1]):
            # fit's (X, y) pair given as X: it would be read as two samples, or not at all
            raise TypeError(f"{fn}: X is a pair of arrays of {len(X[0])} samples each, which looks like (X, y); "
                            f"pass them as two arguments: DataLoader(X, y, batch_size={batch_size!r})")
        self.X = _checks.numeric(fn, X)
        self.y = None if y is None else _checks.numeric(fn, y, name="y")
        if self.y is not None:
            _checks.same_length(fn, self.X, self.y)
        if len(self.X) == 0:
            raise ValueError(f"{fn}: X has no samples")
        self.batch_size = _checks.positive_int(fn, "batch_size", batch_size)
        self.shuffle = bool(shuffle)
        self.drop_last = bool(drop_last)
        if self.drop_last and self.batch_size > len(self.X):
            raise ValueError(f"{fn}: drop_last=True with batch_size={self.batch_size} larger than the "
                             f"{len(self.X)} samples would give no batch at all")
        # A generator of its own, so that other draws between epochs do not change the order.
        # An unshuffled loader draws nothing, so making one never shifts minnet's random stream.
        if not shuffle:
            self._rng = None
        elif seed is not None:
            self._rng = rng_from(seed)
        else:
            self._rng = np.random.default_rng(rng_from(None).integers(2**63))

    def __len__(self) -> int:
        n = len(self.X)
        return n // self.batch_size if self.drop_last else -(-n // self.batch_size)

    def __iter__(self) -> Iterator:
        n = len(self.X)
        order = self._rng.permutation(n) if self.shuffle else np.arange(n)
        for b in range(len(self)):
            idx = order[b * self.batch_size:(b + 1) * self.batch_size]
            if self.y is None:
                yield self.X[idx]
            else:
                yield self.X[idx], self.y[idx]

    @property
    def num_samples(self) -> int:
        """How many samples the loader holds (``len(X)``)."""
        return len(self.X)

    def __repr__(self) -> str:
        return (f"DataLoader({self.num_samples} samples, batch_size={self.batch_size}, "
                f"{len(self)} batches, shuffle={self.shuffle}, drop_last={self.drop_last})")
