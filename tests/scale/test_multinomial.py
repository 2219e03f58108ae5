"""The multinomial logistic regression, one-vs-rest and LinearSVCCV at scale: the distributed
Newton equals the in-memory fit on the same hash folds, to the certificates, whatever the
partitioning."""

import numpy as np
import pytest

import ridgeway as rw
from ridgeway.scale import HashFolds, Parquet, Pass
from scale_data import assert_same_cv, in_memory, make_frame, write_parquet


def three_classes(frame):
    """The regression target cut at its terciles: labels 0, 1, 2."""
    cuts = np.quantile(frame["y"], [1 / 3, 2 / 3])
    return frame.assign(y=np.digitize(frame["y"], cuts))


def close(a, b):
    """max |a − b| relative to max |a| (small coefficients are compared on the whole's scale)."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return float(np.max(np.abs(a - b)) / np.max(np.abs(a)))


@pytest.fixture
def data(rng, tmp_path):
    frame = three_classes(make_frame(rng, n=1200, weight=True))
    frame = frame.sort_values("y", kind="stable").reset_index(drop=True)  # one class per file
    source = Parquet(write_parquet(frame, tmp_path, 6, 100), target="y", weight="w", key="id")
    return frame, source


def test_one_class_partitions_and_a_certified_single_fit(data):
    frame, source = data
    assert all(frame["y"].iloc[a : a + 200].nunique() == 1 for a in range(0, 1200, 200))
    a = rw.LogisticRegression(l2=3.0, tol=1e-10).fit(in_memory(frame), frame["y"],
                                                     sample_weight=frame["w"])  # fmt: skip
    b = rw.LogisticRegression(l2=3.0, tol=1e-10).fit(source)
    assert b.coef_.shape == (3, 8) and b.intercept_.shape == (3,)
    assert b.solution_.converged and b.solution_.certificate <= 1e-10
    assert close(a.coef_, b.coef_) <= 1e-8 and close(a.intercept_, b.intercept_) <= 1e-8
    assert abs(b.intercept_.sum()) <= 1e-12  # centred as in memory
    np.testing.assert_array_equal(b.predict(source), a.predict(in_memory(frame)))
    np.testing.assert_allclose(b.predict_proba(in_memory(frame)),
                               a.predict_proba(in_memory(frame)), atol=1e-9)  # fmt: skip


@pytest.mark.parametrize(
    "options",
    [{"l2": np.geomspace(0.1, 1000.0, 5)},
     {"n_grid": 6, "class_weight": "balanced", "standardize": True},
     {"n_grid": 4, "class_weight": {0: 2.0, 1: 0.5, 2: 1.0}, "scoring": "accuracy",
      "penalty_factor": [1, 1, 2, 0.5, 1, 0, 1, 1]}],
    ids=["grid", "balanced-standardized", "dict-weights-accuracy"],
)  # fmt: skip
def test_cv_equals_in_memory_on_hash_folds(data, options):
    frame, source = data
    params = {"cv": HashFolds(3, seed=4), "tol": 1e-10, "cv_tol": 1e-10, **options}
    memory = rw.LogisticRegressionCV(**params).fit(in_memory(frame), frame["y"],
                                                   sample_weight=frame["w"])  # fmt: skip
    Pass.reset()
    scale = rw.LogisticRegressionCV(**params).fit(source)
    assert Pass.passes == 1 + scale.newton_passes_.sum() + scale.refit_passes_
    # most passes reuse a (BFGS-updated) Hessian: fewer Grams than models × passes
    assert scale.newton_hessians_.sum() < 4 * scale.newton_passes_.sum()
    assert np.all(scale.certificates_ <= 1e-10)
    assert scale.l2_ == pytest.approx(memory.l2_, rel=1e-12)
    assert scale.best_index_ == memory.best_index_
    assert_same_cv(memory.cv_results_, scale.cv_results_, rtol=1e-8)
    assert close(memory.coef_, scale.coef_) <= 1e-8
    assert close(memory.intercept_, scale.intercept_) <= 1e-8
    assert scale.coef_path_.shape == memory.coef_path_.shape == (len(memory.cv_results_["l2"]),
                                                                 3, 8)  # fmt: skip
    assert close(memory.coef_path_, scale.coef_path_) <= 1e-6  # in memory: at cv_tol


@pytest.mark.slow  # two CV fits over 3 and 30 files
def test_three_or_thirty_partitions_give_the_same_curves(rng, tmp_path):
    """Folds follow the id column: the rows shuffled into 30 files give the 3 files' fit."""
    frame = three_classes(make_frame(rng, n=900, weight=True))
    folds = HashFolds(4, key="id", seed=2)
    few = Parquet(write_parquet(frame, tmp_path / "few", 3), target="y", weight="w", key="id")
    many = Parquet(write_parquet(frame.sample(frac=1.0, random_state=1), tmp_path / "many", 30),
                   target="y", weight="w", key="id")  # fmt: skip
    a = rw.LogisticRegressionCV(cv=folds, n_grid=5, tol=1e-10, cv_tol=1e-10).fit(few)
    b = rw.LogisticRegressionCV(cv=folds, n_grid=5, tol=1e-10, cv_tol=1e-10).fit(many)
    assert len(many.partitions) == 30
    assert_same_cv(a.cv_results_, b.cv_results_, rtol=1e-8)
    assert close(a.coef_, b.coef_) <= 1e-8


