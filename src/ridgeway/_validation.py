"""Input checks shared by every estimator: each error names the argument and what was expected."""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse as sp

__all__ = [
    "check_X",
    "check_classes_weighted",
    "check_l2",
    "check_l2_grid",
    "check_sample_weight",
    "check_targets",
    "check_vector",
]

_FLOATS = (np.float32, np.float64)


def _as_float_dtype(dtype: np.dtype) -> np.dtype:
    return dtype if dtype in _FLOATS else np.dtype(np.float64)


def check_X(X: Any, *, name: str = "X", min_samples: int = 1) -> np.ndarray | sp.csr_matrix:
    """Return X as a 2-D float array (float32 kept) or a CSR/CSC matrix; never densifies."""
    if isinstance(X, str) or X is None:
        raise TypeError(f"{name} must be a 2-D array-like of numbers; got {type(X).__name__}")
    if sp.issparse(X):
        if X.ndim != 2:
            raise ValueError(f"{name} must be 2-D; got a {X.ndim}-D sparse array")
        if X.format not in ("csr", "csc"):
            X = X.tocsr()
        if X.dtype not in _FLOATS:
            X = X.astype(np.float64)
        data = X.data
    else:
        try:
            arr = np.asarray(X)
        except Exception as exc:  # pandas extension types, ragged lists
            raise TypeError(f"{name} must be a 2-D array-like of numbers: {exc}") from exc
        if arr.dtype.kind == "c":
            raise ValueError(f"Complex data not supported: {name} must be real; got {arr.dtype}")
        if arr.dtype.kind not in "biuf":
            try:
                arr = arr.astype(np.float64)
            except (TypeError, ValueError) as exc:
                raise TypeError(
                    f"{name} must contain numbers only; got dtype {arr.dtype}: {exc} "
                    "(encode categorical columns first)"
                ) from exc
        if arr.ndim != 2:
            raise ValueError(
                f"{name} must be 2-D (n_samples, n_features); got shape {arr.shape}. "
                "Reshape your data with X.reshape(-1, 1) for a single feature."
            )
        X = np.asarray(arr, dtype=_as_float_dtype(arr.dtype))
        data = X
    n, p = X.shape
    if n < min_samples:
        raise ValueError(f"{name} must have at least {min_samples} sample(s); got n_samples = {n}")
    if p < 1:
        raise ValueError(
            f"{name} has 0 feature(s) (shape={X.shape}) while a minimum of 1 is required."
        )
    if not _all_finite(data):
        raise ValueError(f"{name} must not contain NaN or infinity")
    return X


def _all_finite(values: np.ndarray) -> bool:
    """All entries finite? A sum is one cheap streaming pass: NaN or ±inf make it non-finite
    (so does overflow of huge finite values, which the exact check then clears)."""
    if values.size == 0:
        return True
    with np.errstate(over="ignore", invalid="ignore"):
        if np.isfinite(np.sum(values, dtype=np.float64)):
            return True
    return bool(np.all(np.isfinite(values)))


def check_targets(y: Any, n_samples: int, *, name: str = "y") -> np.ndarray:
    """Return real-valued targets as a float array of shape (n,) or (n, k)."""
    if isinstance(y, str) or y is None:
        raise TypeError(f"{name} must be an array-like of numbers; got {type(y).__name__}")
    arr = np.asarray(y)
    if arr.dtype.kind == "c":
        raise ValueError(f"Complex data not supported: {name} must be real; got {arr.dtype}")
    if arr.dtype.kind not in "biuf":
        try:
            arr = arr.astype(np.float64)
        except (TypeError, ValueError) as exc:
            raise TypeError(f"{name} must contain numbers; got dtype {arr.dtype}: {exc}") from exc
    if arr.ndim == 2 and arr.shape[1] == 0:
        raise ValueError(f"{name} must have at least one target column; got shape {arr.shape}")
    if arr.ndim not in (1, 2):
        raise ValueError(f"{name} must be 1-D or 2-D; got shape {arr.shape}")
    if arr.shape[0] != n_samples:
        raise ValueError(
            f"{name} must have one row per sample of X ({n_samples}); got {arr.shape[0]}"
        )
    arr = np.asarray(arr, dtype=_as_float_dtype(arr.dtype))
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must not contain NaN or infinity")
    return arr


