# %% [markdown]
# # Lesson 5: Initialization
#
# Send the digits through ten layers started with zero, too small, too large, Xavier and He
# weights, and watch the signal vanish, saturate or survive — and what each start does to learning.
#
# Before the first step of training, every weight has to start somewhere. It seems a detail, and
# it decides whether a deep network can learn at all. This lesson repeats the classic experiment of
# *Deep Learning from Scratch* (chapter 6): look at each layer's outputs under different starting
# weights, as histograms from the first layer to the last.

# %%
import math

import matplotlib.pyplot as plt
import numpy as np

import minnet as mn
from minnet.lessons import quick, show

nn = mn.nn
QUICK = quick()
EPOCHS = 2 if QUICK else 5          # passes over the training set, where the lesson trains

# %% [markdown]
# ## The data and the network
#
# The digits of lesson 4, split and standardized the same way: 64 pixels of mean 0 and std 1.

# %%
X, y = mn.data.load_digits()
X_train, y_train, X_val, y_val = mn.data.train_val_split(X, y, val_fraction=0.2,
                                                         stratify=True, seed=0)
scaler = mn.data.Standardizer(axis=(0, 1)).fit(X_train)
X_train, X_val = scaler.transform(X_train), scaler.transform(X_val)
print(f"training {X_train.shape}, validation {X_val.shape}; "
      f"pixels: mean {X_train.mean():+.3f}, std {X_train.std():.3f}")

# %% [markdown]
# The network is deep on purpose: ten hidden layers of 100 units, each a `Dense` layer followed by
# an activation (tanh, unless we say otherwise), then 10 outputs. `init` says how every weight is
# drawn; the biases start at 0.
#
# `signal(model)` runs the whole training set through the network, without training it, and reads
# each activation layer's output with `mn.monitor.activation_stats`: its standard deviation (how
# big the signal is) and, for tanh, the fraction of outputs *saturated* in the flat tails
# (|a| > 0.97, where the slope of tanh is below 0.06).

# %%
def deep_net(init, activation=nn.Tanh, depth=10, width=100):
    """64 inputs → `depth` hidden layers of `width` units → 10 outputs, weights by `init`."""
    layers, n_in = [], 64
    for _ in range(depth):
        layers += [nn.Dense(n_in, width, init=init), activation()]
        n_in = width
    layers.append(nn.Dense(n_in, 10, init=init))
    return nn.Sequential(*layers)


def signal(model):
    """Std (and saturated fraction, for tanh) of each activation layer's output, in order."""
    stats = mn.monitor.activation_stats(model, X_train)
    kinds = mn.monitor.layer_kinds(model)
    rows = [s for name, s in stats.items() if kinds[name] in ("tanh", "relu", "sigmoid")]
    std = np.array([r["std"] for r in rows])
    saturated = np.array([r.get("saturated_fraction", np.nan) for r in rows])
    return std, saturated


def per_layer(std):
    """The factor by which one layer multiplies the signal (geometric mean, layers 1 → 10)."""
    return (std[-1] / std[0]) ** (1 / (len(std) - 1)) if std[0] > 0 else 0.0


def show_row(name, values, fmt="{:.2g}"):
    print(f"{name:<12}" + " ".join(f"{fmt.format(v):>7}" for v in values))

# %% [markdown]
# ## The rule behind it all
#
# A unit adds up its n inputs, each times a weight: z = w₁·x₁ + … + wₙ·xₙ. If the weights are
# drawn independently with standard deviation s and the inputs have size (root mean square) r,
# the sum has standard deviation
#
#     std(z) = s · √n · r
#
# so every layer multiplies the size of the signal by about **s·√n**, as long as the activation
# passes small values through unchanged (tanh(z) ≈ z near 0). Ten layers multiply it by (s·√n)¹⁰.
# With n = 100 inputs per unit:
#
# - s = 0.01 gives s·√n = 0.1 per layer: after ten layers, nothing is left.
# - s = 1 gives s·√n = 10: tanh cannot grow past ±1, so it saturates instead.
# - s = 1/√n = 0.1 gives 1: the signal keeps its size. That is the idea of Xavier (Glorot)
#   initialization, std √(2 / (n_in + n_out)), which is 0.1 for a layer of 100 → 100.
#
# ## Too small: 0.01 · randn
#
# "Small random numbers" sounds safe. `mn.init.normal(0.01)` draws every weight from N(0, 0.01²):

