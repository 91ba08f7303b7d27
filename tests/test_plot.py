"""Figures: they draw the recorded numbers and save to a file (matplotlib, no screen needed)."""
import numpy as np
import pytest

import minnet as mn

pytest.importorskip("matplotlib")


def _toy_history():
    X, y = mn.data.moons(200, seed=0)
    nn = mn.nn
    mn.manual_seed(0)
    model = nn.Sequential(nn.Dense(2, 16), nn.ReLU(), nn.Dense(16, 2))
    return mn.fit(model, mn.losses.CrossEntropyLoss(), mn.optim.Adam(model.parameters(), lr=0.05),
                  (X[:150], y[:150]), val=(X[150:], y[150:]), epochs=3, batch_size=32, progress=False), model


def test_history_plot_draws_the_recorded_curves(tmp_path):
    history, _ = _toy_history()
    fig = history.plot(path=tmp_path / "history.png")
    assert (tmp_path / "history.png").stat().st_size > 1000
    loss_ax, acc_ax = fig.axes
    np.testing.assert_allclose(loss_ax.lines[0].get_ydata(), history.train_loss)
    np.testing.assert_allclose(loss_ax.lines[1].get_ydata(), history.val_loss)
    np.testing.assert_allclose(acc_ax.lines[1].get_ydata(), history.val_acc)


def test_lr_find_plot_marks_the_suggestion(tmp_path):
    X, y = mn.data.moons(200, seed=0)
    nn = mn.nn
    mn.manual_seed(0)
    model = nn.Sequential(nn.Dense(2, 16), nn.ReLU(), nn.Dense(16, 2))
    result = mn.lr_find(model, mn.losses.CrossEntropyLoss(), mn.optim.SGD(model.parameters(), lr=0.1),
                        (X, y), num_steps=40)
    fig = result.plot(path=tmp_path / "lr.png")
    assert (tmp_path / "lr.png").exists()
    ax = fig.axes[0]
    assert ax.get_xscale() == "log"
    assert ax.lines[-1].get_xdata()[0] == pytest.approx(result.suggested_lr)
