"""Too many epochs: training goes on long past the validation minimum, and the model keeps the damage.

Sources: 001 "Overfitting" (Early Stopping: stop when the validation loss stops improving, keep the
best model); 003 "Training Process Challenges" (too many epochs can overfit if not monitored) and
"Model Architecture Problems and Fixes" (early stopping halts training when validation performance
plateaus); 000 (monitor the validation loss: training and validation diverging means overfitting).

Mechanism: a wide MLP (256 hidden units, Adam) trains on a small noisy set: 100 digits, 30% of their
labels flipped at random. In the first few epochs it learns what the clean majority of each class
has in common, and the validation loss falls. Then, with nothing else left to fit, it memorizes the
flipped labels one by one: its predictions grow confident, wrong on new digits that resemble a
memorized mislabelled one, and the validation loss climbs for the remaining epochs.

Symptom: the validation loss of the model training returns, relative to the lowest validation loss
of any epoch: ``loss(returned) / min over epochs - 1``. It shows at or above ``rules.overfit_rise``
(10%; the epoch-to-epoch noise of a validation loss on 450 samples is a few percent). Also measured:
the validation accuracy of the returned model, and the epoch of the minimum.

Fix: early stopping with the best weights restored (``mn.EarlyStopping(patience=5,
restore_best=True)``): training stops five epochs after the minimum and the model returned is the
minimum's, so its loss is exactly the lowest. diagnose stays silent about overfitting then
(``history.restored_epoch`` is set), which is right: the model handed back never overfitted.

Verified: 10/10 seeds (0-9, ``benchmarks/verify_catalog.py``). Validation loss of the returned model
above the best epoch's: broken 0.23-0.61 (median 0.40, the minimum at epoch 3-5), fixed 0 on every
seed (stopped five epochs after the minimum). ``overfitting`` on every broken seed, on no fixed one.
"""
import minnet as mn
from minnet.failures import recipes
from minnet.failures.mode import Experiment, FailureMode, Knob
from minnet.monitor import rules


class TooManyEpochs(FailureMode):
    name = "too_many_epochs"
    title = "Too many epochs: training long past the validation minimum"
    source = ("001_550340deb8777b58.txt, Overfitting (Early Stopping); "
              "003_4f6f6c141195d145.txt, Training Process Challenges (too many epochs can overfit)")
    summary = ("On a small noisy training set the network first learns what carries over to new data, then "
               "memorizes the noise: the validation loss turns up while the training loss keeps falling. "
               "Trained for a fixed, long budget, the model handed back is the overfitted last one.")
    symptom = ("validation loss of the returned model relative to the best epoch's; shows at or above +10% "
               "(a validation loss's epoch-to-epoch noise is a few percent)")
    lesson = 11
    findings = frozenset({"overfitting"})
    figure = {"kind": "validation"}
    knobs = (
        Knob("fix", "what to change: nothing, or early stopping (patience 5) with the best weights restored",
             broken="none", fixed="early_stopping", choices=("none", "early_stopping")),
        Knob("epochs", "the epoch budget", broken=80, fixed=80, low=5, high=300, integer=True),
        Knob("noise", "fraction of the training labels flipped", broken=0.3, fixed=0.3, low=0.0, high=0.6),
        Knob("n_train", "training samples", broken=100, fixed=100, low=20, high=1347, integer=True),
    )

    def experiment(self, s, quick):
        Xtr, ytr, Xv, yv = recipes.digits(n_train=s.n_train)
        ytr = mn.data.flip_labels(ytr, s.noise)
        model = recipes.mlp([64, 256, 10])
        stop = [mn.EarlyStopping(patience=5, restore_best=True)] if s.fix == "early_stopping" else []
        return Experiment(model, mn.losses.CrossEntropyLoss(), mn.optim.Adam(model.parameters(), lr=3e-3),
                          recipes.loader(Xtr, ytr, 16), (Xv, yv),
                          fit_kwargs={"epochs": min(s.epochs, 40) if quick else s.epochs, "callbacks": stop},
                          monitor_every=10)

    def measure(self, run):
        best_epoch, best = run.history.best("val_loss")
        loss, accuracy = mn.train.evaluate(run.experiment.model, run.experiment.loss_fn, run.experiment.val)
        return {"val_loss_above_best": loss / best - 1, "val_accuracy": accuracy, "best_epoch": best_epoch}

    def shows(self, symptoms):
        return symptoms["val_loss_above_best"] >= rules.value("overfit_rise")


MODE = TooManyEpochs()
