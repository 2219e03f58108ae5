"""ridgeway: L2-regularized modelling with λ chosen exactly and fast.

The objective, its λ convention and converters to other libraries: :mod:`ridgeway.conventions`.
"""

from ridgeway import conventions, datasets, inverse, operators
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

__version__ = "0.1.0"

__all__ = [
    "ElasticNet",
    "ElasticNetCV",
    "Lasso",
    "LassoCV",
    "LinearSVC",
    "LinearSVCCV",
    "LogisticRegression",
    "LogisticRegressionCV",
    "Ridge",
    "RidgeCV",
    "RidgeClassifier",
    "RidgeClassifierCV",
    "conventions",
    "datasets",
    "elastic_net_path",
    "inverse",
    "operators",
]
