# %% [markdown]
# # Lesson 3: Gradient-checking exercises
#
# Hunt down the ops with a planted backward bug using `mn.gradcheck`, then write an op yourself and
# let `mn.exercises.check` judge it.
#
# In lesson 2 you wrote an op and checked it. Now the roles swap: someone else wrote a handful of
# ops, and some of their backwards are wrong. Which ones? You cannot tell by reading the numbers a
# backward returns — they look like any other numbers. The central difference can tell.

# %%
import pathlib
import tempfile

import matplotlib.pyplot as plt
import numpy as np

import minnet as mn
from minnet.lessons import quick, show

QUICK = quick()

# %% [markdown]
# ## The line-up
#
# `mn.exercises.suspects(seed)` hands out six ops, each a `mn.Function` like your softplus. Some
# carry a bug in `backward` of the kind people really make: a missing transpose, a derivative
# written with the wrong variable, a forgotten 1/N. For each suspect `s`, `s.fn` applies the op and
# `s.inputs` are the arrays to check it on.

# %%
line_up = mn.exercises.suspects(seed=1)
print(line_up)

# %% [markdown]
# ## Check every suspect
#
# `mn.gradcheck(s.fn, s.inputs)` compares each backward with central differences, as in lesson 2.
# Read the largest relative error on cs231n's scale (float64):
#
# - below 10⁻⁷: right
# - 10⁻⁷ to 10⁻⁴: look closer (fine near a kink)
# - 10⁻⁴ to 10⁻²: suspicious
# - above 10⁻²: wrong

# %%
def reading(error):
    """cs231n's reading of a relative error."""
    if error < 1e-7:
        return "right"
    if error < 1e-4:
        return "look closer"
    return "suspicious" if error < 1e-2 else "wrong"


def gradcheck_suspect(suspect):
    """gradcheck one suspect, its inputs named as its exercise names them."""
    names = list(mn.exercises.get(suspect.name).input_names)
    return mn.gradcheck(suspect.fn, suspect.inputs, names=names)


reports = {s.label: gradcheck_suspect(s) for s in line_up}
for s in line_up:
    error = reports[s.label].max_rel_error
    passes = "passes" if reports[s.label].ok else "FAILS"
    print(f"{s.label}  {s.name:<22} relative error {error:8.1e}  {reading(error):<12}"
          f" gradcheck {passes}")

flagged = {label for label, r in reports.items() if not r.ok}
print(f"\nYour verdict: {', '.join(sorted(flagged))} have a bug.")

# %% [markdown]
# Three are off by a relative error above 0.5: their backward is wrong by about the size of the
# gradient itself, which no rounding does. One op sits a little above 10⁻⁷, in "look closer".
# So look closer:

# %%
grey = [s for s in line_up if 1e-7 <= reports[s.label].max_rel_error < 1e-4]
for s in grey:
    report = reports[s.label]
    worst = max(report.inputs, key=lambda row: row.max_rel_error)
    print(f"{s.label} {s.name}, its worst element: {worst.name} {worst.worst_index}")
    print(f"    numerical  {worst.numerical:.12f}")
    print(f"    analytical {worst.analytical:.12f}")
    print(f"    they differ by {abs(worst.numerical - worst.analytical):.1e}; "
          f"the largest difference anywhere in the check: {report.max_abs_error:.1e}")

# %% [markdown]
# The two differ by less than 10⁻⁸. The relative error is large only because this gradient
# element is small (below 0.01): a rounding difference of a few 10⁻⁹ is a sizeable fraction of
# it, while a bug would be off by about the whole gradient. So in the grey zone, look at the
# absolute difference and at the element it comes from. `mn.gradcheck` does the same when it
# decides: an element passes when |analytical − numerical| ≤ atol + rtol·|numerical|.
#
# Now the reveal:

# %%
revealed = line_up.reveal()
print(revealed)

# %% tags=["check"]
assert flagged == set(revealed.wrong), "gradcheck flags exactly the ops with a planted bug"
assert len(revealed.wrong) == 3, "three of the six ops have a planted bug"
assert all(reports[label].max_rel_error > 0.5 for label in revealed.wrong), \
    "every bugged op's relative error is above 0.5: wrong, far above cs231n's 1e-2"
