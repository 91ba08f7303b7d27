# %% [markdown]
# # Lesson 14: The debugging workflow
#
# A training script with four planted problems, found and fixed one at a time, in the order the
# debugging checklists take them: `mn.preflight`, the monitor, `mn.diagnose`, overfitting one
# batch, and `mn.gradcheck`.
#
# The sources agree on the order. The course slides (001, "Debugging Workflow"): check the data,
# start simple, monitor the gradients, validate your assumptions, and make one change at a time.
# "Debugging a Neural Network" (004) adds the sanity checks (the loss goes down; the model can
# overfit a tiny data set) and the unit tests (gradient checks). Karpathy's recipe for training
# networks says the same in other words: look at the data, check the loss at the start, overfit
# one batch, then tune.
#
# The rule that makes the order work is the last one on 001's list: **one change at a time**, and
# after each change look again. A fix should make its finding go away and nothing else; if other
# findings go with it, they had the same cause.

# %%
import contextlib
import textwrap
import warnings

import matplotlib.pyplot as plt
import numpy as np

import minnet as mn
from minnet.lessons import show

nn = mn.nn
EPOCHS = 10           # a small network: the whole lesson runs in seconds, --quick shrinks nothing


@contextlib.contextmanager
def quiet():
    """Hush NumPy's overflow warnings: once numbers blow up they come by the hundred, and fit
    reports the NaN loss itself (in history.diverged)."""
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        yield

# %% [markdown]
# ## The mystery script
#
# Someone hands you this script. It trains a small network on the digits of lesson 4 — and gets
# one digit in ten right, no better than guessing. Read it: the problems are all in plain sight,
# but nothing in it looks wrong at a glance.
#
# It has one hand-written piece, a tanh written as a `mn.Function` (lesson 2), and a layer that
# applies it:

# %%
class HandTanh(mn.Function):
    """tanh, written by hand: y = tanh(x)."""

    @staticmethod
    def forward(ctx, x):
        y = np.tanh(x)
        ctx.save_for_backward(x, y)
        return y

    @staticmethod
    def backward(ctx, grad):
        x, y = ctx.saved_tensors
        return grad * (1 - x ** 2)


class Activation(nn.Module):
    """A layer that applies a hand-written op."""

    def __init__(self, op):
        super().__init__()
        self.op = op

    def forward(self, x):
        return self.op.apply(x)


# %% [markdown]
# The rest of the script: the data, a network of one hidden layer, plain SGD. Its settings are
# gathered in a dictionary, so that each fix below changes exactly one entry of it.

# %%
X, y = mn.data.load_digits()
X_train_raw, y_train, X_val_raw, y_val = mn.data.train_val_split(
    X, y, val_fraction=0.2, stratify=True, seed=0)

MYSTERY = {"standardize": False, "softmax": True, "lr": 5.0, "tanh": HandTanh}


def build(settings):
    """The script's model, loss, learning rate and data, as the settings say."""
    mn.manual_seed(0)
    X_train, X_val = X_train_raw, X_val_raw
    if settings["standardize"]:
        scaler = mn.data.Standardizer(axis=(0, 1)).fit(X_train_raw)
        X_train, X_val = scaler.transform(X_train_raw), scaler.transform(X_val_raw)
    layers = [nn.Dense(64, 64, init="xavier"), Activation(settings["tanh"]),
              nn.Dense(64, 10, init="xavier")]
    if settings["softmax"]:
        layers.append(nn.Softmax())       # "the outputs should be probabilities"
    model = nn.Sequential(*layers)
    loss_fn = mn.losses.CrossEntropyLoss()
    lr = settings["lr"]
    if lr == "range test":                # measured, not guessed (fix 3 below)
        sgd = mn.optim.SGD(model.parameters(), lr=1e-3)
        with quiet():
            lr = mn.lr_find(model, loss_fn, sgd, (X_train, y_train), start_lr=1e-4,
                            end_lr=100).suggested_lr
    return model, loss_fn, lr, (X_train, y_train), (X_val, y_val)


