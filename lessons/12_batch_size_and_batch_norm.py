# %% [markdown]
# # Lesson 12: Batch size and batch norm
#
# A batch's gradient is an estimate of the whole training set's, off by noise that shrinks as
# 1/√B; the batch size trades many noisy updates for few accurate ones, and batch norm, which
# normalizes with the batch's own statistics, breaks on tiny batches and when left in training mode.
#
# Every step of `mn.fit` looks at one batch of B samples, not at the whole training set. This
# lesson measures what that costs and buys: how far a batch's gradient is from the true one, what
# that does to training, and what happens to batch norm (lesson 6's third fix), whose output
# depends on the other samples of the batch.

# %%
import matplotlib.pyplot as plt
import numpy as np

import minnet as mn
from minnet.lessons import quick, show

nn = mn.nn
QUICK = quick()            # True under `minnet lesson 12 --quick`: fewer epochs and updates
EPOCHS = 5 if QUICK else 10

# %% [markdown]
# The digits again, standardized as in lesson 6, and a small network: 64 → 64 (ReLU) → 10.

# %%
X, y = mn.data.load_digits()
X_train, y_train, X_val, y_val = mn.data.train_val_split(X, y, val_fraction=0.25,
                                                         stratify=True, seed=0)
scaler = mn.data.Standardizer(axis=(0, 1)).fit(X_train)
X_train, X_val = scaler.transform(X_train), scaler.transform(X_val)
N = len(X_train)
loss_fn = mn.losses.CrossEntropyLoss()


def new_model(batch_norm=False):
    """64 → 64 → 10 with ReLU; with a BatchNorm1D between the first Dense and its ReLU if asked."""
    norm = [nn.BatchNorm1D(64)] if batch_norm else []
    return nn.Sequential(nn.Dense(64, 64), *norm, nn.ReLU(), nn.Dense(64, 10))


print(f"{N} training images, {len(X_val)} for validation")

# %% [markdown]
# ## A batch's gradient is an estimate
#
# The training loss is the mean of the N samples' losses, so its gradient g is the mean of the
# samples' own gradients gᵢ. A batch of B samples drawn at random gives g_B, the mean of B of
# them: right on average, but each batch is off by some noise. How much is a question of
# statistics: the mean of B draws from N (without replacement) spreads around the true mean by
#
#     noise(B) = σ · √((N − B) / ((N − 1) · B))      σ² = mean of ‖gᵢ − g‖² over the N samples
#
# about σ/√B while B is much smaller than N: four times the batch, half the noise.
#
# Measure it. Train the network for one epoch (so it is somewhere in the middle of training),
# then take the gradient of the whole training set, of every single image (for σ), and of 100
# random batches of each size:

# %%
def gradient(model, X, y):
    """The loss on (X, y) and its gradient, all parameters flattened into one vector."""
    model.zero_grad()
    loss = loss_fn(model(mn.Tensor(X)), y)
    loss.backward()
    g = np.concatenate([p.grad.ravel() for p in model.parameters()]).astype(np.float64)
    model.zero_grad()
    return loss.item(), g


mn.manual_seed(0)
model = new_model()
mn.fit(model, loss_fn, mn.optim.SGD(model.parameters(), lr=0.1), (X_train, y_train),
       epochs=1, batch_size=32, progress=False)

loss_all, g = gradient(model, X_train, y_train)
singles = [gradient(model, X_train[i:i + 1], y_train[i:i + 1]) for i in range(N)]
s = np.array([loss for loss, _ in singles]).std()      # the spread of one image's loss
sigma = np.sqrt(np.mean([np.sum((g_i - g) ** 2) for _, g_i in singles]))
print(f"‖g‖ = {np.linalg.norm(g):.2f}: the whole training set's gradient")
print(f"σ   = {sigma:.2f}: how far one image's gradient is from it, typically")

