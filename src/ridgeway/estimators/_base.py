"""What every ridgeway estimator shares: input checks, feature names and feature scaling."""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.utils.validation import check_is_fitted, validate_data

from ridgeway._validation import check_sample_weight, check_X
from ridgeway.statistics import column_scatter

__all__ = ["at_scale", "check_fit_input", "check_predict_input", "feature_moments",
           "fit_at_scale", "predict_at_scale"]  # fmt: skip


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
