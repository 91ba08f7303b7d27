"""Zero initialization: units that start identical get identical gradients and stay identical.

Sources: 002 "You Initialized your Network Weights Incorrectly" (setting the weights to zero is not
going to work; use 'he', 'lecun' or 'xavier'); 000 ("Improper initialization, such as setting all
weights to zero, can hinder learning").

Mechanism: with every weight 0, all units of a hidden layer compute the same function of the input
(here sigmoid(0) = 0.5 for every sample), so backpropagation hands every one of them the same
gradient, and every update keeps them equal: a layer of 100 units works like a single unit, and the
network can learn only what a chain of one-unit layers can. (A constant other than 0 does the same:
``init_value``.) The tie is exact only in exact arithmetic: float32 rounding makes the units differ
by ~1e-7, and training can amplify that. With SGD the difference stays below 1e-5 for 30 epochs;
with Adam (lr 0.01) it grew to order 1 within 15 epochs in our runs, and the network then started,
slowly, to learn.

Symptom: after training, how far the units of a hidden layer are apart: the largest difference
between any unit's incoming weights and the first unit's, over the layer's largest weight, in the
hidden layer where it is largest. It shows when the units differ by less than a thousandth of the
weights' own size (``IDENTICAL``): copies, up to float32 rounding. Units that learned different
features differ by about the size of the weights themselves.

Fix: a random initialization scaled to the layer: Xavier (the default, made for sigmoid and tanh),
He or LeCun. Random weights make the units differ from the start, so they learn different features.

Verified: ten seeds (``benchmarks/verify_catalog.py``), 10/10 good: the spread is 1.8e-7 to 9.9e-7
broken (float32 rounding) and 1.43 to 1.83 with Xavier (He and LeCun ~1.5, seeds 0-1);
``symmetric_init`` on every broken run, on no fixed one. Preflight also says ``zero_gradient``: at
initialization only the output layer gets a gradient, the zero weights above the others pass none
back. Training accuracy after five epochs 0.10 against 0.93; after thirty the broken net reaches
0.37-0.42, what one unit per layer can learn, its units still copies (spread < 4e-6).
"""
import numpy as np

import minnet as mn
from minnet.failures import recipes
from minnet.failures.mode import Experiment, FailureMode, Knob

# Two units are copies when they differ by less than this fraction of the layer's largest weight.
# Float32 rounding (1.2e-7 per operation) of identical computations, accumulated over training, stays
# near 1e-6 here (1e-5 after 30 epochs); units that learned anything different differ by order 1.
IDENTICAL = 1e-3


class ZeroInit(FailureMode):
    name = "zero_init"
    title = "All weights initialized to zero: the units of a layer stay identical"
    source = ("002_f66fc8b34934c2f6.txt, You Initialized your Network Weights Incorrectly; "
              "000_ca3cee3077acb0fe.txt, initialization of network weights")
    summary = ("With every weight 0, all units of a hidden layer compute the same thing, receive the same "
               "gradient and make the same update, so they stay identical for ever: each layer of 100 units "
               "works like a single unit.")
    symptom = ("after training, the largest difference between two units' incoming weights over the layer's "
               "largest weight (worst hidden layer); shows at < 1e-3")
    lesson = 5
    findings = frozenset({"symmetric_init"})
    figure = {"kind": "unit_weights"}
    knobs = (
        Knob("fix", "what to change: nothing, or a random scaled initialization",
             broken="none", fixed="xavier", choices=("none", "xavier", "he", "lecun")),
        Knob("init_value", "the value every weight starts at, unless a random init", broken=0.0, fixed=0.0,
             low=-1.0, high=1.0),
        Knob("lr", "SGD's learning rate (momentum 0.9)", broken=0.1, fixed=0.1, low=1e-3, high=1.0),
        Knob("epochs", "epochs of training", broken=5, fixed=5, low=1, high=30, integer=True),
    )

    def experiment(self, s, quick):
        Xtr, ytr, Xv, yv = recipes.digits()
        init = mn.init.constant(s.init_value) if s.fix == "none" else s.fix
        model = recipes.mlp([64, 100, 100, 10], activation="sigmoid", init=init)
        opt = mn.optim.SGD(model.parameters(), lr=s.lr, momentum=0.9)
        return Experiment(model, mn.losses.CrossEntropyLoss(), opt,
                          recipes.loader(Xtr, ytr, 64), (Xv, yv), monitor_every=5,
                          fit_kwargs={"epochs": 2 if quick else s.epochs})

    def measure(self, run):
        hidden = [m for m in run.experiment.model.modules() if isinstance(m, mn.nn.Dense)][:-1]
        spread = max(unit_spread(m.weight.data) for m in hidden)
        return {"unit_spread": spread, "train_accuracy": run.history.train_acc[-1],
                "val_accuracy": run.history.val_acc[-1]}

    def shows(self, symptoms):
        return symptoms["unit_spread"] < IDENTICAL


def unit_spread(W: np.ndarray) -> float:
    """max over units u and inputs i of |W[i, u] - W[i, 0]|, over max |W| (a Dense weight's units are its
    columns); 0 for an all-zero layer."""
    W = W.astype(np.float64)
    scale = np.abs(W).max()
    return float(np.abs(W - W[:, :1]).max() / scale) if scale > 0 else 0.0


MODE = ZeroInit()