# %%
mn.manual_seed(0)
small = deep_net(mn.init.normal(0.01))
std_small, _ = signal(small)
show_row("layer", range(1, 11), "{}")
show_row("output std", std_small)
factor_small = per_layer(std_small)
print(f"each layer multiplies the signal by {factor_small:.3f} (the rule: 0.01 · √100 = 0.1)")
print(f"layer 10 over layer 1: {std_small[-1] / std_small[0]:.1e}")
title = "Weights 0.01·randn: the signal dies out (each tanh layer's outputs)"
show(mn.plot.plot_activation_histograms(small, X_train, title=title), "05_too_small")

# %% [markdown]
# Layer 1's outputs still spread out; from then on each histogram is a tenth as wide as the one
# before, and by layer 10 the outputs are about a billionth of layer 1's. The network's output
# hardly depends on its input at all. (The panels carry the layers' names in the `Sequential`:
# 1, 3, …, 19 are the ten Tanh layers.)

# %% tags=["check"]
assert abs(factor_small / 0.1 - 1) < 0.1, \
    f"each layer multiplies the signal by 0.01·√100 = 0.1, to within 10% ({factor_small:.3f})"
assert 1e-10 < std_small[-1] / std_small[0] < 1e-8, \
    "layer 10's outputs are about a billionth (10⁻⁹) of layer 1's"

# %% [markdown]
# (Why allow 10%? One random layer of 100 units multiplies the signal by s·√n only on average;
# its own draw is off by around 1/√100 = 10% either way.)
#
# ## Too large: 1.0 · randn
#
# Now the other way: weights from N(0, 1), so s·√n = 10. Each unit's sum z is about ten times
# bigger than its inputs, and tanh of a big number is ±1:

# %%
mn.manual_seed(0)
large = deep_net(mn.init.normal(1.0))
std_large, saturated_large = signal(large)
show_row("layer", range(1, 11), "{}")
show_row("output std", std_large)
show_row("saturated", saturated_large, "{:.0%}")
title = "Weights 1.0·randn: tanh saturates (each tanh layer's outputs)"
show(mn.plot.plot_activation_histograms(large, X_train, title=title), "05_too_large")

# %% [markdown]
# The histograms pile up at −1 and +1. About four in five outputs sit in the flat tails, where the
# slope of tanh is nearly 0, and backpropagation multiplies the gradient by that slope: a
# saturated unit passes back almost nothing, and its weights barely learn.

# %% tags=["check"]
assert np.all((0.7 < saturated_large) & (saturated_large < 0.9)), \
    "in every layer about four in five outputs are saturated (between 70% and 90%)"
assert std_large.min() > 0.9, "every layer's outputs have a std above 0.9: most are near ±1"

# %% [markdown]
# ## Xavier: just right for tanh
#
# `init="xavier"` draws each weight from U(−a, a) with a = √(6 / (n_in + n_out)), a spread of
# √(2 / (n_in + n_out)) = 0.1 for 100 → 100. Now s·√n = 1:

# %%
mn.manual_seed(0)
xavier = deep_net("xavier")
std_xavier, saturated_xavier = signal(xavier)
show_row("layer", range(1, 11), "{}")
show_row("output std", std_xavier)
show_row("saturated", saturated_xavier, "{:.0%}")
print(f"layer 10 over layer 1: {std_xavier[-1] / std_xavier[0]:.2f}")
title = "Xavier: the signal survives (each tanh layer's outputs)"
show(mn.plot.plot_activation_histograms(xavier, X_train, title=title), "05_xavier")

# %% [markdown]
# Every layer's histogram is a broad hump, neither a spike at 0 nor a pile at ±1. The std still
# drifts down a little, because tanh squashes a bit wherever z is not tiny; but over ten layers
# it loses less than an order of magnitude, where 0.01·randn lost nine.

