"""No regularization: a big network learns a small noisy training set by heart, and new data pays for it.

Sources: 002 "You Forgot to use any Regularization"; 001 "Overfitting" (dropout, L1/L2 weight decay,
early stopping); 003 "How Can I Tell if My Neural Network Is Overfitting?"; 004 "Overfitting".

Mechanism: 100 noisy two-moons points (noise 0.3: the classes overlap) are fitted by a 2-128-128-2
ReLU network with 17,000 weights, full batch, for 200 epochs, with nothing to hold it back. It
draws its boundary around every noisy point: the training loss falls to ~0 while the network grows
ever more confident, and on new points from the same moons that confidence is wrong where the
classes overlap, so the validation loss turns around and climbs.

Symptom: how far the validation loss ends above its lowest value during training (relative to
that lowest value), while the training loss keeps falling. It shows at 10% (``rules.overfit_rise``:
the validation loss's epoch-to-epoch noise is a few percent); without regularization it ends 90%
to 390% above its best.

Fix: weight decay (an L2 penalty, 1e-2 with Adam: 001, 003, 004) keeps the weights small and the
boundary smooth. Dropout 0.5 after each hidden layer (001's example, ``fix="dropout"``) is the other
fix the sources name; on this tiny full-batch problem it is not enough: the rise falls to 0.02-0.47
(median 0.22) and stays above 10% on 7 of 10 seeds. (Either way the network is put in evaluation
mode before it is judged, as a pipeline does before it predicts.)

Verified: 10/10 seeds (``benchmarks/verify_catalog.py``). Validation-loss rise: broken 0.92-3.93
(median 1.96), fixed (weight decay) 0-0.063 (median 0.008); ``overfitting`` on every broken run.
"""
import minnet as mn
from minnet.failures import recipes
from minnet.failures.mode import Experiment, FailureMode, Knob
from minnet.monitor import rules


class NoRegularization(FailureMode):
    name = "no_regularization"
    title = "No regularization: a big net memorizes a small noisy set"
    source = ("002_f66fc8b34934c2f6.txt, You Forgot to use any Regularization; 001_550340deb8777b58.txt, "
              "Overfitting; 003_4f6f6c141195d145.txt, How Can I Tell if My Neural Network Is Overfitting?")
    summary = ("A 17,000-weight network fits 100 noisy two-moons points with nothing to hold it back. It learns "
               "every noisy point by heart: the training loss falls to almost 0 while the validation loss turns "
               "around and climbs, as the network grows confident where the classes overlap.")
    symptom = ("how far the validation loss ends above its lowest value, relative to it (the training loss still "
               "falling); shows at 10% or more")
    lesson = 11
    findings = frozenset({"overfitting"})
    figure = {"kind": "curves"}
    knobs = (
        Knob("fix", "the regularization: none, weight decay (L2), or dropout", broken="none",
             fixed="weight_decay", choices=("none", "weight_decay", "dropout")),
        Knob("weight_decay", "L2 strength when fix=weight_decay (Adam's weight_decay)", broken=1e-2, fixed=1e-2,
             low=1e-6, high=1.0),
        Knob("dropout", "drop probability after each hidden layer when fix=dropout", broken=0.5, fixed=0.5,
             low=0.0, high=0.95),
        Knob("epochs", "epochs of full-batch training", broken=200, fixed=200, low=10, high=1000, integer=True),
    )

    def experiment(self, s, quick):
        X, y = mn.data.moons(400, noise=0.3)
        model = recipes.mlp([2, 128, 128, 2], dropout=s.dropout if s.fix == "dropout" else 0.0)
        decay = s.weight_decay if s.fix == "weight_decay" else 0.0
        return Experiment(model, mn.losses.CrossEntropyLoss(), mn.optim.Adam(model.parameters(), lr=0.01,
                                                                              weight_decay=decay),
                          recipes.loader(X[:100], y[:100], 100), (X[100:], y[100:]), monitor_every=10,
                          fit_kwargs={"epochs": 100 if quick else s.epochs}, train_fn=recipes.fit_then_eval)

    def measure(self, run):
        h = run.history
        return {"val_loss_rise": h.val_loss[-1] / min(h.val_loss) - 1, "train_loss": h.train_loss[-1],
                "accuracy_gap": h.train_acc[-1] - h.val_acc[-1]}

    def shows(self, symptoms):
        return symptoms["val_loss_rise"] >= rules.value("overfit_rise")


MODE = NoRegularization()
