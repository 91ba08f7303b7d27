"""Losses: values from the formulas, gradients, PyTorch agreement, numerical stability, bad input."""
import warnings

import numpy as np
import pytest

import minnet as mn
import minnet.functional as F
from minnet import losses

RNG = np.random.default_rng(0)


def _torch():
    return pytest.importorskip("torch")


# ---- MSE and L1 --------------------------------------------------------------------------------


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_mse_and_l1_values(reduction, float64):
    p, t = RNG.standard_normal((4, 3)), RNG.standard_normal((4, 3))
    reduce = {"mean": np.mean, "sum": np.sum, "none": lambda a: a}[reduction]
    np.testing.assert_allclose(losses.MSELoss(reduction)(p, t).data, reduce((p - t) ** 2), rtol=1e-12)
    np.testing.assert_allclose(losses.L1Loss(reduction)(p, t).data, reduce(np.abs(p - t)), rtol=1e-12)
    np.testing.assert_allclose(F.mse_loss(p, t, reduction).data, reduce((p - t) ** 2), rtol=1e-12)


@pytest.mark.parametrize("loss", [losses.mse_loss, losses.l1_loss])
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("shape", [(5,), (3, 4), (2, 3, 2)])
def test_mse_and_l1_gradcheck(loss, reduction, shape):
    p = RNG.standard_normal(shape)
    t = p + RNG.uniform(0.1, 1, shape) * RNG.choice([-1, 1], shape)   # |p - t| >= 0.1: no kink
    report = mn.gradcheck(lambda a, b: loss(a, b, reduction), [p, t])
    assert report.ok, str(report)


def test_mse_refuses_to_broadcast():
    with pytest.raises(ValueError, match=r"MSELoss: predictions have shape \(32, 1\) but targets have "
                                         r"shape \(32,\).*reshape\(-1, 1\)"):
        losses.MSELoss()(np.zeros((32, 1)), np.zeros(32))


# ---- cross-entropy -----------------------------------------------------------------------------


def _ce_reference(z, y, w=None):
    logp = z - z.max(1, keepdims=True)
    logp = logp - np.log(np.exp(logp).sum(1, keepdims=True))
    w = np.ones(z.shape[1]) if w is None else w
    per = -logp[np.arange(len(y)), y] * w[y]
    return per, per.sum() / w[y].sum()


def test_cross_entropy_from_the_formula(float64):
    z, y = RNG.standard_normal((6, 4)), np.array([0, 3, 1, 1, 2, 0])
    w = np.array([1.0, 2.0, 0.5, 3.0])
    per, mean = _ce_reference(z, y)
    assert losses.CrossEntropyLoss()(z, y).item() == pytest.approx(mean, rel=1e-12)
    np.testing.assert_allclose(F.cross_entropy(z, y, reduction="none").data, per, rtol=1e-12)
    assert F.cross_entropy(z, y, reduction="sum").item() == pytest.approx(per.sum(), rel=1e-12)
    per_w, mean_w = _ce_reference(z, y, w)
    assert losses.CrossEntropyLoss(weight=w)(z, y).item() == pytest.approx(mean_w, rel=1e-12)
    np.testing.assert_allclose(F.cross_entropy(z, y, w, reduction="none").data, per_w, rtol=1e-12)


def test_uniform_logits_give_log_k():
    assert F.cross_entropy(np.zeros((3, 10)), np.array([1, 2, 3])).item() == pytest.approx(np.log(10), rel=1e-6)


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("n, k", [(1, 2), (5, 3), (8, 6)])
def test_cross_entropy_gradcheck(reduction, weighted, n, k):
    rng = np.random.default_rng(n * k)
    z, y = rng.standard_normal((n, k)), rng.integers(0, k, n)
    w = rng.uniform(0.5, 2, k) if weighted else None
    report = mn.gradcheck(lambda a: F.cross_entropy(a, y, w, reduction), [z])
    assert report.ok, str(report)


def test_cross_entropy_is_stable_for_huge_logits(float64):
    z = np.array([[1e4, 0.0, -1e4], [0.0, 1e4, 0.0]])
    y = np.array([2, 1])
    t = mn.Tensor(z, requires_grad=True)
    loss = F.cross_entropy(t, y)
    loss.backward()
    assert loss.item() == pytest.approx(1e4)             # (2e4 + 0) / 2
    assert np.all(np.isfinite(t.grad))
    np.testing.assert_allclose(t.grad, [[0.5, 0, -0.5], [0, 0, 0]], atol=1e-12)


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("reduction, backend", [("mean", "numba"), ("mean", "numpy"), ("sum", None), ("none", None)])
def test_cross_entropy_matches_torch(weighted, reduction, backend, float64):
    torch = _torch()
    with mn.kernels.use_backend(backend or mn.kernels.get_backend()):
        _compare_cross_entropy_with_torch(torch, weighted, reduction)


