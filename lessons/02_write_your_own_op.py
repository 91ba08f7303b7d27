# %% [markdown]
# # Lesson 2: Write your own op
#
# Write an operation's forward and backward as a `mn.Function`, check the backward with
# `mn.gradcheck`, and learn what its relative error tells you.
#
# Every operation in minnet (`+`, `@`, `sigmoid`, a convolution, ...) is a small class with two
# methods side by side: `forward` computes the output from NumPy arrays, and `backward` receives
# ∂L/∂output and returns ∂L/∂input. `backward()` on a tensor calls them one after the other, as you
# did by hand in lesson 1. Here you write one yourself.

# %%
import numpy as np

import minnet as mn

# %% [markdown]
# ## The op: softplus
#
# softplus(x) = ln(1 + eˣ) is a smooth ReLU: close to 0 for very negative x, close to x for large
# x. Its derivative is a function you know:
#
#     d/dx ln(1 + eˣ) = eˣ / (1 + eˣ) = 1 / (1 + e^(−x)) = σ(x)
#
# In `backward`, the chain rule multiplies that local derivative by the gradient that arrives
# from above, `grad` = ∂L/∂y:
#
#     ∂L/∂x = ∂L/∂y · σ(x)
#
# `forward` keeps x with `ctx.save_for_backward`, since `backward` needs it.

# %%
def sigmoid(x):
    return 1 / (1 + np.exp(-x))


