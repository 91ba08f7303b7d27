"""Unscaled targets: regression targets in 0..255 make the first errors, and gradients, huge.

Sources: 002 "You Forgot to Normalize Your Data", And? ("an untrained neural network will typically
output values roughly in the range -1 to 1 ... values like 255 are expected ... This will produce huge
gradients and likely your training error will explode").

Mechanism: the targets are bytes, a brightness 0..255 that follows a sine of the input. The untrained
network answers values near 0, so the first errors are ~130 and the squared loss ~2e4. The gradient of
the mean squared error is proportional to the error, hence ~100x larger than for targets in [-1, 1],
and plain SGD with a learning rate that suits scaled targets takes steps a hundred times too large:
the weights overshoot further at every step and the loss explodes to inf in the second epoch.

Symptom: the fraction of the validation targets' variance the model leaves unexplained after the
epochs, MSE / Var(y_val) in the targets' own units (1 - R^2). It shows at 1 or more: no better than
always answering the mean (inf or NaN when training exploded). Also: the gradient norm at the first
step (``history.grad_norm``), about a hundred times larger than with scaled targets.

Fix: scale the targets to about [-1, 1]: y / 127.5 - 1 (``mn.data.scale_images(y, 255, center=True)``;
002: "divide by 128 and subtract 1"), or standardize them with the training statistics. Predictions
are mapped back with the inverse formula.

Verified: 10 of 10 seeds (``benchmarks/verify_catalog.py``). Broken: the loss became inf in the
second epoch (steps 21-26), unexplained variance inf; fixed 0.027-0.16 (median 0.055). Gradient
norm at the first step 521-1060 against 0.6-10. ``unscaled_targets`` on every broken run, on no fixed
one. ~0.7 s a run.
"""
import numpy as np

import minnet as mn
from minnet.failures import recipes
from minnet.failures.mode import Experiment, FailureMode, Knob


class UnscaledTargets(FailureMode):
    name = "unscaled_targets"
    title = "Regression targets in 0..255 instead of about [-1, 1]"
    source = "002_f66fc8b34934c2f6.txt, You Forgot to Normalize Your Data (And?)"
    summary = ("The network starts by answering values near 0 while the targets are bytes up to 255. The errors, "
               "and with them the gradients of the squared loss, are a hundred times larger than for scaled "
               "targets, so SGD at a learning rate that suits scaled targets overshoots and the loss explodes.")
    symptom = ("validation MSE over the variance of the validation targets (1 - R^2); shows at >= 1, no better "
               "than answering the mean (inf when training exploded)")
    lesson = 10
    findings = frozenset({"unscaled_targets"})
    figure = {"kind": "target_scale"}
    knobs = (
        Knob("fix", "how to scale the targets", broken="none", fixed="scale",
             choices=("none", "scale", "standardize")),
        Knob("lr", "SGD's learning rate", broken=0.1, fixed=0.1, low=1e-5, high=1.0),
        Knob("epochs", "epochs of training", broken=10, fixed=10, low=1, high=100, integer=True),
    )

    def experiment(self, s, quick):
        X, y = mn.data.sine(768, noise=5.0, amplitude=127.5, offset=127.5)
        y = np.clip(np.round(y), 0, 255)                    # bytes, as an image stores them
        Xtr, ytr, Xv, yv = X[:512], y[:512], X[512:], y[512:]
        if s.fix == "scale":
            ytr, yv = (mn.data.scale_images(t, max_value=255, center=True) for t in (ytr, yv))
        elif s.fix == "standardize":
            ytr, yv = recipes.preprocess(mn.data.Standardizer(), ytr, yv)
        model = recipes.mlp([1, 64, 64, 1], activation="tanh", init="xavier")
        return Experiment(model, mn.losses.MSELoss(), mn.optim.SGD(model.parameters(), lr=s.lr),
                          recipes.loader(Xtr, ytr, 32), (Xv, yv), fit_kwargs={"epochs": 4 if quick else s.epochs})

    def measure(self, run):
        Xv, yv = run.experiment.val
        with np.errstate(all="ignore"):
            mse = np.mean((mn.train.predict(run.experiment.model, Xv) - yv) ** 2)
        return {"unexplained_variance": mse / yv.var(), "first_grad_norm": run.history.grad_norm[0]}

    def shows(self, symptoms):
        return not symptoms["unexplained_variance"] < 1.0


MODE = UnscaledTargets()
