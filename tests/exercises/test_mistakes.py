"""Each common mistake, written as a small variant of the teachers' solution, fails the check with the
hint that matches it. Every mistake an exercise knows is in the table (the last test sees to it)."""
import pytest

import minnet as mn

MAX_POOL_EVERY_ELEMENT = (
    ("ctx.x_shape = x.shape", "ctx.x_shape, ctx.k, ctx.s = x.shape, k, s"),
    ("""        rows, cols = ctx.saved_tensors
        n, c = np.indices(grad.shape)[:2]
        gx = np.zeros(ctx.x_shape)
        np.add.at(gx, (n, c, rows, cols), grad)      # a max of several windows gets every share
""", """        k, s = ctx.k, ctx.s
        gx = np.zeros(ctx.x_shape)
        for i in range(grad.shape[2]):
            for j in range(grad.shape[3]):
                gx[:, :, i * s:i * s + k, j * s:j * s + k] += grad[:, :, i, j, None, None] SHARE
"""))


def _every_element(share: str):
    (a, b), (c, d) = MAX_POOL_EVERY_ELEMENT
    return (a, b), (c, d.replace("SHARE", share))


CONV_FULL_CORRELATION = (  # dL/dx as a "full" correlation of the zero-padded grad with the kernel: KERNEL
    ("gx, gw = np.zeros_like(x), np.zeros_like(w)",
     "gx, gw = np.zeros_like(x), np.zeros_like(w)\n"
     "        gp = np.pad(grad, ((0, 0), (0, 0), (kh - 1, kh - 1), (kw - 1, kw - 1)))"),
    ('gx[:, :, u:u + oh, v:v + ow] += np.einsum("nfhw,fc->nchw", grad, w[:, :, u, v])',
     'gx += np.einsum("nfhw,fc->nchw", gp[:, :, u:u + gx.shape[2], v:v + gx.shape[3]], KERNEL)'))


def _full_correlation(kernel: str):
    (a, b), (c, d) = CONV_FULL_CORRELATION
    return (a, b), (c, d.replace("KERNEL", kernel))


BN_DX = "grad_x = gamma * inv_std * (grad - grad.mean(axis=0) - xhat * (grad * xhat).mean(axis=0))"
DROPOUT_SAVE_P = ("ctx.save_for_backward(scale)", "ctx.save_for_backward(scale)\n        ctx.p = p")