# %% tags=["check"]
assert std_xavier[-1] < std_xavier[0], "with Xavier the std drifts down from layer 1 to 10"
assert std_xavier[-1] / std_xavier[0] > 0.1, \
    "with Xavier, layer 10's std is within an order of magnitude of layer 1's"
assert saturated_xavier.max() < 0.05, \
    "with Xavier, under 5% of any layer's outputs are saturated"

# %% [markdown]
# ## All zeros
#
# Why not start from nothing at all, `init="zeros"`? Every unit computes tanh(0 + 0) = 0:

# %%
mn.manual_seed(0)
zero = deep_net("zeros")
std_zero, _ = signal(zero)
show_row("output std", std_zero)

# %% tags=["check"]
assert np.all(std_zero == 0), "with zero weights every layer outputs exactly 0, for any input"

# %% [markdown]
# No signal at all. We come back to zeros below: they have a second, sneakier problem.
#
# ## He: the same rule, for ReLU
#
# ReLU sets every negative z to 0, so it throws away half of the signal's energy:
# mean(relu(z)²) = std(z)² / 2. The rule becomes s·√(n/2) per layer. Xavier then gives
# √(1/2) ≈ 0.71 per layer, and the signal fades. He (Kaiming) initialization, `init="he"`,
# doubles the variance to 2/n_in to make up for it: s = √(2/n), and s·√(n/2) = 1.
#
# The rule, checked in ReLU networks for four starting spreads:

# %%
predicted = {"0.01·randn": 0.01 * math.sqrt(50), "Xavier": 0.1 * math.sqrt(50),
             "He": math.sqrt(2 / 100) * math.sqrt(50), "1.0·randn": math.sqrt(50)}
inits = {"0.01·randn": mn.init.normal(0.01), "Xavier": "xavier", "He": "he",
         "1.0·randn": mn.init.normal(1.0)}
std_relu = {}
for name, init in inits.items():
    mn.manual_seed(0)
    std_relu[name], _ = signal(deep_net(init, activation=nn.ReLU))
    print(f"ReLU, {name:<11} per layer ×{per_layer(std_relu[name]):6.3f}   "
          f"the rule s·√(n/2): ×{predicted[name]:6.3f}   "
          f"layer 10 over layer 1: {std_relu[name][-1] / std_relu[name][0]:.1e}")

# %% tags=["check"]
misses = {name: per_layer(std_relu[name]) / predicted[name] - 1 for name in inits}
assert all(abs(miss) < 0.1 for miss in misses.values()), \
    "with ReLU, every layer multiplies the signal by s·√(n/2), to within 10%, for all four"
assert std_relu["He"][-1] / std_relu["He"][0] > 0.5, \
    "with He, a ReLU network's layer 10 keeps over half of layer 1's signal"
assert std_relu["Xavier"][-1] / std_relu["Xavier"][0] < 0.1, \
    "with Xavier, a ReLU network's layer 10 keeps less than a tenth of layer 1's signal"
assert std_relu["1.0·randn"][-1] / std_relu["1.0·randn"][0] > 1e7, \
    "with 1.0·randn, a ReLU network's signal grows over ten million times from layer 1 to 10"

# %% [markdown]
# With ReLU the same too-large weights no longer saturate: the signal grows sevenfold per layer,
# tens of millions of times from layer 1 to layer 10. (Lesson 7 shows what such growth does to
# training.)
# Xavier for tanh and sigmoid, He for ReLU: each keeps its activation's signal the same size.
#
# The whole picture, each layer's output std on a log scale (zeros cannot be drawn there: their
# std is exactly 0). Dotted lines are the rule, started from layer 1:

# %%
tanh_runs = {"0.01·randn": std_small, "1.0·randn": std_large, "Xavier": std_xavier}
colours = {"0.01·randn": "tab:blue", "Xavier": "tab:green", "He": "tab:purple",
           "1.0·randn": "tab:red"}
layers = np.arange(1, 11)
fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4), sharey=True)
for name, std in tanh_runs.items():
    left.plot(layers, std, "o-", color=colours[name], label=name)
