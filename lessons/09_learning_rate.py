# %% [markdown]
# # Lesson 9: The learning rate
#
# Too high and the loss blows up, too low and it crawls: read it in the update/weight ratio, find a
# good learning rate with the range test, lower it as training ends with a schedule, and see where
# Adam beats plain SGD.
#
# The learning rate can make a huge difference to how easily a network trains, and a newcomer has
# almost certainly set it wrong (002, "You Used an Incorrect Learning Rate"). Plain SGD changes
# every weight by the learning rate times its gradient:
#
#     w ← w − lr · ∂L/∂w

# %%
import math

import matplotlib.pyplot as plt
import numpy as np

import minnet as mn
from minnet.lessons import quick, show

nn = mn.nn
QUICK = quick()
EPOCHS = 2 if QUICK else 5       # passes over the training set
SEED = 0                         # try others: every claim below holds

# %% [markdown]
# ## The digits, and a small network
#
# Lesson 4's digits, split and standardized the same way; a network with one hidden layer of 64
# ReLU units; plain SGD on batches of 32.

# %%
X, y = mn.data.load_digits()
X_train, y_train, X_val, y_val = mn.data.train_val_split(X, y, val_fraction=0.2, stratify=True,
                                                         seed=0)
scaler = mn.data.Standardizer(axis=(0, 1)).fit(X_train)
X_train, X_val = scaler.transform(X_train), scaler.transform(X_val)
loss_fn = mn.losses.CrossEntropyLoss()


def network():
    """64 pixels → 64 ReLU units → 10 digits; the same starting weights every time."""
    mn.manual_seed(SEED)
    return nn.Sequential(nn.Dense(64, 64), nn.ReLU(), nn.Dense(64, 10))


print(network())

# %% [markdown]
# ## How big is a step? The update/weight ratio
#
# Lesson 4's monitor recorded, for every layer, how much a step changes its weights compared with
# their size: ‖ΔW‖ / ‖W‖. For SGD, ΔW = −lr · ∂L/∂W, so
#
#     update/weight ratio = lr · ‖∂L/∂W‖ / ‖W‖
#
# cs231n (Neural Networks Part 3) gives a rule of thumb: about 10⁻³ is healthy. Much lower and the
# weights crawl; much higher and each step rewrites a good part of them. The diagnosis tools put
# the alarms at 10⁻⁴ and 10⁻¹ (TheDeepChecker), an order of magnitude or two either side.
#
# ## The learning-rate range test
#
# How to find a good learning rate? 002's recipe: find the highest learning rate that does not
# make the error explode, and take one an order of magnitude lower. `mn.lr_find` does this in one
# short run (001 calls it the Learning Rate Finder): one SGD step per batch, with a learning rate
# that grows exponentially from step to step, here from 10⁻⁴ to 100, recording the loss. It stops
# when the loss runs away, suggests a tenth of the learning rate where the (smoothed) loss was
# lowest, and puts the weights back as they were.

# %%
model = network()
weights_before = [p.data.copy() for p in model.parameters()]
found = mn.lr_find(model, loss_fn, mn.optim.SGD(model.parameters(), lr=1e-3), (X_train, y_train),
                   start_lr=1e-4, end_lr=100.0)
good_lr = found.suggested_lr
print(f"{len(found.lrs)} steps, lr {found.lrs[0]:.0e} to {found.lrs[-1]:.3g}; "
      f"the loss ran away: {found.diverged}")
print(f"lowest smoothed loss at lr {found.min_loss_lr:.3g}; suggested lr {good_lr:.3g}")
show(found.plot(), "09_lr_find")

# %% [markdown]
# Read the curve from left to right. At first the loss hardly moves: steps too small to matter.
# Then it falls, faster and faster. Past its lowest point it turns, and runs away: the steps now
# overshoot. The suggestion (green) sits a decade below the lowest point.

# %% tags=["check"]
assert all(np.array_equal(p.data, w) for p, w in zip(model.parameters(), weights_before)), \
    "lr_find puts the weights back exactly as they were"
assert found.diverged and found.lrs[-1] < 100, "the loss ran away before the sweep reached lr 100"
assert found.losses.min() < found.losses[0], "the smoothed loss fell below where it started"
assert math.isclose(good_lr, found.min_loss_lr / 10), \
    "the suggestion is a tenth of the lr where the smoothed loss was lowest"

# %% [markdown]
# ## Too low, good, too high
#
# Now train three times from the same starting weights, with a monitor recording every step:
# at lr = 10⁻⁴, where the sweep started and the curve is flat; at the suggested lr; and at lr = 5,
# beyond the curve's lowest point, where the loss runs away.