class Softplus(mn.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.logaddexp(0.0, x)        # ln(e⁰ + eˣ) = ln(1 + eˣ), and no overflow for large x

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * sigmoid(x)           # ∂L/∂x = ∂L/∂y · σ(x)


x = mn.Tensor(np.array([-2.0, 0.0, 3.0]), requires_grad=True)
y = Softplus.apply(x)
y.sum().backward()
print(f"softplus(x) = {y.data}")
print(f"x.grad      = {x.grad}")

# %% tags=["check"]
assert np.allclose(y.data, np.log(1 + np.exp(x.data))), "forward computes ln(1 + eˣ)"
far = Softplus.apply(mn.Tensor(np.array([-20.0, 20.0]))).data
assert far[0] < 1e-8 and abs(far[1] - 20) < 1e-8, \
    "softplus is close to 0 far left, and close to x far right"
assert np.allclose(x.grad, sigmoid(x.data)), "with L = sum(y), x.grad is σ(x)"

# %% [markdown]
# ## Checking a derivative with numbers
#
# How would you know the backward is right, without trusting your algebra? Nudge the input and
# watch the output, as in lesson 1, but from both sides — the *central difference*:
#
#     f'(x) ≈ (f(x + h) − f(x − h)) / (2h)
#
# Then compare it with the backward's value by the *relative error*
#
#     |analytical − numerical| / max(|analytical|, |numerical|)
#
# which does not depend on how large the gradient happens to be. At x = 0.7 with h = 10⁻⁶:

# %%
def softplus(v):
    return np.logaddexp(0.0, v)


x0, h = 0.7, 1e-6
numerical = (softplus(x0 + h) - softplus(x0 - h)) / (2 * h)
analytical = sigmoid(x0)
rel_error = abs(analytical - numerical) / max(abs(analytical), abs(numerical))
print(f"numerical  = {numerical:.15f}")
print(f"analytical = {analytical:.15f}")
print(f"relative error = {rel_error:.1e}")

# %% [markdown]
# Why not zero? The central difference is off by about h² ≈ 10⁻¹², and float64 carries about 16
# digits, of which subtracting two nearly equal numbers, f(x + h) − f(x − h), loses about 6. About
# 10⁻¹⁰ is what *right* looks like. cs231n's notes on gradient checking give the scale, in float64:
#
# - below 10⁻⁷: right
# - 10⁻⁷ to 10⁻⁴: fine near a kink (ReLU, max, abs at 0), suspicious elsewhere
# - 10⁻⁴ to 10⁻²: suspicious
# - above 10⁻²: the backward is almost certainly wrong

# %% tags=["check"]
assert 1e-12 < rel_error < 1e-8, "the relative error of a right derivative is about 1e-10, not zero"
assert rel_error < 1e-7, "at x = 0.7 backward and central difference agree below 1e-7: right"

# %% [markdown]
# ## `mn.gradcheck` does this for every element
#
# `mn.gradcheck(fn, inputs)` runs the backward once and the central difference for every element of
# every input, in float64, and reports the largest relative error. For a single number it is the
# computation above, to the last digit:

# %%
single = mn.gradcheck(Softplus.apply, [np.array(x0)])
print(f"gradcheck at x = 0.7: max relative error {single.max_rel_error:.1e}")

mn.manual_seed(0)
inputs = mn.get_rng().standard_normal((4, 5))
report = mn.gradcheck(Softplus.apply, [inputs])
print(report)

# %% tags=["check"]
assert single.max_rel_error == rel_error, \
    "gradcheck's relative error at 0.7 is the one computed by hand, to the last digit"
assert report.ok and report.max_rel_error < 1e-7, \
    "Softplus passes gradcheck on a 4x5 input, every element below 1e-7"

# %% [markdown]
# ## A planted mistake
#
# A common slip: return the local derivative σ(x) and forget to multiply by `grad`. Try it the
# way you might test it by hand, with L = sum(y): then `grad` is all ones, and the mistake hides.

# %%
class ForgetfulSoftplus(Softplus):
    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return sigmoid(x)                  # the mistake: ∂L/∂y is never multiplied in


x_right = mn.Tensor(inputs, requires_grad=True)
Softplus.apply(x_right).sum().backward()
x_wrong = mn.Tensor(inputs, requires_grad=True)
ForgetfulSoftplus.apply(x_wrong).sum().backward()
difference = np.abs(x_right.grad - x_wrong.grad).max()
print(f"largest difference in x.grad with L = sum(y): {difference}")

# %% tags=["check"]
assert np.array_equal(x_right.grad, x_wrong.grad), \
    "with L = sum(y) the mistaken backward gives the same gradient"

# %% [markdown]
# `mn.gradcheck` weighs every output element with its own random number before summing, so
# `grad` is not all ones and a forgotten factor shows:

# %%
wrong = mn.gradcheck(ForgetfulSoftplus.apply, [inputs])
print(wrong)

# %% tags=["check"]
assert not wrong.ok, "gradcheck rejects the backward that forgets grad"
assert wrong.max_rel_error > 1e-2, "its relative error is above 1e-2: wrong, on cs231n's scale"

# %% [markdown]
# ## A right backward can look wrong at a kink
#
# ReLU's slope jumps from 0 to 1 at x = 0. Checked at x = 10⁻⁷, closer to the kink than the step
# h = 10⁻⁶, the central difference straddles the jump and sees a slope of about 0.55, while the
# (right) backward says 1. Away from the kink the same backward passes. So check ops at inputs
# that keep a few h away from their kinks.

# %%
near = mn.gradcheck(lambda a: a.relu(), [np.array([1e-7])])
away = mn.gradcheck(lambda a: a.relu(), [np.array([0.5])])
slope_seen = near.inputs[0].numerical / near.inputs[0].analytical
print(f"ReLU at x = 1e-7: the central difference sees {slope_seen:.2f} of backward's slope; "
      f"relative error {near.max_rel_error:.2f}")
print(f"ReLU at x = 0.5:  relative error {away.max_rel_error:.1e}")

# %% tags=["check"]
assert abs(slope_seen - 0.55) < 1e-6, \
    "at x = 1e-7 the central difference sees a slope of 0.55, backward says 1"
assert near.max_rel_error > 1e-2, \
    "ReLU checked within h of its kink shows a relative error above 1e-2"
assert away.max_rel_error < 1e-7, "the same ReLU checked at 0.5 is below 1e-7"

# %% [markdown]
# ## What you saw
#
# - An op is a `mn.Function`: `forward` on arrays, `backward` turning ∂L/∂output into ∂L/∂input.
# - The relative error between backward and central difference reads on a fixed scale: below 10⁻⁷
#   right, above 10⁻² wrong.
# - Testing with L = sum(y) can hide a mistake; `mn.gradcheck`, with its random weights, is not
#   fooled.
# - Near a kink a right backward can fail the check: check away from kinks.
#
# Next, lesson 3: a set of ops with planted bugs, for you to find with `mn.gradcheck`.
