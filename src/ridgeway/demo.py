"""`make demo`: ridgeway end to end on the shipped bike-sharing demand data.

Ridge with λ chosen by exact leave-one-out (one decomposition for 100 values of λ), compared
with GCV and 5-fold choices and with unregularized least squares on a held-out split.
"""

from __future__ import annotations

import time

import numpy as np
import pandas as pd
from sklearn.model_selection import train_test_split

import ridgeway as rw

CATEGORICAL = ["season", "mnth", "hr", "weekday", "weathersit"]
LEAKY = ["casual", "registered"]  # bikers = casual + registered: not features


def bikeshare_design() -> tuple[pd.DataFrame, pd.Series]:
    data = rw.datasets.load_bikeshare()
    y = np.log1p(data["bikers"])  # demand is multiplicative: model log(1 + count)
    X = pd.get_dummies(
        data.drop(columns=["bikers", *LEAKY]).astype({c: "category" for c in CATEGORICAL}),
        columns=CATEGORICAL,
        drop_first=True,
        dtype=float,
    )
    return X, y


def mse(y: np.ndarray, pred: np.ndarray) -> float:
    return float(np.mean((np.asarray(y) - pred) ** 2))


def main() -> None:
    X, y = bikeshare_design()
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, random_state=0)
    print("ridgeway demo: hourly bike-rental demand (UCI Bike Sharing, 2011)")
    print(
        f"  {X.shape[0]} hours, {X.shape[1]} features after one-hot encoding "
        f"({', '.join(CATEGORICAL)}); target log(1 + bikers)"
    )
    print(f"  train {len(y_train)} / held-out test {len(y_test)} (random split, seed 0)\n")

    start = time.perf_counter()
    model = rw.RidgeCV(cv="loo", standardize=True).fit(X_train, y_train)
    elapsed = time.perf_counter() - start
    res = model.cv_results_
    best = int(res["best_index"][0])
    print(
        f"RidgeCV, exact leave-one-out over {res['l2'].size} values of λ: {elapsed:.2f} s "
        f"({model.decomposition_}, {model.solution_.summary()})"
    )
    print(
        f"  chosen l2 = {model.l2_:.4g}  (effective degrees of freedom {res['df'][best]:.1f} "
        f"of {X.shape[1] + 1})"
    )
    print("\n  validation curve (every 11th λ; scores are −MSE, higher is better):")
    print(f"  {'l2':>12} {'df':>7} {'LOO score':>12} {'± SE':>9} {'train score':>12}")
    for i in list(range(0, res["l2"].size, 11)) + [best]:
        mark = "  <- chosen" if i == best else ""
        print(
            f"  {res['l2'][i]:12.4g} {res['df'][i]:7.2f} {res['mean_score'][i]:12.5f} "
            f"{res['std_error'][i]:9.5f} {res['train_score'][i]:12.5f}{mark}"
        )

    print("\n  the same grid chosen other ways:")
    for label, cv, rule in [("GCV", "gcv", "min"), ("5-fold", 5, "min"), ("5-fold, 1se", 5, "1se")]:
        other = rw.RidgeCV(cv=cv, rule=rule, standardize=True).fit(X_train, y_train)
        print(
            f"    {label:<12} l2 = {other.l2_:10.4g}   test MSE "
            f"{mse(y_test, other.predict(X_test)):.5f}"
        )

    ols = rw.Ridge(l2=0.0).fit(X_train, y_train)
    ridge_mse, ols_mse = mse(y_test, model.predict(X_test)), mse(y_test, ols.predict(X_test))
    print("\nheld-out test error (log scale):")
    print(
        f"  unregularized least squares  MSE {ols_mse:.5f}   ‖β‖₂ {np.linalg.norm(ols.coef_):.3f}"
    )
    print(
        f"  ridge (LOO-chosen λ)         MSE {ridge_mse:.5f}   ‖β‖₂ "
        f"{np.linalg.norm(model.coef_):.3f}"
    )
    print(
        f"  prediction-error reduction against least squares: "
        f"{100 * (ols_mse - ridge_mse) / ols_mse:.2f} %"
    )
    gap = res["train_score"][best] - res["mean_score"][best]
    print(f"  generalization gap at the chosen λ (train − LOO score): {gap:.5f}")
    print("  (with 6 483 rows for 53 features, least squares hardly overfits: λ matters little)")
    small_training_set(X_train, y_train, X_test, y_test)


def small_training_set(X_train, y_train, X_test, y_test, n_small: int = 120) -> None:
    """Where regularization earns its keep: few rows for many features."""
    rows = np.random.default_rng(0).choice(len(y_train), n_small, replace=False)
    Xs, ys = X_train.iloc[rows], y_train.iloc[rows]
    model = rw.RidgeCV(cv="loo", standardize=True).fit(Xs, ys)
    ols = rw.Ridge(l2=0.0).fit(Xs, ys)
    ridge_mse, ols_mse = mse(y_test, model.predict(X_test)), mse(y_test, ols.predict(X_test))
    res = model.cv_results_
    best = int(res["best_index"][0])
    print(f"\nthe same model trained on only {n_small} random hours ({Xs.shape[1]} features):")
    print(
        f"  chosen l2 = {model.l2_:.4g} (df {res['df'][best]:.1f}); "
        f"gap train − LOO at that λ {res['gap'][best]:.4f}, at the smallest λ "
        f"{res['gap'][0]:.4f}"
    )
    print(
        f"  unregularized least squares  test MSE {ols_mse:.5f}   ‖β‖₂ "
        f"{np.linalg.norm(ols.coef_):.3f}"
    )
    print(
        f"  ridge (LOO-chosen λ)         test MSE {ridge_mse:.5f}   ‖β‖₂ "
        f"{np.linalg.norm(model.coef_):.3f}"
    )
    print(
        f"  prediction-error reduction against least squares: "
        f"{100 * (ols_mse - ridge_mse) / ols_mse:.1f} %"
    )


if __name__ == "__main__":
    main()
