"""The figure kinds of the training modes draw the numbers their symptoms speak of (quick runs)."""
import functools
import math
import warnings

import numpy as np
import pytest

import minnet as mn

pytest.importorskip("matplotlib")


@functools.lru_cache(maxsize=None)
def _comparison(name: str):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")            # lr_too_high diverges on purpose
        return mn.failures.get(name).compare(seed=0, quick=True)


def _figure(name, tmp_path):
    path = tmp_path / f"{name}.png"
    fig = _comparison(name).plot(path)
    assert path.stat().st_size > 10_000
    return fig


def _lines(ax):
    return [(np.asarray(l.get_xdata(), float), np.asarray(l.get_ydata(), float), l.get_label()) for l in ax.lines]


def test_step_loss_draws_every_step_the_nan_and_chance(tmp_path):
    fig = _figure("lr_too_high", tmp_path)
    c = _comparison("lr_too_high")
    lines = _lines(fig.axes[0])
    broken = np.asarray(c.broken.history.step_loss, float)
    assert np.array_equal(lines[0][1], np.where(np.isfinite(broken), broken, np.nan), equal_nan=True)
    assert lines[1][0][0] == c.broken.history.diverged.global_step          # where it became NaN
    assert any(np.allclose(y, math.log(10)) and "chance" in label for _, y, label in lines)
    assert fig.axes[1].get_yscale() == "log" and len(fig.axes[1].lines) == 3     # broken, fixed, 1e-3
    mn.plot.close(fig)


def test_clipping_draws_each_steps_norm_and_the_clip(tmp_path):
    fig = _figure("clipping_hides_lr", tmp_path)
    c = _comparison("clipping_hides_lr")
    lines = _lines(fig.axes[0])
    assert np.array_equal(lines[0][1], c.broken.history.grad_norm)
    assert np.array_equal(lines[1][1], c.fixed.history.grad_norm)
    share = np.mean(np.asarray(c.broken.history.grad_norm) > 1.0)
    assert f"{share:.0%} of steps above the clip" in lines[0][2]
    assert np.allclose(lines[2][1], 1.0) and lines[2][2] == "clip threshold"
    mn.plot.close(fig)


def test_validation_stars_the_model_each_run_returns(tmp_path):
    fig = _figure("too_many_epochs", tmp_path)
    c = _comparison("too_many_epochs")
    stars = {label: (x[0], y[0]) for x, y, label in _lines(fig.axes[0]) if "returned" in label}
    epoch = c.fixed.history.restored_epoch
    best = c.fixed.history.val_loss[epoch - 1]
    assert stars[f"fixed: model returned (epoch {epoch})"] == (epoch, pytest.approx(best))
    last = c.broken.history.epochs_run
    assert stars[f"broken: model returned (epoch {last})"][0] == last
    mn.plot.close(fig)


def test_lr_grid_draws_every_lr_tried_and_the_fix(tmp_path):
    fig = _figure("plain_sgd_stalls", tmp_path)
    c = _comparison("plain_sgd_stalls")
    grid = c.broken.experiment.extra["grid"]
    x, y, _ = _lines(fig.axes[0])[0]
    assert list(x) == sorted(grid) and np.allclose(y, [grid[lr] for lr in sorted(grid)])
    assert any(np.allclose(yy, c.fixed.history.train_loss[-1]) for _, yy, _ in _lines(fig.axes[0]))
    mn.plot.close(fig)


def test_updates_puts_each_epoch_at_its_update_count(tmp_path):
    fig = _figure("batch_too_large", tmp_path)
    c = _comparison("batch_too_large")
    x, y, label = _lines(fig.axes[1])[0]
    assert list(x) == list(np.cumsum(c.broken.history.steps_per_epoch)) and np.allclose(y, c.broken.history.val_acc)
    assert label == f"broken: {len(c.broken.history.step_loss)} updates"
    mn.plot.close(fig)


def test_schedule_draws_the_lr_of_every_epoch_and_the_last_epochs_spread(tmp_path):
    fig = _figure("no_lr_schedule", tmp_path)
    c = _comparison("no_lr_schedule")
    assert np.allclose(_lines(fig.axes[0])[1][1], c.fixed.history.lr)           # the cosine decay
    tail = np.asarray(c.broken.history.val_loss[-5:])
    assert any(f"{tail.mean():.3g} ± {tail.std():.2g}" in label for *_, label in _lines(fig.axes[1]))
    mn.plot.close(fig)
