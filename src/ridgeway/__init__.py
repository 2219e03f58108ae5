"""ridgeway: L2-regularized modelling with λ chosen exactly and fast.

The objective, its λ convention and converters to other libraries: :mod:`ridgeway.conventions`.

Every name below loads on first use (PEP 562), so that ``import ridgeway`` — and the command
line's ``--help`` — does not pay for scikit-learn, numba and SciPy before they are needed.
"""

from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:  # the same names, eagerly, for type checkers
    from ridgeway import (
        conventions,
        datasets,
        evaluation,
        inverse,
        nn,
        operators,
        persist,
        recommend,
        report,
        scale,
    )
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

#: subpackages loaded on first use (some heavy: matplotlib, torch, Dask)
_LAZY: dict[str, str] = {
    name: f"ridgeway.{name}"
    for name in ("conventions", "datasets", "operators", "inverse", "persist", "report",
                 "evaluation", "recommend", "nn", "scale")
}  # fmt: skip
#: exported classes and functions -> their module, imported on first use too
_EXPORTS: dict[str, str] = {
    **dict.fromkeys(
        ("ElasticNet", "ElasticNetCV", "Lasso", "LassoCV", "elastic_net_path"),
        "ridgeway.estimators.elastic_net",
    ),
    "LogisticRegression": "ridgeway.estimators.logistic",
    "LogisticRegressionCV": "ridgeway.estimators.logistic",
    "Ridge": "ridgeway.estimators.ridge",
    "RidgeClassifier": "ridgeway.estimators.ridge_classifier",
    "RidgeClassifierCV": "ridgeway.estimators.ridge_classifier",
    "RidgeCV": "ridgeway.estimators.ridge_cv",
    "LinearSVC": "ridgeway.estimators.svm",
    "LinearSVCCV": "ridgeway.estimators.svm",
    "Moments": "ridgeway.statistics",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = import_module(_LAZY[name])
    elif name in _EXPORTS:
        value = getattr(import_module(_EXPORTS[name]), name)
    else:
        raise AttributeError(f"module 'ridgeway' has no attribute {name!r}")
    globals()[name] = value  # later lookups skip __getattr__
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_LAZY, *_EXPORTS])


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
    "scale",
]
