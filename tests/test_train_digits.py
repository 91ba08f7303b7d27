"""The real digits data set trains to high accuracy with a small MLP, mn.fit and Adam."""
import pytest

import minnet as mn


@pytest.mark.parametrize("seed", [0, 1])
def test_small_mlp_learns_the_digits(seed):
    X, y = mn.data.load_digits()
    X = X / mn.data.DIGITS_MAX_VALUE
    X_train, y_train, X_val, y_val = mn.data.train_val_split(X, y, val_fraction=0.25, stratify=True, seed=seed)
    mn.manual_seed(seed)
    nn = mn.nn
    model = nn.Sequential(nn.Dense(64, 64), nn.ReLU(), nn.Dense(64, 10))
    history = mn.fit(model, mn.losses.CrossEntropyLoss(), mn.optim.Adam(model.parameters(), lr=1e-2),
                     (X_train, y_train), val=(X_val, y_val), epochs=15, batch_size=32, progress=False)
    # chance is 10 %; a nearest-centroid classifier gets about 90 % on this split
    assert history.val_acc[-1] >= 0.93, history.summary()
    assert history.train_loss[-1] < 0.2 * history.train_loss[0]
