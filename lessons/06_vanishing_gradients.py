# %% [markdown]
# # Lesson 6: Vanishing gradients
#
# In a deep sigmoid network the gradient shrinks at every layer on its way back, until the first
# layer gets a millionth of what the last one gets; ReLU with He, residual connections and batch
# norm each keep it alive.
#
# Lesson 5 followed the signal *forward* through ten layers. Training also needs the gradient to
# travel *backward*, from the loss to the first layer, and on that trip it is multiplied, layer
# after layer, by each activation's slope. This lesson measures what arrives.

# %%
import math

import matplotlib.pyplot as plt
import numpy as np

import minnet as mn
from minnet.lessons import quick, show

nn = mn.nn
QUICK = quick()
EPOCHS = 3 if QUICK else 8          # passes over the training set

# %% [markdown]
# ## A quarter, ten times over
#
# The sigmoid σ(z) = 1 / (1 + e^(−z)) has the slope σ'(z) = σ(z)·(1 − σ(z)). It is steepest at
# z = 0, where σ = ½ and the slope is ½·½ = ¼, and flatter everywhere else. Backpropagation
# multiplies the gradient by that slope at every sigmoid layer (lesson 1's chain rule), so ten
# sigmoid layers multiply it by at most ¼ ten times:

# %%
z = np.arange(-600, 601) / 100                  # -6.00, -5.99, ..., 6.00
sigma = 1 / (1 + np.exp(-z))
slope = sigma * (1 - sigma)
print(f"σ'(0) = {slope[z == 0][0]:.3f}, σ'(2) = {slope[z == 2][0]:.3f}, "
      f"largest σ' = {slope.max():.3f} at z = {z[slope.argmax()]:.0f}")
print(f"(1/4)^10 = {0.25 ** 10:.1e}")

# %% tags=["check"]
assert slope.max() == 0.25 and z[slope.argmax()] == 0, "σ' is largest at z = 0, where it is ¼"

# %% [markdown]
# ## The network
#
# The digits again, standardized as in lessons 4 and 5. `deep_net(kind)` builds four networks of
# the same shape: 64 inputs, ten hidden layers of 100 units, 10 outputs — eleven `Dense` layers.
#
# - `"sigmoid"`: sigmoid after every hidden layer, weights randn/√n (LeCun's initialization,
#   `init="lecun"`: std 1/√n keeps the signal's size, as lesson 5 showed).
# - `"relu_he"`, `"residual"`, `"batchnorm"`: the three fixes, explained further down.

# %%
X, y = mn.data.load_digits()
X_train, y_train, X_val, y_val = mn.data.train_val_split(X, y, val_fraction=0.2,
                                                         stratify=True, seed=0)
scaler = mn.data.Standardizer(axis=(0, 1)).fit(X_train)
X_train, X_val = scaler.transform(X_train), scaler.transform(X_val)


def deep_net(kind, depth=10, width=100):
    """64 → `depth` hidden layers of `width` → 10: the sigmoid net, or one of the fixes."""
    init = "he" if kind == "relu_he" else "lecun"
    if kind == "residual":     # Dense, blocks x + Dense(σ(x)), then σ and the output layer
        blocks = [nn.Residual(nn.Sequential(nn.Sigmoid(),
                                            nn.Dense(width, width, init=init)))
                  for _ in range(depth - 1)]
        return nn.Sequential(nn.Dense(64, width, init=init), *blocks,
                             nn.Sigmoid(), nn.Dense(width, 10, init=init))
    layers, n_in = [], 64
    for _ in range(depth):
        layers.append(nn.Dense(n_in, width, init=init))
        if kind == "batchnorm":
            layers.append(nn.BatchNorm1D(width))
        layers.append(nn.ReLU() if kind == "relu_he" else nn.Sigmoid())
        n_in = width
    layers.append(nn.Dense(n_in, 10, init=init))
    return nn.Sequential(*layers)


def dense_gradients(model):
    """‖∂L/∂W‖ of each Dense layer, input to output, on the whole training set."""
    stats = mn.monitor.gradient_stats(model, loss_fn, X_train, y_train)
    modules = dict(model.named_modules())
    return np.array([s["grad_norm"] for name, s in stats.items()
                     if isinstance(modules[name], nn.Dense)])


