"""Sequential and Residual."""
from collections import OrderedDict

import numpy as np
import pytest

import minnet as mn
from minnet.nn import Dense, Identity, ReLU, Residual, Sequential, Tanh


def test_sequential_applies_layers_in_order():
    a, b = Dense(2, 3), Dense(3, 1)
    model = Sequential(a, ReLU(), b)
    x = np.random.default_rng(0).standard_normal((4, 2)).astype(np.float32)
    expected = np.maximum(x @ a.weight.data + a.bias.data, 0) @ b.weight.data + b.bias.data
    np.testing.assert_allclose(model(x).data, expected, rtol=1e-6)


def test_sequential_is_indexable_iterable_and_has_a_length():
    layers = [Dense(2, 3), ReLU(), Dense(3, 1)]
    model = Sequential(*layers)
    assert len(model) == 3
    assert list(model) == layers
    assert model[0] is layers[0] and model[-1] is layers[2]
    head = model[1:]
    assert isinstance(head, Sequential) and list(head) == layers[1:]
    with pytest.raises(IndexError, match="out of range"):
        model[3]
    model.append(Tanh())
    assert len(model) == 4 and [n for n, _ in model.named_children()][-1] == "3"


def test_sequential_from_ordered_dict_uses_its_names():
    model = Sequential(OrderedDict([("hidden", Dense(2, 3)), ("act", ReLU())]))
    assert [n for n, _ in model.named_parameters()] == ["hidden.weight", "hidden.bias"]


def test_sequential_refuses_a_class_instead_of_an_instance():
    with pytest.raises(TypeError, match=r"ReLU\(\)"):
        Sequential(Dense(2, 2), ReLU)


def test_empty_sequential_is_the_identity():
    x = mn.Tensor(np.ones(3))
    assert Sequential()(x) is x


def test_residual_adds_the_input(float64):
    block = Sequential(Dense(3, 3), Tanh())
    res = Residual(block)
    x = np.random.default_rng(1).standard_normal((2, 3))
    np.testing.assert_allclose(res(x).data, x + block(x).data, rtol=1e-12)
    assert [n for n, _ in res.named_parameters()] == ["block.0.weight", "block.0.bias"]
    report = mn.gradcheck_module(res, x)
    assert report.ok, str(report)


def test_residual_needs_a_shape_preserving_block():
    with pytest.raises(ValueError, match=r"Residual.*\(2, 3\).*\(2, 4\)"):
        Residual(Dense(3, 4))(np.ones((2, 3)))
    assert Residual(Identity())(np.ones(2)).data.tolist() == [2.0, 2.0]
