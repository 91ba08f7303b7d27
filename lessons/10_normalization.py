# %% [markdown]
# # Lesson 10: Normalization
#
# Inputs on different scales, targets in 0..255, and a feature that never varies: what each does to
# a network, how `mn.preflight` spots it, and the scaling that fixes it.
#
# "You forgot to normalize your data" is the first of the classic mistakes in "My Neural Network
# isn't working!" (002), and it says why it matters: nearly every part of a network — the
# initialization, the activations, the optimizer — assumes that the inputs *and* the outputs have a
# mean of about 0 and a standard deviation of about 1. This lesson breaks that assumption three
# ways and measures what happens.

# %%
import warnings

import matplotlib.pyplot as plt
import numpy as np

import minnet as mn
from minnet.lessons import quick, show

nn = mn.nn
QUICK = quick()            # True under `minnet lesson 10 --quick`: a shorter sweep at the end

# %% [markdown]
# ## Inputs on different scales
#
# Take the digits of lesson 4 (64 pixels from 0 to 16) and suppose a quarter of the pixels came
# from a sensor that records them in another unit, a thousand times larger: values up to 16,000.
# `mn.data.scale_features` multiplies each feature by its own factor. (The data is split first,
# and both splits get the same factors.)

# %%
mn.manual_seed(0)
X, y = mn.data.load_digits()
X_train, y_train, X_val, y_val = mn.data.train_val_split(
    X, y, val_fraction=0.25, stratify=True, seed=0)

large = np.zeros(64, dtype=bool)
large[mn.get_rng().choice(64, size=16, replace=False)] = True    # a random quarter of the pixels
factors = np.where(large, 1000.0, 1.0)
X_train_big = mn.data.scale_features(X_train, factors)
X_val_big = mn.data.scale_features(X_val, factors)

rms = np.sqrt(np.mean(X_train_big.astype(np.float64) ** 2, axis=0))  # each feature's typical size
used = X_train.std(axis=0) > 0                                       # pixels not always blank
print("typical size (root mean square) of a feature, over the training images:")
print(f"  the 48 pixels as they were:  {rms[~large & used].min():8.2f} to {rms[~large].max():8.2f}")
print(f"  the 16 pixels x1000:         {rms[large & used].min():8.0f} to {rms[large].max():8.0f}")

# %% [markdown]
# ## What the large features do to the gradient
#
# The first layer computes z = x·W + b, so the weight W[j, k] (from feature j to unit k) gets the
# gradient
#
#     ∂L/∂W[j, k] = Σₙ x[n, j] · ∂L/∂z[n, k]
#
# Feature j's own values are a factor in it: multiply a feature by 1000, and the gradient on its
# weights is multiplied by about 1000 too (the other factor, ∂L/∂z, changes a little as well).
# Measure it on an untrained network: for each feature j, the size of the gradient on its row of
# weights, ‖∂L/∂W[j, :]‖, with the x1000 features and with every feature as it was. (The output
# layer starts small, as in lesson 4, so that the untrained network is unsure.)

# %%
def new_model():
    return nn.Sequential(nn.Dense(64, 64), nn.ReLU(),
                         nn.Dense(64, 10, init=mn.init.normal(0.01)))


loss_fn = mn.losses.CrossEntropyLoss()


def feature_gradients(model, X, y):
    """‖∂L/∂W[j, :]‖ of the first layer, for every input feature j (the loss on all of X)."""
    model.zero_grad()
    loss_fn(model(mn.Tensor(X)), y).backward()
    norms = np.linalg.norm(model[0].weight.grad, axis=1)
    model.zero_grad()
    return norms


mn.manual_seed(1)
model = new_model()
start = model.state_dict()                 # the same starting weights for every run below
grad_big = feature_gradients(model, X_train_big, y_train)
grad_orig = feature_gradients(model, X_train, y_train)
growth = np.median(grad_big[large & used] / grad_orig[large & used])
share = np.sum(grad_big[large] ** 2) / np.sum(grad_big ** 2)
print(f"an x1000 feature's gradient, against the same feature at its own scale: {growth:.0f} times")
print(f"the x1000 features' share of the first layer's gradient (squared norm): {share:.4%}")

# %% tags=["check"]
assert 100 < growth < 10_000, \
    "multiplied by 1000, a feature's weights get about 1000 times the gradient (within 10x)"
assert share > 0.99, "the 16 x1000 features take over 99% of the first layer's gradient"

