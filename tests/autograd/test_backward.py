"""How backward() walks the graph: accumulation, shared inputs, deep chains, no_grad, detach."""
import numpy as np
import pytest

import minnet as mn


def test_gradients_accumulate_across_backward_calls_like_pytorch():
    x = mn.Tensor([1.0, 2.0], requires_grad=True)
    (x * 3).sum().backward()
    (x * 3).sum().backward()
    np.testing.assert_array_equal(x.grad, [6.0, 6.0])
    x.zero_grad()
    assert x.grad is None


def test_one_tensor_feeding_several_branches_sums_their_gradients():
    x = mn.Tensor([2.0], requires_grad=True)
    y = x * x + x * 3 + x.exp()          # dy/dx = 2x + 3 + e^x
    y.sum().backward()
    np.testing.assert_allclose(x.grad, [4 + 3 + np.exp(2.0)], rtol=1e-6)


def test_diamond_graph_reuses_an_intermediate():
    x = mn.Tensor([0.5], requires_grad=True, dtype=np.float64)
    h = x.tanh()
    y = h * h + h                        # dy/dx = (2h + 1)(1 - h^2)
    y.sum().backward()
    h0 = np.tanh(0.5)
    np.testing.assert_allclose(x.grad, [(2 * h0 + 1) * (1 - h0 ** 2)], rtol=1e-12)


def test_backward_of_a_5000_op_chain_does_not_recurse():
    x = mn.Tensor([1.0], requires_grad=True, dtype=np.float64)
    y = x
    for _ in range(5000):
        y = y * 1.0001
    y.sum().backward()
    np.testing.assert_allclose(x.grad, [1.0001 ** 5000], rtol=1e-9)


def test_second_backward_through_a_freed_graph_is_refused_with_advice():
    x = mn.Tensor([1.0], requires_grad=True)
    y = (x * x).sum()
    y.backward()
    with pytest.raises(RuntimeError, match="retain_graph=True"):
        y.backward()


def test_retain_graph_allows_a_second_backward():
    x = mn.Tensor([3.0], requires_grad=True)
    y = (x * x).sum()
    y.backward(retain_graph=True)
    y.backward()
    np.testing.assert_array_equal(x.grad, [12.0])


def test_no_grad_builds_no_graph_and_restores_on_exit():
    x = mn.Tensor([1.0], requires_grad=True)
    with mn.no_grad():
        y = x * 2
        assert not mn.is_grad_enabled()
    assert mn.is_grad_enabled()
    assert not y.requires_grad and y.is_leaf
    with pytest.raises(RuntimeError, match="does not require grad"):
        y.sum().backward()


def test_enable_grad_inside_no_grad():
    x = mn.Tensor([1.0], requires_grad=True)
    with mn.no_grad():
        with mn.enable_grad():
            y = x * 2
    assert y.requires_grad


def test_detach_stops_the_gradient():
    x = mn.Tensor([2.0], requires_grad=True)
    y = x * x.detach()                    # only the first factor carries gradient
    y.sum().backward()
    np.testing.assert_array_equal(x.grad, [2.0])


def test_only_leaves_keep_grad_unless_retain_grad():
    x = mn.Tensor([1.0, 2.0], requires_grad=True)
    h = x * 2
    k = (x * 3).retain_grad()
    (h + k).sum().backward()
    assert h.grad is None
    np.testing.assert_array_equal(k.grad, [1.0, 1.0])


def test_hook_sees_and_can_replace_the_gradient():
    x = mn.Tensor([1.0, 2.0], requires_grad=True)
    h = x * 2
    seen = []
    h.register_hook(lambda g: seen.append(g.copy()) or g * 0)
    h.sum().backward()
    np.testing.assert_array_equal(seen[0], [1.0, 1.0])
    np.testing.assert_array_equal(x.grad, [0.0, 0.0])


def test_backward_on_non_scalar_needs_a_gradient():
    x = mn.Tensor(np.ones((2, 3)), requires_grad=True)
    with pytest.raises(RuntimeError, match=r"shape \(2, 3\).*\.sum\(\)"):
        (x * 2).backward()
    (x * 2).backward(np.full((2, 3), 0.5))
    np.testing.assert_array_equal(x.grad, np.ones((2, 3)))
    with pytest.raises(ValueError, match=r"grad has shape \(3,\).*\(2, 3\)"):
        (x * 2).backward(np.ones(3))


def test_leaf_grad_is_a_private_copy():
    """The same upstream array reaches both inputs of +; accumulating into one must not touch the other."""
    a = mn.Tensor([1.0], requires_grad=True)
    b = mn.Tensor([1.0], requires_grad=True)
    (a + b).sum().backward()
    a.grad += 10
    np.testing.assert_array_equal(b.grad, [1.0])


def test_detect_anomaly_names_the_op_where_nan_first_appeared():
    x = mn.Tensor([-1.0, 1.0], requires_grad=True)
    with mn.detect_anomaly():
        with pytest.raises(FloatingPointError, match="forward of Log"):
            with np.errstate(invalid="ignore"):
                (x * 2).log()
