# %% [markdown]
# # Lesson 4: A first network on real data
#
# Train a small network on 1,797 real handwritten digits: look at the data, split and scale it,
# check before training, train, read the curves, and see which digits it mixes up.
#
# The habits of this lesson come back in every later one: look at the data before anything else,
# run `mn.preflight` before training, watch the run with a monitor, and let `mn.diagnose` read it
# afterwards.

# %%
import matplotlib.pyplot as plt
import numpy as np

import minnet as mn
from minnet.lessons import show

nn = mn.nn
EPOCHS = 15                # passes over the training set

# %% [markdown]
# ## The data
#
# `mn.data.load_digits()` reads the UCI handwritten digits, which come with minnet: 8×8 grey
# images, each pixel a whole number from 0 (blank) to 16 (full ink), flattened into 64 numbers,
# and the digit each one shows.

# %%
X, y = mn.data.load_digits()
counts = np.bincount(y)
print(f"X: {X.shape} {X.dtype}, pixel values {X.min():.0f} to {X.max():.0f}")
print(f"y: {y.shape}, the digits {y.min()} to {y.max()}")
print(f"images per digit: {counts.tolist()}")

fig, axes = plt.subplots(2, 10, figsize=(10, 2.6))
for ax, image, label in zip(axes.flat, X, y):
    ax.imshow(image.reshape(8, 8), cmap="gray_r", vmin=0, vmax=16)
    ax.set_title(str(label))
    ax.axis("off")
fig.suptitle("The first 20 digits and their labels")
fig.tight_layout()
show(fig, "04_digits")

# %% tags=["check"]
assert X.shape == (1797, 64) and y.shape == (1797,), \
    "1,797 images of 64 pixels, one label each"
assert np.array_equal(X, np.round(X)) and X.min() == 0 and X.max() == 16, \
    "pixels are whole numbers from 0 to 16"
assert counts.max() / counts.min() < 1.1, \
    "the ten digits are about equally common (within 10%)"

# %% [markdown]
# At 8×8 the digits are coarse: a few blobs of ink. Some are hard even for a person.
#
# ## Split, keeping every digit's share
#
# The network learns from the *training* set; the *validation* set, which it never trains on,
# tells how it does on digits it has not seen. `train_val_split` with `stratify=True` splits each
# digit on its own, so each gives 20% of its images to validation. A plain random split gives
# some digits a bigger share than others, by chance:

# %%
X_train, y_train, X_val, y_val = mn.data.train_val_split(
    X, y, val_fraction=0.2, stratify=True, seed=0)
plain_val = mn.data.train_val_split(X, y, val_fraction=0.2, seed=0)[3]
print(f"training {len(X_train)}, validation {len(X_val)}")
print(f"validation images per digit, stratified: {np.bincount(y_val).tolist()}")
print(f"                             plain:      {np.bincount(plain_val).tolist()}")

# %% tags=["check"]
assert np.all(np.abs(np.bincount(y_val) - 0.2 * counts) <= 0.5), \
    "stratified, every digit gives 20% of its images to validation (to the nearest image)"
assert np.ptp(np.bincount(plain_val)) > np.ptp(np.bincount(y_val)), \
    "the plain split's digit counts in validation spread wider than the stratified split's"

# %% [markdown]
# ## Standardize, with the training set's numbers
#
# Networks expect inputs of mean about 0 and spread about 1; pixels from 0 to 16 are far from it.
# Subtract a mean and divide by a standard deviation:
#
#     x' = (x − mean) / std
#
# `Standardizer(axis=(0, 1))` takes *one* mean and *one* std over every pixel of every training
# image: all 64 pixels are ink in the same unit, so they share one scale. (One pair per pixel, the
# default, would have to divide by zero: some pixels are blank in every training image.)
#
# `fit` sees the **training set only**. The validation set stands in for digits the network will
# meet later; its numbers must not shape anything it is trained with, or the validation score
# stops being a fair test. Both sets are then transformed with the same training numbers.