# (exercise, replacements, the mistake it must be recognised as, a piece of that mistake's hint)
MISTAKES = [
    ("sigmoid", [("ctx.save_for_backward(y)", "ctx.save_for_backward(x)"), ("(y,) = ctx.saved_tensors", "(x,) = ctx.saved_tensors"),
                 ("grad * y * (1 - y)", "grad * x * (1 - x)")], "uses_input", "the *output*"),
    ("tanh", [("ctx.save_for_backward(y)", "ctx.save_for_backward(x)"), ("(y,) = ctx.saved_tensors", "(x,) = ctx.saved_tensors"),
              ("(1 - y ** 2)", "(1 - x ** 2)")], "uses_input", "1 − y², with y the *output*"),
    ("tanh", [("(1 - y ** 2)", "(1 - y)")], "missing_square", "1 − y² (y squared)"),
    ("relu", [("return grad * active", "return grad")], "passes_everything", "no gradient flows there"),
    ("relu", [("return grad * active", "return np.maximum(grad, 0)")], "clamps_grad", "not from the sign of grad"),
    ("matmul", [("grad_a = grad @ b.T", "grad_a = grad @ b")], "missing_transpose_a", "dL/dA = G @ B.T: transpose B"),
    ("matmul", [("grad_b = a.T @ grad", "grad_b = a @ grad")], "missing_transpose_b", "dL/dB = A.T @ G: transpose A"),
    ("matmul", [("grad_a = grad @ b.T", "grad_a = b @ grad.T")], "transposed_grad_a", "it is the transpose of dL/dA"),
    ("matmul", [("grad_b = a.T @ grad", "grad_b = grad.T @ a")], "transposed_grad_b", "it is the transpose of dL/dB"),
    ("broadcast_add", [("return grad, sum_to_shape(grad, ctx.b_shape)", "return grad, grad")], "not_reduced",
     "a reused input gets the sum of the gradients"),
    ("broadcast_add", [("g = g.sum(axis=tuple(range(g.ndim - len(shape))))", "g = g.mean(axis=tuple(range(g.ndim - len(shape))))"),
                       ("return g.sum(axis=stretched, keepdims=True)", "return g.mean(axis=stretched, keepdims=True)")],
     "mean_not_sum", "the *sum* over the broadcast axes, not the mean"),
    ("broadcast_add", [("return g.sum(axis=stretched, keepdims=True)", "return g.sum(axis=stretched)")], "lost_keepdims",
     "sum with keepdims=True"),
    ("mean", [("grad / ctx.n", "grad")], "missing_division", "dL/dx = grad / n"),
    ("mean", [("ctx.n = x.size if axis is None else x.shape[axis]", "ctx.n = x.size")], "divided_by_size",
     "n is x.shape[axis]"),
    ("mean", [("            grad = np.expand_dims(grad, ctx.axis)\n", "            pass\n")], "axis_not_restored",
     "np.expand_dims(grad, axis)"),
    ("softmax_cross_entropy", [("shifted = logits - logits.max(axis=1, keepdims=True)", "shifted = logits"),
                               ("log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))",
                                "log_p = np.log(np.exp(shifted) / np.exp(shifted).sum(axis=1, keepdims=True))")],
     "unstable", "Subtract each row's maximum"),
    ("softmax_cross_entropy", [("return grad * g / n, None", "return grad * g, None")], "missing_mean",
     "every row of the gradient carries a factor 1/N"),
    ("softmax_cross_entropy", [("        g[np.arange(n), labels] -= 1\n", "")], "missing_onehot",
     "subtract 1 at each sample's true class"),
    ("softmax_cross_entropy", [("g = p.copy()\n        g[np.arange(n), labels] -= 1",
                                "g = -p\n        g[np.arange(n), labels] += 1")], "onehot_minus_p", "p - onehot(y)"),
    ("max_pool2d", _every_element(""), "every_element", "to the position of the max alone"),
    ("max_pool2d", _every_element("/ (k * k)"), "averaged", "the gradient of *average* pooling"),
    ("max_pool2d", [("np.add.at(gx, (n, c, rows, cols), grad)", "gx[n, c, rows, cols] += grad")], "overwrite_overlap",
     "must receive the *sum* of their gradients"),
    ("conv2d", [('y += np.einsum("nchw,fc->nfhw", patch, w[:, :, u, v])',
                 'y += np.einsum("nchw,fc->nfhw", patch, w[:, :, kh - 1 - u, kw - 1 - v])')], "flipped_forward",
     "a cross-correlation"),
    ("conv2d", _full_correlation("w[:, :, u, v]"), "kernel_not_flipped", "the kernel rotated by 180 degrees"),
    ("conv2d", [('gw[:, :, u, v] = np.einsum("nfhw,nchw->fc", grad, patch)',
                 'for i in range(x.shape[0]):\n'
                 '                    gw[:, :, u, v] = np.einsum("fhw,chw->fc", grad[i], patch[i])')],
     "weight_grad_last_sample", "accumulate with += over the batch"),
    ("conv2d", [("grad.sum(axis=(0, 2, 3))", "grad.mean(axis=(0, 2, 3))")], "bias_grad_mean", "not the mean"),
    ("conv2d", [("grad.sum(axis=(0, 2, 3))", "grad.sum(axis=(2, 3))")], "bias_not_summed", "sum g over the batch axis too"),
    ("batch_norm", [("var = x.var(axis=0)", "var = x.var(axis=0, ddof=1)")], "unbiased_variance", "*biased* variance"),
    ("batch_norm", [("np.sqrt(var + eps)", "np.sqrt(var)")], "missing_eps", "1 / sqrt(var + eps)"),
    ("batch_norm", [("np.sqrt(var + eps)", "np.sqrt(var + 1e-5)")], "eps_not_passed", "Use the eps that forward receives"),
    ("batch_norm", [(BN_DX, "grad_x = gamma * inv_std * grad")], "constant_statistics", "you have only the first term"),
    ("batch_norm", [(BN_DX, "grad_x = gamma * inv_std * (grad - grad.mean(axis=0))")], "missing_variance_term",
     "- xhat * (g * xhat).mean(axis=0)"),
    ("batch_norm", [(BN_DX, "grad_x = gamma * inv_std * (grad - xhat * (grad * xhat).mean(axis=0))")],
     "missing_mean_term", "- g.mean(axis=0) inside the bracket"),
    ("batch_norm", [("save_for_backward(xhat, inv_std, gamma)", "save_for_backward(xhat, inv_std, gamma, x)"),
                    ("xhat, inv_std, gamma = ctx.saved_tensors", "xhat, inv_std, gamma, x = ctx.saved_tensors"),
                    ("grad_gamma = (grad * xhat).sum(axis=0)", "grad_gamma = (grad * x).sum(axis=0)")],
     "gamma_grad_uses_x", "(g * xhat).sum(axis=0)"),
    ("batch_norm", [("grad_gamma = (grad * xhat).sum(axis=0)", "grad_gamma = grad * xhat"),
                    ("grad_beta = grad.sum(axis=0)", "grad_beta = grad")], "params_not_summed", "shared by the N rows"),
    ("dropout", [("mn.get_rng().random(x.shape)", "np.random.random(x.shape)")], "not_reproducible",
     "Draw the mask from minnet's generator"),
    ("dropout", [("mn.get_rng().random(x.shape)", "np.random.default_rng(0).random(x.shape)")], "same_mask",
     "a new random draw on every forward pass"),
    ("dropout", [("scale = keep / (1 - p)", "scale = keep * 1.0")], "not_scaled", "multiplies the kept units by 1/(1 - p)"),
    ("dropout", [(">= p", "< p")], "p_is_keep", "p is the drop probability"),
    ("dropout", [DROPOUT_SAVE_P, ("        (scale,) = ctx.saved_tensors\n        return grad * scale",
                                  "        keep = mn.get_rng().random(grad.shape) >= ctx.p\n"
                                  "        return grad * keep / (1 - ctx.p)")], "fresh_mask", "backward must use that mask"),
    ("dropout", [("return grad * scale", "return grad * (scale != 0)")], "backward_not_scaled", "their gradient is too"),
    ("dropout", [DROPOUT_SAVE_P, ("return grad * scale", "return grad / (1 - ctx.p)")], "no_mask",
     "A dropped unit's output is 0"),
    # mistakes any op can make, recognised without the exercise's help
    ("sigmoid", [("return grad * y * (1 - y)", "return y * (1 - y)")], "ignores_upstream", "Chain rule"),
    ("softmax_cross_entropy", [("return grad * g / n, None", "return g / n, None")], "ignores_upstream", "Chain rule"),
    ("sigmoid", [("return grad * y * (1 - y)", "return -grad * y * (1 - y)")], "constant_factor", "a sign"),
    ("sigmoid", [("return grad * y * (1 - y)", "return grad * y * (1 - y) / 0")], "not_finite", "division by zero"),
    ("relu", [("return grad * active", "return np.zeros_like(grad)")], "zero", "returns zeros"),
    ("matmul", [("return grad_a, grad_b", "return grad_b, grad_a")], "wrong_order", "in the order of forward's inputs"),
    ("conv2d", [("return gx, gw,", "return gx, gw.transpose(1, 0, 2, 3),")], "transposed", "first two axes"),
    ("mean", [("return np.broadcast_to(grad / ctx.n, ctx.x_shape).copy()", "return grad / ctx.n")], "not_spread",
     "spread yours back to x's shape"),
    ("broadcast_add", [("return grad, sum_to_shape(grad, ctx.b_shape)", "return grad, grad.sum(axis=1)")], "wrong_shape",
     "A gradient always has its input's shape"),
]


