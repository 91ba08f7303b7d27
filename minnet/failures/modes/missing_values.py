"""Missing values: NaN holes left in the inputs make the loss NaN at the first batch that holds one.

Sources: 003 "How Important Is Data Preprocessing for Neural Network Training?" ("missing values,
which can confuse the network if left unchecked - imputing them with means or medians keeps things
smooth").

Mechanism: a handful of pixel values (0.005% of the entries: 4 of the 86,144 in the training split) are
missing, stored as NaN, and the pipeline only scales the pixels to [0, 1]. A NaN input makes its row's
pre-activations NaN, so the mean loss of any batch that holds one is NaN, and so is every gradient:
one update would make every weight NaN. Training runs normally until the first batch with a hole.

Symptom: the step at which the loss first became NaN (``history.diverged``; 0 if never), compared
with the first step whose batch held a missing value (the loader's batches replayed with its seed).
It shows when the loss became NaN exactly at that first affected batch. Also: validation accuracy.

Fix: impute every hole with its feature's mean over the training split (``mn.data.SimpleImputer``,
fitted on train only, applied to every split), or with the median.

Findings: ``nan_in_data``: preflight finds the NaN in the training inputs before training starts.

Verified: 10 of 10 seeds (``benchmarks/verify_catalog.py``). Broken: the loss became NaN at step 5
to 24 (median 11.5), on every seed exactly the first step whose batch held a missing value;
validation accuracy 0.04-0.27 (the weights of the step before). Fixed: never NaN, accuracy 0.88-0.91.
``nan_in_data`` on every broken run, on no fixed one. ~0.4 s a run.
"""
import numpy as np

import minnet as mn
from minnet.failures import recipes
from minnet.failures.mode import Experiment, FailureMode, Knob


class MissingValues(FailureMode):
    name = "missing_values"
    title = "NaN holes left in the inputs"
    source = "003_4f6f6c141195d145.txt, How Important Is Data Preprocessing for Neural Network Training? (missing values)"
    summary = ("A few input values are missing, stored as NaN, and nothing fills them. Training goes well until "
               "the first batch that holds one: its loss and every gradient are NaN, and the run is lost.")
    symptom = ("the step at which the loss first became NaN (0 if never); shows when it is the first step whose "
               "batch held a missing value")
    lesson = 13
    findings = frozenset({"nan_in_data"})
    figure = {"kind": "nan_map"}
    knobs = (
        Knob("fix", "how to fill the holes (statistics of the training split)", broken="none", fixed="mean",
             choices=("none", "mean", "median")),
        Knob("fraction", "fraction of the input values that are missing", broken=5e-5, fixed=5e-5, low=1e-5,
             high=0.5),
        Knob("epochs", "epochs of training (Adam, lr 1e-3)", broken=5, fixed=5, low=1, high=50, integer=True),
    )

    def experiment(self, s, quick):
        Xtr, ytr, Xv, yv = recipes.digits(standardize=False)
        Xtr, missing = mn.data.insert_missing(Xtr, s.fraction, return_mask=True)
        Xv = mn.data.insert_missing(Xv, s.fraction)
        if s.fix != "none":
            Xtr, Xv = recipes.preprocess(mn.data.SimpleImputer(s.fix), Xtr, Xv)
        Xtr, Xv = (mn.data.scale_images(X, max_value=mn.data.DIGITS_MAX_VALUE) for X in (Xtr, Xv))
        seed = int(mn._random.get_rng().integers(2**31))    # the loader's order, to replay it in measure
        model = recipes.mlp([64, 64, 10])
        return Experiment(model, mn.losses.CrossEntropyLoss(), mn.optim.Adam(model.parameters(), lr=1e-3),
                          self._loader(Xtr, ytr, seed), (Xv, yv), fit_kwargs={"epochs": 2 if quick else s.epochs},
                          extra={"missing": missing, "loader_seed": seed})

    @staticmethod
    def _loader(X, y, seed):
        return mn.data.DataLoader(X, y, batch_size=32, shuffle=True, seed=seed, drop_last=True)

    def measure(self, run):
        exp, h = run.experiment, run.history
        loader = self._loader(exp.train.X, exp.train.y, exp.extra["loader_seed"])
        holes = [np.isnan(xb).any() for _ in range(len(h.steps_per_epoch)) for xb, _ in loader]
        return {"nan_loss_step": h.diverged.global_step if h.diverged else 0,
                "first_missing_step": holes.index(True) + 1 if any(holes) else 0,
                "val_accuracy": h.val_acc[-1]}

    def shows(self, symptoms):
        return symptoms["nan_loss_step"] > 0 and symptoms["nan_loss_step"] == symptoms["first_missing_step"]


MODE = MissingValues()