def test_linear_svc_cv_equals_in_memory(rng, tmp_path):
    frame = make_frame(rng, n=900, weight=True)
    frame["y"] = (frame["y"] > frame["y"].median()).astype(int)
    source = Parquet(write_parquet(frame, tmp_path, 3, 150), target="y", weight="w", key="id")
    params = {"cv": HashFolds(3, seed=1), "n_grid": 6, "tol": 1e-10, "cv_tol": 1e-10,
              "class_weight": "balanced"}  # fmt: skip
    memory = rw.LinearSVCCV(**params).fit(in_memory(frame), frame["y"], sample_weight=frame["w"])
    scale = rw.LinearSVCCV(**params).fit(source)
    assert np.all(scale.certificates_ <= 1e-10)
    assert scale.l2_ == pytest.approx(memory.l2_, rel=1e-12)
    assert_same_cv(memory.cv_results_, scale.cv_results_, rtol=1e-8)  # accuracy per fold
    assert close(memory.coef_, scale.coef_) <= 1e-8
    assert isinstance(scale.n_iter_, int)
    np.testing.assert_array_equal(scale.predict(source), memory.predict(in_memory(frame)))


@pytest.mark.parametrize(
    "model",
    [rw.LogisticRegressionCV(multiclass="ovr", n_grid=4, class_weight="balanced"),
     rw.LinearSVCCV(n_grid=4, standardize=True)],
    ids=["logistic-ovr", "svm"],
)  # fmt: skip
def test_one_vs_rest_cv_equals_in_memory(data, model):
    """Three classes, one binary head per class: each head's Newton path, then one pass that
    scores the heads' fold models together."""
    frame, source = data
    params = {**model.get_params(), "cv": HashFolds(3, seed=4), "tol": 1e-10, "cv_tol": 1e-10}
    memory = type(model)(**params).fit(in_memory(frame), frame["y"], sample_weight=frame["w"])
    Pass.reset()
    scale = type(model)(**params).fit(source)
    assert Pass.passes == 2 + scale.newton_passes_.sum() + scale.refit_passes_  # + scores
    assert np.all(scale.certificates_ <= 1e-10) and len(scale.solutions_) == 3
    assert_same_cv(memory.cv_results_, scale.cv_results_, rtol=1e-8)
    assert close(memory.coef_, scale.coef_) <= 1e-8
    assert close(memory.intercept_, scale.intercept_) <= 1e-8
    assert scale.coef_path_.shape == memory.coef_path_.shape == (4, 3, 8)
    np.testing.assert_array_equal(scale.predict(source), memory.predict(in_memory(frame)))


