"""Too few hidden units: two units cannot carry what ten classes need, and accuracy hits a ceiling.

Sources: 002 "You Used the Wrong Number of Hidden Units" ("Too few units and it may not have the
capacity to express the task required"; "for classification ... five to ten times the number of
classes"); 003 "Model Architecture Problems and Fixes" and "What Should I Do if My Neural Network Is
Underfitting?"; 001 "Underfitting" (increase model complexity); 004 "Underfitting".

Mechanism: the 64 pixels of a digit must pass through a hidden layer of 2 ReLU units before the
ten class scores are computed from them. Two numbers per image are too few to keep ten classes
apart: the network underfits, it does not fit even its own training data, and validation accuracy
is capped with it. Training longer only creeps toward that low ceiling.

Symptom: training accuracy at the end (the training-mode accuracy ``fit`` records over the last
epoch). It shows below 80% (``rules.underfit_accuracy``: a model meant for the task fits at least
that much of its own training data). Training runs until the accuracy gains less than 5 points
over the last third of the epochs (what ``diagnose`` asks of a plateau): about 60-68% after 30
epochs, 70-77% after 150, where 64 units fit all of it within three epochs.

Fix: more hidden units, five to ten times the number of classes (002): here 64 for 10 classes.

Verified: 10/10 seeds (``benchmarks/verify_catalog.py``). Training accuracy: broken 0.594-0.68
(median 0.64), fixed 1.0; ``underfitting`` on every broken run.
"""
import minnet as mn
from minnet.failures import recipes
from minnet.failures.mode import Experiment, FailureMode, Knob
from minnet.monitor import rules

CLASSES = 10
ENOUGH = 64       # between five and ten times the ten classes (002 How?)


class TooFewHiddenUnits(FailureMode):
    name = "too_few_hidden_units"
    title = "Too few hidden units for ten classes"
    source = ("002_f66fc8b34934c2f6.txt, You Used the Wrong Number of Hidden Units; "
              "003_4f6f6c141195d145.txt, What Should I Do if My Neural Network Is Underfitting?; "
              "001_550340deb8777b58.txt, Underfitting")
    summary = ("Each digit must pass through a hidden layer of only 2 units on its way to ten class scores. Two "
               "numbers per image cannot keep ten classes apart: the network cannot fit even its training data, "
               "and its accuracy stops at a ceiling however long it trains.")
    symptom = "training accuracy at the end; shows below 80% (the model does not fit its own training data)"
    lesson = 11
    findings = frozenset({"underfitting"})
    figure = {"kind": "curves"}
    knobs = (
        Knob("fix", "what to change: nothing, or 64 hidden units (five to ten times the classes)",
             broken="none", fixed="more_units", choices=("none", "more_units")),
        Knob("hidden", "hidden units of the broken net", broken=2, fixed=2, low=1, high=512, integer=True),
        Knob("epochs", "epochs of training (more do not lift the ceiling)", broken=30, fixed=30, low=6, high=100,
             integer=True),
    )

    def experiment(self, s, quick):
        Xtr, ytr, Xv, yv = recipes.digits()
        model = recipes.mlp([64, ENOUGH if s.fix == "more_units" else s.hidden, CLASSES])
        return Experiment(model, mn.losses.CrossEntropyLoss(), mn.optim.Adam(model.parameters(), lr=0.01),
                          recipes.loader(Xtr, ytr, 32), (Xv, yv), monitor_every=5,
                          fit_kwargs={"epochs": 10 if quick else s.epochs})

    def measure(self, run):
        h = run.history
        return {"train_accuracy": h.train_acc[-1], "val_accuracy": h.val_acc[-1], "train_loss": h.train_loss[-1]}

    def shows(self, symptoms):
        return symptoms["train_accuracy"] < rules.value("underfit_accuracy")


MODE = TooFewHiddenUnits()