@pytest.mark.parametrize("name, replacements, mistake, hint", MISTAKES,
                         ids=[f"{m[0]}-{m[2]}" for m in MISTAKES])
def test_the_mistake_fails_with_its_hint(variant, name, replacements, mistake, hint):
    result = mn.exercises.check(variant(name, *replacements))
    assert not result.ok and result.status in ("wrong", "error"), str(result)
    assert mistake in result.mistake_names, str(result)
    text = str(result)
    assert hint in " ".join(text.split()) and "This looks like: " in text
    assert "Traceback" not in text


def test_every_mistake_of_every_exercise_is_in_the_table():
    tested = {(name, mistake) for name, _, mistake, _ in MISTAKES}
    known = {(ex.name, m.name) for ex in mn.exercises.catalog() for m in ex.mistakes}
    assert known - tested == set()


def test_the_full_correlation_with_the_flipped_kernel_is_right(variant):
    """The variant behind kernel_not_flipped is one index away from a right answer."""
    assert mn.exercises.check(variant("conv2d", *_full_correlation("w[:, :, kh - 1 - u, kw - 1 - v]"))).ok


def test_the_every_element_variant_is_right_without_overlap_and_a_max_only(variant):
    """Sanity of the max-pool variants: sending grad to every element really is what they do, so a
    mask of the max makes the same loop right."""
    (a, b), (c, d) = MAX_POOL_EVERY_ELEMENT
    d = d.replace("gx = np.zeros(ctx.x_shape)", "gx = np.zeros(ctx.x_shape)\n        x = ctx.x")
    d = d.replace("+= grad[:, :, i, j, None, None] SHARE",
                  "+= grad[:, :, i, j, None, None] * (x[:, :, i * s:i * s + k, j * s:j * s + k] == "
                  "x[:, :, i * s:i * s + k, j * s:j * s + k].max(axis=(2, 3), keepdims=True))")
    b = b + "\n        ctx.x = x"
    assert mn.exercises.check(variant("max_pool2d", (a, b), (c, d))).ok
