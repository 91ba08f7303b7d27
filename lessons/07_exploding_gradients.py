# %% [markdown]
# # Lesson 7: Exploding gradients and divergence
#
# When every step makes the next gradient larger, the gradient norm grows a millionfold in a few
# steps and the loss turns NaN; clipping the gradient stops that, and can also hide a learning rate
# that is far too high.
#
# Lesson 6 watched the gradient shrink on its way back through the layers. Here it grows, not
# from layer to layer but from one *step* to the next, until the numbers overflow. This lesson
# measures where that happens, what `fit` says about it, and what clipping does and hides.

# %%
import math

import matplotlib.pyplot as plt
import numpy as np

import minnet as mn
from minnet.lessons import quick, show

nn = mn.nn
QUICK = quick()
EPOCHS = 1 if QUICK else 3              # passes over the digits
SINE_EPOCHS = 10 if QUICK else 20       # passes over the sine wave, at the end

# %% [markdown]
# ## A network that multiplies by 1.4 at every layer
#
# The digits again, standardized as in lessons 4 to 6, and a deep ReLU network: 64 inputs, nine
# hidden layers of 100 units, 10 outputs. Its weights are drawn from 0.2·randn, a size picked by
# hand instead of He's √(2/n) = 0.14 for n = 100 inputs. By lesson 5's rule each ReLU layer then
# multiplies the signal by about
#
#     0.2 · √(100 / 2) ≈ 1.41      instead of He's 1
#
# and on the way back it multiplies the gradient by the same 1.41.

# %%
X, y = mn.data.load_digits()
X_train, y_train, X_val, y_val = mn.data.train_val_split(X, y, val_fraction=0.2,
                                                         stratify=True, seed=0)
scaler = mn.data.Standardizer(axis=(0, 1)).fit(X_train)
X_train, X_val = scaler.transform(X_train), scaler.transform(X_val)
loss_fn = mn.losses.CrossEntropyLoss()


def deep_relu(init, depth=9, width=100):
    """64 → `depth` hidden ReLU layers of `width` → 10."""
    layers, n_in = [], 64
    for _ in range(depth):
        layers += [nn.Dense(n_in, width, init=init), nn.ReLU()]
        n_in = width
    layers.append(nn.Dense(n_in, 10, init=init))
    return nn.Sequential(*layers)


def signal_growth(model):
    """How much each hidden layer multiplies the size (root mean square) of the signal."""
    outputs = mn.monitor.layer_outputs(model, X_train)
    modules = dict(model.named_modules())
    rms = np.array([np.sqrt(np.mean(out ** 2)) for name, out in outputs.items()
                    if isinstance(modules[name], nn.ReLU)])
    return rms[1:] / rms[:-1]


def layer_gradients(model):
    """‖∂L/∂W‖ of each Dense layer, input to output, on the whole training set."""
    stats = mn.monitor.gradient_stats(model, loss_fn, X_train, y_train)
    return np.array([s["grad_norm"] for s in stats.values()])


big = mn.init.normal(0.2)               # every weight from 0.2·randn
mn.manual_seed(0)
big_net = deep_relu(big)
mn.manual_seed(0)
he_net = deep_relu("he")
growth, he_growth = signal_growth(big_net), signal_growth(he_net)
mean_growth = np.exp(np.mean(np.log(growth)))          # the geometric mean over the layers
print("each hidden layer multiplies the signal by:", " ".join(f"{g:.2f}" for g in growth))
he_mean_growth = np.exp(np.mean(np.log(he_growth)))
print(f"on average {mean_growth:.2f} (He: {he_mean_growth:.2f})")
times = layer_gradients(big_net) / layer_gradients(he_net)
print(f"(0.2·√50)⁹ = {(0.2 * math.sqrt(50)) ** 9:.1f}")
print("‖∂L/∂W‖ under 0.2·randn over He's, layer by layer (input → output):")
print(" ".join(f"{t:.0f}" for t in times))