# %% tags=["check"]
assert found.lrs[0] == 1e-4 < good_lr < found.min_loss_lr < 5.0, \
    "10⁻⁴ is where the sweep starts, below the suggestion; 5 lies beyond the lowest point"

# %%
rates = {"too low": 1e-4, "suggested": good_lr, "too high": 5.0}
runs = {}
for name, lr in rates.items():
    model = network()
    start_loss, _ = mn.train.evaluate(model, loss_fn, (X_train, y_train))
    monitor = mn.monitor.Monitor(model)
    history = mn.fit(model, loss_fn, mn.optim.SGD(model.parameters(), lr=lr), (X_train, y_train),
                     val=(X_val, y_val), epochs=EPOCHS, batch_size=32, monitor=monitor,
                     progress=False)
    end_loss, _ = mn.train.evaluate(model, loss_fn, (X_train, y_train))
    runs[name] = {"lr": lr, "model": model, "history": history, "monitor": monitor,
                  "start": start_loss, "end": end_loss}
    ratios = {layer: np.median(v) for layer, v in monitor.get("update_ratio").items()}
    print(f"{name:>9}: lr {lr:<6.3g} training loss {start_loss:.3f} → {end_loss:.3f}, "
          f"largest batch loss {np.max(history.step_loss):.1f}")
    print(f"{'':>11}median update/weight ratio: "
          + ", ".join(f"layer {layer} {r:.1e}" for layer, r in ratios.items()))

# %%
fig, (left, right) = plt.subplots(1, 2, figsize=(11, 3.8))
for name, run in runs.items():
    label = f"{name} (lr {run['lr']:.3g})"
    left.plot(np.arange(1, len(run["history"].step_loss) + 1), run["history"].step_loss, lw=0.8,
              label=label)
    right.plot(run["monitor"].steps, run["monitor"].get("update_ratio")["0"], lw=0.8, label=label)
left.axhline(np.log(10), color="black", ls="--", lw=1, label="chance: ln 10")
left.set_yscale("log")
left.set_xlabel("step")
left.set_ylabel("training loss of the batch")
right.axhspan(1e-4, 1e-1, color="tab:green", alpha=0.1, lw=0,
              label="the tools' bounds, 1e-4 to 1e-1")
right.axhline(1e-3, color="tab:green", ls="--", lw=1, label="cs231n: healthy ≈ 1e-3")
right.set_yscale("symlog", linthresh=1e-6)
right.set_ylim(0, 30)
right.set_xlabel("step")
right.set_ylabel("update/weight ratio, first layer")
for ax in (left, right):
    ax.legend(fontsize=8)
fig.tight_layout()
show(fig, "09_three_rates")

# %% [markdown]
# - **Too low** (10⁻⁴): each step changes the weights by less than a ten-thousandth of their size,
#   below the tools' lower alarm. After all its epochs, the loss is still higher than the
#   suggested run's in its first epoch.
# - **Suggested**: the ratios sit between 10⁻³ and 10⁻¹: above cs231n's 10⁻³, inside the tools'
#   bounds, and the loss falls fast.
# - **Too high** (5): the first step already rewrites the weights by more than a tenth of their
#   size. The loss shoots up, more than tenfold. Then the ratio drops to 0 and mostly stays there:
#   the big steps killed the ReLUs (lesson 8), the weights get no gradient, and the loss sits at
#   chance.
#
# In every run, the monitor's first ratio is lr · ‖∂L/∂W‖ / ‖W‖, as the formula says.

# %% tags=["check"]
low, good, high = runs.values()
for run in runs.values():
    mon = run["monitor"]
    for layer, ratio in mon.get("update_ratio").items():
        predicted = run["lr"] * mon.get("grad_norm")[layer][0] / mon.get("weight_norm")[layer][0]
        assert math.isclose(ratio[0], predicted, rel_tol=1e-3), \
            "the first update/weight ratio is lr · ‖∂L/∂W‖ / ‖W‖ (to 0.1%)"
median_ratio = {name: [np.median(v) for v in run["monitor"].get("update_ratio").values()]
                for name, run in runs.items()}
assert max(median_ratio["too low"]) < 1e-4, "at lr 1e-4 every layer's median ratio is below 1e-4"
assert all(1e-3 < r < 1e-1 for r in median_ratio["suggested"]), \
    "at the suggested lr every layer's median ratio is between 1e-3 and 1e-1"
