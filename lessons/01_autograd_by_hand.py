# %% [markdown]
# # Lesson 1: Autograd by hand
#
# One neuron, its gradient worked out on paper with the chain rule, and then `backward()` finds the
# same numbers.
#
# A neuron weighs its inputs x with weights w, adds a bias b, and squashes the sum with the
# sigmoid σ. The loss L says how far its output y is from the target t:
#
#     z = w₁·x₁ + w₂·x₂ + b        y = σ(z) = 1 / (1 + e^(−z))        L = ½·(y − t)²
#
# Training moves w and b against the gradient (∂L/∂w₁, ∂L/∂w₂, ∂L/∂b). This lesson works that
# gradient out by hand, so that what `backward()` does is no mystery.

# %%
import numpy as np

import minnet as mn
from minnet.lessons import show

# %% [markdown]
# ## The forward pass, on paper
#
# Take x = (2, −1), w = (0.5, 1.5), b = 0.5 and the target t = 1:
#
#     z = 0.5·2 + 1.5·(−1) + 0.5 = 1 − 1.5 + 0.5 = 0
#     y = σ(0) = 1 / (1 + 1) = 0.5
#     L = ½·(0.5 − 1)² = 0.125
#
# The same in NumPy:

# %%
x = np.array([2.0, -1.0])
w = np.array([0.5, 1.5])
b = 0.5
t = 1.0

z = w @ x + b
y = 1 / (1 + np.exp(-z))
L = 0.5 * (y - t) ** 2
print(f"z = {z}   y = {y}   L = {L}")

# %% tags=["check"]
assert (z, y, L) == (0.0, 0.5, 0.125), "the forward pass gives z = 0, y = 0.5, L = 0.125"

# %% [markdown]
# ## The backward pass, on paper
#
# Nudge w₁ and z moves; z moves y; y moves L. The chain rule says the rates of change multiply:
#
#     ∂L/∂w₁ = ∂L/∂y · ∂y/∂z · ∂z/∂w₁
#
# One factor at a time, each a derivative you know:
#
# - ∂L/∂y = y − t = 0.5 − 1 = −0.5
# - ∂y/∂z = σ(z)·(1 − σ(z)) = 0.5 · 0.5 = 0.25 (the sigmoid's derivative, written with its output)
# - so ∂L/∂z = −0.5 · 0.25 = −0.125
# - ∂z/∂w₁ = x₁ = 2, ∂z/∂w₂ = x₂ = −1, ∂z/∂b = 1
#
# Hence ∂L/∂w = (−0.125·2, −0.125·(−1)) = (−0.25, 0.125) and ∂L/∂b = −0.125.
#
# ∂L/∂z was worked out once and then used for all three parameters. That reuse is
# backpropagation: start at the loss, and carry one number back through each operation,
# multiplying by that operation's local derivative.

# %%
dL_dy = y - t
dy_dz = y * (1 - y)
dL_dz = dL_dy * dy_dz
dL_dw = dL_dz * x
dL_db = dL_dz * 1.0
print(f"dL/dy = {dL_dy}   dy/dz = {dy_dz}   dL/dz = {dL_dz}")
print(f"dL/dw = {dL_dw}   dL/db = {dL_db}")

# %% tags=["check"]
assert (dL_dy, dy_dz, dL_dz) == (-0.5, 0.25, -0.125), "each factor is the one worked out on paper"

# %% [markdown]
# ## `backward()` does the same
#
# A `mn.Tensor` with `requires_grad=True` remembers every operation it takes part in. `backward()`
# walks those operations from the loss back to the inputs, multiplying local derivatives exactly as
# above, and leaves each gradient in `.grad`.

# %%
w_t = mn.Tensor(w, requires_grad=True)
b_t = mn.Tensor(np.array(b), requires_grad=True)

z_t = (w_t * x).sum() + b_t
L_t = 0.5 * (z_t.sigmoid() - t) ** 2
L_t.backward()
print(f"w.grad = {w_t.grad}   b.grad = {b_t.grad}")

# %% tags=["check"]
assert np.allclose(dL_dw, [-0.25, 0.125], rtol=0, atol=1e-15), \
    "the chain rule gives ∂L/∂w = (−0.25, 0.125)"
