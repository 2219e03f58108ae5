"""One API across every public estimator (issue 11 item 17).

The estimators are found, not listed: every scikit-learn estimator class that ``rw.__all__``
exports. Each test walks all of them, so an estimator added later is held to the same surface.
"""

from __future__ import annotations

import inspect
import re

import numpy as np
import pytest
from sklearn.base import BaseEstimator, clone, is_classifier

import ridgeway as rw
from ridgeway.estimators._base import FOREIGN_PARAMETERS
from ridgeway.selection.result import SelectionResult
from ridgeway.solution import Solution

ESTIMATORS = sorted(
    (
        getattr(rw, name)
        for name in rw.__all__
        if name not in rw._LAZY
        and isinstance(getattr(rw, name), type)
        and issubclass(getattr(rw, name), BaseEstimator)
    ),
    key=lambda cls: cls.__name__,
)
CV_ESTIMATORS = [cls for cls in ESTIMATORS if cls.__name__.endswith("CV")]
ELASTIC_NET_FAMILY = {"ElasticNet", "ElasticNetCV", "Lasso", "LassoCV"}
CV_KEYS = {"l2", "mean_score", "std_error", "train_score", "gap", "df", "best_index",
           "index_min", "index_1se"}  # fmt: skip
#: small, quick settings for the CV estimators (the defaults are larger grids)
QUICK = {"n_grid": 6}


def test_the_registry_finds_every_family():
    names = {cls.__name__ for cls in ESTIMATORS}
    assert {"Ridge", "RidgeCV", "LogisticRegressionCV", "LinearSVC", "ElasticNet"} <= names
    assert len(CV_ESTIMATORS) == 6


def _data(cls, rng, n=80, p=5):
    X = rng.standard_normal((n, p)) * np.array([1.0, 10.0, 0.1, 3.0, 1.0])[:p]
    signal = X @ (np.array([1.0, -0.1, 5.0, 0.3, 0.0])[:p])
    if is_classifier(cls()):
        return X, (signal + 0.5 * rng.standard_normal(n) > 0).astype(int)
    return X, signal + 0.3 * rng.standard_normal(n)


def _make(cls, **params):
    return cls(**{**(QUICK if cls in CV_ESTIMATORS else {}), **params})


