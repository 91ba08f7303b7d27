"""mn.metrics against confusion matrices and fractions counted by hand."""
import math

import numpy as np
import pytest

import minnet as mn
from minnet.metrics import accuracy, confusion_matrix, precision, recall

Y_TRUE = np.array([0, 0, 0, 0, 1, 1, 2, 2, 2, 2])
Y_PRED = np.array([0, 0, 1, 2, 1, 1, 2, 2, 0, 2])
# true 0 -> predicted 0, 0, 1, 2;  true 1 -> 1, 1;  true 2 -> 2, 2, 0, 2
C = [[2, 1, 1],
     [0, 2, 0],
     [1, 0, 3]]


def test_confusion_matrix_rows_are_the_true_classes():
    out = confusion_matrix(Y_TRUE, Y_PRED)
    assert out.tolist() == C and out.dtype == np.int64
    padded = confusion_matrix(Y_TRUE, Y_PRED, num_classes=4)        # class 3 occurs nowhere
    assert padded.tolist() == [row + [0] for row in C] + [[0, 0, 0, 0]]


def test_accuracy_is_the_diagonal_over_everything():
    assert accuracy(Y_TRUE, Y_PRED) == pytest.approx(7 / 10)
    assert accuracy([1, 1], [1, 1]) == 1.0 and accuracy([0], [1]) == 0.0


def test_recall_per_class_and_macro():
    # diagonal / row sums: 2/4, 2/2, 3/4
    np.testing.assert_allclose(recall(Y_TRUE, Y_PRED), [0.5, 1.0, 0.75], rtol=1e-12)
    assert recall(Y_TRUE, Y_PRED, average="macro") == pytest.approx((0.5 + 1.0 + 0.75) / 3)


def test_precision_per_class_and_macro():
    # diagonal / column sums: 2/3, 2/3, 3/4
    np.testing.assert_allclose(precision(Y_TRUE, Y_PRED), [2 / 3, 2 / 3, 3 / 4], rtol=1e-12)
    assert precision(Y_TRUE, Y_PRED, average="macro") == pytest.approx((2 / 3 + 2 / 3 + 3 / 4) / 3)


def test_a_classifier_that_ignores_the_rare_class():
    """95/5 data, always the majority answer: accuracy looks fine, the minority's recall is 0."""
    y_true = np.array([0] * 19 + [1])
    y_pred = np.zeros(20, dtype=int)
    assert accuracy(y_true, y_pred) == pytest.approx(0.95)
    np.testing.assert_allclose(recall(y_true, y_pred), [1.0, 0.0])
    np.testing.assert_allclose(precision(y_true, y_pred), [19 / 20, 0.0])           # never predicted: 0
    assert math.isnan(precision(y_true, y_pred, zero_division=np.nan)[1])
    assert recall(y_true, y_pred, average="macro") == pytest.approx(0.5)


def test_absent_classes_get_zero_division_and_stay_out_of_the_macro_average():
    np.testing.assert_allclose(recall(Y_TRUE, Y_PRED, num_classes=4), [0.5, 1.0, 0.75, 0.0])
    assert recall(Y_TRUE, Y_PRED, num_classes=4, average="macro") == pytest.approx(0.75)
    assert precision(Y_TRUE, Y_PRED, num_classes=4, average="macro") == \
        pytest.approx(precision(Y_TRUE, Y_PRED, average="macro"))


def test_whole_valued_floats_and_lists_are_labels():
    assert accuracy([0.0, 1.0, 2.0], [0, 1, 1]) == pytest.approx(2 / 3)


@pytest.mark.parametrize("call, error, says", [
    (lambda: accuracy(Y_TRUE[:4], np.zeros((4, 3))), ValueError,
     r"^accuracy: y_pred has shape \(4, 3\), which looks like scores; .*scores.argmax\(axis=1\)"),
    (lambda: recall(Y_TRUE[:4], np.zeros((4, 1))), ValueError, r"\(probs > 0.5\).astype\(int\).ravel\(\)"),
    (lambda: accuracy([0, 1], [0]), ValueError, r"^accuracy: y_true has 2 samples but y_pred has 1$"),
    (lambda: accuracy([], []), ValueError, r"^accuracy: there are no samples"),
    (lambda: confusion_matrix([0, -1], [0, 0]), ValueError, r"y_true must hold class labels >= 0, got -1"),
    (lambda: confusion_matrix([0, 0.5], [0, 0]), ValueError, r"y_true must hold integer class labels"),
    (lambda: confusion_matrix([0, 3], [0, 0], num_classes=3), ValueError, r"num_classes=3 but y contains the label 3"),
    (lambda: precision(Y_TRUE, Y_PRED, average="micro"), ValueError,
     r"^precision: average must be None \(one value per class\) or 'macro', got 'micro'"),
])
def test_bad_input_is_named(call, error, says):
    with pytest.raises(error, match=says):
        call()


def test_metrics_is_a_lazily_imported_submodule():
    assert "metrics" in dir(mn) and mn.metrics.accuracy is accuracy


def test_docstring_examples():
    import doctest
    result = doctest.testmod(mn.metrics, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0 and result.attempted > 0