def train(settings, every=1):
    """Build; train with SGD, batches of 32, a monitor recording every `every`-th step; diagnose."""
    model, loss_fn, lr, train_set, val_set = build(settings)
    monitor = mn.monitor.Monitor(model, every=every)
    with quiet():
        history = mn.fit(model, loss_fn, mn.optim.SGD(model.parameters(), lr=lr), train_set,
                         val=val_set, epochs=EPOCHS, batch_size=32, monitor=monitor,
                         progress=False)
        diagnosis = mn.diagnose(history, model, train=train_set, val=val_set)
    return model, history, diagnosis


# %% [markdown]
# Run it:

# %%
def outcome(history):
    """One line on how a run ended."""
    if history.diverged is not None:
        return f"the loss is NaN at step {history.diverged.global_step}"
    return f"{history.epochs_run} epochs, validation accuracy {history.val_acc[-1]:.1%}"


settings = dict(MYSTERY)
model, history, diagnosis = train(settings)
print(outcome(history))
print(f"validation accuracy {history.val_acc[-1]:.1%}")
print(textwrap.fill(f"fit says: {history.diverged.message}", 96))

# %% tags=["check"]
assert history.diverged is not None, "the mystery script's loss becomes NaN: it diverges"
assert history.val_acc[-1] <= 0.11, "it gets at most 11% of the validation digits right"

# %% [markdown]
# `fit` stopped with a guess (a learning rate too high?). It may be right, but a guess is not a
# diagnosis, and four things could be wrong at once. Work through the checklist instead.
#
# ## Step 1: check the data, before training
#
# First on 001's list: check the data. `mn.preflight` does that and more without training anything
# (lesson 4): the data, the model against the loss, the initialization, one forward and backward,
# and an attempt to overfit 8 samples on a copy of the model.

# %%
model, loss_fn, lr, train_set, val_set = build(settings)
report = mn.preflight(model, loss_fn, train_set, val=val_set)
print(report)
print(f"the pixels run from {X_train_raw.min():.0f} to {X_train_raw.max():.0f}")

# %% tags=["check"]
assert report.codes == {"unnormalized_inputs", "loss_mismatch", "cannot_overfit_batch"}, \
    "preflight finds three things: unnormalized inputs, a loss mismatch, a model that " \
    "cannot overfit 8 samples"
assert (X_train_raw.min(), X_train_raw.max()) == (0, 16), "the raw pixels run from 0 to 16"

# %% [markdown]
# Three findings, worst first. The checklist takes the data first, since everything downstream
# sees it: the pixels run from 0 to 16, and networks expect mean 0 and std 1 (lesson 10). One
# change: standardize, with the training set's mean and std, as in lesson 4.

# %%
settings["standardize"] = True                                   # fix 1
model, loss_fn, lr, train_set, val_set = build(settings)
report = mn.preflight(model, loss_fn, train_set, val=val_set)
print(report)

# %% tags=["check"]
assert "unnormalized_inputs" not in report.codes, "after standardizing, that warning is gone"
assert report.codes == {"loss_mismatch", "cannot_overfit_batch"}, \
    "the other two findings remain: they have another cause"

# %% [markdown]
# ## Step 2: does the model fit the loss?
#
# The model ends in `Softmax`, and `CrossEntropyLoss` applies a (log-)softmax of its own: it
# expects raw scores (logits) and turns them into probabilities itself. Given probabilities, it
# squashes them a second time. Scores between 0 and 1 become probabilities that can never be
# confident: even a model sure of the right digit (its softmax says 1 for it, 0 for the other
# nine) scores
#
#     −ln(e¹ / (e¹ + 9·e⁰)) = ln(e + 9) − 1 ≈ 1.46
#
# far above the 0 of a right, confident answer. That floor is also why preflight's copy of the
# model "could not learn" its 8 samples: it got them all right, but its loss cannot fall below
# 1.46. One mistake, two findings.

