"""Start-up costs a student feels: ``import minnet``, and the first LeNet training step in a fresh
process with Numba's cache cold (everything compiles) and warm (compiled code loaded from disk)."""
import os
import subprocess
import sys
import tempfile

import pytest

FIRST_STEP = """
import numpy as np, minnet as mn
nn = mn.nn
model = nn.Sequential(nn.Conv2D(1, 8, 3, padding=1), nn.ReLU(), nn.MaxPool2D(2),
                      nn.Conv2D(8, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2D(2), nn.Flatten(), nn.Dense(784, 10))
rng = np.random.default_rng(0)
x, y = mn.Tensor(rng.standard_normal((64, 1, 28, 28)).astype(np.float32)), rng.integers(0, 10, 64)
opt = mn.optim.SGD(model.parameters(), lr=0.01)
loss = mn.losses.CrossEntropyLoss()(model(x), y)
loss.backward()
opt.step()
assert mn.kernels.get_backend() == "numba"
"""


def _python(code: str, cache_dir: str | None = None) -> None:
    env = dict(os.environ)
    if cache_dir is not None:
        env["NUMBA_CACHE_DIR"] = cache_dir
    subprocess.run([sys.executable, "-c", code], check=True, env=env)


def test_python_startup_baseline(benchmark):
    benchmark.group, benchmark.name = "startup", "python -c pass"
    benchmark.pedantic(_python, args=("pass",), rounds=5, iterations=1)


def test_import_minnet(benchmark):
    benchmark.group, benchmark.name = "startup", "import minnet"
    benchmark.pedantic(_python, args=("import minnet",), rounds=5, iterations=1)


@pytest.fixture(scope="module")
def warm_cache():
    with tempfile.TemporaryDirectory() as d:
        _python(FIRST_STEP, d)            # fills the cache
        yield d


def test_first_step_warm_cache(benchmark, warm_cache):
    benchmark.group, benchmark.name = "startup", "first LeNet step, warm cache"
    benchmark.pedantic(_python, args=(FIRST_STEP, warm_cache), rounds=3, iterations=1)


def test_first_step_cold_cache(benchmark, tmp_path_factory):
    benchmark.group, benchmark.name = "startup", "first LeNet step, cold cache"

    def fresh_dir():
        return (FIRST_STEP, str(tmp_path_factory.mktemp("numba-cache"))), {}
    benchmark.pedantic(_python, setup=fresh_dir, rounds=1, iterations=1)
