# %% [markdown]
# # Lesson 13: Data problems
#
# Wrong labels, a swapped class, a rare class, a class missing from a split and an augmentation
# that changes labels: training runs through all five without an error, so look at the data, and
# at more than the accuracy.
#
# Every debugging guide starts in the same place. "The first step involves scrutinizing the input
# data. [...] Visual inspection of a subset of the data is crucial. Are labels accurately matched
# to their corresponding inputs?" (000). And it has to be done on purpose, because nothing else
# will tell you: "machine learning systems will fail silently in almost all cases" (002).
#
# This lesson makes five data mistakes on purpose with `mn.data`'s corruptions, trains on each,
# and asks which instrument notices: the picture, the accuracy, the confusion matrix, precision
# and recall, `mn.preflight` and `mn.diagnose`.

# %%
import math

import matplotlib.pyplot as plt
import numpy as np

import minnet as mn
from minnet.lessons import quick, show

nn = mn.nn
QUICK = quick()            # True under `minnet lesson 13 --quick`: fewer epochs for the shapes

# %% [markdown]
# ## The setting: lesson 4's digits
#
# The 8×8 digits, split 75/25 with every digit's share kept (`stratify=True`), standardized with
# the training set's numbers, and a network like lesson 4's: 64 inputs, 100 ReLU units, 10 scores.
# The validation labels are always the correct ones; only the *training* labels get corrupted, as
# when a batch of labelling work goes wrong. `train` is the whole training run, so that every
# section below changes only the data.

# %%
X, y = mn.data.load_digits()
X_train, y_train, X_val, y_val = mn.data.train_val_split(
    X, y, val_fraction=0.25, stratify=True, seed=0)
scaler = mn.data.Standardizer(axis=(0, 1)).fit(X_train)
X_train_s, X_val_s = scaler.transform(X_train), scaler.transform(X_val)
loss_fn = mn.losses.CrossEntropyLoss()


def train(labels, X=X_train_s, epochs=10, seed=0):
    """Lesson 4's network trained on X with the given labels; validated on the correct labels."""
    mn.manual_seed(seed)
    model = nn.Sequential(nn.Dense(64, 100), nn.ReLU(),
                          nn.Dense(100, 10, init=mn.init.normal(0.01)))
    history = mn.fit(model, loss_fn, mn.optim.Adam(model.parameters(), lr=1e-3),
                     (X, labels), val=(X_val_s, y_val), epochs=epochs, batch_size=64,
                     progress=False)
    return model, history


def predicted(model, X):
    return mn.train.predict(model, X).argmax(axis=1)


def look(images, labels, truth, title, name, names=None):
    """A row of images, each with the label it is trained with below it; red where that is wrong."""
    side = images.shape[-1]
    gap = np.full((side, 2), np.nan)                   # blank columns between the images
    fig, ax = plt.subplots(figsize=(0.75 * len(images), 1.5))
    ax.imshow(np.hstack([part for image in images for part in (image, gap)]), cmap="gray_r")
    ax.set_xticks([(side + 2) * i + (side - 1) / 2 for i in range(len(images))])
    ax.set_xticklabels([str(label if names is None else names[label]) for label in labels],
                       fontsize=8, rotation=0 if names is None else 45)
    for tick, label, true in zip(ax.get_xticklabels(), labels, truth):
        tick.set_color("black" if label == true else "tab:red")
    ax.set_yticks([])
    ax.set_frame_on(False)
    ax.set_title(title, fontsize=10)
    fig.tight_layout()
    show(fig, name)


clean_model, clean_history = train(y_train)
clean_train_acc = mn.metrics.accuracy(y_train, predicted(clean_model, X_train_s))
print(f"on the correct labels: training accuracy {clean_train_acc:.1%}, "
      f"validation accuracy {clean_history.val_acc[-1]:.1%}")

# %% [markdown]
# That is the run to compare every corrupted one with.
#
# ## 1. Label noise: some labels are simply wrong
#
# Say the labelling was done in a hurry: `mn.data.flip_labels` gives 30% of the training digits a
# wrong label, each drawn at random from the nine other digits. Before training anything, look at
# the first images, each with its label below it:

# %%
noise = 0.3
noisy, flipped = mn.data.flip_labels(y_train, noise, num_classes=10, seed=1, return_mask=True)
look(X_train[:16].reshape(-1, 8, 8), noisy[:16], y_train[:16],
     "the first 16 training digits and their labels (red: wrong)", "13_noisy_labels")
print(f"wrong labels among the first 16: {flipped[:16].sum()};  in the whole training set: "
      f"{flipped.sum()} of {len(y_train)} ({flipped.mean():.0%})")

