"""Label noise: a fraction of the training labels is wrong, and training accuracy cannot pass 1 - noise.

Sources: 003 "Data Related Issues and Solutions" (noisy data: "mislabeled entries ... confuse the
network"; clean the data by correcting errors); 000 ("Are labels accurately matched to their
corresponding inputs?").

Mechanism: ``mn.data.flip_labels`` gives 30% of the training digits a wrong label, drawn at random
from the other nine classes. The flips are random, so they carry no pattern: in the epochs it trains,
the network learns the digits from the 60% of labels that agree and predicts the true class for most
flipped samples too. Its accuracy against the labels it was given is then capped near the fraction
of correct labels, 1 - noise, while its accuracy against the true labels stays high. Validation
accuracy (clean labels) drops a few points: the noise costs something, but less than the cap suggests.

Symptom: training accuracy against the given labels, on the whole training set at the end
(``mn.metrics.accuracy``). It shows below 80% (``rules.underfit_accuracy``: a task this model is meant
to fit), which with 30% noise it cannot reach; on clean labels the same network fits 97-100%.

Fix: clean the labels (correct the errors: 003 Noisy data). ``mn.diagnose`` points at the wrong ones:
the samples whose label the trained model confidently contradicts (``noisy_labels``). It asks only a
model that agrees with at least half the labels of every class (``rules.competent_agreement``), so
from about 40% noise on, where even a perfect model agrees with barely more, it stays silent.

Known figure: the cap near 1 - noise = 0.7.

Verified: 10 of 10 seeds: training accuracy broken 0.678 [0.671, 0.684] (median [min, max]; the
same models agree with 0.936 of the true labels), fixed 0.975 [0.973, 0.981]; validation accuracy
0.909 against 0.949. ``noisy_labels`` on every broken run, on no fixed one.
"""
import minnet as mn
from minnet.failures import recipes
from minnet.failures.mode import Experiment, FailureMode, Knob
from minnet.monitor import rules


class LabelNoise(FailureMode):
    name = "label_noise"
    title = "Randomly flipped labels cap training accuracy near 1 - noise"
    source = "003_4f6f6c141195d145.txt, Data Related Issues and Solutions (noisy data); 000_ca3cee3077acb0fe.txt, labels"
    summary = ("A fraction of the training labels is flipped to random other classes. The network learns the "
               "classes from the labels that agree and predicts the true class for most flipped samples, so its "
               "accuracy against the labels it was given is capped near 1 - noise.")
    symptom = "training accuracy against the given labels at the end; shows below 80% (rules.underfit_accuracy)"
    lesson = 13
    findings = frozenset({"noisy_labels"})
    figure = {"kind": "samples", "panels": ("accuracy",)}
    knobs = (
        Knob("fix", "what to change: nothing, or train on the clean labels", broken="none", fixed="clean_labels",
             choices=("none", "clean_labels")),
        Knob("noise", "fraction of training labels flipped", broken=0.3, fixed=0.3, low=0.0, high=0.9),
        Knob("epochs", "epochs of training", broken=10, fixed=10, low=1, high=100, integer=True),
    )

    def experiment(self, s, quick):
        Xtr, ytr, Xv, yv = recipes.digits()
        noisy = mn.data.flip_labels(ytr, s.noise, num_classes=10)
        y = ytr if s.fix == "clean_labels" else noisy
        model = recipes.mlp([64, 100, 10])
        raw = recipes.digits(standardize=False)[0]
        extra = {"samples": recipes.samples(raw.reshape(-1, 8, 8), y, ytr), "clean": ytr,
                 "lines": {"1 - noise": 1 - s.noise}}
        return Experiment(model, mn.losses.CrossEntropyLoss(), mn.optim.Adam(model.parameters(), lr=1e-3),
                          recipes.loader(Xtr, y, 64), (Xv, yv), monitor_every=10, extra=extra,
                          fit_kwargs={"epochs": 7 if quick else s.epochs})

    def measure(self, run):
        train, clean = run.experiment.train, run.experiment.extra["clean"]
        predicted, y = recipes.predicted_classes(run.experiment.model, train.X), train.y
        return {"train_accuracy": mn.metrics.accuracy(y, predicted), "val_accuracy": run.history.val_acc[-1],
                "true_label_accuracy": mn.metrics.accuracy(clean, predicted)}

    def shows(self, symptoms):
        return symptoms["train_accuracy"] < rules.value("underfit_accuracy")


MODE = LabelNoise()
