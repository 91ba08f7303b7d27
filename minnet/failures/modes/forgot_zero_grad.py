"""Forgot zero_grad: a hand-written loop never clears the gradients, so every step adds to the last.

Sources: 004 "Sanity Checks" (verify the loss trend); 001 "Debugging Workflow" (3. Monitor gradients:
use gradient norms) and the training loop of its "Gradient Exploding" slide
(``optimizer.zero_grad(); loss.backward(); ...; optimizer.step()``).

Mechanism: ``loss.backward()`` adds dL/dw to ``w.grad`` (it accumulates, as in PyTorch); clearing it
is the loop's job. Without ``optimizer.zero_grad()`` the gradient at step t is the sum of all t
gradients so far, and SGD steps by lr times that sum: momentum 1, where no old gradient ever fades.
The steps keep growing and overshoot; as the weights grow so do the gradients, and the sum with
them: the gradient norm grows with the step count and the loss climbs epoch after epoch. (``mn.fit``
always zeroes the gradients, so this mode trains with its own loop, which keeps fit's records and
calls the monitor where fit does.)

Symptom: the total gradient norm after backward (what the optimizer uses; ``history.grad_norm``),
typical over the last tenth of the steps against the first tenth. It shows when it grew by
``rules.grad_growth`` (1000x, three orders of magnitude); with zero_grad it falls as the loss falls.

Fix: ``optimizer.zero_grad()`` at the start of every step (or use ``mn.fit``, which does).

Findings: ``exploding_gradients`` (diagnose's growth rule reads the same per-step norms). Diagnose
also raises ``lr_too_high`` and ``not_learning`` (the loss ends far above where it began): the steps
are too large, but because they are lr times the sum of all gradients, not because of lr.

Verified: 10/10 seeds (``benchmarks/verify_catalog.py``). Gradient norm growth broken 2.7e4
[1.6e4, 6.2e4], fixed 0.19 [0.16, 0.24]; final training loss broken 1.3e9 [5.7e8, 4.7e9], fixed
0.053 [0.050, 0.057]; validation accuracy broken 0.86 [0.83, 0.87] (most argmaxes still right, the
wrong ones wildly confident), fixed 0.965 [0.958, 0.971]. Quick (8 epochs): 10/10, growth 3.5e3
[2.4e3, 7.3e3].
"""
import numpy as np

import minnet as mn
from minnet.failures import recipes
from minnet.failures.mode import Experiment, FailureMode, Knob
from minnet.monitor import rules
from minnet.train.divergence import describe


def train_by_hand(exp, monitor):
    """The loop a course writes by hand, with or without ``optimizer.zero_grad()``. It fills a History
    as ``mn.fit`` does, calls the monitor at the same moments and, like fit, stops at a NaN loss."""
    model, loss_fn, optimizer = exp.model, exp.loss_fn, exp.optimizer
    params, history, step = list(model.parameters()), mn.History(), 0
    history.monitor, history.loss_fn = monitor, loss_fn
    monitor.on_train_begin(model)
    for epoch in range(1, exp.extra["epochs"] + 1):
        losses, right = [], 0
        for xb, yb in exp.train:
            if exp.extra["zero_grad"]:
                optimizer.zero_grad()                # forget the last step's gradients
            out = model(mn.Tensor(xb))
            loss = loss_fn(out, yb)
            step += 1
            losses.append(loss.item())
            right += int(np.sum(out.data.argmax(axis=1) == yb))
            if not np.isfinite(losses[-1]):          # stop as fit does, saying where and why
                history.diverged = describe(epoch, len(losses), step, losses[-1], optimizer.lr, "stop", xb, yb,
                                            params)
                history.grad_norm.append(np.nan)
                break
            loss.backward()                          # w.grad += dL/dw
            monitor.on_step(model, step, losses[-1])
            history.grad_norm.append(mn.optim.grad_norm(params))
            optimizer.step()                         # w -= lr * w.grad
            monitor.on_step_end(model, step)
        history.step_loss += losses
        history.steps_per_epoch.append(len(losses))
        history.lr.append(optimizer.lr)
        history.train_loss.append(float(np.mean(losses)))
        history.train_acc.append(right / (len(losses) * len(yb)))
        val_loss, val_acc = mn.train.evaluate(model, loss_fn, exp.val)
        history.val_loss.append(val_loss)
        history.val_acc.append(val_acc)
        monitor.on_epoch_end(epoch, history)
        if history.diverged is not None:
            break
    monitor.on_train_end(history)
    return history


def growth(norms):
    """Typical gradient norm over the last tenth of the steps / over the first tenth."""
    g = np.asarray(norms, float)
    g = g[np.isfinite(g)]
    tenth = max(1, len(g) // 10)
    return float(np.median(g[-tenth:]) / np.median(g[:tenth]))


class ForgotZeroGrad(FailureMode):
    name = "forgot_zero_grad"
    title = "Gradients accumulate across steps (zero_grad forgotten)"
    source = ("004_01fa813338dc16ed.txt, Sanity Checks; 001_550340deb8777b58.txt, Debugging Workflow "
              "(Monitor gradients) and the training loop of Gradient Exploding")
    summary = ("backward() adds each step's gradient to w.grad; a loop without optimizer.zero_grad() "
               "steps by lr times the sum of every gradient so far. The steps grow and overshoot, the "
               "weights and their gradients grow with them, and the loss climbs epoch after epoch.")
    symptom = ("total gradient norm over the last tenth of the steps / over the first tenth; shows at "
               ">= 1000x (rules.grad_growth)")
    lesson = 14
    findings = frozenset({"exploding_gradients"})
    figure = {"kind": "monitor", "metric": "grad_norm"}
    knobs = (
        Knob("fix", "what to change: nothing, or optimizer.zero_grad() before every backward",
             broken="none", fixed="zero_grad", choices=("none", "zero_grad")),
        Knob("lr", "SGD's learning rate", broken=0.1, fixed=0.1, low=1e-4, high=1.0),
        Knob("epochs", "epochs of training", broken=10, fixed=10, low=1, high=50, integer=True),
    )

    def experiment(self, s, quick):
        Xtr, ytr, Xv, yv = recipes.digits()
        model = recipes.mlp([64, 64, 10])
        epochs = min(s.epochs, 8) if quick else s.epochs
        return Experiment(model, mn.losses.CrossEntropyLoss(), mn.optim.SGD(model.parameters(), lr=s.lr),
                          recipes.loader(Xtr, ytr, 32), (Xv, yv), train_fn=train_by_hand, monitor_every=5,
                          extra={"epochs": epochs, "zero_grad": s.fix == "zero_grad"})

    def measure(self, run):
        h = run.history
        return {"grad_norm_growth": growth(h.grad_norm), "final_loss": h.train_loss[-1],
                "val_accuracy": h.val_acc[-1]}

    def shows(self, symptoms):
        return symptoms["grad_norm_growth"] >= rules.value("grad_growth")


MODE = ForgotZeroGrad()
