"""What the KPIs of one training set are measured against, computed once and shared.

A :class:`Reference` holds the unregularized baseline (least squares, or a classifier with a
vanishing penalty) fitted on the training set, and the eigenvalues of the centred XᵀX behind
cond(XᵀX). A fitted ``RidgeCV`` already holds both in its spectrum (``solution_.state``): the
baseline is its λ = 0 end and the eigenvalues are its own, so nothing is refitted and X is not
read. Otherwise they are computed once — one baseline fit, one pass for the Gram — and the
same Reference is passed to the KPIs of every model fitted on that training set.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, RegressorMixin, clone

from ridgeway.estimators.ridge_cv import RidgeCV
from ridgeway.evaluation.baseline import baseline_model
from ridgeway.statistics import moments

__all__ = [
    "DesignGram",
    "LeastSquares",
    "Reference",
    "RidgeSpectrum",
    "reference_for",
    "ridge_spectrum",
]

EPS = np.finfo(np.float64).eps
#: the λ = 0 end of a spectrum serves as the baseline when eps·cond of its kept part stays
#: below this (the accuracy the spectral solvers promise; beyond it Ridge(l2=0) takes an SVD)
BASELINE_ACCURACY = 1e-8
#: the parameters under which a RidgeCV's penalty is the identity (its spectrum is XᵀX's)
IDENTITY_PENALTY = {"standardize": False, "penalty_factor": None, "tikhonov": None, "prior": None}


class RidgeSpectrum(Protocol):
    """The part of a ridge decomposition the KPIs read (``RidgeCV().solution_.state``)."""

    @property
    def eigenvalues(self) -> np.ndarray: ...

    def coef_path(self, l2: np.ndarray) -> tuple[np.ndarray, np.ndarray]: ...

    def df(self, l2: np.ndarray) -> np.ndarray: ...


@dataclass(frozen=True)
class DesignGram:
    """The (centred, with an intercept) XᵀX behind the condition numbers.

    ``eigenvalues`` are ascending; a spectrum keeps only those above rounding, so fewer than
    ``n_features`` of them means XᵀX is singular. ``matrix`` is None when the eigenvalues were
    read off a spectrum; it is needed only for a penalty other than the identity.
    """

    eigenvalues: np.ndarray
    n_features: int
    matrix: np.ndarray | None = None
    variance: np.ndarray | None = None  # per feature, for a standardized penalty

    @classmethod
    def of(cls, X: Any, fit_intercept: bool) -> DesignGram:
        """One pass over X (:func:`ridgeway.statistics.moments`) and one ``eigvalsh``."""
        X = np.asarray(X, dtype=np.float64)
        m = moments(X, np.zeros((X.shape[0], 1)), None)
        gram = m.xx if fit_intercept else m.xx + m.weight * np.outer(m.x_mean, m.x_mean)
        eig = np.linalg.eigvalsh(gram) if gram.size else np.zeros(0)
        return cls(eig, X.shape[1], gram, np.diag(m.xx) / max(m.weight, 1.0))

    def cond(self, l2: float = 0.0, diag: np.ndarray | None = None) -> float:
        """2-norm condition number of XᵀX + λ·diag(d); inf when numerically singular."""
        if self.n_features == 0:
            return float("nan")
        if diag is None or np.all(diag == 1.0):
            eig = np.zeros(self.n_features)
            eig[self.n_features - self.eigenvalues.size :] = self.eigenvalues
            return _cond(np.sort(eig) + l2)
        if self.matrix is None:
            raise ValueError("a penalty other than the identity needs the Gram matrix itself")
        return _cond(np.linalg.eigvalsh(self.matrix + l2 * np.diag(diag)))


def _cond(eig: np.ndarray) -> float:
    top = eig.max()
    if top <= 0 or eig.min() <= top * eig.size * EPS:
        return float("inf")
    return float(top / eig.min())


class LeastSquares(RegressorMixin, BaseEstimator):
    """A least-squares fit read off a ridge spectrum at λ = 0 (minimum-norm where singular).

    It stands in for ``Ridge(l2=0)`` where the fitted model already holds the spectrum; it is
    not fitted by ``fit`` (there is none) but by :func:`reference_for`.
    """

    def __init__(self, fit_intercept: bool = True) -> None:
        self.fit_intercept = fit_intercept

    def predict(self, X: Any) -> np.ndarray:
        return np.asarray(np.asarray(X, dtype=np.float64) @ self.coef_.T) + self.intercept_


@dataclass(frozen=True)
class Reference:
    """The baseline (fitted), its name as the KPIs show it, notes, and the design's Gram.

    ``spec`` is the unfitted baseline the reference was built for: a model is served by it
    when its own baseline would be the same estimator with the same parameters.
    """

    baseline: Any
    name: str
    notes: tuple[str, ...]
    gram: DesignGram
    spec: Any
    n_samples: int

    @property
    def estimator(self) -> str:
        """The baseline's class name, e.g. ``Ridge``."""
        return type(self.spec).__name__

    def serves(self, model: Any) -> bool:
        base, _ = baseline_model(model, self.n_samples)
        return type(base) is type(self.spec) and base.get_params() == self.spec.get_params()


