"""Classifier λ selection: SelectionResult, coef_path_ against separate fits, the 1se rule."""

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.datasets import make_classification
from sklearn.model_selection import KFold

from ridgeway.estimators.logistic import LogisticRegression, LogisticRegressionCV
from ridgeway.estimators.svm import LinearSVC, LinearSVCCV
from ridgeway.selection.result import SelectionResult
from ridgeway.selection.rules import select_index

GRID = np.geomspace(0.05, 50.0, 5)


def _data(n=150, p=4, k=2, seed=3):
    return make_classification(n, p, n_informative=3, n_redundant=0, n_classes=k,
                               n_clusters_per_class=1, flip_y=0.1, random_state=seed)  # fmt: skip


@pytest.mark.parametrize("k", [2, 3])
def test_alo_coef_path_rows_are_the_full_data_fits(k, tol=1e-10):
    X, y = _data(k=k)
    model = LogisticRegressionCV(l2=GRID, cv="alo", cv_tol=tol, tol=tol).fit(X, y)
    assert model.coef_path_.shape == ((len(GRID), 4) if k == 2 else (len(GRID), k, 4))
    for j, l2 in enumerate(GRID):
        single = LogisticRegression(l2=l2, tol=tol).fit(X, y)
        expected = single.coef_[0] if k == 2 else single.coef_
        np.testing.assert_allclose(model.coef_path_[j], expected, atol=1e-7)


@pytest.mark.parametrize("k", [2, 3])
@pytest.mark.parametrize("weights", [False, True])
def test_kfold_coef_path_rows_are_the_full_data_fits(k, weights, tol=1e-10):
    X, y = _data(k=k)
    s = np.random.default_rng(0).uniform(0.5, 2.0, len(y)) if weights else None
    folds = list(KFold(3, shuffle=True, random_state=0).split(X))
    model = LogisticRegressionCV(l2=GRID, cv=folds, cv_tol=tol, tol=tol).fit(X, y, s)
    assert model.coef_path_.shape == ((len(GRID), 4) if k == 2 else (len(GRID), k, 4))
    for j, l2 in enumerate(GRID):
        full = LogisticRegression(l2=l2, tol=tol).fit(X, y, s).coef_
        np.testing.assert_allclose(model.coef_path_[j], full[0] if k == 2 else full, atol=1e-7)
    refit = LogisticRegression(l2=model.l2_, tol=tol).fit(X, y, s)
    np.testing.assert_allclose(model.coef_, refit.coef_, atol=1e-7)


def test_svm_cv_keeps_a_path_and_a_certified_refit():
    X, y = _data()
    model = LinearSVCCV(l2=GRID, cv=3).fit(X, y)
    assert model.coef_path_.shape == (len(GRID), 4)
    assert model.solution_.converged
    alo = LinearSVCCV(l2=GRID, cv="alo", cv_tol=1e-10, tol=1e-10).fit(X, y)
    for j, l2 in enumerate(GRID):
        single = LinearSVC(l2=l2, tol=1e-10).fit(X, y)
        np.testing.assert_allclose(alo.coef_path_[j], single.coef_[0], atol=1e-7)


@pytest.mark.parametrize("cv", [5, "alo"])
def test_selection_result_and_the_1se_rule(cv):
    X, y = _data(n=200)
    grid = np.geomspace(0.01, 1000.0, 12)
    model = LogisticRegressionCV(l2=grid, cv=cv, rule="1se").fit(X, y)
    sel = model.selection_
    assert isinstance(sel, SelectionResult)
    assert sel.method == ("alo" if cv == "alo" else "kfold")
    assert sel.index_1se == select_index(sel.l2, sel.mean_score, sel.std_error, "1se")
    assert sel.index_min == select_index(sel.l2, sel.mean_score, sel.std_error, "min")
    assert model.best_index_ == sel.index_1se and model.l2_ == grid[sel.index_1se]
    assert sel.l2[sel.index_1se] >= sel.l2[sel.index_min]
    results = model.cv_results_
    for key in ("l2", "mean_score", "std_error", "train_score", "df"):
        assert np.shape(results[key]) == (len(grid),)
    assert results["fold_scores"].shape == (len(grid), 0 if cv == "alo" else 5)
    assert results["index_1se"] == sel.index_1se
    np.testing.assert_allclose(results["gap"], results["train_score"] - results["mean_score"])
    assert model.solution_.converged


