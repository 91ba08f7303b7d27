"""Initialization too small: 0.01 * randn weights shrink the signal at every layer until nothing is left.

Sources: 002 "You Initialized your Network Weights Incorrectly" ("small random numbers" is not that
simple; use 'he', 'lecun' or 'xavier'); 000 (Glorot/Xavier and He initialization are designed to
prevent vanishing or exploding signals).

Mechanism: a tanh layer with n inputs and weights of std s multiplies the std of its input by about
s * sqrt(n) (tanh is the identity near 0). With s = 0.01 and 100 units that is 0.1 per layer, so
ten layers shrink the signal ten orders of magnitude: the output is the same (~0) for every input,
the loss sits at ln 10 = 2.30, and the gradients, scaled down just as much, cannot move it.

Symptom: the std of the last tanh layer's output over the first's at initialization (``act_std``
of the ``Monitor`` at the first step, before any update). It shows when the signal shrank by two
orders of magnitude across depth (``rules.init_scale_change``, Glorot & Bengio 2010).

Fix: Xavier (Glorot) initialization, std sqrt(2 / (fan_in + fan_out)), which keeps the std of a
tanh net's signal nearly constant across depth (the default), or LeCun's std sqrt(1 / fan_in).
Known figure: tanh, 10 layers of 500 units, 0.01 * randn: layer-10 std < 1e-6 (``width=500`` gives
~1e-7 here); Deep Learning from Scratch ch06: with std 0.01 the loss stays at 2.30. With 100 units
the last layer's std is ~1e-10 and the training loss stays at 2.303 for every epoch.

Verified: ten seeds (``benchmarks/verify_catalog.py``), 10/10 good: the ratio is 9.1e-10 to 1.2e-9
broken and 0.38 to 0.41 with Xavier (LeCun 0.36-0.39, seeds 0-2); ``bad_init_scale`` (preflight) and
``not_learning`` (diagnose) on every broken run, neither on a fixed one.
"""
import minnet as mn
from minnet.failures import recipes
from minnet.failures.mode import Experiment, FailureMode, Knob
from minnet.monitor import rules


class InitTooSmall(FailureMode):
    name = "init_too_small"
    title = "Weights initialized too small: the signal dies out with depth"
    source = ("002_f66fc8b34934c2f6.txt, You Initialized your Network Weights Incorrectly; "
              "000_ca3cee3077acb0fe.txt, initialization of network weights")
    summary = ("With weights 0.01 * randn each tanh layer of 100 units multiplies the signal's std by about "
               "0.1, so ten layers shrink it ten orders of magnitude. The output no longer depends on the input, "
               "the loss sits at ln 10 and the equally shrunken gradients cannot move it.")
    symptom = ("std of the last tanh layer's output over the first's at initialization (Monitor act_std, first "
               "step); shows at <= 1/100")
    lesson = 5
    findings = frozenset({"bad_init_scale", "not_learning"})
    figure = {"kind": "activation_histograms"}
    knobs = (
        Knob("fix", "what to change: nothing, or a scaled initialization",
             broken="none", fixed="xavier", choices=("none", "xavier", "lecun")),
        Knob("init_std", "std of every weight, unless a scaled init", broken=0.01, fixed=0.01, low=1e-4, high=1.0),
        Knob("width", "units per hidden layer", broken=100, fixed=100, low=10, high=500, integer=True),
        Knob("lr", "SGD's learning rate", broken=0.1, fixed=0.1, low=1e-3, high=1.0),
        Knob("epochs", "epochs of training", broken=3, fixed=3, low=1, high=30, integer=True),
    )

    def experiment(self, s, quick):
        Xtr, ytr, Xv, yv = recipes.digits()
        init = recipes.normal_init(s.init_std) if s.fix == "none" else s.fix
        model = recipes.mlp([64] + [s.width] * 10 + [10], activation="tanh", init=init)
        return Experiment(model, mn.losses.CrossEntropyLoss(), mn.optim.SGD(model.parameters(), lr=s.lr),
                          recipes.loader(Xtr, ytr, 64), (Xv, yv), monitor_every=10, histograms=True,
                          fit_kwargs={"epochs": 1 if quick else s.epochs})

    def measure(self, run):
        mon = run.monitor
        std = mon.get("act_std")
        tanhs = [name for name in mon.layers if mon.kind(name) == "tanh"]
        first, last = std[tanhs[0]][0], std[tanhs[-1]][0]       # the first recorded step: the initial weights
        return {"act_std_last_over_first": last / first, "act_std_last": last,
                "train_loss": run.history.train_loss[-1]}

    def shows(self, symptoms):
        return symptoms["act_std_last_over_first"] <= 1 / rules.value("init_scale_change")


MODE = InitTooSmall()
