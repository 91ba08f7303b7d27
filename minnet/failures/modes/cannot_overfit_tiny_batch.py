"""Cannot overfit a tiny batch: a hand-written loss broadcasts, so the model can only learn the mean.

Sources: 004 "Sanity Checks" ("ensure the model can overfit a small dataset"); 001 "Debugging
Workflow" (2. Start simple: small model first).

Mechanism: the targets are a flat vector of shape (N,) (one column read from a table), the model
outputs (N, 1), and the loss is written by hand as ``((pred - y) ** 2).mean()``. NumPy broadcasting
turns ``pred - y`` into an (N, N) table of every prediction against every target, so the loss is the
mean over i and j of (pred_i - y_j)^2 = mean_i (pred_i - mean y)^2 + var y: it is smallest when
every prediction is the mean of the targets. Training obeys: the model learns to ignore its input,
and the loss stops at var y instead of 0. (``mn.losses.MSELoss`` refuses the mismatched shapes.)

Symptom: trained alone on 8 samples of a sine for a few hundred Adam steps, the fraction of the
targets' variance the model leaves unexplained, mean((pred - y)^2) / var(y), measured per sample
with the right shapes. It shows at >= 0.1: the model did not learn 8 samples by heart (the line
preflight's own attempt draws, ``rules.overfit_tiny_loss``); predicting the mean scores 1.

Fix: make the shapes match: reshape the targets to (N, 1), or flatten the predictions to (N,).

Findings: ``cannot_overfit_batch``: preflight's own attempt (Adam on 8 samples, on a copy of the
model, with the loss it is given) meets the same broadcasting loss and fails the same way. Diagnose
usually adds ``underfitting`` (the loss levels off at about the targets' variance).

Verified: 10/10 seeds (``benchmarks/verify_catalog.py``). Unexplained variance broken 1.00 on every
seed (it predicts the mean), fixed 0.0062 [0.0037, 0.016]; spread of the predictions over the
spread of the targets broken 0.002 [0.0008, 0.009], fixed 0.995 [0.989, 0.998]. Quick (100 steps):
10/10, fixed 0.013 [0.0046, 0.032].
"""
import numpy as np

import minnet as mn
from minnet.failures import recipes
from minnet.failures.mode import Experiment, FailureMode, Knob
from minnet.monitor import rules


def handwritten_mse(pred, y):
    """The loss as a student writes it: no check that pred and y have the same shape."""
    return ((pred - y) ** 2).mean()


def flattened_mse(pred, y):
    return handwritten_mse(pred.reshape(-1), y)


class CannotOverfitTinyBatch(FailureMode):
    name = "cannot_overfit_tiny_batch"
    title = "The model cannot overfit 8 samples (a loss that broadcasts)"
    source = ("004_01fa813338dc16ed.txt, Sanity Checks (overfit a small dataset); "
              "001_550340deb8777b58.txt, Debugging Workflow (Start simple)")
    summary = ("A hand-written MSE subtracts targets of shape (N,) from predictions of shape (N, 1): "
               "broadcasting compares every prediction with every target, and that loss is smallest when "
               "every prediction is the targets' mean. Trained on just 8 samples, the model cannot fit "
               "them: it learns to ignore its input.")
    symptom = ("fraction of the 8 targets' variance left unexplained after training on them alone "
               "(mean squared error / variance); shows at >= 0.1")
    lesson = 14
    findings = frozenset({"cannot_overfit_batch"})
    figure = {"kind": "predictions"}
    knobs = (
        Knob("fix", "what to change: nothing, the targets' shape (N, 1), or the predictions' shape (N,)",
             broken="none", fixed="reshape_targets", choices=("none", "reshape_targets", "flatten_predictions")),
        Knob("samples", "size of the tiny training set", broken=8, fixed=8, low=2, high=32, integer=True),
        Knob("steps", "Adam steps (lr 0.01) on the whole tiny set", broken=200, fixed=200, low=10, high=2000,
             integer=True),
    )

    def experiment(self, s, quick):
        X, y = mn.data.sine(s.samples, noise=0.1)
        y = y.reshape(-1, 1) if s.fix == "reshape_targets" else y.reshape(-1)
        loss = flattened_mse if s.fix == "flatten_predictions" else handwritten_mse
        model = recipes.mlp([1, 32, 32, 1], activation="tanh", init="xavier")
        steps = min(s.steps, 100) if quick else s.steps
        return Experiment(model, loss, mn.optim.Adam(model.parameters(), lr=0.01), (X, y),
                          fit_kwargs={"epochs": steps, "batch_size": None}, monitor_every=10)

    def measure(self, run):
        X, y = run.experiment.train
        y = y.reshape(-1)
        pred = mn.train.predict(run.experiment.model, X).reshape(-1)
        return {"unexplained_variance": np.mean((pred - y) ** 2) / np.var(y),
                "final_loss": run.history.train_loss[-1],
                "prediction_spread": np.std(pred) / np.std(y)}

    def shows(self, symptoms):
        return symptoms["unexplained_variance"] >= rules.value("overfit_tiny_loss")


MODE = CannotOverfitTinyBatch()