assert all(reports[label].max_rel_error < 1e-4 for label in revealed.correct), \
    "every correct op's relative error is below 1e-4"
assert len(grey) == 1 and grey[0].label in revealed.correct, \
    "one op lands between 1e-7 and 1e-4, and it is a correct one"
assert reports[grey[0].label].max_abs_error < 1e-8, \
    "its backward and central difference differ by less than 1e-8 at every element"
worst_row = max(reports[grey[0].label].inputs, key=lambda row: row.max_rel_error)
assert abs(worst_row.numerical) < 1e-2, \
    "its worst relative error comes from a gradient element smaller than 0.01"

# %% [markdown]
# ## Not luck: more line-ups
#
# Every seed gives another line-up. Check several, and plot each op's relative error: the correct
# ones and the bugged ones fall in two bands, with a wide empty space between them.

# %%
seeds = range(2, 5) if QUICK else range(2, 12)
right, bugged, names = [], [], []
for seed in seeds:
    more = mn.exercises.suspects(seed)
    wrong = more.reveal().wrong
    for s in more:
        r = gradcheck_suspect(s)
        (bugged if s.label in wrong else right).append((s.name, r.max_rel_error, r.ok))
        names.append(s.name)
names = sorted(set(names), key=[ex.name for ex in mn.exercises.catalog()].index)
print(f"{len(right) + len(bugged)} ops from {len(seeds)} line-ups: "
      f"{len(bugged)} bugged, {len(right)} right")
print(f"largest error of a right one:   {max(e for _, e, _ in right):.1e}")
print(f"smallest error of a bugged one: {min(e for _, e, _ in bugged):.1e}")

fig, ax = plt.subplots(figsize=(8, 4))
for group, color, label in [(right, "tab:green", "right"), (bugged, "tab:red", "bugged")]:
    ax.scatter([names.index(n) for n, _, _ in group], [e for _, e, _ in group],
               color=color, label=label, alpha=0.7)
ax.axhspan(1e-2, 1e2, color="tab:red", alpha=0.08)
ax.axhspan(1e-16, 1e-7, color="tab:green", alpha=0.08)
ax.axhline(1e-7, color="tab:green", ls="--", lw=1)
ax.axhline(1e-2, color="tab:red", ls="--", lw=1)
ax.set_yscale("log")
ax.set_ylim(1e-12, 1e2)
ax.set_xticks(range(len(names)))
ax.set_xticklabels(names, rotation=30, ha="right")
ax.set_ylabel("largest relative error")
ax.set_title(f"{len(seeds)} line-ups: every op's gradient check")
right_edge = len(names) - 0.5
ax.text(right_edge, 2e1, "wrong: above 10⁻² ", ha="right", va="center", color="tab:red")
ax.text(right_edge, 3e-12, "right: below 10⁻⁷ ", ha="right", va="bottom", color="tab:green")
ax.legend(loc="center left")
fig.tight_layout()
show(fig, "03_right_and_wrong")

# %% tags=["check"]
assert all(not ok for _, _, ok in bugged) and all(ok for _, _, ok in right), \
    "in every line-up, gradcheck fails exactly the bugged ops"
assert min(e for _, e, _ in bugged) > 1e-2, "every bugged op's relative error is above 1e-2"
assert max(e for _, e, _ in right) < 1e-4, "every right op's relative error is below 1e-4"
assert np.median([e for _, e, _ in right]) < 1e-7, "most right ops are below 1e-7"
assert min(e for _, e, _ in bugged) > 1e3 * max(e for _, e, _ in right), \
    "the two bands are more than three orders of magnitude apart"

# %% [markdown]
# ## Your turn: write an op, have it checked
#
# Each suspect was one of minnet's exercises. Pick one and write it yourself, in a terminal:
#
#     minnet exercises                    # the list: sigmoid, tanh, relu, matmul, ..., batch_norm
#     minnet exercise start sigmoid       # writes sigmoid.py: the formula, the shapes, a class
#     minnet exercise check sigmoid.py    # the verdict; run it again until it says PASSED
#
# The file it writes has the formula and shapes in its docstring, and a class to fill in:

