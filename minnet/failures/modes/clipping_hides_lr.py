"""Gradient clipping hides a too-high learning rate: nothing explodes, but the clip sets every step.

Sources: 002 "You Used an Incorrect Learning Rate" (How: turn gradient clipping off, find the highest
lr that does not make the error explode, set it one order lower; Why: newcomers set the lr way too
high and account for it with gradient clipping, making training slow and the effect of changing the
lr unpredictable; And: with clean data and a right lr clipping should not be needed).

Mechanism: a tanh MLP fits a noisy sine by plain SGD with lr 1.5, over ten times the largest lr that
trains it without clipping (0.1; at 0.3 the loss explodes). Clipping the total gradient
norm at 1.0 (the usual ``max_norm=1.0``) keeps it from exploding: the too-large steps keep the
weights where the gradient is large, so the norm exceeds the clip on almost every step, and every
step is then lr * 1.0 long in the gradient's direction, whatever the gradient says. The loss stops
falling at a level a constant prediction would beat. A right lr has gradients of norm ~0.4, so the
same clip would rarely touch it.

Symptom: the fraction of steps whose gradient norm before clipping (``history.grad_norm``) exceeded
the clip threshold of 1.0, in both runs (the fixed run does not clip; the fraction says how often it
would have). It shows at or above ``rules.clipped_fraction`` (half the steps): clipping no longer
guards against a rare spike, it sets the step size. Also measured: the validation MSE against the
validation targets' variance (the MSE of predicting their mean).

Findings: ``clipping_always_on`` (the clip cut the gradient on most steps) and ``lr_too_high``: the
update/weight ratios (``mn.monitor``, measured after clipping) are still far above ~1e-3, so diagnose
sees the too-high lr that clipping hides.

Fix: 002's recipe: clipping off, and the lr the range test (``mn.lr_find``) suggests, a tenth of
where the loss stops improving.
Known figure: CATALOG.md notes this separates cleanly in MSE regression; in small classification
nets the gradient norms stay small and clipping rarely engages.

Verified: 10/10 seeds (0-9, ``benchmarks/verify_catalog.py``). Steps above the clip: broken 0.90-0.98
(median 0.93), fixed 0.03-0.12 (median 0.075, the first steps of training); broken validation MSE
above the variance of the targets (worse than predicting their mean), fixed ~0.04-0.08.
``clipping_always_on`` and ``lr_too_high`` on every broken seed, on no fixed one.
"""
import numpy as np

import minnet as mn
from minnet.failures import recipes
from minnet.failures.mode import Experiment, FailureMode, Knob
from minnet.monitor import rules


class ClippingHidesLR(FailureMode):
    name = "clipping_hides_lr"
    title = "Always-on gradient clipping hides a too-high learning rate"
    source = ("002_f66fc8b34934c2f6.txt, You Used an Incorrect Learning Rate (How, Why, And)")
    summary = ("With an lr over ten times too high, clipping keeps training from exploding, but the large steps "
               "keep the gradient large, so the clip cuts it on almost every step and sets every step's length "
               "itself: training is slow and the lr no longer does what it says.")
    symptom = ("fraction of steps whose gradient norm before clipping exceeded the clip (1.0); shows on at "
               "least half the steps")
    lesson = 7
    findings = frozenset({"clipping_always_on", "lr_too_high"})
    figure = {"kind": "clipping"}
    knobs = (
        Knob("fix", "what to change: nothing, or clipping off with the lr mn.lr_find suggests",
             broken="none", fixed="lr_find", choices=("none", "lr_find")),
        Knob("lr", "SGD's learning rate without the fix", broken=1.5, fixed=1.5, low=1e-4, high=10.0),
        Knob("clip", "max_norm of the total gradient norm (clipping on without the fix)", broken=1.0, fixed=1.0,
             low=1e-3, high=100.0),
        Knob("epochs", "epochs of training", broken=20, fixed=20, low=1, high=100, integer=True),
    )

    def experiment(self, s, quick):
        X, y = mn.data.sine(400, noise=0.1)
        Xv, yv = mn.data.sine(200, noise=0.1)
        model, loss_fn = recipes.mlp([1, 32, 32, 1], activation="tanh", init="xavier"), mn.losses.MSELoss()
        lr, clip = (recipes.range_test_lr(model, loss_fn, X, y), None) if s.fix == "lr_find" else (s.lr, s.clip)
        return Experiment(model, loss_fn, mn.optim.SGD(model.parameters(), lr=lr), recipes.loader(X, y, 32),
                          (Xv, yv), fit_kwargs={"epochs": 6 if quick else s.epochs, "clip_grad_norm": clip},
                          monitor_every=10, extra={"clip": s.clip, "lr": lr})

    def measure(self, run):
        g = np.asarray(run.history.grad_norm, float)
        yv = run.experiment.val[1]
        return {"clipped_fraction": float(np.mean(g > run.experiment.extra["clip"])),
                "val_mse": run.history.val_loss[-1], "mse_of_the_mean": float(np.var(yv))}

    def shows(self, symptoms):
        return symptoms["clipped_fraction"] >= rules.value("clipped_fraction")


MODE = ClippingHidesLR()
