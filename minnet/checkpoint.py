"""Checkpoints: ``mn.save(model, path)`` and ``mn.load(path)``, as plain ``.npz`` files, never pickle.

An ``.npz`` file is a zip of ``.npy`` arrays, one per state-dict entry (``"0.weight"``,
``"bn.running_mean"``, ...). Loading uses ``np.load(..., allow_pickle=False)``: a pickle can run
arbitrary code when loaded, so a file that needs one (object arrays) is refused.

    mn.save(model, "model.npz")
    model.load_state_dict(mn.load("model.npz"))      # bit-exact: same dtype, same bits
"""
from __future__ import annotations

import os
import zipfile
from collections import OrderedDict

import numpy as np

from .autograd import Tensor
from .nn.module import Module


def save(model_or_state: Module | dict, path: str | os.PathLike) -> str:
    """Write a module's ``state_dict()`` (or a ``{name: array}`` dict) to ``path`` as ``.npz``.

    The file is written at exactly ``path`` (NumPy would otherwise add ``.npz`` to a name without
    it). Values must be numeric arrays (Tensors and numbers are converted); anything that would
    need pickle is refused. Returns the path.
    """
    if isinstance(model_or_state, Module):
        state = model_or_state.state_dict()
    elif isinstance(model_or_state, dict):
        state = model_or_state
    else:
        raise TypeError(f"mn.save: expected a Module or a dict of arrays, got {type(model_or_state).__name__}")
    arrays = OrderedDict()
    for key, value in state.items():
        if not isinstance(key, str):
            raise TypeError(f"mn.save: keys must be strings, got {key!r}")
        arr = np.asarray(value.data if isinstance(value, Tensor) else value)
        if arr.dtype.hasobject:
            raise TypeError(f"mn.save: {key!r} is a {type(value).__name__} that NumPy can only store as an "
                            "object array, which needs pickle; save numeric arrays only")
        arrays[key] = arr
    path = os.fspath(path)
    with open(path, "wb") as f:
        np.savez(f, **arrays)
    return path


def load(path: str | os.PathLike) -> "OrderedDict[str, np.ndarray]":
    """Read a checkpoint written by :func:`save`: an ordered dict ``name -> array``.

    Pass it to ``model.load_state_dict(...)``, which checks that names and shapes fit the model and
    says which do not. Files holding object arrays (pickled data) are refused.
    """
    path = os.fspath(path)
    if not os.path.exists(path):
        hint = f" (did you mean {path}.npz?)" if os.path.exists(path + ".npz") else ""
        raise FileNotFoundError(f"mn.load: no such file {path!r}{hint}")
    try:
        npz = np.load(path, allow_pickle=False)
    except ValueError as err:     # a bare .npy of objects, or a pickle file
        raise ValueError(f"mn.load: refusing to load {path!r}: it is not a minnet checkpoint (.npz of "
                         f"numeric arrays) and would need pickle, which can run arbitrary code ({err})") from None
    if not isinstance(npz, np.lib.npyio.NpzFile):
        raise ValueError(f"mn.load: {path!r} holds a single array, not a checkpoint; write one with mn.save")
    state = OrderedDict()
    with npz:
        for key in npz.files:
            try:
                state[key] = npz[key]
            except ValueError:
                raise ValueError(f"mn.load: refusing to load {path!r}: entry {key!r} is an object array, "
                                 "which needs pickle (and pickle can run arbitrary code); minnet "
                                 "checkpoints hold numeric arrays only") from None
            except zipfile.BadZipFile as err:
                raise ValueError(f"mn.load: {path!r} is damaged ({err})") from None
    return state
