"""The shared recipes the data modes lean on, against hand computations."""
import numpy as np

import minnet as mn
from minnet.failures import recipes


def test_input_gradient_norms_are_the_rows_of_the_first_weights_gradient():
    # one Dense(2 -> 1) layer, W = [[1], [2]], b = 0, MSE: dL/dW[j] = 2/N sum_n x_nj (x_n . W - y_n)
    model = mn.nn.Sequential(mn.nn.Dense(2, 1))
    model[0].weight.data[:] = [[1.0], [2.0]]
    model[0].bias.data[:] = 0.0
    X = np.array([[1.0, 0.0], [0.0, 3.0]], dtype=np.float32)
    y = np.array([[0.0], [1.0]], dtype=np.float32)
    # residuals: 1 - 0 = 1 and 6 - 1 = 5; dL/dW = [2/2 * (1*1 + 0*5), 2/2 * (0*1 + 3*5)] = [1, 15]
    norms = recipes.input_gradient_norms(model, mn.losses.MSELoss(), X, y)
    np.testing.assert_allclose(norms, [1.0, 15.0], rtol=1e-6)
    assert all(p.grad is None or not np.any(p.grad) for p in model.parameters())     # zeroed again


def test_preprocess_fits_on_the_training_split_only():
    X_train, X_val = np.array([[0.0], [2.0]]), np.array([[4.0]])
    Z_train, Z_val = recipes.preprocess(mn.data.Standardizer(), X_train, X_val)
    np.testing.assert_allclose(Z_train, [[-1.0], [1.0]])
    np.testing.assert_allclose(Z_val, [[3.0]])                  # (4 - 1) / 1: the training mean and std
