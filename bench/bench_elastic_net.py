"""Elastic net: ridgeway's coordinate descent against scikit-learn, skglm and glum, side by side.

    .venv/bin/python bench/bench_elastic_net.py [--quick] [--tall N P] [--wide N P ...]
        [--repeat R] [--wide-cv] [--glum-wide]

Every library gets the same problem: l1 share 0.5 (``l1_ratio=0.5``), the same 100 penalties
from λ_max down to 1e-3·λ_max (ridgeway's grid in total strength l1 + l2, handed to the others
as ``alphas = grid / n``), an intercept (the others that fit a path without one get centred
data), BLAS pinned to 1 thread (threadpoolctl). Cases:

  1. n ≫ p (100 000 × 200): 5-fold CV (each library's CV class; the CV time is also given in
     units of one Gram XᵀX) and one 100-λ path.
  2. p ≳ n (5 000 × 5 000 and 2 000 × 5 000): one 100-λ path; ``--wide-cv`` adds 5-fold CV
     against scikit-learn's ElasticNetCV (minutes), ``--glum-wide`` glum's path (> 7 min).

Each peer runs at its default tolerance (scikit-learn also at tol=5e-7, which is ridgeway's
certificate: gap <= 1e-6 · ½‖y − ȳ‖²). So that a peer that is faster because it stops earlier is
visible, every path is scored by *our* objective at each λ: the table prints the largest
excess over ridgeway's objective relative to the null objective ½‖y − ȳ‖² (positive: the peer
stopped short of ridgeway's point; ridgeway's own distance to the optimum is at most its
printed relative duality gap). A peer that is not installed is skipped, and says so.
Times are medians over --repeat runs after a warm-up for ridgeway and scikit-learn; skglm and
glum (slow here) run once after a small warm-up.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import statistics
import time

import numpy as np
from sklearn.linear_model import ElasticNetCV as SkElasticNetCV
from sklearn.linear_model import enet_path
from threadpoolctl import threadpool_limits

from ridgeway.estimators.elastic_net import ElasticNet, ElasticNetCV, elastic_net_path

HAVE = {name: importlib.util.find_spec(name) is not None for name in ("skglm", "glum")}


def make_data(n: int, p: int, seed: int = 0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    coef = np.where(rng.uniform(size=p) < 0.1, rng.normal(size=p), 0.0)
    y = X @ coef + rng.standard_normal(n) + 1.0
    return X, y


def timed(fn, repeat: int = 1) -> tuple[float, object]:
    times, out = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), out


def objectives(X, y, coefs, intercepts, l1, l2) -> np.ndarray:
    """Our objective ½‖y − Xβ − β₀‖² + l1‖β‖₁ + (l2/2)‖β‖² at every path point."""
    r = y[:, None] - X @ coefs.T - intercepts
    return 0.5 * np.sum(r * r, 0) + l1 * np.abs(coefs).sum(1) + 0.5 * l2 * np.sum(coefs**2, 1)


class Case:
    """One problem: ridgeway's path first (its grid and objectives are the reference)."""

    def __init__(self, X, y):
        self.X, self.y, self.n = X, y, X.shape[0]
        self.xm, self.ym = X.mean(0), y.mean()
        self.null = 0.5 * float(np.sum((y - self.ym) ** 2))

    def reference(self, repeat: int) -> float:
        t, (l1, l2, path) = timed(lambda: elastic_net_path(self.X, self.y, l1_share=0.5,
                                                           eps=1e-3), repeat)  # fmt: skip
        self.l1, self.l2, self.path = l1, l2, path
        self.alphas = (l1 + l2) / self.n
        self.ours = path.objective
        kkt = getattr(path, "kkt", None)  # the KKT certificate (issue 12 §2)
        kkt = "" if kkt is None else f", max rel. KKT {kkt.max():.1e}, {path.n_iter.sum()} sweeps"
        print(f"  {'ridgeway (gap <= 1e-6, KKT <= 1e-8)':<40} {t:8.2f} s   {'':>8}   "
              f"max rel. gap {path.gap.max():.1e}{kkt}, {np.count_nonzero(path.coef[-1])} "
              f"non-zeros at the end")  # fmt: skip
        return t

    def report(self, label: str, t: float, ours: float, coefs) -> None:
        """Time, ratio, and the peer's objective excess; its intercept is recomputed as
        ȳ − x̄ᵀβ (the best one for its β, so this can only favour the peer)."""
        coefs = np.asarray(coefs)
        b0 = self.ym - coefs @ self.xm
        obj = objectives(self.X, self.y, coefs, b0, self.l1, self.l2)
        excess = (obj - self.ours) / self.null
        print(f"  {label:<40} {t:8.2f} s   {t / ours:6.2f}x   objective excess vs ridgeway: "
              f"max {excess.max():+.1e}, min {excess.min():+.1e}")  # fmt: skip


