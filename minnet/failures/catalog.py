"""The catalog: every failure mode, in the order the tour shows them (architecture and initialization,
training, data, sanity checks). Each mode lives in its own file in ``modes/``."""
from __future__ import annotations

import difflib

from .mode import FailureMode
# architecture and initialization
from .modes import dead_relu
from .modes import zero_gradient_op
from .modes import wrong_output_activation
from .modes import wrong_loss
from .modes import too_few_hidden_units
from .modes import no_regularization
from .modes import too_much_regularization
from .modes import dropout_left_on

ARCHITECTURE = (dead_relu,
                zero_gradient_op,
                wrong_output_activation,
                wrong_loss,
                too_few_hidden_units,
                no_regularization,
                too_much_regularization,
                dropout_left_on,
                )
TRAINING = ()
DATA = ()
SANITY = ()

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
