"""Class imbalance: with 95% of the samples in one class, the network learns to ignore the other.

Sources: 003 "Data Related Issues and Solutions" (imbalanced datasets "bias the network toward the
dominant group, ignoring the underrepresented ones"; oversampling the minority class, or rebalancing).

Mechanism: two overlapping Gaussian classes (centres 1.5 standard deviations apart) cut to 95/5 with
``mn.data.make_imbalanced(minority_class=1, ratio=5/95)``, in training and validation alike. Where the
classes overlap, a point is 19 times more likely to be the majority class, and cross-entropy learns
exactly that prior: the decision boundary moves ln(19)/1.5 = 2 standard deviations into the minority
class. Accuracy looks excellent (95%, the share of the majority) while most minority samples are missed.

Symptom: recall of the minority class on the validation set (``mn.metrics.recall``). It shows below
0.5: the model misses most of the class. The Bayes-optimal classifier for these priors has recall
Phi(0.75 - 1.96) = 0.11; for equal priors Phi(0.75) = 0.77.

Fix: class weights in the loss (``mn.data.class_weights``, w_c = N / (K N_c), so both classes weigh
the same in total), or oversampling the minority class (``mn.data.oversample``). Both trade some
accuracy on the majority for recall on the minority.

Verified: 10 of 10 seeds: minority recall broken 0.118 [0.028, 0.226] (median [min, max]; Bayes:
0.11) with an accuracy of 0.951; with class weights 0.745 [0.698, 0.802] (Bayes for equal priors:
0.77) with an accuracy of 0.767. ``class_imbalance`` on every broken run, on no fixed one
(``preflight`` judges the balance on count x class weight). The classes overlap, so no model fits
their training data much beyond 77%: ``diagnose`` may add ``underfitting`` to a balanced run.
"""
import minnet as mn
from minnet.failures import recipes
from minnet.failures.mode import Experiment, FailureMode, Knob

CENTRES = [[0.0, 0.0], [1.5, 0.0]]      # 1.5 standard deviations apart: the classes overlap


class ClassImbalance(FailureMode):
    name = "class_imbalance"
    title = "A 95/5 class imbalance: the minority class is ignored"
    source = "003_4f6f6c141195d145.txt, Data Related Issues and Solutions (imbalanced datasets, oversampling)"
    summary = ("With 95% of the samples in one class, cross-entropy learns the prior: where the classes overlap "
               "the network answers the majority class. Accuracy looks excellent while most of the minority "
               "class is missed.")
    symptom = "recall of the minority class on the validation set; shows below 0.5 (misses most of it)"
    lesson = 13
    findings = frozenset({"class_imbalance"})
    figure = {"kind": "class_counts", "panels": ("recall",)}
    knobs = (
        Knob("fix", "what to change: nothing, class weights in the loss, or oversampling the minority class",
             broken="none", fixed="class_weights", choices=("none", "class_weights", "oversample")),
        Knob("ratio", "minority samples per majority sample", broken=5 / 95, fixed=5 / 95, low=0.01, high=1.0),
        Knob("epochs", "epochs of training", broken=10, fixed=10, low=1, high=100, integer=True),
    )

    def experiment(self, s, quick):
        X, y = mn.data.blobs(8000, centers=CENTRES, noise=1.0)
        X, y = mn.data.make_imbalanced(X, y, minority_class=1, ratio=s.ratio)
        Xtr, ytr, Xv, yv = mn.data.train_val_split(X, y, val_fraction=0.5, stratify=True)
        if s.fix == "oversample":
            Xtr, ytr = mn.data.oversample(Xtr, ytr)
        weight = mn.data.class_weights(ytr) if s.fix == "class_weights" else None
        model = recipes.mlp([2, 16, 2])
        return Experiment(model, mn.losses.CrossEntropyLoss(weight=weight), mn.optim.Adam(model.parameters(), lr=1e-2),
                          recipes.loader(Xtr, ytr, 64), (Xv, yv), monitor_every=10,
                          extra={"names": ("majority", "minority"), "highlight": (1,)},
                          fit_kwargs={"epochs": 4 if quick else s.epochs})

    def measure(self, run):
        Xv, yv = run.experiment.val
        recall = mn.metrics.recall(yv, recipes.predicted_classes(run.experiment.model, Xv), num_classes=2)
        return {"minority_recall": recall[1], "val_accuracy": run.history.val_acc[-1],
                "balanced_accuracy": recall.mean()}

    def shows(self, symptoms):
        return symptoms["minority_recall"] < 0.5


MODE = ClassImbalance()
