"""The one place a ridgeway estimator meets data at scale: sources in, the same fit out.

``fit(estimator, X, y, sample_weight)`` turns X (a :class:`~ridgeway.scale.sources.Source`,
a Dask DataFrame or a Dask array) into a source, runs the passes the estimator needs and
hands their statistics to the estimator's own moments entry points (``fit_moments``), so
every number is computed by the same code as in memory. ``FITTERS`` maps estimator classes
to their pass plan (looked up along the class's MRO: a subclass inherits its parent's).
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from numbers import Integral
from typing import Any

import numpy as np

from ridgeway.scale.folds import HashFolds
from ridgeway.scale.ridge_pass import fold_moments, loo_pass, merged, total_moments
from ridgeway.scale.sources import DaskArrays, DaskFrame, Source

__all__ = ["FITTERS", "as_source", "fit", "scale_folds"]


def as_source(X: Any, y: Any = None, sample_weight: Any = None) -> Source:
    """A Source for X (and y, sample_weight when X is a Dask collection)."""
    if isinstance(X, Source):
        if y is not None or sample_weight is not None:
            raise ValueError(
                f"{X!r} names its own target and weight columns; fit it with y=None and "
                "sample_weight=None"
            )
        return X
    if hasattr(X, "columns") and hasattr(X, "npartitions"):  # a Dask DataFrame
        if isinstance(y, str):
            return DaskFrame(X, y)
        if y is None:
            raise ValueError("y is required: a Dask Series/array with X's partitions, or a "
                             "column name of X")  # fmt: skip
        return DaskFrame(X, y=_as_frame_part(y), sample_weight=_as_frame_part(sample_weight))
    if hasattr(X, "chunks") and hasattr(X, "__dask_graph__"):
        if y is None:
            raise ValueError("y is required with a Dask array X")
        return DaskArrays(X, y, sample_weight)
    raise TypeError(f"X must be a ridgeway.scale source or a Dask collection; got {type(X)}")


def _as_frame_part(values: Any) -> Any:
    if values is None or hasattr(values, "npartitions"):
        return values
    raise TypeError(
        "with a Dask DataFrame X, y and sample_weight must be Dask Series with X's partitions; "
        f"got {type(values).__name__}"
    )


def scale_folds(cv: Any) -> HashFolds:
    """At scale an int k means HashFolds(k): fold membership independent of partitioning."""
    if isinstance(cv, HashFolds):
        return cv
    if isinstance(cv, Integral) and not isinstance(cv, bool):
        return HashFolds(int(cv))
    raise ValueError(
        "at scale cv must be 'loo', 'gcv', an int k (HashFolds(k)) or a "
        f"ridgeway.scale.HashFolds; got {cv!r}"
    )


def _record_layout(est: Any, source: Source) -> None:
    est.scale_layout_ = source.layout
    if not isinstance(source, DaskArrays):
        est.feature_names_in_ = source.layout.feature_names


def _fit_ridge(est: Any, source: Source, groups: Any) -> Any:
    est.fit_moments(total_moments(source))
    return est


def _fit_ridge_cv(est: Any, source: Source, groups: Any) -> Any:
    if isinstance(est.cv, str) and est.cv == "gcv":
        return est.fit_moments(total_moments(source))
    if isinstance(est.cv, str) and est.cv == "loo":
        return est.fit_moments(total_moments(source), loo_pass=loo_pass(source))
    folds = fold_moments(source, scale_folds(est.cv))
    return est.fit_moments(merged(folds), folds=folds)


#: estimator class name -> "module:function" of its pass plan (imported when used)
FITTERS: dict[str, str] = {
    "Ridge": "ridgeway.scale.fit:_fit_ridge",
    "RidgeCV": "ridgeway.scale.fit:_fit_ridge_cv",
    "ElasticNet": "ridgeway.scale.elastic_net:fit_elastic_net",
    "ElasticNetCV": "ridgeway.scale.elastic_net:fit_elastic_net_cv",
    "LogisticRegression": "ridgeway.scale.classifiers:fit_logistic",
    "LogisticRegressionCV": "ridgeway.scale.classifiers:fit_logistic_cv",
    "LinearSVC": "ridgeway.scale.classifiers:fit_linear_svc",
    "LinearSVCCV": "ridgeway.scale.classifiers:fit_linear_svc_cv",
}


def _fitter(est: Any) -> Callable[[Any, Source, Any], Any]:
    for cls in type(est).__mro__:
        where = FITTERS.get(cls.__name__)
        if where is not None:
            module, name = where.split(":")
            return getattr(import_module(module), name)
    raise TypeError(f"{type(est).__name__} cannot fit data at scale (ridgeway.scale)")


def fit(est: Any, X: Any, y: Any = None, sample_weight: Any = None, groups: Any = None) -> Any:
    """Fit ``est`` on data at scale; the estimator's fitted attributes as in memory."""
    fitter = _fitter(est)
    source = as_source(X, y, sample_weight)
    fitted = fitter(est, source, groups)
    _record_layout(fitted, source)
    return fitted


def predict_frame(est: Any, frame: Any) -> np.ndarray:
    """Predictions of a fitted estimator on one partition (a pandas DataFrame of raw columns:
    encoded with the layout it was fitted with, when it was fitted at scale)."""
    import pandas as pd

    layout = getattr(est, "scale_layout_", None)
    if layout is None:
        return est.predict(frame)
    X = layout.encode(frame, "a partition", need_target=False).X
    return est.predict(pd.DataFrame(X, columns=layout.feature_names))