# %% [markdown]
# Three quarters of the features are still there, but the gradient hardly speaks of them: their
# weights get under 1% of it. "Features with vastly different ranges can lead to gradients
# dominated by larger-valued attributes, hindering the optimization of features with smaller
# magnitudes" (000).

# %% [markdown]
# ## The fix: standardize every feature, with the training set's numbers
#
#     x' = (x − mean) / std          mean and std of each feature, over the training set
#
# `mn.data.Standardizer` learns one mean and one std per feature with `fit` (on the training set
# only, as in lesson 4) and applies them to any split with `transform`. Three pixels are blank in
# every training image: their std is 0, and `zero_variance="warn"` leaves them alone instead of
# dividing by zero. That is the warning you see; section 3 is about it.

# %%
scaler = mn.data.Standardizer(zero_variance="warn").fit(X_train_big)
X_train_std, X_val_std = scaler.transform(X_train_big), scaler.transform(X_val_big)
grad_std = feature_gradients(model, X_train_std, y_train)
std_ratio = np.median(grad_std[large & used]) / np.median(grad_std[~large & used])
print(f"after standardizing, the same ratio: {std_ratio:.2f}")

# %% tags=["check"]
assert 0.5 < std_ratio < 2, \
    "after standardizing, both groups of features get gradients of the same size (within 2x)"

# %% [markdown]
# The two sides by side: each feature's size and the gradient on its weights, before and after.

# %%
rms_std = np.sqrt(np.mean(X_train_std.astype(np.float64) ** 2, axis=0))
fig, axes = plt.subplots(1, 2, figsize=(10, 3.8))
j = np.arange(64)
for ax, title, before, after in [(axes[0], "typical size of each feature (RMS)", rms, rms_std),
                                 (axes[1], "‖∂L/∂W[j, :]‖, the gradient on its weights",
                                  grad_big, grad_std)]:
    ax.scatter(j[large & used], before[large & used], s=16, color="tab:red", label="x1000")
    ax.scatter(j[~large & used], before[~large & used], s=16, color="tab:blue",
               label="as they were")
    ax.scatter(j[used], after[used], s=12, marker="s", color="tab:green", label="standardized")
    ax.set_yscale("log")
    ax.set_xlabel("feature j (pixel)")
    ax.set_title(title)
axes[0].legend(fontsize=8)
fig.suptitle("Features on different scales, and the gradients they get (blank pixels left out)")
fig.tight_layout()
show(fig, "10_feature_scales")

# %% [markdown]
# ## Before training: `mn.preflight`
#
# Preflight looks at every feature's scale before any training:

# %%
raw_report = mn.preflight(model, loss_fn, (X_train_big, y_train), val=(X_val_big, y_val))
print(raw_report)
std_report = mn.preflight(model, loss_fn, (X_train_std, y_train), val=(X_val_std, y_val))
print(std_report)

# %% [markdown]
# It warns about the inputs, and also about a loss at initialization far above ln 10 ≈ 2.30, the
# loss of an honest "I don't know". That second finding is a consequence of the first: with inputs
# in the thousands the first layer's outputs, and so the scores, are in the thousands too, and the
# untrained network is confidently wrong. Read a report from the top — the data checks come first,
# because a problem in the data can cause the ones below it. After standardizing, both are gone.

# %% tags=["check"]
assert "unnormalized_inputs" in raw_report.codes, "on the x1000 features, preflight warns"
assert "init_loss" in raw_report.codes, "... and finds the loss at initialization far from ln 10"
assert std_report.ok, "on the standardized features, preflight finds no problem"

# %% [markdown]
# ## Train both
#
# The same network from the same starting weights, Adam with lr 10⁻³, 5 epochs, once on the raw
# features and once on the standardized ones:

# %%
def train(X_tr, X_va, epochs=5):
    model = new_model()
    model.load_state_dict(start)
    history = mn.fit(model, loss_fn, mn.optim.Adam(model.parameters(), lr=1e-3),
                     (X_tr, y_train), val=(X_va, y_val), epochs=epochs, batch_size=32,
                     progress=False)
    return model, history


raw_model, raw_history = train(X_train_big, X_val_big)
_, std_history = train(X_train_std, X_val_std)
print("               validation loss   validation accuracy")
print(f"x1000 features {raw_history.val_loss[-1]:15.2f}   {raw_history.val_acc[-1]:19.1%}")
print(f"standardized   {std_history.val_loss[-1]:15.2f}   {std_history.val_acc[-1]:19.1%}")
top_score = np.median(np.abs(mn.train.predict(raw_model, X_val_big)).max(axis=1))
print(f"trained on the x1000 features, a digit's largest score is typically {top_score:.0f}")

