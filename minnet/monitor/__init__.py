"""Floor 4: instruments that let a student see inside training, and what they find.

* Pure functions on arrays (:mod:`.instruments`): :func:`dead_fraction`, :func:`saturated_fraction`,
  :func:`update_to_weight_ratio`, :func:`grad_zero_fraction`; each docstring says how to read it.
* Snapshots at the current weights, without training (:mod:`.snapshots`): :func:`activation_stats`,
  :func:`gradient_stats`, :func:`layer_outputs` (the raw outputs), and :func:`untouched` (use a model, then put everything back bit for bit).
* :class:`Monitor` (:mod:`.monitor`): the same instruments recorded during ``mn.fit(..., monitor=mon)``.
* Findings: :func:`preflight` (the checks before training), :func:`diagnose` (what went wrong in a
  finished run), each a :class:`Report` of :class:`Finding`\\ s with codes from :data:`CODES`;
  every threshold with its reason is in :mod:`.rules`.

What counts as a layer, and which metrics each kind of layer gets: :mod:`.layers`.
"""
from .diagnose import diagnose
from .findings import CODES, Finding, Report
from .instruments import dead_fraction, grad_zero_fraction, saturated_fraction, update_to_weight_ratio
from .layers import kind_of
from .monitor import Monitor
from .preflight import preflight
from .snapshots import activation_stats, gradient_stats, layer_kinds, layer_outputs, untouched

__all__ = ["dead_fraction", "saturated_fraction", "update_to_weight_ratio", "grad_zero_fraction",
           "activation_stats", "gradient_stats", "layer_outputs", "layer_kinds", "untouched", "Monitor", "kind_of",
           "preflight", "diagnose", "Finding", "Report", "CODES"]