loss_fn = mn.losses.CrossEntropyLoss()

# %% [markdown]
# ## Measure it: the gradient of every layer
#
# `mn.monitor.gradient_stats(model, loss_fn, X, y)` runs one forward and backward pass and
# returns, for every layer with a weight, the norm ‖∂L/∂W‖ of its gradient (the model is left as
# it was). For the sigmoid network, before any training:

# %%
mn.manual_seed(0)
sigmoid_net = deep_net("sigmoid")
g = dense_gradients(sigmoid_net)
for i, norm in enumerate(g, start=1):
    print(f"Dense layer {i:>2}: ‖∂L/∂W‖ = {norm:.1e}")
ratio_sigmoid = g[0] / g[-1]
step = (g[1] / g[-1]) ** (1 / 9)       # the nine steps from layer 11 back to layer 2
print(f"first layer over last: {ratio_sigmoid:.1e}")
print(f"each step back multiplies it by {step:.2f}, the last one (layer 2 to 1) by "
      f"{g[0] / g[1]:.2f}")
outputs = mn.monitor.layer_outputs(sigmoid_net, X_train)
rms_sigmoid = np.sqrt(np.mean(outputs["1"] ** 2))
print(f"size (root mean square) of the pixels {np.sqrt(np.mean(X_train ** 2)):.2f}, "
      f"of layer 1's sigmoid outputs {rms_sigmoid:.2f}")

# %% [markdown]
# Every step back, the gradient shrinks by a factor of about four: the sigmoid's slope, at most ¼
# and a little less on average. After ten sigmoid layers the first layer's gradient is about a
# millionth of the last layer's, ¼¹⁰ ≈ 10⁻⁶. (The last step, from layer 2 to layer 1, shrinks it
# less: a layer's weight gradient is its inputs times the gradient arriving from above, and layer
# 1's inputs, the standardized pixels, are larger than the sigmoid outputs the others get.)

# %% tags=["check"]
assert 0.2 < step < 0.3, f"each sigmoid layer multiplies the gradient by about ¼ ({step:.2f})"
assert 1e-7 < ratio_sigmoid < 1e-5, \
    f"the first layer's gradient is about a millionth of the last's ({ratio_sigmoid:.1e})"
assert g[0] / g[1] > step and np.sqrt(np.mean(X_train ** 2)) > rms_sigmoid, \
    "the last step back shrinks it less; the pixels are larger than the sigmoid outputs"

# %% [markdown]
# `mn.preflight` makes the same measurement before training and warns:

# %%
report = mn.preflight(sigmoid_net, loss_fn, (X_train, y_train), overfit=False)
print(report)

# %% tags=["check"]
assert "vanishing_gradients" in report.codes, "preflight warns of vanishing gradients"

# %% [markdown]
# ## Train it, with a monitor
#
# Plain SGD (learning rate 0.1, batches of 64) and a `Monitor` that records every layer's
# gradient norm and the size of its updates every 5th step:

# %%
mn.manual_seed(0)
sigmoid_net = deep_net("sigmoid")
monitor = mn.monitor.Monitor(sigmoid_net, every=5)
history = mn.fit(sigmoid_net, loss_fn, mn.optim.SGD(sigmoid_net.parameters(), lr=0.1),
                 (X_train, y_train), val=(X_val, y_val), epochs=EPOCHS, batch_size=64,
                 monitor=monitor, progress=False)
print(history.summary())

grads, updates = monitor.get("grad_norm"), monitor.get("update_ratio")
first, last = monitor.first_layer, monitor.last_layer
ratios = grads[first] / grads[last]                 # one per recorded step
update_first, update_last = np.median(updates[first]), np.median(updates[last])
print(f"first layer's gradient over the last's, at {len(ratios)} recorded steps: "
      f"{ratios.min():.1e} to {ratios.max():.1e}")
print(f"update/weight ratio per step, median: first layer {update_first:.1e}, "
      f"last layer {update_last:.1e}")
show(mn.plot.plot_gradient_norms(monitor, title="Ten sigmoid layers: gradient norm by depth"),
     "06_sigmoid_by_depth")

