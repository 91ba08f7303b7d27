"""Checkpoints: .npz round trips bit-exactly, pickle is refused, mismatches are named."""
import io
import pickle  # to write a pickle file the test expects mn.load to refuse
import re
import zipfile

import numpy as np
import pytest

import minnet as mn
from minnet import nn


def _model():
    model = nn.Sequential(nn.Dense(4, 8), nn.BatchNorm1D(8), nn.ReLU(), nn.Dense(8, 3))
    model.register_buffer("steps", np.array(3, dtype=np.int64))
    return model


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_round_trip_is_bit_exact(tmp_path, dtype):
    mn.set_default_dtype(dtype)
    a = _model()
    for p in a.parameters():
        p.data[...] = np.random.default_rng(0).standard_normal(p.shape) / 3   # not representable in few bits
    a(np.random.default_rng(2).standard_normal((6, 4)))                  # running statistics move
    a.eval()
    path = mn.save(a, tmp_path / "model.npz")
    mn.manual_seed(99)
    b = _model()
    b.load_state_dict(mn.load(path))
    b.eval()
    for (ka, va), (kb, vb) in zip(a.state_dict().items(), b.state_dict().items()):
        integer = ka in ("steps", "1.num_batches_tracked")
        assert ka == kb and va.dtype == vb.dtype == (np.int64 if integer else dtype)
        assert va.tobytes() == vb.tobytes()
    assert b[1].num_batches_tracked == 1 and np.any(b[1].running_mean != 0)
    x = np.random.default_rng(1).standard_normal((5, 4)).astype(dtype)
    assert a(x).data.tobytes() == b(x).data.tobytes()


def test_load_returns_names_in_order(tmp_path):
    state = _model().state_dict()
    mn.save(state, tmp_path / "s.npz")
    loaded = mn.load(tmp_path / "s.npz")
    assert list(loaded) == list(state) == ["steps", "0.weight", "0.bias", "1.weight", "1.bias", "1.running_mean",
                                           "1.running_var", "1.num_batches_tracked", "3.weight", "3.bias"]


def test_the_file_is_written_at_exactly_the_given_path(tmp_path):
    path = tmp_path / "weights.ckpt"
    mn.save(_model(), path)
    assert path.exists() and not (tmp_path / "weights.ckpt.npz").exists()
    assert "0.weight" in mn.load(path)


def test_tensors_and_numbers_can_be_saved(tmp_path):
    mn.save({"w": mn.Tensor(np.ones(2)), "step": 7}, tmp_path / "t.npz")
    loaded = mn.load(tmp_path / "t.npz")
    assert loaded["w"].tolist() == [1.0, 1.0] and loaded["step"] == 7


def test_object_arrays_are_refused_when_saving(tmp_path):
    with pytest.raises(TypeError, match="pickle"):
        mn.save({"bad": {"a": 1}}, tmp_path / "x.npz")
    with pytest.raises(TypeError, match="Module or a dict"):
        mn.save([1, 2], tmp_path / "x.npz")


def test_files_that_need_pickle_are_refused(tmp_path):
    path = tmp_path / "evil.npz"
    np.savez(path, ok=np.ones(2), bad=np.array([{"x": 1}], dtype=object))
    with pytest.raises(ValueError, match=r"'bad' is an object array.*pickle"):
        mn.load(path)
    objects = tmp_path / "objects.npy"
    np.save(objects, np.array([None, 1], dtype=object), allow_pickle=True)   # writing only, never loading
    with pytest.raises(ValueError, match=r"holds a single array \(.npy\), not a checkpoint"):
        mn.load(objects)
    pickled = tmp_path / "model.pkl"
    pickled.write_bytes(pickle.dumps({"w": [1.0, 2.0]}))                      # writing only, never loading
    with pytest.raises(ValueError, match=r"refusing to load .*model.pkl': it looks like a pickle"):
        mn.load(pickled)