# %% [markdown]
# On the raw features the validation loss ends far above ln 10: worse than answering every digit
# with equal odds. The network does learn something — it gets more than twice the 10% of a guess
# right — but when it is wrong it is wrong with enormous confidence, because its scores are in the
# hundreds. Adam moves each weight by about the learning rate per step, and a step of 10⁻³ on a
# weight that multiplies 16,000 changes a score by 16: the scores keep jumping around.
# Standardized, the same network learns well.

# %% tags=["check"]
assert raw_history.val_loss[-1] > np.log(10), \
    "on the x1000 features the validation loss ends above ln 10: worse than a uniform guess"
assert raw_history.val_acc[-1] > 2 * 0.1, "... while it gets more than twice the 10% of a guess"
assert top_score > 100, "... with scores in the hundreds"
assert std_history.val_loss[-1] < np.log(10) / 4, "standardized, it ends below a quarter of ln 10"
assert std_history.val_acc[-1] > raw_history.val_acc[-1], \
    "standardized, the validation accuracy is higher"

# %% [markdown]
# ## How large must a scale be to hurt?
#
# Comparing many settings is what minnet's catalog of failure modes is for. The mode
# `unnormalized_inputs` is the experiment above (a quarter of the digits' pixels multiplied by
# `scale`, the same network and optimizer); each `run` trains it once with the knobs given.
# Even `scale=1` is the raw pixels, 0 to 16, not standardized.

# %%
mode = mn.failures.get("unnormalized_inputs")
scales = [1, 100, 1000] if QUICK else [1, 10, 100, 1000]
sweep = {s: mode.run(scale=s, quick=QUICK) for s in scales}     # quick: 2 epochs instead of 5
for fix in ("standardize", "minmax"):
    sweep[fix] = mode.run(fix=fix, quick=QUICK)
print("setting        validation loss   validation accuracy")
for setting, run in sweep.items():
    name = f"scale {setting}" if setting in scales else f"fix={setting}"
    print(f"{name:<14} {run.symptoms['val_loss']:15.2f}   {run.symptoms['val_accuracy']:19.1%}")

# %% [markdown]
# Every tenfold of the scale raises the validation loss: the scores grow with the inputs, and the
# loss of a confidently wrong answer grows with its score. Both fixes, run on the x1000 data
# (`"standardize"`, and `"minmax"`, which maps each feature to [0, 1] with the training set's
# minimum and maximum), bring the loss below ln 10 and below every unscaled run from scale 10 on.

# %% tags=["check"]
losses = [sweep[s].symptoms["val_loss"] for s in scales]
assert all(a < b for a, b in zip(losses, losses[1:])), \
    "every tenfold of the scale raises the validation loss"
fixed_worst = max(sweep[f].symptoms["val_loss"] for f in ("standardize", "minmax"))
assert fixed_worst < min(np.log(10), *(sweep[s].symptoms["val_loss"] for s in scales if s >= 10)), \
    "both fixes bring the loss below ln 10 and below every unscaled run from scale 10 on"

# %% [markdown]
# ## Targets in 0..255
#
# The outputs need the same care. Take a regression: from one number x, predict a brightness
# stored as a byte, 0 to 255, that follows a sine of x. An untrained network answers values near
# 0, "roughly in the range −1 to 1" (002), so its first errors are about as large as the targets.

# %%
mn.manual_seed(2)
x, brightness = mn.data.sine(768, noise=5.0, amplitude=127.5, offset=127.5)
brightness = np.clip(np.round(brightness), 0, 255)      # whole bytes, as an image stores them
x_train, t_train, x_val, t_val = x[:512], brightness[:512], x[512:], brightness[512:]


def new_regressor():
    return nn.Sequential(nn.Dense(1, 64, init="xavier"), nn.Tanh(),
                         nn.Dense(64, 64, init="xavier"), nn.Tanh(),
                         nn.Dense(64, 1, init="xavier"))


regressor = new_regressor()
reg_start = regressor.state_dict()
mse = mn.losses.MSELoss()
first_out = mn.train.predict(regressor, x_train)
print(f"targets from {t_train.min():.0f} to {t_train.max():.0f}, mean {t_train.mean():.1f}")
print(f"the untrained network answers from {first_out.min():.2f} to {first_out.max():.2f}")

# %% tags=["check"]
assert np.abs(first_out).max() < 10, \
    "the untrained network answers values of order 1 (all smaller than 10 in size)"

