"""ALS (ridgeway.recommend) against implicit 0.7.3 (CG and Cholesky) and Surprise 1.1.5 SVD.

    python bench/bench_recommend.py                 # MovieLens-100K (if recbole is installed)
                                                    # and a small synthetic set
    python bench/bench_recommend.py --full          # + 100k users × 20k items × 5M synthetic
    python bench/bench_recommend.py --threads 2

Every library runs on the same thread count (default 1: the benchmark machine's cores are
shared) with BLAS at one thread. implicit gets the same factors, iterations, λ and α through
``rec.conventions.to_implicit`` (its conventions: constant λ, confidence α·r), so both solve
the same objective. Ranking metrics are ridgeway's, which equal implicit.evaluation's (tested).
Held out: one fold of five per user (``holdout.make_folds``).
"""

from __future__ import annotations

import argparse
import time
from typing import Any

import numpy as np
import scipy.sparse as sp
from threadpoolctl import threadpool_limits

import ridgeway.recommend as rec
from ridgeway.recommend import holdout
from ridgeway.recommend.data import from_matrix
from ridgeway.recommend.metrics import ranking_metrics, rmse, top_n
from ridgeway.recommend.movielens import load_movielens_100k


def split(matrix: Any, feedback: str, seed: int = 0) -> tuple[Any, Any]:
    data = from_matrix(matrix, feedback)
    fold = holdout.make_folds(data, 5, np.random.default_rng(seed))[0]
    return fold.train.by_user, fold.test


SAMPLE_USERS = 10_000  # ranking every user of the 100k set would cost more than the fits


def ranking(user_factors: np.ndarray, item_factors: np.ndarray, train: Any, test: Any) -> dict:
    users = np.flatnonzero(np.diff(test.indptr) > 0)
    if users.size > SAMPLE_USERS:  # the same sample for every model
        users = np.random.default_rng(0).choice(users, SAMPLE_USERS, replace=False)
        users.sort()
    best, _ = top_n(
        np.asarray(user_factors[users], dtype=np.float64),
        np.asarray(item_factors, dtype=np.float64),
        10,
        train[users],
    )
    return ranking_metrics(best, test[users], 10)


def popularity(train: Any, test: Any) -> dict:
    counts = np.diff(train.tocsc().indptr)
    return ranking(np.ones((train.shape[0], 1)), counts[:, None].astype(float), train, test)


def run_ours(train: Any, solver: str, factors: int, l2: float, alpha: float, its: int, threads):
    model = rec.ALS(
        factors=factors,
        l2=l2,
        feedback="implicit",
        confidence="alpha*r",
        alpha=alpha,
        solver=solver,
        iterations=its,
        tol=0.0,
        dtype="float32",
        random_state=0,
        n_threads=threads,
    )
    return model, best_time(lambda: model.fit(train)) / its