def test_refusals_name_what_to_pass(data, tmp_path):
    frame, source = data
    with pytest.raises(ValueError, match=r"loss='squared_hinge'.*got loss='hinge'"):
        rw.LinearSVCCV(loss="hinge").fit(source)
    with pytest.raises(ValueError, match=r"loss='squared_hinge'.*got loss='hinge'"):
        rw.LinearSVC(loss="hinge").fit(source)
    with pytest.raises(ValueError, match="multiclass must be one of"):
        rw.LogisticRegression(multiclass="softmax").fit(source)
    with pytest.raises(ValueError, match="needs probabilities"):
        rw.LinearSVCCV(scoring="neg_log_loss").fit(source)
    continuous = frame.assign(y=frame["y"] + 0.5)
    bad = Parquet(write_parquet(continuous, tmp_path / "c", 2), target="y", key="id")
    with pytest.raises(ValueError, match=r"must hold class labels \(integers\); got \[0.5"):
        rw.LogisticRegression().fit(bad)


def test_a_training_fold_without_a_class_is_refused(data, tmp_path):
    frame, _ = data
    rare = frame.copy()
    rare.loc[rare.index[:-1], "y"] = rare["y"].iloc[:-1].clip(upper=1)  # class 2: one row
    source = Parquet(write_parquet(rare, tmp_path / "r", 2), target="y", key="id")
    with pytest.raises(ValueError, match=r"training rows of fold \d have no weight in class 2"):
        rw.LogisticRegressionCV(cv=3, l2=[1.0]).fit(source)


@pytest.mark.parametrize("classes", [2, 3])
def test_f1_scoring_from_confusion_sums(rng, tmp_path, classes):
    """F1 is no mean over samples: the fold models are scored in one pass after the path,
    from weighted confusion sums (binary F1 of classes_[1], macro beyond two classes)."""
    frame = make_frame(rng, n=900, weight=True)
    if classes == 2:
        frame["y"] = (frame["y"] > frame["y"].quantile(0.7)).astype(int)
    else:
        frame = three_classes(frame)
    source = Parquet(write_parquet(frame, tmp_path, 3, 150), target="y", weight="w", key="id")
    params = {"cv": HashFolds(3, seed=2), "n_grid": 5, "tol": 1e-10, "cv_tol": 1e-10,
              "scoring": "f1"}  # fmt: skip
    for cls in (rw.LogisticRegressionCV, rw.LinearSVCCV):
        memory = cls(**params).fit(in_memory(frame), frame["y"], sample_weight=frame["w"])
        Pass.reset()
        scale = cls(**params).fit(source)
        assert Pass.passes == 2 + scale.newton_passes_.sum() + scale.refit_passes_
        assert_same_cv(memory.cv_results_, scale.cv_results_, rtol=1e-8)
        assert close(memory.coef_, scale.coef_) <= 1e-8


@pytest.mark.parametrize("multiclass", ["multinomial", "ovr"])
def test_path_at_cv_tol_then_the_chosen_fit_refined_to_tol(data, multiclass):
    """As in memory: the path stops at cv_tol; the chosen λ's full fit (every head's) is
    refined from the path's point to tol, with the yardstick of the path."""
    frame, source = data
    params = {"cv": HashFolds(3, seed=4), "n_grid": 4, "tol": 1e-11, "cv_tol": 1e-4,
              "multiclass": multiclass}  # fmt: skip
    memory = rw.LogisticRegressionCV(**params).fit(in_memory(frame), frame["y"],
                                                   sample_weight=frame["w"])  # fmt: skip
    scale = rw.LogisticRegressionCV(**params).fit(source)
    assert np.all(scale.certificates_ <= 1e-4) and scale.certificates_[:, -1].max() > 1e-11
    assert scale.refit_passes_ >= 1
    assert all(sol.converged and sol.certificate <= 1e-11 for sol in scale.solutions_)
    assert scale.l2_ == pytest.approx(memory.l2_, rel=1e-12)
    assert close(memory.coef_, scale.coef_) <= 1e-8
