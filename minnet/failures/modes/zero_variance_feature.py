"""Zero-variance feature: standardizing a constant feature divides 0 by 0, and NaN poisons the loss.

Sources: 002 "You Forgot to Normalize Your Data", And? ("be careful with features that have such a
small range that their standard deviation becomes close to, or exactly, zero - these will produce
instabilities of NaNs if you normalize them").

Mechanism: three pixels of the digits (corners and edges) are blank in every training image: their
mean and standard deviation are exactly 0. Standardizing by hand, (x - mean) / std, gives 0 / 0 = NaN
in every row of those columns, for the training and the validation split alike. One NaN input makes
its row's pre-activations NaN, hence the batch's loss, and any update would turn every weight NaN.

Symptom: the fraction of the standardized training inputs that are NaN or inf. It shows when any
is (a NaN is not a matter of degree). Also: the training loss (NaN from the first step, when ``fit``
stops) and the validation accuracy.

Fix: guard the division: drop the constant features (``mn.data.VarianceThreshold``, fitted on the
training split) or floor the standard deviation (``mn.data.Standardizer`` replaces a std below
``min_spread`` by 1, so a constant feature is only centred, as scikit-learn's StandardScaler does).

Findings: ``zero_variance_feature``: preflight flags a feature that is NaN in most rows, the mark of
0 / 0 (``nan_in_data`` fires too, but names no cause).

Verified: 10 of 10 seeds (``benchmarks/verify_catalog.py``). Broken: 4.7% of the standardized
inputs are NaN (3 of 64 columns, every row), the loss is NaN at the first step and the validation
accuracy 0.10; fixed: none, loss 0.29-0.34, accuracy 0.90-0.92. ``zero_variance_feature`` on every
broken run, on no fixed one. ~0.4 s a run.
"""
import numpy as np

import minnet as mn
from minnet.failures import recipes
from minnet.failures.mode import Experiment, FailureMode, Knob


def standardize_by_hand(X_train, *others):
    """(x - mean) / std with the training statistics and no guard: what a first script writes."""
    mean, std = X_train.mean(axis=0), X_train.std(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        return tuple((X - mean) / std for X in (X_train,) + others)


class ZeroVarianceFeature(FailureMode):
    name = "zero_variance_feature"
    title = "A constant feature divided by its zero standard deviation"
    source = "002_f66fc8b34934c2f6.txt, You Forgot to Normalize Your Data (And?: standard deviation close to zero)"
    summary = ("Blank pixels have mean 0 and standard deviation 0 over the training images. Standardizing them "
               "by hand computes 0 / 0 = NaN in every row; the NaN inputs make the loss NaN from the first batch.")
    symptom = "fraction of the standardized training inputs that are NaN/inf; shows when any is"
    lesson = 10
    findings = frozenset({"zero_variance_feature"})
    figure = {"kind": "nan_map", "stat": "std"}
    knobs = (
        Knob("fix", "how to guard the division by the standard deviation", broken="none", fixed="std_floor",
             choices=("none", "std_floor", "drop")),
        Knob("epochs", "epochs of training (Adam, lr 1e-3)", broken=5, fixed=5, low=1, high=50, integer=True),
    )

    def experiment(self, s, quick):
        Xtr, ytr, Xv, yv = recipes.digits(standardize=False)
        raw = Xtr
        if s.fix == "drop":
            Xtr, Xv = recipes.preprocess(mn.data.VarianceThreshold(), Xtr, Xv)
        if s.fix == "none":
            Xtr, Xv = standardize_by_hand(Xtr, Xv)
        else:
            Xtr, Xv = recipes.preprocess(mn.data.Standardizer(zero_variance="warn"), Xtr, Xv)
        model = recipes.mlp([Xtr.shape[1], 64, 10])
        return Experiment(model, mn.losses.CrossEntropyLoss(), mn.optim.Adam(model.parameters(), lr=1e-3),
                          recipes.loader(Xtr, ytr, 32), (Xv, yv), fit_kwargs={"epochs": 2 if quick else s.epochs},
                          extra={"raw": raw})

    def measure(self, run):
        X, h = run.experiment.train.X, run.history
        return {"nonfinite_inputs": np.mean(~np.isfinite(X)), "train_loss": h.train_loss[-1],
                "val_accuracy": h.val_acc[-1]}

    def shows(self, symptoms):
        return symptoms["nonfinite_inputs"] > 0


MODE = ZeroVarianceFeature()
