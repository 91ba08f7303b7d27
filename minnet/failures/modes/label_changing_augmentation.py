"""An augmentation that changes the class: mirrored slashes keep the label "slash", and the network
can no longer tell "/" from "\\".

Sources: 000 ("If data augmentation is employed, ensure the transformations are reasonable and that
the augmentation pipeline isn't inadvertently altering the labels"); 003 "Data Related Issues and
Solutions" (augmentation by "rotations, flips, or slight distortions").

Mechanism: half the training images (``mn.data.augment_images(..., "hflip", fraction=0.5)``, the usual
flip probability) are mirrored left-right, and their labels are kept. A mirrored "/" is a "\\", so half
the images showing "/" are labelled "backslash" and half the images showing "\\" are labelled "slash":
the labels of the two classes become a coin toss, and the network learns to answer either for both.
Squares and circles look the same mirrored and are unharmed.

Symptom: the fraction of the validation slashes and backslashes (correctly labelled) predicted as their
mirror image (``mn.metrics.confusion_matrix``). It shows at 0.25 or more: nearer a coin toss (0.5)
than telling them apart (0).

Fix: a label-preserving augmentation: relabel each transformed image with what it now shows
(``label_map=mn.data.shape_label_map("hflip")``), or use a transform that keeps every class
(``"rot180"``), or no augmentation at all.

Known figure: with centred shapes (``center=True``) a mirrored shape can land one pixel off the
centre, so the network tells mirrored from real and the corruption partly hides (confusion ~0.2-0.3);
shapes at random positions avoid that leak (the default here).

Findings: none. The coin-toss labels leave the model unsure (about 0.5 for each of the two classes),
not confidently wrong, so ``noisy_labels`` (labels the model confidently contradicts) rightly stays
silent, and no rule of the vocabulary describes two classes made indistinguishable by their labels.

Verified: 10 of 10 seeds: mirror confusion broken 0.533 [0.355, 0.737] (median [min, max]), fixed
(relabelled flips) 0.013 [0, 0.053]; validation accuracy 0.668 against 0.918. The flip fraction
decides it: at 0.3 the majority label still wins (confusion 0.03-0.15), at 0.8 the pair is learned
the wrong way round (0.91-0.93).
"""
import numpy as np

import minnet as mn
from minnet.failures import recipes
from minnet.failures.mode import Experiment, FailureMode, Knob

CLASSES = ("square", "circle", "slash", "backslash")
PAIR = (2, 3)                       # slash and backslash: mirror images of each other


class LabelChangingAugmentation(FailureMode):
    name = "label_changing_augmentation"
    title = "A flip augmentation that turns one class into another"
    source = ("000_ca3cee3077acb0fe.txt, the augmentation pipeline altering the labels; 003_4f6f6c141195d145.txt, "
              "Data Related Issues and Solutions (augmentation)")
    summary = ("Half the training images are mirrored and keep their labels, but a mirrored slash is a backslash. "
               "The labels of the two classes become a coin toss, and the network can no longer tell them apart.")
    symptom = ("fraction of the validation slashes and backslashes predicted as their mirror image; shows at 0.25 "
               "or more (nearer a coin toss than telling them apart)")
    lesson = 13
    findings = frozenset()
    figure = {"kind": "samples", "panels": ("confusion",)}
    knobs = (
        Knob("fix", "what to change: nothing, relabel the flipped images, a label-preserving transform, or no "
             "augmentation", broken="none", fixed="label_map", choices=("none", "label_map", "rot180", "no_augmentation")),
        Knob("fraction", "fraction of the training images transformed", broken=0.5, fixed=0.5, low=0.0, high=1.0),
        Knob("center", "draw every shape in the middle (lets a flip leak a one-pixel offset)", broken=False,
             fixed=False, choices=(False, True)),
        Knob("epochs", "epochs of training", broken=10, fixed=10, low=1, high=100, integer=True),
    )

    def experiment(self, s, quick):
        Xtr, ytr, Xv, yv = recipes.shapes(600, size=12, classes=CLASSES, center=s.center)
        flip = mn.data.shape_label_map("hflip", CLASSES)
        X, y, truth = Xtr, ytr, ytr
        if s.fix != "no_augmentation":
            transform = "rot180" if s.fix == "rot180" else "hflip"
            X, y, mask = mn.data.augment_images(Xtr, ytr, transform, s.fraction, return_mask=True,
                                                label_map=flip if s.fix == "label_map" else None)
            if transform == "hflip":    # what each image shows now: its mirror class where it was flipped
                truth = np.where(mask, [flip[c] for c in ytr], ytr)
        shown = np.flatnonzero(np.isin(ytr, PAIR))          # slashes and backslashes, as trained on
        extra = {"samples": recipes.samples(X[shown], y[shown], truth[shown], names=CLASSES), "pair": PAIR,
                 "names": CLASSES}
        model = recipes.small_cnn(len(CLASSES), size=12)
        return Experiment(model, mn.losses.CrossEntropyLoss(), mn.optim.Adam(model.parameters(), lr=3e-3),
                          recipes.loader(X, y, 32), (Xv, yv), monitor_every=10, extra=extra,
                          fit_kwargs={"epochs": 4 if quick else s.epochs})

    def measure(self, run):
        exp = run.experiment
        return {"mirror_confusion": recipes.pair_confusion(exp.model, exp.val, PAIR, len(CLASSES)),
                "val_accuracy": run.history.val_acc[-1]}

    def shows(self, symptoms):
        return symptoms["mirror_confusion"] >= 0.25


MODE = LabelChangingAugmentation()
