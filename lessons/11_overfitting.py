# %% [markdown]
# # Lesson 11: Overfitting and regularization
#
# A big network learns a small noisy training set by heart; weight decay, dropout and early
# stopping hold it back, too much weight decay keeps it from fitting even its training data, and
# dropout left on when predicting makes every answer a random draw.
#
# Lesson 4 ended with a gap: the network knew its training digits better than new ones. A gap is
# normal. *Overfitting* is when it keeps growing: the network goes on fitting its training data,
# noise and all, and gets worse on new data while it does. "Overfitting" (001) names the fixes
# this lesson tries: weight decay, dropout, early stopping — and "Underfitting" names what too
# much of them does.

# %%
import matplotlib.pyplot as plt
import numpy as np

import minnet as mn
from minnet.lessons import quick, show

nn = mn.nn
QUICK = quick()                 # True under `minnet lesson 11 --quick`
EPOCHS = 150 if QUICK else 200  # full-batch epochs: one step each

# %% [markdown]
# ## A small, noisy data set
#
# Two half moons of points, one per class, with noise 0.3: near the middle the two moons run into
# each other, and some points sit closer to a point of the other class than to any of their own.
# 100 points to train on, 300 more from the same moons to validate on.

# %%
mn.manual_seed(0)
X, y = mn.data.moons(400, noise=0.3)
train, val = (X[:100], y[:100]), (X[100:], y[100:])
print(f"training {len(train[1])} points ({np.bincount(train[1]).tolist()} per class), "
      f"validation {len(val[1])}")
distances = np.linalg.norm(train[0][:, None] - train[0][None], axis=2)
np.fill_diagonal(distances, np.inf)
neighbour_differs = train[1][distances.argmin(axis=1)] != train[1]
print(f"training points whose nearest neighbour has the other class: {neighbour_differs.sum()}")

# %% tags=["check"]
assert neighbour_differs.any(), \
    "some training points sit closer to a point of the other class than to any of their own"

# %% [markdown]
# ## A big network, nothing holding it back
#
# Two hidden layers of 128 ReLU units: over 17,000 weights for 100 points. `net(dropout)` builds
# it, with a `Dropout` layer after each hidden layer if asked (for dropout, further down). Every
# model in this lesson is built right after `mn.manual_seed(1)`, so they all start from the same
# weights. Adam, lr 0.01, the whole training set as one batch (`batch_size=None`), for 200 epochs
# (150 under `--quick`).

# %%
def net(dropout=0.0):
    """2 → 128 → 128 → 2, ReLU, and Dropout(dropout) after each hidden layer if dropout > 0."""
    layers = []
    for n_in in (2, 128):
        layers += [nn.Dense(n_in, 128), nn.ReLU()]
        if dropout:
            layers.append(nn.Dropout(dropout))
    return nn.Sequential(*layers, nn.Dense(128, 2))


loss_fn = mn.losses.CrossEntropyLoss()


def train_net(dropout=0.0, weight_decay=0.0, callbacks=()):
    mn.manual_seed(1)
    model = net(dropout)
    optimizer = mn.optim.Adam(model.parameters(), lr=0.01, weight_decay=weight_decay)
    history = mn.fit(model, loss_fn, optimizer, train, val=val, epochs=EPOCHS, batch_size=None,
                     callbacks=callbacks, progress=False)
    return model, history


plain, plain_history = train_net()
n_weights = sum(p.data.size for p in plain.parameters())
print(f"{n_weights:,} weights and biases")
print(plain_history.summary())
show(plain_history.plot(title="No regularization"), "11_no_regularization")

# %%
best_epoch, best_val = plain_history.best("val_loss")
train_loss, val_loss = plain_history.train_loss, plain_history.val_loss
rise = val_loss[-1] / best_val - 1
print(f"validation loss: lowest {best_val:.3f} at epoch {best_epoch}, "
      f"{val_loss[-1]:.3f} at the end ({rise:+.0%})")
print(f"training loss:   {train_loss[best_epoch - 1]:.3f} at epoch {best_epoch}, "
      f"{train_loss[-1]:.3f} at the end")
print(f"accuracy at the end: training {plain_history.train_acc[-1]:.0%}, "
      f"validation {plain_history.val_acc[-1]:.0%}")

# %% [markdown]
# Read the curves as 001 does. Up to the validation loss's lowest point both losses fall: the
# network learns the shape of the moons. After it the training loss keeps falling and the
# validation loss turns around and climbs: the network now bends its boundary around single noisy
# points, and grows ever more sure of itself. On new points where the classes overlap that
# confidence is wrong, and the cross-entropy of a confident wrong answer is large.
#
# minnet's rule (`mn.monitor.rules`, `overfit_rise`) calls a validation loss 10% above its lowest
# value, while the training loss still falls, overfitting: the epoch-to-epoch noise of a
# validation loss is a few percent.

