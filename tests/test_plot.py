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


# ---- the catalog's own figure kinds: each draws its runs' numbers ---------------------------------

def test_predictions_figure_draws_each_nets_outputs(tmp_path):
    comparison = mn.failures.get("wrong_output_activation").compare(quick=True)
    fig = comparison.plot(tmp_path / "predictions.png")
    train = comparison.broken.experiment.train
    order = np.argsort(train.X[:, 0])
    broken_line, fixed_line = fig.axes[0].lines
    np.testing.assert_allclose(broken_line.get_ydata(),
                               mn.train.predict(comparison.broken.experiment.model, train.X[order]).ravel())
    assert broken_line.get_ydata().min() >= 0 and fixed_line.get_ydata().min() < 0     # the ReLU's floor
    mn.plot.close(fig)


def test_confusion_figure_draws_row_normalized_matrices(tmp_path):
    comparison = mn.failures.get("wrong_loss").compare(quick=True)
    fig = comparison.plot(tmp_path / "confusion.png")
    for ax, run in zip(fig.axes[:2], (comparison.broken, comparison.fixed)):
        m = ax.images[0].get_array()
        np.testing.assert_allclose(m.sum(axis=1), 1.0)                      # every digit occurs in validation
        assert f"{run.symptoms['val_accuracy']:.0%}" in ax.get_title()
    mn.plot.close(fig)


def test_repeated_predictions_figure_varies_only_in_training_mode(tmp_path):
    comparison = mn.failures.get("dropout_left_on").compare(quick=True)
    fig = comparison.plot(tmp_path / "repeated.png")
    broken_line, fixed_line = fig.axes[0].lines
    assert np.ptp(broken_line.get_ydata()) > 0                               # dropout on: a new draw each call
    np.testing.assert_array_equal(fixed_line.get_ydata(), comparison.fixed.symptoms["val_accuracy"])
    mn.plot.close(fig)
