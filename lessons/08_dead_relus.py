# %% [markdown]
# # Lesson 8: Dead ReLUs
#
# One step that is too big can push a ReLU unit below zero for every input; from then on it gets
# no gradient and almost never comes back. Watch it happen, count the dead, and fix it.
#
# A ReLU unit computes z = w·h + b from its inputs h and passes on max(0, z). Its slope is 1 where
# z > 0 and 0 where z < 0. A unit whose z is negative for *every* sample outputs 0 for all of them
# and sends back no gradient for any of them: it is **dead**. Lesson 4's monitor had a panel for
# it; here it fills up.

# %%
import matplotlib.pyplot as plt
import numpy as np

import minnet as mn
from minnet.lessons import quick, show

nn = mn.nn
QUICK = quick()
EPOCHS = 2 if QUICK else 5       # passes over the training set
SEED = 0                         # try others: every claim below holds

# %% [markdown]
# ## Three activations and their slopes
#
# The sources name two fixes for dead ReLUs (002, "Your Network contains Bad Gradients"; 000 names
# the first): **LeakyReLU**, which keeps a small slope (0.01) below zero, and **ELU**, whose
# negative side is α·(eᶻ − 1), with slope α·eᶻ. Ask `backward()` for each slope at z = −3, −1
# and 2:

# %%
def slopes(activation):
    """d activation(z) / dz at z = -3, -1, 2, by backward()."""
    z = mn.Tensor(np.array([-3.0, -1.0, 2.0]), requires_grad=True)
    activation(z).sum().backward()
    return z.grad


relu_slope, leaky_slope, elu_slope = (slopes(a()) for a in (nn.ReLU, nn.LeakyReLU, nn.ELU))
print(f"ReLU      {relu_slope}")
print(f"LeakyReLU {leaky_slope}")
print(f"ELU       {elu_slope}    (e^-3 = {np.exp(-3):.6f}, e^-1 = {np.exp(-1):.6f})")

# %% tags=["check"]
assert np.array_equal(relu_slope, [0, 0, 1]), "ReLU's slope is 0 below zero and 1 above"
assert np.allclose(leaky_slope, [0.01, 0.01, 1], rtol=1e-12), "LeakyReLU's slope is 0.01 below zero"
assert np.allclose(elu_slope, [np.exp(-3), np.exp(-1), 1], rtol=1e-12), \
    "ELU's slope is e^z below zero (α = 1)"

# %% [markdown]
# Below zero, only ReLU's slope is exactly 0. ELU's is positive but fades fast: e⁻²⁰ ≈ 2·10⁻⁹.
#
# ## Counting the dead
#
# `mn.monitor.dead_fraction(acts)` takes a layer's outputs, one row per sample and one column per
# unit, and counts the units that are ≤ 0 in every row. Three samples, four units:

# %%
acts = np.array([[0.0, 1.2, 0.0, 0.0],
                 [0.0, 0.0, 0.3, 0.0],
                 [0.0, 2.5, 0.0, 0.0]])
print(f"dead_fraction = {mn.monitor.dead_fraction(acts)}")

# %% tags=["check"]
assert mn.monitor.dead_fraction(acts) == 0.5, \
    "units 0 and 3 are 0 for every sample: 2 of 4 units are dead"

# %% [markdown]
# Unit 2 fires for one sample only, and that is enough to be alive: it learns from that sample.
# Which is why deadness is measured on many samples (here: the whole training set), never on a
# handful.
#
# ## A network on the digits
#
# Lesson 4's digits, split and standardized the same way, and a network with two hidden layers of
# 100 ReLU units, He-initialized.

# %%
X, y = mn.data.load_digits()
X_train, y_train, X_val, y_val = mn.data.train_val_split(X, y, val_fraction=0.2, stratify=True,
                                                         seed=0)
scaler = mn.data.Standardizer(axis=(0, 1)).fit(X_train)
X_train, X_val = scaler.transform(X_train), scaler.transform(X_val)
loss_fn = mn.losses.CrossEntropyLoss()


