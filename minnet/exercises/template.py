"""The student's file for an exercise, written out by ``minnet exercise start NAME``.

Every template has the same shape (docstring with the maths, a ``mn.Function`` subclass whose
forward and backward raise ``NotImplementedError``, and how to check it), so it is rendered from
one skeleton and each exercise supplies only what differs.
"""
from __future__ import annotations

import textwrap

SKELETON = '''"""Exercise {name}: {title}

{doc}

How to write it
    forward(ctx, {signature}) receives NumPy arrays (float64) and returns a NumPy array. Keep what
    backward will need with ctx.save_for_backward(...) (read it back from ctx.saved_tensors), or
    as an attribute (ctx.something = value).
    backward(ctx, grad) receives grad = dL/dy, shaped like forward's output, and returns
    {returns}.
    Each gradient has exactly its input's shape.

Check it
    minnet exercise check {name}.py          (or: python {name}.py)
    Your forward is compared with reference values, then your backward with numerical gradients
    (mn.gradcheck, in float64); the verdict says which gradient is wrong, where, and a hint.
"""
import numpy as np

import minnet as mn

EXERCISE = "{name}"  # tells the checker which exercise this file is


class {class_name}(mn.Function):
    """{title}."""

    @staticmethod
    def forward(ctx, {signature}):
{forward_todo}
        raise NotImplementedError("write the forward of {class_name}")

    @staticmethod
    def backward(ctx, grad):
{backward_todo}
        raise NotImplementedError("write the backward of {class_name}")


# Check it: minnet exercise check {name}.py
if __name__ == "__main__":
    print(mn.exercises.check(__file__))
'''


def _comment(text: str) -> str:
    return "\n".join(f"        # {line}".rstrip() for line in textwrap.dedent(text).strip().splitlines())


def _returns(names: tuple[str, ...], constants: tuple[str, ...]) -> str:
    """What backward returns, in words: "dL/dx", or "(dL/da, dL/db)", with None for constants."""
    parts = ["None" if n in constants else f"dL/d{n}" for n in names]
    what = parts[0] if len(parts) == 1 else "(" + ", ".join(parts) + ")"
    if constants:
        what += f", one per input in order (None for {' and '.join(constants)}: no gradient)"
    elif len(parts) > 1:
        what += ", one per input, in order"
    return what


def render(exercise) -> str:
    """The template text of ``exercise`` (an :class:`~minnet.exercises.exercise.Exercise`)."""
    return SKELETON.format(
        name=exercise.name, title=exercise.title, class_name=exercise.class_name,
        signature=exercise.signature, doc=textwrap.dedent(exercise.doc).strip("\n"),
        returns=_returns(exercise.input_names, exercise.no_grad_inputs),
        forward_todo=_comment(exercise.forward_todo), backward_todo=_comment(exercise.backward_todo))
