"""Tensor construction, dtype rules, errors a student meets, and seeding."""
import numpy as np
import pytest

import minnet as mn


def test_default_dtype_is_float32_and_can_be_switched():
    assert mn.Tensor([1.0, 2.0]).dtype == np.float32
    assert mn.Tensor(3.5).dtype == np.float32
    mn.set_default_dtype(np.float64)
    assert mn.Tensor([1.0]).dtype == np.float64
    with pytest.raises(TypeError, match="float32 and float64"):
        mn.set_default_dtype(np.int32)


def test_a_tensor_keeps_the_dtype_of_the_array_it_wraps():
    assert mn.Tensor(np.zeros(2, dtype=np.float64)).dtype == np.float64
    assert mn.Tensor(np.zeros(2, dtype=np.float32)).dtype == np.float32
    assert mn.Tensor([1, 2]).dtype == np.int64
    assert mn.tensor([1, 2], dtype=np.float64).dtype == np.float64


def test_python_numbers_do_not_promote_float32():
    x = mn.Tensor(np.ones(2, dtype=np.float32), requires_grad=True)
    y = x * 2.5 + 1 - 0.1
    assert y.dtype == np.float32
    y.sum().backward()
    assert x.grad.dtype == np.float32


def test_mixing_float32_and_float64_follows_numpy_promotion():
    a = mn.Tensor(np.ones(2, dtype=np.float32), requires_grad=True)
    b = mn.Tensor(np.ones(2, dtype=np.float64), requires_grad=True)
    y = a * b
    assert y.dtype == np.float64
    y.sum().backward()
    assert a.grad.dtype == np.float32 and b.grad.dtype == np.float64


def test_integer_tensors_cannot_require_grad():
    with pytest.raises(TypeError, match="floating-point"):
        mn.Tensor([1, 2], requires_grad=True)


def test_shape_mismatch_errors_name_both_shapes():
    a, b = mn.Tensor(np.ones((32, 784))), mn.Tensor(np.ones((100, 10)))
    with pytest.raises(ValueError, match=r"\(32, 784\) and \(100, 10\).*784.*100"):
        a @ b
    with pytest.raises(ValueError, match=r"add.*\(3, 4\) and \(5,\)"):
        mn.Tensor(np.ones((3, 4))) + mn.Tensor(np.ones(5))
    with pytest.raises(ValueError, match=r"reshape.*\(2, 3\).*6 elements.*\(4, 2\)"):
        mn.Tensor(np.ones((2, 3))).reshape(4, 2)
    with pytest.raises(ValueError, match="axis 2 is out of range"):
        mn.Tensor(np.ones((2, 3))).sum(axis=2)
    with pytest.raises(ValueError, match=r"concatenate.*\(2, 3\), \(3, 3\)"):
        mn.concatenate([mn.Tensor(np.ones((2, 3))), mn.Tensor(np.ones((3, 3)))], axis=1)


def test_item_numpy_and_repr():
    t = mn.Tensor([[2.5]])
    assert t.item() == 2.5
    assert isinstance(t.numpy(), np.ndarray)
    assert "requires_grad=True" in repr(mn.Tensor([1.0], requires_grad=True))
    assert "grad_fn=Mul" in repr(mn.Tensor([1.0], requires_grad=True) * 2)
    with pytest.raises(ValueError, match="one element"):
        mn.Tensor([1.0, 2.0]).item()


def test_manual_seed_makes_draws_repeatable():
    mn.manual_seed(42)
    a = mn.get_rng().standard_normal(5)
    mn.manual_seed(42)
    b = mn.get_rng().standard_normal(5)
    mn.manual_seed(43)
    c = mn.get_rng().standard_normal(5)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)
    with pytest.raises(TypeError, match="integer seed"):
        mn.manual_seed(1.5)


def test_astype_carries_gradient_back_in_the_original_dtype():
    x = mn.Tensor(np.array([1.0, 2.0], dtype=np.float32), requires_grad=True)
    y = x.double() * 2
    assert y.dtype == np.float64
    y.sum().backward()
    assert x.grad.dtype == np.float32
    np.testing.assert_array_equal(x.grad, [2, 2])


@pytest.mark.parametrize("data, words", [
    (np.array([1.0, None]), "dtype object"),
    (np.array([{"a": 1}], dtype=object), "dtype object"),
    (np.array(["1.5", "2"]), "strings"),
    (["1.5", "2"], "strings"),
    ("abc", "strings"),
    (None, "dtype object"),
    ([[1.0, 2.0], [3.0]], "ragged"),
    (np.array([1 + 2j]), "complex"),
])
def test_non_numeric_data_is_refused_with_a_clear_message(data, words):
    with pytest.raises(TypeError, match=rf"Tensor: .*{words}"):
        mn.Tensor(data)


def test_strings_are_refused_even_with_a_dtype_and_numbers_still_convert():
    with pytest.raises(TypeError, match="strings"):
        mn.Tensor(np.array(["1.5"]), dtype=np.float64)
    assert mn.Tensor(np.array([True, False])).dtype == np.bool_
    assert mn.Tensor(np.array([1, 2], dtype=np.uint8)).dtype == np.uint8


def test_a_list_of_tensors_that_require_grad_points_to_stack():
    a, b = mn.Tensor([1.0], requires_grad=True), mn.Tensor([2.0], requires_grad=True)
    with pytest.raises(TypeError, match=r"mn\.stack"):
        mn.Tensor([a, b])
    np.testing.assert_array_equal(mn.Tensor([mn.Tensor(1.0), mn.Tensor(2.0)]).data, [1.0, 2.0])