# %% [markdown]
# Each layer multiplies the signal by about 1.41 (it varies from layer to layer: 100 units are a
# small sample), and He's by about 1. Every layer's gradient starts tens of times larger than He's,
# the first as much as the last. A layer's weight gradient is its input times the gradient from
# above: the input has grown by 1.41 per layer on the way up, the gradient by 1.41 per layer on the
# way down, so every layer gets on the order of 1.41⁹ ≈ 23 times too much. Unlike lesson 6's
# sigmoid network (or lesson 5's saturated tanh one), depth does not decide which layer gets more:
# all get far too much. What grows here is the gradient from one step to the next.

# %% tags=["check"]
assert abs(mean_growth / 1.41 - 1) < 0.15, \
    f"a hidden layer multiplies the signal by 1.41 on average, to within 15% ({mean_growth:.2f})"
assert abs(he_mean_growth - 1) < 0.15, \
    f"under He a layer multiplies it by 1, to within 15% ({he_mean_growth:.2f})"
assert np.all((10 < times) & (times < 100)), \
    "every layer's gradient starts tens of times (10x to 100x) He's"
assert times.max() / times.min() < 2, "the first layers get about as much too much as the last"

# %% [markdown]
# ## Train it and watch the gradient, step by step
#
# Plain SGD, learning rate 0.1, batches of 64, with a `Monitor` that records every step
# (`every=1`). `history.grad_norm` holds each step's total gradient norm.

# %%
mn.manual_seed(0)
model = deep_relu(big)
monitor = mn.monitor.Monitor(model, every=1)
history = mn.fit(model, loss_fn, mn.optim.SGD(model.parameters(), lr=0.1), (X_train, y_train),
                 val=(X_val, y_val), epochs=EPOCHS, batch_size=64, monitor=monitor,
                 progress=False)

# %% [markdown]
# `fit` stopped and said why (the warning above). Step by step:

# %%
grad = np.array(history.grad_norm)
ratios = np.array(list(monitor.get("update_ratio").values()))     # layers × recorded steps
update = np.median(ratios, axis=0)                 # ‖ΔW‖ / ‖W‖ of the median layer, per step
weights = monitor.get("weight_norm")[monitor.first_layer]          # before each step's update
print("step        loss   gradient norm   layer 1's ‖W‖   ‖ΔW‖/‖W‖ (median layer)")
for i, step in enumerate(monitor.steps):
    print(f"{step:>4} {history.step_loss[i]:11.3g} {grad[i]:15.3g} {weights[i]:15.3g} "
          f"{update[i]:15.3g}")
print(f"{len(history.step_loss):>4} {history.step_loss[-1]:11.3g}")
finite = grad[np.isfinite(grad)]
print(f"the gradient grew {finite[-1] / finite[0]:.1e}-fold in {len(finite)} steps")
d = history.diverged
print(f"history.diverged: epoch {d.epoch}, step {d.step}, loss {d.value}, cause {d.cause!r}")

# %% [markdown]
# The very first step changes a typical layer's weights by over a tenth of their size (a healthy
# step is about a thousandth, cs231n). Larger weights multiply the next gradient by more at every
# layer, so the next step is larger still: the growth feeds itself. The gradient norm is a million
# times larger within a few steps, and a step later the loss is NaN.

# %% tags=["check"]
assert np.all(finite[1:] / finite[:-1] > 10), \
    "each step's gradient norm is over ten times the previous step's"
assert finite[-1] / finite[0] > 1e6, "the gradient norm grows over a millionfold"
assert d is not None and d.epoch == 1 and d.step <= 5, \
    "the loss becomes NaN within the first five steps"
assert update[0] > 0.1, \
    f"the first step changes a typical layer's weights by over a tenth ({update[0]:.2f})"

# %% [markdown]
# ## Where the NaN comes from
#
# `fit` checked the batch and the weights at the bad step: `cause 'loss'` means both were still
# finite. The NaN was made inside the forward pass. `mn.detect_anomaly()` checks the output of
# every operation and stops at the first one that is NaN or infinite. The same run again, inside
# it:

# %%
mn.manual_seed(0)
model = deep_relu(big)
try:
    with mn.detect_anomaly():
        mn.fit(model, loss_fn, mn.optim.SGD(model.parameters(), lr=0.1), (X_train, y_train),
               epochs=1, batch_size=64, progress=False)
except FloatingPointError as error:
    anomaly = str(error)
print(anomaly)
weights_finite = all(np.isfinite(p.data).all() for p in model.parameters())
print(f"all weights finite: {weights_finite}; largest float32: {np.finfo(np.float32).max:.1e}")

# %% [markdown]
# The weights are finite but large, and a `Dense` layer's output is a sum of their products: it
# passes float32's largest number, 3.4·10³⁸, and becomes inf. The next layers and the softmax then
# compute inf − inf, which is NaN.

# %% tags=["check"]
assert d.cause == "loss", "fit found the batch and the weights still finite at the bad step"
assert "inf" in anomaly and "forward of DenseOp" in anomaly, \
    "the first non-finite value appears in the forward pass of a Dense layer, as inf"
assert weights_finite, "every weight is still finite when it happens"
assert math.isnan(d.value), "the loss that fit recorded is NaN (inf − inf), not inf"

# %% [markdown]
# `mn.diagnose` reads the history and the monitor:

# %%
diagnosis = mn.diagnose(history)
print(diagnosis)

# %% tags=["check"]
assert {"diverged", "exploding_gradients"} <= diagnosis.codes, \
    "diagnose finds the divergence and the exploding gradients"

# %% [markdown]
# ## Clipping: shorten the gradient, keep its direction
#
# `mn.optim.clip_grad_norm(params, max_norm)` treats all the gradients as one long vector. If
# its norm is above `max_norm`, it scales every gradient by max_norm / norm; it returns the norm
# *before* clipping. A small example, two gradients (3, 4) and (12,), together of norm
# √(9 + 16 + 144) = 13:

# %%
a = mn.Tensor(np.zeros(2), requires_grad=True)
b = mn.Tensor(np.zeros(1), requires_grad=True)
a.grad, b.grad = np.array([3.0, 4.0]), np.array([12.0])
before = mn.optim.clip_grad_norm([a, b], max_norm=1.0)
after = math.sqrt(np.sum(a.grad ** 2) + np.sum(b.grad ** 2))
print(f"returned {before}; gradients now {a.grad.round(4)} and {b.grad.round(4)}, norm {after:.6f}")

# %% tags=["check"]
assert before == 13.0, "clip_grad_norm returns the norm before clipping, 13"
assert abs(after - 1.0) < 1e-6, "after clipping the gradients' total norm is 1"
assert np.allclose(np.concatenate([a.grad, b.grad]) * 13, [3, 4, 12]), \
    "every gradient was scaled by the same 1/13: the direction is unchanged"

# %% [markdown]
# So after clipping an SGD step is at most lr · max_norm long, however large the gradient. One
# step on the 0.2·randn network, on one batch of 64 whose gradient is far above the clip:

# %%
mn.manual_seed(0)
model = deep_relu(big)
optimizer = mn.optim.SGD(model.parameters(), lr=0.1)
start = [p.data.copy() for p in model.parameters()]
optimizer.zero_grad()
loss_fn(model(mn.Tensor(X_train[:64])), y_train[:64]).backward()
norm = mn.optim.clip_grad_norm(model.parameters(), max_norm=1.0)
optimizer.step()
step_length = math.sqrt(sum(np.sum((p.data - s) ** 2)
                            for p, s in zip(model.parameters(), start)))
print(f"gradient norm {norm:.0f}, clipped to 1; the weights moved by {step_length:.4f}")

# %% tags=["check"]
assert norm > 10 and abs(step_length - 0.1) < 1e-3, \
    "a gradient over ten times the clip, clipped to 1, moves the weights by lr · 1 = 0.1"

# %% [markdown]
# `fit(..., clip_grad_norm=1.0)` does that at every step, and still records each step's norm
# *before* clipping in `history.grad_norm`, so you can see what the clip is cutting:

