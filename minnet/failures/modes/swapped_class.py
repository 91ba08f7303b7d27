"""A swapped class: every training label of one class given to another, and the accuracy plateaus.

Sources: 000 (an "accuracy plateau ... traced to a labeling error; a single incorrect category
assignment propagated through the dataset"; "Are labels accurately matched to their corresponding
inputs?").

Mechanism: ``mn.data.swap_labels`` relabels every training 1 as a 7 and every 7 as a 1 (a category
mapping entered the wrong way round). The error is consistent, so the network learns it as easily as
the truth: training accuracy is as high as on correct labels and the loss curve looks healthy. On
correctly labelled validation data it answers "7" for every 1 and "1" for every 7, so validation
accuracy plateaus two classes in ten below where it would be (near 0.8 x 0.95), whatever the epochs.

Symptom: the confusion between the two classes on the validation set (``mn.metrics.confusion_matrix``):
the fraction of their samples predicted as the other one, (C[a, b] + C[b, a]) / (n_a + n_b). It shows at
0.5 or more: most of them go to the other class, so the model learned the pair the wrong way round
(telling them apart gives 0, a consistent swap 1).

Fix: correct the labels (look at samples of each class with their labels: the figure's confusion
matrix points at the pair).

Findings: none. The model agrees with every training label, so ``noisy_labels`` (labels the model
contradicts) rightly stays silent, and no rule can see a consistent renaming from the training data:
only correctly labelled data shows it. Diagnose reads the train-validation gap as ``overfitting``,
which names the visible consequence, not the cause, so it is not listed.

Verified: 10 of 10 seeds: pair confusion broken 0.956 [0.923, 0.989] (median [min, max]), fixed
0 [0, 0.011]; validation accuracy plateaus at 0.748 [0.741, 0.763] against 0.949 fixed, while the
training accuracy is the same (0.975 and 0.973).
"""
import numpy as np

import minnet as mn
from minnet.failures import recipes
from minnet.failures.mode import Experiment, FailureMode, Knob


class SwappedClass(FailureMode):
    name = "swapped_class"
    title = "One class's labels given to another: an accuracy plateau"
    source = "000_ca3cee3077acb0fe.txt, a single incorrect category assignment (accuracy plateau)"
    summary = ("Every training label of one class is given to another and vice versa. The swap is consistent, "
               "so the network learns it and training looks healthy; on correctly labelled data it answers one "
               "class for the other, and validation accuracy plateaus near 1 - 2/C.")
    symptom = ("fraction of the two classes' validation samples predicted as the other class; shows at 0.5 or "
               "more (learned the wrong way round)")
    lesson = 13
    findings = frozenset()
    figure = {"kind": "samples", "panels": ("confusion", "accuracy")}
    knobs = (
        Knob("fix", "what to change: nothing, or correct the labels", broken="none", fixed="correct_labels",
             choices=("none", "correct_labels")),
        Knob("pair", "the two digit classes whose labels are swapped", broken="1,7", fixed="1,7",
             choices=("1,7", "3,8", "4,9", "5,6")),
        Knob("epochs", "epochs of training", broken=10, fixed=10, low=1, high=100, integer=True),
    )

    def experiment(self, s, quick):
        Xtr, ytr, Xv, yv = recipes.digits()
        a, b = (int(c) for c in s.pair.split(","))
        y = ytr if s.fix == "correct_labels" else mn.data.swap_labels(ytr, a, b)
        shown = np.flatnonzero(np.isin(ytr, (a, b)))             # training images of the two classes
        raw = recipes.digits(standardize=False)[0][shown].reshape(-1, 8, 8)
        model = recipes.mlp([64, 100, 10])
        return Experiment(model, mn.losses.CrossEntropyLoss(), mn.optim.Adam(model.parameters(), lr=1e-3),
                          recipes.loader(Xtr, y, 64), (Xv, yv), monitor_every=10,
                          extra={"pair": (a, b), "samples": recipes.samples(raw, y[shown], ytr[shown])},
                          fit_kwargs={"epochs": 5 if quick else s.epochs})

    def measure(self, run):
        exp = run.experiment
        return {"pair_confusion": recipes.pair_confusion(exp.model, exp.val, exp.extra["pair"], num_classes=10),
                "val_accuracy": run.history.val_acc[-1], "train_accuracy": run.history.train_acc[-1]}

    def shows(self, symptoms):
        return symptoms["pair_confusion"] >= 0.5


MODE = SwappedClass()