# %% [markdown]
# A person sees at once that a label under a drawing of another digit is wrong. The network never
# will: to it a label is simply the answer. Train on the noisy labels and measure its accuracy
# twice on the training images: against the labels it was given, and against the correct ones.

# %%
noisy_model, noisy_history = train(noisy)
noisy_pred = predicted(noisy_model, X_train_s)
given_acc = mn.metrics.accuracy(noisy, noisy_pred)
true_acc = mn.metrics.accuracy(y_train, noisy_pred)
print(f"training accuracy against the labels it was given: {given_acc:.1%}   (1 − noise = "
      f"{1 - noise:.0%})")
print(f"                  against the correct labels:      {true_acc:.1%}")
on_flipped = noisy_pred[flipped]
print(f"on the {flipped.sum()} flipped images it answers the true digit for "
      f"{np.mean(on_flipped == y_train[flipped]):.1%}, the wrong label for "
      f"{np.mean(on_flipped == noisy[flipped]):.1%}")
print(f"validation accuracy: {noisy_history.val_acc[-1]:.1%}, against "
      f"{clean_history.val_acc[-1]:.1%} trained on correct labels")

# %% [markdown]
# The flips are random, so they carry no pattern: the 70% of labels that are right teach the
# digits, and the network answers the *true* digit for most flipped images too. It then disagrees
# with the label of nearly every flipped image, and its accuracy against the given labels is
# capped near 1 − noise = 70%, far below what it reaches on correct labels (over 95%).
#
# On new digits the noise costs a little accuracy and a lot of confidence. The labels say of a
# drawing of a 4 "a 4, 70% of the time", so the most a network trained on them should give the
# right digit is about 70%, and the loss of such an answer is −ln 0.7 ≈ 0.36 even when it is right.

# %%
print(f"validation loss: {noisy_history.val_loss[-1]:.3f} on noisy labels, "
      f"{clean_history.val_loss[-1]:.3f} on correct ones;  −ln(1 − noise) = "
      f"{-np.log(1 - noise):.3f}")

# %% tags=["check"]
assert given_acc < 1 - noise, \
    f"against its own noisy labels the network scores below 1 − noise = 70% ({given_acc:.1%})"
assert clean_train_acc > 0.95, "on correct labels it fits over 95% of its training digits"
assert true_acc > 0.9, \
    "against the correct labels the same network is right on over 90% of the training digits"
assert np.mean(on_flipped == y_train[flipped]) > 0.5, \
    "it answers the true digit for most of the flipped images"
assert np.mean(on_flipped != noisy[flipped]) > 0.9, \
    "it disagrees with the wrong label of over 90% of the flipped images"
gap = clean_history.val_acc[-1] - noisy_history.val_acc[-1]
assert gap < 0.1, f"the noise costs under 10 points of validation accuracy ({gap:.1%})"
assert noisy_history.val_loss[-1] > 2 * clean_history.val_loss[-1], \
    "... but it more than doubles the validation loss"
assert noisy_history.val_loss[-1] > -np.log(1 - noise), \
    "the noisy network's validation loss is above −ln(1 − noise) ≈ 0.36"

# %% [markdown]
# ### `mn.diagnose` points at the wrong labels
#
# That disagreement is a clue `mn.diagnose` uses. Given the trained model and its training data,
# it looks for training samples whose label the model *confidently contradicts*: it gives the label
# under 10% probability and answers another class.

# %%
noisy_report = mn.diagnose(noisy_history, noisy_model, train=(X_train_s, noisy),
                           val=(X_val_s, y_val))
print(noisy_report)
clean_report = mn.diagnose(clean_history, clean_model, train=(X_train_s, y_train),
                           val=(X_val_s, y_val))
print(clean_report)

# %% [markdown]
# The same rule by hand: the model's probabilities (softmax of its scores), the probability it
# gives each sample's label, and its answer. How many of the samples it names were really flipped,
# and how many of the flips did it find?

# %%
scores = mn.train.predict(noisy_model, X_train_s)
probs = np.exp(scores - scores.max(axis=1, keepdims=True))
probs /= probs.sum(axis=1, keepdims=True)
p_label = probs[np.arange(len(noisy)), noisy]
contradicted = (noisy_pred != noisy) & (p_label < 0.1)
named = noisy_report.get("noisy_labels").evidence if "noisy_labels" in noisy_report.codes else {}
share_flipped = flipped[contradicted].mean()
share_found = contradicted[flipped].mean()
print(f"contradicted: {contradicted.sum()} samples ({contradicted.mean():.1%}); "
      f"diagnose's fraction {named.get('fraction', 0):.1%}")
