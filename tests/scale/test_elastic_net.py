"""Elastic net and lasso at scale: coordinate descent on the streamed Gram equals the
in-memory covariance-update fit (solver="cd-gram") on the same hash folds."""

import numpy as np
import pytest

import ridgeway as rw
from ridgeway.scale import HashFolds, Parquet
from scale_data import assert_same_cv, in_memory, make_frame, relative, write_parquet


@pytest.fixture
def data(rng, tmp_path):
    frame = make_frame(rng, n=900, weight=True)
    source = Parquet(write_parquet(frame, tmp_path, 4, 100), target="y", weight="w", key="id")
    return frame, source


@pytest.mark.parametrize("model", [rw.ElasticNet(l1=20.0, l2=5.0, standardize=True),
                                   rw.Lasso(l1=40.0, tol=1e-10)])  # fmt: skip
def test_single_fit(data, model):
    frame, source = data
    a = model.set_params(solver="cd-gram").fit(in_memory(frame), frame["y"],
                                               sample_weight=frame["w"])  # fmt: skip
    b = type(model)(**model.get_params()).fit(source)
    assert relative(a.coef_, b.coef_) <= 1e-10 and relative(a.intercept_, b.intercept_) <= 1e-10
    assert b.dual_gap_ <= b.tol and np.count_nonzero(b.coef_) < b.coef_.size


@pytest.mark.parametrize("cls", [rw.ElasticNetCV, rw.LassoCV])
def test_cv_equals_in_memory_on_hash_folds(data, cls):
    frame, source = data
    folds = HashFolds(4, seed=9)
    params = {"cv": folds, "n_grid": 12, "solver": "cd-gram", "tol": 1e-10}
    a = cls(**params).fit(in_memory(frame), frame["y"], sample_weight=frame["w"])
    b = cls(**params).fit(source)
    assert relative(a.coef_, b.coef_) <= 1e-9
    assert (a.l1_, a.l2_) == pytest.approx((b.l1_, b.l2_), rel=1e-12)
    a.cv_results_.pop("dual_gap"), b.cv_results_.pop("dual_gap")  # certificates, ~tol each
    assert_same_cv(a.cv_results_, b.cv_results_, rtol=1e-8)


def test_scale_refuses_what_needs_rows(data):
    _, source = data
    with pytest.raises(ValueError, match="scoring must be one of"):
        rw.ElasticNetCV(scoring="neg_mean_absolute_error").fit(source)
    with pytest.raises(ValueError, match="uses the Gram"):
        rw.Lasso(solver="cd-residual").fit(source)