SIZES = [1, 4, 16, 64, 256]
DRAWS = 100
rng = mn.get_rng()
measured, predicted, batch_norms, loss_spread = {}, {}, {}, {}
print("\n    B   noise measured   predicted   ‖g_B‖ (rms)   spread of the batch loss")
for B in SIZES:
    draws = [gradient(model, X_train[idx], y_train[idx])
             for idx in (rng.choice(N, size=B, replace=False) for _ in range(DRAWS))]
    g_B = np.array([gb for _, gb in draws])
    measured[B] = np.sqrt(np.mean(np.sum((g_B - g) ** 2, axis=1)))
    predicted[B] = sigma * np.sqrt((N - B) / ((N - 1) * B))
    batch_norms[B] = np.sqrt(np.mean(np.sum(g_B ** 2, axis=1)))      # root mean square ‖g_B‖
    loss_spread[B] = np.std([loss for loss, _ in draws])
    if B == 16:
        g_16 = g_B                                              # kept for the next cell
    print(f"{B:5d}   {measured[B]:14.2f}   {predicted[B]:9.2f}   {batch_norms[B]:11.2f}"
          f"   {loss_spread[B]:10.3f}")

# %% [markdown]
# The formula holds: the measured noise is the predicted one, from a batch of 1 to a batch of 256.
# A single image's gradient is off by several times the size of the gradient it stands for; a
# batch of 256 by a fraction of it. The batch's loss, the number `fit` records at each step,
# spreads the same way, by s/√B, where s is the spread of the single images' losses.

# %% tags=["check"]
worst = max(abs(measured[B] / predicted[B] - 1) for B in SIZES)
assert worst < 0.2, \
    f"the measured noise is the predicted σ/√B (with N's correction) to 20% ({worst:.0%})"
assert measured[1] > 2 * np.linalg.norm(g), \
    "one image's gradient is off by more than twice the size of the true gradient"
assert measured[256] < np.linalg.norm(g) / 2, \
    "a batch of 256's gradient is off by less than half the size of the true gradient"
worst_loss = max(abs(loss_spread[B] / (s * np.sqrt((N - B) / ((N - 1) * B))) - 1) for B in SIZES)
assert worst_loss < 0.25, \
    f"the batch loss spreads by s/√B (with N's correction) to 25% ({worst_loss:.0%})"

# %% [markdown]
# On average the batches' gradients are the true one: the mean of the 100 batches of 16 is off by
# the noise divided by √100, as a mean of 100 independent draws should be. And the noise adds to
# the gradient's *size*: on average
#
#     ‖g_B‖² = ‖g‖² + noise(B)²
#
# so the gradient norm a `Monitor` records on small batches is mostly noise. Read it as the size of
# the step, not as the size of the true gradient.

# %%
mean_off = np.linalg.norm(g_16.mean(axis=0) - g)
print(f"the mean of {DRAWS} batch gradients (B = 16) is off by {mean_off:.3f}; "
      f"noise / √{DRAWS} = {predicted[16] / np.sqrt(DRAWS):.3f}")
for B in SIZES:
    print(f"B = {B:3d}: ‖g_B‖ {batch_norms[B]:.2f}, √(‖g‖² + noise²) = "
          f"{np.hypot(np.linalg.norm(g), measured[B]):.2f}")

# %% tags=["check"]
assert mean_off < 2 * predicted[16] / np.sqrt(DRAWS), \
    "the batches' gradients average out to the true one (off by under twice noise/√100)"
assert all(abs(batch_norms[B] / np.hypot(np.linalg.norm(g), measured[B]) - 1) < 0.05
           for B in SIZES), \
    "a batch's gradient norm is √(‖g‖² + noise²), to 5%, at every batch size"

# %%
fig, (ax, ax2) = plt.subplots(1, 2, figsize=(10, 3.6))
ax.loglog(SIZES, [measured[B] for B in SIZES], "o", label="measured ‖g_B − g‖")
ax.loglog(SIZES, [predicted[B] for B in SIZES], "-", label="σ·√((N−B)/((N−1)·B))")
ax.axhline(np.linalg.norm(g), color="0.5", ls="--", label="‖g‖, the true gradient")
ax.set_xlabel("batch size B")
ax.set_title("how far a batch's gradient is from the true one")
ax.legend(fontsize=8)
ax2.loglog(SIZES, [loss_spread[B] for B in SIZES], "o", label="measured")
ax2.loglog(SIZES, [s * np.sqrt((N - B) / ((N - 1) * B)) for B in SIZES], "-",
           label="s·√((N−B)/((N−1)·B))")
