"""Fitting from sufficient statistics (Moments) equals fitting from the data; solver=."""

import numpy as np
import pytest

import ridgeway as rw
from helpers import make_regression
from ridgeway.solvers.spectral import Spectrum
from ridgeway.statistics import Moments

OPTIONS = [
    {},
    {"standardize": True},
    {"penalty_factor": np.r_[0.0, np.ones(5)]},
    {"tikhonov": "diff2", "prior": np.linspace(-1, 1, 6)},
    {"fit_intercept": False},
]


@pytest.mark.parametrize("options", OPTIONS)
def test_fit_moments_equals_fit(rng, options, atol=1e-10):
    X, y = make_regression(rng, 80, 6)
    w = rng.uniform(0.2, 3.0, 80)
    direct = rw.Ridge(l2=3.0, **options).fit(X, y, sample_weight=w)
    halves = [Moments.from_data(X, y, w, rows=np.arange(a, b)) for a, b in ((0, 30), (30, 80))]
    merged = rw.Ridge(l2=3.0, **options).fit_moments(halves[0].merge(halves[1]))
    scale = np.abs(direct.coef_).max()
    np.testing.assert_allclose(merged.coef_, direct.coef_, atol=atol * scale)
    np.testing.assert_allclose(merged.intercept_, direct.intercept_, atol=atol * 100)
    np.testing.assert_allclose(merged.predict(X), direct.predict(X), atol=atol * 100)
    assert merged.solution_.converged and merged.decomposition_ == "gram-cholesky"


def test_fit_moments_several_targets_and_eigh(rng):
    X, Y = make_regression(rng, 50, 5, k=2)
    m = Moments.from_data(X, Y)
    for solver in ("auto", "gram-eigh"):
        ours = rw.Ridge(l2=[0.5, 20.0], solver=solver).fit_moments(m)
        ref = rw.Ridge(l2=[0.5, 20.0]).fit(X, Y)
        np.testing.assert_allclose(ours.coef_, ref.coef_, rtol=1e-10, atol=1e-12)
    with pytest.raises(ValueError, match="fitting from moments needs solver"):
        rw.Ridge(solver="svd").fit_moments(m)


def test_ridgecv_gcv_from_moments(rng):
    X, y = make_regression(rng, 90, 7)
    w = rng.uniform(0.2, 3.0, 90)
    direct = rw.RidgeCV(cv="gcv", n_grid=30).fit(X, y, sample_weight=w)
    ours = rw.RidgeCV(cv="gcv", n_grid=30).fit_moments(Moments.from_data(X, y, w))
    np.testing.assert_allclose(ours.cv_results_["l2"], direct.cv_results_["l2"], rtol=1e-10)
    np.testing.assert_allclose(
        ours.cv_results_["mean_score"], direct.cv_results_["mean_score"], rtol=1e-9
    )
    assert ours.l2_ == direct.l2_
    np.testing.assert_allclose(ours.coef_, direct.coef_, rtol=1e-9, atol=1e-12)
    with pytest.raises(ValueError, match="leverage"):
        rw.RidgeCV(cv="loo").fit_moments(Moments.from_data(X, y))


def test_moments_public_api(rng):
    X, y = make_regression(rng, 40, 3)
    m = Moments.from_data(X, y)
    assert m.n_samples == 40 and m.weight_sum == 40.0
    x_mean, _y_mean = m.mean
    np.testing.assert_allclose(x_mean, X.mean(axis=0))
    xx, xy, _yy = m.scatter
    Xc, yc = X - X.mean(axis=0), y - y.mean()
    np.testing.assert_allclose(xx, Xc.T @ Xc, rtol=1e-12)
    np.testing.assert_allclose(xy[:, 0], Xc.T @ yc, rtol=1e-12)
    part = Moments.from_data(X, y, rows=np.arange(10))
    rest = m.remove(part)
    np.testing.assert_allclose(rest.xx, Moments.from_data(X[10:], y[10:]).xx, rtol=1e-10)
    b = rng.normal(size=3)
    shifted = Moments.from_data(X, y - X @ b)
    np.testing.assert_allclose(m.with_offset(b).yy, shifted.yy, rtol=1e-10)
    np.testing.assert_allclose(m.with_offset(b).xy, shifted.xy, rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize("solver", ["gram-eigh", "svd", "kernel-eigh", "krylov-cg"])
def test_named_solver_matches_auto(rng, solver):
    X, y = make_regression(rng, 60, 8)
    auto = rw.Ridge(l2=1.5).fit(X, y)
    named = rw.Ridge(l2=1.5, solver=solver).fit(X, y)
    assert named.decomposition_ == solver
    np.testing.assert_allclose(named.coef_, auto.coef_, rtol=1e-8, atol=1e-10)
    cv = rw.RidgeCV(solver=solver if solver != "krylov-cg" else "auto").fit(X, y)
    assert isinstance(cv.solution_.state, Spectrum)
    assert cv.selection_.index_min == cv.cv_results_["index_min"]


def test_named_solver_errors(rng):
    X, y = make_regression(rng, 30, 4)
    with pytest.raises(TypeError, match="needs a hinge"):
        rw.Ridge(solver="dual-cd").fit(X, y)
    with pytest.raises(ValueError, match="solver must be 'auto' or one of"):
        rw.Ridge(solver="nope").fit(X, y)
    with pytest.raises(TypeError, match="solver 'lbfgs' needs"):  # its requirements fail first
        rw.RidgeCV(solver="lbfgs").fit(X, y)
    classes = (y > np.median(y)).astype(int)
    clf = rw.RidgeClassifierCV(solver="svd").fit(X, classes)
    assert clf.decomposition_ == "svd" and clf.coef_.shape == (1, 4)


def test_fitted_state_gives_the_unregularized_baseline(rng):
    """The seam outer layers use: the kept spectrum refits nothing for λ → 0."""
    X, y = make_regression(rng, 70, 5)
    model = rw.RidgeCV(cv="gcv").fit(X, y)
    coef, intercept = model.solution_.state.coef_path(np.array([0.0]))
    A = np.column_stack([np.ones(70), X])
    reference = np.linalg.lstsq(A, y, rcond=None)[0]
    np.testing.assert_allclose(coef[0, :, 0], reference[1:], rtol=1e-9)
    np.testing.assert_allclose(intercept[0, 0], reference[0], rtol=1e-9)
    np.testing.assert_allclose(model.solution_.state.df(np.array([0.0])), [6.0])