def test_missing_file_and_single_arrays(tmp_path):
    with pytest.raises(FileNotFoundError, match="no such file"):
        mn.load(tmp_path / "nothing.npz")
    np.save(tmp_path / "one.npy", np.ones(3))
    with pytest.raises(ValueError, match="single array"):
        mn.load(tmp_path / "one.npy")


def test_loading_into_a_different_model_says_which_names_and_shapes_differ(tmp_path):
    path = mn.save(nn.Sequential(nn.Dense(4, 8), nn.ReLU(), nn.Dense(8, 3)), tmp_path / "m.npz")
    other = nn.Sequential(nn.Dense(4, 16), nn.ReLU(), nn.Dense(16, 3), nn.Dense(3, 1))
    with pytest.raises(RuntimeError) as info:
        other.load_state_dict(mn.load(path))
    msg = str(info.value)
    assert "missing keys" in msg and "3.weight" in msg and "3.bias" in msg
    assert "0.weight: shape mismatch: the state has shape (4, 8), the model has (4, 16)" in msg
    assert "2.weight: shape mismatch: the state has shape (8, 3), the model has (16, 3)" in msg


# ---- damaged and foreign files: a clear error naming the file (and the entry), never a raw one ----

def _saved(tmp_path, compressed=False):
    arrays = {"0.weight": np.arange(600.0).reshape(20, 30), "0.bias": np.arange(30.0)}
    path = tmp_path / "m.npz"
    (np.savez_compressed if compressed else np.savez)(path, **arrays)
    return path, path.read_bytes()


def _write(tmp_path, data: bytes, name="bad.npz"):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def _zip(tmp_path, members: dict, name="bad.npz"):
    path = tmp_path / name
    with zipfile.ZipFile(path, "w") as z:
        for member, data in members.items():
            z.writestr(member, data)
    return path


def test_an_empty_file_is_named(tmp_path):
    path = _write(tmp_path, b"")
    with pytest.raises(ValueError, match=rf"mn.load: {re.escape(repr(str(path)))} is empty \(0 bytes\)"):
        mn.load(path)


@pytest.mark.parametrize("keep", [0.5, 0.99])
def test_a_truncated_file_is_named(tmp_path, keep):
    _, data = _saved(tmp_path)
    path = _write(tmp_path, data[:int(len(data) * keep)])
    with pytest.raises(ValueError, match=rf"mn.load: {re.escape(repr(str(path)))} is cut short or damaged"):
        mn.load(path)


def test_a_file_that_is_not_a_checkpoint_is_named(tmp_path):
    path = _write(tmp_path, b"just some text, not a zip")
    with pytest.raises(ValueError, match=rf"mn.load: {re.escape(repr(str(path)))} is not a minnet checkpoint"):
        mn.load(path)


def test_a_corrupted_entry_names_the_file_and_the_entry(tmp_path):
    _, data = _saved(tmp_path)
    start = data.index(b"\x93NUMPY") + 200           # inside the first array's numbers: the CRC fails
    path = _write(tmp_path, data[:start] + b"\xff" * 40 + data[start + 40:])
    with pytest.raises(ValueError, match=r"mn.load: .*bad.npz' is damaged: entry '0.weight' cannot be read"):
        mn.load(path)


def test_a_corrupted_compressed_entry_names_the_file_and_the_entry(tmp_path):
    _, data = _saved(tmp_path, compressed=True)
    start = data.index(b"0.weight.npy") + 40          # inside the deflated stream: zlib fails
    path = _write(tmp_path, data[:start] + b"\xff" * 40 + data[start + 40:])
    with pytest.raises(ValueError, match=r"is damaged: entry '0.weight' cannot be read"):
        mn.load(path)


def test_a_damaged_header_is_not_mistaken_for_pickle(tmp_path):
    good = io.BytesIO()
    np.save(good, np.ones(3))
    header_broken = good.getvalue().replace(b"'descr'", b"'dexcr'")
    path = _zip(tmp_path, {"w.npy": header_broken})
    with pytest.raises(ValueError) as info:
        mn.load(path)
    assert "is damaged: entry 'w' has an unreadable array header" in str(info.value)
    assert "pickle" not in str(info.value)


