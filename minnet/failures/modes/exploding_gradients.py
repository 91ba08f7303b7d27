"""Exploding gradients: too large weights in a deep net make every step larger than the last, until NaN.

Sources: 001 "Gradient Exploding Problem" (problem, symptoms, and the solutions: clipping, lower
learning rates, batch normalization); 004 "Common Issues in Neural Networks", 1. Vanishing/Exploding
Gradients, and its table (gradient clipping, correct initialization); 002 "You Initialized your
Network Weights Incorrectly" (a custom random initialization instead of He/LeCun/Xavier).

Mechanism: with every weight drawn from N(0, 0.2^2), each of nine hidden ReLU layers of 100 units
multiplies the signal, and on the way back the gradient, by about 0.2 * sqrt(100 / 2) = 1.4 instead
of He's 1. The first gradient is already thirty to fifty times too large, so SGD's first step (lr 0.1)
makes the weights larger still; larger weights multiply the next gradient by more at every layer.
The growth feeds itself: within three or four steps the gradient norm is a million times its first
value, and then the loss is NaN.

Symptom: the largest total gradient norm of the run (``history.grad_norm``, before any clipping)
over that of the first step. It shows when the gradient grew a thousandfold
(``rules.grad_growth``: healthy runs stay within a factor of ten or so), or overflowed so that the
loss became NaN (with ``init_std=1`` that happens at the second step, before any growth is seen).

Fix: He initialization (each layer keeps the scale: the default), a learning rate ten times lower
(the steps stay small enough not to feed the growth), gradient clipping at norm 1 (no step can be
large; ``clipping_always_on`` then says that the clip sets the step size), or batch norm after every
Dense layer (each layer's output is rescaled to unit variance whatever the weights' size).

Verified: ten seeds (``benchmarks/verify_catalog.py``), 10/10 good: the growth is 2.7e6 to 2.5e24
broken (the loss is NaN at step 4 or 5) and 1.0 to 3.2 with He init; ``exploding_gradients`` and
``diverged`` on every broken run, on no fixed one. The other fixes (seeds 0-2): growth 1.0 to 1.4
and no NaN. It takes the depth: with ``depth=2`` or ``4`` the same weights and learning rate train
fine (validation accuracy 0.91-0.94).
"""
import numpy as np

import minnet as mn
from minnet.failures import recipes
from minnet.failures.mode import Experiment, FailureMode, Knob
from minnet.monitor import rules


class ExplodingGradients(FailureMode):
    name = "exploding_gradients"
    title = "Exploding gradients from too large weights in a deep network"
    source = ("001_550340deb8777b58.txt, Gradient Exploding Problem; 004_01fa813338dc16ed.txt, "
              "Vanishing/Exploding Gradients; 002_f66fc8b34934c2f6.txt, You Initialized your Network Weights "
              "Incorrectly")
    summary = ("Weights drawn too large make every layer of a deep net multiply the gradient by more than 1. "
               "The first SGD step then makes the weights larger still, which makes the next gradient larger: "
               "within a few steps the gradient norm grows a millionfold and the loss becomes NaN.")
    symptom = ("largest total gradient norm over the first step's (history.grad_norm, before clipping); shows "
               "at >= 1000x, or when the loss became NaN")
    lesson = 7
    findings = frozenset({"exploding_gradients", "diverged"})
    figure = {"kind": "monitor", "metric": "grad_norm"}
    knobs = (
        Knob("fix", "what to change: nothing, He init, the learning rate (/10), gradient clipping, or batch norm",
             broken="none", fixed="he_init", choices=("none", "he_init", "lower_lr", "clipping", "batchnorm")),
        Knob("init_std", "std of every weight, unless He init", broken=0.2, fixed=0.2, low=0.01, high=1.0),
        Knob("depth", "hidden ReLU layers of 100 units", broken=9, fixed=9, low=1, high=20, integer=True),
        Knob("lr", "SGD's learning rate in the broken setting", broken=0.1, fixed=0.1, low=1e-4, high=1.0),
        Knob("epochs", "epochs of training", broken=3, fixed=3, low=1, high=30, integer=True),
    )

    def experiment(self, s, quick):
        Xtr, ytr, Xv, yv = recipes.digits()
        init = "he" if s.fix == "he_init" else recipes.normal_init(s.init_std)
        model = recipes.mlp([64] + [100] * s.depth + [10], init=init, batchnorm=s.fix == "batchnorm")
        lr = s.lr / 10 if s.fix == "lower_lr" else s.lr
        fit = {"epochs": 1 if quick else s.epochs, "clip_grad_norm": 1.0 if s.fix == "clipping" else None}
        return Experiment(model, mn.losses.CrossEntropyLoss(), mn.optim.SGD(model.parameters(), lr=lr),
                          recipes.loader(Xtr, ytr, 64), (Xv, yv), fit_kwargs=fit)

    def measure(self, run):
        g = np.asarray(run.history.grad_norm)
        g = g[np.isfinite(g)]
        growth = g.max() / g[0] if len(g) else np.nan       # none finite: it blew up in the very first step
        return {"grad_norm_growth": growth, "loss_became_nan": float(run.history.diverged is not None),
                "val_accuracy": run.history.val_acc[-1]}

    def shows(self, symptoms):
        return symptoms["grad_norm_growth"] >= rules.value("grad_growth") or symptoms["loss_became_nan"] == 1


MODE = ExplodingGradients()
