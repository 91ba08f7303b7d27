"""Floor 5: every matplotlib figure minnet draws, one module per family of figures.

Imported only when a figure is asked for (``history.plot()``, ``mon.plot()``, ...), so ``import
minnet`` never loads matplotlib; without a screen the file-only Agg backend is used. Each function
returns the matplotlib ``Figure``; pass ``path=`` to also save it as an image.

* ``history.py``: :func:`plot_history` (loss and accuracy per epoch), :func:`plot_lr_find`.
* ``monitor.py``: :func:`plot_monitor` (``mon.plot()``: per-layer instruments over training),
  :func:`plot_activation_histograms` (outputs per layer, input to output), :func:`plot_gradient_norms`
  (gradient norm against depth).
* ``failures.py``: the catalog's figures, a mode's symptom broken next to fixed; ``labels.py``: those
  of the data modes, which show the data itself (samples with their labels, class counts per split).
"""
from ._base import close
from .history import plot_history, plot_lr_find
from .monitor import plot_activation_histograms, plot_gradient_norms, plot_monitor

__all__ = ["plot_history", "plot_lr_find", "plot_monitor", "plot_activation_histograms", "plot_gradient_norms",
           "close"]
