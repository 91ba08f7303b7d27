"""No preprocessing: the same patterns anywhere and facing any way, fed in the global frame.

Sources: 002 "You Forgot to Preprocess Your Data" (What?: joint positions relative to the centre of
the studio; How?: "some local reference frame ... relative to the character's center of mass"; Why?:
"large clusters of separated data which represent the same thing"; And?: the combinatorial explosion
of variations the network must otherwise learn one by one).

Mechanism: eight patterns of eight 2-D points (chains like a limb's joints) are seen at random
positions in a 20 x 20 room and turned by random angles (``mn.data.point_patterns``). In the room's
coordinates two views of one pattern share nothing: every position and orientation is a separate
cluster the network must learn, from 400 samples. In a local frame (centred on the points' mean,
turned so that the first step points along +x: ``mn.data.local_frame``) every view of a pattern gets
the same coordinates up to the noise, and the task becomes easy. Both settings standardize the
coordinates with the training statistics; only the frame differs.

Symptom: validation accuracy after the epochs. It shows when it is below halfway from chance (1/8) to
perfect: (1 + 1/8) / 2 = 0.5625, less than half of what the patterns say. Also: training accuracy.

Fix: express every sample in its local frame (centred and aligned). Centring alone (``fix="centre"``)
already does most of it here: a pattern is a few units across and the room twenty, so the position
swamps every coordinate; once it is gone, the network learns the orientations from the data.

Findings: none. Whether two inputs show the same thing in different frames is knowledge about the
data that no check on the numbers has (002 How?: "think of exactly what your features represent").

Verified: 10 of 10 seeds (``benchmarks/verify_catalog.py``). Validation accuracy broken 0.20-0.37
(median 0.29), fixed 0.995-1.00; training accuracy 0.30-0.50 against 1.00. ~0.5 s a run.
"""
import minnet as mn
from minnet.failures import recipes
from minnet.failures.mode import Experiment, FailureMode, Knob

CLASSES, POINTS = 8, 8


class NoPreprocessing(FailureMode):
    name = "no_preprocessing"
    title = "Patterns fed in the global frame instead of their own"
    source = "002_f66fc8b34934c2f6.txt, You Forgot to Preprocess Your Data"
    summary = ("The same patterns of points appear anywhere in a room, facing any way. In the room's coordinates "
               "each position and orientation is a separate cluster the network must learn; in each sample's own "
               "frame (centred, turned to face one way) all views of a pattern coincide.")
    symptom = "validation accuracy after the epochs; shows below (1 + 1/8) / 2 = 0.5625, halfway from chance to perfect"
    lesson = 13
    findings = frozenset()
    figure = {"kind": "frames"}
    knobs = (
        Knob("fix", "the frame the points are given in", broken="none", fixed="local_frame",
             choices=("none", "centre", "local_frame")),
        Knob("spread", "half the width of the room the patterns stand in", broken=10.0, fixed=10.0, low=0.0,
             high=100.0),
        Knob("epochs", "epochs of training (Adam, lr 0.01)", broken=10, fixed=10, low=1, high=100, integer=True),
    )

    def experiment(self, s, quick):
        X, y = mn.data.point_patterns(800, num_classes=CLASSES, n_points=POINTS, spread=s.spread)
        if s.fix == "centre":
            X = X - X.mean(axis=1, keepdims=True)
        elif s.fix == "local_frame":
            X = mn.data.local_frame(X)
        Xtr, ytr, Xv, yv = mn.data.train_val_split(X, y, val_fraction=0.5, stratify=True)
        flat = (Xtr.reshape(len(Xtr), -1), Xv.reshape(len(Xv), -1))
        Xtr_f, Xv_f = recipes.preprocess(mn.data.Standardizer(), *flat)
        model = recipes.mlp([2 * POINTS, 64, 64, CLASSES])
        return Experiment(model, mn.losses.CrossEntropyLoss(), mn.optim.Adam(model.parameters(), lr=0.01),
                          recipes.loader(Xtr_f, ytr, 32), (Xv_f, yv), fit_kwargs={"epochs": 5 if quick else s.epochs},
                          extra={"points": Xtr, "labels": ytr})

    def measure(self, run):
        return {"val_accuracy": run.history.val_acc[-1], "train_accuracy": run.history.train_acc[-1]}

    def shows(self, symptoms):
        return symptoms["val_accuracy"] < (1 + 1 / CLASSES) / 2


MODE = NoPreprocessing()
