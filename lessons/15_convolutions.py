# %% [markdown]
# # Lesson 15: Convolutions, from loops to the fast kernel
#
# A convolution written as seven nested Python loops, then as minnet's NumPy reference (one matrix
# product) and as its Numba kernel: the same numbers from the same multiply-adds, and why the fast
# ones are fast.
#
# A convolution layer slides a small stack of weights, the *kernel*, over the image and takes a
# dot product at every position. With x the input padded with p zeros on each side and s the
# stride (how far the kernel moves each step), output channel f at position (i, j) is
#
#     y[n, f, i, j] = b[f] + Σ_c Σ_u Σ_v  w[f, c, u, v] · x[n, c, i·s + u, j·s + v]
#
# Shapes: x (N, C, H, W), w (F, C, KH, KW), b (F,), y (N, F, OH, OW) with
# OH = (H + 2p − KH) // s + 1. The kernel slides as it is, not flipped: strictly a
# cross-correlation, as in PyTorch. Every number of y is one bias plus C·KH·KW multiply-adds.

# %%
import time

import matplotlib.pyplot as plt
import numpy as np

import minnet as mn
from minnet.kernels import conv_numba
from minnet.kernels.conv import conv2d_backward_numpy, conv2d_forward_numpy, im2col_numpy
from minnet.lessons import quick, show

nn = mn.nn
QUICK = quick()
mn.manual_seed(0)
rng = mn.get_rng()

# %% [markdown]
# ## Seven loops
#
# The formula, written as it reads: one loop for every index. The function counts the
# multiply-adds it does, to compare with the faster versions later.

# %%
def conv2d_loops(x, w, b, stride, padding):
    """The convolution as plain Python loops -> (y, the number of multiply-adds done)."""
    N, C, H, W = x.shape
    F, _, KH, KW = w.shape
    OH = (H + 2 * padding - KH) // stride + 1
    OW = (W + 2 * padding - KW) // stride + 1
    xp = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    y = np.zeros((N, F, OH, OW), dtype=x.dtype)
    macs = 0
    for n in range(N):
        for f in range(F):
            for i in range(OH):
                for j in range(OW):
                    total = b[f]
                    for c in range(C):
                        for u in range(KH):
                            for v in range(KW):
                                h, k = i * stride + u, j * stride + v
                                total += w[f, c, u, v] * xp[n, c, h, k]
                                macs += 1
                    y[n, f, i, j] = total
    return y, macs


x = rng.standard_normal((2, 3, 7, 7))           # 2 images, 3 channels, 7×7
w = rng.standard_normal((4, 3, 3, 3))           # 4 filters of 3×3 over the 3 channels
b = rng.standard_normal(4)
y_loops, macs = conv2d_loops(x, w, b, stride=2, padding=1)
print(f"x {x.shape} -> y {y_loops.shape}: {macs} multiply-adds")
print(f"    = N·F·OH·OW · C·KH·KW = 2·4·4·4 · 3·3·3 = {2 * 4 * 4 * 4 * 3 * 3 * 3}")

# %% [markdown]
# minnet's NumPy reference, `conv2d_forward_numpy` in `minnet/kernels/conv.py`, computes the same
# layer in a very different way (next section). Do the two agree?

# %%
y_ref = conv2d_forward_numpy(x, w, b, stride=(2, 2), padding=(1, 1))
print(f"largest difference, loops vs reference: {np.abs(y_loops - y_ref).max():.1e}")

# %% tags=["check"]
assert y_loops.shape == (2, 4, 4, 4), \
    "a 7×7 input with padding 1 and stride 2 gives a 4×4 output"
assert macs == 2 * 4 * 4 * 4 * 3 * 3 * 3, \
    "the loops do N·F·OH·OW·C·KH·KW = 3456 multiply-adds"
assert np.abs(y_loops - y_ref).max() < 1e-12, \
    "the loops and the NumPy reference agree to 1e-12"

