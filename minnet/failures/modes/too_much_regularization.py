"""Too much regularization: a weight decay so strong that the network cannot fit even its training data.

Sources: 001 "Underfitting" ("Reduce Regularization": lower dropout rates, reduce weight decay);
004 "Underfitting" ("Reduce the regularization strength if it is too high"); 003 "What Should I Do if
My Neural Network Is Underfitting?".

Mechanism: an L2 penalty (Adam's ``weight_decay``, added to every gradient as ``wd * w``) pulls each
weight toward 0 on every step. At 0.4, hundreds of times the usual 1e-4..1e-3, the pull outweighs
what the digits teach: the weights, and with them the class scores, shrink toward 0, the outputs
flatten toward a uniform guess, and the net stops fitting the data it trains on. The accuracy
peaks in the first epochs and is then dragged down, so training longer makes it worse.

Symptom: accuracy on the whole training set at the end (evaluation mode). It shows below 80%
(``rules.underfit_accuracy``: a model meant for the task fits at least that much of its own
training data); a thousand times weaker decay fits all of it.

Fix: reduce the regularization (001, 004): weight decay a thousand times smaller (4e-4).
Findings: ``underfitting`` (training and validation accuracy low and no longer rising). Trained much
longer (24 epochs and more) the decay pulls the loss back to chance, ln 10, and ``diagnose`` then
reports ``not_learning`` instead: the same collapse seen later.

Verified: 10/10 seeds (``benchmarks/verify_catalog.py``). Training accuracy: broken 0.63-0.70
(median 0.68), fixed 0.999-1.0; ``underfitting`` on every broken run. The training loss ends at
about 1.93 (ln 10 = 2.30), the fixed one at 0.02.
"""
import minnet as mn
from minnet.failures import recipes
from minnet.failures.mode import Experiment, FailureMode, Knob
from minnet.monitor import rules


class TooMuchRegularization(FailureMode):
    name = "too_much_regularization"
    title = "Weight decay so strong the net underfits"
    source = ("001_550340deb8777b58.txt, Underfitting (Reduce Regularization); 004_01fa813338dc16ed.txt, "
              "Underfitting; 003_4f6f6c141195d145.txt, What Should I Do if My Neural Network Is Underfitting?")
    summary = ("An L2 penalty of 0.4, hundreds of times the usual, pulls every weight toward 0 harder than the data "
               "pushes back. The class scores shrink toward a uniform guess and the network stops fitting even its "
               "training data: training and validation accuracy are both low.")
    symptom = "accuracy on the whole training set at the end; shows below 80% (the model does not fit its own data)"
    lesson = 11
    findings = frozenset({"underfitting"})
    figure = {"kind": "curves"}
    knobs = (
        Knob("fix", "what to change: nothing, or a weight decay a thousand times weaker", broken="none",
             fixed="weaker", choices=("none", "weaker")),
        Knob("weight_decay", "the (too strong) L2 strength, Adam's weight_decay", broken=0.4, fixed=0.4,
             low=0.0, high=10.0),
        Knob("epochs", "epochs of training", broken=12, fixed=12, low=6, high=100, integer=True),
    )

    def experiment(self, s, quick):
        Xtr, ytr, Xv, yv = recipes.digits()
        model = recipes.mlp([64, 100, 10])
        decay = s.weight_decay / 1000 if s.fix == "weaker" else s.weight_decay
        return Experiment(model, mn.losses.CrossEntropyLoss(),
                          mn.optim.Adam(model.parameters(), lr=0.003, weight_decay=decay),
                          recipes.loader(Xtr, ytr, 64), (Xv, yv), monitor_every=5,
                          fit_kwargs={"epochs": s.epochs})          # quick or not: it takes 0.2 s

    def measure(self, run):
        exp = run.experiment
        loss, accuracy = mn.train.evaluate(exp.model, exp.loss_fn, (exp.train.X, exp.train.y))
        return {"train_accuracy": accuracy, "val_accuracy": run.history.val_acc[-1], "train_loss": loss}

    def shows(self, symptoms):
        return symptoms["train_accuracy"] < rules.value("underfit_accuracy")


MODE = TooMuchRegularization()
