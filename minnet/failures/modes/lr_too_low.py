"""Learning rate too low: every step is so small that the weights hardly change and the loss creeps.

Sources: 001 "Learning Rate Problems" (Too Low: very slow convergence, training plateaus early;
Adaptive Optimizers); 003 "Training Process Challenges" (too low, and progress crawls) and "Why Is My
Neural Network Stuck at a Certain Accuracy?"; 004 "Example: Debugging a Convolutional Neural Network"
(too low causing slow convergence).

Mechanism: SGD moves each weight by lr * dL/dw. With lr = 1e-4, about a thousand times below what the
range test suggests for this MLP on the standardized digits (``mn.lr_find``: 0.15-0.2), a step changes
a layer's weights by a few millionths of their size. Five epochs (215 steps) then add up to a few
thousandths: the network is still almost its random initialization, and the loss stays near ln 10.

Symptom: the update/weight ratio ||dW|| / ||W|| of each layer, recorded at every step by
``mn.monitor.Monitor`` (median over the first fifth of training), for the layer that moves most. It
shows at or below ``rules.update_ratio_low`` (1e-4): an order of magnitude below cs231n's healthy
~1e-3, TheDeepChecker's bound. Also measured: how much of the starting training loss the run removed, and the validation
accuracy.

Fix: a good learning rate (the one ``mn.lr_find`` suggests, a tenth of where the loss stops
improving), or Adam, whose step is about lr for every weight whatever the gradient's size.

Verified: 10/10 seeds (0-9, ``benchmarks/verify_catalog.py``). Update/weight ratio broken 4.1e-5 to
4.9e-5 (median 4.3e-5), fixed 0.023-0.039 (median 0.03); the broken loss falls ~2% in 5 epochs, the
fixed ~90%. ``lr_too_low`` on every broken seed, on no fixed one.
"""
import math

import numpy as np

import minnet as mn
from minnet.failures import recipes
from minnet.failures.mode import Experiment, FailureMode, Knob
from minnet.monitor import rules


class LRTooLow(FailureMode):
    name = "lr_too_low"
    title = "Learning rate too low: the weights barely move"
    source = ("001_550340deb8777b58.txt, Learning Rate Problems (Too Low; Adaptive Optimizers); "
              "003_4f6f6c141195d145.txt, Training Process Challenges")
    summary = ("SGD moves each weight by lr times its gradient. With an lr a thousand times too small a step "
               "changes a layer's weights by a few millionths of their size, so after hundreds of steps the "
               "network is still nearly its random initialization and the loss has barely moved.")
    symptom = ("update/weight ratio of the fastest-moving layer early in training (mn.monitor); shows at or "
               "below 1e-4, an order of magnitude below the healthy ~1e-3")
    lesson = 9
    findings = frozenset({"lr_too_low"})
    figure = {"kind": "step_loss", "metric": "update_ratio"}
    knobs = (
        Knob("fix", "what to change: nothing, the lr (the one mn.lr_find suggests), or Adam (lr 1e-3)",
             broken="none", fixed="lr_find", choices=("none", "lr_find", "adam")),
        Knob("lr", "SGD's learning rate without a fix", broken=1e-4, fixed=1e-4, low=1e-7, high=1.0),
        Knob("epochs", "epochs of training", broken=5, fixed=5, low=1, high=30, integer=True),
    )

    def experiment(self, s, quick):
        Xtr, ytr, Xv, yv = recipes.digits()
        model, loss_fn = recipes.mlp([64, 64, 10]), mn.losses.CrossEntropyLoss()
        lr = recipes.range_test_lr(model, loss_fn, Xtr, ytr) if s.fix == "lr_find" else s.lr
        opt = mn.optim.Adam(model.parameters(), lr=1e-3) if s.fix == "adam" else \
            mn.optim.SGD(model.parameters(), lr=lr)
        return Experiment(model, loss_fn, opt, recipes.loader(Xtr, ytr, 32), (Xv, yv),
                          fit_kwargs={"epochs": 2 if quick else s.epochs}, extra={"chance": math.log(10)})

    def measure(self, run):
        ratios = [np.median(v[:max(1, len(v) // 5)]) for v in run.monitor.get("update_ratio").values()]
        loss = run.history.train_loss
        return {"update_ratio": float(max(ratios)), "loss_removed": (loss[0] - loss[-1]) / loss[0],
                "val_accuracy": run.history.val_acc[-1]}

    def shows(self, symptoms):
        return symptoms["update_ratio"] <= rules.value("update_ratio_low")


MODE = LRTooLow()
