"""Floor 4: instruments that let you see inside training, and the findings they lead to.

* ``preflight(model, loss_fn, train, val=None)``: the checks to run before training.
* ``diagnose(history, model=None, train=None, val=None)``: what went wrong in a finished run.
* ``Finding``, ``Report``, ``CODES``: what they say.
"""
from .diagnose import diagnose
from .findings import CODES, Finding, Report
from .preflight import preflight

__all__ = ["preflight", "diagnose", "Finding", "Report", "CODES"]
