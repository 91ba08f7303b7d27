"""The catalog's machinery on a toy mode: knobs, runs, comparisons, verification, the tour and the CLI."""
import re

import pytest

import minnet as mn
from minnet.cli import main
from minnet.failures import Experiment, FailureMode, Knob
from minnet.failures import recipes


class ToyLR(FailureMode):
    """A toy: logistic regression on moons with a learning rate that is too small to move it."""

    name = "toy_lr"
    title = "A learning rate too small to move"
    source = "001_550340deb8777b58.txt, Learning Rate Problems"
    summary = "Steps of 1e-6 leave the weights where they started."
    symptom = "how much the training loss fell from the first epoch to the last; shows below 0.01"
    findings = frozenset({"not_learning"})
    knobs = (Knob("fix", "what to change", broken="none", fixed="raise_lr", choices=("none", "raise_lr")),
             Knob("epochs", "epochs", broken=3, fixed=3, low=1, high=10, integer=True),
             Knob("lr", "the small learning rate", broken=1e-6, fixed=1e-6, low=1e-8, high=1.0))

    def experiment(self, s, quick):
        X, y = mn.data.moons(200, seed=0)
        model = recipes.mlp([2, 8, 2])
        lr = 0.5 if s.fix == "raise_lr" else s.lr
        return Experiment(model, mn.losses.CrossEntropyLoss(), mn.optim.SGD(model.parameters(), lr=lr), (X, y),
                          fit_kwargs={"epochs": 1 if quick else s.epochs})

    def measure(self, run):
        loss = run.history.train_loss
        return {"loss_drop": loss[0] - loss[-1], "epochs": len(loss)}

    def shows(self, symptoms):
        return symptoms["loss_drop"] < 0.01


TOY = ToyLR()


def test_knobs_check_their_values():
    k = Knob("lr", "a rate", broken=1.0, fixed=0.1, low=1e-4, high=10.0)
    assert k.check("0.5") == 0.5 and k.allowed == "a number from 0.0001 to 10"
    with pytest.raises(ValueError, match=r"knob 'lr': the value 20 is out of range; choose a number from"):
        k.check(20)
    with pytest.raises(ValueError, match="is not a number"):
        k.check("fast")
    c = Knob("act", "activation", broken="relu", fixed="elu", choices=("relu", "elu"))
    with pytest.raises(ValueError, match=r"knob 'act': the value 'tanh' is not allowed; choose relu \| elu"):
        c.check("tanh")
    with pytest.raises(ValueError, match="its broken value"):
        Knob("n", "count", broken=0.5, fixed=1, low=0, high=3, integer=True)


def test_settings_broken_fixed_and_overrides():
    assert TOY.settings() == {"fix": "none", "epochs": 3, "lr": 1e-6}
    assert TOY.settings(broken=False) == {"fix": "raise_lr", "epochs": 3, "lr": 1e-6}
    assert TOY.settings(epochs="5")["epochs"] == 5
    with pytest.raises(ValueError, match="toy_lr: unknown knob 'speed'; its knobs are fix, epochs, lr"):
        TOY.settings(speed=2)


def test_a_run_measures_and_is_repeatable():
    a, b = TOY.run(seed=3), TOY.run(seed=3)
    assert a.symptoms == b.symptoms and a.shows_symptom
    assert a.settings == TOY.settings() and a.seed == 3 and a.seconds > 0
    assert list(a.symptoms) == ["loss_drop", "epochs"] and a.symptom_value == a.symptoms["loss_drop"]
    assert "not_learning" in a.findings.codes and a.monitor.steps[0] == 1
    assert TOY.run(quick=True).symptoms["epochs"] == 1
    assert "toy_lr (broken, seed 3" in str(a) and "findings:" in str(a)


def test_compare_uses_the_fix_only_on_the_fixed_side():
    c = TOY.compare(seed=0, epochs=2)
    assert c.broken.settings["fix"] == "none" and c.fixed.settings["fix"] == "raise_lr"
    assert c.broken.settings["epochs"] == c.fixed.settings["epochs"] == 2
    assert c.ok
    text = str(c)
    assert "loss_drop" in text and "not_learning*" in text and "OK: broken shows it, fixed does not." in text


def test_verify_table():
    v = TOY.verify(seeds=range(2))
    assert v.robust and len(v.rows) == 2
    assert re.search(r"toy_lr: 2 seeds, robust", str(v))


def test_get_names_the_close_matches():
    with pytest.raises(KeyError, match="Did you mean dead_relu"):
        mn.failures.get("dead-relu-x")


def test_the_comparison_figure_renders(tmp_path):
    path = tmp_path / "toy.png"
    fig = TOY.compare().plot(path)
    mn.plot.close(fig)
    assert path.stat().st_size > 10_000


class ToyTanh(ToyLR):
    """The toy with two tanh layers and activation histograms: something for every figure kind to draw."""

    name = "toy_tanh"

    def experiment(self, s, quick):
        exp = super().experiment(s, quick)
        exp.model = recipes.mlp([2, 8, 8, 2], activation="tanh", init="xavier")
        exp.optimizer = mn.optim.SGD(exp.model.parameters(), lr=0.5 if s.fix == "raise_lr" else s.lr)
        exp.histograms = True
        return exp


@pytest.fixture(scope="module")
def toy_tanh_comparison():
    return ToyTanh().compare(seed=0)


@pytest.mark.parametrize("figure", [{"kind": "monitor", "metric": "grad_norm"}, {"kind": "gradient_by_depth"},
                                    {"kind": "activation_histograms"}, {"kind": "unit_weights"},
                                    {"kind": "unit_weights", "layer": "2"}, {"kind": "curves"}])
def test_every_figure_kind_renders(figure, toy_tanh_comparison, tmp_path):
    mode = ToyTanh()
    mode.figure = figure
    c = type(toy_tanh_comparison)(mode, toy_tanh_comparison.broken, toy_tanh_comparison.fixed)
    fig = c.plot(tmp_path / "toy.png")
    if figure["kind"] == "activation_histograms":     # each layer's std at the first step in its title
        titles = [ax.get_title() for ax in fig.axes]
        assert sum("std" in t for t in titles) == 4
    mn.plot.close(fig)
    assert (tmp_path / "toy.png").stat().st_size > 10_000


def test_tour_quick_only_two_modes_writes_a_page_whose_figures_exist(tmp_path, capsys):
    names = [m.name for m in mn.failures.catalog()][:2]
    code = main(["tour", "--quick", "--only", ",".join(names), "--out", str(tmp_path)])
    out = capsys.readouterr().out
    assert code in (0, 1)
    for name in names:
        assert name in out
        assert (tmp_path / f"{name}.png").stat().st_size > 10_000
    page = (tmp_path / "index.html").read_text()
    images = re.findall(r"<img src='([^']+)'", page)
    assert sorted(images) == sorted(f"{n}.png" for n in names)
    assert all((tmp_path / i).exists() for i in images)
    assert "http" not in page.replace("http-equiv", "")          # opens without a network


def test_cli_failures_list_show_run_and_errors(capsys):
    assert main(["failures", "list"]) == 0
    assert "dead_relu" in capsys.readouterr().out
    assert main(["failures", "show", "dead_relu"]) == 0
    assert "Knobs:" in capsys.readouterr().out
    assert main(["failures", "show", "nope"]) == 2
    assert "no failure mode called 'nope'" in capsys.readouterr().err
    assert main(["failures", "run", "dead_relu", "--set", "lr=7"]) == 2
    assert "out of range" in capsys.readouterr().err
    assert main(["tour", "--only", "nope"]) == 2