assert max(median_ratio["too high"]) == 0, "at lr 5 the weights did not move at all in most steps"
assert all(v[0] > 1e-1 for v in high["monitor"].get("update_ratio").values()), \
    "at lr 5 the first step changes every layer's weights by more than a tenth"
assert low["end"] > good["history"].train_loss[0], \
    "after all its epochs the too-low run's loss is above the suggested run's in its first epoch"
assert np.max(high["history"].step_loss) > 10 * high["history"].step_loss[0], \
    "at lr 5 the loss climbs more than tenfold above where it started"
assert high["end"] > np.log(10) - 0.05, "after the blow-up the loss sits at chance (ln 10) or above"

# %% [markdown]
# `mn.diagnose` reads each run:

# %%
verdicts = {}
for name, run in runs.items():
    verdicts[name] = mn.diagnose(run["history"], run["model"], train=(X_train, y_train),
                                 val=(X_val, y_val))
    print(f"{name}: {sorted(verdicts[name].codes) or 'nothing found'}")
print()
print(verdicts["too low"])

# %% [markdown]
# The too-low run: `lr_too_low` (and `not_learning`). The too-high run: dead ReLUs, the damage its
# first steps did. The suggested run: no complaint about the learning rate or dead units (after a
# few epochs it may well say the run was stopped while still improving).

# %% tags=["check"]
assert {"lr_too_low", "not_learning"} <= verdicts["too low"].codes, \
    "diagnose calls lr 1e-4 too low, and finds the run not learning"
assert "dead_relu" in verdicts["too high"].codes, "diagnose finds lr 5's dead ReLUs"
assert not verdicts["suggested"].codes & {"lr_too_low", "lr_too_high", "dead_relu", "diverged"}, \
    "in the suggested run diagnose finds no learning-rate problem, no dead units, no divergence"

# %% [markdown]
# ## Lower it as training ends: schedules
#
# Near a minimum, what is left of a batch's gradient is mostly noise: each batch pulls the weights
# toward its own minimum. A constant learning rate keeps turning that noise into steps of the
# same size, and the weights wander around the minimum instead of settling (001, "Learning Rate
# Scheduling"; 003, "Training Process Challenges"). A **scheduler** lowers the learning rate as
# training goes on. Three of them, stepped once per epoch:
#
# - `StepLR(opt, step_size=10, gamma=0.1)`: ×0.1 every 10 epochs
# - `CosineAnnealingLR(opt, T_max=30)`: half a cosine from lr down to 0 over 30 epochs:
#   lr(e) = lr₀ · (1 + cos(π·e/30)) / 2
# - `ReduceLROnPlateau(opt, factor=0.1, patience=2)`: ×0.1 when the validation loss has not
#   improved for more than 2 epochs in a row

# %%
def schedule(make, epochs=30, losses=None):
    """The lr of each epoch under the scheduler make(optimizer), starting from lr 0.1."""
    opt = mn.optim.SGD([nn.Parameter(np.zeros(1))], lr=0.1)
    scheduler, lrs = make(opt), []
    for epoch in range(epochs):
        lrs.append(opt.lr)
        scheduler.step(*([] if losses is None else [losses[epoch]]))
    return np.array(lrs)


epochs = np.arange(30)
step_lrs = schedule(lambda opt: mn.optim.StepLR(opt, step_size=10, gamma=0.1))
cosine_lrs = schedule(lambda opt: mn.optim.CosineAnnealingLR(opt, T_max=30))
made_up = [1.0, 0.8, 0.7, 0.71, 0.72, 0.69, 0.70, 0.71, 0.705, 0.7]  # a validation loss, stalling
plateau_lrs = schedule(lambda opt: mn.optim.ReduceLROnPlateau(opt, factor=0.1, patience=2),
                       epochs=10, losses=made_up)
print(f"StepLR, epochs 0, 9, 10, 20:   {step_lrs[[0, 9, 10, 20]]}")
print(f"cosine, epochs 0, 15, 29:      {np.round(cosine_lrs[[0, 15, 29]], 6)}")
print(f"ReduceLROnPlateau on {made_up}:\n  {plateau_lrs}")

