"""Flatten."""
import numpy as np
import pytest

import minnet as mn
from minnet.nn import Flatten


def test_flatten_keeps_the_batch_axis():
    x = np.arange(2 * 3 * 4 * 5, dtype=np.float32).reshape(2, 3, 4, 5)
    y = Flatten()(x)
    assert y.shape == (2, 60)
    assert np.array_equal(y.data, x.reshape(2, 60))          # C-order, as torch.flatten
    assert Flatten(start_axis=2)(x).shape == (2, 3, 20)


def test_flatten_gradient():
    report = mn.gradcheck(lambda x: Flatten()(x) * np.arange(12.0), [np.ones((2, 3, 4))])
    assert report.ok, str(report)


def test_flatten_needs_a_batch_axis():
    with pytest.raises(ValueError, match=r"Flatten\(start_axis=1\) got input of shape \(5,\)"):
        Flatten()(np.ones(5))
    assert repr(Flatten()) == "Flatten()"