# %% tags=["check"]
assert n_weights > 17_000, "the network has over 17,000 weights and biases"
assert rise >= mn.monitor.rules.value("overfit_rise"), \
    f"the validation loss ends {rise:.0%} above its lowest value: more than 10%"
assert train_loss[-1] < train_loss[best_epoch - 1] / 2, \
    "... while the training loss falls to less than half what it was at that lowest point"

# %% [markdown]
# `mn.diagnose` reads the same from the curves:

# %%
plain_diagnosis = mn.diagnose(plain_history)
print(plain_diagnosis)

# %% tags=["check"]
assert "overfitting" in plain_diagnosis.codes, "diagnose finds overfitting"

# %% [markdown]
# ## Weight decay: keep the weights small
#
# Weight decay (an L2 penalty) adds the size of the weights to the loss, so that every weight has
# to earn its keep:
#
#     L' = L + ½·λ·Σ w²          ∂L'/∂w = ∂L/∂w + λ·w
#
# Every step now also pulls each weight toward 0 by λ·w. A boundary that bends around single
# points needs large weights; a smooth one does not. `Adam(..., weight_decay=λ)` adds the λ·w;
# 001 and 003 suggest it against overfitting. λ = 10⁻² here:

# %%
decayed, decayed_history = train_net(weight_decay=1e-2)


def weight_norm(model):
    """‖w‖: the square root of the sum of every parameter's squares."""
    return np.sqrt(sum(np.sum(p.data.astype(np.float64) ** 2) for p in model.parameters()))


decayed_rise = decayed_history.val_loss[-1] / min(decayed_history.val_loss) - 1
print("                    ‖w‖   training loss   validation loss   above its lowest")
for name, model, h in [("no regularization", plain, plain_history),
                       ("weight decay 1e-2", decayed, decayed_history)]:
    print(f"{name:<18} {weight_norm(model):5.1f}   {h.train_loss[-1]:13.3f}   "
          f"{h.val_loss[-1]:15.3f}   {h.val_loss[-1] / min(h.val_loss) - 1:+15.0%}")
decayed_diagnosis = mn.diagnose(decayed_history)

# %% [markdown]
# With weight decay the weights end less than half as large. The network fits its training
# points less closely (a higher training loss), and new points better: its validation loss ends
# lower, and within 10% of its own lowest value. Diagnose no longer sees overfitting.

# %% tags=["check"]
assert weight_norm(decayed) < weight_norm(plain) / 2, \
    "with weight decay the weights end less than half as large"
assert decayed_history.train_loss[-1] > train_loss[-1], \
    "with weight decay the training loss ends higher"
assert decayed_history.val_loss[-1] < val_loss[-1], "... and the validation loss lower"
assert decayed_rise < mn.monitor.rules.value("overfit_rise"), \
    f"with weight decay the validation loss ends within 10% of its lowest ({decayed_rise:+.1%})"
assert "overfitting" not in decayed_diagnosis.codes, \
    "with weight decay diagnose finds no overfitting"

# %% [markdown]
# ## Dropout: a different network at every step
#
# Dropout zeroes each unit of a layer with probability p during training, a fresh random choice at
# every step, and multiplies the units it keeps by 1/(1 − p) ("inverted dropout"), so that each
# unit's expected value does not change. No unit can rely on one particular other unit being
# there. In evaluation mode it does nothing. Look at one `Dropout(0.5)` layer:

# %%
drop = nn.Dropout(0.5)
ones = np.ones(10_000, dtype=np.float32)
out = drop(ones).data
kept = np.unique(out[out != 0])
print(f"training mode: {np.mean(out == 0):.1%} zeroed, the others are {kept.tolist()}, "
      f"mean {out.mean():.3f}")
drop.eval()
print(f"evaluation mode: {np.array_equal(drop(ones).data, ones)} (unchanged)")

# %% tags=["check"]
assert abs(np.mean(out == 0) - 0.5) < 0.02, "in training mode about half the units are zeroed"
assert kept.tolist() == [2.0], "the kept units are doubled: multiplied by 1/(1 − 0.5)"
assert abs(out.mean() - 1) < 0.05, "so the mean stays about 1"
assert np.array_equal(drop(ones).data, ones), "in evaluation mode dropout changes nothing"

# %% [markdown]
# Now the moons network with `Dropout(0.5)` after each hidden layer (001's example), no weight
# decay. `fit` validates in evaluation mode, so the validation curve is the full network's.

