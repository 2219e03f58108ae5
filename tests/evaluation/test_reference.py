"""The Reference: one baseline and one Gram per training set, read off RidgeCV's spectrum.

The spectrum path is checked against the refit path and against closed forms (numpy's
least squares, minimum-norm where singular; ``np.linalg.cond``). Until ``RidgeCV`` keeps its
spectrum in ``solution_.state``, a closed-form spectrum of the same problem stands in for it.
"""

import dataclasses
import math

import numpy as np
import pandas as pd
import pytest

import ridgeway as rw
from ridgeway.estimators.logistic import LogisticRegressionCV
from ridgeway.evaluation.kpis import baseline_kpis, compute_kpis
from ridgeway.evaluation.reference import LeastSquares, reference_for
from ridgeway.report.compare import compare_penalties


class ClosedFormSpectrum:
    """eigh of the centred Gram: coef(λ) = V (e + λ)⁻¹ Vᵀ X_cᵀ y_c, df = 1 + Σ e/(e + λ)."""

    def __init__(self, X, y):
        X, y = np.asarray(X, dtype=np.float64), np.asarray(y, dtype=np.float64)
        self.x_mean, self.y_mean = X.mean(axis=0), y.mean()
        Xc = X - self.x_mean
        e, V = np.linalg.eigh(Xc.T @ Xc)
        keep = e > e.max() * X.shape[1] * np.finfo(float).eps * 10
        self.e, self.V = e[keep], V[:, keep]
        self.Vty = self.V.T @ (Xc.T @ (y - self.y_mean))

    @property
    def eigenvalues(self):
        return self.e

    def coef_path(self, l2):
        coef = np.stack([self.V @ (self.Vty / (self.e + lam)) for lam in l2])  # (L, p)
        return coef[:, :, None], (self.y_mean - coef @ self.x_mean)[:, None]

    def df(self, l2):
        return np.array([1 + np.sum(self.e / (self.e + lam)) for lam in l2])


def with_spectrum(model, X, y):
    """The fitted RidgeCV with its spectrum in solution_.state (the agreed seam)."""
    if model.solution_.state is None:
        state = ClosedFormSpectrum(X, y)
        model.solution_ = dataclasses.replace(model.solution_, state=state)
    return model


def data(rng, n=120, p=6):
    X = pd.DataFrame(rng.normal(size=(n, p)), columns=[f"x{j}" for j in range(p)])
    y = X.to_numpy() @ rng.normal(size=p) + rng.normal(size=n)
    return X[:90], y[:90], X[90:], y[90:]


def test_spectrum_reference_matches_the_refit(rng):
    X, y, Xt, yt = data(rng)
    model = with_spectrum(rw.RidgeCV(cv="loo").fit(X, y), X, y)
    from_spectrum = reference_for(model, X, y)
    assert isinstance(from_spectrum.baseline, LeastSquares)
    refit = reference_for(rw.Ridge(), X, y)  # no spectrum: Ridge(l2=0) fitted, Gram formed
    a = compute_kpis(model, X, y, Xt, yt, reference=from_spectrum)
    b = compute_kpis(model, X, y, Xt, yt, reference=refit)
    assert a.baseline == b.baseline == "Ridge(l2=0)" and a.notes == b.notes
    assert a.baseline_test["mse"] == pytest.approx(b.baseline_test["mse"], rel=1e-9)
    assert a.baseline_coef_norm2 == pytest.approx(b.baseline_coef_norm2, rel=1e-9)
    assert a.cond_gram == pytest.approx(b.cond_gram, rel=1e-8)
    assert a.cond_penalized == pytest.approx(b.cond_penalized, rel=1e-8)
    Xc = X.to_numpy() - X.to_numpy().mean(axis=0)
    assert a.cond_gram == pytest.approx(np.linalg.cond(Xc.T @ Xc), rel=1e-8)
    none_a = baseline_kpis(from_spectrum, X, y, Xt, yt)
    none_b = baseline_kpis(refit, X, y, Xt, yt)
    assert none_a.model == none_b.model == "Ridge"
    assert none_a.effective_df == pytest.approx(none_b.effective_df) == 7.0
    assert none_a.error_reduction_pct == pytest.approx(0.0, abs=1e-9)
    assert [f[0] for f in none_a.features] == list(X.columns)


