"""No learning-rate schedule: a constant lr keeps the weights bouncing around the minimum.

Sources: 001 "Learning Rate Problems" (Solutions: learning rate scheduling, StepLR, cosine
annealing, ReduceLROnPlateau); 003 "Training Process Challenges" (too high and the network overshoots,
bouncing around without settling; learning rate schedules gradually reduce the rate over time).

Mechanism: SGD on small batches follows a noisy gradient: each batch pulls the weights toward its own
minimum. Early on the pull toward the common minimum dominates; near it, only the noise is left, and a
constant lr keeps turning it into steps of the same size, so the weights wander around the minimum
and the validation error jumps from epoch to epoch. A decaying lr shrinks those steps as training
ends, and the weights settle. Here a tanh MLP fits a noisy sine (noise std 0.2) by SGD at lr 0.1 with
batches of 32 for 30 epochs.

Symptom: the spread of the validation MSE over the last 5 epochs, as its standard deviation over
its mean. It shows at or above 1% (``rules.plateau_slope``: a run that has settled changes its loss
by less than 1% from one epoch to the next). Also measured: the mean validation MSE over those
epochs, and that of the last epoch alone (the noise floor is 0.2^2 = 0.04). The last value of the
constant-lr run is a random draw from the cloud it wanders in: it can land as low as the scheduled
run's, or lower (CATALOG.md: one final value overlaps), so the symptom is the spread over the last
epochs, not the last value; the settled run's error is only lower on average.

Fix: decay the lr: cosine annealing to 0 over the run (default), or step decay (x0.1 at 1/3 and
2/3 of the epochs).

Findings: none. The vocabulary's ``lr_too_high`` describes steps that overshoot so the loss rises
or oscillates from the start (update/weight ratio far above 1e-3); here the loss falls as it should
and the lr is only too large for the end of training. No rule of ``diagnose`` reads the spread of the
last epochs.

Verified: 10/10 seeds (0-9, ``benchmarks/verify_catalog.py``). Spread of the last 5 epochs' validation
MSE: broken 0.026-0.35 (median 0.13), fixed (cosine) 0.00015-0.0021 (median 0.0008). The mean MSE
over those epochs overlaps between the two on some seeds (both ~0.05-0.065).
"""
import numpy as np

import minnet as mn
from minnet.failures import recipes
from minnet.failures.mode import Experiment, FailureMode, Knob
from minnet.monitor import rules

LAST = 5
NOISE = 0.2


class NoLRSchedule(FailureMode):
    name = "no_lr_schedule"
    title = "No learning-rate schedule: the error bounces around the minimum"
    source = ("001_550340deb8777b58.txt, Learning Rate Problems (Learning Rate Scheduling); "
              "003_4f6f6c141195d145.txt, Training Process Challenges (learning rate schedules)")
    summary = ("Near the minimum only the batches' noise is left in the gradient, and a constant lr keeps "
               "turning it into steps of the same size: the weights wander around the minimum and the error "
               "jumps from epoch to epoch. Decaying the lr shrinks the steps and the weights settle.")
    symptom = (f"spread (std / mean) of the validation MSE over the last {LAST} epochs; shows at or above 1% "
               "(a settled run changes by less than 1% per epoch)")
    lesson = 9
    findings = frozenset()
    figure = {"kind": "schedule", "last": LAST}
    knobs = (
        Knob("fix", "what to change: nothing (constant lr), cosine annealing to 0, or step decay (x0.1 twice)",
             broken="none", fixed="cosine", choices=("none", "cosine", "step")),
        Knob("lr", "SGD's (starting) learning rate", broken=0.1, fixed=0.1, low=1e-3, high=0.2),
        Knob("epochs", "epochs of training", broken=30, fixed=30, low=LAST + 1, high=200, integer=True),
    )

    def experiment(self, s, quick):
        X, y = mn.data.sine(400, noise=NOISE)
        Xv, yv = mn.data.sine(1000, noise=NOISE)
        model = recipes.mlp([1, 32, 32, 1], activation="tanh", init="xavier")
        opt = mn.optim.SGD(model.parameters(), lr=s.lr)
        epochs = min(s.epochs, 20) if quick else s.epochs
        schedule = {"none": [], "cosine": [mn.optim.CosineAnnealingLR(opt, T_max=epochs)],
                    "step": [mn.optim.StepLR(opt, step_size=max(1, epochs // 3), gamma=0.1)]}[s.fix]
        return Experiment(model, mn.losses.MSELoss(), opt, recipes.loader(X, y, 32), (Xv, yv),
                          fit_kwargs={"epochs": epochs, "callbacks": schedule}, monitor_every=10,
                          extra={"floor": NOISE ** 2})

    def measure(self, run):
        last = np.asarray(run.history.val_loss[-LAST:], float)
        return {"val_mse_spread": float(last.std() / last.mean()), "val_mse_last_epochs": float(last.mean()),
                "val_mse_final": float(last[-1])}

    def shows(self, symptoms):
        return symptoms["val_mse_spread"] >= rules.value("plateau_slope")


MODE = NoLRSchedule()
