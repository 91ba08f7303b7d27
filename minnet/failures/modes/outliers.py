"""Outliers: a few targets a hundred times too large pull a least-squares fit away from the rest.

Sources: 003 "Data Related Issues and Solutions" (noisy data: "removing outliers") and "How Important
Is Data Preprocessing" ("outliers might need trimming to avoid throwing off the loss"); 002 "You Used
an Incorrect Learning Rate" (Why?: "outliers which produce large errors and therefore large gradients
and weight updates"; And?: "removed most of the outliers").

Mechanism: 2% of the training targets of a sine regression were recorded in the wrong unit, x100
(``mn.data.add_unit_errors``). Their errors are ~100 times the others', and the squared loss's gradient
grows with the error: every batch that holds one has a gradient a hundred times larger, and SGD with
momentum, at a learning rate that fits the clean data well, takes a step a hundred times too long.
The weights are thrown around (tanh units saturate) and the fit lands far from the curve that all the
other samples follow.

Symptom: the mean squared error on clean validation data over its variance (1 - R^2). It shows at 1
or more: the fit is no better than answering the mean. Also: the median gradient norm of the training
steps (``history.grad_norm``), two orders of magnitude above the clean run's.

Fix: remove the outliers from the training data (``mn.data.find_outliers``: robust z-scores from the
median and the MAD; on nine of the ten seeds they find all ten rescaled targets, on the tenth all but
one that was 0.03 and became 3, too near the others to stand out), or train with a robust loss (L1,
whose gradient does not grow with the error).

Findings: none. No code of the vocabulary names a few wild targets. ``diagnose`` reads the jumps they
cause as ``lr_too_high`` (and, where the outliers push the targets' RMS past 10, preflight says
``unscaled_targets``): the wrong cure, as 002 warns ("seeing your training error exploding is almost
always an indication that something else is wrong with some of your data").

Verified: 10 of 10 seeds (``benchmarks/verify_catalog.py``). Unexplained variance on clean
validation data broken 21-8320 (median 544), fixed 0.030-0.063 (robust loss: 0.03-0.09); median
gradient norm of a step 82-192 against 0.25-0.56. ~0.5 s a run.
"""
import numpy as np

import minnet as mn
from minnet.failures import recipes
from minnet.failures.mode import Experiment, FailureMode, Knob


class Outliers(FailureMode):
    name = "outliers"
    title = "A few targets a hundred times too large"
    source = ("003_4f6f6c141195d145.txt, Data Related Issues and Solutions (removing outliers); "
              "002_f66fc8b34934c2f6.txt, You Used an Incorrect Learning Rate (Why?, And?)")
    summary = ("2% of the regression targets were recorded in the wrong unit, a hundred times too large. Their "
               "errors, and with them the squared loss's gradients, are a hundred times larger: every batch that "
               "holds one kicks the weights far, and the fit ends up nowhere near the curve the other samples follow.")
    symptom = ("validation MSE (clean data) over the variance of the validation targets (1 - R^2); shows at >= 1, "
               "no better than answering the mean")
    lesson = 13
    findings = frozenset()
    figure = {"kind": "outliers_fit"}
    knobs = (
        Knob("fix", "drop the outliers from training (robust z-score > 3.5), or a robust loss", broken="none",
             fixed="remove", choices=("none", "remove", "l1")),
        Knob("fraction", "fraction of the training targets recorded x100", broken=0.02, fixed=0.02, low=0.0,
             high=0.5),
        Knob("lr", "learning rate of SGD with momentum 0.9 (it trains the clean data well)", broken=0.03, fixed=0.03, low=1e-4, high=1.0),
        Knob("epochs", "epochs of training", broken=10, fixed=10, low=1, high=100, integer=True),
    )

    def experiment(self, s, quick):
        X, y = mn.data.sine(768, noise=0.1)
        Xtr, ytr, Xv, yv = X[:512], y[:512], X[512:], y[512:]
        ytr, outlier = mn.data.add_unit_errors(ytr, s.fraction, factor=100.0, return_mask=True)
        shown = (Xtr, ytr)                                  # the figure draws every training target
        if s.fix == "remove":
            keep = ~mn.data.find_outliers(ytr)
            Xtr, ytr = Xtr[keep], ytr[keep]
        loss = mn.losses.L1Loss() if s.fix == "l1" else mn.losses.MSELoss()
        model = recipes.mlp([1, 64, 64, 1], activation="tanh", init="xavier")
        return Experiment(model, loss, mn.optim.SGD(model.parameters(), lr=s.lr, momentum=0.9),
                          recipes.loader(Xtr, ytr, 32),
                          (Xv, yv), fit_kwargs={"epochs": 5 if quick else s.epochs},
                          extra={"shown": shown, "outlier": outlier})

    def measure(self, run):
        Xv, yv = run.experiment.val
        mse = np.mean((mn.train.predict(run.experiment.model, Xv) - yv) ** 2)
        return {"unexplained_variance": mse / yv.var(), "median_grad_norm": np.nanmedian(run.history.grad_norm)}

    def shows(self, symptoms):
        return not symptoms["unexplained_variance"] < 1.0


MODE = Outliers()