def _compare_cross_entropy_with_torch(torch, weighted, reduction):
    z, y = RNG.standard_normal((7, 5)) * 3, RNG.integers(0, 5, 7)
    z[0, 0] = 1e4
    w = RNG.uniform(0.2, 3, 5) if weighted else None
    zt = torch.tensor(z, requires_grad=True)
    ref = torch.nn.CrossEntropyLoss(weight=None if w is None else torch.from_numpy(w), reduction=reduction)(
        zt, torch.from_numpy(y))
    g = RNG.standard_normal(ref.shape)
    (ref * torch.from_numpy(np.asarray(g))).sum().backward()
    zm = mn.Tensor(z, requires_grad=True)
    out = losses.CrossEntropyLoss(weight=w, reduction=reduction)(zm, y)
    (out * g).sum().backward()
    np.testing.assert_allclose(out.data, ref.detach().numpy(), rtol=1e-6, atol=1e-12)
    np.testing.assert_allclose(zm.grad, zt.grad.numpy(), rtol=1e-6, atol=1e-12)


def test_cross_entropy_float32():
    z = mn.Tensor(RNG.standard_normal((4, 3)).astype(np.float32), requires_grad=True)
    loss = F.cross_entropy(z, np.array([0, 1, 2, 0]))
    loss.backward()
    assert loss.dtype == np.float32 and z.grad.dtype == np.float32


@pytest.mark.parametrize("labels, pattern", [
    (np.array([0, 1, 3]), r"labels must be class indices in \[0, 3\) because there are 3 logits per sample \(one per class\), got \[3\]"),
    (np.array([0, -1, 2]), r"got \[-1\]"),
    (np.array([1, 2, 3]), "counted from 1"),
    (np.array([0.0, 1.5, 2.0]), r"non-integer values \[1.5\]"),
    (np.array([0, 1]), r"labels must be integer class indices of shape \(3,\), got shape \(2,\)"),
    (np.eye(3), "one-hot"),
    (np.array(["a", "b", "c"]), "dtype"),
])
def test_cross_entropy_bad_labels(labels, pattern):
    with pytest.raises((ValueError, TypeError), match=pattern):
        losses.CrossEntropyLoss()(np.zeros((3, 3)), labels)


def test_cross_entropy_accepts_integral_float_labels():
    assert F.cross_entropy(np.zeros((2, 2)), np.array([0.0, 1.0])).item() == pytest.approx(np.log(2))


def test_cross_entropy_needs_2d_logits_and_a_weight_per_class():
    with pytest.raises(ValueError, match=r"logits of shape \(N, K\)"):
        F.cross_entropy(np.zeros(3), np.array([0]))
    with pytest.raises(ValueError, match=r"weight must have one entry per class, shape \(3,\)"):
        F.cross_entropy(np.zeros((2, 3)), np.array([0, 1]), weight=np.ones(2))


def test_bad_reduction():
    with pytest.raises(ValueError, match="reduction"):
        losses.MSELoss("avg")


# ---- binary cross-entropy ------------------------------------------------------------------------


def _sigmoid(z):
    with np.errstate(over="ignore"):
        return 1 / (1 + np.exp(-z))


def test_bce_with_logits_from_the_formula(float64):
    z, t = RNG.standard_normal((5, 2)) * 2, RNG.uniform(0, 1, (5, 2))
    p = _sigmoid(z)
    per = -(t * np.log(p) + (1 - t) * np.log(1 - p))
    np.testing.assert_allclose(losses.BCEWithLogitsLoss(reduction="none")(z, t).data, per, rtol=1e-10)
    assert losses.BCEWithLogitsLoss()(z, t).item() == pytest.approx(per.mean(), rel=1e-10)
    np.testing.assert_allclose(losses.BCELoss(reduction="none")(p, t).data, per, rtol=1e-10)
    assert F.binary_cross_entropy(p, t, reduction="sum").item() == pytest.approx(per.sum(), rel=1e-10)
    pw = np.array([3.0, 0.5])
    per_pw = -(pw * t * np.log(p) + (1 - t) * np.log(1 - p))
    assert F.binary_cross_entropy_with_logits(z, t, pos_weight=pw).item() == pytest.approx(per_pw.mean(), rel=1e-10)


