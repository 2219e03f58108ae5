"""Issue 10 (item 10): the λ-search settings of the CV estimators are refused, before any
fit, with a message naming the parameter and what was expected."""

import numpy as np
import pytest
from sklearn.model_selection import KFold

import ridgeway as rw
from ridgeway.selection.parameters import check_count, check_fraction
from ridgeway.selection.splits import resolve_cv


@pytest.fixture
def regression(rng):
    X = rng.standard_normal((30, 4))
    return X, X @ np.arange(1.0, 5.0) + rng.standard_normal(30)


@pytest.fixture
def classification(rng):
    X = rng.standard_normal((30, 4))
    return X, (X[:, 0] + 0.5 * rng.standard_normal(30) > 0).astype(int)


@pytest.mark.parametrize("value", ["many", 2.5, 3.0, True, 0, None])
@pytest.mark.parametrize("cls", [rw.LogisticRegressionCV, rw.LinearSVCCV])
def test_classifier_n_grid(classification, cls, value):
    with pytest.raises(ValueError, match=r"n_grid must be an integer >= 1; got"):
        cls(n_grid=value).fit(*classification)


@pytest.mark.parametrize("value", ["abc", 0.0, 1.5, True, np.nan])
def test_classifier_l2_min_ratio(classification, value):
    with pytest.raises(ValueError, match=r"l2_min_ratio must be a number in \(0, 1\]"):
        rw.LogisticRegressionCV(l2_min_ratio=value).fit(*classification)


@pytest.mark.parametrize("cls", [rw.LassoCV, rw.ElasticNetCV])
@pytest.mark.parametrize("value", ["many", 2.5, False, 0])
def test_path_n_grid(regression, cls, value):
    with pytest.raises(ValueError, match=r"n_grid must be an integer >= 1; got"):
        cls(n_grid=value).fit(*regression)


@pytest.mark.parametrize("cls", [rw.LassoCV, rw.ElasticNetCV])
@pytest.mark.parametrize("value", ["abc", 0.0, 1.0, True, np.inf])
def test_path_eps(regression, cls, value):
    with pytest.raises(ValueError, match=r"eps must be a number in \(0, 1\); got"):
        cls(eps=value).fit(*regression)


@pytest.mark.parametrize("cv", ["loo", b"5", True])
@pytest.mark.parametrize("cls", [rw.LassoCV, rw.ElasticNetCV, rw.LogisticRegressionCV])
def test_strings_are_not_splitters(regression, classification, cls, cv):
    # str has a .split method; it is not a splitter (no get_n_splits)
    data = classification if cls is rw.LogisticRegressionCV else regression
    with pytest.raises(TypeError, match=r"cv must be an int >= 2, a splitter"):
        cls(cv=cv).fit(*data)


def test_an_object_with_split_only_is_not_a_splitter():
    class Half:
        def split(self, X, y=None, groups=None):
            yield np.arange(5), np.arange(5, 10)

    with pytest.raises(TypeError, match="cv must be"):
        resolve_cv(Half())


def test_good_settings_pass(regression):
    assert check_count(np.int64(7), "n") == 7
    assert check_fraction(np.float32(0.5), "f") == 0.5
    assert check_fraction(1, "f", closed_top=True) == 1.0
    assert isinstance(resolve_cv(KFold(3)), KFold)
    fitted = rw.LassoCV(
        n_grid=np.int64(5), eps=np.float64(1e-2), cv=[(np.arange(20), np.arange(20, 30))]
    )
    assert fitted.fit(*regression).cv_results_["l2"].shape[-1] == 5
