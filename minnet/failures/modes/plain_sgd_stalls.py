"""Plain SGD stalls on a badly conditioned problem, even at its best learning rate; Adam does not.

Sources: 003 "Why Is My Neural Network Stuck at a Certain Accuracy?" (switching from SGD to Adam could
break the deadlock) and "Training Process Challenges" (Adam or RMSprop adapt to the learning
landscape); 001 "Learning Rate Problems" (Adaptive Optimizers: Adam, RMSprop); 000 (adaptive
optimizers adjust the learning rate from the gradient history).

Mechanism: each sample has 100 common binary features, each present in half the samples and
unrelated to the label (like stop words), and 50 rare keywords, each present in 2% of the samples,
that decide it (the label is 1 when more of a sample's keywords vote +1 than -1). The common
features, about 50 of them active in every sample, make the loss steep along their weights (the
input's second moment has an eigenvalue ~100 * 0.5^2 = 25 along them); a keyword is active in 2% of
the samples, so the loss is nearly flat along its weights (~0.02): three orders of magnitude apart.
SGD has one lr for all weights: above ~2 / (steepest curvature) it bounces off the common features'
walls, and at any lr below that the keywords' weights crawl. Adam and RMSprop divide each weight's
step by the running size of its own gradient, so every weight moves at about lr.

Symptom: the training loss after 10 epochs of plain SGD at the best lr of a grid (0.01 to 1 in
half-decades, each run from the same initialization; the best is inside the grid), as a fraction of
the chance-level loss ln 2 it starts from. It shows when the loss has not fallen by an order of
magnitude (above 1/10 of ln 2): the labels are a deterministic function of the features, so a loss
near 0 is there to be had. Also measured: the validation accuracy, and the lr used.

Fix: Adam (lr 1e-2), or RMSprop (lr 1e-2), neither tuned by a grid. RMSprop gets the training loss
down too, but without Adam's momentum its validation accuracy jumps from epoch to epoch here (a
keyword's gradient after a long silence is divided by a tiny running average: a large step).
Known figure: CATALOG.md: the window is narrow, too extreme a conditioning defeats Adam too. Here
too (seeds 0-1): with ``common=0`` SGD needs no help (0.008 of ln 2 left, at lr 1), with the
default 100 it stalls and Adam does not, and with ``common=400`` Adam stalls as well (0.29-0.91).

Findings: none. No rule of the vocabulary reads the spread of curvature between parameters: the
update/weight ratios look normal layer by layer (~1e-2: the common features' weights move; only the
keywords' rows crawl, inside the same layer), and ``lr_too_low`` would be the wrong advice, as the lr
is already the best SGD can use.

Verified: 10/10 seeds (0-9, ``benchmarks/verify_catalog.py``). Loss left (fraction of ln 2) after 10
epochs: broken, SGD at its best grid lr (0.1 or 0.3), 0.55-0.77 (median 0.64); fixed, Adam at
1e-2, 0.0053-0.0078 (median 0.0066): two orders of magnitude apart. diagnose reads the stalled SGD
run variously as still improving, underfitting or overfitting (it fits the common features' noise
first), never as the conditioning it is.
"""
import math

import numpy as np

import minnet as mn
from minnet._random import get_rng
from minnet.failures import recipes
from minnet.failures.mode import Experiment, FailureMode, Knob
from minnet.train import restore_weights, snapshot_weights

GRID = (0.01, 0.03, 0.1, 0.3, 1.0)


def keywords(n: int, common: int, rare: int = 50, p_rare: float = 0.02):
    """``common`` binary features present with probability 0.5 and unrelated to the label, then ``rare``
    keywords present with probability ``p_rare``, each voting +1 or -1: y = 1 when the votes sum > 0."""
    rng = get_rng()
    p = np.r_[np.full(common, 0.5), np.full(rare, p_rare)]
    X = (rng.random((n, common + rare)) < p).astype(np.float32)
    votes = np.r_[np.zeros(common), rng.choice([-1.0, 1.0], rare)]
    return X, (X @ votes > 0).astype(np.int64)


class PlainSGDStalls(FailureMode):
    name = "plain_sgd_stalls"
    title = "Plain SGD stalls on a badly conditioned problem"
    source = ("003_4f6f6c141195d145.txt, Why Is My Neural Network Stuck at a Certain Accuracy? (switching from "
              "SGD to Adam); 001_550340deb8777b58.txt, Learning Rate Problems (Adaptive Optimizers)")
    summary = ("Common features make the loss steep along their weights, rare decisive keywords leave it flat "
               "along theirs. SGD's single lr must suit the steep directions, so the flat ones crawl, whatever "
               "lr is chosen; Adam and RMSprop scale each weight's step by its own gradient history.")
    symptom = ("training loss after the budget with SGD at its best grid lr, as a fraction of the chance loss "
               "ln 2; shows above 1/10 (not even an order of magnitude gained)")
    lesson = 9
    findings = frozenset()
    figure = {"kind": "lr_grid"}
    knobs = (
        Knob("fix", "what to change: nothing (plain SGD, best lr of a grid), Adam or RMSprop (lr 1e-2)",
             broken="none", fixed="adam", choices=("none", "adam", "rmsprop")),
        Knob("common", "common, uninformative features (more: steeper walls, worse conditioning)",
             broken=100, fixed=100, low=0, high=400, integer=True),
        Knob("epochs", "epochs of training", broken=10, fixed=10, low=1, high=50, integer=True),
    )

    def experiment(self, s, quick):
        X, y = keywords(1500, s.common)
        train, val = (X[:1000], y[:1000]), (X[1000:], y[1000:])
        model = recipes.mlp([X.shape[1], 32, 2], activation="tanh", init="xavier")
        loss_fn = mn.losses.CrossEntropyLoss()
        grid = {}
        if s.fix == "none":
            start = snapshot_weights(model)
            for lr in GRID[2:4] if quick else GRID:         # quick: where the best lies
                restore_weights(model, start)
                h = mn.fit(model, loss_fn, mn.optim.SGD(model.parameters(), lr=lr), train, epochs=s.epochs,
                           progress=False)
                grid[lr] = h.train_loss[-1] if math.isfinite(h.train_loss[-1]) else math.inf
            restore_weights(model, start)
            lr, opt = min(grid, key=grid.get), mn.optim.SGD
        else:
            lr, opt = 1e-2, {"adam": mn.optim.Adam, "rmsprop": mn.optim.RMSprop}[s.fix]
        return Experiment(model, loss_fn, opt(model.parameters(), lr=lr), train, val,
                          fit_kwargs={"epochs": s.epochs}, monitor_every=10,
                          extra={"grid": grid, "lr": lr, "chance": math.log(2)})

    def measure(self, run):
        h = run.history
        return {"loss_left": h.train_loss[-1] / math.log(2), "val_accuracy": h.val_acc[-1],
                "lr": run.experiment.extra["lr"]}

    def shows(self, symptoms):
        return symptoms["loss_left"] > 0.1


MODE = PlainSGDStalls()
