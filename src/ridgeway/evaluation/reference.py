"""What the KPIs of one training set are measured against, computed once and shared.

A :class:`Reference` holds the unregularized baseline (least squares, or a classifier with a
vanishing penalty) fitted on the training set, and the eigenvalues of the centred XᵀX behind
cond(XᵀX). A fitted ``RidgeCV`` already holds both in its spectrum (``solution_.state``): the
baseline is its λ = 0 end and the eigenvalues are its own, so nothing is refitted and no Gram
is formed (X is read once, for the baseline's training predictions that show whether it is
degenerate: separable classes, an exact fit). Otherwise they are computed once — one baseline
fit, one Gram (or, for n < p, kernel) eigenproblem — and the same Reference is passed to the
KPIs of every model fitted on that training set.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, replace
from typing import Any, Protocol

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, RegressorMixin, clone, is_classifier

from ridgeway.estimators.logistic import LogisticRegression
from ridgeway.estimators.ridge import Ridge
from ridgeway.estimators.ridge_cv import RidgeCV
from ridgeway.estimators.svm import LinearSVC
from ridgeway.evaluation.baseline import baseline_model
from ridgeway.statistics import Moments, moments

__all__ = [
    "DesignGram",
    "LeastSquares",
    "Reference",
    "RidgeSpectrum",
    "degeneracy",
    "degeneracy_text",
    "reference_for",
    "reference_of_moments",
    "ridge_spectrum",
]

EPS = np.finfo(np.float64).eps
#: the λ = 0 end of a spectrum serves as the baseline when eps·cond of its kept part stays
#: below this (the accuracy the spectral solvers promise; beyond it Ridge(l2=0) takes an SVD)
BASELINE_ACCURACY = 1e-8
#: the parameters under which a RidgeCV's penalty is the identity (its spectrum is XᵀX's)
#: least squares leaving less than this share of the training variance unexplained interpolates
INTERPOLATION = 1e-10
IDENTITY_PENALTY = {"standardize": False, "penalty_factor": None, "tikhonov": None, "prior": None}


class RidgeSpectrum(Protocol):
    """The part of a ridge decomposition the KPIs read (``RidgeCV().solution_.state``)."""

    @property
    def eigenvalues(self) -> np.ndarray: ...

    def coef_path(self, l2: np.ndarray) -> tuple[np.ndarray, np.ndarray]: ...

    def df(self, l2: np.ndarray) -> np.ndarray: ...


@dataclass(frozen=True)
class DesignGram:
    """The centred XᵀX (with an intercept) on the space the penalty acts on.

    With an identity penalty that is X itself; with ``standardize`` / ``penalty_factor``
    (a diagonal Γ) it is XΓ⁻¹ on the penalized columns, where the penalty is λI, so that
    cond(XᵀX + λΓᵀΓ) there is (e_max + λ)/(e_min + λ). ``eigenvalues`` are ascending and
    only those above rounding are kept: ``nullity`` = ``n_features`` − kept counts the exact
    linear dependencies among the columns (a column copied, one-hot levels that sum to the
    intercept, more columns than rows).
    """

    eigenvalues: np.ndarray
    n_features: int

    @classmethod
    def of(cls, X: Any, fit_intercept: bool, diag: np.ndarray | None = None) -> DesignGram:
        """One pass over X and one symmetric eigenproblem of order min(n, p): the p × p
        Gram where n ≥ p, the n × n kernel of the same columns otherwise (its non-zero
        eigenvalues are the Gram's). ``diag``: diag(ΓᵀΓ), None for the identity; columns
        with a zero there are not penalized and are left out."""
        X = np.asarray(X, dtype=np.float64)
        n, p = X.shape
        if n >= (p if diag is None else int(np.sum(np.asarray(diag) > 0))):
            return cls.of_moments(moments(X, np.zeros((n, 1)), None), fit_intercept, diag)
        if diag is not None:
            keep = np.asarray(diag) > 0
            X = X[:, keep] / np.sqrt(np.asarray(diag, dtype=np.float64)[keep])
        Xc = X - X.mean(axis=0) if fit_intercept else X
        return cls._kept(np.linalg.eigvalsh(Xc @ Xc.T), n, X.shape[1])

    @classmethod
    def of_moments(cls, m: Moments, fit_intercept: bool, diag: np.ndarray | None = None):
        """The same from the rows' moments (a streamed or Dask pass): the p × p Gram."""
        gram = m.xx if fit_intercept else m.xx + m.weight * np.outer(m.x_mean, m.x_mean)
        if diag is not None:
            keep = np.asarray(diag) > 0
            scale = 1.0 / np.sqrt(np.asarray(diag, dtype=np.float64)[keep])
            gram = gram[np.ix_(keep, keep)] * np.outer(scale, scale)
        p = gram.shape[0]
        if p == 0:
            return cls(np.zeros(0), 0)
        return cls._kept(np.linalg.eigvalsh(gram), int(m.n_positive), p)

    @classmethod
    def _kept(cls, eig: np.ndarray, n: int, p: int) -> DesignGram:
        eig = np.sort(eig)
        top = eig.max(initial=0.0)
        # the threshold the spectral solvers keep eigenvalues above (solvers/spectral/gram.py)
        kept = eig[eig > top * min(n, p) * EPS * 10] if top > 0 else eig[:0]
        return cls(kept, p)

    @property
    def nullity(self) -> int:
        """Directions in which XᵀX is (numerically) zero."""
        return int(self.n_features - self.eigenvalues.size)

    def cond(self, l2: float = 0.0) -> float:
        """2-norm condition number of XᵀX + λI on this space; inf when singular."""
        if self.n_features == 0:
            return float("nan")
        eig = self.eigenvalues
        top = float(eig.max(initial=0.0)) + l2
        low = (0.0 if self.nullity else float(eig.min())) + l2
        if top <= 0 or low <= top * self.n_features * EPS:
            return float("inf")
        return top / low

    def cond_identified(self) -> float:
        """The condition number on the directions the data identify (the non-null part)."""
        if self.eigenvalues.size == 0:
            return float("nan")
        return float(self.eigenvalues.max() / self.eigenvalues.min())


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
    #: why the baseline is no fair yardstick (separable classes, an interpolating fit), or None
    degenerate: str | None = None

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
    spectrum: RidgeSpectrum, base: Any, note: str | None, n_samples: int, one_target: bool
) -> Reference | None:
    """None when the spectrum is not accurate enough at λ = 0 (then the baseline is fitted).
    ``degenerate`` is left None: it needs the baseline's training predictions."""
    eig = np.asarray(spectrum.eigenvalues, dtype=np.float64)
    if eig.size == 0 or EPS * eig.max() > BASELINE_ACCURACY * eig.min():
        return None
    zero = np.zeros(1)
    coef, intercept = spectrum.coef_path(zero)  # (1, p, k), (1, k)
    fit = LeastSquares(fit_intercept=base.fit_intercept)
    fit.coef_ = coef[0, :, 0] if one_target else coef[0].T
    fit.intercept_ = float(intercept[0, 0]) if one_target else intercept[0]
    fit.df_ = float(spectrum.df(zero)[0])
    fit.n_features_in_ = coef.shape[1]
    gram = DesignGram(np.sort(eig), coef.shape[1])
    notes = (note,) if note else ()
    return Reference(fit, _name(base), notes, gram, base, n_samples)


