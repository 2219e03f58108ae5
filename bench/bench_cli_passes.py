"""Gram-sized passes over X and wall time of ``ridgeway fit`` and ``ridgeway compare``.

On the shipped bike-sharing data (``ridgeway.datasets.load_bikeshare()``, target ``bikers``) it
runs, in this process through the real command line (typer's CliRunner),

- ``ridgeway fit DATA --target bikers --model ridge --cv loo``
- ``ridgeway compare DATA --target bikers --cv 5``

and counts, by wrapping the functions that form them (monkeypatched here only):

- Gram-sized passes: every product that forms a p × p Gram (or an n × n kernel, or an SVD of
  the design) from rows of X, counted as (rows it read) / (training rows), so five held-out
  blocks of a 5-fold split add up to one pass;
- eigendecompositions (``numpy.linalg.eigh``/``eigvalsh``, ``scipy.linalg.eigh``/``eigvalsh``)
  of matrices of order >= MIN_EIGH_ORDER.

``--seam`` previews the agreed seam before it lands: where a RidgeCV fit does not yet keep its
spectrum in ``solution_.state``, the Spectrum the fit computed (the one ``fit_results`` was
given) is put there, at no cost, so that the KPIs can read it.

The wrapped functions are found by name in every loaded ``ridgeway`` module, so the script
runs unchanged on older layouts: ``PYTHONPATH=/path/to/other/src python bench/...`` gives the
other column of a before/after table.

    .venv/bin/python bench/bench_cli_passes.py            # 3 timed repeats (median)
    .venv/bin/python bench/bench_cli_passes.py --quick    # 1 repeat
    .venv/bin/python bench/bench_cli_passes.py --seam     # RidgeCV keeps its spectrum
"""

from __future__ import annotations

import argparse
import dataclasses
import functools
import importlib
import pkgutil
import statistics
import sys
import tempfile
import time
import types
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import scipy.linalg
from threadpoolctl import threadpool_limits
from typer.testing import CliRunner

import ridgeway
from ridgeway.datasets import load_bikeshare

MIN_EIGH_ORDER = 10  # smaller eigenproblems (e.g. a Γ of a few columns) are not X-sized work


def _rows(index: int) -> Callable[..., int]:
    return lambda *args, **kwargs: np.shape(args[index])[0]


def _len_of(index: int) -> Callable[..., int]:
    return lambda *args, **kwargs: len(args[index])


def _positive(index: int) -> Callable[..., int]:
    return lambda *args, **kwargs: int(np.count_nonzero(args[index]))


#: function name -> rows of X it reads (the functions that form a Gram, kernel or SVD of X)
GRAM_FORMERS: dict[str, Callable[..., int]] = {
    "_raw_moments": _rows(0),  # statistics.moments, X.T @ X in one syrk
    "_block_moments": _rows(0),  # statistics.moments, one centred block
    "_dense_sums": _len_of(3),  # coordinate descent's covariance form
    "_sparse_sums": _len_of(3),
    "weighted_gram": _positive(1),  # Newton's Hessian XᵀWX
    "from_svd": _rows(0),  # the SVD route of ridge
    "kernel_matrix": _rows(0),  # the n × n kernel XXᵀ
    "conditioning": _rows(1),  # the KPIs' cond(XᵀX) at the base commit (Xc.T @ Xc)
}


class Counters:
    def __init__(self) -> None:
        self.rows: Counter[str] = Counter()
        self.eigh = 0

    def reset(self) -> None:
        self.rows.clear()
        self.eigh = 0


COUNT = Counters()


def _import_all() -> list[types.ModuleType]:
    """Every importable ridgeway module (optional adapters that fail to import are skipped)."""
    for info in pkgutil.walk_packages(ridgeway.__path__, "ridgeway."):
        if info.name.endswith("__main__"):  # importing it runs the command line
            continue
        try:
            importlib.import_module(info.name)
        except Exception:  # an optional dependency (torch, dask) missing: not ours to count
            continue
    return [m for name, m in sys.modules.items() if name.startswith("ridgeway") and m]


def _rebind(modules: list[types.ModuleType], original: Any, wrapper: Any) -> None:
    for module in modules:
        for attr, value in list(vars(module).items()):
            if value is original:
                setattr(module, attr, wrapper)


def _gram_wrapper(fn: Callable, rows: Callable[..., int]) -> Callable:
    @functools.wraps(fn)
    def counted(*args: Any, **kwargs: Any) -> Any:
        COUNT.rows[fn.__name__] += rows(*args, **kwargs)
        return fn(*args, **kwargs)

    return counted


