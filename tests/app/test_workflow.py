"""make_model: one table from --model and the task to the CV estimator."""

import pytest

import ridgeway as rw
from ridgeway.app.preprocess import DataError
from ridgeway.app.workflow import MODELS, make_model


@pytest.mark.parametrize(
    "model, task, cv, cls, params",
    [
        ("ridge", "regression", "loo", rw.RidgeCV, {"cv": "loo"}),
        ("ridge", "classification", "gcv", rw.RidgeClassifierCV, {"cv": "gcv"}),
        (None, "regression", 5, rw.RidgeCV, {"cv": 5}),
        (None, "classification", "loo", rw.LogisticRegressionCV, {"cv": "alo"}),
        ("svm", "classification", "loo", rw.LinearSVCCV, {"cv": "alo"}),
        ("elasticnet", "regression", "4", rw.ElasticNetCV, {"cv": 4, "l1_share": 0.5}),
        ("lasso", "regression", 3, rw.LassoCV, {"cv": 3, "rule": "1se"}),
    ],
)
def test_model_for_each_choice(model, task, cv, cls, params):
    rule = params.get("rule", "min")
    made = make_model(model, task, cv, rule)
    assert type(made) is cls
    assert made.get_params().items() >= {**params, "rule": rule}.items()


@pytest.mark.parametrize(
    "model, task, cv, message",
    [
        ("tree", "regression", 5, "model must be one of"),
        ("logistic", "regression", 5, "is a classifier but the task is regression"),
        ("lasso", "classification", 5, "is for regression but the task is classification"),
        ("lasso", "regression", "loo", "cv 'loo' is not available for model lasso"),
        ("ridge", "regression", 1, "cv must be >= 2 folds"),
    ],
)
def test_bad_choices_say_why(model, task, cv, message):
    with pytest.raises(DataError, match=message):
        make_model(model, task, cv, "min")


def test_every_model_name_is_listed():
    assert MODELS == ("ridge", "logistic", "svm", "elasticnet", "lasso")