print(f"of those, really flipped: {share_flipped:.1%};   of the {flipped.sum()} flips, found: "
      f"{share_found:.1%}")

# %% tags=["check"]
assert "noisy_labels" in noisy_report.codes, "diagnose reports noisy labels on the noisy run"
assert "noisy_labels" not in clean_report.codes, "... and not on the run with correct labels"
assert np.isclose(contradicted.mean(), named["fraction"]), \
    "the rule by hand flags exactly the fraction diagnose reports"
assert share_flipped > 0.95, "over 95% of the contradicted samples really had a wrong label"
assert share_found > 0.5, "the contradicted samples are over half of all the flipped labels"

# %% [markdown]
# The fix 003 gives for noisy data is to clean it: "correcting errors". The contradicted samples
# are where to start; a person looks at each and writes the right digit. Here we know the right
# digits, so correct those (and only those) and train again. Watch the validation loss, where the
# noise did most of its harm:

# %%
corrected = noisy.copy()
corrected[contradicted] = y_train[contradicted]
corrected_model, corrected_history = train(corrected)
print(f"labels still wrong: {np.sum(corrected != y_train)} of {len(y_train)} "
      f"({np.mean(corrected != y_train):.1%}, from {noise:.0%})")
print(f"validation loss: noisy {noisy_history.val_loss[-1]:.3f}, corrected "
      f"{corrected_history.val_loss[-1]:.3f}, all correct {clean_history.val_loss[-1]:.3f}")

# %% tags=["check"]
assert np.mean(corrected != y_train) < noise / 3, \
    "correcting the contradicted samples leaves under a third of the wrong labels"
won_back = ((noisy_history.val_loss[-1] - corrected_history.val_loss[-1])
            / (noisy_history.val_loss[-1] - clean_history.val_loss[-1]))
assert won_back > 0.5, \
    f"retrained, the network wins back over half of the validation loss lost ({won_back:.0%})"

# %% [markdown]
# ## 2. A swapped class: consistently wrong
#
# Now one mistake, made everywhere: when the labels were typed in, the codes of 1 and 7 were
# crossed, so every 1 is labelled 7 and every 7 is labelled 1 (`mn.data.swap_labels`). 000 tells
# of exactly this: "a seemingly intractable accuracy plateau was ultimately traced to a labeling
# error; a single incorrect category assignment propagated through the dataset". Look at the
# training images labelled 1:

# %%
swapped = mn.data.swap_labels(y_train, 1, 7)
ones = np.flatnonzero(swapped == 1)[:12]
look(X_train[ones].reshape(-1, 8, 8), swapped[ones], y_train[ones],
     "training images labelled 1", "13_swapped_class")

swap_model, swap_history = train(swapped)
swap_train_acc = mn.metrics.accuracy(swapped, predicted(swap_model, X_train_s))
print(f"training accuracy (its labels): {swap_train_acc:.1%}, on correct labels "
      f"{clean_train_acc:.1%}")
print(f"training loss at the end:       {swap_history.train_loss[-1]:.3f}, on correct labels "
      f"{clean_history.train_loss[-1]:.3f}")
print(f"validation accuracy:            {swap_history.val_acc[-1]:.1%}, on correct labels "
      f"{clean_history.val_acc[-1]:.1%}")

# %% [markdown]
# Every one is a 7. The figure shows it in a second; the training run does not show it at all.
# A consistent error is a pattern like any other, and the network learns "this shape is called 1"
# as easily as the truth: training accuracy and loss are as good as on correct labels. Only on
# correctly labelled data does it show, as a plateau: the validation accuracy drops by about the
# 1s' and 7s' share of the validation set.
#
# The confusion matrix says where the accuracy went. Rows are the true digit, columns the answer:

# %%
swap_val_pred = predicted(swap_model, X_val_s)
C = mn.metrics.confusion_matrix(y_val, swap_val_pred, num_classes=10)
print(C)
recall = mn.metrics.recall(y_val, swap_val_pred, num_classes=10)
precision = mn.metrics.precision(y_val, swap_val_pred, num_classes=10)
print("recall    (of each digit, the share found):  " + " ".join(f"{r:.2f}" for r in recall))
print("precision (of each answer, the share right): " + " ".join(f"{p:.2f}" for p in precision))
pair_share = np.mean(np.isin(y_val, (1, 7)))
drop = clean_history.val_acc[-1] - swap_history.val_acc[-1]
called_other = (C[1, 7] + C[7, 1]) / (C[1].sum() + C[7].sum())
C_clean = mn.metrics.confusion_matrix(y_val, predicted(clean_model, X_val_s), num_classes=10)
recognised = (C_clean[1, 1] + C_clean[7, 7]) / (C_clean[1].sum() + C_clean[7].sum())
print(f"1s and 7s: {pair_share:.1%} of the validation set; the accuracy dropped {drop:.1%}")
print(f"{called_other:.1%} of them are called the other digit; trained on correct labels, "
      f"{recognised:.1%} were called by their own")