def sklearn_path(case: Case, tol: float):
    Xc = np.asfortranarray(case.X - case.xm)
    _, coefs, _ = enet_path(Xc, case.y - case.ym, l1_ratio=0.5, alphas=case.alphas, tol=tol)
    return coefs.T


def skglm_path(case: Case):
    from skglm import ElasticNet as SkglmElasticNet

    Xc, yc = np.asfortranarray(case.X - case.xm), case.y - case.ym
    model = SkglmElasticNet(alpha=1.0, l1_ratio=0.5, fit_intercept=False, warm_start=True)
    coefs = []
    for alpha in case.alphas:
        model.alpha = alpha
        coefs.append(model.fit(Xc, yc).coef_.copy())
    return np.array(coefs)


def glum_path(case: Case):
    from glum import GeneralizedLinearRegressor

    model = GeneralizedLinearRegressor(alpha=list(case.alphas), alpha_search=True,
                                       l1_ratio=0.5, family="normal")  # fmt: skip
    return model.fit(case.X, case.y).coef_path_


def warm_up_peers() -> None:
    """Compile skglm's numba kernels (and load glum) on a small problem of the same layouts."""
    X, y = make_data(300, 20)
    case = Case(X, y)
    case.alphas = np.logspace(0, -3, 5)
    if HAVE["skglm"]:
        skglm_path(case)
        skglm_cv(X, y, case.alphas)
    if HAVE["glum"]:
        glum_path(case)


def skglm_cv(X, y, alphas):
    from skglm import GeneralizedLinearEstimatorCV
    from skglm.datafits import Quadratic
    from skglm.penalties import L1_plus_L2
    from skglm.solvers import AndersonCD

    return GeneralizedLinearEstimatorCV(
        Quadratic(), L1_plus_L2(1.0, 0.5), AndersonCD(fit_intercept=True),
        alphas=alphas, l1_ratio=0.5, cv=5,
    ).fit(X, y)  # fmt: skip


def bench_paths(case: Case, repeat: int, glum: bool = True) -> None:
    ours = case.reference(repeat)
    for tol in (1e-4, 5e-7):
        t, coefs = timed(lambda tol=tol: sklearn_path(case, tol), repeat)
        case.report(f"scikit-learn enet_path tol={tol:g}", t, ours, coefs)
    if not HAVE["skglm"]:
        print("  skglm: skipped (not installed)")
    else:
        t, coefs = timed(lambda: skglm_path(case))
        case.report("skglm ElasticNet, warm starts, tol 1e-4", t, ours, coefs)
    if not HAVE["glum"]:
        print("  glum: skipped (not installed)")
    elif not glum:
        print("  glum: skipped on this case (over 7 min per issue 4; --glum-wide runs it)")
    else:
        t, coefs = timed(lambda: glum_path(case))
        case.report("glum alpha_search (path)", t, ours, coefs)