def check_sample_weight(sample_weight: Any, n_samples: int, dtype=np.float64) -> np.ndarray | None:
    """None stays None (unit weights); otherwise finite, >= 0, not all zero, shape (n,)."""
    if sample_weight is None:
        return None
    if np.isscalar(sample_weight):
        sample_weight = np.full(n_samples, sample_weight)
    w = np.asarray(sample_weight)
    if w.dtype.kind not in "biuf":
        raise TypeError(f"sample_weight must contain numbers; got dtype {w.dtype}")
    w = w.astype(dtype, copy=False)
    if w.shape != (n_samples,):
        raise ValueError(f"sample_weight must have shape ({n_samples},); got {w.shape}")
    if not np.all(np.isfinite(w)):
        raise ValueError("sample_weight must be finite")
    if np.any(w < 0):
        raise ValueError(f"sample_weight must be >= 0; got minimum {w.min()!r}")
    if not np.any(w > 0):
        raise ValueError(
            "sample_weight must have at least one positive entry; all weights are zero"
        )
    return w


def check_l2(l2: Any, *, name: str = "l2", n_targets: int | None = None) -> np.ndarray:
    """A finite λ >= 0, or one per target; returned as a float array of shape () or (k,)."""
    if isinstance(l2, (str, bytes)) or isinstance(l2, bool):
        raise TypeError(f"{name} must be a finite number >= 0; got {l2!r}")
    try:
        arr = np.asarray(l2, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{name} must be a finite number >= 0; got {l2!r}") from exc
    if arr.ndim > 1:
        raise ValueError(f"{name} must be a number or a 1-D array; got shape {arr.shape}")
    if arr.ndim == 1:
        if n_targets is None or arr.shape[0] != n_targets:
            expected = "a single number" if n_targets is None else f"{n_targets} values"
            raise ValueError(f"{name} must be {expected} (one per target); got {arr.shape[0]}")
    if not np.all(np.isfinite(arr)) or np.any(arr < 0):
        shown = arr.item() if arr.ndim == 0 else arr
        raise ValueError(f"{name} must be a finite number >= 0; got {shown!r}")
    return arr


def check_l2_grid(l2: Any, *, name: str = "l2") -> np.ndarray:
    """An explicit grid of λ values: 1-D, finite, >= 0, at least one value; sorted ascending.

    Every entry must be a real number: strings, booleans and None are refused, inside the grid or
    as the grid (NumPy would turn ``"1"`` or ``True`` into 1.0 silently)."""
    expected = f"{name} must be None or an array of numbers >= 0"
    try:
        # as objects first: a list keeps each entry's type (np.asarray([1, True]) is [1, 1])
        raw = l2 if isinstance(l2, np.ndarray) else np.asarray(l2, dtype=object)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{expected}; got {l2!r}") from exc
    if raw.dtype == object:
        bad = [v for v in raw.ravel().tolist() if _not_a_number(v)]
        if bad:
            raise TypeError(f"{expected}; got {l2!r} (entry {bad[0]!r} is not a number)")
    elif raw.dtype.kind not in "iuf":
        raise TypeError(f"{expected}; got {l2!r} (dtype {raw.dtype})")
    try:
        arr = np.atleast_1d(np.asarray(raw, dtype=np.float64))
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{expected}; got {l2!r}") from exc
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(f"{name} must be a non-empty 1-D grid; got shape {arr.shape}")
    if not np.all(np.isfinite(arr)) or np.any(arr < 0):
        raise ValueError(f"{name} must contain finite numbers >= 0; got {arr!r}")
    return np.sort(arr)


def _not_a_number(value: Any) -> bool:
    """Text, booleans and None, which NumPy casts to float without complaint (None: NaN)."""
    return value is None or isinstance(value, (str, bytes, bool, np.bool_))


def check_vector(v: Any, size: int, *, name: str) -> np.ndarray:
    """A finite float vector of a given length (penalty factors, prior centres)."""
    try:
        arr = np.asarray(v, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{name} must be an array of {size} numbers; got {v!r}") from exc
    if arr.ndim == 0:
        arr = np.full(size, float(arr))
    if arr.shape != (size,):
        raise ValueError(f"{name} must have shape ({size},); got {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be finite")
    return arr


def check_classes_weighted(classes: np.ndarray, y_idx: np.ndarray, weights: np.ndarray | None):
    """At least two classes must carry positive weight (sample_weight × class_weight).

    Labels present only on zero-weight rows do not count: with one weighted class the
    unpenalized intercept runs off to infinity (logistic), every margin is met with β = 0
    (SVM: a Hessian without curvature, which approximate LOO cannot invert)."""
    if weights is None:
        return
    present = np.unique(y_idx[weights > 0])
    if present.size < 2:
        only = classes[present].tolist()[0]
        raise ValueError(
            "y must contain at least 2 classes with positive sample_weight (times class_weight)"
            f" to train a classifier; only class {only!r} has positive weight"
        )