def test_kfold_standard_error_is_the_fold_standard_error():
    X, y = _data(n=200)
    model = LogisticRegressionCV(l2=GRID, cv=4).fit(X, y)
    scores = model.cv_results_["fold_scores"]
    expected = scores.std(axis=1, ddof=1) / np.sqrt(scores.shape[1])
    np.testing.assert_allclose(model.cv_results_["std_error"], expected, rtol=1e-12)


def test_lockstep_folds_are_a_declared_solver_capability():
    """k-fold solves its folds together where the solver declares LockstepSolver (no name
    check): Newton-Cholesky does, and its folds agree with folds solved one by one."""
    from sklearn.datasets import make_classification

    from ridgeway.losses.logistic import LogisticLoss
    from ridgeway.selection.classification_scoring import get_classification_metric
    from ridgeway.selection.classifier_cv import folds_together, kfold_selection
    from ridgeway.selection.classifier_task import ClassifierTask, Family
    from ridgeway.solvers.base import LockstepSolver, PathState
    from ridgeway.solvers.choose import SOLVERS
    from ridgeway.solvers.smooth.state import NewtonState

    assert isinstance(SOLVERS["newton-cholesky"], LockstepSolver)
    assert not isinstance(SOLVERS["newton-cg"], LockstepSolver)
    assert not isinstance(SOLVERS["lbfgs"], LockstepSolver)
    assert isinstance(NewtonState(np.zeros(2), None), PathState)
    X, y = make_classification(120, 4, random_state=1)
    folds = [(np.flatnonzero(np.arange(120) % 3 != f), np.flatnonzero(np.arange(120) % 3 == f))
             for f in range(3)]  # fmt: skip
    grid = np.geomspace(0.1, 100, 4)
    metric = get_classification_metric(None, "neg_log_loss")
    curves = []
    for solver in ("newton-cholesky", "lbfgs"):
        task = ClassifierTask(X, y, 2, None, None, Family(LogisticLoss(), True), True, solver,
                              1e-10)  # fmt: skip
        together = folds_together(task, folds, [grid[::-1]] * 3, grid[::-1])
        assert (together is None) == (solver == "lbfgs")
        curves.append(kfold_selection(task, grid, folds, metric, "min").result.fold_scores)
    np.testing.assert_allclose(curves[0], curves[1], rtol=1e-7)


@pytest.mark.parametrize("k", [2, 3])
@pytest.mark.parametrize("cv", ["alo", 3])
@pytest.mark.parametrize("diagonal", [False, True])
def test_wide_data_solved_on_the_row_space_give_the_same_selection(k, cv, diagonal):
    """n < p: λ is chosen on n features (the row space of XΓ⁻¹); scores, df and the mapped
    path equal those of the p-feature problems solved directly."""
    from ridgeway.losses.logistic import LogisticLoss
    from ridgeway.selection.classification_scoring import get_classification_metric
    from ridgeway.selection.classifier_cv import (
        alo_selection,
        kfold_selection,
        select_classifier_l2,
    )
    from ridgeway.selection.classifier_task import ClassifierTask, Family
    from ridgeway.selection.splits import fold_indices, resolve_cv

    rng = np.random.default_rng(k)
    n, p = 18, 40
    X = rng.standard_normal((n, p))
    y = np.arange(n) % k
    gamma = sp.diags(rng.uniform(0.5, 2.0, p)) if diagonal else None
    task = ClassifierTask(X, y, k, rng.uniform(0.5, 2.0, n), gamma, Family(LogisticLoss(), True),
                          True, None, 1e-11)  # fmt: skip
    grid = np.geomspace(0.5, 50, 4)
    metric = get_classification_metric(None, "neg_log_loss")
    fast = select_classifier_l2(task, grid, cv, metric, "min")
    if cv == "alo":
        direct = alo_selection(task, grid, metric, "min")
    else:
        folds = fold_indices(resolve_cv(cv, classifier=True), X, y, sample_weight=None)
        direct = kfold_selection(task, grid, folds, metric, "min")
    for key in ("mean_score", "std_error", "train_score", "df"):
        np.testing.assert_allclose(fast.result.__dict__[key], direct.result.__dict__[key],
                                   rtol=1e-7, atol=1e-9)  # fmt: skip
    for head_fast, head_direct in zip(fast.path, direct.path):
        for a, b in zip(head_fast, head_direct):
            assert a.coef.shape == b.coef.shape == ((p,) if k == 2 else (p, k))
            np.testing.assert_allclose(a.coef, b.coef, atol=1e-8)
            np.testing.assert_allclose(a.intercept, b.intercept, atol=1e-8)