# %%
sure = np.eye(10)[:1]                           # "probabilities" sure of digit 0
floor = mn.functional.cross_entropy(mn.Tensor(sure), np.array([0])).item()
tiny = next(f for f in report if f.code == "cannot_overfit_batch")
print(f"the lowest loss a softmax-ended model can reach: {floor:.4f}")
print(f"preflight's 8 samples: loss {tiny.evidence['start_loss']:.3f} at the start, "
      f"{tiny.evidence['final_loss']:.3f} after {tiny.evidence['steps']} steps, "
      f"{tiny.evidence['accuracy']:.0%} of them right")

# %% tags=["check"]
assert abs(floor - (np.log(np.e + 9) - 1)) < 1e-6, \
    "cross-entropy on a sure softmax output is ln(e + 9) − 1 ≈ 1.46, not 0"
assert tiny.evidence["accuracy"] == 1.0 and 0 < tiny.evidence["final_loss"] - floor < 0.01, \
    "preflight's copy got all 8 samples right, and its loss stopped just above the floor"

# %% [markdown]
# One change: drop the Softmax. (For probabilities, apply `mn.functional.softmax` to the outputs
# when you need them; the loss wants the logits.)

# %%
settings["softmax"] = False                                      # fix 2
model, loss_fn, lr, train_set, val_set = build(settings)
report = mn.preflight(model, loss_fn, train_set, val=val_set)
print(report)

# %% tags=["check"]
assert report.ok and len(report) == 0, \
    "without the Softmax, preflight finds nothing: both findings had that one cause"

# %% [markdown]
# Preflight is clean. That does not mean the script works — preflight looks at the model before
# training — but what it checks is out of the way.
#
# ## Step 3: monitor the gradients
#
# Third on 001's list. Train with a monitor recording every step: per layer, the gradient norm and
# the update/weight ratio ‖ΔW‖ / ‖W‖, how much one step changes the weights. cs231n's rule of thumb
# puts a healthy ratio near 10⁻³.

# %%
model, history, diagnosis = train(settings)
print(outcome(history))
first_ratios = {layer: values[0] for layer, values in history.monitor.get("update_ratio").items()}
print("update/weight ratio at step 1: "
      + ", ".join(f"layer {layer} {ratio:.2f}" for layer, ratio in first_ratios.items()))
print(diagnosis)
steps_lr5 = history.diverged.global_step

# %% tags=["check"]
assert all(r > 0.1 for r in first_ratios.values()), \
    "the very first step changes every layer's weights by more than 10% (healthy: ~0.1%)"
assert steps_lr5 <= 10, "the loss is NaN within ten steps"
assert diagnosis.codes == {"diverged", "exploding_gradients", "lr_too_high"}, \
    "diagnose finds: training diverged, gradients explode, the learning rate is too high"

# %% [markdown]
# The loss is NaN within ten steps, and diagnose names three things: the divergence, exploding
# gradients, and a learning rate too high. They may not share one cause; one change at a time will
# tell. Start with what the monitor shows from the very first step, before anything had time to
# grow: that step already moves each layer by more than a tenth of its weights, over a hundred
# times cs231n's healthy step (TheDeepChecker draws the line at a tenth). The steps are too large.
#
# How much lower? Don't guess: 002's recipe ("You Used an Incorrect Learning Rate") is to find the
# highest learning rate at which the loss does not explode, and go an order of magnitude below it.
# The range test, `mn.lr_find` (lesson 9), does that on a sweep: it raises the rate step by step
# and suggests a tenth of the rate where the loss stops falling. One change: let the script measure
# its learning rate with the range test every time it runs.

# %%
settings["lr"] = "range test"                                    # fix 3
model, history, diagnosis = train(settings)
range_run, lr_found = history, history.lr[0]
print(f"the range test suggests lr = {lr_found:.3g}")
print(outcome(history))
print(diagnosis)
steps_found = history.diverged.global_step

# %% tags=["check"]
assert lr_found < 5.0 / 10, "the range test suggests a rate over ten times lower than 5"
assert "lr_too_high" not in diagnosis.codes, "at that rate, diagnose no longer says too high"
assert {"diverged", "exploding_gradients"} <= diagnosis.codes, \
    "but training still diverges, with exploding gradients"
assert steps_found > steps_lr5, "it takes more steps to blow up than at lr 5"

