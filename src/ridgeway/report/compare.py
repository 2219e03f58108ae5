"""Penalties side by side (L2, L1 and elastic net where the family has them, no penalty),
fitted on the same folds and scored on the same split."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import is_classifier
from sklearn.model_selection import KFold, StratifiedKFold

from ridgeway.estimators.elastic_net import ElasticNetCV, LassoCV
from ridgeway.estimators.logistic import LogisticRegressionCV
from ridgeway.estimators.ridge_classifier import RidgeClassifierCV
from ridgeway.estimators.ridge_cv import RidgeCV
from ridgeway.estimators.svm import LinearSVCCV
from ridgeway.evaluation.kpis import KPIs, baseline_kpis, compute_kpis
from ridgeway.evaluation.reference import Reference, reference_for

__all__ = [
    "FAMILIES",
    "Comparison",
    "compare_penalties",
    "family_of",
    "penalty_of",
    "row_for",
    "shared_folds",
]


@dataclass
class Comparison:
    """``table``: one row per penalty (KPIs and the chosen λ); ``models``/``kpis`` by name."""

    table: pd.DataFrame
    models: dict[str, Any]
    kpis: dict[str, KPIs]
    notes: list[str] = field(default_factory=list)

    @property
    def title(self) -> str:
        """What was compared, from the rows themselves, e.g. "L2 vs L1 vs no penalty"."""
        return " vs ".join(penalty_of(name) for name in self.table["model"])

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


#: the rows each family compares, by row name: "L2 (…)" first (the model the user fitted),
#: then whatever other penalties that family has; the "none" row comes from the baseline
FAMILIES: dict[str, dict[str, Callable[..., Any]]] = {
    "ridge": {
        "L2 (ridge)": RidgeCV,
        "L1 (lasso)": LassoCV,
        "elastic net (l1_share 0.5)": functools.partial(ElasticNetCV, l1_share=0.5),
    },
    "logistic": {
        "L2 (logistic)": LogisticRegressionCV,
        "L1 (logistic)": functools.partial(LogisticRegressionCV, l1_share=1.0),
        "elastic net (logistic, l1_share 0.5)": functools.partial(
            LogisticRegressionCV, l1_share=0.5
        ),
    },
    "svm": {"L2 (linear SVM)": LinearSVCCV},
    "ridge classifier": {"L2 (ridge classifier)": RidgeClassifierCV},
}


def family_of(model: Any) -> str:
    """The comparison family of a fitted CV model (its row is the family's "L2 (…)")."""
    kinds = {RidgeCV: "ridge", LassoCV: "ridge", ElasticNetCV: "ridge",
             LogisticRegressionCV: "logistic", LinearSVCCV: "svm",
             RidgeClassifierCV: "ridge classifier"}  # fmt: skip
    return kinds.get(type(model), "logistic" if is_classifier(model) else "ridge")


def row_for(model: Any) -> str | None:
    """The row of its family that builds the same estimator as ``model`` (so that a model
    fitted on the shared folds can stand in for that row), or None."""
    for name, make in FAMILIES[family_of(model)].items():
        cls = make.func if isinstance(make, functools.partial) else make
        fixed = make.keywords if isinstance(make, functools.partial) else {}
        params = model.get_params()
        if type(model) is cls and all(params.get(k) == v for k, v in fixed.items()):
            return name
    return None


def _candidates(family: str, folds: list, rule: str) -> dict[str, Callable[[], Any]]:
    if family not in FAMILIES:
        raise ValueError(f"family must be one of {tuple(FAMILIES)}; got {family!r}")
    return {name: functools.partial(make, cv=folds, rule=rule)
            for name, make in FAMILIES[family].items()}  # fmt: skip


def penalty_of(row_name: str) -> str:
    """What a row penalizes, from its name: "L2 (ridge)" -> "L2"; "none" -> "no penalty"."""
    return "no penalty" if row_name == "none" else row_name.split(" (")[0]


def _row(name: str, k: KPIs) -> dict[str, Any]:
    chosen = f"{k.choice.scheme}, rule {k.choice.rule}" if k.choice else "— (no penalty)"
    edge = k.choice.edge_chosen if k.choice else None
    row = {"model": name, "estimator": k.model, "λ chosen by": chosen, "l2": k.l2, "l1": k.l1,
           "λ at grid edge": (edge or "no") if k.choice else "—"}  # fmt: skip
    if k.task == "regression":
        row.update({f"test {m}": k.test[m] for m in ("mse", "rmse", "mae", "r2")})
    else:
        if k.positive_class is not None:
            row["positive class (F1, AUC)"] = k.positive_class
        row.update({f"test {m}": k.test[m] for m in ("f1", "accuracy", "roc_auc", "log_loss")})
    row.update(
        {
            f"gap ({k.gap_metric})": k.gap,
            f"{k.error_metric} reduction vs none (%)": k.error_reduction_pct,
            "‖β‖₂": k.coef_norm2,
            "max |β|": k.coef_max_abs,
            "non-zero": k.n_nonzero,
            "effective df (incl. intercept)": k.effective_df,
            "signs changed vs none": len(k.sign_changes),
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
    family: str | None = None,
    positive_class: Any = None,
) -> Comparison:
    """Fit every penalty of ``family`` with λ chosen on the same shuffled folds, then score
    them and the unpenalized baseline on the test set.

    ``family`` (:data:`FAMILIES`; default "ridge" for regression, "logistic" for
    classification): ridge compares ridge (L2), lasso (L1), elastic net (share 0.5) and
    least squares; logistic compares L2, L1 and elastic net (share 0.5) logistic regression
    and the (nearly) unpenalized fit; a classifier family without L1/elastic-net models
    compares its L2 model with the same classifier at a vanishing penalty, and the rows it
    has no model for are left out (noted). The "non-zero" column is the number of features
    each model keeps.
    ``fitted``: models already fitted on these folds, by row name (e.g. "L2 (ridge)"), reused.
    ``reference``: the baseline and Gram of this training set, if already built (reused when
    it serves the candidates). The "none" row is that baseline: nothing is fitted twice.
    """
    family = family or ("logistic" if classification else "ridge")
    folds = shared_folds(
        X_train, y_train, classification=classification, n_folds=n_folds, seed=seed
    )
    models, kpis, notes = {}, {}, []
    for name, make in _candidates(family, folds, rule).items():
        if progress:
            progress(name)
        model = (fitted or {}).get(name) or make().fit(X_train, y_train)
        if reference is None or not reference.serves(model):
            reference = reference_for(model, X_train, y_train)  # once: every row shares it
        models[name] = model
        kpis[name] = compute_kpis(model, X_train, y_train, X_test, y_test, reference=reference,
                                  positive_class=positive_class)  # fmt: skip
        edge = kpis[name].choice.edge_chosen if kpis[name].choice else None
        if edge:
            notes.append(f"{name}: the chosen strength is the {edge} of its grid; the best "
                         "may lie beyond")  # fmt: skip
    if progress:
        progress("no penalty")
    assert reference is not None  # there is always a first candidate
    models["none"] = reference.baseline  # the baseline the KPIs already compared against
    kpis["none"] = baseline_kpis(reference, X_train, y_train, X_test, y_test,
                                 positive_class=positive_class)  # fmt: skip
    notes.append(f"'none': {reference.notes[0]}" if reference.notes else "'none': no penalty")
    if reference.degenerate:
        notes.append(f"'none' is degenerate: {reference.degenerate}")
    penalties = {penalty_of(name) for name in models}
    missing = [p for p in ("L1", "elastic net") if p not in penalties]
    if missing:
        notes.append(f"{' and '.join(missing)}: no ridgeway {family} model has "
                     f"{'it' if len(missing) == 1 else 'them'} yet; left out")  # fmt: skip
    notes.append(
        f"λ chosen by {n_folds}-fold CV on the same shuffled folds (seed {seed}), rule {rule}"
    )
    table = pd.DataFrame([_row(name, k) for name, k in kpis.items()])
    return Comparison(table=table, models=models, kpis=kpis, notes=notes)