def _eigh_wrapper(fn: Callable) -> Callable:
    @functools.wraps(fn)
    def counted(a: Any, *args: Any, **kwargs: Any) -> Any:
        if np.shape(a)[0] >= MIN_EIGH_ORDER:
            COUNT.eigh += 1
        return fn(a, *args, **kwargs)

    return counted


def install_counters() -> list[str]:
    """Wrap the Gram formers and the eigensolvers; returns what was found (for the table)."""
    modules = _import_all()
    found = []
    for module in modules:
        for name, rows in GRAM_FORMERS.items():
            fn = vars(module).get(name)
            if isinstance(fn, types.FunctionType) and fn.__module__ == module.__name__:
                _rebind(modules, fn, _gram_wrapper(fn, rows))
                found.append(f"{module.__name__}.{name}")
    for owner in (np.linalg, scipy.linalg):
        for name in ("eigh", "eigvalsh"):
            fn = getattr(owner, name)
            wrapper = _eigh_wrapper(fn)
            setattr(owner, name, wrapper)
            _rebind(modules, fn, wrapper)
    return found


def install_seam() -> str:
    """RidgeCV().fit(...).solution_.state = the Spectrum of its fit (see the docstring)."""
    ridge_cv = importlib.import_module("ridgeway.estimators.ridge_cv")
    original = vars(ridge_cv).get("fit_results")
    if original is None:
        return "no fit_results here: the seam is whatever this tree does"

    @functools.wraps(original)
    def keep_spectrum(est: Any, data: Any, spec: Any, *args: Any, **kwargs: Any) -> None:
        original(est, data, spec, *args, **kwargs)
        if est.solution_.state is None:
            est.solution_ = dataclasses.replace(est.solution_, state=spec)

    _rebind(_import_all(), original, keep_spectrum)
    return "seam simulated: RidgeCV's solution_.state holds the Spectrum of its fit"


def cli_app() -> Any:
    """The typer app, wherever this tree keeps it."""
    try:
        return importlib.import_module("ridgeway.app.cli").app
    except ImportError:
        return importlib.import_module("ridgeway.cli").app


def measure(app: Any, args: list[str], n_train: int, repeats: int) -> dict[str, Any]:
    runner = CliRunner()
    seconds, cpu = [], []
    for _ in range(repeats):
        COUNT.reset()
        start, start_cpu = time.perf_counter(), time.process_time()
        result = runner.invoke(app, args)
        seconds.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
        if result.exit_code != 0:
            raise SystemExit(f"{' '.join(args[:1])} failed:\n{result.output}")
    return {
        "passes": sum(COUNT.rows.values()) / n_train,
        "by": {k: v / n_train for k, v in sorted(COUNT.rows.items())},
        "eigh": COUNT.eigh,
        "seconds": statistics.median(seconds),
        "cpu": statistics.median(cpu),  # one BLAS thread: robust to a loaded machine
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one timed run per command")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--seam", action="store_true", help="RidgeCV keeps its spectrum")
    args = parser.parse_args()
    repeats = 1 if args.quick else args.repeats
    found = install_counters()
    seam = install_seam() if args.seam else "no seam simulated"
    app = cli_app()
    data = load_bikeshare()
    n_train = len(data) - int(np.ceil(0.25 * len(data)))  # the CLI's default split
    with tempfile.TemporaryDirectory() as tmp, threadpool_limits(1):
        path = Path(tmp) / "bikeshare.csv"
        data.to_csv(path, index=False)
        commands = {
            "fit --model ridge --cv loo": ["fit", str(path), "-t", "bikers", "--model", "ridge",
                                           "--cv", "loo", "--out", f"{tmp}/fit"],
            "compare --cv 5": ["compare", str(path), "-t", "bikers", "--cv", "5",
                               "--out", f"{tmp}/compare"],
        }  # fmt: skip
        rows = {name: measure(app, cmd, n_train, repeats) for name, cmd in commands.items()}
    print(f"ridgeway from {Path(ridgeway.__file__).parent}")
    print(f"bike-sharing: {len(data)} rows, {n_train} training rows; BLAS 1 thread; "
          f"median of {repeats}")  # fmt: skip
    print("counted: " + ", ".join(found))
    print(seam)
    print("\n| command | Gram-sized passes | eigh | wall s | CPU s |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for name, r in rows.items():
        cells = f"{r['passes']:.2f} | {r['eigh']} | {r['seconds']:.2f} | {r['cpu']:.2f}"
        print(f"| `{name}` | {cells} |")
    for name, r in rows.items():
        detail = ", ".join(f"{k} {v:.2f}" for k, v in r["by"].items())
        print(f"  {name}: {detail}")


if __name__ == "__main__":
    main()