assert np.allclose(w_t.grad, dL_dw, rtol=0, atol=1e-15), \
    "backward() gives the same ∂L/∂w as the chain rule"
assert np.isclose(b_t.grad, -0.125, rtol=0, atol=1e-15), \
    "backward() gives ∂L/∂b = −0.125, as on paper"

# %% [markdown]
# ## What a gradient means: nudge and watch
#
# ∂L/∂w₁ = −0.25 says: raise w₁ by a small amount h, and L changes by about −0.25·h. It is the
# slope of the loss, seen from w₁. Try a small nudge (h = 0.001) and a big one (h = 1):

# %%
def loss(w, b):
    y = 1 / (1 + np.exp(-(w @ x + b)))
    return 0.5 * (y - t) ** 2


def nudge(h):
    """Raise w₁ by h; print how L changed and what the gradient predicted; return the miss."""
    change = loss(w + [h, 0.0], b) - loss(w, b)
    predicted = dL_dw[0] * h
    miss = abs(change / predicted - 1)
    print(f"h = {h:<5}  L changed by {change:+.4e}, "
          f"the gradient predicted {predicted:+.4e}: off by {miss:.2%}")
    return miss


small_miss = nudge(1e-3)
big_miss = nudge(1.0)

# %% tags=["check"]
assert small_miss < 0.01, "nudging w₁ by 0.001 changes L by ∂L/∂w₁ · 0.001, to within 1%"
assert big_miss > 0.1, "for a step of 1 the gradient's prediction is off by more than 10%"

# %% [markdown]
# A gradient is a local promise. Below, the loss as w₁ varies, and the tangent: the line through
# (0.5, 0.125) with slope −0.25. Near w₁ = 0.5 the two hug each other; a step of 1 lands where the
# curve has bent away from the line. That is one reason training takes small steps.

# %%
import matplotlib.pyplot as plt

w1 = np.linspace(-3.0, 4.0, 200)
curve = [loss(np.array([v, w[1]]), b) for v in w1]
fig, ax = plt.subplots(figsize=(5.5, 3.5))
ax.plot(w1, curve, label="loss L as w₁ varies")
ax.plot(w1, L + dL_dw[0] * (w1 - w[0]), "--", label="tangent: slope ∂L/∂w₁ = −0.25")
ax.plot([w[0]], [L], "o", color="black")
ax.set_xlabel("w₁")
ax.set_ylabel("L")
ax.set_ylim(-0.05, 0.55)
ax.legend()
show(fig, "01_gradient_is_a_slope")

# %% [markdown]
# ## Gradients add up: zero them between steps
#
# `backward()` *adds* into `.grad`, as in PyTorch: a parameter used in several places must collect
# a contribution from each. The price is that a second forward and backward, without
# `zero_grad()` in between, doubles the gradient — a classic bug in a hand-written training loop.

# %%
first = w_t.grad.copy()
z_t = (w_t * x).sum() + b_t               # the same forward again ...
L_t = 0.5 * (z_t.sigmoid() - t) ** 2
L_t.backward()                            # ... and backward, without zero_grad() first
print(f"after a second backward(): w.grad = {w_t.grad}")
doubled = w_t.grad.copy()
w_t.zero_grad()
print(f"after zero_grad():         w.grad = {w_t.grad}")

v = mn.Tensor(np.array(3.0), requires_grad=True)
(v * v).backward()                        # v is used twice: each use sends back a gradient of 3
print(f"v = 3, L = v·v: v.grad = {v.grad}")

# %% tags=["check"]
assert np.array_equal(doubled, 2 * first), "a second backward() without zero_grad() doubles .grad"
assert v.grad == 6.0, "v·v collects a gradient of 3 from each of its two uses: 6 = 2v in all"

# %% [markdown]
# ## What you saw
#
# - The chain rule, applied one operation at a time from the loss backwards, gives every gradient.
# - `backward()` does exactly that, and agrees with the paper to the last digit.
# - A gradient is a slope: it predicts how the loss moves for a small nudge.
# - `.grad` accumulates; zero it before each new backward.
#
# Next, lesson 2: write the backward of an operation yourself, and check it with `mn.gradcheck`.
