"""Dropout left on at prediction: the model is still in training mode, so every prediction is a random draw.

Sources: 002 "You Forgot to use any Regularization", And? ("Remember to turn it off during
prediction"); 001 "Overfitting" (dropout: "Only active during training").

Mechanism: a digits MLP with dropout 0.5 after each hidden layer is trained with ``mn.fit``, which
leaves it in training mode. The pipeline then predicts by calling the model directly. Dropout is
still on: each call zeroes a fresh random half of the hidden units (and doubles the rest), so the
same image gets different scores, sometimes a different class, and on average worse ones than
the full network would give.

Symptom: the fraction of validation images whose predicted class changes between two predictions
of the same inputs. It shows above 0: in evaluation mode the network is deterministic and the two
predictions are identical. The pipeline's validation accuracy is lower too (a few points).

Fix: ``model.eval()`` before predicting (``mn.train.predict`` does it for you for each call).

Verified: 10/10 seeds (``benchmarks/verify_catalog.py``). Changed predictions: broken 0.131-0.191
(median 0.17), fixed 0 on every seed; ``stochastic_inference`` on every broken run. The pipeline's
validation accuracy falls from 0.95-0.97 (evaluation mode) to 0.85-0.90.
"""
import numpy as np

import minnet as mn
from minnet.failures import recipes
from minnet.failures.mode import Experiment, FailureMode, Knob


class DropoutLeftOn(FailureMode):
    name = "dropout_left_on"
    title = "Dropout left on when predicting"
    source = ("002_f66fc8b34934c2f6.txt, You Forgot to use any Regularization (And?: turn it off during "
              "prediction); 001_550340deb8777b58.txt, Overfitting (Dropout)")
    summary = ("After training, the model is still in training mode when the pipeline predicts, so dropout keeps "
               "zeroing a random half of the hidden units. The same image gets different scores on every call, "
               "sometimes a different class, and worse ones on average.")
    symptom = ("fraction of validation images whose predicted class changes between two predictions of the same "
               "inputs; shows above 0")
    lesson = 11
    findings = frozenset({"stochastic_inference"})
    figure = {"kind": "repeated_predictions"}
    knobs = (
        Knob("fix", "what to change: nothing, or model.eval() before predicting", broken="none", fixed="eval",
             choices=("none", "eval")),
        Knob("dropout", "drop probability after each hidden layer", broken=0.5, fixed=0.5, low=0.05, high=0.9),
        Knob("epochs", "epochs of training", broken=10, fixed=10, low=1, high=50, integer=True),
    )

    def experiment(self, s, quick):
        Xtr, ytr, Xv, yv = recipes.digits()
        model = recipes.mlp([64, 100, 100, 10], dropout=s.dropout)
        return Experiment(model, mn.losses.CrossEntropyLoss(), mn.optim.Adam(model.parameters(), lr=0.003),
                          recipes.loader(Xtr, ytr, 32), (Xv, yv), monitor_every=5,
                          fit_kwargs={"epochs": 3 if quick else s.epochs},
                          train_fn=recipes.fit_then_eval if s.fix == "eval" else None)

    def measure(self, run):
        model, (X, y) = run.experiment.model, run.experiment.val
        with mn.no_grad():                                  # the pipeline's prediction: the model as it is
            first, second = (model(mn.Tensor(X)).data.argmax(axis=1) for _ in range(2))
        return {"changed_predictions": float(np.mean(first != second)),
                "val_accuracy": mn.metrics.accuracy(y, first)}

    def shows(self, symptoms):
        return symptoms["changed_predictions"] > 0


MODE = DropoutLeftOn()
