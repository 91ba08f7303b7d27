"""What ``mn.preflight`` and ``mn.diagnose`` say: a :class:`Report` of :class:`Finding`\\ s.

A finding reads like a good compiler message for training: a title, the numbers that show it, what
to try, where to learn more (the lesson, the source document), and when it was first seen. The
codes are a fixed vocabulary (:data:`CODES`, the table in DESIGN.md); each code's title, usual fix,
lesson and source are written once, here.
"""
from __future__ import annotations

import textwrap
from dataclasses import dataclass, field
from typing import Any

SEVERITIES = ("error", "warning", "info")
# Lines of a printed report: 96 columns, so that a report shown indented (a lesson's output, a
# log with a prefix) still fits a terminal of 100.
WIDTH = 96


@dataclass(frozen=True)
class Code:
    """The fixed parts of one finding code: what it means, what to try, where to learn more."""

    title: str
    fix: str
    lesson: int | None
    source: str


# Document short names as in the catalog: 000 "How can I resolve a neural network error?", 001 "Neural
# Network Common Issues & Solutions" (slides), 002 "My Neural Network isn't working!", 003 "What should
# I do when my neural network doesn't learn?", 004 "Debugging a Neural Network".
CODES: dict[str, Code] = {
    "nan_in_data": Code(
        "NaN or inf in the data",
        "find where the NaN entered (missing values, a division by zero in preprocessing); impute "
        "missing values with training means (mn.data.SimpleImputer) or drop those rows",
        13, "003_4f6f6c141195d145.txt, How Important Is Data Preprocessing (missing values)"),
    "unnormalized_inputs": Code(
        "Inputs are not normalized",
        "standardize every feature with statistics of the training set (mn.data.Standardizer().fit(X_train))",
        10, "002_f66fc8b34934c2f6.txt, You Forgot to Normalize Your Data"),
    "zero_variance_feature": Code(
        "A feature is constant",
        "drop the constant feature (mn.data.VarianceThreshold().fit(X_train)), or guard the division "
        "(mn.data.Standardizer(zero_variance='warn') leaves it unscaled) so it is not divided by a zero "
        "standard deviation",
        10, "002_f66fc8b34934c2f6.txt, You Forgot to Normalize Your Data (And?)"),
    "unscaled_targets": Code(
        "Regression targets are not scaled",
        "scale the targets to about [-1, 1] (e.g. y / 128 - 1 for 0..255, or standardize them) and "
        "undo the scaling on the predictions",
        10, "002_f66fc8b34934c2f6.txt, You Forgot to Normalize Your Data (And?)"),
    "class_imbalance": Code(
        "Classes are imbalanced",
        "weight the loss by class (CrossEntropyLoss(weight=...)) or oversample the rare classes, and "
        "judge the model by per-class recall, not accuracy",
        13, "003_4f6f6c141195d145.txt, Data Related Issues and Solutions (imbalanced datasets)"),
    "missing_class": Code(
        "A class is missing from a split",
        "split with stratification (mn.data.train_val_split(..., stratify=True)) so every class is in "
        "every split, and check the labels of each split",
        13, "000_ca3cee3077acb0fe.txt, each category represented across training, validation and test"),
    "output_range": Code(
        "The final activation cannot produce the targets",
        "for regression use no activation on the last layer; match a bounded activation to the range "
        "of the targets",
        14, "002_f66fc8b34934c2f6.txt, You Used the Wrong Activation Function on the Final Layer"),
    "loss_mismatch": Code(
        "The loss does not fit the targets",
        "for classes use one output per class with CrossEntropyLoss on raw logits (no Softmax before "
        "it); for regression MSELoss on real-valued targets",
        14, "003_4f6f6c141195d145.txt, Training Process Challenges (the loss function)"),
    "symmetric_init": Code(
        "Units start identical",
        "initialize weights randomly (init='he' for ReLU, 'xavier' for tanh/sigmoid, 'lecun'): "
        "identical units get identical gradients and stay identical",
        5, "002_f66fc8b34934c2f6.txt, You Initialized your Network Weights Incorrectly"),
    "bad_init_scale": Code(
        "Activations or gradients change scale across depth at initialization",
        "use an initialization matched to the activation (Xavier/Glorot for tanh and sigmoid, He for "
        "ReLU) so the signal keeps its scale from layer to layer",
        5, "002_f66fc8b34934c2f6.txt, You Initialized your Network Weights Incorrectly"),
    "init_loss": Code(
        "Loss at initialization is far from chance",
        "an untrained classifier should be unsure: its loss should be near ln C; shrink the "
        "initialization of the last layer (or check the labels)",
        5, "004_01fa813338dc16ed.txt, Sanity Checks"),
    "zero_gradient": Code(
        "Parameters get exactly zero gradient",
        "remove the non-differentiable step (round, clip, sign, argmax, comparisons, .data/.numpy() "
        "or detach()) from the path between the parameters and the loss",
        14, "002_f66fc8b34934c2f6.txt, Your Network contains Bad Gradients (And?)"),
    "cannot_overfit_batch": Code(
        "Cannot overfit a tiny batch",
        "a model that cannot learn 8 examples by heart has a bug: check the loss, the labels, the "
        "graph (detach?), zero_grad and the optimizer before tuning anything",
        14, "004_01fa813338dc16ed.txt, Sanity Checks (Predict on a Single Example)"),
    "diverged": Code(
        "Training diverged",
        "lower the learning rate (about a tenth of the largest stable one), normalize inputs and "
        "targets, or clip gradients while you look for the cause",
        7, "001_550340deb8777b58.txt, Gradient Exploding Problem"),
    "exploding_gradients": Code(
        "Gradients explode",
        "lower the learning rate, use an initialization matched to the activation, add batch "
        "normalization, or clip the gradient norm",
        7, "001_550340deb8777b58.txt, Gradient Exploding Problem"),
    "vanishing_gradients": Code(
        "Gradients vanish in the first layers",
        "use ReLU-family activations with He initialization, residual connections, or batch "
        "normalization, so the gradient reaches the first layers",
        6, "001_550340deb8777b58.txt, Gradient Vanishing Problem"),
    "dead_relu": Code(
        "Dead ReLU units",
        "lower the learning rate, or use LeakyReLU/ELU, whose units keep a gradient when their input is negative",
        8, "002_f66fc8b34934c2f6.txt, Your Network contains Bad Gradients"),
    "saturated_units": Code(
        "Saturated sigmoid/tanh units",
        "use Xavier initialization and normalized inputs so pre-activations stay near 0, or ReLU-family activations",
        6, "001_550340deb8777b58.txt, Gradient Vanishing Problem"),
    "lr_too_high": Code(
        "Learning rate too high",
        "lower the learning rate (mn.lr_find suggests one; about a tenth of the largest stable rate)",
        9, "001_550340deb8777b58.txt, Learning Rate Problems (Too High)"),
    "lr_too_low": Code(
        "Learning rate too low",
        "raise the learning rate by one or two orders of magnitude (mn.lr_find), or use Adam",
        9, "001_550340deb8777b58.txt, Learning Rate Problems (Too Low)"),
    "clipping_always_on": Code(
        "Gradient clipping is always on",
        "turn clipping off and find a learning rate that does not explode: clipping on every step "
        "hides a too-high learning rate and makes progress slow and unpredictable",
        7, "002_f66fc8b34934c2f6.txt, You Used an Incorrect Learning Rate (Why?)"),
    "not_learning": Code(
        "The loss does not move",
        "see the evidence below for which instrument tells the causes apart; then fix that cause",
        9, "004_01fa813338dc16ed.txt, Debugging Training Dynamics"),
    "overfitting": Code(
        "Overfitting",
        "add dropout or weight decay, stop early (mn.EarlyStopping restores the best weights), or get more data",
        11, "001_550340deb8777b58.txt, Overfitting"),
    "underfitting": Code(
        "Underfitting",
        "give the model more capacity (units, layers), reduce regularization, or train longer",
        11, "001_550340deb8777b58.txt, Underfitting"),
    "still_improving": Code(
        "Stopped while still improving",
        "train for more epochs and let early stopping decide when to stop",
        11, "000_ca3cee3077acb0fe.txt, insufficient training epochs"),
    "stochastic_inference": Code(
        "Predictions change for the same input",
        "call model.eval() before predicting (or use mn.train.predict): dropout and batch norm "
        "behave differently in training mode",
        11, "002_f66fc8b34934c2f6.txt, You Forgot to use any Regularization (turn it off during prediction)"),
    "noisy_labels": Code(
        "Many training labels look wrong",
        "look at the samples the model confidently disagrees with: relabel or drop the wrong ones",
        13, "003_4f6f6c141195d145.txt, Data Related Issues and Solutions (noisy data)"),
}


