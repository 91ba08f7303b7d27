"""A bad gradient: a hand-written activation whose backward is wrong, found by a numerical gradient check.

Sources: 004 "Unit Testing" (Gradient Checks: "use numerical approximations to verify backpropagation
implementations"); 001 "Debugging Workflow" (3. Monitor gradients: use gradient norms).

Mechanism: the model's tanh is a custom ``mn.Function`` whose backward writes the derivative with the
input x where the formula has the output y: 1 - x^2 instead of 1 - y^2 (the classic slip the tanh
exercise warns about). Near 0 the two agree, so training starts well; but for |x| > 1 the wrong
slope has the wrong sign, so those units are updated uphill, and its size grows like x^2 where the
true slope shrinks toward 0. The hidden pre-activations spread out (seed 0: std 0.9 to 9), the
wrong slopes grow with them, and the first layer's gradient grows by orders of magnitude (seed 0:
2 to 3e6) while the output layer's, which no tanh touches, stays near 1. The loss falls for an epoch or two, then
climbs back.

Symptom: ``mn.gradcheck``'s largest relative error of the custom op's gradient, on a random input,
above 1e-2 (cs231n: "almost certainly wrong"); and training fails: the training loss ends at least
1.5 times its lowest epoch (a working run's epoch loss keeps falling, to its last epoch on every
seed here; 1.5x is the rise diagnose's rising-loss rule looks for). Both must hold.

Fix: the right backward, grad * (1 - y^2) with y saved in forward (or the built-in ``mn.nn.Tanh``).
The ``bug`` knob plants another slip instead: 1 - y (the square missing) keeps the right sign, so
training still works (validation accuracy 0.90-0.94 against 0.97) and only the gradient check
catches it (relative error 0.9-1.0).

Known figure: cs231n, relative error < 1e-7 right, > 1e-2 wrong. The wrong backward checks at
1.2-2.0 (it has the wrong sign wherever |x| > 1); the right one at 4e-9 to 2e-7, median 1e-8: below
1e-7 on nine seeds of ten, and on the tenth 2.4e-7 at an element whose gradient is 6e-4, where the
central difference's rounding (~1e-10) is all that is left.

Findings: no rule can name a wrong backward (only a gradient check can). What 001's "monitor
gradient norms" sees is the total gradient norm growing by orders of magnitude during training
(1e5 to 6e6 times its early value), which diagnose reports as ``exploding_gradients``: the cue to
gradcheck the custom op, not to clip. Diagnose also raises ``lr_too_high`` and ``not_learning``
(the loss ends above where it began): true of the curve, wrong about the cause.

Verified: 10/10 seeds (``benchmarks/verify_catalog.py``). Relative error broken 1.69 [1.18, 1.98],
fixed 9.6e-9 [3.8e-9, 2.4e-7]; training loss at the end over its lowest epoch broken 5.7 [4.4, 7.5],
fixed 1 (every seed); validation accuracy broken 0.55 [0.45, 0.65], fixed 0.97 [0.96, 0.98].
Quick (6 epochs): 10/10, loss ratio 3.6 [2.7, 4.8].
"""
import numpy as np

import minnet as mn
from minnet.failures import recipes
from minnet.failures.mode import Experiment, FailureMode, Knob


class Tanh(mn.Function):
    """tanh written by hand, with the right backward: dL/dx = grad * (1 - y^2), y = tanh(x)."""

    @staticmethod
    def forward(ctx, x):
        y = np.tanh(x)
        ctx.save_for_backward(x, y)
        return y

    @staticmethod
    def backward(ctx, grad):
        x, y = ctx.saved_tensors
        return grad * (1 - y ** 2)


class TanhUsesInput(Tanh):
    @staticmethod
    def backward(ctx, grad):
        x, y = ctx.saved_tensors
        return grad * (1 - x ** 2)           # the slip: the input x where the formula has the output y


class TanhMissingSquare(Tanh):
    @staticmethod
    def backward(ctx, grad):
        x, y = ctx.saved_tensors
        return grad * (1 - y)                # the slip: y where the formula has y^2


BUGGED = {"uses_input": TanhUsesInput, "missing_square": TanhMissingSquare}


class CustomTanh(mn.nn.Module):
    """A layer applying a hand-written tanh Function."""

    def __init__(self, op):
        super().__init__()
        self.op = op

    def forward(self, x):
        return self.op.apply(x)


class BadGradient(FailureMode):
    name = "bad_gradient"
    title = "A custom op with a wrong backward"
    source = ("004_01fa813338dc16ed.txt, Unit Testing (Gradient Checks); "
              "001_550340deb8777b58.txt, Debugging Workflow (Monitor gradients)")
    summary = ("The model's tanh is a hand-written Function whose backward uses 1 - x^2 instead of 1 - y^2. "
               "For |x| > 1 that slope has the wrong sign and grows like x^2: units are updated uphill, the "
               "pre-activations spread, the gradients below the op grow by orders of magnitude, and the loss climbs "
               "back after a good start. A numerical gradient check of the op says so at once.")
    symptom = ("gradcheck's largest relative error of the custom op > 1e-2 (cs231n: wrong), and the training "
               "loss ends at >= 1.5x its lowest epoch")
    lesson = 3
    findings = frozenset({"exploding_gradients"})
    figure = {"kind": "gradient_check"}
    knobs = (
        Knob("fix", "what to change: nothing, the right backward, or the built-in Tanh",
             broken="none", fixed="right_backward", choices=("none", "right_backward", "builtin")),
        Knob("bug", "the slip in the backward: 1 - x^2 (input for output) or 1 - y (square missing)",
             broken="uses_input", fixed="uses_input", choices=tuple(BUGGED)),
        Knob("lr", "Adam's learning rate", broken=0.01, fixed=0.01, low=1e-4, high=0.1),
        Knob("epochs", "epochs of training", broken=8, fixed=8, low=1, high=50, integer=True),
    )

    def experiment(self, s, quick):
        Xtr, ytr, Xv, yv = recipes.digits()
        op = BUGGED[s.bug] if s.fix == "none" else Tanh

        def act():
            return mn.nn.Tanh() if s.fix == "builtin" else CustomTanh(op)
        model = mn.nn.Sequential(mn.nn.Dense(64, 64, init="xavier"), act(), mn.nn.Dense(64, 64, init="xavier"), act(),
                                 mn.nn.Dense(64, 10, init="xavier"))
        checked = (lambda x: x.tanh()) if s.fix == "builtin" else op.apply
        check = mn.gradcheck(checked, [mn.get_rng().standard_normal((4, 8))])
        return Experiment(model, mn.losses.CrossEntropyLoss(), mn.optim.Adam(model.parameters(), lr=s.lr),
                          recipes.loader(Xtr, ytr, 64), (Xv, yv), fit_kwargs={"epochs": 6 if quick else s.epochs},
                          extra={"gradcheck": check, "op": checked})

    def measure(self, run):
        loss = np.asarray(run.history.train_loss)
        return {"gradcheck_rel_error": run.experiment.extra["gradcheck"].max_rel_error,
                "loss_end_over_best": loss[-1] / loss.min(), "val_accuracy": run.history.val_acc[-1]}

    def shows(self, symptoms):
        return symptoms["gradcheck_rel_error"] > 1e-2 and symptoms["loss_end_over_best"] >= 1.5


MODE = BadGradient()
