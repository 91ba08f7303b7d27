"""load_digits: the shipped file holds the real data set, in the promised layout, and it is learnable."""
import numpy as np

from minnet.data import DIGITS_MAX_VALUE, load_digits, scale_images, train_val_split
from minnet.data.digits import _DIGITS_FILE

# Class counts of the 1,797-image test part of the UCI optical digits set, as published with it.
PUBLISHED_COUNTS = [178, 182, 177, 183, 181, 182, 181, 179, 174, 180]


def test_file_loads_without_pickle_and_has_the_stored_layout():
    with np.load(_DIGITS_FILE, allow_pickle=False) as archive:
        assert sorted(archive.files) == ["images", "target"]
        assert archive["images"].dtype == np.uint8 and archive["images"].shape == (1797, 8, 8)
        assert archive["target"].dtype == np.int64 and archive["target"].shape == (1797,)
    assert _DIGITS_FILE.stat().st_size < 100_000


def test_flat_and_image_layouts():
    X, y = load_digits()
    assert X.shape == (1797, 64) and X.dtype == np.float32
    assert y.shape == (1797,) and y.dtype == np.int64
    images, y2 = load_digits(flatten=False, dtype=np.float64)
    assert images.shape == (1797, 1, 8, 8) and images.dtype == np.float64
    np.testing.assert_array_equal(images.reshape(1797, 64), X)
    np.testing.assert_array_equal(y, y2)


def test_values_and_class_counts():
    X, y = load_digits()
    assert X.min() == 0 and X.max() == DIGITS_MAX_VALUE == 16
    np.testing.assert_array_equal(X, np.round(X))
    assert np.bincount(y).tolist() == PUBLISHED_COUNTS
    # The border columns of these digit images are almost always blank: a sanity check on orientation.
    images = X.reshape(-1, 8, 8)
    assert images[:, :, 0].mean() < 0.5 and images[:, 3:5, 3:5].mean() > 5


def test_each_call_returns_fresh_arrays():
    X, _ = load_digits()
    X[:] = -1
    assert load_digits()[0].min() == 0


def test_nearest_centroid_classifies_well():
    X, y = load_digits()
    X_train, y_train, X_val, y_val = train_val_split(X, y, val_fraction=0.25, stratify=True, seed=0)
    centroids = np.stack([X_train[y_train == c].mean(axis=0) for c in range(10)])
    distance = ((X_val[:, None, :] - centroids[None]) ** 2).sum(axis=2)
    accuracy = np.mean(distance.argmin(axis=1) == y_val)
    assert accuracy > 0.85, accuracy  # chance is 0.1


def test_softmax_regression_in_numpy_reaches_high_accuracy():
    X, y = load_digits()
    X = scale_images(X, max_value=DIGITS_MAX_VALUE).astype(np.float64)
    X_train, y_train, X_val, y_val = train_val_split(X, y, val_fraction=0.25, stratify=True, seed=1)
    W, b = np.zeros((64, 10)), np.zeros(10)
    targets = np.eye(10)[y_train]
    for _ in range(100):  # full-batch gradient descent on the cross-entropy
        logits = X_train @ W + b
        p = np.exp(logits - logits.max(axis=1, keepdims=True))
        p /= p.sum(axis=1, keepdims=True)
        grad = (p - targets) / len(X_train)
        W -= 2.0 * X_train.T @ grad
        b -= 2.0 * grad.sum(axis=0)
    accuracy = np.mean((X_val @ W + b).argmax(axis=1) == y_val)
    assert accuracy > 0.93, accuracy
