"""Module: registration by attribute, dotted names, train/eval, zero_grad, state_dict, hooks, repr."""
from collections import OrderedDict

import numpy as np
import pytest

import minnet as mn
from minnet.nn import Dense, Module, Parameter, ReLU, Sequential


class Block(Module):
    def __init__(self):
        super().__init__()
        self.fc = Dense(3, 4)
        self.scale = Parameter(np.ones(4))
        self.register_buffer("count", np.zeros((), dtype=np.int64))

    def forward(self, x):
        self.count += 1
        return self.fc(x) * self.scale


class Net(Module):
    def __init__(self):
        super().__init__()
        self.block = Block()
        self.act = ReLU()
        self.head = Dense(4, 2, bias=False)

    def forward(self, x):
        return self.head(self.act(self.block(x)))


def test_parameter_is_a_tensor_that_requires_grad():
    p = Parameter(np.zeros((2, 3)))
    assert isinstance(p, mn.Tensor) and p.requires_grad and p.dtype == np.float64
    assert Parameter([1.0, 2.0]).dtype == np.float32          # lists get the default dtype
    assert Parameter(np.arange(3)).dtype == np.float32        # integers become floats
    assert repr(p).startswith("Parameter containing:")


def test_named_parameters_are_dotted_and_in_assignment_order():
    net = Net()
    names = [n for n, _ in net.named_parameters()]
    assert names == ["block.scale", "block.fc.weight", "block.fc.bias", "head.weight"]  # own first, as PyTorch
    assert all(isinstance(p, Parameter) for p in net.parameters())
    assert [n for n, _ in net.named_parameters(recurse=False)] == []
    assert [type(m).__name__ for m in net.modules()] == ["Net", "Block", "Dense", "ReLU", "Dense"]
    assert [n for n, _ in net.named_modules()] == ["", "block", "block.fc", "act", "head"]
    assert [n for n, _ in net.named_children()] == ["block", "act", "head"]


def test_shared_parameters_and_modules_appear_once():
    shared = Dense(3, 3)
    model = Sequential(shared, ReLU(), shared)
    assert [n for n, _ in model.named_parameters()] == ["0.weight", "0.bias"]
    assert len(list(model.modules())) == 3


def test_reassigning_and_deleting_update_the_registries():
    net = Net()
    net.head = Dense(4, 5)
    assert [n for n, _ in net.named_parameters()][-2:] == ["head.weight", "head.bias"]
    del net.head
    assert "head.weight" not in dict(net.named_parameters())
    with pytest.raises(TypeError, match="assign a Parameter"):
        net.block.scale = np.ones(4)
    net.block.scale = None                                # allowed: the parameter is now absent
    assert "block.scale" not in dict(net.named_parameters())


def test_forgetting_super_init_is_explained():
    class Bad(Module):
        def __init__(self):
            self.fc = Dense(2, 2)

    with pytest.raises(AttributeError, match=r"super\(\).__init__\(\)"):
        Bad()


def test_forward_must_be_defined():
    with pytest.raises(NotImplementedError, match="forward"):
        Module()(1)


def test_train_and_eval_recurse():
    net = Net()
    assert all(m.training for m in net.modules())
    assert net.eval() is net
    assert not any(m.training for m in net.modules())
    net.train()
    assert all(m.training for m in net.modules())


def test_zero_grad_clears_every_gradient():
    net = Net()
    net(np.ones((2, 3))).sum().backward()
    assert all(p.grad is not None for p in net.parameters())
    net.zero_grad()
    assert all(p.grad is None for p in net.parameters())


def test_state_dict_holds_copies_of_parameters_and_buffers():
    net = Net()
    net(np.ones((2, 3)))
    state = net.state_dict()
    assert isinstance(state, OrderedDict)
    assert list(state) == ["block.scale", "block.count", "block.fc.weight", "block.fc.bias", "head.weight"]
    assert state["block.count"] == 1
    state["block.fc.weight"][...] = 7.0                   # a copy: the model is untouched
    assert not np.any(net.block.fc.weight.data == 7.0)


def test_non_persistent_buffers_stay_out_of_the_state():
    m = Module()
    m.register_buffer("cache", np.zeros(3), persistent=False)
    m.register_buffer("kept", np.ones(2))
    assert list(m.state_dict()) == ["kept"]
    assert [n for n, _ in m.named_buffers()] == ["cache", "kept"]


def test_load_state_dict_round_trip_in_place():
    a, b = Net(), Net()
    a(np.ones((1, 3)))
    weight_before = b.block.fc.weight
    b.load_state_dict(a.state_dict())
    assert b.block.fc.weight is weight_before               # same object: optimizers keep working
    for (na, pa), (nb, pb) in zip(a.state_dict().items(), b.state_dict().items()):
        assert na == nb and np.array_equal(pa, pb)


def test_load_state_dict_reports_every_problem_at_once():
    net = Net()
    state = net.state_dict()
    del state["head.weight"]
    state["extra.bias"] = np.zeros(2)
    state["block.fc.weight"] = np.zeros((4, 3))
    with pytest.raises(RuntimeError) as info:
        net.load_state_dict(state)
    msg = str(info.value)
    assert "missing keys" in msg and "head.weight" in msg
    assert "unexpected keys" in msg and "extra.bias" in msg
    assert "block.fc.weight" in msg and "(4, 3)" in msg and "(3, 4)" in msg


def test_load_state_dict_non_strict_returns_the_keys_it_skipped():
    net = Net()
    state = net.state_dict()
    del state["head.weight"]
    state["extra"] = np.zeros(1)
    result = net.load_state_dict(state, strict=False)
    assert result.missing_keys == ["head.weight"] and result.unexpected_keys == ["extra"]
    state["block.scale"] = np.zeros(5)
    with pytest.raises(RuntimeError, match="shape mismatch"):   # shapes are checked even then
        net.load_state_dict(state, strict=False)


def test_forward_hooks_see_inputs_and_output_and_can_be_removed():
    net = Net()
    seen = []
    handle = net.act.register_forward_hook(lambda m, inp, out: seen.append((m, inp[0].shape, out.shape)))
    net(np.ones((5, 3)))
    assert seen == [(net.act, (5, 4), (5, 4))]
    handle.remove()
    handle.remove()                                        # harmless
    net(np.ones((5, 3)))
    assert len(seen) == 1


def test_a_forward_hook_may_replace_the_output():
    layer = ReLU()
    layer.register_forward_hook(lambda m, inp, out: out * 0)
    assert np.all(layer(np.ones(3)).data == 0)


def test_hooks_run_in_registration_order():
    layer = ReLU()
    order = []
    layer.register_forward_hook(lambda *a: order.append(1))
    layer.register_forward_hook(lambda *a: order.append(2))
    layer(np.ones(2))
    assert order == [1, 2]


def test_repr_prints_the_tree():
    text = repr(Net())
    assert text.splitlines()[0] == "Net("
    assert "(block): Block(" in text and "(fc): Dense(in_features=3, out_features=4, bias=True)" in text
    assert "(head): Dense(in_features=4, out_features=2, bias=False)" in text
    assert repr(ReLU()) == "ReLU()"


def test_double_converts_parameters_and_float_buffers():
    net = Net().double()
    assert all(p.dtype == np.float64 for p in net.parameters())
    assert net.block.count.dtype == np.int64
