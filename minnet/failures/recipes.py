"""Shared recipes of the catalog: small data sets and models, so each mode file says only what it changes.

Everything random draws from minnet's generator, which ``FailureMode.run`` seeds first, so a mode's
run is repeatable bit for bit for a given seed.
"""
from __future__ import annotations

import functools
import warnings

import numpy as np

import minnet as mn

nn = mn.nn

ACTIVATIONS = {"relu": nn.ReLU, "leaky_relu": nn.LeakyReLU, "elu": nn.ELU, "gelu": nn.GELU,
               "sigmoid": nn.Sigmoid, "tanh": nn.Tanh, "identity": nn.Identity}


@functools.lru_cache(maxsize=None)
def _digits_split(split_seed: int = 0):
    X, y = mn.data.load_digits()
    return mn.data.train_val_split(X.astype(np.float32), y, val_fraction=0.25, stratify=True, seed=split_seed)


def digits(standardize: bool = True, n_train: int | None = None):
    """The 8x8 digits (1,797 images, 64 pixels, 10 classes) split 75/25 with stratification, the
    same split for every seed; inputs standardized with training statistics (constant pixels left at
    0) or raw (0..16). ``n_train`` keeps only the first training samples. Returns ``(Xtr, ytr, Xv, yv)``."""
    Xtr, ytr, Xv, yv = _digits_split()
    if n_train is not None:
        Xtr, ytr = Xtr[:n_train], ytr[:n_train]
    if standardize:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            scaler = mn.data.Standardizer(zero_variance="warn").fit(Xtr)
        Xtr, Xv = scaler.transform(Xtr), scaler.transform(Xv)
    return Xtr, ytr, Xv, yv


def loader(X, y, batch_size: int):
    """Shuffled batches of exactly ``batch_size`` (the last, partial batch dropped), so that per-batch
    instruments such as the dead fraction never read a batch of two samples."""
    return mn.data.DataLoader(X, y, batch_size=batch_size, shuffle=True, drop_last=True)


def mlp(sizes, activation: str = "relu", init="he", final: str | None = None, batchnorm: bool = False,
        dropout: float = 0.0):
    """A Sequential MLP through ``sizes`` (``[64, 100, 10]``: one hidden layer of 100): Dense, then
    [BatchNorm1D], the activation and [Dropout] after every hidden layer, and ``final`` (an
    activation name, or None) after the last Dense."""
    act = ACTIVATIONS[activation]
    layers = []
    for i, (a, b) in enumerate(zip(sizes[:-1], sizes[1:])):
        layers.append(nn.Dense(a, b, init=init))
        if i < len(sizes) - 2:
            if batchnorm:
                layers.append(nn.BatchNorm1D(b))
            layers.append(act())
            if dropout:
                layers.append(nn.Dropout(dropout))
    if final is not None:
        layers.append(ACTIVATIONS[final]())
    return nn.Sequential(*layers)


def residual_mlp(d_in: int, width: int, d_out: int, blocks: int, activation: str = "relu", init="he",
                 block_init=None):
    """Dense in, ``blocks`` residual blocks x + Dense(act(x)), Dense out. ``block_init`` (default:
    ``init``) initializes the blocks' Dense layers, e.g. smaller so that many blocks do not add up."""
    act = ACTIVATIONS[activation]
    block_init = init if block_init is None else block_init
    body = [nn.Residual(nn.Sequential(act(), nn.Dense(width, width, init=block_init))) for _ in range(blocks)]
    return nn.Sequential(nn.Dense(d_in, width, init=init), *body, act(), nn.Dense(width, d_out, init=init))


def normal_init(std: float):
    """An initializer drawing N(0, std^2) for every weight, whatever the layer's size."""
    return lambda shape, fan_in, fan_out, rng: std * rng.standard_normal(shape)


def hidden_layers(model, kind=None):
    """``(name, module)`` of the model's activation layers (of class ``kind`` if given), in order."""
    acts = tuple(ACTIVATIONS.values()) if kind is None else kind
    return [(n, m) for n, m in model.named_modules() if isinstance(m, acts) and not isinstance(m, nn.Identity)]


def outputs(model, X, layer_names):
    """Each named layer's output on ``X`` in evaluation mode, without a graph: ``{name: array}``."""
    got, handles = {}, []
    modules = dict(model.named_modules())
    for name in layer_names:
        handles.append(modules[name].register_forward_hook(
            lambda m, i, o, name=name: got.__setitem__(name, o.data)))
    try:
        mn.train.predict(model, X, batch_size=len(X))
    finally:
        for h in handles:
            h.remove()
    return got