left.plot(layers, std_small[0] * 0.1 ** (layers - 1), "k:", zorder=3)
left.set_title("tanh (zeros: std 0, not drawn)")
for name, std in std_relu.items():
    right.plot(layers, std, "o-", color=colours[name], label=name)
    right.plot(layers, std[0] * predicted[name] ** (layers - 1), "k:", zorder=3)
right.set_title("ReLU")
for ax in (left, right):
    ax.set_yscale("log")
    ax.set_xlabel("layer")
    ax.set_xticks(layers)
    ax.legend(fontsize=8)
left.set_ylabel("std of the layer's outputs")
fig.suptitle("The signal through ten layers before training (dotted: the rule, from layer 1)")
fig.tight_layout()
show(fig, "05_std_by_depth")

# %% [markdown]
# ## What each start does to learning
#
# Now train the five tanh networks the same way: plain SGD with learning rate 0.1, batches of 64,
# the same seed, for a few epochs.

# %%
starts = {"zeros": "zeros", "0.01·randn": mn.init.normal(0.01),
          "1.0·randn": mn.init.normal(1.0), "Xavier": "xavier", "He": "he"}
loss_fn = mn.losses.CrossEntropyLoss()
runs = {}
for name, init in starts.items():
    mn.manual_seed(0)
    model = deep_net(init)
    history = mn.fit(model, loss_fn, mn.optim.SGD(model.parameters(), lr=0.1),
                     (X_train, y_train), val=(X_val, y_val), epochs=EPOCHS, batch_size=64,
                     progress=False)
    runs[name] = (model, history)
    print(f"{name:<11} loss at step 1 {history.step_loss[0]:6.2f}, "
          f"after epoch {EPOCHS} {history.train_loss[-1]:5.3f}; "
          f"validation accuracy {history.val_acc[-1]:.0%}")
chance = math.log(10)
print(f"(ln 10 = {chance:.3f}: the loss of a network that gives each digit 1/10)")
start_of = {name: history.step_loss[0] for name, (_, history) in runs.items()}
loss_of = {name: np.array(history.train_loss) for name, (_, history) in runs.items()}
accuracy_of = {name: history.val_acc[-1] for name, (_, history) in runs.items()}

fig, ax = plt.subplots(figsize=(7, 3.8))
for name, (_, history) in runs.items():
    ax.plot(np.arange(1, len(history.step_loss) + 1), history.step_loss,
            color=colours.get(name, "black"), lw=4 if name == "zeros" else 1.5, label=name)
ax.axhline(chance, color="grey", ls="--", lw=1, label="ln 10 (chance)")
ax.set_yscale("log")
ax.set_xlabel("step")
ax.set_ylabel("training loss (one batch)")
ax.set_title("Ten tanh layers, trained from five starts")
ax.legend(fontsize=8)
show(fig, "05_learning")

# %% [markdown]
# - **zeros** and **0.01·randn** never leave ln 10. Their output does not depend on the input, so
#   the best they can do is give every digit 1/10, whatever the image.
# - **1.0·randn** starts confidently wrong, at a loss several times ln 10. It falls to about
#   ln 10 and stays there: the hidden layers are saturated, and stay so.
# - **Xavier** and **He** learn: the loss falls below half of ln 10, and they get most of the
#   validation digits right.

# %% tags=["check"]
assert np.all(np.abs(loss_of["zeros"] - chance) < 0.01), \
    "zeros: every epoch's training loss is within 0.01 of ln 10"
assert np.all(np.abs(loss_of["0.01·randn"] - chance) < 0.01), \
    "0.01·randn: every epoch's training loss is within 0.01 of ln 10"
assert start_of["1.0·randn"] > 3 * chance, "1.0·randn starts at over three times ln 10"
assert abs(loss_of["1.0·randn"][-1] / chance - 1) < 0.1, \
    "1.0·randn's training loss ends within 10% of ln 10"
assert max(accuracy_of[name] for name in ("zeros", "0.01·randn", "1.0·randn")) < 0.2, \
    "zeros, 0.01·randn and 1.0·randn end at chance: under 20% of the validation digits right"
assert max(loss_of["Xavier"][-1], loss_of["He"][-1]) < chance / 2, \
    "Xavier and He: the training loss ends below half of ln 10"