def test_bce_with_logits_is_stable_at_plus_minus_1e4(float64):
    z = mn.Tensor(np.array([1e4, -1e4, 1e4, -1e4]), requires_grad=True)
    t = np.array([1.0, 0.0, 0.0, 1.0])
    loss = F.binary_cross_entropy_with_logits(z, t, reduction="none")
    loss.sum().backward()
    np.testing.assert_allclose(loss.data, [0, 0, 1e4, 1e4])
    np.testing.assert_allclose(z.grad, [0, 0, 1, -1])


def test_bce_clamps_its_logs_at_minus_100(float64):
    p = mn.Tensor(np.array([0.0, 1.0, 1.0]), requires_grad=True)
    loss = F.binary_cross_entropy(p, np.array([1.0, 0.0, 1.0]), reduction="none")
    np.testing.assert_allclose(loss.data, [100, 100, 0])
    loss.sum().backward()
    assert np.all(np.isfinite(p.grad))


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("shape", [(4,), (3, 2)])
def test_bce_gradcheck(reduction, shape):
    rng = np.random.default_rng(3)
    z, t = rng.standard_normal(shape) * 2, rng.uniform(0, 1, shape)
    w, pw = rng.uniform(0.5, 2, shape[-1:]), rng.uniform(0.5, 2, shape[-1:])
    report = mn.gradcheck(lambda a, b: F.binary_cross_entropy_with_logits(a, b, w, pw, reduction), [z, t])
    assert report.ok, str(report)
    report = mn.gradcheck(lambda a, b: F.binary_cross_entropy(a, b, w, reduction), [_sigmoid(z), t])
    assert report.ok, str(report)


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_bce_matches_torch(reduction, float64):
    torch = _torch()
    tf = torch.nn.functional
    z, t = RNG.standard_normal((6, 3)) * 3, RNG.uniform(0, 1, (6, 3))
    z[0] = [1e4, -1e4, 40.0]
    w, pw = RNG.uniform(0.5, 2, 3), RNG.uniform(0.5, 2, 3)
    g = RNG.standard_normal(() if reduction != "none" else z.shape)
    for ours, theirs, x in [
        (lambda a, b: F.binary_cross_entropy_with_logits(a, b, w, pw, reduction),
         lambda a, b: tf.binary_cross_entropy_with_logits(a, b, torch.from_numpy(w), reduction=reduction,
                                                          pos_weight=torch.from_numpy(pw)), z),
        (lambda a, b: F.binary_cross_entropy(a, b, w, reduction),
         lambda a, b: tf.binary_cross_entropy(a, b, torch.from_numpy(w), reduction=reduction),
         np.clip(_sigmoid(z), 0, 1))]:
        xt, tt = torch.tensor(x, requires_grad=True), torch.tensor(t, requires_grad=True)
        ref = theirs(xt, tt)
        (ref * torch.tensor(g)).sum().backward()
        xm, tm = mn.Tensor(x, requires_grad=True), mn.Tensor(t, requires_grad=True)
        out = ours(xm, tm)
        (out * g).sum().backward()
        np.testing.assert_allclose(out.data, ref.detach().numpy(), rtol=1e-6, atol=1e-12)
        np.testing.assert_allclose(xm.grad, xt.grad.numpy(), rtol=1e-6, atol=1e-12)
        # BCE's target gradient log(1-p) - log(p) is infinite at p = 0 or 1 in PyTorch; ours uses the
        # clamped logs and stays finite, so compare only the rows where p is not saturated
        np.testing.assert_allclose(tm.grad[1:], tt.grad.numpy()[1:], rtol=1e-6, atol=1e-12)


def test_bce_refuses_scores_outside_0_1():
    with pytest.raises(ValueError, match=r"BCELoss: predictions must be probabilities in \[0, 1\].*BCEWithLogitsLoss"):
        losses.BCELoss()(np.array([0.5, 2.0]), np.array([1.0, 0.0]))


def test_bce_shape_mismatch_names_the_loss():
    with pytest.raises(ValueError, match=r"BCEWithLogitsLoss: predictions have shape \(4, 1\) but targets "
                                         r"have shape \(4,\)"):
        losses.BCEWithLogitsLoss()(np.zeros((4, 1)), np.zeros(4))


# ---- penalties ----------------------------------------------------------------------------------


