"""The wrong activation on the final layer: a ReLU on a regression output cannot produce negative values.

Sources: 002 "You Used the Wrong Activation Function on the Final Layer" (What?, How?, And?: clipping
and tanh on the output); 003 "Can Changing the Activation Function Improve Learning?" (linear output
for regression) and "Model Architecture Problems and Fixes" (match the output activation to the task).

Mechanism: a regression net on standardized targets (a noisy sine, mean 0 and std 1, half of them
negative) ends in a ReLU. Its outputs lie in [0, inf): for a sample whose target is negative the
best it can do is output 0, and there the ReLU's slope is 0, so that sample's error passes no
gradient back and stays as large as the target. In practice the whole output dies: the samples
with negative targets push the output's input below 0, and once it is below 0 for every sample
(on four seeds of ten it already is at initialization) no sample passes any gradient and the
net outputs 0 everywhere, no better than predicting the mean. A sigmoid (outputs in (0, 1)) or
tanh ((-1, 1)) on the output does the same to the targets beyond its range, through its flat tails.

Symptom: the fraction of training targets the trained net cannot reach: the target lies beyond
a bound of the final activation and the net's output is pinned at that bound, where the slope is
flat (ReLU at 0; sigmoid/tanh in the saturated tails of ``mn.monitor.saturated_fraction``). It shows
when it is above 0: with no activation there is no bound, so no target is out of reach.

Fix: no activation on the final layer of a regression (002 How?; 003: linear for regression).

Verified: 10/10 seeds (``benchmarks/verify_catalog.py``). Out of reach: broken 0.445-0.53 (median
0.485, the negative targets), fixed 0 on every seed; ``output_range`` on every broken run. Final
training MSE (the targets have variance 1): broken 1.0 on every seed, fixed 0.03-0.06. With
``final="sigmoid"`` 0.63-0.74 of the targets are out of reach (MSE ~0.6), with ``"tanh"`` 0.42-0.48
(MSE 0.12-0.19).
"""
import numpy as np

import minnet as mn
from minnet.failures import recipes
from minnet.failures.mode import Experiment, FailureMode, Knob
from minnet.monitor.instruments import SIGMOID_SATURATION, TANH_SATURATION

# Each bounded activation's bounds, and where next to each its slope is flat:
# (side: -1 below / +1 above, the bound, pinned(output) -> where the output sits flat at that bound).
BOUNDS = {
    "relu": [(-1, 0.0, lambda a: a <= 0)],
    "sigmoid": [(-1, 0.0, lambda a: a < SIGMOID_SATURATION[0]), (1, 1.0, lambda a: a > SIGMOID_SATURATION[1])],
    "tanh": [(-1, -1.0, lambda a: a < -TANH_SATURATION), (1, 1.0, lambda a: a > TANH_SATURATION)],
}


def out_of_reach(final, out, y):
    """Fraction of targets beyond a bound of ``final`` whose output sits, pinned, at that bound."""
    stuck = np.zeros(y.shape, bool)
    for side, bound, pinned in BOUNDS.get(final, []):
        stuck |= (side * (y - bound) > 0) & pinned(out)
    return float(np.mean(stuck))


class WrongOutputActivation(FailureMode):
    name = "wrong_output_activation"
    title = "A ReLU on a regression output cannot reach negative targets"
    source = ("002_f66fc8b34934c2f6.txt, You Used the Wrong Activation Function on the Final Layer; "
              "003_4f6f6c141195d145.txt, Can Changing the Activation Function Improve Learning?")
    summary = ("A regression net ends in a ReLU, but half of its standardized targets are negative. Its outputs "
               "cannot go below 0, and at 0 the ReLU's slope is 0: those samples' errors pass no gradient back "
               "and can never shrink.")
    symptom = ("fraction of training targets beyond a bound of the final activation with the output pinned at "
               "that bound (slope flat); shows above 0")
    lesson = 14
    findings = frozenset({"output_range"})
    figure = {"kind": "predictions"}
    knobs = (
        Knob("fix", "what to change: nothing, or no activation on the output", broken="none",
             fixed="no_activation", choices=("none", "no_activation")),
        Knob("final", "the activation on the output in the broken setting", broken="relu", fixed="relu",
             choices=("relu", "sigmoid", "tanh")),
        Knob("epochs", "epochs of training", broken=40, fixed=40, low=1, high=200, integer=True),
    )

    def experiment(self, s, quick):
        X, y = mn.data.sine(300, noise=0.1)
        y = (y - y[:200].mean()) / y[:200].std()                  # standardized with training statistics
        model = recipes.mlp([1, 32, 32, 1], final=None if s.fix == "no_activation" else s.final)
        return Experiment(model, mn.losses.MSELoss(), mn.optim.Adam(model.parameters(), lr=0.005),
                          recipes.loader(X[:200], y[:200], 25), (X[200:], y[200:]),
                          fit_kwargs={"epochs": 10 if quick else s.epochs})

    def measure(self, run):
        X, y = run.experiment.train.X, run.experiment.train.y
        out = mn.train.predict(run.experiment.model, X)
        final = None if run.settings["fix"] == "no_activation" else run.settings["final"]
        return {"out_of_reach": out_of_reach(final, out, y), "final_mse": run.history.train_loss[-1],
                "lowest_output": float(out.min())}

    def shows(self, symptoms):
        return symptoms["out_of_reach"] > 0


MODE = WrongOutputActivation()