# %% [markdown]
# The picture is the same at every step of training: the gradient falls by about six orders of
# magnitude from the output (right) to the input (left). The first layer's updates change its
# weights by less than a hundred-millionth of their size per step, while the last layer's change
# by about a hundredth (cs231n's rule of thumb for a healthy update is 10⁻³). The first layers
# never learn, and the loss stays at ln 10 = 2.30: chance.

# %% tags=["check"]
assert np.all((1e-7 < ratios) & (ratios < 1e-5)), \
    "at every recorded step the first layer's gradient is about a millionth of the last's"
assert update_first < 1e-8, "the first layer's updates are under 1e-8 of its weights per step"
assert 1e-3 < update_last < 1e-1, "the last layer's updates are about 1e-2 of its weights"
assert abs(history.train_loss[-1] / math.log(10) - 1) < 0.05 and history.val_acc[-1] < 0.2, \
    "the training loss ends within 5% of ln 10, and validation accuracy at chance (under 20%)"

# %% [markdown]
# ## `mn.diagnose` reads the run

# %%
diagnosis = mn.diagnose(history)
print(diagnosis)

# %% tags=["check"]
assert {"vanishing_gradients", "not_learning"} <= diagnosis.codes, \
    "diagnose finds vanishing gradients, and a network that does not learn"

# %% [markdown]
# ## Three fixes
#
# The sources (001 "Gradient Vanishing Problem", 003, 004) name three remedies. Each gives the
# gradient a way back that is not multiplied by a quarter at every layer:
#
# - **ReLU with He initialization.** ReLU's slope is 1 where the unit is active (and 0 where it
#   is not); He's weights keep the size of the signal, and of the gradient, from layer to layer.
# - **Residual connections.** A block computes x + f(x) instead of f(x). Its derivative is
#   1 + f'(x): the "1" carries the gradient straight past the block, however small f' is. The
#   sigmoids stay.
# - **Batch norm** before every sigmoid. It divides each unit's output by its spread over the
#   batch (and subtracts the mean), and on the way back it multiplies the gradient by that same
#   1/spread. The sigmoids stay here too.
#
# The gradient by depth, before training, for all four:

# %%
kinds = ["sigmoid", "relu_he", "residual", "batchnorm"]
norms = {}
for kind in kinds:
    mn.manual_seed(0)
    norms[kind] = dense_gradients(deep_net(kind))
    print(f"{kind:<10} first layer over last: {norms[kind][0] / norms[kind][-1]:.1e}")

fig, ax = plt.subplots(figsize=(7, 3.8))
for kind in kinds:
    ax.plot(np.arange(1, 12), norms[kind], "o-", label=kind)
ax.set_yscale("log")
ax.set_xticks(np.arange(1, 12))
ax.set_xlabel("Dense layer (input → output)")
ax.set_ylabel("‖∂L/∂W‖")
ax.set_title("Gradient norm by depth, before training")
ax.legend(fontsize=8)
show(fig, "06_fixes_by_depth")

# %% [markdown]
# The sigmoid line falls by six orders of magnitude towards the input; the other three stay within
# one. (The catalog gives about 0.2 to 0.4 for ReLU with He in this setting; the exact number
# depends on the random start.)

# %% tags=["check"]
fixed_ratios = [norms[kind][0] / norms[kind][-1] for kind in kinds[1:]]
assert all(0.1 < r < 10 for r in fixed_ratios), \
    "with each fix the first layer's gradient is within 10x of the last layer's"

# %% [markdown]
# Why does batch norm work with the very same sigmoids? The spread it divides by is that of a
# hidden `Dense` layer's outputs, which come from sigmoid outputs, about 0.2 wide. So on the way
# back it multiplies the gradient by about 1/0.2 = 5, and the sigmoid's slope, about 0.2 on
# average, takes it back down: the two cancel, layer after layer.

# %%
mn.manual_seed(0)
bn_net = deep_net("batchnorm")
outputs = mn.monitor.layer_outputs(bn_net, X_train, training=True)
modules = dict(bn_net.named_modules())
hidden = [name for name, m in modules.items() if isinstance(m, nn.Dense)][1:-1]
spread = np.median([outputs[name].std(axis=0).mean() for name in hidden])
mean_slope = np.median([np.mean(out * (1 - out)) for name, out in outputs.items()
                        if isinstance(modules[name], nn.Sigmoid)])