# %% [markdown]
# With answers near 0, the first loss is about the mean of the squared targets, in the tens of
# thousands. And the gradient of the mean squared error is proportional to the error: the last
# layer's bias b, added to every answer, gets exactly twice the mean error,
#
#     L = mean((ŷ − t)²)      ∂L/∂b = 2 · mean(ŷ − t) ≈ −2 · mean(t)     (as ŷ ≈ 0)
#
# The fix 002 gives: scale the targets to about [−1, 1], t / 127.5 − 1
# (`mn.data.scale_images(t, 255, center=True)`), and compare the first step both ways.

# %%
t_train_s, t_val_s = (mn.data.scale_images(t, max_value=255, center=True) for t in (t_train, t_val))


def first_step(targets):
    """The loss, the total gradient norm and the last bias's gradient at the starting weights."""
    regressor.zero_grad()
    out = regressor(mn.Tensor(x_train))
    loss = mse(out, targets)
    loss.backward()
    norm = np.sqrt(sum(np.sum(p.grad.astype(np.float64) ** 2) for p in regressor.parameters()))
    bias_grad = regressor[4].bias.grad.item()
    regressor.zero_grad()
    return loss.item(), norm, bias_grad, out.data


loss_bytes, grad_bytes, bias_bytes, out0 = first_step(t_train)
loss_scaled, grad_scaled, bias_scaled, _ = first_step(t_train_s)
mean_error = np.mean(out0 - t_train)
print("            first loss   gradient norm   ∂L/∂b of the last bias")
print(f"0..255      {loss_bytes:10.1f}   {grad_bytes:13.1f}   {bias_bytes:8.2f}")
print(f"[−1, 1]     {loss_scaled:10.3f}   {grad_scaled:13.2f}   {bias_scaled:8.3f}")
print(f"mean of the squared targets: {np.mean(t_train ** 2):.1f};  "
      f"2 · mean error: {2 * mean_error:.2f};  −2 · mean(t): {-2 * t_train.mean():.2f}")
print(f"the gradient is {grad_bytes / grad_scaled:.0f} times larger on the bytes")

# %% tags=["check"]
assert loss_bytes > 1e4, "on the bytes, the first loss is in the tens of thousands"
assert abs(loss_bytes / np.mean(t_train ** 2) - 1) < 0.05, \
    "the first loss is the mean of the squared targets, to within 5%: the network answers ~0"
assert np.isclose(bias_bytes, 2 * mean_error, rtol=1e-4), \
    "the last bias's gradient is exactly twice the mean error"
assert abs(bias_bytes / (-2 * t_train.mean()) - 1) < 0.01, "... which is −2 · mean(t), to within 1%"
assert grad_bytes > 10 * grad_scaled, \
    "on the bytes, the first gradient is over ten times larger than on scaled targets"

# %% [markdown]
# Now train both with plain SGD at a learning rate that suits scaled targets, 0.1. A step is the
# learning rate times the gradient, so on the bytes every step is that much too large:

# %%
def train_regressor(targets, val_targets, epochs=10):
    regressor = new_regressor()
    regressor.load_state_dict(reg_start)
    history = mn.fit(regressor, mse, mn.optim.SGD(regressor.parameters(), lr=0.1),
                     (x_train, targets), val=(x_val, val_targets), epochs=epochs,
                     batch_size=32, progress=False)
    return regressor, history


_, bytes_history = train_regressor(t_train, t_val)
regressor_s, scaled_history = train_regressor(t_train_s, t_val_s)

# %% [markdown]
# `fit` stopped the run on the bytes and said why: the loss became infinite. Each step overshot
# further than the one before, as 002 warns ("this will produce huge gradients and likely your
# training error will explode"). On the scaled targets the same training worked. Its predictions
# come back in bytes with the inverse formula, (ŷ + 1) · 127.5:

# %%
predicted = (mn.train.predict(regressor_s, x_val) + 1) * 127.5
unexplained = np.mean((predicted - t_val) ** 2) / np.var(t_val)
print(f"bytes:  diverged at epoch {bytes_history.diverged.epoch}, "
      f"after {len(bytes_history.step_loss)} steps")
print(f"scaled: validation loss {scaled_history.val_loss[-1]:.3f}; in bytes, typical error "
      f"{np.sqrt(np.mean((predicted - t_val) ** 2)):.1f} "
      f"({unexplained:.1%} of the targets' variance left unexplained)")