def network(activation=nn.ReLU):
    """64 pixels → 100 → 100 → 10 digits; the same starting weights every time."""
    mn.manual_seed(SEED)
    return nn.Sequential(nn.Dense(64, 100), activation(), nn.Dense(100, 100), activation(),
                         nn.Dense(100, 10))


def dead_by_layer(model):
    """The dead fraction of each activation layer's units on the whole training set."""
    stats = mn.monitor.activation_stats(model, X_train)
    return {layer: s["dead_fraction"] for layer, s in stats.items() if "dead_fraction" in s}


model = network()
print(model)
dead_at_start = dead_by_layer(model)
print(f"dead at the start: {dead_at_start}")

# %% tags=["check"]
assert max(dead_at_start.values()) < 0.05, \
    "freshly He-initialized, under 5% of each layer's units are dead"

# %% [markdown]
# Layers `1` and `3` are the ReLUs. At the start nearly every unit fires for some digits.
#
# ## One big step
#
# Now a single Adam step on one batch of 64 digits, at a learning rate of 0.3 and, from the same
# starting weights, at 0.003. Adam's first step moves a weight by almost exactly the learning
# rate, whatever the size of its gradient (the step is lr·g / (|g| + ε)); only a weight with no
# gradient at all stays put. He-initialized weights are about √(2 / fan_in) in size: 0.18 in the
# first layer, 0.14 in the others. So the update/weight ratio of lesson 4 (healthy near 10⁻³) is
# about lr / rms(W), a little less where some weights did not move: at lr 0.3, a step bigger than
# the weights themselves.

# %%
def one_step(lr):
    """A fresh network after one Adam step at lr: (the network, each Dense layer's
    update/weight ratio)."""
    net = network()
    before = {name: m.weight.data.copy() for name, m in net.named_modules()
              if isinstance(m, nn.Dense)}
    opt = mn.optim.Adam(net.parameters(), lr=lr)
    opt.zero_grad()
    loss_fn(net(mn.Tensor(X_train[:64])), y_train[:64]).backward()
    opt.step()
    modules = dict(net.named_modules())
    ratios = {name: mn.monitor.update_to_weight_ratio(w, modules[name].weight.data)
              for name, w in before.items()}
    return net, ratios


big, big_ratio = one_step(0.3)
small, small_ratio = one_step(0.003)
rms = {name: np.sqrt(np.mean(m.weight.data ** 2))
       for name, m in model.named_modules() if isinstance(m, nn.Dense)}
for name in rms:
    print(f"layer {name}: rms(W) {rms[name]:.3f}   update/weight ratio at lr 0.3: "
          f"{big_ratio[name]:.2f} (0.3 / rms(W) = {0.3 / rms[name]:.2f}), at lr 0.003: "
          f"{small_ratio[name]:.4f}")
dead_big, dead_small = dead_by_layer(big), dead_by_layer(small)
print(f"dead after one step at lr 0.3:   {dead_big}")
print(f"dead after one step at lr 0.003: {dead_small}")

# %% tags=["check"]
assert all(abs(rms[n] / np.sqrt(2 / m.in_features) - 1) < 0.1
           for n, m in model.named_modules() if n in rms), \
    "He-initialized weights have an rms of √(2 / fan_in), to within 10%"
assert all(0.9 < big_ratio[n] / (0.3 / rms[n]) <= 1 for n in rms), \
    "one Adam step changes a layer's weights by 90% to 100% of lr / rms(W) of their size"
assert all(r > 1 for r in big_ratio.values()), \
    "at lr 0.3 one step changes every layer's weights by more than their own size"
assert all(dead_big[n] > dead_at_start[n] for n in dead_big), \
    "one step at lr 0.3 kills units in every hidden layer"
assert dead_small == dead_at_start, "one step at lr 0.003 kills none"

# %% [markdown]
# Why do they die at once, and on every digit? A step changes a unit's input by Δz = Δw·h + Δb.
# The same Δw meets every digit, and the digits are much alike (the ink falls in similar places;
# the second layer's inputs h are all ≥ 0), so Δz tends to have the same sign on every digit. How
# far it goes depends on the size of the step. Per unit, the share of digits whose z moved the
# way the unit's average did, and the change of the unit's largest z relative to its size:

