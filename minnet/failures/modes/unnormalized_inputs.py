"""Unnormalized inputs: a few features a thousand times larger than the rest dominate the network.

Sources: 002 "You Forgot to Normalize Your Data" (Why?, And?: "large scale features in the input will
dominate the network"); 000 (features with vastly different ranges give gradients dominated by the
larger ones); 003 "How Important Is Data Preprocessing"; 004 "Example: Debugging a CNN" (Check
Preprocessing).

Mechanism: a quarter of the digits' 64 pixels are recorded in units a thousand times smaller (x1000;
values up to 16,000). A Dense layer's pre-activation sums w_j x_j, so those features swamp the others:
the first layer's outputs and the logits are in the thousands, and the gradient on the weights of
feature j scales with x_j. Adam moves every weight by about the learning rate per step, which for a
x1000 feature changes the pre-activations by ~10 per step: the logits jump around, confidently wrong.

Symptom: the validation cross-entropy after 5 epochs (``history.val_loss``). It shows when the loss is
above ln 10 = 2.30, the loss of a model that answers uniformly at random: worse than knowing nothing.
Also: the spread of the per-feature gradient norms of the first layer (largest over median, blank
pixels left out) and the validation accuracy.

Fix: standardize every feature with the training split's mean and std (``mn.data.Standardizer``,
fitted on train only), or min-max scale to [0, 1] (``MinMaxScaler``).

Verified: 10 of 10 seeds (``benchmarks/verify_catalog.py``). Validation loss broken 229-398 (median
304), fixed 0.30-0.38; per-feature gradient spread 849-1550 against 1.7-2.9; validation accuracy
0.56-0.78 against 0.90-0.93. ``unnormalized_inputs`` on every broken run, on no fixed one. ~0.7 s a run.
"""
import math

import numpy as np

import minnet as mn
from minnet.failures import recipes
from minnet.failures.mode import Experiment, FailureMode, Knob

SCALERS = {"standardize": mn.data.Standardizer, "minmax": mn.data.MinMaxScaler}


class UnnormalizedInputs(FailureMode):
    name = "unnormalized_inputs"
    title = "Inputs on wildly different scales"
    source = ("002_f66fc8b34934c2f6.txt, You Forgot to Normalize Your Data; 000_ca3cee3077acb0fe.txt, normalized "
              "or standardized to a consistent scale; 003_4f6f6c141195d145.txt, data preprocessing")
    summary = ("A quarter of the input features are a thousand times larger than the rest. They swamp every "
               "pre-activation and the gradient, so the logits are huge and jump around; standardizing each "
               "feature with the training statistics puts them all on one scale.")
    symptom = "validation loss after the epochs; shows above ln 10 = 2.30 (worse than guessing uniformly)"
    lesson = 10
    findings = frozenset({"unnormalized_inputs"})
    figure = {"kind": "feature_scales"}
    knobs = (
        Knob("fix", "how to scale the inputs (fitted on the training split)", broken="none", fixed="standardize",
             choices=("none", "standardize", "minmax")),
        Knob("scale", "factor of the large features (a quarter of them)", broken=1000.0, fixed=1000.0, low=1.0,
             high=1e4),
        Knob("offset", "added to the large features", broken=0.0, fixed=0.0, low=0.0, high=1e4),
        Knob("epochs", "epochs of training (Adam, lr 1e-3)", broken=5, fixed=5, low=1, high=50, integer=True),
    )

    def experiment(self, s, quick):
        Xtr, ytr, Xv, yv = recipes.digits(standardize=False)
        large = np.zeros(Xtr.shape[1], dtype=bool)
        large[mn._random.get_rng().choice(Xtr.shape[1], Xtr.shape[1] // 4, replace=False)] = True
        scales, offsets = np.where(large, s.scale, 1.0), np.where(large, s.offset, 0.0)
        Xtr, Xv = (mn.data.scale_features(X, scales, offsets) for X in (Xtr, Xv))
        if s.fix != "none":
            Xtr, Xv = recipes.preprocess(SCALERS[s.fix](zero_variance="warn"), Xtr, Xv)
        model = recipes.mlp([64, 64, 10])
        return Experiment(model, mn.losses.CrossEntropyLoss(), mn.optim.Adam(model.parameters(), lr=1e-3),
                          recipes.loader(Xtr, ytr, 32), (Xv, yv), fit_kwargs={"epochs": 2 if quick else s.epochs})

    def measure(self, run):
        exp = run.experiment
        grad = recipes.input_gradient_norms(exp.model, exp.loss_fn, exp.train.X, exp.train.y)
        exp.extra["feature_grad"] = grad                    # the figure draws it
        varying = grad[grad > 0]                             # blank pixels get no gradient at all
        return {"val_loss": run.history.val_loss[-1], "grad_spread": varying.max() / np.median(varying),
                "val_accuracy": run.history.val_acc[-1]}

    def shows(self, symptoms):
        return not symptoms["val_loss"] <= math.log(10)


MODE = UnnormalizedInputs()
