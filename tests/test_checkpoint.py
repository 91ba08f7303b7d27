"""Checkpoints: .npz round trips bit-exactly, pickle is refused, mismatches are named."""
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
    pickled = tmp_path / "model.pkl"
    np.save(pickled, np.array([None, 1], dtype=object), allow_pickle=True)   # writing only, never loading
    with pytest.raises(ValueError, match="pickle"):
        mn.load(str(pickled) + ".npy")


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
    assert "0.weight: the state has shape (4, 8), the model has (4, 16)" in msg
    assert "2.weight: the state has shape (8, 3), the model has (16, 3)" in msg
