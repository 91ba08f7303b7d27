"""Floor 4: training. ``fit`` (the loop), ``evaluate`` and ``predict``, ``History``, callbacks,
and ``lr_find`` (the learning-rate range test).

``mn.fit``, ``mn.History``, ``mn.EarlyStopping`` and ``mn.lr_find`` are also at the top level.
"""
from .batching import as_pair
from .callbacks import (Callback, EarlyStopping, FitState, LRSchedulerCallback, as_callback, restore_weights,
                        snapshot_weights)
from .divergence import DivergenceWarning, TrainingDiverged
from .evaluation import evaluate, predict
from .history import Divergence, History
from .loop import fit
from .lr_finder import LRFinderResult, lr_find

__all__ = ["fit", "evaluate", "predict", "History", "Divergence", "DivergenceWarning", "TrainingDiverged",
           "Callback", "EarlyStopping", "LRSchedulerCallback", "FitState", "lr_find", "LRFinderResult",
           "snapshot_weights", "restore_weights", "as_callback", "as_pair"]
