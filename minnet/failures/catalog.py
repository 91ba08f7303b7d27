"""The catalog: every failure mode, in the order the tour shows them (architecture and initialization,
training, data, sanity checks). Each mode lives in its own file in ``modes/``."""
from __future__ import annotations

import difflib

from .mode import FailureMode
# architecture and initialization
from .modes import dead_relu
# training
from .modes import (batch_too_large, clipping_hides_lr, lr_too_high, lr_too_low, no_lr_schedule, plain_sgd_stalls,
                    too_few_epochs, too_many_epochs)
# sanity checks
from .modes import bad_gradient, cannot_overfit_tiny_batch, forgot_zero_grad
# data
from .modes import (categorical_as_numbers, class_imbalance, label_changing_augmentation, label_noise,
                    missing_class_in_split, missing_values, no_preprocessing, outliers, swapped_class,
                    too_little_data, unchecked_pipeline, unnormalized_inputs, unscaled_targets,
                    zero_variance_feature)

ARCHITECTURE = (dead_relu,)
TRAINING = (lr_too_high, lr_too_low, clipping_hides_lr, batch_too_large, too_few_epochs, too_many_epochs,
            no_lr_schedule, plain_sgd_stalls)
DATA = (  # in CATALOG order
    unnormalized_inputs,
    unscaled_targets,
    zero_variance_feature,
    unchecked_pipeline,
    no_preprocessing,
    label_noise,
    swapped_class,
    class_imbalance,
    missing_class_in_split,
    label_changing_augmentation,
    too_little_data,
    outliers,
    missing_values,
    categorical_as_numbers,
)
SANITY = (bad_gradient, cannot_overfit_tiny_batch, forgot_zero_grad)

_BY_NAME: dict[str, FailureMode] = {m.MODE.name: m.MODE for m in ARCHITECTURE + TRAINING + DATA + SANITY}


def catalog() -> list[FailureMode]:
    """Every failure mode, in tour order."""
    return list(_BY_NAME.values())


def get(name: str) -> FailureMode:
    """The failure mode called ``name`` (as in ``minnet failures list``)."""
    try:
        return _BY_NAME[name]
    except KeyError:
        close = difflib.get_close_matches(str(name).replace("-", "_"), list(_BY_NAME), n=3, cutoff=0.6)
        hint = f" Did you mean {', '.join(close[:3])}?" if close else ""
        raise KeyError(f"no failure mode called {name!r}.{hint} The catalog has: {', '.join(_BY_NAME)}") from None
