"""Exercises on elementwise activations: sigmoid, tanh, relu.

Each output element depends on one input element, so backward is the upstream gradient times the
local derivative, element by element: dL/dx = grad · f'(x). The usual slips: writing f' with the
input where the formula has the output, and forgetting to multiply by ``grad``.
"""
from __future__ import annotations

from ...gradcheck.cases._case import away_from_zero
from ..exercise import Case, Exercise, Mistake


def _x(t):
    return t.inputs[0]


SIGMOID = Exercise(
    name="sigmoid",
    title="the logistic sigmoid, y = 1 / (1 + e^-x), elementwise",
    class_name="Sigmoid",
    signature="x",
    doc="""
        forward:   y = sigmoid(x) = 1 / (1 + exp(-x))                       elementwise
        backward:  dL/dx = grad * sigmoid'(x),   sigmoid'(x) = y * (1 - y)

    Shapes: x of any shape; y, grad and dL/dx have x's shape.
    Example: sigmoid(0) = 0.5 and sigmoid'(0) = 0.25, the largest the slope ever gets.
    """,
    forward_todo="y = ...; keep y for backward (the derivative is written with y)",
    backward_todo="return grad * (the derivative of sigmoid at x, written with y)",
    cases=(Case("x (3, 4)", lambda rng: [3 * rng.standard_normal((3, 4))]),),
    reference=lambda x: x.sigmoid(),
    mistakes=(
        Mistake("uses_input", "the derivative is written with the input x instead of the output y: x·(1 − x)",
                "sigmoid'(x) = y·(1 − y) with y = sigmoid(x), the *output*. Save y in forward "
                "(ctx.save_for_backward(y)) and return grad * y * (1 - y).",
                grads=lambda t: (t.grad * _x(t) * (1 - _x(t)),)),
    ),
)

TANH = Exercise(
    name="tanh",
    title="the hyperbolic tangent, y = tanh(x), elementwise",
    class_name="Tanh",
    signature="x",
    doc="""
        forward:   y = tanh(x) = (e^x - e^-x) / (e^x + e^-x)                elementwise
        backward:  dL/dx = grad * (1 - y^2)

    Shapes: x of any shape; y, grad and dL/dx have x's shape.
    Example: tanh(0) = 0 with slope 1; at |x| = 3 the slope is already below 0.01 (saturation).
    """,
    forward_todo="y = ...; keep y for backward",
    backward_todo="return grad * (1 - y^2)",
    cases=(Case("x (3, 4)", lambda rng: [1.5 * rng.standard_normal((3, 4))]),),
    reference=lambda x: x.tanh(),
    mistakes=(
        Mistake("uses_input", "the derivative is written with the input x instead of the output y: 1 − x²",
                "tanh'(x) = 1 − tanh(x)² = 1 − y², with y the *output*. Save y in forward and return "
                "grad * (1 - y**2).",
                grads=lambda t: (t.grad * (1 - _x(t) ** 2),)),
        Mistake("missing_square", "the derivative is taken as 1 − y instead of 1 − y²",
                "tanh'(x) = 1 − y² (y squared): d/dx tanh = sech² = 1 − tanh².",
                grads=lambda t: (t.grad * (1 - t.out),)),
    ),
)

RELU = Exercise(
    name="relu",
    title="the rectified linear unit, y = max(x, 0), elementwise",
    class_name="ReLU",
    signature="x",
    doc="""
        forward:   y = max(x, 0)                                            elementwise
        backward:  dL/dx = grad where x > 0, and 0 where x <= 0

    Shapes: x of any shape; y, grad and dL/dx have x's shape.
    At exactly x = 0 the slope is taken as 0, as in PyTorch.
    Do not change x itself in forward (no x[x < 0] = 0): it is the caller's array. Work on a copy.
    """,
    forward_todo="y = ...; keep what backward needs to know where x > 0",
    backward_todo="return grad, zeroed where x <= 0",
    cases=(Case("x (3, 4), none at the kink 0", away_from_zero((3, 4))),),
    reference=lambda x: x.relu(),
    mistakes=(
        Mistake("passes_everything", "the gradient passes where x ≤ 0 too (the mask is missing)",
                "Where x <= 0 the output is the constant 0, so no gradient flows there: return "
                "grad * (x > 0), not grad.",
                grads=lambda t: (t.grad,)),
        Mistake("clamps_grad", "the upstream gradient is clamped (max(grad, 0)) instead of masked by x > 0",
                "The mask comes from the *input* x (where the unit was active), not from the sign of "
                "grad: np.maximum(grad, 0) keeps positive gradients of inactive units and drops negative "
                "gradients of active ones. Return grad * (x > 0).",
                grads=lambda t: (t.grad.clip(min=0),)),
    ),
)

EXERCISES = (SIGMOID, TANH, RELU)