# %%
template = mn.exercises.get("sigmoid").template()
print(template[template.index("class Sigmoid"):template.index("# Check it")].rstrip())

# %% [markdown]
# `minnet exercise check sigmoid.py` is `mn.exercises.check("sigmoid.py")`, which prints its
# verdict. On the untouched template:

# %%
with tempfile.TemporaryDirectory() as folder:
    path = pathlib.Path(folder) / "sigmoid.py"
    path.write_text(template, encoding="utf-8")
    untouched = mn.exercises.check(path)
print(untouched)

# %% tags=["check"]
assert untouched.status == "not implemented", \
    "the untouched template is judged 'not implemented'"

# %% [markdown]
# ## A worked example: the matrix product
#
# Sigmoid is yours to write. Here is another exercise worked through: Y = A @ B, the heart of every
# `Dense` layer. With G = ∂L/∂Y, the gradients are
#
#     ∂L/∂A = G @ Bᵀ        (N, M) @ (M, K) = (N, K), A's shape
#     ∂L/∂B = Aᵀ @ G        (K, N) @ (N, M) = (K, M), B's shape
#
# `check` also takes the class itself, so you can write it in a notebook or a lesson:

# %%
class MatMul(mn.Function):
    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return a @ b

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        return grad @ b.T, a.T @ grad


right_result = mn.exercises.check(MatMul)
print(right_result)

# %% tags=["check"]
assert right_result.ok and right_result.status == "passed", \
    "the right MatMul passes the checker"

# %% [markdown]
# The checker ran the forward against reference values, then `mn.gradcheck` in float64 on two
# sets of inputs. Now the classic slip, the bug planted in suspect B: forgetting the transpose,
# G @ B instead of G @ Bᵀ. With square matrices the shapes still fit, so nothing crashes; only
# the numbers can tell, and the checker's first case is square on purpose. (The class name says
# which exercise it is, so a class with another name needs `exercise="matmul"`.)

# %%
class MatMulNoTranspose(MatMul):
    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        return grad @ b, a.T @ grad               # the mistake: b where the formula has b.T


wrong_result = mn.exercises.check(MatMulNoTranspose, exercise="matmul")
print(wrong_result)

# %% [markdown]
# The verdict says what a student needs: which gradient is wrong (a's; b's is right), by how much
# and at which element, on which inputs, and what the mistake looks like, with a hint. It
# recognises the mistake by computing what a backward with each known mistake would return and
# comparing with yours.

# %% tags=["check"]
rows = {row.name: row for row in wrong_result.gradients}
assert not wrong_result.ok and wrong_result.status == "wrong", \
    "the version without Bᵀ is judged wrong"
assert wrong_result.case == "a (3, 3) @ b (3, 3)", \
    "it is caught on the square case, where the shapes fit"
assert not rows["a"].ok and rows["b"].ok, \
    "the verdict says a's gradient is wrong and b's is right"
assert wrong_result.mistake_names == ["missing_transpose_a"], \
    "the checker recognises the mistake: B used instead of Bᵀ"
assert "B.T" in wrong_result.hints[0], "its hint says to transpose B"
assert wrong_result.all_mistakes[0].title == revealed.wrong["B"], \
    "it is the bug that was planted in suspect B"

# %% [markdown]
# ## What you saw
#
# - A wrong backward is off by about the size of the gradient: relative errors far above 10⁻².
#   Right ones mostly sit below 10⁻⁷, more than three orders of magnitude lower.
# - A relative error a little above 10⁻⁷ on a right op comes from a tiny gradient element; look at
#   the absolute difference before calling it a bug.
# - `minnet exercise start NAME` writes an exercise, `minnet exercise check NAME.py` (or
#   `mn.exercises.check`) judges it and names the mistake.
#
# Now write `sigmoid` yourself, and then `max_pool2d` or `batch_norm` if you like a challenge.
#
# Next, lesson 4: a first network on real data, handwritten digits.