def _name(base: Any) -> str:
    return f"{type(base).__name__}(l2={base.l2:.3g})"


def reference_for(model: Any, X: Any, y: Any) -> Reference:
    """The reference of ``model``'s training set ``(X, y)``: from its spectrum when it holds
    one, else one baseline fit and one Gram pass (warnings of the baseline fit become notes)."""
    n_samples = int(np.shape(X)[0])
    spec, note = baseline_model(model, n_samples)
    spectrum = ridge_spectrum(model)
    if spectrum is not None:
        reference = _from_spectrum(spectrum, spec, note, n_samples, np.ndim(y) == 1)
        if reference is not None:
            if isinstance(X, pd.DataFrame):  # as the estimators do: names only from a frame
                reference.baseline.feature_names_in_ = np.asarray(X.columns, dtype=object)
            return replace(reference, degenerate=degeneracy(reference.baseline, X, y))
    base, notes = _fitted(spec, note, lambda est: est.fit(X, y))
    gram = DesignGram.of(X, bool(spec.get_params().get("fit_intercept", True)))
    return Reference(base, _name(spec), notes, gram, spec, n_samples,
                     degeneracy(base, X, y))  # fmt: skip


def _fitted(spec: Any, note: str | None, fit: Any) -> tuple[Any, tuple[str, ...]]:
    """A fitted clone of ``spec`` (by ``fit(estimator)``) and the notes: how the baseline is
    built, then the warnings of its fit."""
    base = clone(spec)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fit(base)
    return base, tuple(([note] if note else []) + [f"baseline fit: {w.message}" for w in caught])


