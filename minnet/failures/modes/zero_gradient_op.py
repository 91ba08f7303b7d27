"""A zero-gradient op in the loss: the cost is an error count, and rounding passes back no gradient.

Sources: 002 "Your Network contains Bad Gradients", And? ("Any operation with zero gradient such as
clipping, rounding, or taking the maximum/minimum ... E.G. if they are used in some custom error
metric that is provided as part of the cost function").

Mechanism: a binary classifier (moons) is trained on the error rate itself: the predicted
probability is rounded to 0 or 1 and compared with the label, ``mean((round(sigmoid(z)) - y)^2)``.
The rounded value is a staircase whose derivative is 0 almost everywhere, so backward passes exactly
zero to the sigmoid, to every layer, to every weight. Adam's step is then 0 / (0 + eps) = 0: no
weight ever moves, at any learning rate, and the loss stays where it started.

Symptom: the fraction of weight-gradient entries that are exactly 0 over every recorded step
(``grad_zero_fraction`` of the monitor), in the layer with the fewest. It shows at 1: every entry
of every layer's gradient was exactly zero, so no weight can ever change. With a differentiable
loss the first layer (two inputs that are never exactly 0) gets almost none: an entry is 0 only
when its unit is inactive for a whole batch.

Fix: a differentiable loss: binary cross-entropy on the logit (the loss made for classes), or the
same squared error without the rounding (on the probability itself).

Verified: 10/10 seeds (``benchmarks/verify_catalog.py``). Exact-zero fraction: broken 1 on every
seed, fixed 0-0.0005; ``zero_gradient`` on every broken run, naming the op (``Round``). The training
loss changes by less than 3e-8 (float rounding of the epoch mean) and validation accuracy stays
where the initial weights put it (0.23-0.82); cross-entropy reaches 0.92-0.99.
"""
import numpy as np

import minnet as mn
from minnet.failures import recipes
from minnet.failures.mode import Experiment, FailureMode, Knob


def error_rate(logits, y):
    """The fraction of misclassified samples, as a cost: mean((round(sigmoid(logits)) - y)^2)."""
    return mn.losses.mse_loss(logits.sigmoid().round(), y)      # Tensor.round: derivative 0


def brier(logits, y):
    """The same squared error on the probability itself, without rounding: differentiable."""
    return mn.losses.mse_loss(logits.sigmoid(), y)


error_rate.accuracy_rule = brier.accuracy_rule = "logit"      # fit reports accuracy: logit > 0 is class 1


class ZeroGradientOp(FailureMode):
    name = "zero_gradient_op"
    title = "A rounding op in the loss passes back no gradient"
    source = "002_f66fc8b34934c2f6.txt, Your Network contains Bad Gradients (And?)"
    summary = ("The cost is the error rate: the predicted probability is rounded to 0 or 1 before it is "
               "compared with the label. Rounding has derivative 0 almost everywhere, so every weight gets "
               "exactly zero gradient, no step moves anything, and the loss never changes.")
    symptom = ("fraction of weight-gradient entries exactly 0 over every recorded step, in the layer with "
               "the fewest; shows at 1 (no weight can ever change)")
    lesson = 14
    findings = frozenset({"zero_gradient"})
    figure = {"kind": "monitor", "metric": "grad_zero_fraction"}
    knobs = (
        Knob("fix", "the loss: the rounded error rate, cross-entropy, or the squared error without rounding",
             broken="none", fixed="cross_entropy", choices=("none", "cross_entropy", "no_round")),
        Knob("lr", "Adam's learning rate (no value helps: zero times anything is zero)", broken=0.01, fixed=0.01,
             low=1e-4, high=1.0),
        Knob("epochs", "epochs of training", broken=40, fixed=40, low=1, high=100, integer=True),
    )

    def experiment(self, s, quick):
        X, y = mn.data.moons(300, noise=0.2)
        y = y.astype(np.float32)[:, None]
        model = recipes.mlp([2, 32, 32, 1])
        loss = {"none": error_rate, "cross_entropy": mn.losses.BCEWithLogitsLoss(), "no_round": brier}[s.fix]
        # 200 training samples in full batches of 40: every epoch sees the same samples, so a loss that
        # cannot move reads exactly the same from epoch to epoch
        return Experiment(model, loss, mn.optim.Adam(model.parameters(), lr=s.lr),
                          recipes.loader(X[:200], y[:200], 40), (X[200:], y[200:]),
                          fit_kwargs={"epochs": 5 if quick else s.epochs})

    def measure(self, run):
        zeros = run.monitor.get("grad_zero_fraction")
        loss = run.history.train_loss
        return {"grad_zero_fraction": min(float(np.mean(v)) for v in zeros.values()),
                "loss_change": (loss[0] - loss[-1]) / loss[0], "val_accuracy": run.history.val_acc[-1]}

    def shows(self, symptoms):
        return symptoms["grad_zero_fraction"] == 1.0


MODE = ZeroGradientOp()