# %% [markdown]
# ## The reference: im2col, then one matrix product
#
# Look again at the loops: output (n, f, i, j) is the dot product of filter f, C·KH·KW numbers,
# with the window of x under it, the same C·KH·KW positions. So copy every window once into a
# column of a matrix, `cols`, of shape (C·KH·KW, N·OH·OW): that is *im2col* ("image to
# columns"). Flatten each filter into a row of a (F, C·KH·KW) matrix, and
#
#     y = w.reshape(F, C·KH·KW) @ cols + b          (F, N·OH·OW): every output at once
#
# On a 4×4 image holding 0..15 and a 3×3 kernel, there are four windows, so four columns:

# %%
tiny = np.arange(16.0).reshape(1, 1, 4, 4)
tiny_cols = im2col_numpy(tiny, kernel=(3, 3), stride=(1, 1), padding=(0, 0))
print(tiny[0, 0].astype(int))
print(f"\ncols {tiny_cols.shape}: column k is window k, read row by row")
print(tiny_cols.astype(int))

# %% tags=["check"]
windows = [tiny[0, 0, i:i + 3, j:j + 3].ravel() for i in range(2) for j in range(2)]
assert tiny_cols.shape == (9, 4), "a 3×3 kernel on a 4×4 image gives 4 windows of 9 numbers"
assert all(np.array_equal(tiny_cols[:, k], windows[k]) for k in range(4)), \
    "column k of cols is window k of the image, flattened"

# %%
fig, (left, right) = plt.subplots(1, 2, figsize=(7.5, 3.8), width_ratios=[1, 1.2])
left.imshow(tiny[0, 0], cmap="Blues", vmin=-4, vmax=20)
left.add_patch(plt.Rectangle((0.5, -0.5), 3, 3, fill=False, ec="tab:red", lw=3))
for (r, c), value in np.ndenumerate(tiny[0, 0]):
    left.text(c, r, int(value), ha="center", va="center")
left.set_title("the image: window 1 in red")
right.imshow(tiny_cols, cmap="Blues", vmin=-4, vmax=20, aspect=0.5)
right.add_patch(plt.Rectangle((0.5, -0.5), 1, 9, fill=False, ec="tab:red", lw=3))
for (r, c), value in np.ndenumerate(tiny_cols):
    right.text(c, r, int(value), ha="center", va="center")
right.set_title("cols: window k is column k")
right.set_xlabel("window")
right.set_ylabel("position (u, v) in the window")
for ax in (left, right):
    ax.set_xticks([])
    ax.set_yticks([])
show(fig, "15_im2col")

# %% [markdown]
# Now the layer from before, done by hand in a few lines, the way the reference does it: im2col,
# one matrix product, and a reshape that puts the outputs back in (N, F, OH, OW) order.

# %%
cols = im2col_numpy(x, kernel=(3, 3), stride=(2, 2), padding=(1, 1))
w_rows = w.reshape(4, -1)
product = w_rows @ cols + b[:, None]
y_matrix = product.reshape(4, 2, 4, 4).transpose(1, 0, 2, 3)
gemm_macs = w_rows.shape[0] * w_rows.shape[1] * cols.shape[1]
print(f"w as rows {w_rows.shape} @ cols {cols.shape} -> {product.shape}")
print(f"the product does F·(C·KH·KW)·(N·OH·OW) = 4·27·32 = {gemm_macs} multiply-adds;"
      f" the loops did {macs}")

# %% tags=["check"]
assert np.array_equal(y_matrix, y_ref), \
    "im2col and one matrix product give the reference's output"
assert gemm_macs == macs, "the matrix product does exactly the multiply-adds the loops did"

# %% [markdown]
# The matrix product does not do less arithmetic: not one multiply-add fewer. What changes is who
# does it. Keep that in mind for the timings below.
#
# im2col has a price: a pixel is copied into every window that covers it. With a 3×3 kernel,
# stride 1 and padding 1 (the usual "same" convolution), `cols` holds nine times as many numbers
# as the input — each pixel, or padding zero, once for every tap of the kernel:

# %%
x28 = rng.standard_normal((64, 1, 28, 28)).astype(np.float32)     # a batch of 28×28 images
digit_cols = im2col_numpy(x28, kernel=(3, 3), stride=(1, 1), padding=(1, 1))
print(f"x {x28.shape}: {x28.size:,} numbers;  cols {digit_cols.shape}: "
      f"{digit_cols.size:,} = {digit_cols.size // x28.size}×")

# %% tags=["check"]
assert digit_cols.size == 9 * x28.size, \
    "for a 3×3 kernel, stride 1, padding 1, cols holds 9 times the input's numbers"

# %% [markdown]
# The backward is two more matrix products on the same `cols`. With G the gradient ∂L/∂y laid out
# as a (F, N·OH·OW) matrix like the product above:
#
#     ∂L/∂w = G @ colsᵀ       ∂L/∂b = G summed along its rows       ∂L/∂cols = w_rowsᵀ @ G
#
# and ∂L/∂x adds each entry of ∂L/∂cols back onto the pixel it was copied from (`col2im_numpy`,
# im2col run backwards). Where windows overlap, a pixel collects a gradient from each window it is
# in. All of it fits on one screen: read `minnet/kernels/conv.py`.

# %% [markdown]
# ## Gradcheck the Conv2D layer
#
# The `nn.Conv2D` layer calls these kernels. `mn.gradcheck_module(layer, x)` checks its gradient
# with respect to the input, the weight and the bias against central differences, as in lesson 2.
# Try two settings: stride 1, where neighbouring windows overlap by two columns, and stride 2 with
# padding. Run it under the reference (`mn.kernels.use_backend("numpy")`), so that it is the
# reference's backward being checked; the Numba kernel is compared with the reference after.

# %%
reports = {}
with mn.kernels.use_backend("numpy"):
    for stride, padding in [(1, 0), (2, 1)]:
        layer = nn.Conv2D(3, 4, kernel_size=3, stride=stride, padding=padding)
        report = mn.gradcheck_module(layer, x[:1])          # the first image of x
        reports[stride, padding] = report
        print(f"Conv2D(3, 4, 3, stride={stride}, padding={padding}):")
        for row in report.inputs:
            print(f"    {row.name:<7} {str(row.shape):<13} largest relative error "
                  f"{row.max_rel_error:.1e}, absolute {row.max_abs_error:.1e}")

# %% tags=["check"]
rows = [row for r in reports.values() for row in r.inputs]
assert [row.name for row in rows] == ["input", "weight", "bias"] * 2, \
    "both checks covered the input, the weight and the bias"
assert all(r.ok for r in reports.values()), "Conv2D passes gradcheck with stride 1 and 2"
assert all(row.max_abs_error < 1e-7 for row in rows), \
    "backward and central difference differ by less than 1e-7 at every element"
assert all(row.max_rel_error < 1e-5 for row in rows), \
    "every relative error is below 1e-5, far below the 1e-2 of a wrong backward"
assert all(abs(row.numerical) < 0.1 for row in rows if row.max_rel_error > 1e-7), \
    "every relative error above 1e-7 comes from a gradient element smaller than 0.1"

# %% [markdown]
# Elements can land above 10⁻⁷, in cs231n's "look closer". Look closer, as in lesson 3: at every
# element backward and central difference differ by less than 10⁻⁷, the size of rounding in a
# central difference, and those relative errors come from gradient elements smaller than 0.1, next
# to which a rounding error looks large. A wrong backward is off by about the gradient itself.
#
# Under the default backend, "numba", the same check gives the same numbers to the last bit:
# float64 calls on small arrays, like the thousands of tiny forward passes of a gradient check, go
# to the reference even then, since compiling the twin for float64 would cost them more than it
# saves (`minnet/kernels/_backend.py`).

# %%
print(f"default backend: {mn.kernels.get_backend()}")
layer = nn.Conv2D(3, 4, kernel_size=3, stride=2, padding=1)
under_numba = mn.gradcheck_module(layer, x[:1])
with mn.kernels.use_backend("numpy"):
    under_numpy = mn.gradcheck_module(layer, x[:1])
print("largest relative error of each gradient, under each backend:")
for a, b in zip(under_numba.inputs, under_numpy.inputs):
    print(f"    {a.name:<7} numba {a.max_rel_error:.15e}   numpy {b.max_rel_error:.15e}")