# %%
outputs = {"start": mn.monitor.layer_outputs(model, X_train),   # every layer's output, every digit
           0.3: mn.monitor.layer_outputs(big, X_train),
           0.003: mn.monitor.layer_outputs(small, X_train)}


def step_effect(lr):
    """Per hidden unit: the share of digits whose z moved with the unit's mean change, and
    |change of the largest z| / |largest z before|, after one step at lr."""
    before, after = outputs["start"], outputs[lr]
    effect = {}
    for name in ("0", "2"):                      # the Dense layers: their outputs are the z's
        change = after[name] - before[name]
        same_way = np.mean(np.sign(change) == np.sign(change.mean(axis=0)), axis=0)
        largest = before[name].max(axis=0)
        effect[name] = same_way, np.abs(after[name].max(axis=0) - largest) / np.abs(largest)
    return effect


effect = {lr: step_effect(lr) for lr in (0.3, 0.003)}
for lr, layers in effect.items():
    for name, (same_way, moved) in layers.items():
        print(f"lr {lr:<5} layer {name}: the median unit moved the same way on "
              f"{np.median(same_way):.0%} of digits; its largest z changed by "
              f"{np.median(moved):.0%}")

# %% tags=["check"]
assert all(np.median(same_way) == 1 for same_way, _ in effect[0.3].values()), \
    "for most units, one step moved z the same way on every single digit"
assert all(np.median(moved) > 1 for _, moved in effect[0.3].values()), \
    "at lr 0.3 the median unit's largest z changed by more than its own size"
assert all(np.median(moved) < 0.1 for _, moved in effect[0.003].values()), \
    "at lr 0.003 the median unit's largest z changed by less than 10%"

# %% [markdown]
# At lr 0.003, a few percent. At lr 0.3, more than the unit's largest z itself: a unit pushed
# down that far is below zero on every digit. Here is every unit: its largest z before the step
# (across) and after it (up). Below the dashed line, a unit is ≤ 0 for every digit: dead.

# %%
fig, axes = plt.subplots(1, 2, figsize=(10, 4))
for ax, name, title in zip(axes, ("0", "2"), ("first hidden layer", "second hidden layer")):
    for lr in (0.003, 0.3):
        ax.scatter(outputs["start"][name].max(axis=0), outputs[lr][name].max(axis=0), s=12,
                   label=f"after one step at lr {lr}")
    ax.axhline(0, color="black", ls="--", lw=1)
    ax.set_yscale("symlog")
    after = np.concatenate([outputs[lr][name].max(axis=0) for lr in (0.003, 0.3)])
    ax.set_ylim(1.5 * after.min(), 1.5 * after.max())
    ax.set_xlabel("largest input z before the step")
    ax.set_ylabel("largest input z after it (symlog)")
    ax.set_title(f"{title}: {dead_big[str(int(name) + 1)]:.0%} dead after lr 0.3")
fig.legend(*axes[0].get_legend_handles_labels(), loc="lower center", ncol=2)
fig.tight_layout(rect=(0, 0.07, 1, 1))
show(fig, "08_one_step")

# %% [markdown]
# ## Train at lr 0.3, with a monitor
#
# The whole training now, as lesson 4 trained: batches of 64, Adam, a monitor recording every 5th
# step. A small callback notes which units are dead after the first epoch, for later.

# %%
def dead_units(net):
    """The dead units of each ReLU-family layer on the whole training set: {layer: unit numbers}."""
    outputs = mn.monitor.layer_outputs(net, X_train)
    return {name: np.flatnonzero(outputs[name].max(axis=0) <= 0) for name in ("1", "3")}


class NoteTheDead(mn.train.Callback):
    """Keeps dead_units(model) as it was at the end of the first epoch."""

    def on_epoch_end(self, state):
        if state.epoch == 1:
            self.after_first_epoch = dead_units(state.model)


model = network()
monitor, note = mn.monitor.Monitor(model, every=5), NoteTheDead()
history = mn.fit(model, loss_fn, mn.optim.Adam(model.parameters(), lr=0.3), (X_train, y_train),
                 val=(X_val, y_val), epochs=EPOCHS, batch_size=64, monitor=monitor,
                 callbacks=[note])