@dataclass
class Finding:
    """One thing preflight or diagnose found. ``evidence`` holds the numbers that show it."""

    code: str
    severity: str
    message: str
    evidence: dict[str, Any] = field(default_factory=dict)
    layer: str | None = None
    epoch: int | None = None
    fix: str | None = None       # what to try; the code's usual fix unless a rule knows better
    title: str | None = None

    def __post_init__(self) -> None:
        if self.code not in CODES:
            raise ValueError(f"Finding: unknown code {self.code!r}; the vocabulary is {', '.join(CODES)}")
        if self.severity not in SEVERITIES:
            raise ValueError(f"Finding: severity must be one of {SEVERITIES}, got {self.severity!r}")
        self.title = self.title or CODES[self.code].title
        self.fix = self.fix or CODES[self.code].fix

    @property
    def lesson(self) -> int | None:
        """The lesson that teaches this problem (``minnet lesson N``)."""
        return CODES[self.code].lesson

    @property
    def source(self) -> str:
        """The source document and section that describe it."""
        return CODES[self.code].source

    def __str__(self) -> str:
        where = [f"layer {self.layer}"] if self.layer else []
        if self.epoch is not None:
            where.append(f"first seen in epoch {self.epoch}")
        head = f"[{self.severity}] {self.code}: {self.title}" + (f" ({', '.join(where)})" if where else "")
        body = [self.message, f"Try: {self.fix}."]
        learn = f"Learn more: {'minnet lesson ' + str(self.lesson) + '; ' if self.lesson else ''}{self.source}"
        lines = [head] + [textwrap.fill(p, WIDTH, initial_indent="    ", subsequent_indent="    ")
                          for p in body + [learn]]
        return "\n".join(lines)