rest = [d for d in range(10) if d not in (1, 7)]
recall_clean = mn.metrics.recall(y_val, predicted(clean_model, X_val_s), num_classes=10)
print(f"the other eight digits' recall, on average: {recall[rest].mean():.3f} "
      f"(trained on correct labels: {recall_clean[rest].mean():.3f})")

# %% tags=["check"]
assert np.all(y_train[swapped == 1] == 7), "every training image labelled 1 shows a 7"
assert abs(swap_train_acc - clean_train_acc) < 0.02, \
    "on swapped labels the training accuracy is within 2 points of the one on correct labels"
assert abs(swap_history.train_loss[-1] / clean_history.train_loss[-1] - 1) < 0.1, \
    "... and the training loss within 10% of the one on correct labels"
assert abs(drop - pair_share) < 0.05, \
    "the validation accuracy drops by the 1s' and 7s' share of the validation set (within 5 points)"
assert abs(called_other - recognised) < 0.05, \
    "as many 1s and 7s are called the other digit as were recognised on correct labels (within 5 " \
    "points): every one it recognises, it names wrong"
assert recall[1] < 0.1 and recall[7] < 0.1 and precision[1] < 0.1 and precision[7] < 0.1, \
    "recall and precision of 1 and 7 are both under 0.1: the pair is learned the wrong way round"
assert abs(recall[rest].mean() - recall_clean[rest].mean()) < 0.02, \
    "the other eight digits are found as well as on correct labels (within 2 points)"

# %% [markdown]
# The two cells, 1→7 and 7→1, hold nearly all the 1s and 7s, and the other digits do as well as
# ever. A pair of large off-diagonal cells facing each other is the fingerprint of a
# swapped pair of classes.
#
# And `mn.diagnose`?

# %%
swap_report = mn.diagnose(swap_history, swap_model, train=(X_train_s, swapped),
                          val=(X_val_s, y_val))
print(swap_report)
swap_gap = swap_history.train_acc[-1] - swap_history.val_acc[-1]

# %% [markdown]
# It does not see the labels: the model agrees with its training labels as well as it does with
# correct ones, so `noisy_labels` rightly stays silent. No check on the training data can see a
# consistent renaming; only data labelled correctly can. What diagnose does see is the
# consequence, training accuracy over 15 points above validation, and it names the usual reason
# for that gap, overfitting (lesson 11): true of the numbers, wrong about the cause, which is in
# the labels. A finding says where to look; looking is still your job.

# %% tags=["check"]
assert "noisy_labels" not in swap_report.codes, \
    "on the swapped labels diagnose finds no noisy labels: the model agrees with them all"
assert "overfitting" in swap_report.codes and swap_gap > 0.15, \
    f"it reports overfitting, the gap of {swap_gap:.0%} between training and validation accuracy"

# %% [markdown]
# ## 3. A rare class: accuracy that means nothing
#
# Imbalanced data "can bias the network toward the dominant group, ignoring the underrepresented
# ones" (003). The digits are balanced, so take a toy set made for it: two overlapping clouds of
# points (`mn.data.blobs`, centres 1.5 standard deviations apart), cut by `mn.data.make_imbalanced`
# to 95 points of class 0 for every 5 of class 1, in training and validation alike. Look first:
# how many of each?

# %%
mn.manual_seed(2)
points, kinds = mn.data.blobs(8000, centers=[[0.0, 0.0], [1.5, 0.0]], noise=1.0)
points, kinds = mn.data.make_imbalanced(points, kinds, minority_class=1, ratio=5 / 95)
P_train, k_train, P_val, k_val = mn.data.train_val_split(
    points, kinds, val_fraction=0.5, stratify=True, seed=0)
counts = np.bincount(k_train)
majority_share = np.mean(k_val == 0)
print(f"training points per class: {counts.tolist()};  validation: {np.bincount(k_val).tolist()}")
print(f"answering 0 every time scores {majority_share:.1%} on validation")

# %% [markdown]
# Train a small network on it, and read it with the confusion matrix, recall and precision
# rather than accuracy alone. (The output layer starts small, as in lesson 4, and preflight skips
# its tiny-batch test, which is about bugs in a model: lesson 14.)

