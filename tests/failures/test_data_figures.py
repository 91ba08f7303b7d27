"""The data modes' figures (``minnet/plot/features.py``) draw the data each run was fed, next to the symptom."""
import functools

import numpy as np
import pytest

import minnet as mn

pytest.importorskip("matplotlib")


@functools.lru_cache(maxsize=None)
def _figure(name: str):
    comparison = mn.failures.get(name).compare(quick=True)
    return comparison, comparison.plot()


def _inputs(run):
    return np.asarray(run.experiment.train.X, dtype=np.float64)


@pytest.fixture(autouse=True, scope="module")
def _close_figures():
    yield
    for _, fig in (_figure(n) for n in ("unnormalized_inputs", "unscaled_targets", "zero_variance_feature",
                                        "missing_values", "categorical_as_numbers", "outliers", "no_preprocessing")):
        mn.plot.close(fig)


def test_feature_scales_draws_each_features_rms_and_gradient(tmp_path):
    comparison, fig = _figure("unnormalized_inputs")
    sizes, grads, loss = fig.axes
    for line, run in zip(sizes.lines, (comparison.broken, comparison.fixed)):
        rms = np.sqrt(np.mean(_inputs(run) ** 2, axis=0))
        np.testing.assert_allclose(line.get_ydata(), np.where(rms > 0, rms, np.nan), rtol=1e-6)
    grad = comparison.broken.experiment.extra["feature_grad"]
    np.testing.assert_allclose(grads.lines[0].get_ydata(), np.where(grad > 0, grad, np.nan))
    assert sizes.get_yscale() == grads.get_yscale() == "log"
    assert any(abs(l.get_ydata()[0] - np.log(10)) < 1e-9 for l in loss.lines)      # the guessing line
    fig.savefig(tmp_path / "f.png")
    assert (tmp_path / "f.png").stat().st_size > 20_000


def test_target_scale_shows_both_runs_targets_and_every_steps_gradient_norm():
    comparison, fig = _figure("unscaled_targets")
    broken_hist, fixed_hist, grads, loss = fig.axes
    for ax, run in ((broken_hist, comparison.broken), (fixed_hist, comparison.fixed)):
        bars = ax.containers[0]                                   # the histogram's bars
        assert sum(p.get_height() for p in bars) == len(run.experiment.train.y)
    assert broken_hist.get_xlim()[1] > 250 and fixed_hist.get_xlim()[1] < 2
    np.testing.assert_array_equal(grads.lines[0].get_ydata(), comparison.broken.history.grad_norm)


def test_nan_map_paints_the_nan_inputs_and_the_zero_std_features():
    comparison, fig = _figure("zero_variance_feature")
    broken_map, fixed_map, stds, steps = fig.axes
    image = broken_map.images[0].get_array()
    assert image.mask.sum() == np.isnan(_inputs(comparison.broken)).sum() > 0
    assert fixed_map.images[0].get_array().mask.sum() == 0
    marked = stds.lines[0].get_xdata()
    raw = comparison.broken.experiment.extra["raw"]
    assert marked.tolist() == np.flatnonzero(raw.std(axis=0) == 0).tolist() == [0, 32, 39]
    assert any(l.get_xdata()[0] == comparison.broken.history.diverged.global_step for l in steps.lines
               if l.get_linestyle() == ":")


def test_nan_map_rings_the_holes_and_the_imputed_values():
    comparison, fig = _figure("missing_values")
    broken_map, fixed_map, steps = fig.axes
    missing = comparison.broken.experiment.extra["missing"]
    rings = broken_map.collections[0].get_offsets()
    assert sorted(map(tuple, np.asarray(rings).astype(int))) == sorted((c, r) for r, c in np.argwhere(missing))
    assert len(fixed_map.collections[0].get_offsets()) == missing.sum()
    np.testing.assert_array_equal(steps.lines[0].get_ydata(), comparison.broken.history.step_loss)


def test_encoding_shows_the_code_column_against_one_hot_columns():
    comparison, fig = _figure("categorical_as_numbers")
    broken_rows, fixed_rows = fig.axes[:2]
    np.testing.assert_allclose(broken_rows.images[0].get_array(), _inputs(comparison.broken)[:16], rtol=1e-6)
    assert fixed_rows.images[0].get_array().shape == (16, 3 + 24)
    codes = comparison.broken.experiment.extra["codes"][:16]
    assert [float(t.get_text()) for t in broken_rows.texts] == codes.tolist()
    assert not fixed_rows.texts


def test_outliers_fit_draws_the_outliers_and_each_models_fit():
    comparison, fig = _figure("outliers")
    data, grads, loss = fig.axes
    extra = comparison.broken.experiment.extra
    assert len(data.collections[1].get_offsets()) == extra["outlier"].sum() == 10
    for line, run in zip(data.lines, (comparison.broken, comparison.fixed)):
        x = line.get_xdata()[:, None].astype(np.float32)
        np.testing.assert_allclose(line.get_ydata(), mn.train.predict(run.experiment.model, x)[:, 0], rtol=1e-5)
    assert data.get_yscale() == "symlog" and grads.get_yscale() == "log"


def test_frames_draw_the_same_samples_in_both_frames():
    comparison, fig = _figure("no_preprocessing")
    global_frame, local_frame = fig.axes[:2]
    assert len(global_frame.lines) == len(local_frame.lines) == 3 * 4 * 2      # 3 classes x 4 samples: chain + start
    labels = comparison.broken.experiment.extra["labels"]
    first = np.flatnonzero(labels == 0)[0]
    for ax, run in ((global_frame, comparison.broken), (local_frame, comparison.fixed)):
        np.testing.assert_allclose(ax.lines[0].get_xdata(), run.experiment.extra["points"][first, :, 0])
    # the fixed panel shows the same sample, in its own frame
    np.testing.assert_allclose(mn.data.local_frame(comparison.broken.experiment.extra["points"][first][None])[0],
                               comparison.fixed.experiment.extra["points"][first], atol=1e-4)