order = np.argsort(x_val[:, 0])
fig, (ax, curve) = plt.subplots(1, 2, figsize=(10, 3.6))
ax.scatter(x_val[:, 0], t_val[:, 0], s=6, color="0.6", label="validation targets (bytes)")
ax.plot(x_val[order, 0], predicted[order, 0], color="tab:green", label="trained on scaled targets")
first = np.argsort(x_train[:, 0])
ax.plot(x_train[first, 0], first_out[first, 0], color="tab:red", label="the untrained network")
ax.set_xlabel("x")
ax.set_ylabel("brightness (bytes)")
ax.set_title("predictions, mapped back to bytes")
ax.legend(fontsize=8)
curve.semilogy(np.abs(bytes_history.step_loss), color="tab:red", label="targets 0..255")
curve.semilogy(scaled_history.step_loss, color="tab:green", label="targets scaled to [−1, 1]")
curve.set_xlabel("step")
curve.set_title("training loss per step (SGD, lr 0.1)")
curve.legend(fontsize=8)
fig.tight_layout()
show(fig, "10_targets")

# %% tags=["check"]
assert bytes_history.diverged is not None and bytes_history.diverged.epoch <= 2, \
    "on the bytes, the loss becomes infinite within two epochs"
assert unexplained < 1 - 0.8, \
    "on scaled targets the network explains over 80% of the validation targets' variance"

# %% [markdown]
# Preflight would have said so before any training:

# %%
# overfit=False: leave out the tiny-batch test, which is about bugs in a model (lesson 14)
bytes_report = mn.preflight(regressor, mse, (x_train, t_train), val=(x_val, t_val), overfit=False)
print(bytes_report)
scaled_report = mn.preflight(regressor, mse, (x_train, t_train_s), val=(x_val, t_val_s),
                             overfit=False)

# %% tags=["check"]
assert "unscaled_targets" in bytes_report.codes, "on targets 0..255, preflight warns"
assert scaled_report.ok, "on the scaled targets, preflight finds no problem"

# %% [markdown]
# ## A feature that never varies
#
# Back to the digits. Three pixels are blank in every training image: mean 0, std 0. Standardize
# by hand, the way a first script does, and those columns become 0 / 0:

# %%
mean, std = X_train.mean(axis=0), X_train.std(axis=0)
with np.errstate(divide="ignore", invalid="ignore"):       # NumPy would warn; see for yourself
    X_train_hand = (X_train - mean) / std
    X_val_hand = (X_val - mean) / std
constant = np.flatnonzero(std == 0)
nan_columns = np.flatnonzero(np.isnan(X_train_hand).all(axis=0))
print(f"features with std 0 in the training set: {constant.tolist()}")
print(f"columns that are NaN in every training row: {nan_columns.tolist()}")

model_hand = new_model()
model_hand.load_state_dict(start)
hand_history = mn.fit(model_hand, loss_fn, mn.optim.Adam(model_hand.parameters(), lr=1e-3),
                      (X_train_hand, y_train), val=(X_val_hand, y_val), epochs=5, batch_size=32,
                      progress=False)
print(f"the first step's loss: {hand_history.step_loss[0]}")

# %% [markdown]
# One NaN input makes its row of the first layer NaN, and so the scores and the loss; an update
# with a NaN gradient would turn every weight it touches into NaN. `fit` refuses to take that step
# and stops at once. "Be careful with features that have such a small range that their standard
# deviation becomes close to, or exactly, zero" (002). Preflight recognises the mark 0 / 0 leaves:

# %%
hand_report = mn.preflight(model_hand, loss_fn, (X_train_hand, y_train), val=(X_val_hand, y_val))
print(hand_report)

# %% tags=["check"]
assert np.array_equal(nan_columns, constant), "exactly the columns with std 0 become NaN"
assert np.isnan(hand_history.step_loss[0]), "the loss is NaN from the very first step"
assert "zero_variance_feature" in hand_report.codes, \
    "preflight names a constant feature divided by its zero std"

# %% [markdown]
# ## How `Standardizer` guards it
#
# `mn.data.Standardizer` checks every std when it fits. By default it refuses, naming the features;
# `zero_variance="warn"` divides those by 1 instead, so they are only centred (a constant feature
# becomes 0, and carries no information, as before). Or drop them: `mn.data.VarianceThreshold`
# learns on the training set which features never vary, and removes them from every split.

# %%
try:
    mn.data.Standardizer().fit(X_train)
except ValueError as error:
    print(f"Standardizer() refuses: {error}")

