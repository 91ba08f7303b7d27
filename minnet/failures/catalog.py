"""The catalog: every failure mode, in the order the tour shows them (CATALOG.md's tables: architecture
and initialization, training, data, sanity checks). Each mode lives in its own file in ``modes/``."""
from __future__ import annotations

import difflib

from .mode import FailureMode
from .modes import (bad_gradient, batch_too_large, cannot_overfit_tiny_batch, categorical_as_numbers,
                    class_imbalance, clipping_hides_lr, dead_relu, dropout_left_on, exploding_gradients,
                    forgot_zero_grad, init_too_large, init_too_small, label_changing_augmentation, label_noise,
                    lr_too_high, lr_too_low, missing_class_in_split, missing_values, no_lr_schedule,
                    no_preprocessing, no_regularization, outliers, plain_sgd_stalls, swapped_class, too_deep,
                    too_few_epochs, too_few_hidden_units, too_little_data, too_many_epochs,
                    too_much_regularization, unchecked_pipeline, unnormalized_inputs, unscaled_targets,
                    vanishing_gradients, wrong_loss, wrong_output_activation, zero_gradient_op, zero_init,
                    zero_variance_feature)

ARCHITECTURE = (vanishing_gradients, exploding_gradients, dead_relu, zero_gradient_op, wrong_output_activation,
                wrong_loss, zero_init, init_too_small, init_too_large, too_deep, too_few_hidden_units,
                no_regularization, too_much_regularization, dropout_left_on)
TRAINING = (lr_too_high, lr_too_low, clipping_hides_lr, batch_too_large, too_few_epochs, too_many_epochs,
            no_lr_schedule, plain_sgd_stalls)
DATA = (unnormalized_inputs, unscaled_targets, zero_variance_feature, unchecked_pipeline, no_preprocessing,
        label_noise, swapped_class, class_imbalance, missing_class_in_split, label_changing_augmentation,
        too_little_data, outliers, missing_values, categorical_as_numbers)
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
