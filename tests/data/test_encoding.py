"""one_hot (labels) and one_hot_columns (categorical columns of a table), against hand-written tables."""
import numpy as np
import pytest

from minnet.data import one_hot, one_hot_columns


def test_one_hot():
    out = one_hot(np.array([1, 0, 3]))
    assert out.shape == (3, 4) and out.dtype == np.float32
    np.testing.assert_array_equal(out.argmax(axis=1), [1, 0, 3])
    np.testing.assert_array_equal(out.sum(axis=1), 1.0)
    with pytest.raises(ValueError, match="num_classes=3 but y contains the label 3"):
        one_hot(np.array([3]), num_classes=3)
    with pytest.raises(ValueError, match="class labels >= 0"):
        one_hot(np.array([-1, 0]))


def test_one_column_is_replaced_in_place_by_its_one_hot_columns():
    X = np.array([[0.5, 2.0, 7.0],
                  [1.5, 0.0, 8.0],
                  [2.5, 1.0, 9.0]])
    out = one_hot_columns(X, columns=1, num_categories=4)
    np.testing.assert_array_equal(out, [[0.5, 0, 0, 1, 0, 7.0],
                                        [1.5, 1, 0, 0, 0, 8.0],
                                        [2.5, 0, 1, 0, 0, 9.0]])
    assert out.dtype == np.float64 and X[0, 1] == 2.0          # X's float dtype; X untouched


def test_several_columns_with_their_own_number_of_categories():
    X = np.array([[1, 5, 0],
                  [0, 5, 2]], dtype=np.int64)
    out = one_hot_columns(X, columns=[0, -1], num_categories=[2, 3])
    np.testing.assert_array_equal(out, [[0, 1, 5, 1, 0, 0],
                                        [1, 0, 5, 0, 0, 1]])
    assert out.dtype == np.float32                              # integer input: float32
    # by default K = largest code + 1, per column: column 0 -> 2 columns, column 2 -> 3 columns
    np.testing.assert_array_equal(one_hot_columns(X, [0, 2]), out)


def test_a_split_without_the_largest_code_gets_the_same_columns_when_told_k():
    X_val = np.array([[0.0], [1.0]])                            # code 2 happens to be absent
    assert one_hot_columns(X_val, 0).shape == (2, 2)
    np.testing.assert_array_equal(one_hot_columns(X_val, 0, num_categories=3), [[1, 0, 0], [0, 1, 0]])


@pytest.mark.parametrize("X, kwargs, says", [
    (np.array([[0.5], [1.0]]), dict(columns=0), r"column 0 must hold category codes 0, 1, 2, ... \(whole numbers >= 0\), got \[0.5\]"),
    (np.array([[-1.0], [1.0]]), dict(columns=0), r"column 0 must hold category codes .*, got \[-1.0\]"),
    (np.array([[np.nan], [1.0]]), dict(columns=0), r"column 0 .*, got \[nan\]; give missing entries a code of their own first"),
    (np.array([[3.0], [1.0]]), dict(columns=0, num_categories=3), r"num_categories=3 for column 0, but it holds the code 3"),
    (np.zeros((2, 2)), dict(columns=[0, 0]), r"columns names a column twice"),
    (np.zeros((2, 2)), dict(columns=2), r"columns must be column indices of X \(which has 2 columns\), got 2"),
    (np.zeros((2, 2)), dict(columns=[]), r"columns must be column indices"),
    (np.zeros((2, 2)), dict(columns=[0, 1], num_categories=[2]), r"num_categories has 1 entries for 2 column\(s\)"),
    (np.zeros(3), dict(columns=0), r"X must be a table of shape \(N, D\), got shape \(3,\)"),
])
def test_bad_input_is_named(X, kwargs, says):
    with pytest.raises(ValueError, match="^one_hot_columns: " + says):
        one_hot_columns(X, **kwargs)


def test_strings_must_be_coded_first():
    with pytest.raises(TypeError, match=r"^one_hot_columns: X must hold numbers, got an array of dtype <U3"):
        one_hot_columns(np.array([["red"], ["tan"]]), 0)
