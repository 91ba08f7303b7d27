"""Reference solution of the exercise max_pool2d (for teachers)."""
import numpy as np

import minnet as mn

EXERCISE = "max_pool2d"


class MaxPool2d(mn.Function):
    """2-D max pooling over square windows, no padding."""

    @staticmethod
    def forward(ctx, x, kernel_size=2, stride=2):
        n, c, h, w = x.shape
        k, s = kernel_size, stride
        oh, ow = (h - k) // s + 1, (w - k) // s + 1
        y = np.empty((n, c, oh, ow))
        rows = np.empty((n, c, oh, ow), dtype=int)       # where each window's max is, in x
        cols = np.empty((n, c, oh, ow), dtype=int)
        for i in range(oh):
            for j in range(ow):
                window = x[:, :, i * s:i * s + k, j * s:j * s + k].reshape(n, c, k * k)
                best = window.argmax(axis=2)
                y[:, :, i, j] = window.max(axis=2)
                rows[:, :, i, j] = i * s + best // k
                cols[:, :, i, j] = j * s + best % k
        ctx.save_for_backward(rows, cols)
        ctx.x_shape = x.shape
        return y

    @staticmethod
    def backward(ctx, grad):
        rows, cols = ctx.saved_tensors
        n, c = np.indices(grad.shape)[:2]
        gx = np.zeros(ctx.x_shape)
        np.add.at(gx, (n, c, rows, cols), grad)      # a max of several windows gets every share
        return gx
