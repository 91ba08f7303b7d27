"""Categorical data as numbers: category codes 0..K-1 fed as one quantity instead of one-hot.

Sources: 003 "How Important Is Data Preprocessing for Neural Network Training?" ("Categorical data
needs encoding, turning labels into numbers the network can digest"); 000 ("For structured data, does
the encoding scheme faithfully represent the intended features?").

Mechanism: a table of three numeric columns and a category (24 of them, stored as codes 0..23)
whose class is decided mostly by the category (``mn.data.categorical_table``). Fed as one number,
the code tells the network that category 7 lies between 6 and 8 and that 23 is far from 0, none of
which is true: to give each category its own answer, the ReLU units must cut the code axis at each of
its 24 values, which a small network does not learn in the epochs it is given. One-hot encoding gives
each category its own input, and a single layer reads its class off.

Symptom: validation accuracy after the epochs. It shows when it is below halfway from chance (1/C,
the four classes guessed) to perfect (the labels follow from the inputs): (1 + 1/4) / 2 = 0.625, the
network got less than half of what the category says. Also: training accuracy (just as low: the
network cannot fit the codes, it does not overfit them).

Fix: one-hot encode the categorical column (``mn.data.one_hot_columns``, with ``num_categories`` so
that every split gets the same columns). Both settings then standardize every column with the
training statistics, so only the encoding differs.

Findings: none. No data check can tell a category code from a quantity: a column of a few whole
numbers is as likely a count or a grade (the digits' pixels are whole numbers 0..16). Only knowing
what the column means can, which is why 000 asks to check the encoding scheme by hand. (``diagnose``
may call the broken run ``underfitting``: that is the symptom, and its cure, a bigger model, is not
this one's.)

Verified: 10 of 10 seeds (``benchmarks/verify_catalog.py``). Validation accuracy broken 0.40-0.51
(median 0.45), fixed 0.94-0.99; training accuracy 0.44-0.54 against 0.98-1.00. ~0.35 s a run.
"""
import minnet as mn
from minnet.failures import recipes
from minnet.failures.mode import Experiment, FailureMode, Knob

CLASSES = 4


class CategoricalAsNumbers(FailureMode):
    name = "categorical_as_numbers"
    title = "Category codes fed as numbers instead of one-hot"
    source = ("003_4f6f6c141195d145.txt, How Important Is Data Preprocessing (categorical data needs encoding); "
              "000_ca3cee3077acb0fe.txt, does the encoding scheme faithfully represent the intended features?")
    summary = ("The category decides the class, but its codes 0..K-1 are fed as one number, which invents an "
               "order and distances that mean nothing. The network would have to cut the code axis at every value; "
               "one input per category (one-hot) lets it read each category's class directly.")
    symptom = "validation accuracy after the epochs; shows below (1 + 1/4) / 2 = 0.625, halfway from chance to perfect"
    lesson = 13
    findings = frozenset()
    figure = {"kind": "encoding"}
    knobs = (
        Knob("fix", "how to feed the category column", broken="none", fixed="one_hot", choices=("none", "one_hot")),
        Knob("categories", "number of categories", broken=24, fixed=24, low=2, high=100, integer=True),
        Knob("epochs", "epochs of training (Adam, lr 0.01)", broken=10, fixed=10, low=1, high=100, integer=True),
    )

    def experiment(self, s, quick):
        X, y = mn.data.categorical_table(800, n_categories=s.categories, num_classes=CLASSES)
        Xtr, ytr, Xv, yv = mn.data.train_val_split(X, y, val_fraction=0.5)
        codes = Xtr[:, -1]                                  # the figure writes them into the code column
        if s.fix == "one_hot":                              # the same columns for both splits
            Xtr, Xv = (mn.data.one_hot_columns(X, -1, num_categories=s.categories) for X in (Xtr, Xv))
        Xtr, Xv = recipes.preprocess(mn.data.Standardizer(zero_variance="warn"), Xtr, Xv)
        model = recipes.mlp([Xtr.shape[1], 32, CLASSES])
        return Experiment(model, mn.losses.CrossEntropyLoss(), mn.optim.Adam(model.parameters(), lr=0.01),
                          recipes.loader(Xtr, ytr, 32), (Xv, yv), fit_kwargs={"epochs": 5 if quick else s.epochs},
                          extra={"codes": codes, "code_column": None if s.fix == "one_hot" else -1})

    def measure(self, run):
        return {"val_accuracy": run.history.val_acc[-1], "train_accuracy": run.history.train_acc[-1]}

    def shows(self, symptoms):
        return symptoms["val_accuracy"] < (1 + 1 / CLASSES) / 2


MODE = CategoricalAsNumbers()
