"""An unchecked pipeline: inputs and labels shuffled apart, so the network can only memorize.

Sources: 002 "You Forgot to Check your Results" ("just because the error goes down doesn't mean your
network is learning anything useful"; check the data at each stage of the pipeline); 004 "Example:
Debugging a Convolutional Neural Network", Test Edge Cases ("verify if the transformation pipeline is
intact"); 000 ("Are labels accurately matched to their corresponding inputs?").

Mechanism: the training inputs and labels are shuffled with two different permutations
(``mn.data.shuffle_independently``), so input i no longer goes with label i. Nothing looks wrong at a
glance (same class counts, same pixel statistics), and the training loss still falls: a network with
256 hidden units learns the 300 arbitrary pairs by heart. Nothing of that carries over to correctly
labelled validation data, where it guesses.

Symptom: validation accuracy (``history.val_acc``) no better than guessing, while the training loss
fell. It shows when validation accuracy is within three standard errors of chance, at most
1/C + 3 sqrt((1/C)(1 - 1/C)/n_val) (0.142 for 10 classes and 450 samples), and the training loss
fell by at least 5% from the first epoch to the last (``rules.flat_improvement``: it learned).

Fix: shuffle inputs and labels with one permutation (the aligned pipeline), which is what checking a
few samples with their labels before training reveals (the figure shows them).

Findings: ``overfitting``: diagnose sees training accuracy near 100% and validation accuracy at chance,
which is what memorizing is. The cause sits in the pipeline, which no rule can see from the data
alone: the pairs look like any other data set.

Verified: 10 of 10 seeds (``benchmarks/verify_catalog.py``): validation accuracy broken 0.095
[0.075, 0.122] (median [min, max]) while the training loss fell by 99.5% to 100% training accuracy;
fixed 0.937 [0.920, 0.942]. ``overfitting`` on every broken run, on no fixed one.
"""
import numpy as np

import minnet as mn
from minnet.failures import recipes
from minnet.failures.mode import Experiment, FailureMode, Knob
from minnet.monitor import rules

# A guess is right 1/C of the time; on the digits' 450 validation samples its accuracy varies by a
# standard error of sqrt(p(1 - p)/450) = 0.014, so anything within three of them is no better than guessing.
CHANCE = 1 / 10
GUESS_LINE = CHANCE + 3 * np.sqrt(CHANCE * (1 - CHANCE) / 450)


class UncheckedPipeline(FailureMode):
    name = "unchecked_pipeline"
    title = "Inputs and labels shuffled apart: the loss falls, nothing is learned"
    source = ("002_f66fc8b34934c2f6.txt, You Forgot to Check your Results; 004_01fa813338dc16ed.txt, Debugging a "
              "Convolutional Neural Network (Test Edge Cases); 000_ca3cee3077acb0fe.txt, labels matched to inputs")
    summary = ("The training inputs and labels are shuffled with two different permutations, so no input keeps "
               "its label. The training loss still falls because the network memorizes the arbitrary pairs, "
               "but validation accuracy stays at chance: a falling loss does not prove the pipeline is right.")
    symptom = ("validation accuracy no better than chance (at most 1/C plus three standard errors of a guess) "
               "while the training loss fell by at least 5%")
    lesson = 13
    findings = frozenset({"overfitting"})
    figure = {"kind": "samples", "panels": ("accuracy",)}
    knobs = (
        Knob("fix", "what to change: nothing, or shuffle inputs and labels with one permutation",
             broken="none", fixed="shuffle_together", choices=("none", "shuffle_together")),
        Knob("n_train", "training digits used (fewer are memorized faster)", broken=300, fixed=300,
             low=50, high=1347, integer=True),
        Knob("epochs", "epochs of training", broken=30, fixed=30, low=1, high=100, integer=True),
    )

    def experiment(self, s, quick):
        Xtr, ytr, Xv, yv = recipes.digits(n_train=s.n_train)
        rows = np.arange(len(Xtr))        # shuffle row numbers, not pixels, to know what each input shows
        if s.fix == "none":
            rows, y = mn.data.shuffle_independently(rows, ytr)
        else:
            rows = mn.get_rng().permutation(len(Xtr))
            y = ytr[rows]
        raw = recipes.digits(standardize=False, n_train=s.n_train)[0][rows]
        model = recipes.mlp([64, 256, 10])
        extra = {"samples": recipes.samples(raw.reshape(-1, 8, 8), y, ytr[rows]), "lines": {"chance": CHANCE}}
        return Experiment(model, mn.losses.CrossEntropyLoss(), mn.optim.Adam(model.parameters(), lr=1e-2),
                          recipes.loader(Xtr[rows], y, 32), (Xv, yv), monitor_every=10, extra=extra,
                          fit_kwargs={"epochs": 15 if quick else s.epochs})

    def measure(self, run):
        h = run.history
        return {"val_accuracy": h.val_acc[-1], "train_loss_fall": 1 - h.train_loss[-1] / h.train_loss[0],
                "train_accuracy": h.train_acc[-1]}

    def shows(self, symptoms):
        return symptoms["val_accuracy"] <= GUESS_LINE and symptoms["train_loss_fall"] >= rules.value("flat_improvement")


MODE = UncheckedPipeline()