ax2.set_xlabel("batch size B")
ax2.set_title("spread of the batch's loss")
ax2.legend(fontsize=8)
fig.tight_layout()
show(fig, "12_gradient_noise")

# %% [markdown]
# ## Many noisy steps or few accurate ones
#
# An epoch is one pass over the data, and the weights change once per batch: with B = 16 an epoch
# is 85 updates, with B = 256 only 6. Take the same start and plain SGD (lr 0.1), and give both
# the *same number of updates*: B = 256 for some epochs, B = 16 for as many batches (`fit`
# takes a list of batches as its training data). A `Monitor` records each step's gradient norm.

# %%
def batches(B, updates):
    """The first `updates` batches of B samples from shuffled passes over the training set."""
    out = []
    while len(out) < updates:
        order = mn.get_rng().permutation(N)
        out += [(X_train[order[i:i + B]], y_train[order[i:i + B]]) for i in range(0, N - B + 1, B)]
    return out[:updates]


def full_loss(model):
    return loss_fn(mn.Tensor(mn.train.predict(model, X_train)), y_train).item()


mn.manual_seed(1)
model = new_model()
start = model.state_dict()
runs = {}
for B in (256, 16):
    model.load_state_dict(start)
    monitor = mn.monitor.Monitor(model, every=1)
    data = (X_train, y_train) if B == 256 else batches(16, len(runs[256]["history"].step_loss))
    history = mn.fit(model, loss_fn, mn.optim.SGD(model.parameters(), lr=0.1), data,
                     epochs=EPOCHS if B == 256 else 1, batch_size=B, monitor=monitor,
                     progress=False)
    grads = monitor.get("grad_norm")
    runs[B] = {"history": history, "loss": full_loss(model),
               "grad": np.sqrt(sum(v ** 2 for v in grads.values())),     # all layers' weights
               "samples": B * len(history.step_loss) if B == 16 else EPOCHS * N}
updates = len(runs[16]["history"].step_loss)