# %%
scaler = mn.data.Standardizer(axis=(0, 1)).fit(X_train)
X_train_s, X_val_s = scaler.transform(X_train), scaler.transform(X_val)
blank = np.flatnonzero(X_train.max(axis=0) == 0)
print(f"the training set's mean {scaler.mean_:.3f} and std {scaler.std_:.3f}")
print(f"training, standardized:   mean {X_train_s.mean():+.4f}  std {X_train_s.std():.4f}")
print(f"validation, standardized: mean {X_val_s.mean():+.4f}  std {X_val_s.std():.4f}")
print(f"pixels blank in every training image: {blank.tolist()}")

# %% tags=["check"]
assert abs(X_train_s.mean()) < 1e-5 and abs(X_train_s.std() - 1) < 1e-5, \
    "the training set is standardized to mean 0 and std 1"
assert 1e-4 < abs(X_val_s.mean()) < 0.1 and abs(X_val_s.std() - 1) < 0.1, \
    "the validation set is close to mean 0 and std 1, not exactly: it used training numbers"
assert len(blank) > 0, "some pixels are blank in every training image"

# %% [markdown]
# ## The network
#
# 64 inputs, a hidden layer of 64 ReLU units, and 10 outputs, one score per digit; the
# cross-entropy loss turns the scores into how wrong the network is. The hidden layer starts with
# He initialization, the default, made for layers followed by ReLU. The output layer starts with
# small weights (std 0.01): all ten scores start near 0, so the untrained network is honestly
# unsure, and its loss starts at the loss of a uniform guess among ten digits, ln 10 ≈ 2.30 — as
# Karpathy's recipe for training networks advises. Lesson 5 is about initialization.

# %%
mn.manual_seed(0)
model = nn.Sequential(nn.Dense(64, 64), nn.ReLU(),
                      nn.Dense(64, 10, init=mn.init.normal(0.01)))
loss_fn = mn.losses.CrossEntropyLoss()
initial_loss, _ = mn.train.evaluate(model, loss_fn, (X_train_s, y_train))
print(f"loss before training: {initial_loss:.4f}   ln 10 = {np.log(10):.4f}")

# %% tags=["check"]
assert abs(initial_loss - np.log(10)) < 0.05, \
    "before training, the loss is within 0.05 of ln 10: the network starts unsure"

# %% [markdown]
# ## Before training: `mn.preflight`
#
# Before spending any time on training, `mn.preflight` runs the checks the debugging guides start
# with. First on the raw pixels, to see it catch something:

# %%
raw = mn.preflight(model, loss_fn, (X_train, y_train), val=(X_val, y_val))
print(raw)

# %% [markdown]
# It sees inputs far from mean 0 and std 1, and names the fix. On the standardized pixels:

# %%
report = mn.preflight(model, loss_fn, (X_train_s, y_train), val=(X_val_s, y_val))
print(report)

# %% [markdown]
# "Checked" lists what it looked at: the data (NaN or inf, the scale of each feature, constant
# features, the classes in both splits), whether the last layer and the loss fit the labels, the
# initialization (symmetric units, scales through the layers, the loss against ln 10), one forward
# and backward pass (parameters with no gradient), and whether a copy of the model can learn 8
# samples by heart (one that cannot almost surely has a bug). The model itself is left untouched.

# %% tags=["check"]
assert "unnormalized_inputs" in raw.codes, \
    "on raw pixels, preflight warns: unnormalized inputs"
assert report.ok and len(report) == 0, \
    "on standardized pixels, preflight finds no problem at all"

# %% [markdown]
# ## Train, with a monitor
#
# `mn.fit` runs the training loop: batches of 64 shuffled images, forward, loss, backward, an Adam
# step. A `Monitor` rides along and records every 5th step what each layer does (gradient norms,
# the size of the updates, the activations, dead units).

# %%
monitor = mn.monitor.Monitor(model, every=5)
history = mn.fit(model, loss_fn, mn.optim.Adam(model.parameters(), lr=1e-2),
                 (X_train_s, y_train), val=(X_val_s, y_val), epochs=EPOCHS, batch_size=64,
                 monitor=monitor)
print(history.summary())

# %% [markdown]
# ## Read the curves
#
# Loss and accuracy after every epoch, for the training and the validation set:

# %%
show(history.plot(title="A first network on the digits"), "04_curves")
last = history.epochs_run
_, train_acc_now = mn.train.evaluate(model, loss_fn, (X_train_s, y_train))
best_epoch, best_loss = history.best("val_loss")
val_loss, train_loss = history.val_loss, history.train_loss
print(f"validation loss: {initial_loss:.3f} before training, {val_loss[0]:.3f} after "
      f"epoch 1, {val_loss[-1]:.3f} after epoch {last}")
print(f"                 lowest {best_loss:.3f}, after epoch {best_epoch}")
print(f"training loss:   {train_loss[0]:.3f} in epoch 1, "
      f"{train_loss[-1]:.4f} in epoch {last}")
print(f"the trained network on its training digits: {train_acc_now:.1%} right")

# %% [markdown]
# Both losses fall: the network learns, and what it learns carries over to digits it has not
# seen. The validation loss ends below a tenth of the ln 10 ≈ 2.30 it started from. Then the two
# part: the training loss keeps heading for 0, and by the end the network gets nearly every
# training digit right (over 99%), while the validation loss stays more than twice as high, and
# may creep up after its lowest point. The network knows its training digits better than new
# ones. A gap like this is normal while the validation accuracy holds up; when the validation loss
# turns up for good, the network is memorizing instead of learning (lesson 11).

# %% tags=["check"]
assert history.val_loss[-1] < initial_loss / 10, \
    "the validation loss ends below a tenth of its value before training"
assert train_acc_now > 0.99, "the trained network gets over 99% of its training digits right"
assert history.train_loss[-1] < history.val_loss[-1] / 2, \
    "the validation loss ends more than twice as high as the training loss"

# %% [markdown]
# ## After training: `mn.diagnose`
#
# `mn.diagnose` reads the finished run: the curves, the monitor's records, and (given the model
# and the data) the model's behaviour on the whole training set.

# %%
diagnosis = mn.diagnose(history, model, train=(X_train_s, y_train), val=(X_val_s, y_val))
print(diagnosis)

# %% tags=["check"]
assert diagnosis.ok and len(diagnosis) == 0, "diagnose finds no problem with this run"

# %% [markdown]
# It looked for the problems the later lessons are about (exploding or vanishing gradients, dead
# units, a learning rate too high or too low, overfitting, stopping too early, ...) and found
# none: a healthy run.
#
# Three of the instruments the monitor recorded, one line per layer: the gradient norm (lessons 6
# and 7), the update/weight ratio (lesson 9) and the fraction of dead units (lesson 8).

# %%
show(monitor.plot(metrics=["grad_norm", "update_ratio", "dead_fraction"]), "04_monitor")
last_ratio = {layer: values[-1] for layer, values in monitor.get("update_ratio").items()}
print("update/weight ratio at the last recorded step: "
      + ", ".join(f"layer {layer} {ratio:.1e}" for layer, ratio in last_ratio.items()))

# %% [markdown]
# One panel to read now: the update/weight ratio, how much a step changes a layer's weights
# compared with their size. cs231n's rule of thumb puts a healthy value around 10⁻³ (the green
# band, 10⁻⁴ to 10⁻²). Here it starts above the band, while the first steps make big changes,
# and settles inside it.

# %% tags=["check"]
ratios = monitor.get("update_ratio")
assert all(values[0] > 1e-2 for values in ratios.values()), \
    "every layer's update/weight ratio starts above 1e-2"
assert all(1e-4 < r < 1e-2 for r in last_ratio.values()), \
    "every layer's update/weight ratio ends between 1e-4 and 1e-2, around cs231n's 1e-3"

# %% [markdown]
# ## Predict, and count what it gets right
#
# `mn.train.predict` runs the model on new inputs (in evaluation mode, without building a graph)
# and returns its 10 scores per image; the predicted digit is the one with the highest score.

# %%
scores = mn.train.predict(model, X_val_s)
predicted = scores.argmax(axis=1)
accuracy = mn.metrics.accuracy(y_val, predicted)
print(f"scores {scores.shape}; validation accuracy {accuracy:.2%} "
      f"({np.sum(predicted != y_val)} of {len(y_val)} wrong)")

# %% [markdown]
# Is that good? Compare with something simple: the average image of each digit in the training
# set, and for each validation image the digit whose average image is nearest.