# %%
def train_points(weight=None, seed=0):
    mn.manual_seed(seed)
    model = nn.Sequential(nn.Dense(2, 16), nn.ReLU(), nn.Dense(16, 2, init=mn.init.normal(0.01)))
    loss = mn.losses.CrossEntropyLoss(weight=weight)
    report = mn.preflight(model, loss, (P_train, k_train), val=(P_val, k_val), overfit=False)
    mn.fit(model, loss, mn.optim.Adam(model.parameters(), lr=1e-2), (P_train, k_train),
           val=(P_val, k_val), epochs=10, batch_size=64, progress=False)
    answers = predicted(model, P_val)
    return model, report, answers


def read(answers):
    C = mn.metrics.confusion_matrix(k_val, answers, num_classes=2)
    acc = mn.metrics.accuracy(k_val, answers)
    rec, prec = mn.metrics.recall(k_val, answers), mn.metrics.precision(k_val, answers)
    print(f"  confusion matrix {C.tolist()}   accuracy {acc:.1%}")
    print(f"  class 1: recall {rec[1]:.1%}, precision {prec[1]:.1%}")
    return acc, rec[1], prec[1]


plain_model, plain_report, plain_answers = train_points()
print(plain_report)
print("trained on the 95/5 data as it is:")
plain_acc, plain_recall, plain_precision = read(plain_answers)

# %% [markdown]
# Accuracy: 95%, what answering 0 every time scores too. The recall of class 1, the share of its
# points the network finds, shows what accuracy hid: it misses most of them. Preflight said so
# before training: `class_imbalance`, a model can score 95% by ignoring the small class.
#
# This is what cross-entropy is asked to do. Where the clouds overlap, a point is 19 times as
# likely to be class 0, and a network that learns those odds answers 1 only where class 1 is the
# more likely even so. At even odds that boundary would be halfway between the centres, at
# x₁ = 0.75; at 19 to 1 it moves ln(19) / 1.5 ≈ 2 standard deviations further, to x₁ ≈ 2.7, past
# the centre of class 1 itself (x₁ = 1.5). The best possible classifier at these odds finds only
# Φ(0.75 − 1.96) ≈ 11% of class 1 (Φ, the normal distribution's cumulative probability), against
# Φ(0.75) ≈ 77% at even odds. Walk along the line x₂ = 0 and see where the network starts to
# answer 1:

# %%
def Phi(z):
    return 0.5 * (1 + math.erf(z / math.sqrt(2)))


shift = math.log(19) / 1.5
print(f"the boundary moves ln(19)/1.5 = {shift:.2f} standard deviations; the best recall of "
      f"class 1 at 95/5: {Phi(0.75 - shift):.1%}, at 50/50: {Phi(0.75):.1%}")
line = np.stack([np.linspace(-2, 6, 801), np.zeros(801)], axis=1).astype(np.float32)


def boundary(model):
    """Walking along x₂ = 0 from class 0's centre: where the network first answers 1."""
    answers = predicted(model, line)
    return line[np.argmax(answers == 1), 0] if answers.any() else np.inf


plain_boundary = boundary(plain_model)
print(f"the best boundary at 95/5: x₁ = {0.75 + shift:.2f};  the network's: "
      f"x₁ = {plain_boundary:.2f}")

# %% tags=["check"]
assert abs(plain_acc - majority_share) < 0.01, \
    "the network's accuracy is within 1 point of always answering the majority class"
assert plain_recall < 0.5, f"it misses most of class 1: recall {plain_recall:.0%}, under 50%"
assert "class_imbalance" in plain_report.codes, "preflight warns of the class imbalance"
assert Phi(0.75 - shift) < 0.15 < 0.75 < Phi(0.75), \
    "the best classifier at 95/5 finds under 15% of class 1, at even odds over 75%"
assert plain_boundary > 1.5, "the network's boundary lies past the centre of class 1 (x₁ > 1.5)"

# %% [markdown]
# ### The fix: make both classes count the same
#
# `mn.data.class_weights` gives each class the weight N / (K · N_c), so that both add up to the
# same total in the loss: a point of class 1 counts 19 times as much as one of class 0. (The
# other fix 003 names is oversampling: `mn.data.oversample` repeats the small class's points until
# both classes are as large. The catalog's `class_imbalance` mode has both.) Preflight judges the
# balance on count × weight:

# %%
weights = mn.data.class_weights(k_train)
print(f"class weights: {weights[0]:.3f} and {weights[1]:.3f} (ratio {weights[1] / weights[0]:.0f})")
weighted_model, weighted_report, weighted_answers = train_points(weight=weights)
print(weighted_report)
print("trained with class weights:")
weighted_acc, weighted_recall, weighted_precision = read(weighted_answers)
weighted_boundary = boundary(weighted_model)
print(f"the boundary along x₂ = 0: x₁ = {weighted_boundary:.2f}; halfway between the centres: 0.75")

