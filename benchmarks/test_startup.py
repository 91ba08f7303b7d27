"""Start-up costs a student feels: ``import minnet``; the first LeNet training step in a fresh
process with Numba's cache cold (everything it needs compiles) and warm (compiled code loaded from
disk); and ``minnet gradcheck`` with a cold cache. Goals: first step ≤ 3 s and gradcheck ≤ 5 s
cold, with one line saying that the kernels are being compiled."""
import json
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


# Prepended to the cold first step: time every compilation Numba makes (its "numba:compile" events)
# and print them on stderr as one JSON line, {"module.function": seconds}.
COMPILE_TIMES = """
import atexit, json, sys, time
from numba.core import event
_started, _seconds = {}, {}
class _Timer(event.Listener):
    def on_start(self, ev):
        _started[id(ev.data["dispatcher"])] = time.perf_counter()
    def on_end(self, ev):
        d = ev.data["dispatcher"]
        key = d.py_func.__module__.rsplit(".", 1)[-1] + "." + d.py_func.__name__
        _seconds[key] = _seconds.get(key, 0.0) + time.perf_counter() - _started.pop(id(d))
event.register("numba:compile", _Timer())
atexit.register(lambda: print("compile-times:", json.dumps(_seconds), file=sys.stderr))
"""


def _python(*args: str, cache_dir: str | None = None) -> str:
    """Run ``python args...`` in a fresh process; its stderr."""
    env = dict(os.environ)
    if cache_dir is not None:
        env["NUMBA_CACHE_DIR"] = cache_dir
    return subprocess.run([sys.executable, *args], check=True, env=env, capture_output=True, text=True).stderr


def test_python_startup_baseline(benchmark):
    benchmark.group, benchmark.name = "startup", "python -c pass"
    benchmark.pedantic(_python, args=("-c", "pass"), rounds=5, iterations=1)


def test_import_minnet(benchmark):
    benchmark.group, benchmark.name = "startup", "import minnet"
    benchmark.pedantic(_python, args=("-c", "import minnet"), rounds=5, iterations=1)


@pytest.fixture(scope="module")
def warm_cache():
    with tempfile.TemporaryDirectory() as d:
        _python("-c", FIRST_STEP, cache_dir=d)             # fills the cache
        yield d


def test_first_step_warm_cache(benchmark, warm_cache):
    benchmark.group, benchmark.name = "startup", "first LeNet step, warm cache"
    stderr = benchmark.pedantic(_python, args=("-c", FIRST_STEP), kwargs=dict(cache_dir=warm_cache),
                                rounds=3, iterations=1)
    assert stderr is None or "compiling" not in stderr


def test_first_step_cold_cache(benchmark, tmp_path_factory):
    benchmark.group, benchmark.name = "startup", "first LeNet step, cold cache"

    def fresh_dir():
        return ("-c", COMPILE_TIMES + FIRST_STEP), dict(cache_dir=str(tmp_path_factory.mktemp("numba-cache")))
    stderr = benchmark.pedantic(_python, setup=fresh_dir, rounds=1, iterations=1)
    if stderr is not None:                                   # one line says what the wait is for
        assert stderr.count("minnet: compiling its kernels once") == 1, stderr
        # and what the compiling was: seconds per kernel (a numba:compile event includes the
        # compilations it sets off inside, so the kernels' own events are what is recorded)
        line = next(line for line in stderr.splitlines() if line.startswith("compile-times:"))
        seconds = json.loads(line.removeprefix("compile-times:"))
        kernels = {k: v for k, v in seconds.items() if k.split(".")[0].endswith("_numba")}
        assert kernels, seconds
        benchmark.extra_info.update({f"compile {k}_s": round(v, 3) for k, v in kernels.items()})
        benchmark.extra_info["compile all kernels_s"] = round(sum(kernels.values()), 3)


def test_gradcheck_cold_cache(benchmark, tmp_path_factory):
    benchmark.group, benchmark.name = "startup", "minnet gradcheck, cold cache"

    def fresh_dir():
        return ("-m", "minnet", "gradcheck"), dict(cache_dir=str(tmp_path_factory.mktemp("numba-cache")))
    benchmark.pedantic(_python, setup=fresh_dir, rounds=1, iterations=1)


def test_compile_ahead_helper_still_runs():
    # try_compile_ahead.py is an experiment run by hand; its helper calls the public kernels and
    # must keep working as they change (here with the usual cache, so it compiles little)
    import importlib.util
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "try_compile_ahead.py")
    spec = importlib.util.spec_from_file_location("try_compile_ahead", path)
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    _python("-c", script.HELPER)