def reference_of_moments(model: Any, total: Moments, source: Any) -> Reference:
    """The reference of a training set known by its moments ``total`` (one pass at scale)
    and readable as ``source`` (a ridgeway.scale source of the same rows).

    As :func:`reference_for`: the baseline read off the model's spectrum where it holds one;
    else least squares from the moments (``Ridge(l2=0).fit_moments``), or the classifier
    baseline fitted on ``source`` by ridgeway.scale's passes (distributed Newton); the Gram
    from the moments. ``degenerate`` is left None: it needs the baseline's training
    predictions (:func:`degeneracy_text` on what the KPIs' prediction pass counts).
    """
    n_samples = int(total.n_positive)
    spec, note = baseline_model(model, n_samples)
    spectrum = ridge_spectrum(model)
    if spectrum is not None:
        reference = _from_spectrum(spectrum, spec, note, n_samples, total.y_mean.size == 1)
        if reference is not None:
            return reference
    if isinstance(spec, Ridge):
        base, notes = _fitted(spec, note, lambda est: est.fit_moments(total))
        names = getattr(model, "feature_names_in_", None)
        if names is not None:  # fitted from moments, it predicts on frames of the same columns
            base.feature_names_in_ = np.asarray(names, dtype=object)
    else:
        base, notes = _fitted(spec, note, lambda est: est.fit(source))
    gram = DesignGram.of_moments(total, bool(spec.get_params().get("fit_intercept", True)))
    return Reference(base, _name(spec), notes, gram, spec, n_samples)


def degeneracy(base: Any, X: Any, y: Any) -> str | None:
    """Why the fitted baseline is no fair yardstick on its training set, in words, or None.

    A vanishing-penalty classifier that classifies every training row correctly has met
    (nearly) separable classes: the unpenalized fit does not exist (its coefficients grow
    without bound), the stand-in's probabilities are ≈ 0 or 1, and a log-loss ratio against
    it means nothing. Least squares with zero training error interpolates (p ≥ n − 1 or as
    many exact dependencies): it reproduces the noise, so its test error measures that.
    """
    n, p = int(np.shape(X)[0]), int(np.shape(X)[1])
    if is_classifier(base):
        if not isinstance(base, LogisticRegression | LinearSVC):
            return None  # least squares on class codes exists whatever the classes do
        return degeneracy_text(base, n, p, bool(np.all(base.predict(X) == np.asarray(y))))
    Y = np.asarray(y, dtype=np.float64).reshape(n, -1)
    residual = Y - np.asarray(base.predict(X), dtype=np.float64).reshape(n, -1)
    spread = np.sum((Y - Y.mean(axis=0)) ** 2)
    exact = bool(spread > 0 and np.sum(residual * residual) <= INTERPOLATION * spread)
    return degeneracy_text(base, n, p, exact)


def degeneracy_text(base: Any, n: int, p: int, exact: bool) -> str | None:
    """:func:`degeneracy` from what it reads off the training rows: ``exact`` is whether the
    baseline classifies every training row correctly (a classifier) or leaves less than
    INTERPOLATION of the target's spread unexplained (least squares)."""
    if not exact:
        return None
    if is_classifier(base):
        if not isinstance(base, LogisticRegression | LinearSVC):
            return None
        return (
            f"the training classes are (nearly) linearly separable: the unpenalized fit "
            f"classifies all {n} training rows correctly, so it does not exist (its "
            f"coefficients grow without bound); its stand-in with a vanishing penalty gives "
            f"probabilities ≈ 0 or 1, and a log-loss ratio against it means nothing"
        )
    if n > p + 1:
        return (
            f"least squares fits the {n} training rows exactly with {p} columns: the target "
            "is an exact linear function of the features (a leaked or derived column?)"
        )
    return (
        f"least squares interpolates the training data ({n} rows, {p} columns: zero "
        "training error); it reproduces the noise, so its test error measures "
        "interpolation, not a fitted trend"
    )