# %% [markdown]
# Now most of class 1 is found, and the accuracy falls: weighted, the odds are even again, the
# boundary moves back between the centres, and inside the overlap the network answers 1 for many
# points of class 0 too. So the precision of class 1 is low: most of its answers 1 are points of
# class 0. Neither model is "right"; which mistake costs more (a missed illness or a needless
# test) decides. What is never right is judging either by accuracy alone.

# %% tags=["check"]
assert np.isclose(weights[1] / weights[0], counts[0] / counts[1]), \
    "with class weights, a point of class 1 counts N₀ / N₁ (here 19) times as much as a point " \
    "of class 0"
assert 0 < weighted_boundary < 1.5, "with class weights the boundary is back between the centres"
assert weighted_recall > 0.5, f"with class weights most of class 1 is found ({weighted_recall:.0%})"
assert weighted_acc < plain_acc, "... and the accuracy is lower than without them"
assert weighted_precision < 0.5, \
    f"... and most of its answers 1 are wrong: precision {weighted_precision:.0%}, under 50%"
assert "class_imbalance" not in weighted_report.codes, \
    "with the class weights in the loss, preflight no longer warns of the imbalance"

# %% [markdown]
# The two boundaries, drawn over the validation points, with the best one for each (dashed):

# %%
fig, axes = plt.subplots(1, 2, figsize=(10, 4), sharey=True)
low, high = P_val.min(axis=0) - 0.3, P_val.max(axis=0) + 0.3
grid_x, grid_y = np.meshgrid(np.linspace(low[0], high[0], 200), np.linspace(low[1], high[1], 150))
grid = np.stack([grid_x.ravel(), grid_y.ravel()], axis=1).astype(np.float32)
for ax, model, title, best in [
        (axes[0], plain_model, f"as it is: recall {plain_recall:.0%}", 0.75 + shift),
        (axes[1], weighted_model, f"class weights: recall {weighted_recall:.0%}", 0.75)]:
    area = predicted(model, grid).reshape(grid_x.shape)
    ax.contourf(grid_x, grid_y, area, levels=[-0.5, 0.5, 1.5], colors=["#dde8f5", "#f8dcdc"])
    for k, color in ((0, "tab:blue"), (1, "tab:red")):
        ax.scatter(*P_val[k_val == k].T, s=4 if k == 0 else 10, color=color, label=f"class {k}")
    ax.axvline(best, color="black", linestyle="--", linewidth=1,
               label=f"the best boundary, x₁ = {best:.2f}")
    ax.legend(loc="upper left", fontsize=8)
    ax.set_title(f"{title} (red area: answers 1)")
    ax.set_xlabel("x₁")
fig.tight_layout()
show(fig, "13_imbalance")

# %% [markdown]
# ## 4. A class missing from a split
#
# 000: "verify that each category is represented across the training, validation, and test
# sets". Suppose a cleaning step went wrong and dropped every 3 from the training split
# (`mn.data.remove_class`). The validation set still has its 3s. Look at the counts per split,
# or let preflight look:

# %%
X_no3, y_no3 = mn.data.remove_class(X_train_s, y_train, 3)
print(f"training images per digit:   {np.bincount(y_no3, minlength=10).tolist()}")
print(f"validation images per digit: {np.bincount(y_val, minlength=10).tolist()}")
no3_model, no3_history = train(y_no3, X=X_no3)
missing_report = mn.preflight(no3_model, loss_fn, (X_no3, y_no3), val=(X_val_s, y_val))
print(missing_report)

# %% [markdown]
# The network still has an output for 3, but every training step pushes that score down (each
# image says "not a 3") and none pushes it up. So 3 never wins:

# %%
no3_pred = predicted(no3_model, X_val_s)
C3 = mn.metrics.confusion_matrix(y_val, no3_pred, num_classes=10)
recall_no3 = mn.metrics.recall(y_val, no3_pred, num_classes=10)
recall_all = mn.metrics.recall(y_val, predicted(clean_model, X_val_s), num_classes=10)
others = [d for d in range(10) if d != 3]
print(f"the validation 3s were answered: {dict(enumerate(C3[3].tolist()))}")
print(f"times the network answered 3: {C3[:, 3].sum()}")
print(f"recall of 3: {recall_no3[3]:.2f};  of the other nine, on average: "
      f"{recall_no3[others].mean():.3f} "
      f"(trained with every digit: {recall_all[others].mean():.3f})")
share3 = np.mean(y_val == 3)
drop3 = clean_history.val_acc[-1] - no3_history.val_acc[-1]
print(f"validation accuracy {no3_history.val_acc[-1]:.1%}, {drop3:.1%} below the run with every "
      f"digit; the 3s are {share3:.1%} of the validation set")
