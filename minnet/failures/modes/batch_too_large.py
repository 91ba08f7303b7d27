"""Batch too large: full-batch training makes one update per epoch, so a fixed epoch budget is too short.

Sources: 002 "You Used a too Large Batch Size" (a larger batch reduces the stochasticity of gradient
descent, and at some point requires more epochs to reach the same accuracy; start with a small batch
such as 16, 8 or even 1); 000 (large batches stabilize training at the expense of generalization);
004 "Example: Debugging a Convolutional Neural Network" (look into batch size).

Mechanism: an epoch is one pass over the data, and the weights change once per batch. With the whole
training set as one batch (1,347 digits) an epoch is a single, averaged SGD step; with batches of 32
it is 42 steps, each almost as useful as the full-batch one. For the same lr (0.1) and the same
budget of epochs the full-batch run has made 42 times fewer updates, and is still near its
starting point when training stops.

Symptom: the validation accuracy after the epoch budget (10 epochs). It shows below
``rules.underfit_accuracy`` (80%): this MLP fits the digits to ~96% when it has had enough updates.
Also measured: the number of updates, and how much of the starting validation loss is left.

Fix: small batches (32 or 16) for the same epochs. (With Adam, or a larger lr for the full batch,
the gap shrinks; CATALOG.md notes Adam hides it on this small data set.)
Known figure: CATALOG.md: shows with plain SGD; Adam hides it on small data.

Findings: ``still_improving``: the full-batch validation loss is still falling steeply when the
budget ends, which is the source's point (a larger batch needs more epochs).

Verified: 10/10 seeds (0-9, ``benchmarks/verify_catalog.py``). Validation accuracy after 10 epochs:
broken (10 updates) 0.58-0.72 (median 0.63), fixed (420 updates) 0.958-0.971 (median 0.965).
``still_improving`` on every broken seed, on no fixed one.
"""
import minnet as mn
from minnet.failures import recipes
from minnet.failures.mode import Experiment, FailureMode, Knob
from minnet.monitor import rules

BATCH = {"none": None, "batch_32": 32, "batch_16": 16}


class BatchTooLarge(FailureMode):
    name = "batch_too_large"
    title = "Batch too large: full-batch training makes too few updates"
    source = ("002_f66fc8b34934c2f6.txt, You Used a too Large Batch Size; 000_ca3cee3077acb0fe.txt, batch size")
    summary = ("The weights change once per batch. With the whole training set as one batch an epoch is a "
               "single averaged step, so in a fixed budget of epochs the network makes dozens of times fewer "
               "updates than with small batches and is still far from trained when the budget ends.")
    symptom = ("validation accuracy after the epoch budget (plain SGD, same lr); shows below 80%, where this "
               "MLP reaches ~96% with enough updates")
    lesson = 12
    findings = frozenset({"still_improving"})
    figure = {"kind": "updates"}
    knobs = (
        Knob("fix", "what to change: nothing (the whole training set as one batch), or batches of 32 or 16",
             broken="none", fixed="batch_32", choices=tuple(BATCH)),
        Knob("lr", "SGD's learning rate (the same for every batch size)", broken=0.1, fixed=0.1, low=1e-3, high=2.0),
        Knob("epochs", "the epoch budget", broken=10, fixed=10, low=1, high=100, integer=True),
    )

    def experiment(self, s, quick):
        Xtr, ytr, Xv, yv = recipes.digits()
        model = recipes.mlp([64, 64, 10])
        batch = BATCH[s.fix]
        train = (Xtr, ytr) if batch is None else recipes.loader(Xtr, ytr, batch)
        return Experiment(model, mn.losses.CrossEntropyLoss(), mn.optim.SGD(model.parameters(), lr=s.lr), train,
                          (Xv, yv), fit_kwargs={"epochs": s.epochs, "batch_size": None},   # quick too: it is cheap
                          monitor_every=10)

    def measure(self, run):
        h = run.history
        return {"val_accuracy": h.val_acc[-1], "updates": len(h.step_loss),
                "val_loss_left": h.val_loss[-1] / h.val_loss[0]}

    def shows(self, symptoms):
        return symptoms["val_accuracy"] < rules.value("underfit_accuracy")


MODE = BatchTooLarge()