print(history.summary())
dead_end = dead_by_layer(model)
print(f"dead at the end, on the whole training set: {dead_end}")
show(monitor.plot(metrics=["dead_fraction", "update_ratio"]), "08_monitor")

# %% [markdown]
# The dead fraction (left, measured on each recorded batch of 64) jumps past half a layer by the
# second recorded step and stays there. On the whole training set, at the end, more than half the
# units of a layer are dead: past the "as much as 40%" that cs231n (Neural Networks Part 1) warns
# a too-high learning rate can kill, and past the 50% at which `mn.diagnose` calls a layer dead.
#
# The update/weight ratio (right) starts above 1, each step rewriting the weights, and then falls
# by orders of magnitude, to 10⁻² or below: no longer above the green band, so it no longer looks
# like a learning rate that is too high. Do not be fooled: a dead unit's weights get no gradient
# and so no update; the ratio falls because little is left that can move.

# %% tags=["check"]
assert max(dead_end.values()) >= 0.5, "after training at lr 0.3, at least half of a layer is dead"
dead_seen = monitor.get("dead_fraction")
worst_layer = np.max(list(dead_seen.values()), axis=0)     # per recorded step
assert worst_layer[0] < 0.5 and np.all(worst_layer[1:] >= 0.5), \
    "the monitor saw under half of every layer dead at its first record, over half of one later on"
ratios = monitor.get("update_ratio")
assert all(v[0] > 1 and v[-1] < v[0] / 100 for v in ratios.values()), \
    "every layer's update/weight ratio starts above 1 and ends over 100 times lower"
assert all(v[-1] <= 1e-2 for v in ratios.values()), \
    "every layer's last update/weight ratio is 1e-2 or below, no longer above the green band"

# %%
diagnosis = mn.diagnose(history, model, train=(X_train, y_train), val=(X_val, y_val))
print(diagnosis)

# %% tags=["check"]
assert "dead_relu" in diagnosis.codes, "diagnose finds the dead ReLUs"

# %% [markdown]
# ## Why they never come back
#
# A dead unit's output is 0 for every digit, and so is its slope. The chain rule multiplies that 0
# into the gradient of every weight that feeds it: the unit's column of the Dense layer's weight
# (shape (in, out): column j feeds unit j) and its bias. Here is the gradient of the loss on the
# whole training set:

# %%
def gradient_on_training_set(net):
    """Leave in every parameter's .grad the gradient of the loss on all training digits."""
    net.zero_grad()
    loss_fn(net(mn.Tensor(X_train)), y_train).backward()


gradient_on_training_set(model)
dead = dead_units(model)
feeding = {"1": model[0], "3": model[2]}          # the Dense layer in front of each ReLU
for name, units in dead.items():
    dense = feeding[name]
    largest = max(np.abs(dense.weight.grad[:, units]).max(initial=0),
                  np.abs(dense.bias.grad[units]).max(initial=0))
    print(f"layer {name}: {len(units)} dead units; the largest |gradient| of their weights and "
          f"biases: {largest}")
came_back = {name: np.setdiff1d(note.after_first_epoch[name], dead[name]) for name in dead}
print("dead after epoch 1 but alive at the end: "
      + ", ".join(f"layer {name}: {len(units)}" for name, units in came_back.items()))

# %% tags=["check"]
assert all(np.all(feeding[n].weight.grad[:, u] == 0) and np.all(feeding[n].bias.grad[u] == 0)
           for n, u in dead.items()), \
    "every dead unit's weights and bias get a gradient of exactly 0"
assert len(came_back["1"]) == 0, "not one first-layer unit that was dead after epoch 1 came back"
assert len(came_back["3"]) < 0.05 * len(note.after_first_epoch["3"]), \
    "fewer than 5% of the second-layer units dead after epoch 1 came back"

