"""Elastic net: ridgeway's coordinate descent against scikit-learn, side by side.

    .venv/bin/python bench/bench_elastic_net.py [--quick] [--big N P] [--repeat R]

Cases (l1 share 0.5, 100 λ from λ_max down to 1e-3·λ_max, BLAS pinned to 1 thread):
  1. n ≫ p: 5-fold CV, ridgeway ElasticNetCV vs scikit-learn ElasticNetCV; the CV time is
     also given in units of one Gram XᵀX (BLAS syrk) on the same data.
  2. n ≫ p: one 100-λ path, ridgeway elastic_net_path vs scikit-learn enet_path.
  3. p ≳ n: one 100-λ path (5 000 × 5 000 by default).
scikit-learn runs at its default tol (1e-4: gap <= 1e-4·‖y‖², about 2e-4 of the null
objective) and, for the paths, at tol=5e-7, which is ridgeway's default certificate
(gap <= 1e-6 · ½‖y − ȳ‖²). Times are medians over --repeat runs after one warm-up.
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np
from sklearn.linear_model import ElasticNetCV as SkElasticNetCV
from sklearn.linear_model import enet_path
from threadpoolctl import threadpool_limits

from ridgeway.estimators.elastic_net import ElasticNet, ElasticNetCV, elastic_net_path


def make_data(n: int, p: int, seed: int = 0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    coef = np.where(rng.uniform(size=p) < 0.1, rng.normal(size=p), 0.0)
    y = X @ coef + rng.standard_normal(n) + 1.0
    return X, y


def median_time(fn, repeat: int) -> tuple[float, object]:
    times, out = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), out


def row(label: str, ours: float, theirs: float, note: str = "") -> None:
    print(f"  {label:<44} ridgeway {ours:8.3f} s   scikit-learn {theirs:8.3f} s   "
          f"ratio {theirs / ours:6.2f}x  {note}")  # fmt: skip


def bench_tall(n: int, p: int, repeat: int) -> None:
    X, y = make_data(n, p)
    Xc, yc = X - X.mean(axis=0), y - y.mean()  # enet_path has no intercept: centre for it
    print(f"\nn ≫ p: {n} × {p}, l1 share 0.5, 100 λ")
    gram, _ = median_time(lambda: X.T @ X, repeat)
    ours, model = median_time(lambda: ElasticNetCV(l1_share=0.5, cv=5).fit(X, y), repeat)
    theirs, ref = median_time(
        lambda: SkElasticNetCV(l1_ratio=0.5, alphas=100, cv=5).fit(X, y), repeat
    )
    row("5-fold CV (ElasticNetCV)", ours, theirs,
        f"ridgeway CV = {ours / gram:.1f} Grams (one XᵀX: {gram:.3f} s); "
        f"chosen λ {model.l1_ + model.l2_:.4g} vs {ref.alpha_ * n:.4g}")  # fmt: skip
    gaps = model.cv_results_["dual_gap"]
    print(f"  {'':<44} ridgeway max relative duality gap on the full path: {gaps.max():.2e}")
    ours, (_, _, path) = median_time(lambda: elastic_net_path(X, y, l1_share=0.5), repeat)
    theirs, _ = median_time(lambda: enet_path(Xc, yc, l1_ratio=0.5, alphas=100), repeat)
    tight, _ = median_time(lambda: enet_path(Xc, yc, l1_ratio=0.5, alphas=100, tol=5e-7), repeat)
    row("one path (enet_path, tol 1e-4)", ours, theirs, f"max gap {path.gap.max():.1e}")
    row("one path (enet_path, tol 5e-7 = ours)", ours, tight)


def bench_wide(n: int, p: int, repeat: int) -> None:
    X, y = make_data(n, p, seed=1)
    Xc, yc = np.asfortranarray(X - X.mean(axis=0)), y - y.mean()
    print(f"\np ≳ n: {n} × {p}, l1 share 0.5, 100 λ")
    ours, (_, _, path) = median_time(lambda: elastic_net_path(X, y, l1_share=0.5), repeat)
    theirs, _ = median_time(lambda: enet_path(Xc, yc, l1_ratio=0.5, alphas=100), repeat)
    row("one path (enet_path, tol 1e-4)", ours, theirs,
        f"max gap {path.gap.max():.1e}, {int(path.n_iter.sum())} sweeps, "
        f"{np.count_nonzero(path.coef[-1])} non-zeros at the end")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, a smoke run")
    parser.add_argument("--tall", nargs=2, type=int, default=[100_000, 200])
    parser.add_argument("--big", nargs=2, type=int, default=[5_000, 5_000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--big-repeat", type=int, default=1)
    args = parser.parse_args()
    if args.quick:
        args.tall, args.big, args.repeat, args.big_repeat = [5_000, 50], [300, 600], 1, 1
    with threadpool_limits(limits=1):
        print("BLAS threads: 1 (threadpoolctl); times are medians after a warm-up run")
        X, y = make_data(200, 20)
        ElasticNet(l1=1.0, l2=1.0).fit(X, y)  # warm-up: load the compiled kernels
        ElasticNet(l1=1.0, l2=1.0).fit(make_data(30, 60)[0], make_data(30, 60)[1])
        bench_tall(*args.tall, args.repeat)
        bench_wide(*args.big, args.big_repeat)


if __name__ == "__main__":
    main()