# ---- data preprocessing (the data modes) ---------------------------------------------------------

def preprocess(scaler, X_train, *others):
    """``scaler`` (anything with ``fit``/``transform``) fitted on ``X_train`` alone, applied to it and to
    each of ``others``: the training statistics for every split. Constant features are left as the
    scaler's ``zero_variance`` policy says, without the warning (the digits have a few blank pixels)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        scaler.fit(X_train)
    return (scaler.transform(X_train),) + tuple(scaler.transform(X) for X in others)


def input_gradient_norms(model, loss_fn, X, y) -> np.ndarray:
    """Per input feature ``j``, ``||dL/dW[j, :]||`` of the first Dense layer's weight, for the loss on all
    of ``X``: how hard the gradient pushes on the weights that read feature ``j`` (it scales with the
    feature's size). The model's gradients are zeroed again afterwards."""
    first = next(m for m in model.modules() if isinstance(m, nn.Dense))
    model.zero_grad()
    loss_fn(model(mn.Tensor(np.asarray(X, dtype=first.weight.data.dtype))), y).backward()
    norms = np.linalg.norm(first.weight.grad, axis=1)
    model.zero_grad()
    return norms


# ---- small images (the label and split modes) ------------------------------------------------------

def shapes(n_samples: int = 600, size: int = 12, classes=None, center: bool = False, val_fraction: float = 0.25):
    """Small images of shapes (``mn.data.shapes``, drawn from minnet's generator, so every seed has its
    own) split with stratification: ``(Xtr, ytr, Xv, yv)``, images ``(N, 1, size, size)``."""
    X, y = mn.data.shapes(n_samples, size=size, classes=classes, center=center)
    return mn.data.train_val_split(X, y, val_fraction=val_fraction, stratify=True)


def small_cnn(num_classes: int, size: int = 12, channels=(8, 16)):
    """Two 3x3 convolutions (valid padding), each with ReLU and 2x2 max-pooling, then one Dense layer."""
    c1, c2 = channels
    side = ((size - 2) // 2 - 2) // 2
    return nn.Sequential(nn.Conv2D(1, c1, 3), nn.ReLU(), nn.MaxPool2D(2), nn.Conv2D(c1, c2, 3), nn.ReLU(),
                         nn.MaxPool2D(2), nn.Flatten(), nn.Dense(c2 * side * side, num_classes))


def predicted_classes(model, X) -> np.ndarray:
    """The class the model predicts for each row of ``X`` (eval mode, no graph): ``argmax`` of its outputs."""
    return mn.train.predict(model, X).argmax(axis=1)


def samples(images, labels, truth, names=None, k: int = 8) -> dict:
    """What a data mode's figure shows of its data: the first ``k`` images, the labels the model is
    trained with, and what each image really shows (``names`` turns class numbers into words)."""
    images = np.asarray(images)[:k]
    return {"images": images.reshape(len(images), *images.shape[-2:]), "labels": np.asarray(labels)[:k],
            "truth": np.asarray(truth)[:k], "names": names}


def pair_confusion(model, val, pair, num_classes: int) -> float:
    """Of the validation samples of the two classes in ``pair`` (a, b), the fraction the model predicts
    as the other one: (C[a, b] + C[b, a]) / (n_a + n_b), C the confusion matrix (rows: true class)."""
    (X, y), (a, b) = val, pair
    C = mn.metrics.confusion_matrix(y, predicted_classes(model, X), num_classes=num_classes)
    return float((C[a, b] + C[b, a]) / (C[a].sum() + C[b].sum()))


def range_test_lr(model, loss_fn, X, y) -> float:
    """The lr ``mn.lr_find`` suggests for plain SGD on ``(X, y)``: a sweep from 1e-4 to 100, and a tenth
    of the lr where the loss stops improving (002's rule: one order below the highest lr that does not
    explode). The model is left as it was."""
    sgd = mn.optim.SGD(model.parameters(), lr=1e-3)
    return mn.lr_find(model, loss_fn, sgd, (X, y), start_lr=1e-4, end_lr=100.0).suggested_lr


def fit_then_eval(exp, monitor):
    """A ``train_fn`` for :class:`~minnet.failures.mode.Experiment`: ``mn.fit`` as usual, then the model
    switched to evaluation mode, as a pipeline does before it predicts (dropout off)."""
    history = mn.fit(exp.model, exp.loss_fn, exp.optimizer, exp.train, val=exp.val, monitor=monitor,
                     **{"progress": False, **exp.fit_kwargs})
    exp.model.eval()
    return history
