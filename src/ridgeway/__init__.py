"""ridgeway: L2-regularized modelling with λ chosen exactly and fast.

The objective, its λ convention and converters to other libraries: :mod:`ridgeway.conventions`.
"""

from importlib import import_module
from typing import Any

from ridgeway import conventions, datasets, operators
from ridgeway.estimators.elastic_net import (
    ElasticNet,
    ElasticNetCV,
    Lasso,
    LassoCV,
    elastic_net_path,
)
from ridgeway.estimators.logistic import LogisticRegression, LogisticRegressionCV
from ridgeway.estimators.ridge import Ridge
from ridgeway.estimators.ridge_classifier import RidgeClassifier, RidgeClassifierCV
from ridgeway.estimators.ridge_cv import RidgeCV
from ridgeway.estimators.svm import LinearSVC, LinearSVCCV
from ridgeway.statistics import Moments

__version__ = "0.1.0"

# heavier layers (matplotlib, the report, inverse problems) load on first use
_LAZY = {
    "inverse": "ridgeway.inverse",
    "persist": "ridgeway.persist",
    "report": "ridgeway.report",
    "evaluation": "ridgeway.evaluation",
    "recommend": "ridgeway.recommend",
    "nn": "ridgeway.nn",
    "scale": "ridgeway.scale",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return import_module(_LAZY[name])
    raise AttributeError(f"module 'ridgeway' has no attribute {name!r}")


__all__ = [
    "ElasticNet",
    "ElasticNetCV",
    "Lasso",
    "LassoCV",
    "LinearSVC",
    "LinearSVCCV",
    "LogisticRegression",
    "LogisticRegressionCV",
    "Moments",
    "Ridge",
    "RidgeCV",
    "RidgeClassifier",
    "RidgeClassifierCV",
    "conventions",
    "datasets",
    "elastic_net_path",
    "evaluation",
    "inverse",
    "nn",
    "operators",
    "persist",
    "recommend",
    "report",
]