# %%
mn.manual_seed(0)
model = deep_relu(big)
clipped = mn.fit(model, loss_fn, mn.optim.SGD(model.parameters(), lr=0.1), (X_train, y_train),
                 val=(X_val, y_val), epochs=EPOCHS, batch_size=64, clip_grad_norm=1.0,
                 progress=False)
clipped_grad = np.array(clipped.grad_norm)
clipped_share = np.mean(clipped_grad > 1.0)
print(f"no NaN: {clipped.diverged is None}; validation accuracy {clipped.val_acc[-1]:.0%}")
print(f"gradient norm before clipping: median {np.median(clipped_grad):.0f}, "
      f"above the clip on {clipped_share:.0%} of the steps")
clipped_diagnosis = mn.diagnose(clipped)
print(clipped_diagnosis)

# %% [markdown]
# The run survives and learns. But the gradient is above the clip on every step: the clip, not
# the gradient, decides how long each step is, and `diagnose` says so (`clipping_always_on`). The
# weights are still too large; clipping hid that rather than fixed it.

# %% tags=["check"]
assert clipped.diverged is None and clipped.val_acc[-1] > 0.2, \
    "with clipping the loss never turns NaN, and validation accuracy is over twice chance (20%)"
assert clipped_share == 1.0, "the gradient norm was above the clip on every step"
assert "clipping_always_on" in clipped_diagnosis.codes, \
    "diagnose finds that clipping was on (nearly) all the time"

# %% [markdown]
# ## The catalog: the explosion and its fixes
#
# The catalog has this experiment as `exploding_gradients`, with the fixes of the sources (001
# "Gradient Exploding Problem", 004): He initialization, a ten times lower learning rate, clipping
# at norm 1, and batch norm after every `Dense` layer. `mode.run(fix=...)` trains each one on the
# same data, from the same seed:

# %%
mode = mn.failures.get("exploding_gradients")
runs = {fix: mode.run(fix=fix, quick=QUICK) for fix in ("none", "he_init", "lower_lr",
                                                         "clipping", "batchnorm")}
print("fix          gradient growth   NaN   validation accuracy   findings")
for fix, run in runs.items():
    s = run.symptoms
    print(f"{fix:<12} {s['grad_norm_growth']:15.2g} {'yes' if s['loss_became_nan'] else 'no':>5} "
          f"{s['val_accuracy']:14.0%}          {', '.join(sorted(run.findings.codes)) or '-'}")

fig, ax = plt.subplots(figsize=(7, 3.8))
for fix, run in runs.items():
    ax.plot(np.arange(1, len(run.history.grad_norm) + 1), run.history.grad_norm, label=fix)
ax.set_yscale("log")
ax.set_xlabel("step")
ax.set_ylabel("total gradient norm (before clipping)")
ax.set_title("0.2·randn weights, nine ReLU layers: each fix")
ax.legend(fontsize=8)
show(fig, "07_fixes")

# %% [markdown]
# Without a fix the gradient grows by many orders of magnitude and the loss turns NaN. Each fix
# keeps it within a factor of ten of where it started. But two of them leave the cause in place:
# with a lower learning rate or with clipping, `preflight` still finds the loss at the start far
# above ln 10 (`init_loss`: the weights are still too large), and the clipped run's findings add
# `clipping_always_on`. (`stochastic_inference`, under batch norm, is only because `fit` leaves
# the model in training mode, where batch norm uses each batch's own statistics: lesson 12.)

# %% tags=["check"]
assert runs["none"].shows_symptom and runs["none"].symptoms["loss_became_nan"] == 1, \
    "without a fix the gradient explodes and the loss becomes NaN"
fixes = ("he_init", "lower_lr", "clipping", "batchnorm")
assert all(runs[f].symptoms["grad_norm_growth"] < 10 and not runs[f].symptoms["loss_became_nan"]
           for f in fixes), "every fix keeps the gradient within 10x of its start, without NaN"