def bench_cv(case: Case, repeat: int, peers: bool = True) -> None:
    X, y, alphas, n = case.X, case.y, case.alphas, case.n
    gram, _ = timed(lambda: X.T @ X, repeat) if X.shape[0] > X.shape[1] else (np.nan, None)
    ours, model = timed(lambda: ElasticNetCV(l1_share=0.5, eps=1e-3, cv=5).fit(X, y), repeat)
    chosen = model.l1_ + model.l2_
    note = f", = {ours / gram:.1f} Grams (XᵀX: {gram:.2f} s)" if np.isfinite(gram) else ""
    print(f"  {'ridgeway ElasticNetCV':<40} {ours:8.2f} s   {'':>8}   λ {chosen:.4g}{note}")
    t, ref = timed(lambda: SkElasticNetCV(alphas=alphas, l1_ratio=0.5, cv=5).fit(X, y), repeat)
    print(f"  {'scikit-learn ElasticNetCV':<40} {t:8.2f} s   {t / ours:6.2f}x   "
          f"λ {ref.alpha_ * n:.4g}")  # fmt: skip
    if not peers:
        return
    if not HAVE["skglm"]:
        print("  skglm: skipped (not installed)")
    else:
        t, ref = timed(lambda: skglm_cv(X, y, alphas))
        print(f"  {'skglm GeneralizedLinearEstimatorCV':<40} {t:8.2f} s   {t / ours:6.2f}x   "
              f"λ {ref.alpha_ * n:.4g}")  # fmt: skip
    if not HAVE["glum"]:
        print("  glum: skipped (not installed)")
    else:
        from glum import GeneralizedLinearRegressorCV

        t, ref = timed(lambda: GeneralizedLinearRegressorCV(
            alphas=alphas, l1_ratio=0.5, family="normal", cv=5).fit(X, y))  # fmt: skip
        print(f"  {'glum GeneralizedLinearRegressorCV':<40} {t:8.2f} s   {t / ours:6.2f}x   "
              f"λ {ref.alpha_ * n:.4g}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, a smoke run")
    parser.add_argument("--tall", nargs=2, type=int, default=[100_000, 200])
    parser.add_argument("--wide", nargs=2, type=int, action="append")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--wide-cv", action="store_true", help="5-fold CV on the first wide case")
    parser.add_argument("--glum-wide", action="store_true", help="glum's path on wide cases")
    args = parser.parse_args()
    wide = args.wide or [[5_000, 5_000], [2_000, 5_000]]
    if args.quick:
        args.tall, wide, args.repeat = [5_000, 50], [[300, 600]], 1
    print(f"load average before: {os.getloadavg()}; installed peers: "
          f"{', '.join(k for k, v in HAVE.items() if v) or 'none'}")  # fmt: skip
    with threadpool_limits(limits=1):
        print("BLAS threads: 1 (threadpoolctl); time, peer/ridgeway time ratio, objectives")
        X, y = make_data(200, 20)
        ElasticNet(l1=1.0, l2=1.0).fit(X, y)  # warm-up: load the compiled kernels
        ElasticNet(l1=1.0, l2=1.0).fit(*make_data(30, 60))
        warm_up_peers()
        X, y = make_data(*args.tall)
        case = Case(X, y)
        print(f"\nn ≫ p: {X.shape[0]} × {X.shape[1]}, one 100-λ path")
        bench_paths(case, args.repeat)
        print(f"\nn ≫ p: {X.shape[0]} × {X.shape[1]}, 5-fold CV, 100 λ")
        bench_cv(case, args.repeat)
        for k, (n, p) in enumerate(wide):
            case = Case(*make_data(n, p, seed=1))
            print(f"\np ≳ n: {n} × {p}, one 100-λ path")
            bench_paths(case, 1, glum=args.glum_wide)
            if args.wide_cv and k == 0:
                print(f"\np ≳ n: {n} × {p}, 5-fold CV, 100 λ")
                bench_cv(case, 1, peers=False)
    print(f"\nload average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
