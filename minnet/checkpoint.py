"""Checkpoints: ``mn.save(model, path)`` and ``mn.load(path)``, as plain ``.npz`` files, never pickle.

An ``.npz`` file is a zip of ``.npy`` arrays, one per state-dict entry (``"0.weight"``,
``"bn.running_mean"``, ...). A pickle can run arbitrary code when loaded, so a file that needs
one (object arrays) is refused, and so is anything else that is not an array of numbers. A file
that is empty, cut short or damaged is reported with its name and the entry that cannot be read.

    mn.save(model, "model.npz")
    model.load_state_dict(mn.load("model.npz"))      # bit-exact: same dtype, same bits
"""
from __future__ import annotations

import os
import zipfile
import zlib
from collections import OrderedDict

import numpy as np

from .nn.module import Module, as_state_array

_NPY_MAGIC = b"\x93NUMPY"
_PICKLE_MAGIC = b"\x80"


def save(model_or_state: Module | dict, path: str | os.PathLike) -> str:
    """Write a module's ``state_dict()`` (or a ``{name: array}`` dict) to ``path`` as ``.npz``.

    The file is written at exactly ``path`` (NumPy would otherwise add ``.npz`` to a name without
    it). Values must be arrays of numbers (Tensors, numbers and lists of equal lengths are
    converted); anything else is refused, naming the key, before the file is touched. Returns the path.
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
        try:
            arrays[key] = as_state_array(value)
        except (TypeError, ValueError) as err:
            raise type(err)(f"mn.save: {key!r} {err}") from None
    path = os.fspath(path)
    with open(path, "wb") as f:
        np.savez(f, **arrays)
    return path


def load(path: str | os.PathLike) -> "OrderedDict[str, np.ndarray]":
    """Read a checkpoint written by :func:`save`: an ordered dict ``name -> array``.

    Pass it to ``model.load_state_dict(...)``, which checks that names, shapes and dtypes fit the
    model and says which do not. Raises ValueError, naming the file (and the entry), for a file
    that is empty, cut short, damaged, not a checkpoint, or holds anything but arrays of numbers.
    """
    path = os.fspath(path)
    if not os.path.exists(path):
        hint = f" (did you mean {path}.npz?)" if os.path.exists(path + ".npz") else ""
        raise FileNotFoundError(f"mn.load: no such file {path!r}{hint}")
    with open(path, "rb") as f:
        head = f.read(len(_NPY_MAGIC))
    if not head:
        raise ValueError(f"mn.load: {path!r} is empty (0 bytes); the save that wrote it was probably "
                         "interrupted. Save the model again")
    if head.startswith(_NPY_MAGIC):
        raise ValueError(f"mn.load: {path!r} holds a single array (.npy), not a checkpoint; write one "
                         "with mn.save")
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        raise ValueError(_not_a_zip(path, head)) from None
    state = OrderedDict()
    with archive:
        for info in archive.infolist():
            key, array = _read_entry(path, archive, info)
            state[key] = array
    return state


def _not_a_zip(path: str, head: bytes) -> str:
    if head.startswith(b"PK"):   # the zip's first entry is there, its directory (at the end) is not
        return (f"mn.load: {path!r} is cut short or damaged: its zip directory cannot be read. The "
                "save that wrote it was probably interrupted; save the model again")
    if head.startswith(_PICKLE_MAGIC):
        return (f"mn.load: refusing to load {path!r}: it looks like a pickle, which can run arbitrary "
                "code when loaded; minnet checkpoints are .npz files of numeric arrays (mn.save)")
    return f"mn.load: {path!r} is not a minnet checkpoint (an .npz file written by mn.save)"


def _read_entry(path: str, archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> tuple[str, np.ndarray]:
    """``(name, array)`` of one member of the zip, after checking (from its header) that it holds numbers."""
    if info.is_dir() or not info.filename.endswith(".npy"):
        raise ValueError(f"mn.load: {path!r} holds {info.filename!r}, which is not a NumPy array; a "
                         "minnet checkpoint holds only arrays (.npy members), as mn.save writes them")
    key = info.filename[:-len(".npy")]
    try:
        with archive.open(info) as f:
            dtype = _header_dtype(path, info.filename, f)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as err:
        raise ValueError(f"mn.load: {path!r} is damaged: entry {key!r} cannot be read ({err})") from None
    if dtype.hasobject:
        raise ValueError(f"mn.load: refusing to load {path!r}: entry {key!r} is an object array, which "
                         "needs pickle (and pickle can run arbitrary code); minnet checkpoints hold "
                         "numeric arrays only")
    if dtype.kind not in "biufc":
        raise ValueError(f"mn.load: {path!r}: entry {key!r} holds dtype {dtype}, not numbers; minnet "
                         "checkpoints hold numeric arrays only")
    try:
        with archive.open(info) as f:
            return key, np.lib.format.read_array(f, allow_pickle=False)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError) as err:
        raise ValueError(f"mn.load: {path!r} is damaged: entry {key!r} cannot be read ({err})") from None


def _header_dtype(path: str, member: str, f) -> np.dtype:
    """The dtype announced by the header of the ``.npy`` stream ``f`` (read without reading the data)."""
    if f.read(len(_NPY_MAGIC)) != _NPY_MAGIC:
        raise ValueError(f"mn.load: {path!r} holds {member!r}, which is not a NumPy array (it does not "
                         "start like one); a minnet checkpoint holds only arrays, as mn.save writes them")
    f.seek(0)
    try:
        version = np.lib.format.read_magic(f)
        read_header = (np.lib.format.read_array_header_1_0 if version == (1, 0)
                       else np.lib.format.read_array_header_2_0)
        _shape, _fortran_order, dtype = read_header(f)
    except (ValueError, TypeError, SyntaxError) as err:
        raise ValueError(f"mn.load: {path!r} is damaged: entry {member[:-len('.npy')]!r} has an "
                         f"unreadable array header ({err})") from None
    return dtype