# %% [markdown]
# Exactly zero, not small: no learning rate can scale it into a step. Plain SGD would never move
# these weights again; Adam coasts a little on its memory of earlier gradients (its momentum),
# which fades by a factor 0.9 per step. A first-layer unit sees the same pixels forever, so once
# dead it is dead for good. A second-layer unit's inputs are the first layer's outputs, which
# still change while the first layer learns, so it can be revived; but with nearly all of the
# first layer dead, little is left to change, and fewer than 5% of them come back.
#
# ## LeakyReLU and ELU
#
# The sources' fix: an activation whose slope below zero is not 0. The same training, at the same
# too-high lr 0.3, for LeakyReLU and ELU, and for ReLU at lr 0.003. For each, out of the 200
# hidden units: how many are stuck below zero (`dead_fraction`'s rule: z ≤ 0 for every digit)
# after the first epoch and at the end, how many of those stuck after the first epoch came back,
# how deep the stuck ones sit (the median of their largest z), and the validation accuracy.

# %%
def stuck_study(activation, lr):
    """Train as above; count the stuck and the returned hidden units, and how deep the stuck sit."""
    net, note = network(activation), NoteTheDead()
    h = mn.fit(net, loss_fn, mn.optim.Adam(net.parameters(), lr=lr), (X_train, y_train),
               val=(X_val, y_val), epochs=EPOCHS, batch_size=64, callbacks=[note], progress=False)
    stuck, first = dead_units(net), note.after_first_epoch
    outputs = mn.monitor.layer_outputs(net, X_train)
    largest_z = np.concatenate([outputs[dense][:, stuck[act]].max(axis=0)
                                for dense, act in (("0", "1"), ("2", "3"))])
    return {"stuck, epoch 1": sum(map(len, first.values())),
            "stuck, end": sum(map(len, stuck.values())),
            "came back": sum(len(np.setdiff1d(first[n], stuck[n])) for n in stuck),
            "depth": float(np.median(largest_z)), "val accuracy": h.val_acc[-1]}


study = {"ReLU, lr 0.3": stuck_study(nn.ReLU, 0.3),
         "LeakyReLU, lr 0.3": stuck_study(nn.LeakyReLU, 0.3),
         "ELU, lr 0.3": stuck_study(nn.ELU, 0.3),
         "ReLU, lr 0.003": stuck_study(nn.ReLU, 0.003)}
print(f"{'':18}" + "".join(f"{column:>15}" for column in study["ReLU, lr 0.3"]))
for setting, row in study.items():
    print(f"{setting:18}{row['stuck, epoch 1']:>15}{row['stuck, end']:>15}{row['came back']:>15}"
          f"{row['depth']:>15.1f}{row['val accuracy']:>15.1%}")
relu_high, leaky, elu, sane = study.values()
print(f"ELU's slope at its depth: e^{elu['depth']:.1f} = {np.exp(elu['depth']):.0e}")

# %% [markdown]
# - **ReLU at lr 0.3**: most units are stuck, and of those stuck after the first epoch, fewer
#   than 5% came back.
# - **LeakyReLU at lr 0.3**: many are stuck too (the step is just as big), half of them or more
#   with their largest z over 10 below zero. But its slope there is still 0.01, however deep: the
#   stuck units keep a gradient, and some of them find their way back.
# - **ELU at lr 0.3**: half or more of its stuck units sit deeper than z = −16, where its slope eᶻ
#   is below 10⁻⁷: next to nothing. A smaller share of its stuck units comes back than of
#   LeakyReLU's.
# - **ReLU at lr 0.003**: fewer than 10% stuck, and the best accuracy of the four.
#
# LeakyReLU treats the symptom: units stay trainable. It does not make 0.3 a good learning rate;
# no activation does. The cause is the size of the step.

# %% tags=["check"]
assert relu_high["stuck, end"] > 100, "at lr 0.3 most of ReLU's 200 units are stuck at the end"
assert relu_high["came back"] < 0.05 * relu_high["stuck, epoch 1"], \
    "fewer than 5% of ReLU's units stuck after epoch 1 came back"
assert leaky["stuck, end"] > 0 and leaky["depth"] < -10 and leaky["came back"] > 0, \
    "LeakyReLU units get stuck too, half or more over 10 below zero, and some come back"
assert elu["depth"] < -16 and np.exp(elu["depth"]) < 1e-7, \
    "half or more of ELU's stuck units sit deeper than z = -16, where its slope is below 1e-7"
