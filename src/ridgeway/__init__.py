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

#: public name -> (module, attribute or None for the module itself)
_LAZY: dict[str, tuple[str, str | None]] = {
    **{
        name: (f"ridgeway.{name}", None)
        for name in (
            "conventions",
            "datasets",
            "operators",
            "inverse",
            "persist",
            "report",
            "evaluation",
            "recommend",
            "nn",
            "scale",
        )
    },
    **{
        name: ("ridgeway.estimators.elastic_net", name)
        for name in ("ElasticNet", "ElasticNetCV", "Lasso", "LassoCV", "elastic_net_path")
    },
    "LogisticRegression": ("ridgeway.estimators.logistic", "LogisticRegression"),
    "LogisticRegressionCV": ("ridgeway.estimators.logistic", "LogisticRegressionCV"),
    "Ridge": ("ridgeway.estimators.ridge", "Ridge"),
    "RidgeClassifier": ("ridgeway.estimators.ridge_classifier", "RidgeClassifier"),
    "RidgeClassifierCV": ("ridgeway.estimators.ridge_classifier", "RidgeClassifierCV"),
    "RidgeCV": ("ridgeway.estimators.ridge_cv", "RidgeCV"),
    "LinearSVC": ("ridgeway.estimators.svm", "LinearSVC"),
    "LinearSVCCV": ("ridgeway.estimators.svm", "LinearSVCCV"),
    "Moments": ("ridgeway.statistics", "Moments"),
}


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module 'ridgeway' has no attribute {name!r}")
    module, attribute = _LAZY[name]
    value = (
        import_module(module) if attribute is None else getattr(import_module(module), attribute)
    )
    globals()[name] = value  # later lookups skip __getattr__
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_LAZY])


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
