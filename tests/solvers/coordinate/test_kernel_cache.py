"""Issue 12 §2: compiled kernels are cached on disk, with one specialization each.

Fresh processes, started by the tests (what a user's second session is): a cold cache
compiles, a warm one loads every kernel; a read-only install caches in the user cache
directory (numba's user-wide locator, chosen when the package's __pycache__ cannot be
written — simulated here by refusing writes under the package, which is numba's own probe,
since these tests may run as root); float32 and float64 input share one compiled version.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import ridgeway

CHILD = r"""
import importlib.util, json, os, sys, tempfile
package = os.path.dirname(importlib.util.find_spec("ridgeway").origin)  # not imported yet
if os.environ.get("READ_ONLY_PACKAGE"):
    real = tempfile.TemporaryFile
    def refuse(*args, dir=None, **kwargs):
        if dir is not None and os.path.abspath(dir).startswith(package):
            raise PermissionError(13, "Read-only file system", dir)
        return real(*args, dir=dir, **kwargs)
    tempfile.TemporaryFile = refuse
import numpy as np
import ridgeway as rw
from ridgeway.solvers.coordinate import kernels
rng = np.random.default_rng(0)
X, y = rng.standard_normal((200, 10)), rng.standard_normal(200)
for dtype in (np.float64, np.float32):
    rw.ElasticNet(l1=1.0, l2=1.0).fit(X.astype(dtype), y)
    rw.ElasticNet(l1=1.0, l2=1.0).fit(X[:30].astype(dtype).repeat(3, axis=1), y[:30])
    rw.LassoCV(n_grid=5, cv=3).fit(X.astype(dtype), y)
out = {}
for name in ("gram_cd", "dense_cd", "gram_point", "gap_and_kkt"):
    f = getattr(kernels, name, None)
    if f is None:
        continue
    out[name] = [len(f.signatures), sum(f.stats.cache_hits.values()),
                 sum(f.stats.cache_misses.values())]
print(json.dumps(out))
"""


def _run(env: dict[str, str]) -> dict:
    src = str(Path(ridgeway.__file__).parents[1])
    env = {**os.environ, "PYTHONPATH": src, **env}
    done = subprocess.run([sys.executable, "-c", CHILD], env=env, capture_output=True,
                          text=True, check=True, timeout=600)  # fmt: skip
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_kernels_cached_once_per_kernel_for_every_input_dtype(tmp_path):
    env = {"NUMBA_CACHE_DIR": str(tmp_path)}
    _run(env)  # cold: compiles and writes the cache
    warm = _run(env)
    for name, (signatures, hits, misses) in warm.items():  # gram_cd runs inside gram_point
        assert signatures <= 1, f"{name}: {signatures} specializations (float32 and float64)"
        assert hits == signatures and misses == 0, f"{name} not loaded from the cache: {warm}"
    assert warm["gram_point"][0] == 1 and warm["dense_cd"][0] == 1


def test_read_only_install_caches_in_the_user_cache_directory(tmp_path):
    env = {"READ_ONLY_PACKAGE": "1", "XDG_CACHE_HOME": str(tmp_path), "HOME": str(tmp_path)}
    env_without = {k: v for k, v in os.environ.items() if k != "NUMBA_CACHE_DIR"}
    os.environ.clear()
    try:
        os.environ.update(env_without)
        _run(env)
        warm = _run(env)
    finally:
        os.environ.update(env_without)
    assert list((tmp_path / "numba").rglob("kernels.gram_point*.nbi"))
    assert all(hits == n and misses == 0 for n, hits, misses in warm.values()), warm
