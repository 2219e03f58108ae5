"""What every ridgeway estimator shares: input checks, feature names, feature scaling, and
a hint for scikit-learn's parameter names."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.utils.validation import check_is_fitted, validate_data

from ridgeway._validation import check_sample_weight, check_X
from ridgeway.statistics import column_scatter

__all__ = [
    "FOREIGN_PARAMETERS",
    "RENAMED_PARAMETERS",
    "ParameterHints",
    "at_scale",
    "check_fit_input",
    "check_predict_input",
    "feature_moments",
    "fit_at_scale",
    "keep_parameters",
    "predict_at_scale",
]

_OBJECTIVE = (
    "ridgeway minimizes Σ s_i loss_i + (l2/2)‖β‖² [+ l1‖β‖₁] (a summed loss; see rw.conventions)"
)

#: former parameter names and today's (model files written before a rename still load)
RENAMED_PARAMETERS: dict[str, str] = {"n_l2": "n_grid"}

#: parameter names of scikit-learn (and ridgeway's own former names) that ridgeway estimators
#: do not take, with what to pass instead; the TypeError for them says so
FOREIGN_PARAMETERS: dict[str, str] = {
    "alpha": (
        f"{_OBJECTIVE}. scikit-learn's Ridge(alpha=a) is l2=a "
        "(rw.conventions.from_sklearn_ridge(a)); ElasticNet/Lasso(alpha=a, l1_ratio=r) average "
        "the loss: l1, l2 = rw.conventions.from_sklearn_elastic_net(a, r, n_samples)"
    ),
    "C": (f"{_OBJECTIVE}. scikit-learn's C is 1/l2: pass l2=rw.conventions.from_sklearn_C(C)"),
    "l1_ratio": (
        f"{_OBJECTIVE}. ElasticNet takes l1= and l2= (l1, l2 = "
        "rw.conventions.from_sklearn_elastic_net(alpha, l1_ratio, n_samples)); ElasticNetCV "
        "takes l1_share = l1/(l1 + l2), which equals scikit-learn's l1_ratio"
    ),
    "alphas": (
        f"{_OBJECTIVE}. RidgeCV takes the λ grid as l2=[...] (scikit-learn's Ridge alpha is "
        "l2); LassoCV/ElasticNetCV build their grid from λ_max: pass n_grid= and eps="
    ),
    "Cs": (
        f"{_OBJECTIVE}. LogisticRegressionCV/LinearSVCCV take the λ grid as l2=[1/C for C in "
        "Cs] (rw.conventions.from_sklearn_C), or its size as n_grid="
    ),
    "n_alphas": "the grid size is n_grid= in every ridgeway CV estimator",
    "n_l2": "n_l2 was renamed n_grid (one name for the grid size in every CV estimator)",
    "normalize": "pass standardize=True (penalize coefficients of unit-variance features)",
    "lambda_": f"{_OBJECTIVE}: λ is l2= (l1= for the L1 part)",
}


def check_fit_input(
    estimator: Any, X: Any, y: Any, sample_weight: Any, *, min_samples: int = 1
) -> tuple[Any, Any, np.ndarray | None]:
    """Check X and sample_weight, record ``n_features_in_`` / ``feature_names_in_``.

    y is returned as given: regression and classification check it differently.
    """
    if y is None:
        raise ValueError(
            f"{type(estimator).__name__} requires y to be passed, but the target y is None"
        )
    checked = check_X(X, min_samples=min_samples)
    validate_data(estimator, X, skip_check_array=True, reset=True)
    X = checked
    w = check_sample_weight(sample_weight, X.shape[0])
    return X, y, w


def check_predict_input(estimator: Any, X: Any) -> Any:
    """Check X at predict time against what fit saw (feature count and names)."""
    check_is_fitted(estimator)
    checked = check_X(X)
    validate_data(estimator, X, skip_check_array=True, reset=False)
    X = checked
    if X.shape[1] != estimator.n_features_in_:
        raise ValueError(
            f"X has {X.shape[1]} features, but {type(estimator).__name__} is expecting "
            f"{estimator.n_features_in_} features as input"
        )
    return X


def feature_moments(X: Any, sample_weight: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    """Weighted mean and standard deviation of each column (glmnet: divide by Σ s, not Σ s − 1).

    Works on sparse X without densifying; a constant column gets standard deviation 0.
    """
    n = X.shape[0]
    w = np.full(n, 1.0 / n) if sample_weight is None else sample_weight / sample_weight.sum()
    mean = np.asarray(X.T @ w).ravel() if sp.issparse(X) else w @ X
    var = column_scatter(X, w, np.asarray(mean, dtype=np.float64))  # w sums to 1
    return np.asarray(mean, dtype=np.float64), np.sqrt(np.asarray(var, dtype=np.float64))


def keep_parameters(estimator: Any, params: dict[str, Any]) -> None:
    """Store the constructor's arguments unchanged (scikit-learn's contract for __init__):
    ``keep_parameters(self, locals())`` as an ``__init__``'s only statement."""
    for name, value in params.items():
        if name != "self":
            setattr(estimator, name, value)


def _with_parameter_hints(init: Callable[..., None]) -> Callable[..., None]:
    """``init`` that answers a scikit-learn parameter name with a TypeError saying what to
    pass instead; the signature stays ``init``'s (``functools.wraps`` sets ``__wrapped__``,
    which ``inspect.signature`` and so scikit-learn's get_params/clone follow)."""
    accepted = set(inspect.signature(init).parameters)

    @functools.wraps(init)
    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        for name in sorted(kwargs.keys() - accepted):
            if name in FOREIGN_PARAMETERS:
                raise TypeError(
                    f"{type(self).__name__}.__init__() got an unexpected keyword argument "
                    f"{name!r}: {FOREIGN_PARAMETERS[name]}"
                )
        init(self, *args, **kwargs)

    return __init__


class ParameterHints:
    """Base of every ridgeway estimator: each subclass's own ``__init__`` is wrapped by
    :func:`_with_parameter_hints`, so ``Ridge(alpha=1.0)`` names ``l2`` and
    ``rw.conventions`` instead of a bare TypeError."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        init = cls.__dict__.get("__init__")
        if init is not None:
            cls.__init__ = _with_parameter_hints(init)  # type: ignore[method-assign]


def at_scale(X: Any) -> bool:
    """X is data at scale: a ridgeway.scale source or a Dask collection (checked without
    importing Dask); ``fit`` then hands it to :func:`fit_at_scale`."""
    return hasattr(X, "__dask_graph__") or getattr(type(X), "ridgeway_source", False) is True


def fit_at_scale(estimator: Any, X: Any, y: Any, sample_weight: Any, groups: Any = None) -> Any:
    """The estimator fitted by ridgeway.scale's passes (the one dispatch to the adapter)."""
    from ridgeway.scale.fit import fit  # the adapter (Dask, pyarrow streaming) loads on use

    return fit(estimator, X, y, sample_weight, groups)


def predict_at_scale(estimator: Any, X: Any) -> Any:
    """Lazy predictions on a Dask collection, streamed ones on a ridgeway.scale source."""
    from ridgeway.scale.predict import predict

    return predict(estimator, X)
