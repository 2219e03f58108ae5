"""Issue 10 (item 11): sample weights that leave a fold without weight are refused with a
message naming sample_weight, by every CV family; no 0/0 warning leaks, no NaN in std_error."""

import numpy as np
import pytest

import ridgeway as rw


@pytest.fixture
def data(rng):
    X = rng.standard_normal((40, 4))
    y_reg = X @ np.arange(1.0, 5.0) + rng.standard_normal(40)
    y_cls = (X[:, 0] + 0.5 * rng.standard_normal(40) > 0).astype(int)
    return X, y_reg, y_cls


def _one_positive(n, at=3):
    w = np.zeros(n)
    w[at] = 1.0
    return w


@pytest.mark.parametrize(
    "est, target",
    [
        (rw.LassoCV(), 1),
        (rw.ElasticNetCV(), 1),
        (rw.LogisticRegressionCV(), 2),
        (rw.LinearSVCCV(), 2),
    ],
)
def test_one_positive_weight_is_refused(data, est, target):
    X, y = data[0], data[target]
    # a classifier's one weighted row is also one weighted class, refused before the folds
    expected = r"sample_weight is zero on all training rows of fold 0|2 classes with positive"
    with pytest.raises(ValueError, match=expected):
        est.fit(X, y, sample_weight=_one_positive(len(y)))


@pytest.mark.parametrize("est", [rw.LogisticRegressionCV(cv="alo"), rw.LinearSVCCV(cv="alo")])
def test_one_positive_weight_refused_by_alo(data, est):
    with pytest.raises(ValueError, match=r"2 classes with positive sample_weight"):
        est.fit(data[0], data[2], sample_weight=_one_positive(40))


def test_a_test_fold_without_weight_is_refused(data):
    X, y = data[0], data[1]
    w = np.ones(40)
    w[32:] = 0.0  # the last of 5 unshuffled folds
    with pytest.raises(ValueError, match=r"sample_weight is zero on all test rows of fold 4"):
        rw.LassoCV(cv=5).fit(X, y, sample_weight=w)


def test_weights_in_every_fold_give_finite_errors(data):
    X, y = data[0], data[2]
    w = np.zeros(40)
    w[::4] = 1.0  # every fold of 5 keeps two weighted rows
    fitted = rw.LogisticRegressionCV(n_grid=4).fit(X, y, sample_weight=w)
    assert np.all(np.isfinite(fitted.cv_results_["std_error"]))
