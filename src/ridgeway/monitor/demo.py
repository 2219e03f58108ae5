"""The monitoring act of ``make demo``: the credit-scoring model watched for a year.

The L2 logistic model (λ by 5-fold CV) is fitted on 600 German-credit applicants and
registered with them as its reference. Twelve monthly batches of 200 applicants are drawn
from the other 400; from month 7 on they drift: the credit amounts asked for grow by 60 %
(the data set has no income column, so the amount stands in for a shifted income
distribution) and the default rate rises from the data's 30 % to about 60 %. The gap rule
(accuracy gap above 0.08 for 2 consecutive months) fires; ``retune`` refits λ on the last
three months (their distinct rows) and registers version 2. The act exits by itself and
prints the dashboard command.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

import ridgeway as rw
from ridgeway.monitor.monitor import Monitor

__all__ = ["demo_act"]

TARGET = "creditability"
DRIFT_FROM = 7  # the month the drift starts (1-based)


def _month(pool: pd.DataFrame, month: int, rng: np.random.Generator) -> pd.DataFrame:
    """200 applicants for a month; drifted months draw more defaults and larger amounts."""
    bad = pool[pool[TARGET] == "bad"]
    good = pool[pool[TARGET] == "good"]
    share_bad = 0.3 if month < DRIFT_FROM else 0.6
    n_bad = round(200 * share_bad)
    rows = pd.concat(
        [
            bad.sample(n_bad, replace=True, random_state=rng),
            good.sample(200 - n_bad, replace=True, random_state=rng),
        ]
    )
    if month >= DRIFT_FROM:
        rows = rows.assign(credit_amount=(rows["credit_amount"] * 1.6).round())
    return rows.sample(frac=1.0, random_state=rng)


def demo_act(out_dir: str | Path, *, say: Any = print) -> dict[str, Any]:
    """Run the act with its store at ``out_dir/monitor.db``; returns what it found."""
    from ridgeway.app.preprocess import fit_preprocessor

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    url = f"sqlite:///{out_dir.resolve() / 'monitor.db'}"
    rng = np.random.default_rng(2026)
    data = rw.datasets.load_german_credit().sample(frac=1.0, random_state=rng)
    train, pool = data.iloc[:600], data.iloc[600:]
    categorical = [c for c in data.columns if data[c].dtype == object and c != TARGET]
    X_train = train.drop(columns=[TARGET])
    pre = fit_preprocessor(X_train, categorical=categorical)
    model = rw.LogisticRegressionCV(cv=5).fit(pre.transform(X_train), train[TARGET].to_numpy())

    with Monitor(url) as mon:
        mon.register("credit", model, X_train, train[TARGET].to_numpy(), preprocessor=pre)
        say(f"registered 'credit' v1 (λ = {model.l2_:.3g}, 5-fold CV) in {url}")
        mon.add_rule("credit", "gap", above=0.08, patience=2, severity="critical")
        mon.add_rule("credit", "psi", feature="credit_amount", above=0.25)
        months = [_month(pool, m, rng) for m in range(1, 13)]
        for m, batch in enumerate(months, start=1):
            mon.log(
                "credit",
                batch.drop(columns=[TARGET]),
                batch[TARGET].to_numpy(),
                at=f"2026-{m:02d}-28",
            )
            gap = mon.metrics("credit", metric="gap").iloc[-1]["value"]
            psi = mon.metrics("credit", metric="psi", feature="credit_amount").iloc[-1]["value"]
            opened = mon.alerts("credit", status="open")
            flags = ", ".join(f"{a.metric} {a.severity}" for a in opened.itertuples()) or "none"
            say(
                f"  2026-{m:02d}: accuracy gap {gap:+.3f}, PSI(credit_amount) {psi:.2f}; "
                f"open alerts: {flags}"
            )
        fired = mon.alerts("credit")
        # months are drawn with replacement: refit on distinct rows, or CV folds would share rows
        recent = pd.concat(months[-3:]).drop_duplicates()
        result = mon.retune("credit", recent.drop(columns=[TARGET]), recent[TARGET].to_numpy())
        say(f"retune on the last 3 months ({len(recent)} rows): version {result.new_version}")
        for what, old, new in result.rows():
            say(f"  {what}: {old} -> {new}")
    say(f"dashboard: ridgeway dashboard --db {url}   (then open http://127.0.0.1:8050)")
    return {
        "url": url,
        "alerts": fired,
        "retune": result,
        "gap_alert_month": _first_gap_alert_month(fired),
    }


def _first_gap_alert_month(alerts: pd.DataFrame) -> int | None:
    gap = alerts[alerts["metric"] == "gap"]
    return None if gap.empty else int(gap["opened_at"].min().month)


if __name__ == "__main__":
    import sys

    demo_act(sys.argv[1] if len(sys.argv) > 1 else "out/monitor-demo")
