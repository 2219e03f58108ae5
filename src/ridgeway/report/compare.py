"""L2 vs L1 vs elastic net vs no penalty, fitted on the same folds and scored on the same split."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from sklearn.model_selection import KFold, StratifiedKFold

from ridgeway.estimators.elastic_net import ElasticNetCV, LassoCV
from ridgeway.estimators.logistic import LogisticRegressionCV
from ridgeway.estimators.ridge_cv import RidgeCV
from ridgeway.evaluation.kpis import KPIs, baseline_kpis, compute_kpis
from ridgeway.evaluation.reference import Reference, reference_for

__all__ = ["Comparison", "compare_penalties", "shared_folds"]


@dataclass
class Comparison:
    """``table``: one row per penalty (KPIs and the chosen λ); ``models``/``kpis`` by name."""

    table: pd.DataFrame
    models: dict[str, Any]
    kpis: dict[str, KPIs]
    notes: list[str] = field(default_factory=list)

    def coefficients(self) -> dict[str, np.ndarray]:
        """Signed coefficients per model (per-feature norm over classes for multiclass)."""
        out = {}
        for name, model in self.models.items():
            coef = np.atleast_2d(np.asarray(model.coef_, dtype=np.float64))
            out[name] = coef[0] if coef.shape[0] == 1 else np.linalg.norm(coef, axis=0)
        return out


def shared_folds(X: Any, y: Any, *, classification: bool, n_folds: int = 5, seed: int = 0):
    """One list of (train, test) index pairs, shuffled with ``seed``, for every model."""
    cls = StratifiedKFold if classification else KFold
    splitter = cls(n_folds, shuffle=True, random_state=seed)
    return [(tr, te) for tr, te in splitter.split(np.zeros((len(y), 1)), y)]


def _candidates(classification: bool, folds: list, rule: str) -> dict[str, Callable[[], Any]]:
    if classification:
        return {
            "L2 (logistic)": lambda: LogisticRegressionCV(cv=folds, rule=rule),
            "L1 (logistic)": lambda: LogisticRegressionCV(l1_share=1.0, cv=folds, rule=rule),
            "elastic net (logistic, l1_share 0.5)": lambda: LogisticRegressionCV(
                l1_share=0.5, cv=folds, rule=rule
            ),
        }
    return {
        "L2 (ridge)": lambda: RidgeCV(cv=folds, rule=rule),
        "L1 (lasso)": lambda: LassoCV(cv=folds, rule=rule),
        "elastic net (l1_share 0.5)": lambda: ElasticNetCV(l1_share=0.5, cv=folds, rule=rule),
    }


def _edge_note(name: str, model: Any) -> str | None:
    """A choice at the end of the grid means the best λ may lie beyond it."""
    results = model.cv_results_
    strength = np.asarray(results["l2"]) + np.asarray(results.get("l1", 0.0))
    index = getattr(model, "best_index_", None)
    if index is None:
        index = int(np.ravel(results["best_index"])[0])
    if np.ndim(index) or strength.ndim != 1:
        return None
    if strength[index] in (strength.min(), strength.max()):
        end = "smallest" if strength[index] == strength.min() else "largest"
        return f"{name}: the chosen strength is the {end} of its grid; the best may lie beyond"
    return None


def _row(name: str, k: KPIs) -> dict[str, Any]:
    row = {"model": name, "estimator": k.model, "l2": k.l2, "l1": k.l1}
    if k.task == "regression":
        row.update({f"test {m}": k.test[m] for m in ("mse", "rmse", "mae", "r2")})
    else:
        row.update({f"test {m}": k.test[m] for m in ("f1", "accuracy", "roc_auc", "log_loss")})
    row.update(
        {
            f"gap ({k.gap_metric})": k.gap,
            f"{k.error_metric} reduction vs none (%)": k.error_reduction_pct,
            "‖β‖₂": k.coef_norm2,
            "max |β|": k.coef_max_abs,
            "non-zero": k.n_nonzero,
            "effective df": k.effective_df,
        }
    )
    return row


def compare_penalties(
    X_train: Any,
    y_train: Any,
    X_test: Any,
    y_test: Any,
    *,
    classification: bool,
    n_folds: int = 5,
    rule: str = "min",
    seed: int = 0,
    progress: Callable[[str], None] | None = None,
    fitted: dict[str, Any] | None = None,
    reference: Reference | None = None,
) -> Comparison:
    """Fit every penalty with λ chosen on the same shuffled folds, then score on the test set.

    Regression: ridge (L2), lasso (L1), elastic net (share 0.5) and least squares.
    Classification: logistic regression with L2, L1 and elastic net (share 0.5), and (nearly)
    unpenalized. The "non-zero" column is the number of features each model keeps.
    ``fitted``: models already fitted on these folds, by row name (e.g. "L2 (ridge)"), reused.
    ``reference``: the baseline and Gram of this training set, if already built (reused when
    it serves the candidates). The "none" row is that baseline: nothing is fitted twice.
    """
    folds = shared_folds(
        X_train, y_train, classification=classification, n_folds=n_folds, seed=seed
    )
    models, kpis, notes = {}, {}, []
    for name, make in _candidates(classification, folds, rule).items():
        if progress:
            progress(name)
        model = (fitted or {}).get(name) or make().fit(X_train, y_train)
        if reference is None or not reference.serves(model):
            reference = reference_for(model, X_train, y_train)  # once: every row shares it
        models[name] = model
        kpis[name] = compute_kpis(model, X_train, y_train, X_test, y_test, reference=reference)
        edge = _edge_note(name, model)
        if edge:
            notes.append(edge)
    if progress:
        progress("no penalty")
    assert reference is not None  # there is always a first candidate
    models["none"] = reference.baseline  # the baseline the KPIs already compared against
    kpis["none"] = baseline_kpis(reference, X_train, y_train, X_test, y_test)
    notes.append(f"'none': {reference.notes[0]}" if reference.notes else "'none': no penalty")
    notes.append(
        f"λ chosen by {n_folds}-fold CV on the same shuffled folds (seed {seed}), rule {rule}"
    )
    table = pd.DataFrame([_row(name, k) for name, k in kpis.items()])
    return Comparison(table=table, models=models, kpis=kpis, notes=notes)
