"""Learning rate too high: every SGD step overshoots the minimum, and the loss climbs until it is NaN.

Sources: 001 "Learning Rate Problems" (Too High: loss oscillates wildly, training diverges, overshoots
minima; Learning Rate Finder); 002 "You Used an Incorrect Learning Rate" (How: find the highest
learning rate that does not make the error explode, set it one order of magnitude lower); 003
"Training Process Challenges" (set it too high and the network overshoots); 004 "Example: Debugging
a Convolutional Neural Network" (too high causes divergence).

Mechanism: a gradient step of size lr * g lands beyond the valley floor when lr exceeds ~2 / (the
steepest curvature). Each overshoot lands higher up the opposite wall, where the gradient is larger,
so the next step overshoots further: the error grows geometrically. Here plain SGD with lr 5 trains
an MLP on the standardized digits; the range test (``mn.lr_find``) puts the loss's minimum at lr
1.5-2, and lr 1 already oscillates, so 5 is a few times past the edge of stability.

Symptom: the training loss of the last epoch (inf once it is NaN: ``fit`` stops at the first NaN
loss). It shows when the loss ends no lower than chance, ln C = ln 10 (a classifier that has learned
nothing scores that by predicting 1/C for every class): the steps made things worse, not better.
Also measured: each layer's update/weight ratio in the first fifth of training (``mn.monitor``; the
median layer), of order 1 instead of cs231n's healthy ~1e-3, and the validation accuracy.

Fix: 002's recipe, done by the range test: ``mn.lr_find`` raises the lr step by step, finds where the
loss stops improving, and suggests a tenth of that (0.15-0.2 here). Any lr can be tried with ``lr``.

Verified: 10/10 seeds (0-9, ``benchmarks/verify_catalog.py``). Broken: NaN (inf) in epoch 2 on every
seed, update/weight ratio ~2.5; fixed (lr_find: 0.15-0.2): final loss 0.047-0.11 (median 0.064).
``diverged`` and ``lr_too_high`` on every broken seed, on no fixed one.
"""
import math

import numpy as np

import minnet as mn
from minnet.failures import recipes
from minnet.failures.mode import Experiment, FailureMode, Knob


class LRTooHigh(FailureMode):
    name = "lr_too_high"
    title = "Learning rate too high: the loss rises and turns NaN"
    source = ("001_550340deb8777b58.txt, Learning Rate Problems (Too High; Learning Rate Finder); "
              "002_f66fc8b34934c2f6.txt, You Used an Incorrect Learning Rate")
    summary = ("Each SGD step lands beyond the minimum, higher up the opposite wall where the gradient is "
               "larger, so the next step overshoots further: the loss grows geometrically until it is NaN. "
               "The range test finds where the loss stops improving; a tenth of that lr trains well.")
    symptom = ("training loss of the last epoch (inf once NaN); shows when it ends no lower than chance, "
               "ln C = ln 10")
    lesson = 9
    findings = frozenset({"diverged", "lr_too_high"})
    figure = {"kind": "step_loss", "metric": "update_ratio"}
    knobs = (
        Knob("fix", "what to change: nothing, or the lr that mn.lr_find suggests (the lr knob is then unused)",
             broken="none", fixed="lr_find", choices=("none", "lr_find")),
        Knob("lr", "SGD's learning rate when not found by lr_find", broken=5.0, fixed=5.0, low=1e-4, high=50.0),
        Knob("epochs", "epochs of training", broken=5, fixed=5, low=1, high=30, integer=True),
    )

    def experiment(self, s, quick):
        Xtr, ytr, Xv, yv = recipes.digits()
        model, loss_fn = recipes.mlp([64, 64, 10]), mn.losses.CrossEntropyLoss()
        lr = recipes.range_test_lr(model, loss_fn, Xtr, ytr) if s.fix == "lr_find" else s.lr
        return Experiment(model, loss_fn, mn.optim.SGD(model.parameters(), lr=lr), recipes.loader(Xtr, ytr, 32),
                          (Xv, yv), fit_kwargs={"epochs": 2 if quick else s.epochs},
                          extra={"lr": lr, "chance": math.log(10)})

    def measure(self, run):
        last = run.history.train_loss[-1]
        ratios = [np.nanmedian(v[:max(1, len(v) // 5)]) for v in run.monitor.get("update_ratio").values()]
        return {"final_loss": last if math.isfinite(last) else math.inf,
                "update_ratio": float(np.median(ratios)), "val_accuracy": run.history.val_acc[-1]}

    def shows(self, symptoms):
        return symptoms["final_loss"] >= math.log(10)


MODE = LRTooHigh()
