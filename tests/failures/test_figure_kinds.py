"""The catalog's figure kinds for gradient checks and one-feature fits draw what they say they draw."""
import numpy as np

import minnet as mn
from minnet.failures.modes.bad_gradient import Tanh, TanhUsesInput
from minnet.plot.checks import _slopes


def test_slopes_are_the_backward_and_the_central_difference():
    x = np.linspace(-3, 3, 13)
    true = 1 - np.tanh(x) ** 2                                    # d/dx tanh, worked out by hand
    analytical, numerical = _slopes(Tanh.apply, x.copy())
    np.testing.assert_allclose(analytical, true, atol=1e-12)
    np.testing.assert_allclose(numerical, true, atol=1e-8)
    analytical, numerical = _slopes(TanhUsesInput.apply, x.copy())
    np.testing.assert_allclose(analytical, 1 - x ** 2, atol=1e-12)   # the planted slip, as written
    np.testing.assert_allclose(numerical, true, atol=1e-8)           # the numbers do not care


def test_gradient_check_figure(tmp_path):
    fig = mn.failures.get("bad_gradient").compare(quick=True).plot(tmp_path / "bg.png")
    try:
        assert (tmp_path / "bg.png").stat().st_size > 10_000
        labels = [line.get_label() for line in fig.axes[0].get_lines()]
        assert "central differences" in labels
        assert sum(label.startswith(("broken backward", "fixed backward")) for label in labels) == 2
        assert fig.axes[1].get_yscale() == "log"                  # gradient norms span orders of magnitude
    finally:
        mn.plot.close(fig)


def test_predictions_figure_shows_the_broken_model_flat(tmp_path):
    fig = mn.failures.get("cannot_overfit_tiny_batch").compare(quick=True).plot(tmp_path / "fit.png")
    try:
        assert (tmp_path / "fit.png").stat().st_size > 10_000
        lines = {line.get_label(): line.get_ydata() for line in fig.axes[0].get_lines()}
        spread = {k: np.ptp(v) for k, v in lines.items()}
        assert spread["broken: prediction"] < 0.1 * spread["fixed: prediction"]    # it predicts the mean everywhere
    finally:
        mn.plot.close(fig)


def test_a_run_of_one_epoch_shows_its_loss_per_step():
    comparison = mn.failures.get("vanishing_gradients").compare(quick=True)
    assert len(comparison.broken.history.train_loss) < 4                 # quick: too few epochs for a curve
    fig = comparison.plot()
    try:
        ax = fig.axes[-1]
        lines = {line.get_label(): line.get_ydata() for line in ax.get_lines()}
        np.testing.assert_array_equal(lines["broken: train"], comparison.broken.history.step_loss)
        np.testing.assert_array_equal(lines["fixed: train"], comparison.fixed.history.step_loss)
        assert ax.get_xlabel() == "step"
    finally:
        mn.plot.close(fig)