# %% tags=["check"]
assert mn.kernels.get_backend() == "numba", "the default backend is numba"
assert under_numba.inputs == under_numpy.inputs, \
    "gradcheck of Conv2D gives the same numbers, bit for bit, under either backend"

# %% [markdown]
# ## The Numba kernel, and how minnet chooses
#
# The default backend runs the Numba twin of the reference (`minnet/kernels/conv_numba.py`). It has
# two methods and picks one by the layer's shape (`uses_gemm`):
#
# - **Wide layers**, at least 32 filters and at least 16 products in every output (C·KH·KW ≥ 16):
#   the reference's own method, im2col and a matrix product, done a few images at a time so that
#   the column matrix stays in the cache, with the images shared out to the cores
#   (`conv_gemm_numba.py`).
# - **Narrow layers**, like LeNet's: direct compiled loops. Each padded image is laid out as one
#   long row, so a tap (u, v) of the kernel reads the same row shifted by a constant, and the
#   innermost loop runs along the whole row, which the compiler turns into vector instructions.
#   Nothing is copied nine times.

# %%
layers = {"LeNet conv1 1→8": (8, 1, 28), "LeNet conv2 8→16": (16, 8, 14),
          "wide 32→64": (64, 32, 14)}           # (F, C, image size); all 3×3 with padding 1
for name, (F, C, size) in layers.items():
    method = "im2col + GEMM" if conv_numba.uses_gemm(F, C, 3, 3) else "direct loops"
    print(f"{name:<18} C·KH·KW = {C * 9:>3}, F = {F:>2}: {method}")

# %% tags=["check"]
assert not conv_numba.uses_gemm(8, 1, 3, 3) and not conv_numba.uses_gemm(16, 8, 3, 3), \
    "LeNet's two convolutions run the direct loops"
assert conv_numba.uses_gemm(64, 32, 3, 3), "a 32→64 convolution runs as im2col + GEMM"
assert conv_numba.uses_gemm(32, 2, 3, 3) and not conv_numba.uses_gemm(31, 2, 3, 3), \
    "with C·KH·KW = 18, 32 filters run as GEMM and 31 run the direct loops"
assert not conv_numba.uses_gemm(64, 1, 3, 3), \
    "with C·KH·KW = 9 < 16 even 64 filters run the loops"

# %% [markdown]
# Does the twin give the reference's numbers, forward and backward? Compare them in float64 on a
# batch of 8 for each layer, calling the twin directly so that it runs whatever the size.

# %%
def largest_difference(a, b):
    """max |a − b|, relative to the largest |b|."""
    return np.abs(a - b).max() / np.abs(b).max()


twin_errors = {}
for name, (F, C, size) in layers.items():
    xb = rng.standard_normal((8, C, size, size))
    wb = rng.standard_normal((F, C, 3, 3)) / np.sqrt(C * 9)
    bb = rng.standard_normal(F)
    gy = rng.standard_normal((8, F, size, size))
    args = ((1, 1), (1, 1))                                  # stride, padding
    ours = [conv_numba.conv2d_forward_numba(xb, wb, bb, *args),
            *conv_numba.conv2d_backward_numba(gy, xb, wb, *args)]
    theirs = [conv2d_forward_numpy(xb, wb, bb, *args),
              *conv2d_backward_numpy(gy, xb, wb, *args)]
    twin_errors[name] = [largest_difference(a, b) for a, b in zip(ours, theirs)]
    print(f"{name:<18} y {twin_errors[name][0]:.0e}   ∂L/∂x {twin_errors[name][1]:.0e}   "
          f"∂L/∂w {twin_errors[name][2]:.0e}   ∂L/∂b {twin_errors[name][3]:.0e}")

# %% tags=["check"]
assert all(e < 1e-12 for errors in twin_errors.values() for e in errors), \
    "with both methods the Numba twin gives the reference's y, ∂L/∂x, ∂L/∂w, ∂L/∂b to 1e-12"