assert min(accuracy_of["Xavier"], accuracy_of["He"]) > 0.8, \
    "Xavier and He: over 80% of the validation digits right"

# %% [markdown]
# The saturated network even got *more* saturated in training. Why? Its big weights also multiply
# the gradient on its way back, so the first layer's gradient is over a thousand times the last
# layer's (lesson 7 calls this exploding gradients). One step of SGD on a batch then changes the
# first layer's weights by more than their own size, and throws them deeper into tanh's flat
# tails.
# `mn.monitor.gradient_stats` gives each layer's gradient norm ‖∂L/∂W‖ and weight norm ‖W‖:

# %%
_, saturated_after = signal(runs["1.0·randn"][0])
print(f"saturated tanh outputs, mean over the ten layers: {saturated_large.mean():.0%} "
      f"before training, {saturated_after.mean():.0%} after")
mn.manual_seed(0)
grads = mn.monitor.gradient_stats(deep_net(mn.init.normal(1.0)), loss_fn,
                                  X_train[:64], y_train[:64])
first, last = grads["0"], grads["20"]
grad_ratio = first["grad_norm"] / last["grad_norm"]
first_step = 0.1 * first["grad_norm"] / first["weight_norm"]      # lr · ‖∂L/∂W‖ / ‖W‖
print(f"at the start, on one batch: first layer's gradient / last layer's = {grad_ratio:.0f}")
print(f"one SGD step (lr 0.1) would change the first layer's weights by {first_step:.1f}× "
      f"their size")

# %% tags=["check"]
assert saturated_after.mean() > saturated_large.mean(), \
    "training drove the 1.0·randn network's tanh units further into saturation"
assert grad_ratio > 1000, "at the start the first layer's gradient is over 1000x the last's"
assert first_step > 1, "one SGD step changes the first layer's weights by over their size"

# %% [markdown]
# ## Zeros again: units that can never differ
#
# In the tanh network, zero weights pass no gradient at all: every hidden output is 0, so every
# weight's gradient (input times the gradient from above) is exactly 0. Not one weight moved:

# %%
zero_model = runs["zeros"][0]
moved = [name for name, p in zero_model.named_parameters() if np.any(p.data)]
print(f"parameters that are no longer all zero after training: {moved}")

# %% tags=["check"]
assert moved == ["20.bias"], "after training only the output layer's bias has moved from 0"

# %% [markdown]
# Only the output layer's bias, which needs no signal from below, could learn anything. With
# sigmoid instead of tanh, zero weights do let gradients through (σ(0) = 0.5, not 0), and there
# is a subtler trap. All units of
# a layer compute the same thing, so backpropagation hands every one of them the same gradient,
# and the same update keeps them equal: a layer of 100 units works like one unit, for ever. A
# constant other than 0 does the same.
#
# Two sigmoid layers of 100 (the catalog's `zero_init` experiment), trained with SGD and momentum.
# Each unit is a column of its layer's weight matrix; how far apart are the units at the end?

# %%
def sigmoid_net(init):
    return nn.Sequential(nn.Dense(64, 100, init=init), nn.Sigmoid(),
                         nn.Dense(100, 100, init=init), nn.Sigmoid(),
                         nn.Dense(100, 10, init=init))


def unit_spread(W):
    """How far the units (columns of W) differ from the first one, over the weights' size."""
    W = W.astype(np.float64)
    return np.abs(W - W[:, :1]).max() / np.abs(W).max()


symmetric = {}
for name, init in {"zeros": "zeros", "constant 0.1": mn.init.constant(0.1),
                   "Xavier": "xavier"}.items():
    mn.manual_seed(0)
    model = sigmoid_net(init)
    history = mn.fit(model, loss_fn, mn.optim.SGD(model.parameters(), lr=0.1, momentum=0.9),
                     (X_train, y_train), val=(X_val, y_val), epochs=EPOCHS, batch_size=64,
                     progress=False)
    spread = max(unit_spread(model[i].weight.data) for i in (0, 2))
    symmetric[name] = (model, spread, history.val_acc[-1])
    print(f"{name:<13} units differ by {spread:.1e} of the weights' size; "
          f"validation accuracy {history.val_acc[-1]:.0%}")

