"""Initialization too large: 1.0 * randn weights drive tanh units into their flat tails from the start.

Sources: 002 "You Initialized your Network Weights Incorrectly" (a custom random initialization is
not going to work; use 'he', 'lecun' or 'xavier'); 000 (Glorot/Xavier initialization); 003 "Can
Changing the Activation Function Improve Learning?" (tanh and sigmoid weaken the gradients).

Mechanism: a unit with 100 inputs of std ~1 and weights of std 1 gets a pre-activation of std ~10
(64 for the first layer's 64 standardized pixels: ~8). tanh of such values is +-1 almost always:
the unit is saturated, its derivative 1 - tanh^2 is nearly 0, and it passes back almost no
gradient. The output layer's logits are just as large, so the loss at initialization is several
times ln 10, and the network learns slowly out of a bad start.

Symptom: the fraction of tanh outputs in the flat tails (|a| > 0.97, ``saturated_fraction`` of the
``Monitor``) at initialization (the first step, before any update), in the worst layer. It shows
when at least half of them are saturated (``rules.saturated_fraction``).

Fix: Xavier (Glorot) initialization, std sqrt(2 / (fan_in + fan_out)): pre-activations of std ~1,
in tanh's steep middle (the default), or LeCun's std sqrt(1 / fan_in).

Verified: ten seeds (``benchmarks/verify_catalog.py``), 10/10 good: 82.5-83.9% of the outputs
saturated broken, 0.9-3.3% with Xavier (LeCun 2-4%, seeds 0-2); ``saturated_units`` and
``init_loss`` on every broken run, neither on a fixed one. Seed 0: loss at initialization 12.9
against 2.5, validation accuracy after five epochs 0.67 against 0.95.
"""
import minnet as mn
from minnet.failures import recipes
from minnet.failures.mode import Experiment, FailureMode, Knob
from minnet.monitor import rules


class InitTooLarge(FailureMode):
    name = "init_too_large"
    title = "Weights initialized too large: saturated tanh units"
    source = ("002_f66fc8b34934c2f6.txt, You Initialized your Network Weights Incorrectly; "
              "000_ca3cee3077acb0fe.txt, initialization of network weights")
    summary = ("With weights 1.0 * randn a tanh unit with 100 inputs gets pre-activations of std ~10, where tanh "
               "is flat at +-1. Most units start saturated and pass back almost no gradient, the loss starts far "
               "above ln 10, and the network learns slowly.")
    symptom = ("fraction of tanh outputs with |a| > 0.97 at initialization (Monitor saturated_fraction, first "
               "step, worst layer); shows at >= 50%")
    lesson = 5
    findings = frozenset({"saturated_units", "init_loss"})
    figure = {"kind": "activation_histograms"}
    knobs = (
        Knob("fix", "what to change: nothing, or a scaled initialization",
             broken="none", fixed="xavier", choices=("none", "xavier", "lecun")),
        Knob("init_std", "std of every weight, unless a scaled init", broken=1.0, fixed=1.0, low=0.01, high=10.0),
        Knob("lr", "SGD's learning rate", broken=0.1, fixed=0.1, low=1e-3, high=1.0),
        Knob("epochs", "epochs of training", broken=5, fixed=5, low=1, high=30, integer=True),
    )

    def experiment(self, s, quick):
        Xtr, ytr, Xv, yv = recipes.digits()
        init = recipes.normal_init(s.init_std) if s.fix == "none" else s.fix
        model = recipes.mlp([64, 100, 100, 100, 10], activation="tanh", init=init)
        return Experiment(model, mn.losses.CrossEntropyLoss(), mn.optim.SGD(model.parameters(), lr=s.lr),
                          recipes.loader(Xtr, ytr, 64), (Xv, yv), monitor_every=5, histograms=True,
                          fit_kwargs={"epochs": 2 if quick else s.epochs})

    def measure(self, run):
        at_init = [v[0] for v in run.monitor.get("saturated_fraction").values()]   # the first recorded step
        return {"saturated_fraction": max(at_init), "init_loss": run.history.step_loss[0],
                "val_accuracy": run.history.val_acc[-1]}

    def shows(self, symptoms):
        return symptoms["saturated_fraction"] >= rules.value("saturated_fraction")


MODE = InitTooLarge()