assert elu["came back"] / elu["stuck, epoch 1"] < leaky["came back"] / leaky["stuck, epoch 1"], \
    "a smaller share of ELU's stuck units come back than of LeakyReLU's"
assert sane["stuck, end"] < 0.1 * 200, "at lr 0.003 fewer than 10% of ReLU's units are stuck"
assert sane["val accuracy"] > max(r["val accuracy"] for r in (relu_high, leaky, elu)), \
    "ReLU at lr 0.003 beats every activation at lr 0.3"

# %% [markdown]
# ## A sane learning rate
#
# How big is too big? The catalog holds this experiment as the failure mode `dead_relu` (the same
# network and data, with a 75/25 split): run it across learning rates and read, for each, the dead
# fraction of the worst layer and the validation accuracy.

# %%
mode = mn.failures.get("dead_relu")
rates = [0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0]
sweep = {lr: mode.run(broken=True, seed=SEED, lr=lr, quick=QUICK).symptoms for lr in rates}
for lr, s in sweep.items():
    print(f"lr {lr:<6} dead {s['dead_fraction']:5.0%}   "
          f"validation accuracy {s['val_accuracy']:.1%}")

fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.6))
left.plot(rates, [s["dead_fraction"] for s in sweep.values()], "o-")
left.axhline(0.4, color="tab:orange", ls=":", label="cs231n: up to 40% dead")
left.axhline(0.5, color="tab:red", ls="--", label="diagnose: a dead layer")
left.set_ylabel("dead fraction, worst layer")
left.legend(loc="upper left", fontsize=8)
right.plot(rates, [s["val_accuracy"] for s in sweep.values()], "o-")
right.set_ylabel("validation accuracy")
for ax in (left, right):
    ax.set_xscale("log")
    ax.set_xlabel("Adam's learning rate")
fig.suptitle(f"dead_relu across learning rates ({'2' if QUICK else '5'} epochs)")
fig.tight_layout()
show(fig, "08_lr_sweep")

# %% [markdown]
# Up to lr 0.01, less than cs231n's 40% of any layer dies; from 0.1 on, more than half of a layer
# does, and the accuracy falls with them: every learning rate from 0.1 up does worse than every
# one from 0.003 to 0.03. The best accuracy is at a small learning rate (0.03 or less), where
# fewer than 40% die. Lesson 9 shows how to find a good learning rate without a sweep like this.

# %% tags=["check"]
best = max(sweep, key=lambda lr: sweep[lr]["val_accuracy"])
assert all(sweep[lr]["dead_fraction"] < 0.4 for lr in rates if lr <= 0.01), \
    "at lr 0.01 and below, less than 40% of any layer's units die"
assert all(sweep[lr]["dead_fraction"] >= 0.5 for lr in rates if lr >= 0.1), \
    "at lr 0.1 and above, at least half of a layer dies"
assert max(sweep[lr]["val_accuracy"] for lr in rates if lr >= 0.1) \
       < min(sweep[lr]["val_accuracy"] for lr in rates if 0.003 <= lr <= 0.03), \
    "every lr from 0.1 up has a lower validation accuracy than every lr from 0.003 to 0.03"
assert best <= 0.03 and sweep[best]["dead_fraction"] < 0.4, \
    f"the best validation accuracy is at lr 0.03 or less ({best}), where less than 40% die"

# %% [markdown]
# ## What you saw
#
# - A ReLU unit whose input is ≤ 0 for every sample is dead; `mn.monitor.dead_fraction` counts
#   them, and the monitor records it during training.
# - One Adam step at lr 0.3 moves every weight by more than its own size, and kills units at once.
# - A dead unit's weights get a gradient of exactly 0, so nothing brings it back.
# - LeakyReLU keeps a slope of 0.01 below zero, so stuck units keep a gradient and some return;
#   ELU's slope eᶻ is next to nothing where a step this big leaves its units. Neither makes a
#   too-high learning rate good.
# - The fix is the cause: a sane learning rate, where few units die and the network learns best.
#
# Next, lesson 9: the learning rate — too high, too low, and how to find a good one.
