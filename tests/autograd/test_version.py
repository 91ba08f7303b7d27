"""backward() refuses when an array the forward saved changed before it (PyTorch's version counter),
and never when nothing the backward reads changed."""
import numpy as np
import pytest

import minnet as mn
from minnet import nn, optim


def pair():
    return mn.Tensor([1.0, 2.0], requires_grad=True), mn.Tensor([2.0, 2.0], requires_grad=True)


def test_writing_into_a_saved_array_is_refused_instead_of_a_wrong_gradient():
    x, w = pair()
    y = (x * w).sum()
    w.data[...] = 5                       # before: x.grad came out as [5, 5] instead of [2, 2]
    with pytest.raises(RuntimeError, match=r"Mul saved its input 1 \(a leaf tensor that requires grad\) "
                                           r"of shape \(2,\).*changed in place.*after the forward"):
        y.backward()


@pytest.mark.parametrize("write", [
    lambda a: a.__setitem__(0, 0.0),      # one element
    lambda a: a.__imul__(0.5),            # t.data *= 0.5
    lambda a: np.exp(a, out=a),           # a NumPy function writing into it
])
def test_any_write_through_data_is_seen(write):
    x, w = pair()
    y = (x * w).sum()
    write(w.data)
    with pytest.raises(RuntimeError, match="changed in place"):
        y.backward()


def test_replacing_the_array_is_refused():
    x, w = pair()
    y = (x * w).sum()
    w.data = np.array([5.0, 5.0])
    with pytest.raises(RuntimeError, match=r"Mul saved its input 1.*\.data was replaced by another array"):
        y.backward()


@pytest.mark.parametrize("make", [lambda ps: optim.SGD(ps, lr=0.1), lambda ps: optim.Adam(ps, lr=0.1),
                                  lambda ps: optim.SGD(ps, lr=0.1, momentum=0.9)])
def test_an_optimizer_step_between_forward_and_backward_is_refused(make):
    layer = nn.Dense(3, 1)
    opt = make(layer.parameters())
    x = np.ones((4, 3), dtype=np.float32)
    layer(x).sum().backward()              # gradients to step with
    loss = layer(x).sum()
    opt.step()                             # the classic misplaced step
    with pytest.raises(RuntimeError, match=rf"DenseOp saved its input 1 \(a Parameter\) of shape \(3, 1\).*"
                                           rf"updated in place by {type(opt).__name__}\.step\(\)"):
        loss.backward()


def test_an_op_output_changed_in_place_is_refused():
    x = mn.Tensor([0.0, 1.0], requires_grad=True)
    y = x.sigmoid()
    y.data[0] = 0.9
    with pytest.raises(RuntimeError, match="Sigmoid saved its own output of shape"):
        y.sum().backward()


def test_an_input_batch_changed_in_place_is_refused():
    layer = nn.Dense(3, 2)
    x = mn.Tensor(np.ones((4, 3), dtype=np.float32))     # saved by Dense as a reshaped view
    loss = layer(x).sum()
    x.data[:] = 0
    with pytest.raises(RuntimeError, match=r"DenseOp saved its input 0 \(a tensor that does not require grad\)"):
        loss.backward()


# ---- no false alarms ---------------------------------------------------------------------------


def test_reading_data_between_forward_and_backward_is_fine():
    x, w = pair()
    y = (x * w).sum()
    _ = w.data.sum(), np.asarray(w), w.numpy().copy(), repr(w), w.tolist()
    y.backward()
    np.testing.assert_array_equal(x.grad, [2, 2])


def test_nan_values_read_between_forward_and_backward_are_not_a_change():
    x = mn.Tensor([np.nan, 1.0], requires_grad=True)
    y = (x * x).sum()
    _ = x.data
    y.backward()
    assert np.isnan(x.grad[0]) and x.grad[1] == 2


def test_changing_an_array_the_op_did_not_save_is_fine_as_in_pytorch():
    x, w = pair()
    y = (x + w).sum()                      # Add's backward reads no input
    w.data[...] = 5
    y.backward()
    np.testing.assert_array_equal(x.grad, [1, 1])
    x, w = pair()
    y = (x + w).sum()
    w.data = np.zeros(2)
    y.backward()
    np.testing.assert_array_equal(w.grad, [1, 1])


def _model_and_data():
    mn.manual_seed(0)
    model = nn.Sequential(nn.Dense(3, 4), nn.Tanh(), nn.Dense(4, 1))
    return model, np.ones((5, 3), dtype=np.float32), np.zeros((5, 1), dtype=np.float32)


def test_a_training_step_never_copies_an_array():
    model, X, y = _model_and_data()
    opt = optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    for _ in range(3):
        opt.zero_grad()
        mn.losses.mse_loss(model(X), y).backward()
        opt.step()
        _ = [p.data.sum() for p in model.parameters()]       # after backward: nothing to protect
    assert all(p._snapshot_at == 0 and p._held == 0 for p in model.parameters())


def test_a_forward_never_backpropagated_raises_no_false_alarm_later():
    model, X, y = _model_and_data()
    opt = optim.SGD(model.parameters(), lr=0.1)
    for _ in range(3):
        model(X)                           # e.g. an evaluation with grad on, never backpropagated
        opt.zero_grad()
        loss = mn.losses.mse_loss(model(X), y)
        _ = [p.data.sum() for p in model.parameters()]
        loss.backward()
        opt.step()
        for p in model.parameters():       # a manual update after backward
            p.data -= 0.01 * p.grad
    assert np.isfinite(loss.item())


def test_a_change_after_backward_then_a_new_forward_is_fine():
    x, w = pair()
    (x * w).sum().backward()
    w.data[...] = 5
    x.zero_grad()
    (x * w).sum().backward()
    np.testing.assert_array_equal(x.grad, [5, 5])


def test_two_graphs_on_the_same_weight_backpropagate_one_after_the_other():
    x, w = pair()
    a, b = (x * w).sum(), (x * w * w).sum()
    _ = w.data
    a.backward()
    b.backward()
    np.testing.assert_array_equal(x.grad, [2 + 4, 2 + 4])
    np.testing.assert_array_equal(w.grad, [1 + 2 * 2 * 1, 2 + 2 * 2 * 2])


def test_retain_graph_keeps_watching_until_the_last_backward():
    x, w = pair()
    y = (x * w).sum()
    y.backward(retain_graph=True)
    w.data[0] = 7
    with pytest.raises(RuntimeError, match="changed in place"):
        y.backward()


def test_pytorch_refuses_and_allows_the_same_cases():
    torch = pytest.importorskip("torch")
    for op, refused in [(lambda a, b: a * b, True), (lambda a, b: a + b, False)]:
        xt, wt = torch.tensor([1.0, 2.0], requires_grad=True), torch.tensor([2.0, 2.0], requires_grad=True)
        yt = op(xt, wt).sum()
        with torch.no_grad():
            wt.add_(3)
        x, w = pair()
        y = op(x, w).sum()
        w.data += 3
        if refused:
            with pytest.raises(RuntimeError, match="modified by an inplace operation"):
                yt.backward()
            with pytest.raises(RuntimeError, match="changed in place"):
                y.backward()
        else:
            yt.backward()
            y.backward()
            np.testing.assert_array_equal(x.grad, xt.grad.numpy())