no3_report = mn.diagnose(no3_history, no3_model, train=(X_no3, y_no3), val=(X_val_s, y_val))
print(no3_report)

# %% tags=["check"]
assert "missing_class" in missing_report.codes, \
    "preflight warns that a class is in validation but never in training"
assert C3[:, 3].sum() == 0 and recall_no3[3] == 0, \
    "the network never answers 3: its recall is exactly 0"
assert abs(recall_no3[others].mean() - recall_all[others].mean()) < 0.02, \
    "the other nine digits are found as well as when trained with all ten (within 2 points)"
assert abs(drop3 - share3) < 0.05, \
    "the validation accuracy drops by about the 3s' share of the validation set (within 5 points)"
assert no3_report.ok, "diagnose, reading the run and the training data, finds no problem"

# %% [markdown]
# The 3s went to other digits. The accuracy alone looks merely mediocre, and `mn.diagnose` finds
# nothing wrong with the run: the training data it reads has no 3 to get wrong. Only per-class
# numbers show a whole class at zero, and only preflight, which compares the splits, names the
# cause. The fix is lesson 4's split, `train_val_split(stratify=True)`, and a look at the counts
# per split before training.
#
# ## 5. An augmentation that changes the label
#
# Augmentation makes more training images by flipping or rotating the ones there are (003); it is
# safe only if the transformation keeps what the image shows. 000: "ensure the transformations are
# reasonable and that the augmentation pipeline isn't inadvertently altering the labels."
#
# A mirrored 2 is no longer a 2, but what is it? Shapes make it exact:
# `mn.data.shapes` draws squares, circles, slashes `/` and backslashes `\` at random places, and
# a mirrored `/` *is* a `\`. `mn.data.augment_images` mirrors half the training images left to
# right, as a random flip does, and keeps their labels. Look at the images labelled "slash":

# %%
NAMES = ("square", "circle", "slash", "backslash")
mn.manual_seed(3)
S, s = mn.data.shapes(600, size=12, classes=NAMES)
S_train, s_train, S_val, s_val = mn.data.train_val_split(S, s, val_fraction=0.25, stratify=True,
                                                         seed=0)
S_flip, s_flip, mirrored = mn.data.augment_images(S_train, s_train, "hflip", fraction=0.5,
                                                  return_mask=True, seed=1)
mirror_of = mn.data.shape_label_map("hflip", NAMES)      # {0: 0, 1: 1, 2: 3, 3: 2}
shows = np.where(mirrored, [mirror_of[c] for c in s_train], s_train)   # what each image shows now
slashes = np.flatnonzero(s_flip == 2)
look(S_flip[slashes[:12], 0], s_flip[slashes[:12]], shows[slashes[:12]],
     "augmented training images labelled slash", "13_augmentation", names=NAMES)
wrong_slash = np.mean(shows[slashes] != 2)
wrong_backslash = np.mean(shows[s_flip == 3] != 3)
print(f"images labelled slash that show a backslash: {wrong_slash:.0%};  "
      f"labelled backslash that show a slash: {wrong_backslash:.0%}")

# %% [markdown]
# Half the "slashes" are backslashes, and half the "backslashes" slashes: for these two classes
# the label has become a coin toss. Train a small convolutional network (lesson 15 opens it up) on
# the augmented images, and once more with the flipped images relabelled correctly:
# `label_map=mn.data.shape_label_map("hflip")` tells `augment_images` what each class becomes.

# %%
SHAPE_EPOCHS = 4 if QUICK else 10


def train_shapes(S_aug, s_aug, seed=0):
    mn.manual_seed(seed)
    model = nn.Sequential(nn.Conv2D(1, 8, 3), nn.ReLU(), nn.MaxPool2D(2),
                          nn.Conv2D(8, 16, 3), nn.ReLU(), nn.MaxPool2D(2),
                          nn.Flatten(), nn.Dense(16, len(NAMES)))   # 12 → 10 → 5 → 3 → 1 pixel
    history = mn.fit(model, loss_fn, mn.optim.Adam(model.parameters(), lr=3e-3), (S_aug, s_aug),
                     val=(S_val, s_val), epochs=SHAPE_EPOCHS, batch_size=32, progress=False)
    answers = predicted(model, S_val)
    C = mn.metrics.confusion_matrix(s_val, answers, num_classes=len(NAMES))
    mixed = (C[2, 3] + C[3, 2]) / (C[2].sum() + C[3].sum())
    return model, history, C, mixed


bad_model, bad_history, bad_C, bad_mixed = train_shapes(S_flip, s_flip)
S_good, s_good = mn.data.augment_images(S_train, s_train, "hflip", fraction=0.5,
                                        label_map=mirror_of, seed=1)