def test_penalties_from_the_formulas(float64):
    a, b = mn.nn.Parameter(RNG.standard_normal((3, 2))), mn.nn.Parameter(RNG.standard_normal(4))
    expected_l1 = 0.1 * (np.abs(a.data).sum() + np.abs(b.data).sum())
    expected_l2 = 0.1 * ((a.data ** 2).sum() + (b.data ** 2).sum())
    assert losses.l1_penalty([a, b], 0.1).item() == pytest.approx(expected_l1, rel=1e-12)
    pen = losses.l2_penalty(iter([a, b]), 0.1)
    assert pen.item() == pytest.approx(expected_l2, rel=1e-12)
    pen.backward()
    np.testing.assert_allclose(a.grad, 2 * 0.1 * a.data)          # no factor 1/2
    assert losses.l2_penalty([], 0.1).item() == 0.0


def test_penalties_on_a_model():
    model = mn.nn.Sequential(mn.nn.Dense(3, 4), mn.nn.ReLU(), mn.nn.Dense(4, 1))
    pen = losses.l1_penalty(model.parameters(), 1e-3)
    assert pen.dtype == np.float32 and pen.requires_grad
    with pytest.raises(TypeError, match="l2_penalty"):
        losses.l2_penalty([np.ones(3)], 0.1)


# ---- an empty batch, and data that are not numbers ----------------------------------------------

ALL_LOSSES = {
    "MSELoss": lambda p, t, r: losses.MSELoss(r)(p, t),
    "L1Loss": lambda p, t, r: losses.L1Loss(r)(p, t),
    "BCEWithLogitsLoss": lambda p, t, r: losses.BCEWithLogitsLoss(reduction=r)(p, t),
    "BCELoss": lambda p, t, r: losses.BCELoss(reduction=r)(p, t),
    "CrossEntropyLoss": lambda p, t, r: losses.CrossEntropyLoss(reduction=r)(p, t[:, 0].astype(np.int64)),
}


@pytest.mark.parametrize("name", ALL_LOSSES)
def test_the_mean_over_an_empty_batch_is_refused_the_same_way_by_every_loss(name):
    empty = np.zeros((0, 3))
    with warnings.catch_warnings():
        warnings.simplefilter("error")            # no NumPy "mean of empty slice" on the way
        with pytest.raises(ValueError, match=rf"^{name}: the batch is empty \(predictions of shape \(0, 3\)\), so "
                                             r"the mean loss is 0/0.*reduction='sum'"):
            ALL_LOSSES[name](empty, empty, "mean")


@pytest.mark.parametrize("name", ALL_LOSSES)
def test_sum_and_none_over_an_empty_batch_match_pytorch(name):
    """PyTorch: sum over nothing is 0 and 'none' gives an empty array (its mean is nan, which we refuse)."""
    empty = np.zeros((0, 3))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert ALL_LOSSES[name](empty, empty, "sum").item() == 0.0
        assert ALL_LOSSES[name](empty, empty, "none").shape[0] == 0


@pytest.mark.parametrize("name", ["MSELoss", "L1Loss", "BCEWithLogitsLoss", "BCELoss"])
@pytest.mark.parametrize("which", ["predictions", "targets"])
def test_strings_into_a_loss_are_named(name, which):
    numbers, words = np.zeros((2, 2)), np.array([["cat", "dog"], ["dog", "cat"]])
    pred, target = (words, numbers) if which == "predictions" else (numbers, words)
    with pytest.raises(TypeError, match=rf"^{name}: the {which} must hold numbers, got an array of dtype "
                                        r"<U3 \(first values \['cat', 'dog', 'dog'\]\); .*integer codes"):
        ALL_LOSSES[name](pred, target, "mean")


def test_python_objects_into_a_loss_are_refused_not_read_as_nan():
    with pytest.raises(TypeError, match=r"MSELoss: the targets must hold numbers, got an array of dtype object"):
        losses.MSELoss()(np.zeros((1, 2)), np.array([[None, 1.0]], dtype=object))


def test_strings_into_cross_entropy_are_named():
    with pytest.raises(TypeError, match=r"^CrossEntropyLoss: the logits must hold numbers, got an array of dtype <U1"):
        F.cross_entropy(np.array([["a", "b"]]), np.array([0]))
    with pytest.raises(TypeError, match=r"^CrossEntropyLoss: the weight must hold numbers, got an array of dtype <U1"):
        F.cross_entropy(np.zeros((1, 2)), np.array([0]), weight=["a", "b"])
    with pytest.raises(TypeError, match=r"^BCELoss: the weight must hold numbers"):
        F.binary_cross_entropy(np.zeros((1, 1)), np.zeros((1, 1)), weight=np.array(["a"]))
