"""Too few epochs: training stops while the validation loss is still falling steeply.

Sources: 000 (a common mistake is insufficient training epochs: premature halting makes models
underfit; monitor the validation loss throughout training); 003 "Training Process Challenges"
(training duration: too few epochs leave the network undertrained; plotting training and validation
metrics over time reveals whether you need more epochs) and "What Should I Do if My Neural Network Is
Underfitting?" (too few epochs cut learning short); 004 "Underfitting" (train for more epochs).

Mechanism: nothing is wrong with the model, the data or the lr (SGD at 0.1, about what ``mn.lr_find``
suggests for this MLP on the digits): it is simply stopped after 4 epochs, in the steep part of its
learning curve, where every further epoch still removes a large part of the validation loss.

Symptom: the slope of the validation curve at the end, as the relative fall of the validation loss
over the last three epochs. It shows at or above ``rules.still_improving_drop`` (5%): the curve has
not flattened, so more epochs would still help. Also measured: the validation accuracy of the model
training returns, and the epochs run.

Fix: more epochs, with early stopping deciding when to stop (``mn.EarlyStopping(patience=3,
restore_best=True)``, up to 30 epochs). On the clean digits the validation loss keeps creeping down
for 60 epochs and more, so early stopping never fires within the 30: the budget is the fix, and early
stopping is the guard that would end training (and restore the best weights) once the validation
loss turned up.

Verified: 10/10 seeds (0-9, ``benchmarks/verify_catalog.py``). Fall of the validation loss over the
last three epochs: broken 0.53-0.62 (median 0.59), fixed 0.009-0.017 (median 0.012; early stopping
let it run the whole 30 epochs on every seed, the curve still creeping down). Validation accuracy
~0.95 broken, ~0.97 fixed. ``still_improving`` on every broken seed, on no fixed one.
"""
import minnet as mn
from minnet.failures import recipes
from minnet.failures.mode import Experiment, FailureMode, Knob
from minnet.monitor import rules


class TooFewEpochs(FailureMode):
    name = "too_few_epochs"
    title = "Too few epochs: stopped while validation still improves"
    source = ("000_ca3cee3077acb0fe.txt, insufficient training epochs; "
              "003_4f6f6c141195d145.txt, Training Process Challenges (training duration)")
    summary = ("Nothing is wrong but the length of training: it stops in the steep part of the learning curve, "
               "where each further epoch still removes a large part of the validation loss. More epochs, with "
               "early stopping deciding when the curve has flattened, finish the job.")
    symptom = ("relative fall of the validation loss over the last three epochs; shows at or above 5% (the "
               "curve has not flattened)")
    lesson = 11
    findings = frozenset({"still_improving"})
    figure = {"kind": "validation"}
    knobs = (
        Knob("fix", "what to change: nothing, or early stopping (patience 3, best weights restored) deciding "
             "within the epoch budget", broken="none", fixed="early_stopping", choices=("none", "early_stopping")),
        Knob("epochs", "the epoch budget", broken=4, fixed=30, low=4, high=200, integer=True),
        Knob("lr", "SGD's learning rate", broken=0.1, fixed=0.1, low=1e-3, high=1.0),
    )

    def experiment(self, s, quick):
        Xtr, ytr, Xv, yv = recipes.digits()
        model = recipes.mlp([64, 64, 10])
        stop = [mn.EarlyStopping(patience=3, restore_best=True)] if s.fix == "early_stopping" else []
        epochs = min(s.epochs, 20) if quick else s.epochs
        return Experiment(model, mn.losses.CrossEntropyLoss(), mn.optim.SGD(model.parameters(), lr=s.lr),
                          recipes.loader(Xtr, ytr, 32), (Xv, yv),
                          fit_kwargs={"epochs": epochs, "callbacks": stop}, monitor_every=10)

    def measure(self, run):
        v = run.history.val_loss
        _, accuracy = mn.train.evaluate(run.experiment.model, run.experiment.loss_fn, run.experiment.val)
        return {"val_loss_drop_last_3": (v[-4] - v[-1]) / v[-4], "val_accuracy": accuracy,
                "epochs_run": run.history.epochs_run}

    def shows(self, symptoms):
        return symptoms["val_loss_drop_last_3"] >= rules.value("still_improving_drop")


MODE = TooFewEpochs()
