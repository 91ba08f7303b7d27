"""Floor 4: numerical gradient checking.

``gradcheck(fn, inputs)`` compares ``backward()`` with central finite differences in float64 and
returns a :class:`GradcheckReport`; ``gradcheck_module(module, x)`` also checks every parameter.
``minnet.gradcheck.cases`` holds the table of op and layer checks behind ``minnet gradcheck``.

``mn.gradcheck`` is the function (as ``torch.autograd.gradcheck`` is in PyTorch), so reach the
table with ``from minnet.gradcheck import cases`` rather than ``import minnet.gradcheck.cases``.
"""
from .check import gradcheck, gradcheck_module
from .report import GradcheckReport, InputCheck, verdict

__all__ = ["gradcheck", "gradcheck_module", "GradcheckReport", "InputCheck", "verdict"]