# %% [markdown]
# The too-high learning rate is gone, but the training still blows up, only later. 002 warns of
# this moment: with the learning rate set right, a training error that still explodes "is almost
# always an indication that something else is wrong" (it suspects the data; ours passed preflight).
#
# The monitor shows what. The first step is healthy now: its update/weight ratios sit in the green
# band, 10⁻⁴ to 10⁻² around cs231n's 10⁻³. Then the first layer's gradient norm, below the
# hand-written tanh, grows by orders of magnitude; the last layer's does not (it is the tanh
# outputs, between −1 and 1, times the errors of the probabilities, between −1 and 1 too).

# %%
show(history.monitor.plot(metrics=["grad_norm", "update_ratio"]), "14_monitor_range_test")
norms = history.monitor.get("grad_norm")
first, last = norms["0"], norms["2"]
finite = np.isfinite(first) & np.isfinite(last)
growth_first = np.max(first[finite]) / first[0]
growth_last = np.max(last[finite]) / last[0]
print(f"largest gradient norm before the NaN, over the one at step 1: "
      f"layer 0 {growth_first:.1e}, layer 2 {growth_last:.1f}")
start_ratios = [values[0] for values in history.monitor.get("update_ratio").values()]

# %% tags=["check"]
assert all(1e-4 < r < 1e-2 for r in start_ratios), \
    "at step 1, every layer's update/weight ratio is in cs231n's healthy band, 1e-4 to 1e-2"
assert growth_first > 1000, "the first layer's gradient norm grows over 1000-fold"
assert growth_last < 10, "the last layer's stays within ten times its start"

# %% [markdown]
# ## Step 4: validate an assumption — can it learn 20 samples?
#
# The assumption behind all of this is that the model and its training *can* learn. 004's sanity
# check and Karpathy's recipe test it directly: train on a handful of samples alone (cs231n says
# about 20). A working model learns them by heart; one that cannot has a bug, and no amount of
# tuning will help.
#
# Test what the script does: plain SGD, at the range test's rate and at a tenth of it. (Preflight
# passed its own tiny-batch test: it trains with Adam, whose step is about lr whatever the size of
# the gradient, so a growing gradient does not blow it up. A sanity check must test *your*
# training.)

# %%
def overfit(settings, lr, samples=20, steps=500):
    """Train a fresh model of the script on `samples` training samples alone, full batch."""
    model, loss_fn, _, (X_train, y_train), _ = build(dict(settings, lr=lr))
    tiny_set = (X_train[:samples], y_train[:samples])
    with quiet():
        return mn.fit(model, loss_fn, mn.optim.SGD(model.parameters(), lr=lr), tiny_set,
                      epochs=steps, batch_size=None, progress=False)   # one step per epoch


tiny_runs = {lr: overfit(settings, lr) for lr in (lr_found, lr_found / 10)}
growths = {}
fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.6))
for lr, run in tiny_runs.items():
    norms = np.asarray(run.grad_norm)
    growths[lr] = np.max(norms[np.isfinite(norms)]) / norms[0]
    print(f"lr {lr:.3g}: loss {run.train_loss[0]:.3f} -> lowest {np.nanmin(run.train_loss):.3f}, "
          f"at most {np.nanmax(run.train_acc):.0%} of the 20 right\n    the loss is NaN at step "
          f"{run.diverged.global_step}; the gradient norm grew {growths[lr]:.0e}-fold")
    steps = np.arange(1, len(run.train_loss) + 1)
    line, = left.plot(steps, run.train_loss, label=f"lr {lr:.2g}")
    right.plot(np.arange(1, len(norms) + 1), norms, color=line.get_color())
    for ax in (left, right):
        ax.axvline(run.diverged.global_step, color=line.get_color(), ls=":")
left.set_ylabel("loss on the 20 samples")
right.set_ylabel("gradient norm, all weights")
right.set_yscale("log")
for ax in (left, right):
    ax.set_xlabel("step (dotted: the loss is NaN)")
left.legend()
fig.suptitle("20 samples alone, with the hand-written tanh")
show(fig, "14_overfit_20")

