"""Dead ReLUs: one too-large step pushes a unit's input below zero for every sample, and it never recovers.

Sources: 002 "Your Network contains Bad Gradients"; 000 (dying ReLU, Leaky ReLU as the fix);
003 "Can Changing the Activation Function Improve Learning?".

Mechanism: ReLU's derivative is 0 for negative inputs. A large update (here Adam with lr 0.3 on
standardized digits) can move a unit's weights and bias so that its input is negative for every
training sample; from then on it passes no gradient back, its weights never change again, and it is
dead. With many dead units the network loses its capacity and the loss gets stuck.

Symptom: the fraction of a hidden layer's units that pass no gradient for any training sample
(ReLU units that output 0 for all of them, ``mn.monitor.dead_fraction``), in the worst layer.
It shows when at least half the units are dead (``rules.dead_fraction``). LeakyReLU and ELU units
always pass a gradient (slope 0.01, or alpha * e^x), so none of them is ever dead.

Fix: a sane learning rate (a hundred times smaller), or LeakyReLU/ELU.
Known figure: cs231n reports up to 40% of units dead with a high learning rate; here lr 0.3 kills
80-100% of the second layer's units and lr 0.003 about 1% (``benchmarks/README.md``: 10 seeds).
"""
import minnet as mn
from minnet.failures import recipes
from minnet.failures.mode import Experiment, FailureMode, Knob
from minnet.monitor import rules


class DeadReLU(FailureMode):
    name = "dead_relu"
    title = "Dead ReLU units after a too-large learning rate"
    source = "002_f66fc8b34934c2f6.txt, Your Network contains Bad Gradients; 000_ca3cee3077acb0fe.txt, dying ReLU"
    summary = ("A too-large step pushes a ReLU unit's input below zero for every sample. Its derivative is "
               "then 0 everywhere, so it gets no gradient and never recovers; with many such units the "
               "network loses capacity and the loss gets stuck.")
    symptom = ("fraction of a hidden layer's units that pass no gradient for any training sample (worst "
               "layer); shows at >= 50%")
    lesson = 8
    findings = frozenset({"dead_relu"})
    figure = {"kind": "monitor", "metric": "dead_fraction"}
    knobs = (
        Knob("fix", "what to change: nothing, the learning rate (/100), or the activation",
             broken="none", fixed="lower_lr", choices=("none", "lower_lr", "leaky_relu", "elu")),
        Knob("lr", "Adam's learning rate in the broken setting", broken=0.3, fixed=0.3, low=1e-4, high=1.0),
        Knob("epochs", "epochs of training", broken=5, fixed=5, low=1, high=50, integer=True),
    )

    def experiment(self, s, quick):
        Xtr, ytr, Xv, yv = recipes.digits()
        activation = s.fix if s.fix in ("leaky_relu", "elu") else "relu"
        model = recipes.mlp([64, 100, 100, 10], activation=activation)
        lr = s.lr / 100 if s.fix == "lower_lr" else s.lr
        return Experiment(model, mn.losses.CrossEntropyLoss(), mn.optim.Adam(model.parameters(), lr=lr),
                          recipes.loader(Xtr, ytr, 64), (Xv, yv), fit_kwargs={"epochs": 2 if quick else s.epochs})

    def measure(self, run):
        model, X = run.experiment.model, run.experiment.train.X
        relus = [name for name, _ in recipes.hidden_layers(model, mn.nn.ReLU)]
        acts = recipes.outputs(model, X, relus)
        dead = max((mn.monitor.dead_fraction(a) for a in acts.values()), default=0.0)
        return {"dead_fraction": dead, "val_accuracy": run.history.val_acc[-1]}

    def shows(self, symptoms):
        return symptoms["dead_fraction"] >= rules.value("dead_fraction")


MODE = DeadReLU()