# %%
dropped, dropped_history = train_net(dropout=0.5)
dropped_rise = dropped_history.val_loss[-1] / min(dropped_history.val_loss) - 1
print(f"dropout 0.5: validation loss {dropped_history.val_loss[-1]:.3f} at the end, "
      f"{dropped_rise:+.0%} above its lowest (without regularization {rise:+.0%}, "
      f"with weight decay {decayed_rise:+.0%})")

# %% [markdown]
# Dropout holds the network back too: its validation loss climbs far less than without
# regularization. But on a set this small, trained as one batch, it is a weaker brake than weight
# decay: its validation loss ends higher. (The catalog's mode `no_regularization` has it as a
# second fix, `fix="dropout"`; `minnet failures show no_regularization` says how it fares.)

# %% tags=["check"]
assert dropped_rise < rise, \
    "with dropout the validation loss rises less than without regularization"
assert dropped_history.val_loss[-1] > decayed_history.val_loss[-1], \
    "with dropout the validation loss ends higher than with weight decay"

# %% [markdown]
# Their boundaries show what each learned: the class the network predicts everywhere on the plane,
# and the training points.

# %%
grid = np.stack(np.meshgrid(np.linspace(-2, 3, 150), np.linspace(-1.7, 2.2, 120)), axis=-1)
points = grid.reshape(-1, 2).astype(np.float32)


def margin(model):
    """Class 1's score minus class 0's at every grid point: the boundary is where it is 0."""
    scores = mn.train.predict(model, points)
    return (scores[:, 1] - scores[:, 0]).reshape(grid.shape[:2])


fig, axes = plt.subplots(1, 3, figsize=(12, 3.6), sharey=True)
for ax, (title, model) in zip(axes, [("no regularization", plain), ("weight decay 1e-2", decayed),
                                     ("dropout 0.5", dropped)]):
    m = margin(model)
    ax.contourf(grid[..., 0], grid[..., 1], m, levels=[m.min() - 1, 0, m.max() + 1],
                colors=["#cfe0f3", "#f6d5c3"])
    ax.contour(grid[..., 0], grid[..., 1], m, levels=[0], colors="black", linewidths=1)
    ax.scatter(*train[0].T, c=np.where(train[1] == 1, "tab:red", "tab:blue"), s=12)
    ax.set_title(title)
fig.suptitle("The boundary each network draws around the 100 training points")
fig.tight_layout()
show(fig, "11_boundaries")

# %% [markdown]
# ## Dropout left on when predicting
#
# `fit` trains in training mode and leaves the model in it: it does not know whether you will
# train on. A pipeline that then calls the model directly is still dropping units: each call zeroes
# a fresh random half of them, so the same point can get a different class from one call to the
# next. 002: "Remember to turn it off during prediction".

# %%
def classes(model, X):
    """The model called directly, as a careless pipeline does (no graph: we are not training)."""
    with mn.no_grad():
        return model(mn.Tensor(X)).data.argmax(axis=1)


print(f"after fit, dropped.training = {dropped.training}")
first, second = classes(dropped, val[0]), classes(dropped, val[0])
changed = np.mean(first != second)
print(f"called twice on the same validation points: {changed:.1%} of them change class")

# %% [markdown]
# `mn.train.predict` does not have this problem: it switches the model to evaluation mode for
# the call (and back to the mode it was in afterwards), as `evaluate` and `fit`'s validation do.

# %%
predicted = mn.train.predict(dropped, val[0]).argmax(axis=1)
again = mn.train.predict(dropped, val[0]).argmax(axis=1)
print(f"predict twice: identical {np.array_equal(predicted, again)}; "
      f"afterwards dropped.training = {dropped.training}")
left_on = mn.diagnose(dropped_history, dropped, val=val)
print(left_on)

# %% tags=["check"]
assert dropped.training, "after fit the model is still in training mode"
assert changed > 0, "called directly twice, some validation points change class"
assert np.array_equal(predicted, again), "mn.train.predict gives the same classes every time"
assert dropped.training, "... and leaves the model in the mode it found it in"
assert "stochastic_inference" in left_on.codes, \
    "diagnose finds that the same input gives different outputs"

# %% [markdown]
# The fix is one line, `model.eval()` before predicting (and `model.train()` before training
# again). Then a direct call is the full network, the same as `predict`'s:

# %%
dropped.eval()
fixed_first, fixed_second = classes(dropped, val[0]), classes(dropped, val[0])
eval_diagnosis = mn.diagnose(dropped_history, dropped, val=val)
print(f"after eval(): the two calls agree {np.array_equal(fixed_first, fixed_second)}, "
      f"and agree with predict {np.array_equal(fixed_first, predicted)}")

