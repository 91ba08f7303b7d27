"""The activation ops in one home: their worked examples run, and bad axes are explained."""
import doctest
import inspect

import numpy as np
import pytest

import minnet as mn
from minnet.autograd import Function, ops
from minnet.autograd.ops import activations


def test_the_worked_examples_in_the_docstrings_are_right():
    globs = {"np": np, "Tensor": mn.Tensor, **{n: getattr(activations, n) for n in dir(activations)}}
    result = doctest.testmod(activations, globs=globs, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted >= 20 and result.failed == 0


def test_every_activation_function_lives_in_one_module():
    from minnet import losses
    from minnet.nn import activations as nn_activations
    names = {"Sigmoid", "Tanh", "ReLU", "LeakyReLU", "ELU", "GELU", "Softmax", "LogSoftmax"}
    for name in names:
        assert getattr(ops, name).__module__ == "minnet.autograd.ops.activations"
    defined = [c for _, c in inspect.getmembers(nn_activations, inspect.isclass)
               if issubclass(c, Function) and c.__module__ == nn_activations.__name__]
    assert not defined, defined        # nn keeps the functional forms and the modules only
    assert not names & set(vars(ops.elementwise))
    assert not hasattr(losses, "_softplus")        # the losses reuse the one stable sigmoid/softplus


def test_sigmoid_and_softplus_helpers_do_not_overflow():
    x = np.array([-1e4, -50.0, 0.0, 50.0, 1e4])
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        s, sp = activations.sigmoid(x), activations.softplus(x)
    np.testing.assert_allclose(s, [0, np.exp(-50) / (1 + np.exp(-50)), 0.5, 1 / (1 + np.exp(-50)), 1], rtol=1e-15)
    np.testing.assert_allclose(sp, [0, np.log1p(np.exp(-50)), np.log(2), 50 + np.log1p(np.exp(-50)), 1e4],
                               rtol=1e-15)
    assert activations.sigmoid(x.astype(np.float32)).dtype == np.float32


@pytest.mark.parametrize("op", [ops.Softmax, ops.LogSoftmax])
def test_an_axis_out_of_range_is_explained(op):
    x = mn.Tensor(np.ones((4, 5)))
    with pytest.raises(ValueError, match=rf"{op.__name__}\(axis=3\) got input of shape \(4, 5\) "
                                         r"\(2 dimension\(s\)\): valid axes are from -2 to 1"):
        op.apply(x, axis=3)
    with pytest.raises(ValueError, match=r"axis=-3"):
        op.apply(x, axis=-3)
    with pytest.raises(TypeError, match="one int"):
        op.apply(x, axis=(0, 1))