@pytest.mark.parametrize("member, data", [("notes.txt", b"hello"), ("w.npy", b"hello, not an array")])
def test_a_member_that_is_not_an_array_is_refused(tmp_path, member, data):
    path = _zip(tmp_path, {member: data})
    with pytest.raises(ValueError, match=rf"holds {re.escape(repr(member))}, which is not a NumPy array"):
        mn.load(path)


def test_non_numeric_arrays_are_refused_when_saving_and_loading(tmp_path):
    with pytest.raises(TypeError, match=r"mn.save: 'names' holds dtype <U3, not numbers"):
        mn.save({"names": np.array(["abc", "de"])}, tmp_path / "x.npz")
    np.savez(tmp_path / "y.npz", names=np.array(["abc", "de"]))
    with pytest.raises(ValueError, match=r"entry 'names' holds dtype <U3, not numbers"):
        mn.load(tmp_path / "y.npz")


def test_a_ragged_entry_names_the_key(tmp_path):
    with pytest.raises(ValueError, match=r"mn.save: 'layers' cannot be read as one array: .*ragged"):
        mn.save({"ok": np.ones(2), "layers": [np.ones(2), np.ones(3)]}, tmp_path / "r.npz")
    assert not (tmp_path / "r.npz").exists()


# ---- load_state_dict: every entry checked before anything changes ----

def _small():
    return nn.Sequential(nn.Dense(2, 3), nn.BatchNorm1D(3))


@pytest.mark.parametrize("bad, says", [
    (np.array(["a", "b", "c"]), r"1.bias: holds dtype <U1, not numbers"),
    (np.ones(3) * (1 + 2j), r"1.bias: dtype complex128 cannot be cast to float32 \(the imaginary part would be lost\)"),
    ("abc", r"1.bias: holds dtype <U3, not numbers"),
    ([1.0, [2.0, 3.0], 4.0], r"1.bias: cannot be read as one array: its parts have different lengths"),
    (np.array([1.0, 2e300, 3.0]), r"1.bias: 1 value\(s\) too large for float32 \(largest 2e\+300\)"),
])
def test_a_bad_entry_is_named_and_nothing_changes(bad, says):
    model = _small()
    state = {k: np.full_like(v, 7) for k, v in model.state_dict().items()}   # every entry fits ...
    state["1.bias"] = bad                                                     # ... but this one
    before = model.state_dict()
    with pytest.raises(RuntimeError, match=says):
        model.load_state_dict(state)
    for (k, a), b in zip(before.items(), model.state_dict().values()):
        assert a.tobytes() == b.tobytes(), f"{k} was changed by a load that failed"


def test_float_into_an_integer_buffer_is_refused_and_safe_casts_are_allowed():
    model = _small()
    state = model.state_dict()
    state["1.num_batches_tracked"] = np.array(2.5)
    with pytest.raises(RuntimeError, match=r"1.num_batches_tracked: dtype float64 cannot be cast to int64"):
        model.load_state_dict(state)
    state = {k: v.astype(np.float64) if v.dtype.kind == "f" else v for k, v in model.state_dict().items()}
    state["0.bias"] = np.array([1, 2, 3])                     # integers into floats: exact
    state["1.num_batches_tracked"] = np.array(4, dtype=np.int32)
    model.load_state_dict(state)
    assert model[0].bias.data.tolist() == [1.0, 2.0, 3.0] and model[0].bias.dtype == np.float32
    assert model[1].num_batches_tracked == 4 and model[1].num_batches_tracked.dtype == np.int64


def test_a_path_instead_of_a_state_gets_a_hint(tmp_path):
    with pytest.raises(TypeError, match=r"load_state_dict expects a dict of arrays, got str.*mn.load\(path\)"):
        _small().load_state_dict(str(tmp_path / "m.npz"))
