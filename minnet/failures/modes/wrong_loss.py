"""The wrong loss: classification treated as regression, one output fitted to the class index by MSE.

Sources: 003 "Training Process Challenges and How to Address Them" ("For regression tasks, mean
squared error works well ..., while classification problems typically call for cross-entropy loss
... Mismatching the loss to the task can confuse the network") and "Why Is My Neural Network Stuck at
a Certain Accuracy?" (the loss function might not suit the task).

Mechanism: the ten digits are fitted as numbers: one output, trained by mean squared error to
equal the class index 0..9, and rounded to the nearest index to classify. That puts the classes on
a line: a 7 that looks like a 1 is pulled to 4, "between" them, and the squared error rewards the
hedge; digits that look alike but lie far apart on the line cannot both be right. One output per
class with softmax cross-entropy has no such order between the classes.

Symptom: accuracy on the validation digits after a fixed number of epochs (the class read off the
output: the rounded, clipped index for the regression, the argmax for cross-entropy). It shows
below 80% (``rules.underfit_accuracy``: below it minnet calls a model meant for its task a poor
fit; the fixed net gets about 97%). Training longer does not rescue the regression: with 100 epochs
and 256 hidden units (seed 0) it learns 99% of its training digits by heart and still gets only 58%
of the new ones.

Fix: one output per class and cross-entropy (003); the same hidden layer and optimizer.
Known figure: MSE on one-hot outputs (one per class) is not a robust failure on small data with
Adam, it reaches cross-entropy's accuracy; regression on the class index is: here about 40% of the
validation digits against 97%.

Verified: 10/10 seeds (``benchmarks/verify_catalog.py``). Validation accuracy: broken 0.375-0.439
(median 0.421), fixed 0.96-0.978; ``loss_mismatch`` on every broken run. The confusion matrix shows
the mechanism: the regression's errors lie next to the diagonal (neighbouring indices).
"""
import numpy as np

import minnet as mn
from minnet.failures import recipes
from minnet.failures.mode import Experiment, FailureMode, Knob
from minnet.monitor import rules

CLASSES = 10


def nearest_index(out):
    """The regression's class: its one output rounded to the nearest index, clipped to 0..9."""
    return np.clip(np.round(out[:, 0]), 0, CLASSES - 1).astype(int)


def argmax(out):
    """Cross-entropy's class: the largest of the ten outputs."""
    return out.argmax(axis=1)


class WrongLoss(FailureMode):
    name = "wrong_loss"
    title = "Classes fitted as numbers: MSE on the class index"
    source = ("003_4f6f6c141195d145.txt, Training Process Challenges and How to Address Them (loss function); "
              "Why Is My Neural Network Stuck at a Certain Accuracy?")
    summary = ("The digits are fitted as numbers: one output trained by mean squared error to equal the class "
               "index, rounded to classify. That orders the classes on a line, so a digit that looks like two "
               "distant classes is pulled between them; one output per class with cross-entropy has no order.")
    symptom = "validation accuracy after a fixed number of epochs; shows below 80%"
    lesson = 14
    findings = frozenset({"loss_mismatch"})
    figure = {"kind": "confusion"}
    knobs = (
        Knob("fix", "the loss: MSE on the class index, or cross-entropy on one output per class",
             broken="none", fixed="cross_entropy", choices=("none", "cross_entropy")),
        Knob("hidden", "units of the hidden layer", broken=64, fixed=64, low=4, high=512, integer=True),
        Knob("epochs", "epochs of training", broken=10, fixed=10, low=1, high=100, integer=True),
    )

    def experiment(self, s, quick):
        Xtr, ytr, Xv, yv = recipes.digits()
        if s.fix == "cross_entropy":
            model, loss, decide = recipes.mlp([64, s.hidden, CLASSES]), mn.losses.CrossEntropyLoss(), argmax
        else:
            model, loss, decide = recipes.mlp([64, s.hidden, 1]), mn.losses.MSELoss(), nearest_index
            ytr, yv = ytr.astype(np.float32)[:, None], yv.astype(np.float32)[:, None]   # the index as a number
        return Experiment(model, loss, mn.optim.Adam(model.parameters(), lr=0.003), recipes.loader(Xtr, ytr, 32),
                          (Xv, yv), fit_kwargs={"epochs": 3 if quick else s.epochs}, extra={"decide": decide})

    def measure(self, run):
        exp, accuracy = run.experiment, {}
        for split, (X, y) in (("val", exp.val), ("train", (exp.train.X, exp.train.y))):
            predicted = exp.extra["decide"](mn.train.predict(exp.model, X))
            accuracy[split] = mn.metrics.accuracy(np.ravel(y).astype(int), predicted)
        return {"val_accuracy": accuracy["val"], "train_accuracy": accuracy["train"]}

    def shows(self, symptoms):
        return symptoms["val_accuracy"] < rules.value("underfit_accuracy")


MODE = WrongLoss()
