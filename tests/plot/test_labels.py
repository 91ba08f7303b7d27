"""The data modes' figures: they draw the data each run trained on and the symptom's own numbers."""
import functools

import numpy as np
import pytest

import minnet as mn
from minnet.plot import labels

pytest.importorskip("matplotlib")


@functools.lru_cache(maxsize=None)
def _compare(name):
    return mn.failures.get(name).compare(seed=0, quick=True)


def _axes_titled(fig, words):
    return [ax for ax in fig.axes if words in ax.get_title()]


def test_samples_show_each_image_with_its_label_and_mark_the_wrong_ones(tmp_path):
    c = _compare("unchecked_pipeline")
    fig = labels.samples(c, panels=("accuracy",))
    fig.savefig(tmp_path / "samples.png")
    mn.plot.close(fig)
    assert (tmp_path / "samples.png").stat().st_size > 10_000
    images = [ax for ax in fig.axes if ax.images]
    assert len(images) == 16                                        # 8 per run
    for run, axes in ((c.broken, images[:8]), (c.fixed, images[8:])):
        shown = run.experiment.extra["samples"]
        for ax, image, given, truth in zip(axes, shown["images"], shown["labels"], shown["truth"]):
            np.testing.assert_array_equal(ax.images[0].get_array(), image)
            assert ax.get_title().split("\n")[0] == str(given)
            assert ("shows" in ax.get_title()) == (given != truth)
    # the misaligned pipeline pairs most images with another digit's label; the aligned one none
    assert sum("shows" in ax.get_title() for ax in images[:8]) >= 4
    assert not any("shows" in ax.get_title() for ax in images[8:])
    acc = _axes_titled(fig, "accuracy")[0]
    np.testing.assert_allclose(acc.lines[1].get_ydata(), c.broken.history.val_acc)
    assert 0.1 in [line.get_ydata()[0] for line in acc.lines]      # the chance line


def test_confusion_panels_count_the_validation_predictions_and_outline_the_pair():
    c = _compare("swapped_class")
    fig = labels.samples(c, panels=("confusion", "accuracy"))
    mn.plot.close(fig)
    matrices = [ax for ax in fig.axes if "validation" in ax.get_title() and ax.images]
    assert len(matrices) == 2
    a, b = c.broken.experiment.extra["pair"]
    for ax, run in zip(matrices, (c.broken, c.fixed)):
        share = np.asarray(ax.images[0].get_array())
        np.testing.assert_allclose(share.sum(axis=1), 1.0)        # each true class's row sums to 1
        yv = run.experiment.val[1]
        swapped = (share[a, b] * np.sum(yv == a) + share[b, a] * np.sum(yv == b)) / np.sum(np.isin(yv, (a, b)))
        assert swapped == pytest.approx(run.symptoms["pair_confusion"])
        corners = sorted((p.get_x() + 0.5, p.get_y() + 0.5) for p in ax.patches)
        assert corners == sorted([(b, a), (a, b)])


def test_class_counts_draw_the_samples_per_split_and_the_weighted_totals():
    c = _compare("class_imbalance")
    fig = labels.class_counts(c, panels=("recall",))
    mn.plot.close(fig)
    broken, fixed = _axes_titled(fig, "broken: samples")[0], _axes_titled(fig, "fixed: samples")[0]
    heights = lambda ax: [round(p.get_height(), 6) for p in ax.patches if p.get_width() < 1]   # noqa: E731
    ytr, yv = c.broken.experiment.train.y, c.broken.experiment.val[1]
    assert heights(broken) == np.concatenate([np.bincount(ytr), np.bincount(yv)]).tolist()
    n0, n1 = np.bincount(c.fixed.experiment.train.y)
    w = (n0 + n1) / (2 * np.array([n0, n1]))                       # N / (K N_c), by hand
    assert heights(fixed)[-2:] == pytest.approx([n0 * w[0], n1 * w[1]])  # equal totals: balanced
    recall = _axes_titled(fig, "recall")[0]
    bars = [p.get_height() for p in recall.patches if p.get_width() < 1]
    assert bars[1] == pytest.approx(c.broken.symptoms["minority_recall"])
    assert bars[3] == pytest.approx(c.fixed.symptoms["minority_recall"])


def test_an_unknown_panel_is_refused_by_name():
    with pytest.raises(ValueError, match="unknown panel 'histogram'.*known: accuracy, confusion, recall"):
        labels.class_counts(_compare("class_imbalance"), panels=("histogram",))
