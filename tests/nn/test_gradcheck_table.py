"""The layer and loss rows of `minnet gradcheck`: all pass, and every layer and loss has a row."""
import pytest

import minnet as mn
from minnet import losses, nn
from minnet.gradcheck.cases import all_cases
from minnet.gradcheck.cases import LAYER_CASES


@pytest.mark.parametrize("case", LAYER_CASES, ids=[c.name for c in LAYER_CASES])
@pytest.mark.parametrize("seed", [0, 1])
def test_layer_table_gradients(case, seed):
    report = mn.gradcheck(case.fn, case.inputs(seed))
    assert report.ok, str(report)
    assert report.max_rel_error < 1e-5


def test_every_layer_and_loss_has_a_row():
    names = {c.name.split(" ")[0] for c in LAYER_CASES}
    layers = set(nn.__all__) - {"Module", "Parameter", "RemovableHandle", "Sequential", "Identity"}
    loss_names = {n for n in dir(losses) if n.endswith("Loss")} | {"l1_penalty", "l2_penalty"}
    assert layers | loss_names <= names, sorted((layers | loss_names) - names)
    assert {c.kind for c in LAYER_CASES} == {"layer", "loss"}
    assert all_cases()[-len(LAYER_CASES):] == LAYER_CASES