_, good_history, good_C, good_mixed = train_shapes(S_good, s_good)
print(f"labels kept:     validation accuracy {bad_history.val_acc[-1]:.1%}; slashes and "
      f"backslashes called the other: {bad_mixed:.0%}")
print(bad_C)
print(f"labels remapped: validation accuracy {good_history.val_acc[-1]:.1%}; slashes and "
      f"backslashes called the other: {good_mixed:.0%}")
bad_report = mn.diagnose(bad_history, bad_model, train=(S_flip, s_flip), val=(S_val, s_val))
pair = np.isin(s_val, (2, 3))
pair_scores = mn.train.predict(bad_model, S_val[pair])[:, 2:]           # slash, backslash
pair_probs = np.exp(pair_scores - pair_scores.max(axis=1, keepdims=True))
surest = np.mean(pair_probs.max(axis=1) / pair_probs.sum(axis=1))
print(f"between slash and backslash, the answer it is surer of gets {surest:.0%} on average")

# %% [markdown]
# With the labels kept, the network cannot tell `/` from `\`: taught that each is either, it
# cannot separate them, and a large share of the validation slashes and backslashes, correctly
# labelled, come out as their mirror image. (Squares and circles look the same in a mirror, so
# their labels stay right.) Relabelled, the same flips teach the right thing.
#
# Diagnose names nothing about the labels here either. Its rule wants labels the model
# *confidently* contradicts, and taught a coin toss the model is unsure: on a validation slash
# or backslash, the more likely of the two answers gets on average little more than half the
# probability (under 75%).

# %% tags=["check"]
assert 0.4 < wrong_slash < 0.6 and 0.4 < wrong_backslash < 0.6, \
    "about half the images labelled slash show a backslash, and the other way round (40-60%)"
assert bad_mixed >= 0.25, \
    f"with the labels kept, {bad_mixed:.0%} of the slashes and backslashes are called the other " \
    "(25% or more: nearer a coin toss than telling them apart)"
assert good_mixed < 0.1, "with the labels remapped, under 10% are"
assert mirror_of == {0: 0, 1: 1, 2: 3, 3: 2}, \
    "mirrored, a square stays a square and a circle a circle; a slash becomes a backslash and back"
assert 0.5 <= surest < 0.75, \
    f"on slashes and backslashes the model is unsure: the surer of the two gets {surest:.0%}"
assert "noisy_labels" not in bad_report.codes, \
    "diagnose reports no noisy labels: the model is unsure, not confidently wrong"

# %% [markdown]
# ## The catalog's data modes
#
# The five experiments of this lesson are in the catalog, each broken and fixed, with knobs to
# turn, next to more data problems from the sources that this lesson leaves to you (`minnet
# failures list` shows them all):

# %%
data_modes = {mode.name: mode.title for mode in mn.failures.catalog() if mode.lesson == 13}
for name, title in data_modes.items():
    print(f"{name:29} {title}")

# %% tags=["check"]
assert {"label_noise", "swapped_class", "class_imbalance", "missing_class_in_split",
        "label_changing_augmentation"} <= set(data_modes), \
    "the catalog holds this lesson's five data problems"

# %% [markdown]
# `minnet failures show swapped_class` tells a mode's sources, mechanism and knobs, and
# `minnet failures run label_noise --set noise=0.6` runs one with another setting. Try the noise
# at 0.1 and at 0.6: does diagnose still report `noisy_labels`? (Its rule asks only a model that
# agrees with at least half the labels of every class.)

# %% [markdown]
# ## What you saw
#
# - Look at the data first: a handful of images with their labels showed the wrong labels, the
#   swapped class and the label-changing flip at a glance; the swapped class never showed in
#   training at all.
# - Random label noise caps the accuracy against the given labels near 1 − noise, while the
#   network still learns the truth; `mn.diagnose` names the labels it confidently contradicts
#   (`noisy_labels`), and nearly all of them are wrong.
# - A consistent error (a swapped pair) is learned like the truth: training looks perfect, and
#   only correctly labelled data shows it, as a plateau and two facing cells in the confusion
#   matrix. Diagnose sees the gap, not the cause.
# - With 95/5 classes, 95% accuracy means nothing: per-class recall and precision tell.
#   Class weights trade accuracy, and the small class's precision, for its recall; preflight
#   warns (`class_imbalance`) until the loss is weighted.
# - A class missing from training is never predicted; preflight warns (`missing_class`).
# - An augmentation must keep what the image shows, or relabel it (`label_map`).
#
# Next, lesson 14: the debugging workflow, finding several planted problems in one script, in
# order.