def best_time(work: Any, repeat: int = 2) -> float:
    """The faster of ``repeat`` runs: the machine is shared, so the minimum is the cost."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return min(times)


def run_implicit(train: Any, use_cg: bool, factors, l2, alpha, its, threads):
    from implicit.cpu.als import AlternatingLeastSquares

    params = rec.conventions.to_implicit(l2, alpha, "alpha*r")
    model = AlternatingLeastSquares(
        factors=factors,
        regularization=params.regularization,
        alpha=params.alpha,
        use_cg=use_cg,
        iterations=its,
        num_threads=threads,
        random_state=0,
    )
    matrix = train.astype(np.float32).tocsr()

    def fit() -> None:
        model.user_factors = model.item_factors = None  # a fresh start each repeat
        model.fit(matrix, show_progress=False)

    return model, best_time(fit) / its


def implicit_table(
    name: str,
    counts: Any,
    factors: int,
    l2: float,
    alpha: float,
    its: int,
    threads: int,
    cholesky_its: int | None = None,
) -> None:
    train, test = split(counts, "implicit")
    print(
        f"\n## {name}: implicit feedback, {train.shape[0]} users × {train.shape[1]} items, "
        f"{train.nnz} training interactions; factors={factors}, l2={l2}, alpha={alpha}, "
        f"{its} iterations, {threads} thread(s)"
    )
    print("| model | s / iteration | precision@10 | NDCG@10 | MAP@10 |")
    print("|---|---|---|---|---|")
    base = popularity(train, test)
    print(f"| popularity | – | {base['precision']:.3f} | {base['ndcg']:.3f} | {base['map']:.3f} |")
    times = {}
    for label, runner, arg in (
        ("ridgeway ALS cg", run_ours, "cg"),
        ("implicit cg", run_implicit, True),
        ("ridgeway ALS cholesky", run_ours, "cholesky"),
        ("implicit cholesky", run_implicit, False),
    ):
        n = cholesky_its if (cholesky_its and "cholesky" in label) else its
        model, per_it = runner(train, arg, factors, l2, alpha, n, threads)
        if label.startswith("ridgeway"):
            metrics = ranking(model.user_factors_, model.item_factors_, train, test)
        else:
            metrics = ranking(model.user_factors, model.item_factors, train, test)
        times[label] = per_it
        note = f" ({n} its)" if n != its else ""
        print(
            f"| {label}{note} | {per_it:.3f} | {metrics['precision']:.3f} | "
            f"{metrics['ndcg']:.3f} | {metrics['map']:.3f} |"
        )
    for solver in ("cg", "cholesky"):
        ratio = times[f"ridgeway ALS {solver}"] / times[f"implicit {solver}"]
        print(f"time ratio ridgeway/implicit ({solver}): {ratio:.2f}")


def explicit_table(frame: Any, threads: int, factors: int = 32) -> None:
    from surprise import SVD, Dataset, Reader

    users = np.unique(frame["user"], return_inverse=True)[1]
    items = np.unique(frame["item"], return_inverse=True)[1]
    matrix = sp.csr_matrix((frame["rating"].to_numpy(float), (users, items)))
    train, test = split(matrix, "explicit")
    print(
        f"\n## MovieLens-100K explicit: {train.nnz} training / {test.nnz} held-out ratings, "
        f"{threads} thread(s)"
    )
    print("| model | fit s | held-out RMSE |")
    print("|---|---|---|")
    coo = train.tocoo()
    import pandas as pd

    long = pd.DataFrame({"u": coo.row, "i": coo.col, "r": coo.data})
    trainset = Dataset.load_from_df(long, Reader(rating_scale=(1, 5))).build_full_trainset()
    tcoo = test.tocoo()
    for epochs in (20,):
        algo = SVD(random_state=0)  # its defaults: 100 factors, 20 epochs, reg 0.02, lr 0.005
        start = time.perf_counter()
        algo.fit(trainset)
        seconds = time.perf_counter() - start
        predicted = np.array([algo.predict(u, i).est for u, i in zip(tcoo.row, tcoo.col)])
        print(
            f"| Surprise SVD (defaults, {epochs} epochs) | {seconds:.2f} | "
            f"{rmse(tcoo.data, predicted):.4f} |"
        )
    start = time.perf_counter()
    cv = rec.ALSCV(
        factors=factors, l2_scaling="count", cv=3, iterations=10, random_state=0, n_threads=threads
    ).fit(train)
    seconds = time.perf_counter() - start
    print(
        f"| ridgeway ALSCV (λ chosen: {cv.l2_:.3g}, 9 λ × 3 folds + refit) | {seconds:.2f} | "
        f"{_rmse(cv, test):.4f} |"
    )
    for its in (5, 10, 20):
        model = rec.ALS(
            factors=factors,
            l2=cv.l2_,
            l2_scaling="count",
            iterations=its,
            tol=0.0,
            random_state=0,
            n_threads=threads,
        )
        start = time.perf_counter()
        model.fit(train)
        seconds = time.perf_counter() - start
        print(
            f"| ridgeway ALS, λ={cv.l2_:.3g}, {its} sweeps | {seconds:.2f} | "
            f"{_rmse(model, test):.4f} |"
        )


def _rmse(model: Any, test: Any) -> float:
    coo = test.tocoo()
    predicted = np.clip(model.predict(coo.row, coo.col), 1.0, 5.0)  # Surprise clips too
    return rmse(coo.data, predicted)


def warm_up() -> None:
    """Compile the numba kernels once, outside the timings."""
    small = rec.synthetic.implicit_counts(50, 30, 500)
    for solver in ("cg", "cholesky"):
        rec.ALS(4, feedback="implicit", solver=solver, dtype="float32", iterations=2).fit(small)
    rec.ALS(4, iterations=2).fit(rec.synthetic.explicit_ratings(50, 30, 500))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--full", action="store_true", help="add the 5M-interaction set")
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    with threadpool_limits(limits=1, user_api="blas"):
        warm_up()
        frame = load_movielens_100k()
        if frame is None:
            print(
                "recbole is not installed: MovieLens-100K skipped (pip install --no-deps recbole)"
            )
        else:
            users = np.unique(frame["user"], return_inverse=True)[1]
            items = np.unique(frame["item"], return_inverse=True)[1]
            counts = sp.csr_matrix((np.ones(len(frame)), (users, items)))
            implicit_table("MovieLens-100K", counts, 64, 1.0, 1.0, 15, args.threads)
            explicit_table(frame, args.threads)
        small = rec.synthetic.implicit_counts(20_000, 5_000, 500_000, factors=32, random_state=0)
        implicit_table("synthetic 20k × 5k × 0.5M", small, 64, 1.0, 1.0, 15, args.threads)
        if args.full:
            big = rec.synthetic.implicit_counts(100_000, 20_000, 5_000_000, factors=64)
            implicit_table(
                "synthetic 100k × 20k × 5M", big, 64, 1.0, 1.0, 5, args.threads, cholesky_its=2
            )


if __name__ == "__main__":
    main()