@pytest.mark.parametrize("cls", ESTIMATORS, ids=lambda c: c.__name__)
def test_fitted_attributes_every_estimator_has(cls, rng):
    X, y = _data(cls, rng)
    model = _make(cls).fit(X, y)
    assert model.n_features_in_ == X.shape[1]
    assert np.ravel(model.coef_).size == X.shape[1] * (1 if np.ndim(model.coef_) < 2 else
                                                       model.coef_.shape[0])  # fmt: skip
    assert np.ravel(model.intercept_).size == max(1, np.ravel(model.coef_).size // X.shape[1])
    assert isinstance(model.solution_, Solution) and model.solution_.converged


@pytest.mark.parametrize("cls", CV_ESTIMATORS, ids=lambda c: c.__name__)
def test_cv_estimators_report_the_choice_the_same_way(cls, rng):
    X, y = _data(cls, rng)
    model = _make(cls, n_grid=7).fit(X, y)
    results = model.cv_results_
    assert CV_KEYS <= set(results)
    assert isinstance(model.selection_, SelectionResult)
    grid = np.asarray(results["l2"])
    assert grid.shape == (7,)  # n_grid sets the grid size in every CV estimator
    best = model.best_index_
    assert isinstance(best, int) and 0 <= best < 7
    assert best == int(np.ravel(results["best_index"])[0])
    assert results["index_min"] == best  # rule="min" (the default)
    assert -1 <= results["index_1se"] < 7
    assert isinstance(model.best_score_, float)
    assert model.best_score_ == pytest.approx(results["mean_score"][best])
    np.testing.assert_allclose(results["gap"], results["train_score"] - results["mean_score"])
    assert model.l2_ == pytest.approx(grid[best])
    if cls.__name__ in ELASTIC_NET_FAMILY:
        assert model.l1_ == pytest.approx(results["l1"][best])
    # the path holds every grid point; its chosen row is the refit (classifiers refit at
    # the final tolerance from the path's looser one)
    path = np.asarray(model.coef_path_)
    assert path.shape[0] == 7
    np.testing.assert_allclose(np.ravel(path[best]), np.ravel(model.coef_), rtol=1e-4,
                               atol=1e-6 * np.abs(model.coef_).max())  # fmt: skip


@pytest.mark.parametrize("cls", CV_ESTIMATORS, ids=lambda c: c.__name__)
def test_the_1se_choice_is_a_larger_l2_within_one_standard_error(cls, rng):
    X, y = _data(cls, rng)
    model = _make(cls, rule="1se").fit(X, y)
    results = model.cv_results_
    assert model.best_index_ == results["index_1se"] >= 0
    lo = results["mean_score"][results["index_min"]] - results["std_error"][results["index_min"]]
    assert results["mean_score"][model.best_index_] >= lo - 1e-12
    # the grid in penalty strength (the elastic net's: l1 + l2, descending as glmnet's)
    strength = model.selection_.l2
    assert strength[model.best_index_] >= strength[results["index_min"]]
    assert model.best_index_ != results["index_min"] or np.isclose(
        results["mean_score"][model.best_index_], results["mean_score"].max()
    )


@pytest.mark.parametrize("cls", ESTIMATORS, ids=lambda c: c.__name__)
def test_shared_parameters(cls):
    params = set(cls().get_params())
    assert {"fit_intercept", "standardize", "penalty_factor", "solver"} <= params
    if cls.__name__ not in ELASTIC_NET_FAMILY:  # an L1 penalty takes a diagonal Γ only
        assert "tikhonov" in params
    if cls in CV_ESTIMATORS:
        assert {"n_grid", "cv", "rule", "scoring"} <= params
        assert "n_l2" not in params
    signature = inspect.signature(cls.__init__)
    kinds = {p.kind for p in signature.parameters.values()}
    assert inspect.Parameter.VAR_POSITIONAL not in kinds  # scikit-learn forbids *args


@pytest.mark.parametrize("cls", ESTIMATORS, ids=lambda c: c.__name__)
@pytest.mark.parametrize("name", sorted(FOREIGN_PARAMETERS))
def test_scikit_learn_names_get_a_hint(cls, name):
    with pytest.raises(TypeError, match=rf"unexpected keyword argument '{name}': ") as err:
        cls(**{name: 1.0})
    assert cls.__name__ in str(err.value)


def test_the_hints_name_the_converters():
    with pytest.raises(TypeError, match=r"l2=a \(rw\.conventions\.from_sklearn_ridge\(a\)\)"):
        rw.Ridge(alpha=2.0)
    with pytest.raises(TypeError, match=r"l2=rw\.conventions\.from_sklearn_C\(C\)"):
        rw.LogisticRegression(C=2.0)
    with pytest.raises(TypeError, match=r"l1_share = l1/\(l1 \+ l2\)"):
        rw.ElasticNetCV(l1_ratio=0.5)
    with pytest.raises(TypeError, match="renamed n_grid"):
        rw.RidgeCV(n_l2=10)
    # converters named in the hints exist
    named = {m for text in FOREIGN_PARAMETERS.values()
             for m in re.findall(r"rw\.conventions\.(\w+)", text)}  # fmt: skip
    assert named == {"from_sklearn_ridge", "from_sklearn_C", "from_sklearn_elastic_net"}
    assert all(callable(getattr(rw.conventions, name)) for name in named)


@pytest.mark.parametrize("cls", ESTIMATORS, ids=lambda c: c.__name__)
def test_unknown_names_keep_the_plain_type_error(cls):
    with pytest.raises(TypeError, match=r"unexpected keyword argument 'colour'$"):
        cls(colour=1)


@pytest.mark.parametrize("cls", ESTIMATORS, ids=lambda c: c.__name__)
def test_clone_and_set_params_round_trip(cls):
    model = _make(cls, fit_intercept=False, standardize=True)
    twin = clone(model)
    assert twin is not model and twin.get_params() == model.get_params()
    assert twin.set_params(fit_intercept=True).fit_intercept is True


@pytest.mark.parametrize("cls", ESTIMATORS, ids=lambda c: c.__name__)
def test_standardize_makes_the_fit_scale_free(cls, rng):
    """With standardize=True, rescaling a feature by c rescales its coefficient by 1/c and
    leaves every prediction unchanged (the penalty acts on σ_j β_j)."""
    X, y = _data(cls, rng)
    scale = np.array([1e-2, 1.0, 50.0, 3.0, 0.5])
    first = _make(cls, standardize=True).fit(X, y)
    second = _make(cls, standardize=True).fit(X * scale, y)
    np.testing.assert_allclose(np.asarray(second.coef_) * scale, first.coef_, rtol=1e-5,
                               atol=1e-7 * np.abs(first.coef_).max())  # fmt: skip
    if is_classifier(first):
        np.testing.assert_array_equal(second.predict(X * scale), first.predict(X))
    else:
        np.testing.assert_allclose(second.predict(X * scale), first.predict(X), rtol=1e-5,
                                   atol=1e-6 * np.std(y))  # fmt: skip


def test_elastic_net_defaults_to_an_even_mix():
    """ElasticNet() is an elastic net (l1 = l2, l1_share 0.5 as ElasticNetCV), not a lasso."""
    model = rw.ElasticNet()
    assert model.l1 == model.l2 > 0
    assert rw.ElasticNetCV().l1_share == pytest.approx(model.l1 / (model.l1 + model.l2))
    assert "l2" not in rw.Lasso().get_params()


def test_linear_svc_penalty_options_go_through_gamma(rng):
    """penalty_factor 0 leaves a feature free: with a huge l2 only it keeps a coefficient;
    a Tikhonov Γ of the right shape is accepted, and the hinge says what it needs."""
    X, y = _data(rw.LinearSVC, rng)
    free = rw.LinearSVC(l2=1e6, penalty_factor=[0, 1, 1, 1, 1]).fit(X, y)
    coef = np.ravel(free.coef_)
    assert abs(coef[0]) > 100 * np.abs(coef[1:]).max()
    plain = rw.LinearSVC(l2=1e6).fit(X, y)
    assert np.abs(np.ravel(plain.coef_)[0]) < abs(coef[0])
    rw.LinearSVC(tikhonov="diff1").fit(X, y)
    with pytest.raises(ValueError, match="need loss='squared_hinge'"):
        rw.LinearSVC(loss="hinge", penalty_factor=np.ones(5)).fit(X, y)
