"""Large sparse ridge by conjugate gradients, checked against the decomposition route."""

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.model_selection import KFold

import ridgeway as rw
from ridgeway.solvers.spectral.limits import LIMITS


@pytest.fixture
def sparse_problem(rng):
    X = sp.random(300, 120, density=0.08, random_state=3, format="csr")
    y = np.asarray(X @ rng.normal(size=120)).ravel() + 0.1 * rng.normal(size=300)
    return X, y, rng.uniform(0.5, 2.0, 300)


@pytest.mark.parametrize(
    "options", [{}, {"penalty_factor": np.r_[0.0, np.ones(119)]}, {"tikhonov": "diff1"}]
)
def test_cg_route_matches_decomposition(monkeypatch, sparse_problem, options):
    X, y, w = sparse_problem
    direct = rw.Ridge(l2=0.7, **options).fit(X, y, sample_weight=w)
    monkeypatch.setattr(LIMITS, "sparse_direct_max", 50)
    iterative = rw.Ridge(l2=0.7, **options).fit(X, y, sample_weight=w)
    assert iterative.decomposition_ == "krylov-cg"
    assert iterative.solution_.converged, iterative.solution_.summary()
    np.testing.assert_allclose(iterative.coef_, direct.coef_, atol=1e-8)
    np.testing.assert_allclose(iterative.intercept_, direct.intercept_, atol=1e-8)


def test_cg_kfold_matches_decomposition(monkeypatch, sparse_problem):
    X, y, w = sparse_problem
    grid = np.array([0.01, 0.3, 3.0, 30.0])
    splitter = KFold(3, shuffle=True, random_state=0)
    direct = rw.RidgeCV(l2=grid, cv=splitter).fit(X, y, sample_weight=w)
    monkeypatch.setattr(LIMITS, "sparse_direct_max", 50)
    iterative = rw.RidgeCV(l2=grid, cv=splitter).fit(X, y, sample_weight=w)
    assert iterative.decomposition_ == "krylov-cg"
    np.testing.assert_allclose(
        iterative.cv_results_["fold_scores"], direct.cv_results_["fold_scores"], rtol=1e-7
    )
    assert iterative.l2_ == direct.l2_
    np.testing.assert_allclose(iterative.coef_path_, direct.coef_path_, atol=1e-7)
    with pytest.raises(ValueError, match="needs a decomposition"):
        rw.RidgeCV(cv="loo").fit(X, y)