# %% tags=["check"]
assert np.allclose(step_lrs, 0.1 * 0.1 ** (epochs // 10), rtol=1e-12), \
    "StepLR gives 0.1 · 0.1^(epoch // 10)"
assert np.allclose(cosine_lrs, 0.1 * (1 + np.cos(np.pi * epochs / 30)) / 2, rtol=1e-12), \
    "CosineAnnealingLR gives 0.1 · (1 + cos(π·epoch/30)) / 2"
assert np.allclose(plateau_lrs, [0.1] * 9 + [0.01]), \
    "ReduceLROnPlateau cuts the lr after the best loss (epoch 5) is followed by 3 worse epochs"

# %% [markdown]
# The plateau scheduler waited: the loss of epoch 5 (0.69) was the best, epochs 6, 7 and 8 did
# not beat it, and that was more than its patience of 2. So from epoch 9 on, lr is 0.01.
#
# ## A schedule in a real run
#
# A task where the noise never goes away: fit y = sin(x) from 400 noisy samples (noise std 0.2),
# with a small tanh network, SGD at lr 0.1, batches of 32, 30 epochs. Once with a constant lr, and
# once with each scheduler. `fit` steps a scheduler passed among its callbacks once per epoch,
# giving `ReduceLROnPlateau` the validation loss. The spread of the validation error over the last
# 5 epochs (its standard deviation over its mean) says whether a run has settled.

# %%
mn.manual_seed(SEED)
val_sine = mn.data.sine(1000, noise=0.2)
noise_val = np.mean((val_sine[1] - np.sin(val_sine[0])) ** 2)  # the noise in the validation targets


def sine_run(make_scheduler):
    """Train the sine network 30 epochs with SGD lr 0.1 and the scheduler (or None)."""
    mn.manual_seed(SEED)
    X_sine, y_sine = mn.data.sine(400, noise=0.2)
    net = nn.Sequential(nn.Dense(1, 32, init="xavier"), nn.Tanh(), nn.Dense(32, 32, init="xavier"),
                        nn.Tanh(), nn.Dense(32, 1, init="xavier"))
    opt = mn.optim.SGD(net.parameters(), lr=0.1)
    callbacks = [] if make_scheduler is None else [make_scheduler(opt)]
    return mn.fit(net, mn.losses.MSELoss(), opt, (X_sine, y_sine), val=val_sine, epochs=30,
                  batch_size=32, callbacks=callbacks, progress=False)


sine = {"constant lr": sine_run(None),
        "StepLR": sine_run(lambda opt: mn.optim.StepLR(opt, step_size=10, gamma=0.1)),
        "cosine": sine_run(lambda opt: mn.optim.CosineAnnealingLR(opt, T_max=30)),
        "on plateau": sine_run(lambda opt: mn.optim.ReduceLROnPlateau(opt, factor=0.1, patience=2))}
spread = {}
for name, h in sine.items():
    last = np.array(h.val_loss[-5:])
    spread[name] = last.std() / last.mean()
    print(f"{name:>12}: lr {h.lr[0]} → {h.lr[-1]:.2g}; validation MSE over the last 5 epochs "
          f"{last.mean():.4f}, spread {spread[name]:.2%}")

fig, (left, right) = plt.subplots(1, 2, figsize=(11, 3.8))
for name, h in sine.items():
    left.plot(np.arange(1, 31), h.lr, drawstyle="steps-post", label=name)
    right.plot(np.arange(1, 31), h.val_loss, label=name)
right.axhline(noise_val, color="black", ls="--", lw=1,
              label=f"the noise in the targets: {noise_val:.3f}")
left.set_yscale("log")
left.set_ylabel("learning rate")
right.set_ylabel("validation MSE")
right.set_ylim(0.03, 0.2)
for ax in (left, right):
    ax.set_xlabel("epoch")
    ax.legend(fontsize=8)
fig.tight_layout()
show(fig, "09_schedules")

# %% [markdown]
# With a constant lr the validation error jumps from epoch to epoch to the end: the weights
# bounce around the minimum. StepLR and the cosine bring the lr down a hundredfold or more, and the
# error settles, changing by well under 1% over the last epochs. ReduceLROnPlateau cuts only when
# the error stalls, so how far it gets depends on the run; its error, too, spreads less than the
# constant lr's. None goes below the dashed line, the noise in the validation targets themselves
# (about 0.2² = 0.04): it is there for every model, and no schedule can learn it away.

# %% tags=["check"]
assert all(sine[name].lr[0] / sine[name].lr[-1] > 99.99 for name in ("StepLR", "cosine")), \
    "StepLR and the cosine bring the lr down a hundredfold or more"
assert spread["constant lr"] >= 0.01, \
    "with a constant lr the last epochs' error spreads by 1% or more"
assert spread["StepLR"] < 0.01 and spread["cosine"] < 0.01, \
    "with StepLR and with the cosine the last epochs' error spreads by less than 1%"
assert spread["on plateau"] < spread["constant lr"], \
    "with ReduceLROnPlateau it spreads less than with a constant lr"
assert abs(noise_val / 0.2 ** 2 - 1) < 0.1, \
    "the noise in the validation targets is 0.2² = 0.04, to 10%"
assert all(min(h.val_loss) > noise_val for h in sine.values()), \
    "no run's validation error goes below the noise in the validation targets"

# %% [markdown]
# ## Adam against plain SGD
#
# SGD has one learning rate for every weight, and its step is proportional to the gradient. Adam
# (001, "Adaptive Optimizers"; 003: "switching from SGD to Adam could break the deadlock")
# divides each weight's step by the running size of that weight's own gradient, so that every
# weight moves by about lr, whether its gradient is large or small. Two weights, one with a
# gradient of 100 and one of 0.01, one step each at lr 0.01:

# %%
def one_step(optimizer):
    """Both weights' change in one step of optimizer(params, lr=0.01), gradients 100 and 0.01."""
    w = nn.Parameter(np.array([1.0, 1.0]))
    w.grad = np.array([100.0, 0.01])
    optimizer([w], lr=0.01).step()
    return 1.0 - w.data


sgd_step, adam_step = one_step(mn.optim.SGD), one_step(mn.optim.Adam)
print(f"SGD moves them by  {sgd_step}")
print(f"Adam moves them by {adam_step}")

# %% tags=["check"]
assert np.allclose(sgd_step, [1.0, 1e-4], rtol=1e-9), \
    "SGD moves each weight by lr times its gradient"
assert np.allclose(adam_step, [0.01, 0.01], rtol=1e-5), \
    "Adam moves both weights by lr, 10,000 times apart in gradient as they are"

# %% [markdown]
# Where does that matter? When the loss is steep along some weights and flat along others. The
# catalog's failure mode `plain_sgd_stalls` builds such a problem: each sample has 100 common
# features, present half the time and useless, and 50 rare keywords, each present in 2% of the
# samples, that decide the label. The common features make the loss steep along their weights;
# along a keyword's weight it is nearly flat. SGD's one lr must be small enough for the steep
# directions, so the flat ones crawl, whatever lr is chosen. The catalog trains plain SGD at
# every lr of a grid (0.01 to 1; the quick run tries only 0.1 and 0.3, where the best one lies)
# and keeps the best, against Adam at lr 0.01:
#
#     mn.optim.SGD(model.parameters(), lr=best_of_grid)   # broken
#     mn.optim.Adam(model.parameters(), lr=1e-2)           # fixed

# %%
comparison = mn.failures.get("plain_sgd_stalls").compare(seed=SEED, quick=QUICK)
for run, name in ((comparison.broken, "plain SGD"), (comparison.fixed, "Adam")):
    s = run.symptoms
    print(f"{name:>9} at lr {s['lr']:<5}: training loss left {s['loss_left']:.4f} of ln 2, "
          f"validation accuracy {s['val_accuracy']:.1%}")
show(comparison.plot(), "09_sgd_vs_adam")

# %% [markdown]
# The loss left is the training loss at the end as a fraction of ln 2, the chance level where it
# starts. SGD at its best learning rate has not gained even a factor of ten; Adam has brought it
# down by two orders of magnitude. Adam is no cure-all (make the conditioning worse with
# `minnet failures run plain_sgd_stalls --fixed --set common=400` and see how it does), but this
# is why it is the usual first choice, at lr 10⁻³ (001: "Good default").

# %% tags=["check"]
sgd, adam = comparison.broken.symptoms, comparison.fixed.symptoms
assert sgd["loss_left"] > 0.1, "plain SGD at its best lr keeps more than a tenth of the chance loss"
assert adam["loss_left"] < 0.01, "Adam leaves less than a hundredth of it"

# %% [markdown]
# ## What you saw
#
# - The update/weight ratio reads the learning rate: lr · ‖∂L/∂W‖ / ‖W‖ for SGD; healthy around
#   10⁻³ (cs231n), alarming below 10⁻⁴ or above 10⁻¹.
# - Too low: the weights crawl and the loss barely moves. Too high: the loss blows up, and here
#   the blow-up killed the ReLUs.
# - `mn.lr_find` sweeps the learning rate in one short run and suggests a tenth of where the loss
#   stops improving: 002's recipe.
# - A schedule lowers the learning rate as training ends, and the error settles.
# - Adam moves every weight by about lr, whatever its gradient's size: where the loss is steep in
#   some directions and flat in others, it gets along where SGD stalls.
#
# Next, lesson 10: normalization — inputs on different scales, targets in 0..255, and a feature
# that never changes.
