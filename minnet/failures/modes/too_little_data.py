"""Too little data: a few dozen training images are learned by heart, and new images are not.

Sources: 003 "Data Related Issues and Solutions" (insufficient data volume: "When data is scarce, the
network struggles to generalize"; data augmentation "expanding the dataset"); 003 "How Can I Tell if
My Neural Network Is Overfitting?" ("More data, even if augmented"); 004 "Common Issues", Overfitting
("Collect more training data or augment existing data").

Mechanism: a small CNN trains on 5 images of each of the 7 shapes (35 in all, drawn at random sizes
and positions). That many examples pin down the training set, not what a shape is wherever it
sits: the network fits every training image and gets a large share of new ones wrong. Every setting
gets the same 300 Adam steps, so the small set is fitted as hard as the large one.

Symptom: the train-validation accuracy gap at the end (``history.train_acc`` - ``history.val_acc``).
It shows at 0.15 or more (``rules.overfit_large_gap``: healthy runs stay within a few points).

Fix: more data (the whole pool of ~500 training images), or augmentation that adds copies: each image
in all eight orientations of the square, relabelled with what it shows
(``mn.data.augment_images(..., keep_original=True, label_map=mn.data.shape_label_map(t))`` for t =
hflip, rot90, rot180), 280 images. ``augment_images`` alone transforms in place and keeps N, which
adds nothing; augmentation narrows the gap but does not match real data.

Verified: 10 of 10 seeds: train-validation gap broken 0.404 [0.320, 0.537] (median [min, max]),
validation accuracy 0.596; with all ~500 images 0.028 [-0.027, 0.066] and 0.818. ``overfitting`` on
every broken run, on no fixed one. Augmentation (280 images) narrows the gap to 0.10-0.19 and lifts
validation accuracy to 0.71-0.81 (seeds 0-2).
"""
import math

import numpy as np

import minnet as mn
from minnet.failures import recipes
from minnet.failures.mode import Experiment, FailureMode, Knob
from minnet.monitor import rules

STEPS, BATCH = 300, 8


class TooLittleData(FailureMode):
    name = "too_little_data"
    title = "A few dozen training images: learned by heart, no generalization"
    source = ("003_4f6f6c141195d145.txt, Data Related Issues and Solutions (insufficient data volume, "
              "augmentation); 004_01fa813338dc16ed.txt, Common Issues (Overfitting: more data or augmentation)")
    summary = ("With a few examples of each class the network fits every training image but not what the "
               "classes have in common, so it gets a large share of new images wrong: a wide train-validation "
               "gap. More data closes it; augmentation with added copies narrows it.")
    symptom = "train - validation accuracy at the end; shows at 0.15 or more (rules.overfit_large_gap)"
    lesson = 11
    findings = frozenset({"overfitting"})
    figure = {"kind": "class_counts", "panels": ("accuracy",), "x": "step"}
    knobs = (
        Knob("fix", "what to change: nothing, more data, or augmentation that adds flipped/rotated copies",
             broken="none", fixed="more_data", choices=("none", "more_data", "augment")),
        Knob("per_class", "training images of each shape in the small set", broken=5, fixed=5, low=1, high=70,
             integer=True),
    )

    def experiment(self, s, quick):
        Xtr, ytr, Xv, yv = recipes.shapes(700, size=12, val_fraction=200 / 700)
        if s.fix != "more_data":
            keep = np.concatenate([np.flatnonzero(ytr == c)[:s.per_class] for c in range(7)])
            Xtr, ytr = Xtr[keep], ytr[keep]
        if s.fix == "augment":
            for t in ("hflip", "rot90", "rot180"):
                Xtr, ytr = mn.data.augment_images(Xtr, ytr, t, fraction=1.0, keep_original=True,
                                                  label_map=mn.data.shape_label_map(t))
        model = recipes.small_cnn(7, size=12)
        batch = min(BATCH, len(ytr))
        epochs = math.ceil((100 if quick else STEPS) / (len(ytr) // batch))    # the same number of updates
        return Experiment(model, mn.losses.CrossEntropyLoss(), mn.optim.Adam(model.parameters(), lr=3e-3),
                          recipes.loader(Xtr, ytr, batch), (Xv, yv), monitor_every=10,
                          extra={"names": mn.data.SHAPE_CLASSES}, fit_kwargs={"epochs": epochs})

    def measure(self, run):
        h = run.history
        return {"train_val_gap": h.train_acc[-1] - h.val_acc[-1], "val_accuracy": h.val_acc[-1],
                "train_samples": len(run.experiment.train.y)}

    def shows(self, symptoms):
        return symptoms["train_val_gap"] >= rules.value("overfit_large_gap")


MODE = TooLittleData()
