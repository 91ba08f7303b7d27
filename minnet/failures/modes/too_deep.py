"""Too deep: a plain stack of forty narrow layers forgets its input, and its loss stays at chance.

Sources: 002 "You Used a Network that was too Deep" (a 100-layer behemoth fails where a little
network fails, and worse; start with 3 to 8 layers); 001 "Gradient Vanishing Problem", 3. Residual
Connections (skip connections let gradients flow directly); 003 (residual connections ease gradient
flow in deep networks).

Mechanism: every layer of a plain stack multiplies the signal by a random matrix. He initialization
keeps the signal's size right on average, but not for every input and layer: in a narrow net the
size drifts from layer to layer, the further the more layers there are per unit of width (Hanin &
Rolnick 2018: its log-variance grows as the sum of 1/width over the layers), and ReLU layers pull the
representations of different inputs ever closer together. After forty layers of 8 units the signal
is orders of magnitude smaller and all inputs look alike: the output ignores the input, the loss
sits at ln 10, and training (Adam, which copes with small gradients) cannot get it off.

Symptom: the training loss after a fixed number of epochs (the mean over the last epoch). It shows
when the loss is still within 5% of ln 10 = 2.30, the loss of a guess that ignores the input
(``rules.flat_improvement``: a loss that fell less than 5% has not learned).

Fix: a shallow net of the same width, 4 hidden layers (002: 3 to 8 layers; the default), or the same
depth with residual connections x + Dense(relu(x)), whose identity paths carry the input (and the
gradient) through every block; each block's weights start at He's scale divided by sqrt(depth), so
the forty additions grow the signal's variance by at most a factor e (Hanin & Rolnick 2018).
Known figure: batch norm after every layer does not rescue a very deep plain MLP (here too: at width
16 and depth 100 its loss stays at 2.35-2.4, with the first layer's gradient ~1e9 times the last's);
forty layers with Adam still train (at width 16 they mostly do, slowly: loss 2.0-2.2 after two
epochs; at width 8 they do not: depth over width is what counts). Seed 0: ``depth=10`` ends at
1.77, ``depth=20`` at 2.22, ``depth=40`` at 2.30.

Verified: ten seeds (``benchmarks/verify_catalog.py``), 10/10 good: the last epoch's training loss
is 2.30 on every broken seed and 0.82 to 1.66 with 4 hidden layers; ``not_learning`` on every broken
run, on no fixed one. The instruments also see ``dead_relu`` (10/10: the narrow layers die in
training), ``cannot_overfit_batch`` (9/10) and ``bad_init_scale`` (8/10: the signal 100x smaller at
the last layer), so only ``not_learning`` is listed. ``fix="residual"`` (seeds 0-2) ends at 1.0-1.8,
less smoothly: Adam's steps are large against the small block weights (``lr_too_high``).
"""
import math

import minnet as mn
from minnet.failures import recipes
from minnet.failures.mode import Experiment, FailureMode, Knob
from minnet.monitor import rules


class TooDeep(FailureMode):
    name = "too_deep"
    title = "A plain network too deep for its width: the loss stays at chance"
    source = ("002_f66fc8b34934c2f6.txt, You Used a Network that was too Deep; 001_550340deb8777b58.txt, "
              "Gradient Vanishing Problem (3. Residual Connections); 003_4f6f6c141195d145.txt, residual connections")
    summary = ("Every layer of a plain stack multiplies the signal by a random matrix. Through forty narrow "
               "layers the signal shrinks by orders of magnitude and all inputs end up looking alike, so the "
               "output ignores the input and the loss stays at ln 10. A shallow net, or the same depth with "
               "residual connections, learns.")
    symptom = "training loss in the last epoch; shows while it is within 5% of ln 10 (chance)"
    lesson = 6
    findings = frozenset({"not_learning"})
    figure = {"kind": "curves"}
    knobs = (
        Knob("fix", "what to change: nothing, 4 hidden layers, or residual connections",
             broken="none", fixed="shallow", choices=("none", "shallow", "residual")),
        Knob("depth", "hidden layers of the plain (or residual) net", broken=40, fixed=40, low=2, high=100,
             integer=True),
        Knob("width", "units per hidden layer", broken=8, fixed=8, low=4, high=64, integer=True),
        Knob("lr", "Adam's learning rate", broken=0.01, fixed=0.01, low=1e-4, high=0.1),
        Knob("epochs", "epochs of training", broken=3, fixed=3, low=1, high=30, integer=True),
    )

    def experiment(self, s, quick):
        Xtr, ytr, Xv, yv = recipes.digits()
        if s.fix == "residual":
            blocks = s.depth - 1
            model = recipes.residual_mlp(64, s.width, 10, blocks,
                                         block_init=recipes.normal_init(math.sqrt(2 / (s.width * blocks))))
        else:
            depth = 4 if s.fix == "shallow" else s.depth
            model = recipes.mlp([64] + [s.width] * depth + [10])
        return Experiment(model, mn.losses.CrossEntropyLoss(), mn.optim.Adam(model.parameters(), lr=s.lr),
                          recipes.loader(Xtr, ytr, 64), (Xv, yv), monitor_every=10,
                          fit_kwargs={"epochs": 1 if quick else s.epochs})

    def measure(self, run):
        return {"train_loss": run.history.train_loss[-1], "chance_loss": math.log(10),
                "val_accuracy": run.history.val_acc[-1]}

    def shows(self, symptoms):
        return symptoms["train_loss"] >= (1 - rules.value("flat_improvement")) * symptoms["chance_loss"]


MODE = TooDeep()