# %% tags=["check"]
assert all(np.nanmin(run.train_loss) < run.train_loss[0] for run in tiny_runs.values()), \
    "at both rates the loss on the 20 samples falls at first"
assert all(run.diverged is not None for run in tiny_runs.values()), \
    "on 20 samples alone, training blows up at the range test's lr and at a tenth of it"
assert all(np.nanmax(run.train_acc) < 1 for run in tiny_runs.values()), \
    "at neither rate does it ever get all 20 samples right"
assert all(growth > 1000 for growth in growths.values()), \
    "at both rates the gradient norm grows over 1000-fold before the NaN"
fast, slow = (tiny_runs[lr].diverged.global_step for lr in (lr_found, lr_found / 10))
assert slow > fast, "ten times smaller steps only delay the blow-up"

# %% [markdown]
# Twenty samples, and the model cannot learn them. The loss falls, then turns NaN out of the blue;
# the gradient norm on the right saw it coming, growing by orders of magnitude. Ten times smaller
# steps do not stop it, they only delay it. A learning rate that is too high stops being a problem
# once the steps are small enough; this is something that grows whatever the step. The gradient
# itself is suspect.
#
# ## Step 5: unit-test every piece — gradient checks
#
# 004's unit tests: check each layer's backward against central differences (lessons 2 and 3).
# `mn.gradcheck_module` checks a layer's gradient with respect to its input and every parameter.

# %%
model, loss_fn, lr, (X_train, y_train), val_set = build(settings)
x = X_train[:4]
layer_checks, layer_inputs = {}, {}
for name, layer in model.named_children():
    layer_inputs[name] = x
    layer_checks[name] = mn.gradcheck_module(layer, x)
    check = layer_checks[name]
    print(f"layer {name} {type(layer).__name__:<10} largest relative error "
          f"{check.max_rel_error:.1e}, largest difference {check.max_abs_error:.1e}  "
          f"{'passes' if check.ok else 'FAILS'}")
    x = layer(mn.Tensor(x)).data                   # the next layer's input

# %% tags=["check"]
assert [name for name, r in layer_checks.items() if not r.ok] == ["1"], \
    "only layer 1, the hand-written tanh, fails its gradient check"
assert all(layer_checks[name].max_rel_error < 1e-4 for name in ("0", "2")), \
    "the Dense layers' largest relative errors are below 1e-4"
assert all(layer_checks[name].max_abs_error < 1e-8 for name in ("0", "2")), \
    "the Dense layers' backward and central difference differ by under 1e-8 everywhere"
assert layer_checks["1"].max_rel_error > 1, \
    "the tanh's relative error is above 1: backward and central difference differ in sign"

# %% [markdown]
# Found it. The Dense layers pass. Their largest relative errors stay below 10⁻⁴; one above 10⁻⁷
# (lesson 3's "look closer") comes with differences of a few 10⁻⁹: rounding at a tiny gradient
# element, as in lesson 3. The tanh's relative error is above 1, which only happens when the two
# numbers have opposite signs: at some elements its backward points uphill.
#
# Read its backward again: tanh′(x) = 1 − tanh²(x) = 1 − y², but the code says 1 − x². Near 0
# the two agree (there tanh x ≈ x); beyond ±1 the code's slope has the wrong sign, and grows
# like x². Are the tanh's inputs out there?

# %%
xs = np.array([0.1, 0.5, 1.0, 2.0, 3.0])
right_slope, code_slope = 1 - np.tanh(xs) ** 2, 1 - xs ** 2
for x_, right_, code_ in zip(xs, right_slope, code_slope):
    print(f"x = {x_:.1f}:  tanh′(x) = 1 − y² = {right_:.3f},  the code's 1 − x² = {code_:+.2f}")
z = model[0](mn.Tensor(X_train)).data          # the tanh's inputs, over the training set
beyond = np.mean(np.abs(z) > 1)
spread = range_run.monitor.get("act_std")["0"]   # their std, at every step of step 3's run
spread = spread[np.isfinite(spread)]
print(f"at the start, {beyond:.0%} of the tanh's inputs lie beyond ±1")
print(f"step 3's run: their spread grew from {spread[0]:.2f} at step 1 "
      f"to {spread[-1]:.1e} at step {len(spread)}, before the NaN")

