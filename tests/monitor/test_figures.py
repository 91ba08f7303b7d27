"""The instruments' figures render to PNG without a screen and draw the recorded numbers."""
import numpy as np
import pytest

import minnet as mn
from minnet.monitor import Monitor

pytest.importorskip("matplotlib")
nn = mn.nn


@pytest.fixture(scope="module")
def deep_tanh():
    """Six tanh layers with weights far too small: the signal shrinks layer after layer."""
    mn.manual_seed(0)
    small = lambda shape, fan_in, fan_out, rng: 0.05 * rng.standard_normal(shape)   # noqa: E731
    layers = []
    for _ in range(6):
        layers += [nn.Dense(16, 16, init=small), nn.Tanh()]
    model = nn.Sequential(*layers, nn.Dense(16, 3))
    X = np.random.default_rng(0).standard_normal((200, 16)).astype(np.float32)
    y = np.arange(200) % 3
    mon = Monitor(model, every=2, histograms=True)
    mn.fit(model, mn.losses.CrossEntropyLoss(), mn.optim.SGD(model.parameters(), lr=0.05), (X, y),
           epochs=4, batch_size=50, monitor=mon, progress=False)
    return model, X, y, mon


def test_monitor_plot_has_a_panel_per_metric_and_a_line_per_layer(deep_tanh, tmp_path):
    model, X, y, mon = deep_tanh
    fig = mon.plot(path=tmp_path / "monitor.png")
    assert (tmp_path / "monitor.png").stat().st_size > 20_000
    panels = {ax.get_title().split("(")[-1].rstrip(")"): ax for ax in fig.axes if ax.get_visible()}
    assert set(panels) == set(Monitor.METRICS) - {"dead_fraction"}          # no ReLU layer here
    grad = panels["grad_norm"]
    assert len(grad.lines) == len(mon.weight_layers) == 7
    np.testing.assert_allclose(grad.lines[0].get_ydata(), mon.get("grad_norm")["0"])
    assert len(panels["act_std"].lines) == 6                                # the tanh layers
    ratio = panels["update_ratio"]
    # a float32 step too small to change the last layer's weights at all gives a ratio of exactly 0,
    # which a log axis would hide: the axis is then symlog
    has_zero = any((v == 0).any() for v in mon.get("update_ratio").values())
    assert ratio.get_yscale() == ("symlog" if has_zero else "log")
    band = [p for p in ratio.patches if p.get_alpha() == 0.12]
    assert len(band) == 1 and (band[0].get_y(), band[0].get_y() + band[0].get_height()) == pytest.approx((1e-4, 1e-2))
    assert panels["act_std"].get_yscale() == "log"                           # spans orders of magnitude


def test_activation_histograms_from_a_model_and_from_the_monitor(deep_tanh, tmp_path):
    model, X, y, mon = deep_tanh
    before = [p.data.copy() for p in model.parameters()]
    fig = mn.plot.plot_activation_histograms(model, X, path=tmp_path / "hist.png")
    assert (tmp_path / "hist.png").stat().st_size > 10_000
    axes = [ax for ax in fig.axes if ax.get_visible()]
    assert [ax.get_title().split("\n")[0] for ax in axes] == [f"{2 * i + 1} Tanh" for i in range(6)]
    assert len({ax.get_xlim() for ax in axes}) == 1                          # one shared x axis
    stds = [float(ax.get_title().split("std ")[1]) for ax in axes]
    assert stds[-1] < stds[0] / 100                                          # the collapse it shows
    assert all(np.array_equal(a, p.data) for a, p in zip(before, model.parameters()))
    fig = mn.plot.plot_activation_histograms(mon, step=1, path=tmp_path / "hist_mon.png")
    assert len([ax for ax in fig.axes if ax.get_visible()]) == 6
    assert "step 1" in fig._suptitle.get_text()


def test_gradient_norms_against_depth(deep_tanh, tmp_path):
    model, X, y, mon = deep_tanh
    fig = mn.plot.plot_gradient_norms(mon, path=tmp_path / "grad.png")
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_xticklabels()] == mon.weight_layers
    assert [line.get_label() for line in ax.lines] == [f"step {s}" for s in mon.steps[[0, 2, 5, 7]]]
    np.testing.assert_allclose(ax.lines[-1].get_ydata(), [mon.get("grad_norm")[n][-1] for n in mon.weight_layers])
    stats = mn.monitor.gradient_stats(model, mn.losses.CrossEntropyLoss(), X, y)
    fig = mn.plot.plot_gradient_norms(stats, path=tmp_path / "grad_now.png")
    np.testing.assert_allclose(fig.axes[0].lines[0].get_ydata(), [s["grad_norm"] for s in stats.values()])
    assert (tmp_path / "grad_now.png").exists()


def test_a_diverged_run_is_marked_and_zero_gradients_stay_visible(tmp_path):
    X, y = mn.data.moons(64, seed=0)
    mn.manual_seed(0)
    model = nn.Sequential(nn.Dense(2, 8), nn.ReLU(), nn.Dense(8, 2))
    mon = Monitor(model)
    with pytest.warns(Warning):
        mn.fit(model, mn.losses.CrossEntropyLoss(), mn.optim.SGD(model.parameters(), lr=1e4), (X * 1e3, y),
               epochs=3, batch_size=8, monitor=mon, progress=False, on_divergence="continue")
    fig = mon.plot()                                   # drawn, not saved: the first test saves
    texts = [t.get_text() for ax in fig.axes for t in ax.texts]
    assert any(t.startswith(" NaN/inf from step") for t in texts)
    steps = mon.steps
    assert all(ax.get_xlim()[1] >= steps[-1] for ax in fig.axes if ax.get_visible() and ax.lines)


def test_plot_before_recording_says_what_to_do():
    with pytest.raises(ValueError, match="recorded nothing"):
        Monitor(nn.Dense(2, 2)).plot()