# %% tags=["check"]
assert np.array_equal(fixed_first, fixed_second), \
    "in evaluation mode two calls give the same classes"
assert np.array_equal(fixed_first, predicted), "... the ones predict gives"
assert "stochastic_inference" not in eval_diagnosis.codes, \
    "in evaluation mode diagnose finds no stochastic inference"

# %% [markdown]
# The catalog's mode `dropout_left_on` is the same mistake on the digits (dropout 0.5 in a
# 64-100-100-10 network), where a pipeline calls the trained model directly; its fix calls
# `model.eval()` first. `compare` runs both with one seed:

# %%
left_on_comparison = mn.failures.get("dropout_left_on").compare(quick=QUICK)
print(left_on_comparison)
careless, careful = left_on_comparison.broken, left_on_comparison.fixed

# %% [markdown]
# With dropout left on, the share of digits given another class on the second call is
# `changed_predictions`, and the careless pipeline's accuracy is lower than the same network's in
# evaluation mode: each call uses only a random half of the network it trained.

# %% tags=["check"]
assert careless.symptoms["changed_predictions"] > 0, \
    "with dropout left on, some digits change class between two calls"
assert careful.symptoms["changed_predictions"] == 0, "after model.eval() none does"
assert careless.symptoms["val_accuracy"] < careful.symptoms["val_accuracy"], \
    "with dropout left on, the validation accuracy is lower than in evaluation mode"

# %% [markdown]
# ## Early stopping: keep the best epoch
#
# The simplest fix needs no change to the network: watch the validation loss, stop when it has
# not improved for a while, and keep the weights of its best epoch (001, "Early Stopping").
# `mn.EarlyStopping(patience=10, restore_best=True)` does that: it copies the weights aside at every
# new lowest validation loss, stops after 10 epochs without one, and puts the best weights back.

# %%
stopper = mn.EarlyStopping(patience=10, restore_best=True)
stopped, stopped_history = train_net(callbacks=[stopper])
returned_loss, _ = mn.train.evaluate(stopped, loss_fn, val)
ran = stopped_history.epochs_run
print(stopped_history.stop_reason)
print(f"ran {ran} epochs, weights restored from epoch {stopped_history.restored_epoch}; "
      f"the returned model's validation loss {returned_loss:.4f}")
stopped_diagnosis = mn.diagnose(stopped_history)

# %% [markdown]
# Early stopping changes nothing about training itself: up to the epoch it stopped, this run is
# exactly the unregularized one, number for number, from the same weights. It only decides when
# to stop, and which weights to hand back: those of the lowest validation loss. Diagnose knows
# the model handed back never overfitted (`history.restored_epoch`).

# %% tags=["check"]
assert stopped_history.val_loss == plain_history.val_loss[:ran], \
    "up to where it stopped, the run is the unregularized run, number for number"
assert stopper.stopped_epoch == stopper.best_epoch + 10 == ran, \
    "training stopped 10 epochs after the lowest validation loss"
assert stopped_history.restored_epoch == best_epoch, \
    "the weights handed back are those of the unregularized run's lowest validation loss"
assert np.isclose(returned_loss, best_val, rtol=1e-6), \
    "the returned model's validation loss is that lowest value"
assert "overfitting" not in stopped_diagnosis.codes, "diagnose finds no overfitting"

# %% [markdown]
# One thing to keep in mind: the validation set has now chosen the epoch, so its score is the best
# of many tries, a little flattering. A final test set, never used to choose anything, gives the
# honest number.
#
# The four runs side by side (training loss dashed, validation loss solid):

# %%
fig, ax = plt.subplots(figsize=(7.5, 4))
for name, h, color in [("no regularization", plain_history, "tab:red"),
                       ("weight decay 1e-2", decayed_history, "tab:green"),
                       ("dropout 0.5", dropped_history, "tab:blue")]:
    epochs = np.arange(1, len(h.val_loss) + 1)
    ax.plot(epochs, h.val_loss, color=color, label=f"{name}, validation")
    ax.plot(epochs, h.train_loss, "--", color=color, alpha=0.6)
ax.axvline(ran, color="0.4", linestyle=":", label=f"early stopping: stopped at epoch {ran}")
ax.plot([best_epoch], [best_val], "o", color="black",
        label=f"... and kept epoch {best_epoch}")
ax.set_xlabel("epoch")
ax.set_ylabel("cross-entropy loss")
ax.set_ylim(0, 1.2)
ax.legend(fontsize=8)
ax.set_title("Training (dashed) and validation (solid) loss")
fig.tight_layout()
show(fig, "11_curves")

