"""The recommendation act of ``make demo``: λ chosen for matrix factorization, end to end.

MovieLens-100K when the ``recbole`` wheel is installed (the demo/dev extra), else a synthetic
low-rank set: explicit ratings with biases (ALS-WR scaling, λ by per-user 5-fold CV, RMSE
against the mean-rating baseline), then the same interactions as implicit feedback (ranking
metrics against popularity), a folded-in new user and similar items.
"""

from __future__ import annotations

import time
from pathlib import Path

import pandas as pd
from rich.console import Console

import ridgeway.recommend as rec
from ridgeway.recommend.cli import write_outputs
from ridgeway.recommend.movielens import load_movielens_100k

console = Console()


def ratings_frame(quick: bool = False) -> tuple[pd.DataFrame, str]:
    frame = None if quick else load_movielens_100k()
    if frame is not None:
        return frame[["user", "item", "rating"]], "MovieLens-100K (GroupLens, via recbole)"
    size = (200, 150, 6_000) if quick else (943, 1682, 100_000)
    coo = rec.synthetic.explicit_ratings(*size, factors=8, random_state=0).tocoo()
    frame = pd.DataFrame({"user": coo.row, "item": coo.col, "rating": coo.data.round()})
    return frame, "synthetic low-rank ratings (install recbole for MovieLens-100K)"


def demo_act(out_dir: str | Path, quick: bool = False) -> dict[str, dict[str, Path]]:
    """Run the act, writing under ``out_dir/recommend-*``; returns the files per part.
    quick: a small synthetic set (for tests)."""
    out = Path(out_dir)
    frame, source = ratings_frame(quick)
    console.rule("Recommendations — matrix factorization by alternating ridge")
    console.print(
        f"{source}: {frame['user'].nunique()} users, {frame['item'].nunique()} items, "
        f"{len(frame)} ratings",
        highlight=False,
    )
    files = {}
    start = time.perf_counter()
    explicit = rec.ALSCV(factors=16, l2_scaling="count", cv=3, iterations=10, random_state=0)
    explicit.fit(frame, user="user", item="item", rating="rating")
    seconds = time.perf_counter() - start
    console.print(f"explicit ratings, λ by 3-fold per-user CV ({seconds:.1f} s)")
    files["explicit"] = write_outputs(explicit, out / "recommend-explicit", 10, source)
    start = time.perf_counter()
    implicit = rec.ALSCV(factors=32, feedback="implicit", cv=3, iterations=10, k=10, random_state=0)
    implicit.fit(frame, user="user", item="item")
    console.print(f"implicit feedback, λ by NDCG@10 ({time.perf_counter() - start:.1f} s)")
    files["implicit"] = write_outputs(implicit, out / "recommend-implicit", 10, source)
    liked = frame.groupby("item").size().sort_values(ascending=False).index[:5]
    newcomer = explicit.fold_in(dict.fromkeys(liked, 5.0))
    console.print("a new user who loved the five most-rated items (fold-in, no refit):")
    console.print(explicit.recommend_folded(newcomer, n=5).to_string(index=False))
    console.print(f"items most similar to item {liked[0]}:")
    console.print(implicit.similar_items([liked[0]], n=5).to_string(index=False))
    return files
