"""What every figure shares: matplotlib on a file-only backend without a screen, and saving.

Imported by each figure module of ``minnet.plot``; nothing else in minnet imports matplotlib.
"""
from __future__ import annotations

import os

import matplotlib

if not os.environ.get("DISPLAY") and not os.environ.get("MPLBACKEND"):
    matplotlib.use("Agg")   # no screen (a server, CI): draw to files only

import matplotlib.pyplot as plt  # noqa: E402,F401  (re-exported for the figure modules)


def finish(fig, path=None, rect=None):
    """Lay the figure out, save it to ``path`` (PNG, SVG, ... by the suffix) if given, and return it.

    ``rect=(left, bottom, right, top)`` keeps the panels inside that part of the figure (in figure
    fractions), leaving room for a legend beside them.
    """
    fig.tight_layout(rect=rect)
    if path is not None:
        fig.savefig(path, dpi=110)
    return fig


def close(fig) -> None:
    """Free a figure's memory once it is saved (a tour draws dozens)."""
    plt.close(fig)
