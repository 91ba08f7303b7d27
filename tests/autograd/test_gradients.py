"""Every op's backward against central differences (float64), over the op table and random shapes."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import minnet as mn
from minnet.gradcheck.cases import OP_CASES


@pytest.mark.parametrize("case", OP_CASES, ids=[c.name for c in OP_CASES])
@pytest.mark.parametrize("seed", [0, 1])
def test_op_table_gradients(case, seed):
    report = mn.gradcheck(case.fn, case.inputs(seed))
    assert report.ok, str(report)
    assert report.max_rel_error < 1e-6


broadcastable = hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=3, max_side=4)
SETTINGS = settings(max_examples=25, deadline=None)


@SETTINGS
@given(shapes=broadcastable, seed=st.integers(0, 2**16),
       op=st.sampled_from(["add", "sub", "mul", "div", "maximum"]))
def test_binary_ops_with_random_broadcasting(shapes, seed, op):
    rng = np.random.default_rng(seed)
    a, b = (rng.standard_normal(s) for s in shapes.input_shapes)
    if op == "div":
        b = np.sign(b) * (np.abs(b) + 0.5)   # keep away from division by ~0
    if op == "maximum":
        b = a + rng.choice([-0.5, 0.5], np.broadcast_shapes(np.shape(a), np.shape(b)))
    fn = {"add": lambda x, y: x + y, "sub": lambda x, y: x - y, "mul": lambda x, y: x * y,
          "div": lambda x, y: x / y, "maximum": mn.maximum}[op]
    report = mn.gradcheck(fn, [np.asarray(a, float), np.asarray(b, float)])
    assert report.ok, str(report)


@SETTINGS
@given(shape=hnp.array_shapes(min_dims=1, max_dims=3, max_side=4), seed=st.integers(0, 2**16),
       op=st.sampled_from(["exp", "tanh", "sigmoid", "sum", "mean", "reshape", "square"]))
def test_unary_ops_on_non_contiguous_inputs(shape, seed, op):
    """The op sees a transposed (non-contiguous) view of its input."""
    rng = np.random.default_rng(seed)
    fn = {"exp": lambda t: t.exp(), "tanh": lambda t: t.tanh(), "sigmoid": lambda t: t.sigmoid(),
          "sum": lambda t: t.sum(axis=0), "mean": lambda t: t.mean(axis=-1, keepdims=True),
          "reshape": lambda t: t.reshape(-1), "square": lambda t: t ** 2}[op]
    report = mn.gradcheck(lambda x: fn(x.T), [rng.standard_normal(shape)])
    assert report.ok, str(report)


@SETTINGS
@given(data=st.data())
def test_matmul_random_batched_shapes(data):
    n, k, m = (data.draw(st.integers(1, 4)) for _ in range(3))
    batch = data.draw(hnp.mutually_broadcastable_shapes(num_shapes=2, max_dims=2, max_side=3))
    rng = np.random.default_rng(data.draw(st.integers(0, 1000)))
    a = rng.standard_normal(batch.input_shapes[0] + (n, k))
    b = rng.standard_normal(batch.input_shapes[1] + (k, m))
    assert mn.gradcheck(lambda x, y: x @ y, [a, b]).ok


def test_custom_function_written_by_a_student():
    class Cube(mn.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x ** 3

        @staticmethod
        def backward(ctx, grad):
            (x,) = ctx.saved_tensors
            return 3 * x ** 2 * grad

    x = mn.Tensor([1.0, -2.0, 0.5], requires_grad=True)
    Cube.apply(x).sum().backward()
    np.testing.assert_allclose(x.grad, [3.0, 12.0, 0.75])
    assert mn.gradcheck(Cube.apply, [np.array([0.3, -1.2, 2.0])]).ok


def test_custom_function_returning_broadcast_shaped_gradient_is_reduced_once():
    """backward may return dL/dy in the output's shape; apply sums it back to the input's shape."""
    class AddBias(mn.Function):
        @staticmethod
        def forward(ctx, x, b):
            return x + b

        @staticmethod
        def backward(ctx, grad):
            return grad, grad

    x = mn.Tensor(np.ones((4, 3)), requires_grad=True)
    b = mn.Tensor(np.zeros(3), requires_grad=True)
    AddBias.apply(x, b).sum().backward()
    np.testing.assert_array_equal(b.grad, [4.0, 4.0, 4.0])


def test_wrong_number_of_gradients_is_reported():
    class Broken(mn.Function):
        @staticmethod
        def forward(ctx, x, y):
            return x * y

        @staticmethod
        def backward(ctx, grad):
            return grad

    x = mn.Tensor([1.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="returned 1 gradient.*took 2 input"):
        Broken.apply(x, x).sum().backward()