class Report(list):
    """Findings, worst first. ``.codes`` is the set of codes, ``.ok`` means no error or warning.

    ``checked`` lists what was looked at, ``skipped`` what could not be checked and why (e.g.
    "per-layer gradients: no monitor given"), so a quiet report is not mistaken for a clean bill.
    """

    def __init__(self, findings=(), checked=(), skipped=(), title: str = "Report") -> None:
        order = {s: i for i, s in enumerate(SEVERITIES)}
        super().__init__(sorted(findings, key=lambda f: order[f.severity]))
        self.checked = list(checked)
        self.skipped = list(skipped)
        self.title = title

    @property
    def codes(self) -> set[str]:
        return {f.code for f in self}

    @property
    def ok(self) -> bool:
        return not any(f.severity in ("error", "warning") for f in self)

    def get(self, code: str) -> Finding | None:
        """The finding with this code, or None."""
        return next((f for f in self if f.code == code), None)

    def __str__(self) -> str:
        counts = {s: sum(f.severity == s for f in self) for s in SEVERITIES}
        verdict = "no problems found" if not self else ", ".join(f"{n} {s}{'s' if n != 1 else ''}"
                                                               for s, n in counts.items() if n)
        lines = [f"{self.title}: {verdict}"]
        lines += [str(f) for f in self]
        if self.checked:
            lines.append(textwrap.fill("Checked: " + "; ".join(self.checked) + ".", WIDTH,
                                       subsequent_indent="    "))
        if self.skipped:
            lines.append(textwrap.fill("Not checked: " + "; ".join(self.skipped) + ".", WIDTH,
                                       subsequent_indent="    "))
        return "\n".join(lines)

    def __repr__(self) -> str:
        return f"Report({self.title!r}, codes={sorted(self.codes)}, ok={self.ok})"