# %% [markdown]
# So the chain holds: the loops agree with the reference, gradcheck vouches for the reference's
# backward, and the twin agrees with the reference.
#
# ## Time the three
#
# LeNet's first layer (1→8 channels, 3×3, padding 1) on a few 28×28 images, forward only, in
# float32 as in training. Each fast version runs many times and keeps its shortest time: that
# is the run least disturbed by whatever else the machine is doing.

# %%
def best_time(fn, repeat):
    """The shortest of `repeat` runs of fn(), in seconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


images = x28[:2 if QUICK else 8]
w1 = (rng.standard_normal((8, 1, 3, 3)) / 3).astype(np.float32)
b1 = np.zeros(8, np.float32)
same = ((1, 1), (1, 1))                             # stride 1, padding 1
conv_numba.conv2d_forward_numba(images, w1, b1, *same)          # compile, or load from disk

start = time.perf_counter()
_, lenet_macs = conv2d_loops(images, w1, b1, stride=1, padding=1)
seconds = {"loops": time.perf_counter() - start}
seconds["reference"] = best_time(lambda: conv2d_forward_numpy(images, w1, b1, *same), 20)
twin_forward = conv_numba.conv2d_forward_numba
seconds["Numba"] = best_time(lambda: twin_forward(images, w1, b1, *same), 20)
print(f"{len(images)} images, {lenet_macs:,} multiply-adds")
for name, s in seconds.items():
    per_mac = s / lenet_macs * 1e9
    print(f"    {name:<10} {s * 1e3:9.3f} ms  {per_mac:8.2f} ns per multiply-add")
loop_ratio = seconds["loops"] / seconds["reference"]
print(f"the loops took {loop_ratio:,.0f}× the reference's time")

# %% tags=["check"]
assert loop_ratio > 10, "the Python loops are over 10 times slower than the NumPy reference"

# %% [markdown]
# The exact ratio depends on the machine and on what else runs on it; only "far slower" is
# claimed here. The Numba kernel's speed-up on the reference is much smaller than the
# reference's on the loops:

# %% tags=["check"]
assert seconds["reference"] / seconds["Numba"] < loop_ratio / 10, \
    "Numba's speed-up on the reference is under a tenth of the reference's on the loops"

# %% [markdown]
# Forward and backward of the three layers, on a batch of images, the reference against the Numba
# kernel:

# %%
batch = 16 if QUICK else 64
repeat = 2 if QUICK else 5
both, both_macs = {}, {}
for name, (F, C, size) in layers.items():
    xb = rng.standard_normal((batch, C, size, size)).astype(np.float32)
    wb = (rng.standard_normal((F, C, 3, 3)) / np.sqrt(C * 9)).astype(np.float32)
    bb = np.zeros(F, np.float32)
    gy = rng.standard_normal((batch, F, size, size)).astype(np.float32)

    def reference():
        conv2d_forward_numpy(xb, wb, bb, *same)
        conv2d_backward_numpy(gy, xb, wb, *same)

    def twin():
        conv_numba.conv2d_forward_numba(xb, wb, bb, *same)
        conv_numba.conv2d_backward_numba(gy, xb, wb, *same)

    twin()                                                   # compile, or load from disk
    both[name] = best_time(reference, repeat), best_time(twin, repeat)
    print(f"{name:<18} reference {both[name][0] * 1e3:7.1f} ms   "
          f"Numba {both[name][1] * 1e3:7.1f} ms")
    # the forward's product and the backward's two have the same number of multiply-adds
    both_macs[name] = 3 * F * C * 9 * batch * size * size

# %%
fig, (left, right) = plt.subplots(1, 2, figsize=(9, 3.6))
left.bar(list(seconds), [s / lenet_macs * 1e9 for s in seconds.values()],
         color=["tab:red", "tab:blue", "tab:green"])
left.set_yscale("log")
left.set_ylabel("ns per multiply-add (log scale)")
left.set_title(f"LeNet conv1 forward, {len(images)} images")
where = np.arange(len(layers))
for shift, k, label, color in [(-0.2, 0, "reference", "tab:blue"),
                               (0.2, 1, "Numba", "tab:green")]:
    right.bar(where + shift, [both[n][k] / both_macs[n] * 1e9 for n in layers], 0.4,
              label=label, color=color)
right.set_xticks(where)
right.set_xticklabels([name.replace(" ", "\n", 1) for name in layers])
right.set_ylabel("ns per multiply-add")
right.set_title(f"forward + backward, batch of {batch}")
right.legend()
show(fig, "15_timings")

# %% [markdown]
# These are one run's timings on this machine, for illustration. minnet's measured speed claims,
# with the two methods, the reference and PyTorch timed in turns so that a busy machine affects all
# alike, are in `benchmarks/README.md` ("Convolution: which method when").
#
# ## Why the fast ones are fast
#
# All three versions do the same multiply-adds, so the difference is in how each is done.
#
# - **The loops pay the interpreter for every multiply-add.** `w[f, c, u, v] * xp[...]` makes
#   Python work out two indices, fetch two array elements and wrap each as a Python number, then
#   multiply, add and step the loop: a long detour through the interpreter for every single
#   multiply-add.
# - **im2col turns the layer into one matrix product.** The interpreter runs a handful of NumPy
#   calls per layer instead of a few steps per multiply-add, and the arithmetic happens inside
#   compiled code.
# - **That product runs in BLAS**, a library tuned for each CPU: it cuts the matrices into blocks
#   that fit the caches, and uses vector instructions that do several multiply-adds at once.
#   Its best case is a big matrix product, where every number fetched from memory is used many
#   times. Here each number copied into `cols` is used by every filter, F times:

# %%
for name, (F, C, size) in layers.items():
    layer_cols = C * 9 * 64 * size * size                    # entries of cols, batch of 64
    layer_macs = F * C * 9 * 64 * size * size
    print(f"{name:<18} cols {layer_cols:>10,} numbers, {layer_macs:>12,} multiply-adds: "
          f"{layer_macs // layer_cols} per copied number")
used = lenet_macs / im2col_numpy(images, (3, 3), *same).size
print(f"counted: the loops' {lenet_macs:,} multiply-adds on LeNet conv1 are {used:.0f} "
      "per entry of its cols")

# %% tags=["check"]
assert used == 8, \
    "in LeNet's first layer (F = 8) the loops did 8 multiply-adds per entry of cols"
assert gemm_macs / cols.size == 4, "in the first example (F = 4), 4 per entry of cols"
assert all(conv_numba.uses_gemm(F, C, 3, 3) == (F >= 32) for F, C, _ in layers.values()), \
    "of these layers, minnet runs im2col + GEMM exactly for those with at least 32 filters"

# %% [markdown]
# With 8 filters, each number copied into `cols` serves only 8 multiply-adds, so the copying is
# not small next to the arithmetic: minnet's Numba kernel uses direct loops there, which copy each
# pixel once, into its padded row, not nine times. With 32 or more filters each copied number
# serves 32 multiply-adds or more, and minnet hands the product to BLAS. Where each method wins
# was measured, layer by layer, in `benchmarks/README.md`.
#
# ## What you saw
#
# - A convolution is C·KH·KW multiply-adds per output; seven loops compute it exactly as written.
# - im2col copies each window into a column, and the whole layer becomes one matrix product with
#   exactly the loops' multiply-adds; its backward is two more products and col2im.
# - `mn.gradcheck_module` checks Conv2D's three gradients; the Numba twin gives the reference's
#   numbers to 1e-12.
# - How minnet chooses: the "numba" backend by default (small float64 calls, such as gradient
#   checks, still run the reference), and inside the twin, im2col + GEMM for wide layers and
#   direct loops for narrow ones (`uses_gemm`).
# - The loops are far slower than the reference, not from more arithmetic but from the interpreter
#   paying for every step; BLAS does the same multiply-adds in compiled, vectorised, cache-blocked
#   code.
#
# This is the last lesson. To write a convolution's backward yourself, run
# `minnet exercise start conv2d` (lesson 3 shows how exercises work); for the measured speeds, read
# `benchmarks/README.md`.