fig, axes = plt.subplots(1, 2, figsize=(9, 3.6))
for ax, name in zip(axes, ("zeros", "Xavier")):
    W = symmetric[name][0][0].weight.data[:, :40]
    top = np.abs(W).max()              # one colour scale, symmetric around 0
    ax.imshow(W, cmap="coolwarm", vmin=-top, vmax=top, aspect="auto", interpolation="nearest")
    ax.set_title(f"started from {name}")
    ax.set_xlabel("unit (40 of 100)")
    ax.set_ylabel("input pixel")
fig.suptitle("First hidden layer's weights after training: one column per unit")
fig.tight_layout()
show(fig, "05_symmetry")

# %% [markdown]
# Started from zeros or from a constant, the weights did move, but the units are copies after
# training: they differ by less than a millionth of the weights' size, which is float32 rounding
# (about 10⁻⁷ per operation), and the picture shows every column alike. Random weights make the
# units different from the first step, so they can learn different features.

# %% tags=["check"]
assert np.any(symmetric["zeros"][0][0].weight.data), \
    "with sigmoid, the zero-started first layer's weights did move"
assert max(symmetric["zeros"][1], symmetric["constant 0.1"][1]) < 1e-6, \
    "zeros and constant 0.1: after training the units differ by < 1e-6 of the weights' size"
assert max(symmetric["zeros"][2], symmetric["constant 0.1"][2]) < 0.2, \
    "zeros and constant 0.1: validation accuracy is at chance (under 20%)"
assert symmetric["Xavier"][1] > 0.1 and symmetric["Xavier"][2] > 0.5, \
    "Xavier: the units differ by a sizeable part of the weights, and accuracy is over 50%"

# %% [markdown]
# ## `mn.preflight` sees all of this before training
#
# Every problem above is visible before the first step, and `mn.preflight` looks for them: units
# that start identical (`symmetric_init`), a signal that shrinks or grows by orders of magnitude
# across depth (`bad_init_scale`), saturated tanh or sigmoid units (`saturated_units`), and a loss
# far above ln 10 at the start (`init_loss`). `overfit=False` skips its slowest check, the attempt
# to overfit a tiny batch.

# %%
reports = {}
for name, init in starts.items():
    mn.manual_seed(0)
    reports[name] = mn.preflight(deep_net(init), loss_fn, (X_train, y_train), overfit=False)
    print(f"{name:<11} {', '.join(sorted(reports[name].codes)) or 'nothing to report'}")

# %% [markdown]
# (`zero_gradient` is the zero network's gradient of exactly 0, and `exploding_gradients` the
# growing gradient of the saturated one: lesson 7.) The full report for the too-large start:

# %%
print(reports["1.0·randn"])

# %% tags=["check"]
assert "symmetric_init" in reports["zeros"].codes, \
    "preflight finds the zero start's symmetric units"
assert "bad_init_scale" in reports["0.01·randn"].codes, \
    "preflight finds the 0.01·randn signal shrinking across depth"
assert {"saturated_units", "init_loss"} <= reports["1.0·randn"].codes, \
    "preflight finds the 1.0·randn start's saturated units and its too-high initial loss"
assert reports["Xavier"].ok and reports["He"].ok, \
    "preflight finds nothing wrong with Xavier or He"

# %% [markdown]
# ## What you saw
#
# - Every layer multiplies the signal by about s·√n (s·√(n/2) for ReLU): ten layers raise that
#   to the tenth power, so the scale of the first weights decides everything.
# - Too small (0.01·randn): the signal dies out, the loss stays at ln 10.
# - Too large (1.0·randn): tanh saturates; the network starts confidently wrong and stays stuck.
# - All zeros, or any constant: units stay copies of each other for ever.
# - Xavier (tanh, sigmoid) and He (ReLU) keep the signal's size across depth, and train.
# - `mn.preflight` reports each of these before training. The catalog has them as experiments:
#   `minnet failures run init_too_small` (and `init_too_large`, `zero_init`).
#
# Next, lesson 6: vanishing gradients — a deep sigmoid network whose first layers hear almost
# nothing of the loss, and three ways to fix it.