def ridge_spectrum(model: Any) -> RidgeSpectrum | None:
    """The spectrum a fitted RidgeCV holds, when its penalty is the identity; else None."""
    if not isinstance(model, RidgeCV):
        return None
    params = model.get_params()
    if any(params.get(k) != v for k, v in IDENTITY_PENALTY.items()):
        return None
    solution = getattr(model, "solution_", None)  # a model loaded from a file has none
    state: RidgeSpectrum | None = None if solution is None else solution.state
    return state


def _from_spectrum(
    spectrum: RidgeSpectrum, X: Any, y: Any, base: Any, note: str | None
) -> Reference | None:
    """None when the spectrum is not accurate enough at λ = 0 (then the baseline is fitted)."""
    eig = np.asarray(spectrum.eigenvalues, dtype=np.float64)
    if eig.size == 0 or EPS * eig.max() > BASELINE_ACCURACY * eig.min():
        return None
    zero = np.zeros(1)
    coef, intercept = spectrum.coef_path(zero)  # (1, p, k), (1, k)
    fit = LeastSquares(fit_intercept=base.fit_intercept)
    one_target = np.ndim(y) == 1
    fit.coef_ = coef[0, :, 0] if one_target else coef[0].T
    fit.intercept_ = float(intercept[0, 0]) if one_target else intercept[0]
    fit.df_ = float(spectrum.df(zero)[0])
    fit.n_features_in_ = coef.shape[1]
    if isinstance(X, pd.DataFrame):  # as the estimators do: names only from a frame
        fit.feature_names_in_ = np.asarray(X.columns, dtype=object)
    gram = DesignGram(np.sort(eig), coef.shape[1])
    notes = (note,) if note else ()
    return Reference(fit, _name(base), notes, gram, base, int(np.shape(y)[0]))


def _name(base: Any) -> str:
    return f"{type(base).__name__}(l2={base.l2:.3g})"


def reference_for(model: Any, X: Any, y: Any) -> Reference:
    """The reference of ``model``'s training set ``(X, y)``: from its spectrum when it holds
    one, else one baseline fit and one Gram pass (warnings of the baseline fit become notes)."""
    n_samples = int(np.shape(X)[0])
    spec, note = baseline_model(model, n_samples)
    spectrum = ridge_spectrum(model)
    if spectrum is not None:
        reference = _from_spectrum(spectrum, X, y, spec, note)
        if reference is not None:
            return reference
    base = clone(spec)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        base.fit(X, y)
    notes = ([note] if note else []) + [f"baseline fit: {w.message}" for w in caught]
    gram = DesignGram.of(X, bool(spec.get_params().get("fit_intercept", True)))
    return Reference(base, _name(spec), tuple(notes), gram, spec, n_samples)