# %% [markdown]
# ## Too much regularization
#
# Weight decay has a strength, λ, and more is not better. The catalog's mode `no_regularization`
# is the experiment above (the same 400 points, the same shape of network, Adam at lr 0.01), and
# its knobs choose the fix and λ. Each `run` trains it once, for 200 epochs (100 with
# `quick=True`, under `--quick`).

# %%
mode = mn.failures.get("no_regularization")
strengths = [1e-3, 1e-2, 1.0] if QUICK else [1e-3, 1e-2, 1e-1, 1.0]
sweep = {wd: mode.run(fix="weight_decay", weight_decay=wd, quick=QUICK) for wd in strengths}
print("weight decay   training loss   validation loss   training accuracy   findings")
for wd, run in sweep.items():
    h = run.history
    print(f"{wd:12g}   {h.train_loss[-1]:13.3f}   {h.val_loss[-1]:15.3f}   "
          f"{h.train_acc[-1]:17.0%}   {', '.join(sorted(run.findings.codes)) or '-'}")
train_losses = [sweep[wd].history.train_loss[-1] for wd in strengths]
val_losses = [sweep[wd].history.val_loss[-1] for wd in strengths]
same = [np.array_equal(run.experiment.train.X, train[0])
        and np.array_equal(run.experiment.val[0], val[0]) for run in sweep.values()]

# %% [markdown]
# Every stronger λ raises the training loss: the pull toward 0 wins over more and more of what
# the data says. The validation loss falls and then rises again: too little, and the network
# memorizes (`overfitting`); about right at 10⁻²; too much, and it cannot fit even its training
# data (001: "Reduce Regularization"). At λ = 1 the weights are pulled so close to 0 that both
# scores are about equal for every point: the loss is near ln 2 ≈ 0.69, the loss of a coin toss
# between two classes.

# %% tags=["check"]
assert all(same), "the catalog's mode trains and validates on the same points as above"
assert all(run.history.epochs_run == (100 if QUICK else 200) for run in sweep.values()), \
    "each run trains for 200 epochs, 100 under --quick"
assert all(a < b for a, b in zip(train_losses, train_losses[1:])), \
    "every stronger weight decay raises the final training loss"
assert min(val_losses) == sweep[1e-2].history.val_loss[-1], \
    "the validation loss ends lowest at weight decay 1e-2"
assert "overfitting" in sweep[1e-3].findings.codes, "at 1e-3 diagnose still finds overfitting"
assert abs(train_losses[-1] / np.log(2) - 1) < 0.1, \
    "at weight decay 1, the training loss ends within 10% of ln 2, a coin toss"

# %% [markdown]
# The catalog's mode `too_much_regularization` is the same mistake on the digits (a 64-100-10
# network): λ = 0.4, 400 times the 10⁻³ at the top of the usual range, against its fix, a thousand
# times less. `compare` runs both with the same seed:

# %%
comparison = mn.failures.get("too_much_regularization").compare(quick=QUICK)
print(comparison)
strong, weak = comparison.broken, comparison.fixed

# %% tags=["check"]
assert strong.settings["weight_decay"] == 0.4, "the strong weight decay is 0.4"
assert strong.symptoms["train_accuracy"] < mn.monitor.rules.value("underfit_accuracy"), \
    "with weight decay 0.4 the network fits less than 80% of its own training digits"
assert "underfitting" in strong.findings.codes, "... and diagnose finds underfitting"
assert weak.symptoms["train_accuracy"] > 0.99, "a thousand times weaker, it fits over 99% of them"

# %% [markdown]
# ## What you saw
#
# - Overfitting: the training loss keeps falling while the validation loss turns around and
#   climbs. `mn.diagnose` reads it from the curves.
# - Weight decay adds λ·w to every gradient and keeps the weights small: a smoother boundary, a
#   higher training loss, a lower validation loss.
# - Dropout zeroes a random share of units at every training step and scales up the rest; here it
#   helped less than weight decay.
# - `fit` leaves the model in training mode. Called directly, a model with dropout answers
#   differently every time; `mn.train.predict` evaluates in evaluation mode, and `model.eval()`
#   fixes direct calls. Diagnose names it: `stochastic_inference`.
# - Early stopping changes nothing in training: it stops after the lowest validation loss and
#   hands back that epoch's weights.
# - Too much weight decay underfits: at its extreme, a coin toss.
#
# Next, lesson 12: batch size and batch norm — another layer that behaves differently in training
# and evaluation mode.
