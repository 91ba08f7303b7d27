"""A class missing from the training split: the model never predicts it, and its recall is 0.

Sources: 000 ("verify that each category is represented across the training, validation, and test
sets").

Mechanism: the training split holds no sample of one digit (``mn.data.remove_class``: what a bad
filter, or an unstratified split of data ordered by class, does), while the validation split still
asks for it. The network has an output for the class, but every training step pushes that output
down and none pushes it up, so it never wins: the class is never predicted. The other nine classes
train as usual, and the loss curves look healthy.

Symptom: recall of the missing class on the validation set (``mn.metrics.recall``). It shows at or
below 1/C = 0.1, no better than a guess finds it; here it is exactly 0.

Fix: a split that represents every class in every part (``mn.data.train_val_split(stratify=True)``:
each class is split on its own), and a check of the class counts per split before training (the
figure shows them).

Verified: 10 of 10 seeds: recall of the missing digit broken 0 [0, 0] (median [min, max]), fixed
0.902 [0.848, 0.935]; the other nine classes' recall is the same (0.954 and 0.957). ``missing_class``
on every broken run, on no fixed one.
"""
import numpy as np

import minnet as mn
from minnet.failures import recipes
from minnet.failures.mode import Experiment, FailureMode, Knob


class MissingClassInSplit(FailureMode):
    name = "missing_class_in_split"
    title = "A class absent from the training split is never predicted"
    source = "000_ca3cee3077acb0fe.txt, each category represented across the training, validation and test sets"
    summary = ("The training split holds no sample of one class while validation still asks for it. The "
               "network's output for that class is only ever pushed down, so it never predicts it: the class's "
               "recall is 0, and the curves of the other classes look healthy.")
    symptom = "recall of the missing class on the validation set; shows at or below 1/C (no better than a guess)"
    lesson = 13
    findings = frozenset({"missing_class"})
    figure = {"kind": "class_counts", "panels": ("recall",)}
    knobs = (
        Knob("fix", "what to change: nothing, or a stratified split (every class in every split)",
             broken="none", fixed="stratified_split", choices=("none", "stratified_split")),
        Knob("missing", "the digit left out of the training split", broken=3, fixed=3, low=0, high=9, integer=True),
        Knob("epochs", "epochs of training", broken=10, fixed=10, low=1, high=100, integer=True),
    )

    def experiment(self, s, quick):
        Xtr, ytr, Xv, yv = recipes.digits()
        if s.fix == "none":
            Xtr, ytr = mn.data.remove_class(Xtr, ytr, s.missing)
        model = recipes.mlp([64, 100, 10])
        return Experiment(model, mn.losses.CrossEntropyLoss(), mn.optim.Adam(model.parameters(), lr=1e-3),
                          recipes.loader(Xtr, ytr, 64), (Xv, yv), monitor_every=10,
                          extra={"highlight": (s.missing,), "missing": s.missing},
                          fit_kwargs={"epochs": 5 if quick else s.epochs})

    def measure(self, run):
        (Xv, yv), c = run.experiment.val, run.experiment.extra["missing"]
        recall = mn.metrics.recall(yv, recipes.predicted_classes(run.experiment.model, Xv), num_classes=10)
        return {"missing_class_recall": recall[c], "val_accuracy": run.history.val_acc[-1],
                "other_classes_recall": float(np.mean(np.delete(recall, c)))}

    def shows(self, symptoms):
        return symptoms["missing_class_recall"] <= 1 / 10


MODE = MissingClassInSplit()
