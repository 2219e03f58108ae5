"""Save and load fitted models in a safe, versioned format: JSON metadata + .npz arrays.

A model file is a .zip holding ``metadata.json`` (format name and version, estimator class,
parameters, feature names, classes, the preprocessing spec, the SHA-256 of the arrays) and
``arrays.npz`` (coefficients, intercepts, λ path and CV curves). Loading reads the arrays with
``np.load(allow_pickle=False)`` and never unpickles anything; a file from a newer format, a
class outside the known table, or arrays whose hash does not match are refused with a clear
error.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from pathlib import Path
from typing import Any

import numpy as np

from ridgeway.app.preprocess import Preprocessor
from ridgeway.estimators._base import RENAMED_PARAMETERS
from ridgeway.estimators.elastic_net import ElasticNet, ElasticNetCV, Lasso, LassoCV
from ridgeway.estimators.logistic import LogisticRegression, LogisticRegressionCV
from ridgeway.estimators.ridge import Ridge
from ridgeway.estimators.ridge_classifier import RidgeClassifier, RidgeClassifierCV
from ridgeway.estimators.ridge_cv import RidgeCV
from ridgeway.estimators.svm import LinearSVC, LinearSVCCV

__all__ = ["FORMAT", "FORMAT_VERSION", "ModelFileError", "load_model", "save_model"]

FORMAT = "ridgeway-model"
FORMAT_VERSION = 1

#: the only classes a model file may name: loading never imports by name
ESTIMATORS = {
    cls.__name__: cls
    for cls in (
        Ridge,
        RidgeCV,
        RidgeClassifier,
        RidgeClassifierCV,
        LogisticRegression,
        LogisticRegressionCV,
        LinearSVC,
        LinearSVCCV,
        ElasticNet,
        ElasticNetCV,
        Lasso,
        LassoCV,
    )
}
#: fitted numeric attributes that are saved when present
ARRAY_ATTRS = ("coef_", "intercept_", "coef_path_", "l2_", "l1_", "df_")
SCALAR_ATTRS = ("best_index_", "l1_share_", "best_score_", "decomposition_", "n_features_in_")


class ModelFileError(ValueError):
    """A model file that cannot be loaded safely: wrong format, newer version, tampered."""


def _jsonable(value: Any) -> Any:
    """Plain JSON for a parameter value, or raises TypeError (then it is not saved)."""
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    json.dumps(value)
    return value


def _params(model: Any) -> dict[str, Any]:
    out = {}
    for name, value in model.get_params(deep=False).items():
        try:
            out[name] = _jsonable(value)
        except TypeError:
            out[name] = None  # e.g. a splitter object: not needed to predict
    return out


def _arrays(model: Any) -> dict[str, np.ndarray]:
    arrays = {a: np.asarray(getattr(model, a)) for a in ARRAY_ATTRS if hasattr(model, a)}
    for key, value in getattr(model, "cv_results_", {}).items():
        value = np.asarray(value)
        if value.dtype.kind in "biuf":
            arrays[f"cv_results_/{key}"] = value
    return arrays


def _npz_bytes(arrays: dict[str, np.ndarray]) -> bytes:
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)  # type: ignore[arg-type]  # numpy's stub misreads **kwds
    return buffer.getvalue()


def save_model(
    model: Any,
    path: str | Path,
    *,
    preprocessor: Preprocessor | None = None,
    target: str | None = None,
    extra: dict[str, Any] | None = None,
) -> Path:
    """Write ``model`` (and its preprocessing) to ``path`` (a .zip file); returns the path.

    ``extra``: JSON-serializable notes kept in the metadata (e.g. the split seed).
    """
    name = type(model).__name__
    if ESTIMATORS.get(name) is not type(model):
        raise TypeError(f"model must be one of {sorted(ESTIMATORS)}; got {name}")
    if not hasattr(model, "coef_"):
        raise ValueError(f"model must be fitted before saving; {name} has no coef_")
    payload = _npz_bytes(_arrays(model))
    classes = getattr(model, "classes_", None)
    names = getattr(model, "feature_names_in_", None)
    meta = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "estimator": name,
        "params": _params(model),
        "attributes": {a: _jsonable(getattr(model, a)) for a in SCALAR_ATTRS if hasattr(model, a)},
        "feature_names": None if names is None else [str(v) for v in names],
        "classes": None if classes is None else _jsonable(np.asarray(classes)),
        "preprocessing": None if preprocessor is None else preprocessor.to_dict(),
        "target": target,
        "extra": extra or {},
        "arrays_sha256": hashlib.sha256(payload).hexdigest(),
    }
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("metadata.json", json.dumps(meta, indent=2, default=_jsonable))
        archive.writestr("arrays.npz", payload)
    return path


def _read(path: Path) -> tuple[dict, bytes]:
    if not path.is_file():
        raise ModelFileError(f"model file {str(path)!r} does not exist")
    try:
        with zipfile.ZipFile(path) as archive:
            meta = json.loads(archive.read("metadata.json"))
            payload = archive.read("arrays.npz")
    except (zipfile.BadZipFile, KeyError, json.JSONDecodeError, OSError) as err:
        raise ModelFileError(f"{str(path)!r} is not a ridgeway model file: {err}") from None
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        raise ModelFileError(f"{str(path)!r} is not a ridgeway model file (format {FORMAT!r})")
    version = meta.get("format_version")
    if not isinstance(version, int) or version > FORMAT_VERSION:
        raise ModelFileError(
            f"{str(path)!r} has model format version {version!r}; this ridgeway reads "
            f"versions up to {FORMAT_VERSION}: upgrade ridgeway"
        )
    if hashlib.sha256(payload).hexdigest() != meta.get("arrays_sha256"):
        raise ModelFileError(
            f"{str(path)!r} is corrupted or was modified: its arrays do not match the "
            "SHA-256 recorded in its metadata"
        )
    return meta, payload


def load_model(path: str | Path) -> tuple[Any, Preprocessor | None, dict[str, Any]]:
    """(model, preprocessor or None, metadata) from a file written by :func:`save_model`."""
    path = Path(path)
    meta, payload = _read(path)
    cls = ESTIMATORS.get(meta.get("estimator"))
    if cls is None:
        raise ModelFileError(f"{str(path)!r} names an unknown estimator {meta.get('estimator')!r}")
    model = cls()
    params = {RENAMED_PARAMETERS.get(k, k): v for k, v in meta.get("params", {}).items()
              if v is not None}  # fmt: skip
    try:
        model.set_params(**params)
        with np.load(io.BytesIO(payload), allow_pickle=False) as arrays:
            data = {key: arrays[key] for key in arrays.files}
    except (ValueError, TypeError, OSError) as err:
        raise ModelFileError(f"{str(path)!r} has unreadable contents: {err}") from None
    results = {}
    for key, value in data.items():
        if key.startswith("cv_results_/"):
            results[key.split("/", 1)[1]] = value
        else:
            setattr(model, key, value if value.ndim else value[()])
    if results:
        model.cv_results_ = results
    for key, value in meta.get("attributes", {}).items():
        setattr(model, key, value)
    if meta.get("feature_names") is not None:
        model.feature_names_in_ = np.asarray(meta["feature_names"], dtype=object)
    if meta.get("classes") is not None:
        model.classes_ = np.asarray(meta["classes"])
    spec = meta.get("preprocessing")
    return model, (None if spec is None else Preprocessor.from_dict(spec)), meta