# %% tags=["check"]
assert abs(code_slope[0] - right_slope[0]) < 0.01 * right_slope[0], \
    "at x = 0.1 the code's slope is within 1% of the right one"
assert all(code_slope[xs > 1] < 0) and all(right_slope > 0), \
    "beyond 1 the code's slope is negative, where tanh's is always positive"
assert beyond > 0.25, "more than a quarter of the tanh's inputs start beyond ±1"
assert spread[-1] > 1000 * spread[0], "their spread grew over 1000-fold before the NaN"

# %% [markdown]
# More than a quarter of the units start where the code's slope has the wrong sign. Following the
# wrong gradient pushes their inputs further out, where the wrong slope is larger still: the
# spread runs away, and the gradient with it, however small the step.
#
# One change: the right derivative, written with the saved output y.

# %%
class FixedTanh(HandTanh):
    @staticmethod
    def backward(ctx, grad):
        x, y = ctx.saved_tensors
        return grad * (1 - y ** 2)              # tanh′(x) = 1 − y²


fixed_check = mn.gradcheck_module(Activation(FixedTanh), layer_inputs["1"])
print(f"the fixed tanh: largest relative error {fixed_check.max_rel_error:.1e}, "
      f"largest difference {fixed_check.max_abs_error:.1e}  "
      f"{'passes' if fixed_check.ok else 'FAILS'}")
settings["tanh"] = FixedTanh                                     # fix 4

# %% tags=["check"]
assert fixed_check.ok and fixed_check.max_abs_error < 1e-8, \
    "the fixed tanh passes the same check, with differences under 1e-8"

# %% [markdown]
# ## The healthy run
#
# All four fixes in. The script runs the range test again, now on the fixed model, and trains;
# preflight, diagnose and the 20 samples alone run again (the gradient checks passed above).

# %%
model, loss_fn, lr, train_set, val_set = build(settings)
report = mn.preflight(model, loss_fn, train_set, val=val_set)
model, history, diagnosis = train(settings, every=10)      # 450 steps: every 10th is plenty
tiny = overfit(settings, history.lr[0])
accuracy = mn.metrics.accuracy(val_set[1], mn.train.predict(model, val_set[0]).argmax(axis=1))
print(f"preflight: {len(report)} finding(s); lr from the range test: {history.lr[0]:.3g} "
      f"(on the broken model: {lr_found:.3g})")
print(history.summary())
print(diagnosis)
print(f"20 samples alone: loss {tiny.train_loss[0]:.3f} -> {tiny.train_loss[-1]:.4f}, "
      f"{tiny.train_acc[-1]:.0%} right")
print(f"validation accuracy: {accuracy:.1%}")

# %% tags=["check"]
assert report.ok and len(report) == 0, "preflight finds nothing"
assert history.lr[0] > lr_found, \
    "the range test, run on the fixed model, suggests a larger rate than on the broken one"
assert history.diverged is None, "training no longer diverges"
assert diagnosis.ok and len(diagnosis) == 0, "diagnose finds nothing wrong with the run"
assert tiny.train_loss[-1] < 0.1 * tiny.train_loss[0] and tiny.train_acc[-1] == 1.0, \
    "the model now learns the 20 samples: loss below a tenth of its start, all of them right"
assert accuracy > 0.9, "over 90% of the validation digits are right (the mystery script: 10%)"

# %% [markdown]
# ## Was every fix needed?
#
# One change at a time works backwards too. Put each planted problem back *alone* into the healthy
# script, and see whether its finding returns. If it does, that problem was real on its own and
# not a shadow of another.

# %%
FIXED = dict(settings)
undo = {"raw pixels": ("standardize", False), "a final Softmax": ("softmax", True),
        "lr 5": ("lr", 5.0), "1 − x² in backward": ("tanh", HandTanh)}
