"""Distributed Newton for L2 logistic regression: one pass per step for every fold at once,
certified like the in-memory fit and equal to it on the same hash folds."""

import numpy as np
import pytest

import ridgeway as rw
from ridgeway.scale import HashFolds, Parquet, Pass
from scale_data import in_memory, make_frame, relative, write_parquet


@pytest.fixture
def data(rng, tmp_path):
    frame = make_frame(rng, n=1500, weight=True, categorical=False)
    frame["y"] = (frame["y"] > frame["y"].median()).astype(int)
    frame = frame.sort_values("y", kind="stable")  # the first file holds one class only
    source = Parquet(write_parquet(frame, tmp_path, 5, 150), target="y", weight="w", key="id")
    return frame, source


def test_single_fit_is_certified_and_equals_in_memory(data):
    frame, source = data
    assert frame["y"].iloc[:300].nunique() == 1
    a = rw.LogisticRegression(l2=3.0, tol=1e-10).fit(in_memory(frame), frame["y"],
                                                     sample_weight=frame["w"])  # fmt: skip
    b = rw.LogisticRegression(l2=3.0, tol=1e-10).fit(source)
    assert b.solution_.converged and b.solution_.certificate <= 1e-10
    assert relative(a.coef_, b.coef_) <= 1e-8 and relative(a.intercept_, b.intercept_) <= 1e-8
    np.testing.assert_array_equal(b.predict(source), a.predict(in_memory(frame)))


def test_cv_on_hash_folds_equals_in_memory(data):
    frame, source = data
    grid = np.geomspace(0.1, 1000.0, 5)
    memory = rw.LogisticRegressionCV(l2=grid, cv=HashFolds(3), tol=1e-10, cv_tol=1e-10)
    memory.fit(in_memory(frame), frame["y"], sample_weight=frame["w"])  # rows in file order
    Pass.reset()
    scale = rw.LogisticRegressionCV(l2=grid, cv=HashFolds(3), tol=1e-10, cv_tol=1e-10)
    scale.fit(source)
    # moments, labels, fold weights, the path, the refit
    assert Pass.passes == 3 + scale.newton_passes_.sum() + scale.refit_passes_
    assert np.all(scale.certificates_ <= 1e-10)
    assert scale.refit_passes_ == 0  # the path is already at tol
    assert scale.l2_ == memory.l2_
    for key in ("mean_score", "std_error", "train_score", "fold_scores"):
        np.testing.assert_allclose(scale.cv_results_[key], memory.cv_results_[key],
                                   rtol=1e-9, err_msg=key)  # fmt: skip
    assert relative(memory.coef_, scale.coef_) <= 1e-8


def test_cv_path_at_cv_tol_then_refit_at_tol(data):
    """As in memory: the fold paths stop at cv_tol; the chosen λ's full fit is refined to tol
    from the path's point, with the same certificate as the in-memory refit."""
    frame, source = data
    grid = np.geomspace(0.1, 1000.0, 5)
    memory = rw.LogisticRegressionCV(l2=grid, cv=HashFolds(3), tol=1e-11, cv_tol=1e-4)
    memory.fit(in_memory(frame), frame["y"], sample_weight=frame["w"])
    scale = rw.LogisticRegressionCV(l2=grid, cv=HashFolds(3), tol=1e-11, cv_tol=1e-4)
    scale.fit(source)
    assert np.all(scale.certificates_ <= 1e-4)
    assert scale.certificates_[:, -1].max() > 1e-11  # the path alone is not at tol
    assert scale.refit_passes_ >= 1
    assert scale.solution_.converged and scale.solution_.certificate <= 1e-11
    assert scale.l2_ == memory.l2_
    assert relative(memory.coef_, scale.coef_) <= 1e-8


def test_refusals(data):
    _, source = data
    with pytest.raises(ValueError, match="class_weight=None"):
        rw.LogisticRegression(class_weight="balanced").fit(source)
    with pytest.raises(ValueError, match="neg_log_loss"):
        rw.LogisticRegressionCV(scoring="accuracy").fit(source)


def test_linear_svc_squared_hinge_equals_in_memory(data):
    frame, source = data
    a = rw.LinearSVC(l2=2.0, tol=1e-10).fit(in_memory(frame), frame["y"],
                                            sample_weight=frame["w"])  # fmt: skip
    b = rw.LinearSVC(l2=2.0, tol=1e-10).fit(source)
    assert b.solution_.converged and b.solution_.certificate <= 1e-10
    assert relative(a.coef_, b.coef_) <= 1e-8 and relative(a.intercept_, b.intercept_) <= 1e-8
    np.testing.assert_array_equal(b.predict(source), a.predict(in_memory(frame)))