# %%
means = np.stack([X_train_s[y_train == d].mean(axis=0) for d in range(10)])
distances = ((X_val_s[:, None, :] - means[None, :, :]) ** 2).sum(axis=2)
baseline = mn.metrics.accuracy(y_val, distances.argmin(axis=1))
print(f"nearest average digit: {baseline:.2%} right; the network: {accuracy:.2%}")

# %% tags=["check"]
assert accuracy == history.val_acc[-1], "predict gives the validation accuracy fit reported"
assert accuracy > 0.95, "over 95% of the validation digits are recognised"
assert 1 - accuracy < (1 - baseline) / 2, \
    "the network makes fewer than half the mistakes of the nearest-average baseline"

# %% [markdown]
# ## Which digits does it mix up?
#
# The confusion matrix counts, for every true digit (row), what the network said (column). The
# diagonal is what it got right; everything off it is a mistake, and where it sits says which
# digits look alike to the network.

# %%
confusion = mn.metrics.confusion_matrix(y_val, predicted, num_classes=10)
mixed = confusion + confusion.T        # mistakes between a and b, in either direction
np.fill_diagonal(mixed, 0)
most = int(mixed.max())
pairs = [(a, b) for a in range(10) for b in range(a + 1, 10) if mixed[a, b] == most]
print(confusion)
for a, b in pairs:
    print(f"mixed up most: {a} and {b}, {most} times ({confusion[a, b]} times {a} "
          f"read as {b}, {confusion[b, a]} times {b} as {a})")

# %% tags=["check"]
assert np.array_equal(confusion.sum(axis=1), np.bincount(y_val)), \
    "each row of the confusion matrix adds up to that digit's validation images"
assert np.trace(confusion) == np.sum(predicted == y_val), \
    "its diagonal holds the right answers"
assert most == mixed.max() and all(mixed[a, b] == most for a, b in pairs), \
    "no other pair of digits is mixed up more often than the ones named"

# %% [markdown]
# The matrix as a picture, and the validation images behind the most frequent mix-up:

# %%
fig, (ax, strip) = plt.subplots(1, 2, figsize=(10, 4.4), width_ratios=(1, 1.2))
ax.imshow(confusion, cmap="Blues")
for (t, p), n in np.ndenumerate(confusion):
    if n:
        ax.text(p, t, str(n), ha="center", va="center", color="white" if t == p else "black")
ax.set_xticks(range(10))
ax.set_yticks(range(10))
ax.set_xlabel("predicted")
ax.set_ylabel("true")
ax.set_title(f"validation: {accuracy:.1%} right")

mistaken = [i for i in np.flatnonzero(predicted != y_val)
            if tuple(sorted((y_val[i], predicted[i]))) in pairs]
gap = np.full((8, 2), np.nan)          # blank columns between the images
row = np.hstack([part for i in mistaken for part in (X_val[i].reshape(8, 8), gap)])
strip.imshow(row, cmap="gray_r")
strip.set_xticks([10 * k + 3.5 for k in range(len(mistaken))])
strip.set_xticklabels([f"{y_val[i]}→{predicted[i]}" for i in mistaken])
strip.set_yticks([])
strip.set_frame_on(False)
named = ", ".join(f"{a} and {b}" for a, b in pairs)
strip.set_title(f"mixed up most: {named}\n(true→said)")
fig.tight_layout()
show(fig, "04_confusion")

# %% [markdown]
# With so few mistakes the counts are small: read them as a hint of which digits look alike at
# 8×8, not as a law.
#
# ## What you saw
#
# - Look at the data first: what an input is, its range, how many of each class.
# - Split with stratification; fit the scaler on the training set only, and apply it to both.
# - `mn.preflight` before training caught raw pixels; on standardized ones it found nothing.
# - The curves: both losses fall, the training loss much further: the network knows its training
#   digits better than new ones.
# - The monitor recorded every layer; `mn.diagnose` read the run and found nothing wrong.
# - `mn.train.predict` got over 95% of the unseen digits right, and the confusion matrix showed
#   which digits it mixes up.
#
# Next, lesson 5: initialization — what happens to the signal in a deep network when the first
# weights are too small, too large, or just right.