print(f"spread of a hidden Dense layer's outputs over the batch: {spread:.3f}")
print(f"the sigmoids' mean slope: {mean_slope:.3f}; slope/spread = {mean_slope / spread:.2f}")

# %% tags=["check"]
assert abs(mean_slope / spread - 1) < 0.25, \
    "batch norm's 1/spread and the sigmoid's slope cancel, to within 25%"

# %% [markdown]
# ## Do the fixes learn?
#
# Train all three the same way as the sigmoid network (SGD 0.1, the same epochs and seed), each
# with its own monitor, and let `mn.diagnose` read each run:

# %%
histories = {"sigmoid": history}
diagnoses = {"sigmoid": diagnosis}
for kind in kinds[1:]:
    mn.manual_seed(0)
    model = deep_net(kind)
    histories[kind] = mn.fit(model, loss_fn, mn.optim.SGD(model.parameters(), lr=0.1),
                             (X_train, y_train), val=(X_val, y_val), epochs=EPOCHS,
                             batch_size=64, monitor=mn.monitor.Monitor(model, every=5),
                             progress=False)
    diagnoses[kind] = mn.diagnose(histories[kind])
print("           gradient     final  validation")
print("           first/last   loss   accuracy    diagnose finds")
median_ratio = {}
for kind in kinds:
    h, mon = histories[kind], histories[kind].monitor
    grad = mon.get("grad_norm")
    median_ratio[kind] = np.median(grad[mon.first_layer] / grad[mon.last_layer])
    print(f"{kind:<10} {median_ratio[kind]:9.1e} {h.train_loss[-1]:8.3f} {h.val_acc[-1]:8.0%}"
          f"     {', '.join(sorted(diagnoses[kind].codes)) or 'nothing'}")

fig, ax = plt.subplots(figsize=(6.5, 3.6))
for kind in kinds:
    ax.plot(np.arange(1, EPOCHS + 1), histories[kind].val_acc, "o-", label=kind)
ax.set_xlabel("epoch")
ax.set_ylabel("validation accuracy")
ax.set_ylim(0, 1)
ax.set_title("Ten hidden layers, plain SGD")
ax.legend(fontsize=8)
show(fig, "06_learning")

# %% [markdown]
# All three learn, where the sigmoid network stays at chance. During training too, each keeps
# the first layer's gradient within an order of magnitude of the last layer's, and `diagnose`
# finds neither vanishing gradients nor a loss that does not move. (Some learn faster than others
# with plain SGD in a few epochs; `still_improving`, if it shows up, says that more epochs would
# still help.)

# %% tags=["check"]
fixes = kinds[1:]
assert all(0.1 < median_ratio[kind] < 10 for kind in fixes), \
    "during training each fix keeps the first layer's gradient within 10x of the last layer's"
assert not any({"vanishing_gradients", "not_learning"} & diagnoses[k].codes for k in fixes), \
    "diagnose finds neither vanishing gradients nor a loss that does not move in any fix"
assert min(histories[k].val_acc[-1] for k in fixes) > histories["sigmoid"].val_acc[-1], \
    "each fix ends with a higher validation accuracy than the sigmoid network"

# %% [markdown]
# ## What you saw
#
# - Backpropagation multiplies the gradient by each activation's slope. The sigmoid's is at most
#   ¼, so ten sigmoid layers leave the first layer about a millionth of the last layer's gradient.
# - `gradient_stats` measures it before training, `preflight` warns of it, the `Monitor` shows it
#   at every step of training (and the first layer's tiny updates), and `diagnose` names it.
# - ReLU with He, residual connections and batch norm each keep the gradient within an order of
#   magnitude across depth, and the same network then learns with the same optimizer.
# - The catalog has the experiment with its knobs: `minnet failures run vanishing_gradients`
#   (try `--set depth=5`, or `--fixed`).
#
# Next, lesson 7: the opposite — gradients and losses that grow until they are NaN, and how
# gradient clipping can hide a learning rate that is too high.
