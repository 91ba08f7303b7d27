"""DataLoader: every sample once per epoch, the right number and size of batches, seeded reshuffling."""
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from minnet._random import manual_seed
from minnet.data import DataLoader


def _ids(loader):
    """The sample ids seen in one epoch, where X[i] == [i, -i] and y[i] == i."""
    seen = []
    for xb, yb in loader:
        np.testing.assert_array_equal(xb[:, 0], yb)  # pairs stay together
        np.testing.assert_array_equal(xb[:, 1], -yb)
        seen.extend(yb.tolist())
    return seen


def _data(n):
    ids = np.arange(n)
    return np.stack([ids, -ids], axis=1).astype(np.float32), ids


@settings(max_examples=60, deadline=None)
@given(n=st.integers(1, 200), batch_size=st.integers(1, 64), shuffle=st.booleans())
def test_every_sample_exactly_once_per_epoch(n, batch_size, shuffle):
    X, y = _data(n)
    loader = DataLoader(X, y, batch_size=batch_size, shuffle=shuffle, seed=0)
    assert len(loader) == math.ceil(n / batch_size)
    for _ in range(2):
        seen = _ids(loader)
        assert sorted(seen) == list(range(n))
    sizes = [len(yb) for _, yb in loader]
    assert sizes == [batch_size] * (n // batch_size) + ([n % batch_size] if n % batch_size else [])


@settings(max_examples=40, deadline=None)
@given(n=st.integers(1, 200), batch_size=st.integers(1, 64))
def test_drop_last(n, batch_size):
    X, y = _data(n)
    if batch_size > n:
        with pytest.raises(ValueError, match="no batch"):
            DataLoader(X, y, batch_size=batch_size, drop_last=True)
        return
    loader = DataLoader(X, y, batch_size=batch_size, drop_last=True, seed=1)
    assert len(loader) == n // batch_size
    seen = _ids(loader)
    assert len(seen) == (n // batch_size) * batch_size == len(set(seen))
    assert all(len(yb) == batch_size for _, yb in loader)


def test_no_shuffle_keeps_order():
    X, y = _data(7)
    assert _ids(DataLoader(X, y, batch_size=3, shuffle=False)) == list(range(7))


def test_reshuffles_every_epoch_and_seed_fixes_the_sequence():
    X, y = _data(50)
    a = DataLoader(X, y, batch_size=10, seed=42)
    b = DataLoader(X, y, batch_size=10, seed=42)
    epochs_a = [_ids(a) for _ in range(3)]
    epochs_b = [_ids(b) for _ in range(3)]
    assert epochs_a == epochs_b
    assert epochs_a[0] != epochs_a[1] != epochs_a[2]
    assert epochs_a[0] != list(range(50))
    assert _ids(DataLoader(X, y, batch_size=10, seed=43)) != epochs_a[0]


def test_seed_none_is_fixed_by_manual_seed_at_construction():
    X, y = _data(30)
    manual_seed(5)
    first = DataLoader(X, y, batch_size=8)
    manual_seed(5)
    second = DataLoader(X, y, batch_size=8)
    np.random.default_rng(0)  # unrelated draws in between must not matter
    assert [_ids(first) for _ in range(2)] == [_ids(second) for _ in range(2)]


def test_without_labels_yields_x_batches():
    X, _ = _data(5)
    batches = list(DataLoader(X, batch_size=2, shuffle=False))
    assert all(isinstance(b, np.ndarray) for b in batches)
    np.testing.assert_array_equal(np.concatenate(batches), X)


def test_batches_are_copies_and_keep_trailing_shapes():
    X = np.zeros((6, 1, 4, 4), dtype=np.float32)
    y = np.zeros((6, 1))
    for xb, yb in DataLoader(X, y, batch_size=4, shuffle=False):
        assert xb.shape[1:] == (1, 4, 4) and yb.shape[1:] == (1,)
        xb[:] = 1.0
    assert X.sum() == 0


def test_repr_mentions_the_setup():
    text = repr(DataLoader(*_data(10), batch_size=4))
    assert "10 samples" in text and "batch_size=4" in text and "3 batches" in text


@pytest.mark.parametrize("kwargs, words", [
    (dict(batch_size=0), "DataLoader: batch_size must be a positive integer, got 0"),
    (dict(batch_size=-3), "batch_size must be a positive integer, got -3"),
    (dict(batch_size=2.5), "batch_size must be a positive integer, got 2.5"),
    (dict(batch_size=True), "batch_size must be a positive integer, got True"),
])
def test_bad_batch_size(kwargs, words):
    with pytest.raises(ValueError) as info:
        DataLoader(*_data(10), **kwargs)
    assert words in str(info.value)


@pytest.mark.parametrize("y_shape", [(10,), (10, 2)])
def test_an_x_y_pair_given_as_x_is_refused_with_the_call_to_make(y_shape):
    # fit takes (X, y); DataLoader takes X and y. With y of X's shape the pair would silently be
    # read as two samples of 10 features, so it is refused in every case
    X = np.zeros((10, 2), np.float32)
    with pytest.raises(TypeError, match=r"looks like \(X, y\); pass them as two arguments: "
                                        r"DataLoader\(X, y, batch_size=4\)"):
        DataLoader((X, np.zeros(y_shape)), batch_size=4)
    assert len(DataLoader([[1.0, 2.0], [3.0, 4.0]], batch_size=1)) == 2      # two plain samples still work


def test_mismatched_lengths():
    with pytest.raises(ValueError, match="X has 100 samples but y has 90"):
        DataLoader(np.zeros((100, 2)), np.zeros(90), batch_size=8)
    with pytest.raises(ValueError, match="X has no samples"):
        DataLoader(np.zeros((0, 2)), np.zeros(0))


def test_an_unshuffled_loader_does_not_draw_from_minnets_generator():
    import minnet as mn
    from minnet.data import DataLoader
    mn.manual_seed(5)
    expected = mn.get_rng().random()
    mn.manual_seed(5)
    DataLoader(np.zeros((10, 2)), np.zeros(10), batch_size=3, shuffle=False)
    assert mn.get_rng().random() == expected


def test_strings_are_refused_with_a_message():
    with pytest.raises(TypeError, match=r"^DataLoader: X must hold numbers, got an array of dtype <U1 "
                                        r"\(first values \['a', 'b', 'c'\]\)"):
        DataLoader(np.array([["a", "b"], ["c", "d"]]), np.array([0, 1]))
    with pytest.raises(TypeError, match=r"^DataLoader: y must hold numbers, got an array of dtype <U3"):
        DataLoader(np.zeros((2, 2)), np.array(["cat", "dog"]))
