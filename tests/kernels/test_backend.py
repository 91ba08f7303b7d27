"""The backend switch: choosing, restoring, falling back when Numba is missing or fails to compile,
and the promises about imports and caching."""
import contextlib
import subprocess
import sys
import time
import warnings

import numpy as np
import pytest

import minnet.kernels as K
from minnet.kernels import _backend


def test_numba_is_the_default_and_the_switch_works(fresh_backend):
    assert K.get_backend() == "numba"
    K.set_backend("numpy")
    assert K.get_backend() == "numpy"
    K.set_backend("numba")
    assert K.get_backend() == "numba"


def test_an_unknown_backend_lists_the_choices():
    with pytest.raises(ValueError, match="'numba', 'numpy'"):
        K.set_backend("cuda")
    with pytest.raises(ValueError, match="unknown kernel backend"):
        with K.use_backend("torch"):
            pass


def test_use_backend_restores_even_after_an_exception(fresh_backend):
    with K.use_backend("numpy"):
        assert K.get_backend() == "numpy"
        with K.use_backend("numba"):
            assert K.get_backend() == "numba"
        assert K.get_backend() == "numpy"
    assert K.get_backend() == "numba"
    with pytest.raises(KeyError):
        with K.use_backend("numpy"):
            raise KeyError("boom")
    assert K.get_backend() == "numba"


def test_the_numpy_backend_never_touches_numba(fresh_backend, monkeypatch):
    monkeypatch.setattr(_backend.Kernel, "_load", lambda self: pytest.fail("Numba was loaded"))
    with K.use_backend("numpy"):
        K.relu_backward_mask(np.ones(3), np.ones(3))
        K.max_pool2d_forward(np.ones((1, 1, 2, 2)), 2, 2)


def test_without_numba_one_warning_then_numpy(fresh_backend, monkeypatch):
    monkeypatch.setitem(sys.modules, "numba.core.errors", None)      # makes the import of Numba fail
    x = np.arange(6.0, dtype=np.float32).reshape(2, 3)
    with pytest.warns(RuntimeWarning, match="Numba is not usable .*Error"):
        y = K.relu_backward_mask(x, x - 2)
    np.testing.assert_array_equal(y, [[0, 0, 0], [3, 4, 5]])
    assert K.get_backend() == "numpy"
    with warnings.catch_warnings():
        warnings.simplefilter("error")                                # a second warning would fail here
        K.relu_backward_mask(x, x)
        K.max_pool2d_forward(np.ones((1, 1, 2, 2)), 2, 2)


def test_a_kernel_that_fails_to_compile_falls_back_alone(fresh_backend, monkeypatch):
    numba = pytest.importorskip("numba")
    x = np.arange(6.0, dtype=np.float32).reshape(2, 3)
    K.relu_backward_mask(x, x)                                        # Numba loaded and working
    broken = numba.njit(lambda gy, y: gy.no_such_attribute)           # a typing error on first call
    monkeypatch.setattr(K._relu_backward_mask, "numba", broken)
    with pytest.warns(RuntimeWarning, match="relu_backward_mask failed to compile .*TypingError"):
        y = K.relu_backward_mask(x, x - 2)
    np.testing.assert_array_equal(y, [[0, 0, 0], [3, 4, 5]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        K.relu_backward_mask(x, x)                                    # no second warning
        K.max_pool2d_forward(np.ones((1, 1, 2, 2), np.float32), 2, 2)
    assert K.get_backend() == "numba" and "TypingError" in K._relu_backward_mask.failed
    assert K._max_pool2d_forward.failed is None and K._max_pool2d_forward.numba is not None


def test_errors_in_the_inputs_are_not_mistaken_for_compile_failures(fresh_backend):
    with pytest.raises(IndexError, match="argmax"):
        K.max_pool2d_backward(np.ones((1, 1, 1, 1), np.float32), np.full((1, 1, 1, 1), 7), (1, 1, 2, 2), 2, 2)
    assert all(kernel.failed is None for kernel in _backend.KERNELS)


def test_small_float64_calls_run_the_reference_and_large_ones_the_twin(fresh_backend, monkeypatch):
    loaded = []
    monkeypatch.setattr(_backend.Kernel, "_load", lambda self: loaded.append(self.name))
    small, large = np.ones(_backend.FLOAT64_TWIN_MIN_SIZE - 1), np.ones(_backend.FLOAT64_TWIN_MIN_SIZE)
    K.relu_backward_mask(small, small)                                # a gradient check's size: no Numba
    assert loaded == []
    K.relu_backward_mask(large, large)
    K.relu_backward_mask(small.astype(np.float32), small.astype(np.float32))
    assert loaded == ["relu_backward_mask", "relu_backward_mask"]


def _slow_twin(compiling):
    pytest.importorskip("numba")
    from numba.core import event

    def twin(x, *rest):
        with (event.trigger_event("numba:compile", data={}) if compiling else contextlib.nullcontext()):
            time.sleep(0.3)
        return x
    return twin


@pytest.mark.parametrize("compiling", [True, False])
def test_a_first_call_that_compiles_a_while_says_so_once(fresh_backend, monkeypatch, capfd, compiling):
    monkeypatch.setattr(_backend, "_NOTICE_AFTER", 0.05)
    monkeypatch.setattr(_backend, "_announced", False)
    x = np.ones(3, np.float32)
    for kernel in (K._relu_forward, K._relu_backward_mask):
        monkeypatch.setattr(kernel, "numba", _slow_twin(compiling))
    K.relu_forward(x)
    K.relu_forward(x)                                                 # not the first call: no timer
    K.relu_backward_mask(x, x)                                        # another first call: no second line
    err = capfd.readouterr().err
    if compiling:
        assert err.count("minnet: compiling its kernels once") == 1, err
    else:
        assert "compiling" not in err                                 # merely slow, not compiling


def _twin_modules():
    return {sys.modules[kernel.load_numba().__module__] for kernel in _backend.KERNELS}


def test_every_kernel_has_both_implementations_under_one_name():
    assert len(_backend.KERNELS) >= 14
    for kernel in _backend.KERNELS:
        twin = kernel.load_numba()
        assert kernel.reference.__name__ == kernel.name + "_numpy"
        assert twin.__name__ == kernel.name + "_numba"
        assert kernel.reference.__module__ + "_numba" == twin.__module__


def test_every_jitted_function_caches_to_disk():
    numba = pytest.importorskip("numba")
    from numba.core.caching import NullCache
    jitted = [f for module in _twin_modules() for f in vars(module).values()
              if isinstance(f, numba.core.registry.CPUDispatcher)]
    assert len(jitted) >= 10
    for f in jitted:
        assert not isinstance(f._cache, NullCache), f"{f.__name__} is jitted without cache=True"


def test_importing_the_kernels_neither_imports_numba_nor_compiles():
    code = "import sys, minnet.kernels as k; k.get_backend(); print('numba' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"
