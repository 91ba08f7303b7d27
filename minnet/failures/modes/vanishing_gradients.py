"""Vanishing gradients: in a deep sigmoid net the gradient shrinks layer by layer on its way back.

Sources: 001 "Gradient Vanishing Problem" (problem and the three solutions); 003 "Can Changing the
Activation Function Improve Learning?" (sigmoid/tanh in deep networks, switch to ReLU); 004 "Common
Issues in Neural Networks", 1. Vanishing/Exploding Gradients.

Mechanism: backpropagation multiplies the gradient, at every layer, by the activation's derivative
and the layer's weights. The sigmoid's derivative is at most 0.25, so through ten sigmoid layers
with randn/sqrt(n) weights the gradient that reaches the first layers is a millionth of what the
last layer gets: the first layers barely learn, and with plain SGD the loss stays near ln 10.

Symptom: the gradient norm of the first weight layer over that of the last (``grad_norm`` of the
``Monitor``, the median over the recorded steps). It shows when the first layer gets less than a
thousandth of the last layer's gradient (``rules.vanishing_ratio``, AUTOTRAINER's bound).

Fix: ReLU with He initialization (derivative 1 where active, variance kept by the init; the
default), residual connections x + f(x) (the gradient flows back through the identity), or batch
norm before every sigmoid (it rescales each layer's gradient by 1/std of its input).
Known figure: 10 hidden sigmoid layers of 100 units with randn/sqrt(n) weights give a ratio of
~1e-6; ReLU + He ~0.2-0.4. Here the sigmoid net lands on 1e-6; ReLU + He gives 0.23-0.68 at the
first step (median 0.38 over ten seeds) and about 1 as the median over the run.

Verified: ten seeds (``benchmarks/verify_catalog.py``), 10/10 good: the ratio is 9.7e-7 to 1.3e-6
broken and 0.84 to 1.24 with ReLU + He; ``vanishing_gradients`` on every broken run, on no fixed
one. Residual connections give ~0.4 and batch norm ~0.5 (seeds 0-2). With ``depth=3`` the ratio is
0.03, with ``depth=5`` 0.002: each sigmoid layer takes off a factor of about four.
"""
import numpy as np

import minnet as mn
from minnet.failures import recipes
from minnet.failures.mode import Experiment, FailureMode, Knob
from minnet.monitor import rules


class VanishingGradients(FailureMode):
    name = "vanishing_gradients"
    title = "Vanishing gradients in a deep sigmoid network"
    source = ("001_550340deb8777b58.txt, Gradient Vanishing Problem; 003_4f6f6c141195d145.txt, Can Changing "
              "the Activation Function Improve Learning?; 004_01fa813338dc16ed.txt, Vanishing/Exploding Gradients")
    summary = ("Backpropagation multiplies the gradient at every layer by the activation's derivative, at most "
               "0.25 for a sigmoid. Through ten sigmoid layers the first layers get a millionth of the last "
               "layer's gradient, so they barely learn and the loss stays near chance.")
    symptom = ("gradient norm of the first weight layer over the last's (Monitor grad_norm, median over the "
               "steps); shows at <= 1e-3")
    lesson = 6
    findings = frozenset({"vanishing_gradients"})
    figure = {"kind": "gradient_by_depth"}
    knobs = (
        Knob("fix", "what to change: nothing, ReLU with He init, residual connections, or batch norm",
             broken="none", fixed="relu_he", choices=("none", "relu_he", "residual", "batchnorm")),
        Knob("depth", "hidden layers of 100 units", broken=10, fixed=10, low=1, high=20, integer=True),
        Knob("lr", "SGD's learning rate", broken=0.1, fixed=0.1, low=1e-3, high=1.0),
        Knob("epochs", "epochs of training", broken=3, fixed=3, low=1, high=30, integer=True),
    )

    def experiment(self, s, quick):
        Xtr, ytr, Xv, yv = recipes.digits()
        if s.fix == "residual":        # the same sigmoids and init, with a skip around every hidden layer
            model = recipes.residual_mlp(64, 100, 10, blocks=s.depth - 1, activation="sigmoid", init="lecun")
        elif s.fix == "relu_he":
            model = recipes.mlp([64] + [100] * s.depth + [10], activation="relu", init="he")
        else:                          # randn / sqrt(fan_in) is LeCun's normal init
            model = recipes.mlp([64] + [100] * s.depth + [10], activation="sigmoid", init="lecun",
                                batchnorm=s.fix == "batchnorm")
        return Experiment(model, mn.losses.CrossEntropyLoss(), mn.optim.SGD(model.parameters(), lr=s.lr),
                          recipes.loader(Xtr, ytr, 64), (Xv, yv), monitor_every=5,
                          fit_kwargs={"epochs": 1 if quick else s.epochs})

    def measure(self, run):
        mon = run.monitor
        g = mon.get("grad_norm")
        ratio = float(np.median(g[mon.first_layer] / g[mon.last_layer]))
        return {"grad_ratio_first_last": ratio, "first_step_ratio": g[mon.first_layer][0] / g[mon.last_layer][0],
                "val_accuracy": run.history.val_acc[-1]}

    def shows(self, symptoms):
        return symptoms["grad_ratio_first_last"] <= rules.value("vanishing_ratio")


MODE = VanishingGradients()