def wobble(step_loss):
    """How much the per-step loss jumps around its trend: the spread of a straight line's misfit,
    over the second half of the run."""
    late = np.asarray(step_loss[len(step_loss) // 2:])
    t = np.arange(len(late))
    return np.std(late - np.polyval(np.polyfit(t, late, 1), t))


for B in (16, 256):
    r = runs[B]
    print(f"B = {B:3d}: {updates} updates on {r['samples']:5d} samples ({r['samples'] / N:4.1f} "
          f"epochs): training loss {r['loss']:.3f}, per-step loss wobbles by "
          f"{wobble(r['history'].step_loss):.3f}, gradient norm (median, second half) "
          f"{np.median(r['grad'][updates // 2:]):.2f}")
model.load_state_dict(start)
start_loss = full_loss(model)
progress = (start_loss - runs[16]["loss"]) / (start_loss - runs[256]["loss"])
print(f"from the starting loss {start_loss:.2f}, B = 16 made {progress:.0%} of B = 256's progress")
wobble_ratio = wobble(runs[16]["history"].step_loss) / wobble(runs[256]["history"].step_loss)
print(f"the wobble of B = 16 over that of B = 256: {wobble_ratio:.1f} "
      f"(noise alone predicts about √(256/16) = 4)")

fig, (ax, ax2) = plt.subplots(1, 2, figsize=(10, 3.6))
for B in (16, 256):
    ax.plot(np.arange(1, updates + 1), runs[B]["history"].step_loss, label=f"B = {B}")
    ax2.plot(np.arange(1, updates + 1), runs[B]["grad"], label=f"B = {B}")
ax.set_xlabel("update")
ax.set_title("the batch's loss at every update")
ax2.set_xlabel("update")
ax2.set_title("‖∂L/∂W‖ of the batch (Monitor), all layers")
ax.legend()
ax2.legend()
fig.tight_layout()
show(fig, "12_same_updates")

# %% [markdown]
# Update for update, B = 256 ends a little lower: its steps are more accurate. But B = 16 got
# most of the way there having looked at over ten times fewer samples: while a batch's noise is
# not much larger than the gradient, a step on 16 samples goes nearly where a step on 256 does.
#
# Its steps are choppier: its loss curve wobbles several times as much (the noise alone would make
# it √(256/16) = 4 times), and the gradient norm the `Monitor` records is larger, as
# ‖g_B‖² = ‖g‖² + noise² says.

# %% tags=["check"]
assert runs[256]["loss"] < runs[16]["loss"], \
    "after the same number of updates, B = 256's more accurate steps got a lower training loss"
assert progress > 0.8, f"... but B = 16 made more than 4/5 of B = 256's progress ({progress:.0%})"
assert runs[256]["history"].steps_per_epoch == [6] * EPOCHS and -(-N // 16) == 85, \
    "an epoch is 6 updates with B = 256, and 85 with B = 16"
assert runs[256]["samples"] > 10 * runs[16]["samples"], \
    "B = 256 looked at over ten times as many samples to make those updates"
assert wobble_ratio > 2, "B = 16's per-step loss wobbles more than twice as much as B = 256's"
assert np.median(runs[16]["grad"][updates // 2:]) > np.median(runs[256]["grad"][updates // 2:]), \
    "the Monitor records a larger gradient norm with B = 16: the noise adds to it"

# %% [markdown]
# ## The same epochs: a batch too large
#
# Training is usually given a budget of epochs, not of updates, and then the batch size decides
# how many updates there are. "A larger batch size will require training the network for more
# epochs to achieve the same level of accuracy. Don't be scared to start with a very small batch
# size such as 16, 8, or even 1" (002, "You Used a too Large Batch Size").
#
# The catalog's mode `batch_too_large` is this experiment: a network of the same shape, SGD with
# lr 0.1 and 10 epochs, with the whole training set as one batch, or batches of 32 or 16:

# %%
mode = mn.failures.get("batch_too_large")
catalog = {fix: mode.run(fix=fix, quick=QUICK) for fix in ("none", "batch_32", "batch_16")}
print("batch                updates   validation accuracy   finds")
for fix, run in catalog.items():
    name = "the whole set" if fix == "none" else fix.replace("_", " of ")
    print(f"{name:<20} {run.symptoms['updates']:7.0f}   {run.symptoms['val_accuracy']:19.1%}   "
          f"{', '.join(sorted(run.findings.codes)) or 'nothing'}")

# %% [markdown]
# The whole set as one batch makes one update per epoch: ten steps, each very accurate, and the
# network is still far from trained when the budget ends. `mn.diagnose` sees the validation loss
# still falling steeply (`still_improving`). Batches of 32 or 16 make 420 or 840 updates in the
# same epochs and reach over 95%. (`minnet failures show batch_too_large` has the knobs: try a
# larger `lr` or more `epochs` for the whole batch.)

# %% tags=["check"]
assert catalog["none"].symptoms["updates"] == 10, "the whole set as one batch makes 10 updates"
assert catalog["none"].shows_symptom and catalog["none"].symptoms["val_accuracy"] < 0.8, \
    "with the whole set as one batch the validation accuracy stays under 80% after 10 epochs"
assert "still_improving" in catalog["none"].findings.codes, \
    "diagnose finds the full-batch run still improving when it stopped"
assert [catalog[f].symptoms["updates"] for f in ("batch_32", "batch_16")] == [420, 840], \
    "batches of 32 or 16 make 420 or 840 updates"
assert all(catalog[f].symptoms["val_accuracy"] > 0.95 for f in ("batch_32", "batch_16")), \
    "batches of 32 or 16 reach over 95% in the same 10 epochs"

# %% [markdown]
# ## Batch norm: the batch's statistics in training, running averages in evaluation
#
# Lesson 6 put a `BatchNorm1D` after every hidden `Dense` layer. For each unit it normalizes over
# the batch, then scales by γ and shifts by β, two parameters it learns (γ starts at 1, β at 0):
#
#     training:    x̂ = (x − mean of the batch) / √(variance of the batch + ε)      y = γ·x̂ + β
#     evaluation:  the same with running_mean and running_var in place of the batch's numbers
#
# Every training step also updates the running statistics, an exponential moving average with
# momentum 0.1 (the variance taken unbiased, with B − 1):
#
#     running_mean ← 0.9 · running_mean + 0.1 · mean of the batch        (starts at 0)
#     running_var  ← 0.9 · running_var  + 0.1 · variance of the batch    (starts at 1)
#
# One training-mode forward pass of a fresh network, and the running statistics after it:

# %%
mn.manual_seed(2)
bn_model = new_model(batch_norm=True)
bn = bn_model[1]
xb = X_train[:32]
with mn.no_grad():
    dense_out = bn_model[0](mn.Tensor(xb)).data        # what the BatchNorm1D sees
    bn_model(mn.Tensor(xb))                           # a fresh model is in training mode
print(bn_model)
print(f"running_mean[:3] = {bn.running_mean[:3]}   "
      f"0.1 · batch mean = {0.1 * dense_out.mean(0)[:3]}")
print(f"running_var[:3]  = {bn.running_var[:3]}   0.9 + 0.1 · batch variance = "
      f"{0.9 + 0.1 * dense_out.var(0, ddof=1)[:3]}")

# %% tags=["check"]
assert np.allclose(bn.running_mean, 0.1 * dense_out.mean(0), rtol=1e-4, atol=1e-6), \
    "after one step, running_mean = 0.9 · 0 + 0.1 · the batch's mean"
assert np.allclose(bn.running_var, 0.9 + 0.1 * dense_out.var(0, ddof=1), rtol=1e-4), \
    "after one step, running_var = 0.9 · 1 + 0.1 · the batch's unbiased variance"

# %% [markdown]
# Now train it, with batches of 32. By the end the running statistics are mostly the last 20 or
# so batches (each step keeps 0.9 of the past, and 0.9²⁰ ≈ 0.12), so they should be close to the
# statistics of the whole training set, measured at the final weights:

# %%
mn.manual_seed(2)
bn_model = new_model(batch_norm=True)
bn = bn_model[1]
bn_history = mn.fit(bn_model, loss_fn, mn.optim.SGD(bn_model.parameters(), lr=0.1),
                    (X_train, y_train), val=(X_val, y_val), epochs=EPOCHS // 2, batch_size=32,
                    progress=False)
dense_all = mn.monitor.layer_outputs(bn_model, X_train)["0"]    # the first Dense, on every image
mean_off = np.abs(bn.running_mean - dense_all.mean(0)) / dense_all.std(0)
var_ratio = bn.running_var / dense_all.var(0)
print(f"validation accuracy {bn_history.val_acc[-1]:.1%}")
print(f"running_mean vs the whole set's mean: off by {np.median(mean_off):.3f} std (median unit)")
print(f"running_var / the whole set's variance: {np.median(var_ratio):.3f} (median unit)")
print(f"after fit, the model is in training mode: {bn_model.training}")

# %% [markdown]
# One batch's mean is off by σ/√32 ≈ 0.18 of a standard deviation (the same law as the
# gradient's); the moving average of about 20 of them brings that well under 0.1. Note the last
# line: `fit` leaves the model in training mode, ready for more training.

# %% tags=["check"]
assert np.median(mean_off) < 0.1, \
    "the running mean is within 0.1 standard deviation of the whole training set's mean"
assert abs(np.median(var_ratio) - 1) < 0.1, \
    "the running variance is within 10% of the whole training set's variance"
assert bn_model.training, "fit leaves the model in training mode"

# %% [markdown]
# ## One image, two batches
#
# In training mode an image's output depends on which other images share its batch; in
# evaluation mode it does not. And a batch of one image has no spread to divide by, x − mean is
# 0 for every unit: minnet refuses it in training mode, and answers in evaluation mode.
# `mn.train.predict` always predicts in evaluation mode.

# %%
first = X_val[:1]
with mn.no_grad():
    bn_model.train()
    train_a = bn_model(mn.Tensor(np.concatenate([first, X_val[1:32]]))).data[0]
    train_b = bn_model(mn.Tensor(np.concatenate([first, X_val[32:63]]))).data[0]
    try:
        bn_model(mn.Tensor(first))
        alone = "accepted"
    except ValueError as error:
        alone = "refused"
        print(f"training mode, a batch of 1: {error}\n")
    bn_model.eval()
    eval_a = bn_model(mn.Tensor(np.concatenate([first, X_val[1:32]]))).data[0]
    eval_b = bn_model(mn.Tensor(np.concatenate([first, X_val[32:63]]))).data[0]
    eval_alone = bn_model(mn.Tensor(first)).data[0]
print("the first validation image's scores differ by up to")
print(f"  training mode, two batches:   {np.abs(train_a - train_b).max():.3f}")
print(f"  evaluation mode, two batches: {np.abs(eval_a - eval_b).max():.1e}")
print(f"  evaluation mode, alone:       {np.abs(eval_a - eval_alone).max():.1e}")

# %% tags=["check"]
assert np.abs(train_a - train_b).max() > 0.01, \
    "in training mode the same image gets other scores in another batch"
assert np.abs(eval_a - eval_b).max() < 1e-4 and np.abs(eval_a - eval_alone).max() < 1e-4, \
    "in evaluation mode its scores are the same in any batch, and alone (to float32 rounding)"
assert alone == "refused", "in training mode a batch of one image is refused"

# %% [markdown]
# ## A model left in training mode
#
# Lesson 11 left dropout on when predicting. Batch norm left in training mode is the same mistake
# with another face: the model normalizes with the statistics of whatever batch it is given. On
# large mixed batches that is nearly harmless (their statistics are close to the training set's,
# as in lesson 10). A program that predicts a few images at a time is another matter. The
# trained model, called directly while still in training mode, on the validation set in batches
# of 64, 8 and 2:

# %%
def accuracy_in_training_mode(model, batch):
    """Validation accuracy when the model is called on batches of `batch` in training mode
    (the images that do not fill a last batch are left out)."""
    model.train()
    n = len(X_val) - len(X_val) % batch
    with mn.no_grad():
        scores = np.concatenate([model(mn.Tensor(X_val[i:i + batch])).data
                                 for i in range(0, n, batch)])
    return mn.metrics.accuracy(y_val[:n], scores.argmax(axis=1))


eval_acc = mn.metrics.accuracy(y_val, mn.train.predict(bn_model, X_val).argmax(axis=1))
left_on = {batch: accuracy_in_training_mode(bn_model, batch) for batch in (64, 8, 2)}
print(f"evaluation mode (mn.train.predict): {eval_acc:.1%}")
for batch, acc in left_on.items():
    print(f"training mode, batches of {batch:2d}:     {acc:.1%}")

# %% tags=["check"]
assert abs(left_on[64] - eval_acc) < 0.03, \
    "in training mode on batches of 64 the accuracy is within 3 points of evaluation mode"
assert left_on[64] > left_on[8] > left_on[2], "the smaller the batches, the lower the accuracy"
assert eval_acc - left_on[2] > 0.2, "on batches of 2 it loses more than 20 points"

# %% [markdown]
# `mn.diagnose`, given the model and the data, feeds it the same inputs in batches of two sizes,
# in the mode it is in, and sees the difference:

# %%
bn_model.train()                         # as fit left it
left_report = mn.diagnose(bn_history, bn_model, train=(X_train, y_train), val=(X_val, y_val))
print(left_report)
bn_model.eval()
eval_report = mn.diagnose(bn_history, bn_model, train=(X_train, y_train), val=(X_val, y_val))

# %% tags=["check"]
assert "stochastic_inference" in left_report.codes, \
    "in training mode, diagnose finds predictions that depend on the batch"
assert "stochastic_inference" not in eval_report.codes, "after model.eval() it finds no such thing"

# %% [markdown]
# ## Batch norm with tiny batches
#
# Training needs batches too, and tiny ones hurt batch norm the same way. Take B = 2. For each
# unit the batch holds two values a and b: their mean is (a + b)/2 and their variance (a − b)²/4,
# so
#
#     x̂ = ((a − b)/2) / √((a − b)²/4 + ε) = ±1      (unless a and b are within about √ε)
#
# In a batch of two, batch norm keeps only which of the two is larger. Look at the normalized
# values of a fresh network on one batch of two images (γ = 1 and β = 0, so y = x̂):

# %%
mn.manual_seed(3)
tiny = new_model(batch_norm=True)
x_hat = mn.monitor.layer_outputs(tiny, X_train[:2], training=True)["1"]
print(np.round(x_hat[:, :8], 4))
on_one = np.mean(np.abs(np.abs(x_hat) - 1) < 0.01)
print(f"values within 1% of ±1: {on_one:.0%}")

# %% tags=["check"]
assert on_one > 0.9, "with B = 2, over 90% of the normalized values are ±1 (to 1%)"

# %% [markdown]
# The network learns from these signs. In evaluation mode the running statistics turn the same
# units into values all along the line, which it never saw in training. Train the same network
# with B = 2 and B = 32, and without batch norm at B = 2, each for the same number of updates
# (SGD, lr 0.1, the same start), and look at the normalized values x̂ the B = 2 network gets in
# evaluation mode, on the validation images:

# %%
UPDATES = 150 if QUICK else 300
tiny_runs = {}
for name, with_bn, B in [("batch norm, B = 2", True, 2), ("no batch norm, B = 2", False, 2),
                         ("batch norm, B = 32", True, 32)]:
    mn.manual_seed(3)
    model = new_model(batch_norm=with_bn)
    mn.fit(model, loss_fn, mn.optim.SGD(model.parameters(), lr=0.1), batches(B, UPDATES),
           epochs=1, progress=False)
    tiny_runs[name] = mn.metrics.accuracy(y_val, mn.train.predict(model, X_val).argmax(axis=1))
    print(f"{name:<22} validation accuracy after {UPDATES} updates: {tiny_runs[name]:.1%}")
    if name == "batch norm, B = 2":
        norm = model[1]
        dense_val = mn.monitor.layer_outputs(model, X_val, training=False)["0"]
        x_hat_eval = (dense_val - norm.running_mean) / np.sqrt(norm.running_var + norm.eps)
on_one_eval = np.mean(np.abs(np.abs(x_hat_eval) - 1) < 0.01)
print(f"B = 2, evaluation mode: values of x̂ within 1% of ±1: {on_one_eval:.0%}")

# %% [markdown]
# In evaluation mode hardly any of the values are ±1 (under a tenth): the network is used on
# inputs unlike the ones it trained on. With batches of 2, batch norm makes the network worse
# than no batch norm at all; with batches of 32 it is the best of the three. The batch
# statistics are estimates, as noisy as the batch's gradient (σ/√B), and from two samples they
# are not worth normalizing by. Give batch norm batches large enough for its statistics to mean
# something (32 did here), or leave it out when the batches must be tiny.

# %% tags=["check"]
assert on_one_eval < 0.1, "in evaluation mode under 10% of the B = 2 network's x̂ are ±1 (to 1%)"
assert tiny_runs["batch norm, B = 2"] < tiny_runs["no batch norm, B = 2"], \
    "with B = 2, the network with batch norm does worse than without"
assert tiny_runs["batch norm, B = 32"] > max(tiny_runs["batch norm, B = 2"],
                                             tiny_runs["no batch norm, B = 2"]), \
    "with B = 32, batch norm does better than either at B = 2"

# %% [markdown]
# ## What you saw
#
# - A batch's gradient is the true gradient plus noise of size σ·√((N − B)/((N − 1)·B)) ≈ σ/√B:
#   measured, it agrees. The batch's loss spreads the same way, and a `Monitor`'s gradient norm
#   on small batches is mostly that noise (‖g_B‖² = ‖g‖² + noise²).
# - For the same number of updates a large batch goes a little further, but a small one needs
#   many times fewer samples. For the same epochs the whole set as one batch makes too few updates
#   (`minnet failures run batch_too_large`); 002 says start small: 16, 8, even 1.
# - Batch norm normalizes with the batch's own statistics in training, and with running averages
#   (momentum 0.1) in evaluation. In training mode an image's output depends on its batch, and a
#   batch of one is refused.
# - A model left in training mode predicts worse the smaller its batches; `mn.train.predict`
#   switches to evaluation mode, and `mn.diagnose` finds `stochastic_inference` otherwise.
# - In batches of 2 batch norm keeps only signs, and the network learns worse than without it.
#
# Next, lesson 13: problems in the data itself — wrong labels, a swapped class, imbalance.