assert all("init_loss" in runs[f].findings.codes for f in ("none", "lower_lr", "clipping")) \
    and "init_loss" not in runs["he_init"].findings.codes, \
    "preflight finds the too-high first loss unless the initialization itself is fixed"
assert "clipping_always_on" in runs["clipping"].findings.codes and not any(
    "clipping_always_on" in runs[f].findings.codes for f in fixes if f != "clipping"), \
    "only the clipped run is found to clip all the time"
assert runs["batchnorm"].experiment.model.training, "fit left the batch norm model in training mode"

# %% [markdown]
# ## Clipping can hide a learning rate that is far too high
#
# Source 002 ("You Used an Incorrect Learning Rate") warns of a habit: set the learning rate much
# too high and let gradient clipping keep it from exploding. Training then goes on, slowly and
# badly, and the learning rate no longer does what it says. To see it, a small tanh network fits
# a noisy sine wave (a regression, MSE loss) with SGD at lr 1.5, clipped at norm 1:

# %%
x_sine, y_sine = mn.data.sine(400, noise=0.1, seed=1)
x_sine_val, y_sine_val = mn.data.sine(200, noise=0.1, seed=2)
mse = mn.losses.MSELoss()


def fit_sine(lr, clip=None, monitor=False):
    """The same tanh net, from the same start, trained on the sine by SGD at `lr`."""
    mn.manual_seed(0)
    net = nn.Sequential(nn.Dense(1, 32, init="xavier"), nn.Tanh(),
                        nn.Dense(32, 32, init="xavier"), nn.Tanh(), nn.Dense(32, 1, init="xavier"))
    return net, mn.fit(net, mse, mn.optim.SGD(net.parameters(), lr=lr), (x_sine, y_sine),
                       val=(x_sine_val, y_sine_val), epochs=SINE_EPOCHS, batch_size=32,
                       clip_grad_norm=clip, progress=False,
                       monitor=mn.monitor.Monitor(net, every=10) if monitor else None)


sine_clipped, hidden = fit_sine(1.5, clip=1.0, monitor=True)
_, unclipped = fit_sine(1.5)
hidden_grad = np.array(hidden.grad_norm)
print(f"predicting the mean of the targets: validation MSE {np.var(y_sine_val):.2f}")
print(f"lr 1.5, clipped at 1: no NaN: {hidden.diverged is None}, validation MSE "
      f"{hidden.val_loss[-1]:.2f}; gradient above the clip on {np.mean(hidden_grad > 1):.0%} "
      f"of the steps")
print(f"lr 1.5, not clipped: diverged at step {unclipped.diverged.global_step}")
hidden_diagnosis = mn.diagnose(hidden)
for code in ("clipping_always_on", "lr_too_high"):
    print(hidden_diagnosis.get(code))

# %% [markdown]
# Without clipping, lr 1.5 explodes within a few dozen steps. With clipping it never does, but the
# too-large steps keep the weights where the gradient is large, so the clip cuts it on most steps:
# each of those steps is lr · 1 = 1.5 long in the gradient's direction, whatever the gradient
# says. `diagnose` sees both the always-on clip and, in the monitor's update sizes (measured after
# clipping), steps far too large.

# %% tags=["check"]
assert hidden.diverged is None and unclipped.diverged.global_step < 50, \
    "lr 1.5 diverges within a few dozen steps without clipping, and not at all with it"
assert np.mean(hidden_grad > 1) > 0.5, "with lr 1.5 the clip cuts the gradient on most steps"
assert {"clipping_always_on", "lr_too_high"} <= hidden_diagnosis.codes, \
    "diagnose finds the always-on clip and the too-high learning rate behind it"

# %% [markdown]
# 002's recipe: turn clipping off, find the highest learning rate that does not make the error
# explode, and stay below it. Try a few, a factor of about 3 apart, without clipping:

# %%
sweep, sweep_nets = {}, {}
for lr in (0.01, 0.03, 0.1, 0.3, 1.0):
    sweep_nets[lr], sweep[lr] = fit_sine(lr)
    h = sweep[lr]
    result = (f"diverged at step {h.diverged.global_step}" if h.diverged else
              f"validation MSE {h.val_loss[-1]:.3f}, gradient above 1 on "
              f"{np.mean(np.array(h.grad_norm) > 1):.0%} of the steps")
    print(f"lr {lr:<5} {result}")
stable = [lr for lr, h in sweep.items() if h.diverged is None]
print(f"highest lr that does not explode: {max(stable)}")

# %% [markdown]
# From 0.3 up the loss explodes; every lower learning rate trains, and fits the sine better than
# lr 1.5 under the clip did. Their gradients stay below 1 on most steps, so a clip at 1 would
# rarely touch them: with a right learning rate clipping is a guard against a rare spike, not the
# thing that sets the step. (002 goes one order of magnitude below the highest stable lr to be
# safe; lesson 9 finds the learning rate with a range test, `mn.lr_find`.)

# %% tags=["check"]
assert stable == [0.01, 0.03, 0.1], "lr 0.01, 0.03 and 0.1 train; 0.3 and 1.0 explode"
assert all(sweep[lr].val_loss[-1] < hidden.val_loss[-1] for lr in stable), \
    "every stable learning rate ends with a lower validation MSE than lr 1.5 clipped"
assert all(np.mean(np.array(sweep[lr].grad_norm) > 1) < 0.5 for lr in stable), \
    "at every stable learning rate the gradient is above 1 on fewer than half the steps"

# %%
order = np.argsort(x_sine_val[:, 0])
net_good, good = sweep_nets[0.1], sweep[0.1]
fig, (ax, norms) = plt.subplots(1, 2, figsize=(10, 3.6))
ax.scatter(x_sine_val[:, 0], y_sine_val[:, 0], s=6, color="0.6", label="validation data")
for net, label, color in ((sine_clipped, "lr 1.5, clipped at 1", "tab:red"),
                          (net_good, "lr 0.1, no clipping", "tab:green")):
    ax.plot(x_sine_val[order, 0], mn.train.predict(net, x_sine_val)[order, 0], color=color,
            label=label)
ax.set_xlabel("x")
ax.legend(fontsize=8)
ax.set_title("the fitted curves")
norms.semilogy(hidden.grad_norm, color="tab:red", lw=0.8, label="lr 1.5, clipped at 1")
norms.semilogy(good.grad_norm, color="tab:green", lw=0.8, label="lr 0.1, no clipping")
norms.axhline(1.0, color="black", ls="--", lw=1, label="the clip")
norms.set_xlabel("step")
norms.set_ylabel("gradient norm (before clipping)")
norms.legend(fontsize=8)
fig.tight_layout()
show(fig, "07_clipping_hides_lr")

# %% [markdown]
# ## What you saw
#
# - Weights that multiply the signal by 1.41 per layer give a gradient tens of times too large;
#   each SGD step then makes the weights, and so the next gradient, larger still. The gradient
#   norm grew over ten times per step and a millionfold in a few steps, and the loss turned NaN.
# - `fit` stops at the first NaN loss and says where (`history.diverged`) and why (batch and
#   weights finite: the steps); `mn.detect_anomaly()` names the operation that overflowed;
#   `mn.diagnose` finds `diverged` and `exploding_gradients`.
# - `mn.optim.clip_grad_norm` scales all gradients together to a norm of at most `max_norm`, keeping
#   their direction, so a step is at most lr · max_norm long. `history.grad_norm` keeps the norm
#   before clipping.
# - Clipping stops an explosion, but when it cuts on nearly every step it is hiding something:
#   too large weights, or a learning rate far too high. `diagnose` says `clipping_always_on`.
#   The fix is the cause: He init, or clipping off and a learning rate below the explosion.
# - The catalog: `minnet failures run exploding_gradients` (try `--set fix=clipping`) and
#   `minnet failures run clipping_hides_lr`.
#
# Next, lesson 8: dead ReLUs, units that one large step switches off for good.