alone = {}
print(f"{'put back alone':<19}{'preflight finds':<37}{'val. acc':<10}diagnose finds")
for problem, (key, value) in undo.items():
    broken = dict(FIXED, **{key: value})
    model, loss_fn, lr, train_set, val_set = build(broken)
    found_before = mn.preflight(model, loss_fn, train_set, val=val_set).codes
    model, history, diagnosis = train(broken, every=10)
    alone[problem] = {"preflight": found_before, "diagnose": diagnosis.codes, "history": history}
    print(f"{problem:<19}{', '.join(sorted(found_before)) or '-':<37}"
          f"{history.val_acc[-1]:<10.1%}{', '.join(sorted(diagnosis.codes)) or '-'}")

# %% tags=["check"]
assert "unnormalized_inputs" in alone["raw pixels"]["preflight"], \
    "raw pixels alone: preflight warns about them again"
assert "loss_mismatch" in alone["a final Softmax"]["preflight"], \
    "the Softmax alone: preflight finds the loss mismatch again"
assert "lr_too_high" in alone["lr 5"]["diagnose"], \
    "lr 5 alone: diagnose finds the learning rate too high again"
first_steps = [v[0] for v in alone["lr 5"]["history"].monitor.get("update_ratio").values()]
assert all(r > 0.1 for r in first_steps), \
    "lr 5 alone: the first step moves every layer by more than a tenth again"
assert alone["lr 5"]["history"].diverged is None, "lr 5 alone does not make the loss NaN"
assert alone["lr 5"]["history"].val_acc[-1] < 0.75, \
    "lr 5 alone gets fewer than three in four validation digits right"
assert alone["1 − x² in backward"]["history"].diverged is not None, \
    "the wrong backward alone: training diverges again"
assert all(not alone[p]["diagnose"] and alone[p]["history"].val_acc[-1] > 0.9
           for p in ("raw pixels", "a final Softmax")), \
    "raw pixels alone, or the Softmax alone, still train to over 90%; diagnose finds nothing"
assert min(alone["a final Softmax"]["history"].train_loss) > floor, \
    "with the Softmax, the training loss never falls below the 1.46 floor"

# %% [markdown]
# Each problem, alone, brings its finding back: none was a shadow of another. And one more thing
# comes out: lr 5 alone takes steps as large as before, but its loss does not turn NaN (it gets
# fewer than three digits in four right). The blow-up in step 3 was the wrong backward's doing
# too; the learning rate only made it come sooner.
#
# Two of them do not even stop this small network from learning: with raw pixels, or with the
# Softmax, it still gets over 90% of the digits right and `diagnose` finds nothing. Only preflight
# sees them. They are bugs all the same: with the Softmax, the loss the script reports never falls
# below the 1.46 floor, so it no longer says how wrong the model is. Fix them when preflight names
# them, while they are cheap to find.
#
# Notice which tool saw what: preflight the problems visible before training, the monitor and
# diagnose the one that shows in the records of a run, and only the gradient check could say
# *where* the last one was. Diagnose saw its effect, a blow-up, but from the outside a wrong
# backward looks like many other things.
#
# ## What you saw
#
# - The checklists' order: check the data and the model against the loss (preflight), monitor the
#   gradients (the monitor, diagnose), validate the assumptions (overfit a few samples), unit-test
#   the pieces (gradient checks).
# - One change at a time, and look again after each: a fix removes its finding; findings that
#   vanish with it shared its cause (the Softmax: a loss mismatch *and* a tiny batch not learned).
# - The monitor's update/weight ratio showed steps over a hundred times too large; the range test
#   replaced a guessed learning rate with a measured one.
# - An explosion that survives a lower learning rate points elsewhere: a model that cannot learn
#   20 samples has a bug, and gradient checks of each layer say which.
# - The healthy run: preflight and diagnose clean, the 20 samples learned, over 90% right.
# - The catalog has three of the problems as experiments, over many seeds:
#   `minnet failures run bad_gradient` (and `lr_too_high`, `unnormalized_inputs`).
#
# Next, lesson 15: convolutions, from loops to the NumPy reference to the Numba kernel, and why
# the fast one is fast.