def test_spectrum_reference_reads_nothing_of_X(rng, monkeypatch):
    X, y, _, _ = data(rng)
    model = with_spectrum(rw.RidgeCV(cv="loo").fit(X, y), X, y)

    def no_pass(*args, **kwargs):
        raise AssertionError("the reference must not form a Gram or refit")

    monkeypatch.setattr("ridgeway.evaluation.reference.moments", no_pass)
    monkeypatch.setattr(rw.Ridge, "fit", no_pass)
    reference = reference_for(model, X, y)
    assert reference.n_samples == 90


def test_singular_design_gives_the_minimum_norm_baseline(rng):
    X = rng.normal(size=(40, 4))
    X = np.column_stack([X, X[:, 0]])  # duplicated column: XᵀX singular
    y = X[:, 0] + rng.normal(size=40)
    model = with_spectrum(rw.RidgeCV(cv="gcv").fit(X[:30], y[:30]), X[:30], y[:30])
    reference = reference_for(model, X[:30], y[:30])
    Xc = X[:30] - X[:30].mean(axis=0)
    minimum_norm = np.linalg.lstsq(Xc, y[:30] - y[:30].mean(), rcond=None)[0]
    np.testing.assert_allclose(reference.baseline.coef_, minimum_norm, rtol=1e-8, atol=1e-10)
    k = compute_kpis(model, X[:30], y[:30], X[30:], y[30:], reference=reference)
    assert math.isinf(k.cond_gram) and math.isfinite(k.cond_penalized)


def test_ill_conditioned_spectrum_falls_back_to_the_refit(rng):
    X = rng.normal(size=(60, 3)) * np.array([1.0, 1.0, 1e-7])  # eps·cond ≈ 2e-2 > 1e-8
    y = X[:, 0] + rng.normal(size=60)
    model = with_spectrum(rw.RidgeCV(cv="loo").fit(X, y), X, y)
    reference = reference_for(model, X, y)
    assert type(reference.baseline) is rw.Ridge


def test_a_reference_serves_only_models_with_its_baseline(rng):
    X, y, Xt, yt = data(rng)
    reference = reference_for(rw.RidgeCV().fit(X, y), X, y)
    labels = np.where(y > 0, "a", "b")
    logistic = LogisticRegressionCV(cv=3, n_grid=4).fit(X, labels)
    with pytest.raises(ValueError, match="reference must be built for LogisticRegressionCV"):
        compute_kpis(logistic, X, labels, Xt, yt, reference=reference)
    lasso = rw.LassoCV(cv=3).fit(X, y)  # least squares is the lasso's baseline too
    assert reference.serves(lasso)


def test_comparison_fits_the_baseline_at_most_once(rng, monkeypatch):
    X, y, Xt, yt = data(rng)
    fits = []
    original = rw.Ridge.fit

    def counted(self, *args, **kwargs):
        fits.append(self.get_params()["l2"])
        return original(self, *args, **kwargs)

    monkeypatch.setattr(rw.Ridge, "fit", counted)
    c = compare_penalties(X, y, Xt, yt, classification=False, n_folds=3)
    assert fits in ([], [0.0])  # [] once RidgeCV keeps its spectrum
    assert c.kpis["none"].model == "Ridge" and c.kpis["none"].baseline == "Ridge(l2=0)"
    reference = reference_for(c.models["L2 (ridge)"], X, y)
    again = compare_penalties(X, y, Xt, yt, classification=False, n_folds=3, reference=reference)
    assert again.models["none"] is reference.baseline
