"""First-fit latency of the elastic net in a fresh process: numba compilation, cold and warm.

    .venv/bin/python bench/bench_enet_latency.py [--repeat R]

Each measurement is a new Python process with its own NUMBA_CACHE_DIR: "cold" starts from an
empty cache directory (every kernel compiled), "warm" reuses the directory the cold run filled
(kernels loaded from the on-disk cache, ``cache=True``). Reported: the time to import ridgeway
and the first ``fit`` (ElasticNet n ≫ p and p > n, Lasso, LassoCV); the second fit in the
same process shows the steady cost. Medians over --repeat fresh processes.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile

CHILD = r"""
import json, sys, time
t = time.perf_counter()
import numpy as np
import ridgeway as rw
out = {"import": time.perf_counter() - t}
rng = np.random.default_rng(0)
tall = rng.standard_normal((200, 10)), rng.standard_normal(200)
wide = rng.standard_normal((30, 60)), rng.standard_normal(30)
cases = {
    "ElasticNet 200x10": lambda: rw.ElasticNet(l1=1.0, l2=1.0).fit(*tall),
    "ElasticNet 30x60": lambda: rw.ElasticNet(l1=1.0, l2=1.0).fit(*wide),
    "Lasso 200x10": lambda: rw.Lasso(l1=1.0).fit(*tall),
    "LassoCV 200x10": lambda: rw.LassoCV().fit(*tall),
}
for name, fit in cases.items():
    t = time.perf_counter(); fit(); first = time.perf_counter() - t
    t = time.perf_counter(); fit(); again = time.perf_counter() - t
    out[name] = [first, again]
print(json.dumps(out))
"""


def run(cache: str) -> dict:
    env = {**os.environ, "NUMBA_CACHE_DIR": cache}
    done = subprocess.run([sys.executable, "-c", CHILD], env=env, check=True,
                          capture_output=True, text=True)  # fmt: skip
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    results: dict[str, list[dict]] = {"cold": [], "warm": []}
    for _ in range(args.repeat):
        with tempfile.TemporaryDirectory() as cache:
            results["cold"].append(run(cache))
            results["warm"].append(run(cache))
    print(f"load average: {os.getloadavg()}; medians over {args.repeat} fresh processes each")
    print(f"{'':<22} {'cold first fit':>15} {'warm first fit':>15} {'second fit':>11}")
    keys = [k for k in results["cold"][0] if k != "import"]
    for key in ["import", *keys]:
        cold = statistics.median(r[key][0] if key != "import" else r[key] for r in results["cold"])
        warm = statistics.median(r[key][0] if key != "import" else r[key] for r in results["warm"])
        again = (
            ""
            if key == "import"
            else f"{statistics.median(r[key][1] for r in results['warm']):10.4f}s"
        )
        print(f"{key:<22} {cold:14.3f}s {warm:14.3f}s {again:>11}")


if __name__ == "__main__":
    main()
