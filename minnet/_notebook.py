"""Whether minnet runs inside a Jupyter notebook: ``fit`` draws its progress bar there as on a
terminal, and a lesson shows its figures inline."""
from __future__ import annotations

import sys


def in_notebook() -> bool:
    """True when an IPython kernel is the running shell (a notebook), not when IPython or ipykernel
    has merely been imported, as a test tool or an editor may do."""
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None else None
    return shell is not None and hasattr(shell, "kernel")