with warnings.catch_warnings():
    warnings.simplefilter("ignore")           # we know: the three blank pixels
    guarded = mn.data.Standardizer(zero_variance="warn").fit(X_train)
X_train_guarded = guarded.transform(X_train)
selector = mn.data.VarianceThreshold().fit(X_train)
print(f"guarded: NaN values {np.isnan(X_train_guarded).sum()}, "
      f"the blank columns now {np.unique(X_train_guarded[:, constant]).tolist()}")
print(f"VarianceThreshold keeps {selector.transform(X_train).shape[1]} of 64 features")

# %% tags=["check"]
assert np.isfinite(X_train_guarded).all(), "guarded, no value is NaN or infinite"
assert np.all(X_train_guarded[:, constant] == 0), "the constant features become exactly 0"
assert selector.transform(X_train).shape[1] == 64 - len(constant), \
    "VarianceThreshold drops exactly the constant features"

# %% [markdown]
# ## Fit the scaler on the training data only
#
# Every scaler above learnt its numbers from the training set and applied those same numbers to
# the validation set. Two other ways look harmless and are not:
#
# - **Fitting on all the data before splitting** lets the validation set shape the training
#   inputs; it then no longer stands in for data the network has never met.
# - **Fitting each split, or each batch, on its own** gives the same raw input different
#   standardized values depending on what else came with it.
#
# The second one can hide. The validation set is drawn like the training set, so its own mean and
# std are nearly the training set's, and its score barely moves. But when the network is used,
# data comes as it comes. Say the digits arrive sorted, a batch of 0s, then a batch of 1s, ..., and
# each batch is standardized with its own numbers:

# %%
mn.manual_seed(3)
digit_model = new_model()
mn.fit(digit_model, loss_fn, mn.optim.Adam(digit_model.parameters(), lr=1e-3),
       (guarded.transform(X_train), y_train), epochs=10, batch_size=32, progress=False)


def accuracy_of(X):
    return mn.metrics.accuracy(y_val, mn.train.predict(digit_model, X).argmax(axis=1))


def own_numbers(X):
    """X standardized with its own mean and std (the mistake)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return mn.data.Standardizer(zero_variance="warn").fit(X).transform(X)


right = accuracy_of(guarded.transform(X_val))
whole = accuracy_of(own_numbers(X_val))
sorted_batches = np.empty_like(X_val)
for digit in range(10):
    sorted_batches[y_val == digit] = own_numbers(X_val[y_val == digit])
per_batch = accuracy_of(sorted_batches)
print(f"validation accuracy, standardized with the training set's numbers: {right:.1%}")
print(f"                     with the validation set's own numbers:        {whole:.1%}")
print(f"                     each digit's batch with its own numbers:      {per_batch:.1%}")
try:
    mn.data.Standardizer().fit(X_val[:1])
    one_image = "accepted"
except ValueError as error:
    one_image = "refused"
    print(f"one image alone: {error}")

# %% [markdown]
# A batch of only 3s has its own mean image: a 3. Subtracting it takes away exactly what makes a 3
# look like a 3, and what is left is how each 3 differs from the others. The network, trained on
# inputs standardized with one fixed set of numbers, is now close to guessing. The extreme case is
# a batch of one image: every feature is constant, and `Standardizer` refuses to fit it.

# %% tags=["check"]
assert abs(whole - right) < 0.02, \
    "standardizing the validation set with its own numbers changes its accuracy by under 2 points"
assert per_batch - 0.1 < right - per_batch, \
    "batches of one digit standardized on their own: the accuracy is closer to chance than to right"
assert one_image == "refused", "Standardizer refuses to fit a batch of one image"

# %% [markdown]
# ## What you saw
#
# - Features a thousand times larger get gradients hundreds of times larger, and the network ends
#   up confidently wrong. Standardizing each feature with training statistics fixes it.
# - Targets in 0..255: the first loss is the mean of the squared targets and the gradient is
#   proportional to the error, so SGD overshoots and the loss explodes. Scale the targets to about
#   [−1, 1] and map the predictions back.
# - A constant feature divided by its std 0 gives NaN, and the loss is NaN from the first step.
#   `Standardizer` refuses it or leaves it unscaled; `VarianceThreshold` drops it.
# - Fit the scaler on the training set, and use its numbers for everything else.
# - `mn.preflight` warns about all three before any training: `unnormalized_inputs`,
#   `unscaled_targets`, `zero_variance_feature`.
#
# Next, lesson 11: overfitting — when the network learns its training data too well — and the
# ways to regularize it.
