"""Save and load fitted models in a safe, versioned format: JSON metadata + .npy arrays.

A model file (format 2) is a .zip holding three members:

- ``metadata.json``: format name and version, estimator class, parameters, the fitted scalars,
  feature names, classes, the preprocessing spec, the target and the split notes;
- ``arrays.npz``: the fitted arrays (coefficients, intercepts, λ path, CV curves);
- ``SHA256SUMS``: the SHA-256 of both members, in ``sha256sum`` format, so that *any* change
  — an array, a preprocessing mean, a class label — is refused (``unzip model.zip &&
  sha256sum -c SHA256SUMS`` checks it by hand).

Loading trusts nothing it has not checked, in an order that reads no more than it must:
member names, sizes, compression and encryption from the zip directory (before inflating
anything); the checksums (before parsing anything); UTF-8 and nesting depth of the JSON; the
estimator against a fixed table, and for that estimator only the arrays, ``cv_results_`` keys
and scalars the format defines (:data:`FIELDS`), each checked for dtype (real numbers only),
shape (against ``n_features_in_`` and ``classes_``) and finiteness. Arrays are read from their
``.npy`` headers by hand, so a header declaring 10¹³ elements is refused before any memory is
taken, and nothing is ever unpickled. Every failure is a :class:`ModelFileError` naming it.

Neural networks (``ridgeway.nn`` MLPs, table :data:`NETWORKS`) use the same container: their
``state_dict`` tensors, history and search summary are arrays, their architecture is metadata
``network``, and the array names and shapes allowed come from that architecture
(:mod:`ridgeway.nn.state`); torch is imported only to load such a file, never ``torch.load``.

Format-1 files (two members; the SHA-256 in the metadata covers the arrays only) still load,
with the same checks except that their metadata cannot be verified: save them again.
"""

from __future__ import annotations

import hashlib
import io
import json
import math
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import numpy as np

from ridgeway.app.preprocess import DataError, Preprocessor
from ridgeway.estimators._base import RENAMED_PARAMETERS
from ridgeway.estimators.elastic_net import ElasticNet, ElasticNetCV, Lasso, LassoCV
from ridgeway.estimators.logistic import LogisticRegression, LogisticRegressionCV
from ridgeway.estimators.ridge import Ridge
from ridgeway.estimators.ridge_classifier import RidgeClassifier, RidgeClassifierCV
from ridgeway.estimators.ridge_cv import RidgeCV
from ridgeway.estimators.svm import LinearSVC, LinearSVCCV

__all__ = [
    "FIELDS",
    "FORMAT",
    "FORMAT_VERSION",
    "NETWORKS",
    "ModelFileError",
    "load_model",
    "save_model",
]

FORMAT = "ridgeway-model"
FORMAT_VERSION = 2
METADATA, ARRAYS, SUMS = "metadata.json", "arrays.npz", "SHA256SUMS"
#: limits checked on the zip directory, before anything is inflated
MAX_METADATA_BYTES = 64 * 2**20
MAX_ARRAY_BYTES = 4 * 2**30
#: a member may inflate to at most this multiple of its compressed size (beyond 64 MiB)
MAX_RATIO, RATIO_FLOOR = 200, 64 * 2**20
MAX_JSON_DEPTH = 32


class ModelFileError(ValueError):
    """A model file that cannot be loaded safely: wrong format, newer version, damaged or
    modified, or holding something the format does not define."""


@dataclass(frozen=True)
class Fields:
    """What a model file may hold for one estimator (and nothing else is read)."""

    arrays: tuple[str, ...]
    results: tuple[str, ...] = ()
    scalars: tuple[str, ...] = ("n_features_in_",)
    classifier: bool = False


_PATH = ("coef_path_", "l2_")
_CURVE = ("l2", "mean_score", "std_error", "train_score", "gap", "df", "best_index",
          "index_min", "index_1se", "fold_scores")  # fmt: skip
_L1_CURVE = (*_CURVE, "l1", "l1_share", "n_nonzero", "dual_gap")
_RIDGE = Fields(("coef_", "intercept_", "df_"), (), ("decomposition_", "n_features_in_"))
_RIDGE_CV = Fields(("coef_", "intercept_", *_PATH, "df_"), _CURVE,
                   ("best_index_", "best_score_", "decomposition_", "n_features_in_"))  # fmt: skip
_LINEAR = Fields(("coef_", "intercept_"))
_LINEAR_CV = Fields(
    ("coef_", "intercept_", *_PATH), _CURVE, ("best_index_", "best_score_", "n_features_in_")
)
_L1_CV = Fields(("coef_", "intercept_", *_PATH, "l1_"), _L1_CURVE,
                ("best_index_", "best_score_", "l1_share_", "n_features_in_"))  # fmt: skip


def _classifier(fields: Fields) -> Fields:
    return Fields(fields.arrays, fields.results, fields.scalars, classifier=True)


#: the only classes a model file may name (loading never imports by name), and their fields
FIELDS: dict[type, Fields] = {
    Ridge: _RIDGE,
    RidgeCV: _RIDGE_CV,
    RidgeClassifier: _classifier(_RIDGE),
    RidgeClassifierCV: _classifier(_RIDGE_CV),
    LogisticRegression: _classifier(_LINEAR),
    LogisticRegressionCV: _classifier(_LINEAR_CV),
    LinearSVC: _classifier(_LINEAR),
    LinearSVCCV: _classifier(_LINEAR_CV),
    ElasticNet: _LINEAR,
    ElasticNetCV: _L1_CV,
    Lasso: _LINEAR,
    LassoCV: _L1_CV,
}
ESTIMATORS = {cls.__name__: cls for cls in FIELDS}
#: arrays that must hold finite numbers (curves may hold NaN/inf: a fold's undefined score)
FINITE = ("coef_", "intercept_", "l2_", "l1_", "df_", "coef_path_")


# ---- writing ----------------------------------------------------------------------------------


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


def _arrays(model: Any, fields: Fields) -> dict[str, np.ndarray]:
    arrays = {a: np.asarray(getattr(model, a)) for a in fields.arrays if hasattr(model, a)}
    results = getattr(model, "cv_results_", {})
    for key in fields.results:
        if key in results:
            value = np.asarray(results[key])
            if value.dtype.kind in "biuf":
                arrays[f"cv_results_/{key}"] = value
    return arrays


def _npz_bytes(arrays: dict[str, np.ndarray]) -> bytes:
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)  # type: ignore[arg-type]  # numpy's stub misreads **kwds
    return buffer.getvalue()


def _sums(metadata: bytes, arrays: bytes) -> bytes:
    lines = [f"{hashlib.sha256(data).hexdigest()}  {name}\n"
             for name, data in ((METADATA, metadata), (ARRAYS, arrays))]  # fmt: skip
    return "".join(lines).encode("ascii")


def save_model(
    model: Any,
    path: str | Path,
    *,
    preprocessor: Preprocessor | None = None,
    target: str | None = None,
    extra: dict[str, Any] | None = None,
    baseline: Any = None,
) -> Path:
    """Write ``model`` (and its preprocessing) to ``path`` (a .zip file); returns the path.

    ``extra``: JSON-serializable notes kept in the metadata (e.g. the split seed).
    ``baseline``: for an MLP only, the same network fitted with l2=0, saved beside it (the
    report's comparison); :func:`load_model` returns it as ``meta["baseline_model"]``.
    """
    name = type(model).__name__
    if name in NETWORKS and type(model).__module__ == "ridgeway.nn.estimators":
        return _save_network(model, Path(path), preprocessor, target, extra, baseline)
    if baseline is not None:
        raise TypeError("baseline is saved beside a neural network (MLP) only")
    fields = FIELDS.get(type(model))
    if fields is None:
        raise TypeError(f"model must be one of {sorted(ESTIMATORS)}; got {name}")
    if not hasattr(model, "coef_"):
        raise ValueError(f"model must be fitted before saving; {name} has no coef_")
    arrays = _arrays(model, fields)
    for key in FINITE:
        if key in arrays and not np.isfinite(arrays[key]).all():
            raise ValueError(f"{name}.{key} holds non-finite values: refit before saving")
    attributes = {a: _jsonable(getattr(model, a)) for a in fields.scalars if hasattr(model, a)}
    meta = _metadata(model, attributes, preprocessor, target, extra)
    return _write_container(Path(path), meta, _npz_bytes(arrays), allow_nan=True)


def _metadata(model: Any, attributes: dict[str, Any], preprocessor: Preprocessor | None,
              target: str | None, extra: dict[str, Any] | None) -> dict[str, Any]:  # fmt: skip
    """The metadata every model file holds (a network's adds its spec)."""
    classes = getattr(model, "classes_", None)
    names = getattr(model, "feature_names_in_", None)
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "estimator": type(model).__name__,
        "params": _params(model),
        "attributes": attributes,
        "feature_names": None if names is None else [str(v) for v in names],
        "classes": None if classes is None else _jsonable(np.asarray(classes)),
        "preprocessing": None if preprocessor is None else preprocessor.to_dict(),
        "target": target,
        "extra": extra or {},
    }


def _write_container(path: Path, meta: dict[str, Any], payload: bytes, *, allow_nan: bool) -> Path:
    """The zip: metadata, arrays and the SHA-256 sums of both."""
    metadata = json.dumps(meta, indent=2, default=_jsonable, allow_nan=allow_nan).encode("utf-8")
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(METADATA, metadata)
        archive.writestr(ARRAYS, payload)
        archive.writestr(SUMS, _sums(metadata, payload))
    return path


# ---- reading: the container ---------------------------------------------------------------


def _members(archive: zipfile.ZipFile, allowed: set[str], where: str) -> dict[str, zipfile.ZipInfo]:
    """The zip directory, checked before anything is inflated."""
    infos = archive.infolist()
    names = [info.filename for info in infos]
    if len(set(names)) != len(names):
        raise ModelFileError(f"{where} holds a member name twice")
    unexpected = sorted(set(names) - allowed)
    if unexpected:
        raise ModelFileError(f"{where} holds unexpected member(s) {', '.join(unexpected[:5])}")
    for info in infos:
        if info.flag_bits & 0x1:
            raise ModelFileError(f"{where}: member {info.filename} is encrypted")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise ModelFileError(
                f"{where}: member {info.filename} uses unsupported compression method "
                f"{info.compress_type} (only stored and deflated)"
            )
        limit = MAX_METADATA_BYTES if info.filename == METADATA else MAX_ARRAY_BYTES
        limit = min(limit, max(RATIO_FLOOR, MAX_RATIO * info.compress_size))
        if info.compress_type == zipfile.ZIP_STORED:
            limit = min(limit, info.compress_size)
        if info.file_size > limit:
            raise ModelFileError(
                f"{where}: member {info.filename} declares {info.file_size} bytes from "
                f"{info.compress_size} stored; refused before inflating"
            )
    return {info.filename: info for info in infos}


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    """At most the declared size (zipfile checks the CRC at the end)."""
    with archive.open(info) as stream:
        data = stream.read(info.file_size + 1)
    if len(data) != info.file_size:
        raise zipfile.BadZipFile(f"member {info.filename} is not {info.file_size} bytes long")
    return data


#: what a damaged archive raises inside zipfile and zlib
_DAMAGE = (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, OSError,
           RuntimeError, NotImplementedError, ValueError, UnicodeDecodeError, OverflowError,
           KeyError, IndexError)  # fmt: skip


def _read_container(path: Path) -> tuple[dict[str, Any], bytes, bool]:
    """(metadata, arrays.npz bytes, verified) — verified: the metadata is covered by a hash."""
    where = repr(str(path))
    if not path.is_file():
        raise ModelFileError(f"model file {where} does not exist")
    try:
        with zipfile.ZipFile(path) as archive:
            infos = _members(archive, {METADATA, ARRAYS, SUMS}, where)
            if METADATA not in infos or ARRAYS not in infos:
                raise ModelFileError(f"{where} is not a ridgeway model file: members missing")
            metadata = _read_member(archive, infos[METADATA])
            payload = _read_member(archive, infos[ARRAYS])
            sums = _read_member(archive, infos[SUMS]) if SUMS in infos else None
    except ModelFileError:
        raise
    except zlib.error as err:
        raise ModelFileError(
            f"{where} is damaged: its compressed data is invalid ({err})"
        ) from None
    except _DAMAGE as err:
        raise ModelFileError(
            f"{where} is not a ridgeway model file or is damaged: {type(err).__name__}: {err}"
        ) from None
    if sums is not None and sums != _sums(metadata, payload):
        raise ModelFileError(
            f"{where} is corrupted or was modified: its contents do not match the SHA-256 "
            f"sums in {SUMS}"
        )
    meta = _parse_json(metadata, where)
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        raise ModelFileError(f"{where} is not a ridgeway model file (format {FORMAT!r})")
    version = meta.get("format_version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise ModelFileError(f"{where} has an invalid format version {version!r}")
    if version > FORMAT_VERSION:
        raise ModelFileError(
            f"{where} has model format version {version}; this ridgeway reads versions up to "
            f"{FORMAT_VERSION}: upgrade ridgeway"
        )
    if version >= 2 and sums is None:
        raise ModelFileError(f"{where} (format {version}) lacks its {SUMS}: refused")
    if version == 1 and hashlib.sha256(payload).hexdigest() != meta.get("arrays_sha256"):
        raise ModelFileError(
            f"{where} is corrupted or was modified: its arrays do not match the SHA-256 "
            "recorded in its metadata"
        )
    return meta, payload, sums is not None


def _parse_json(raw: bytes, where: str) -> Any:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        raise ModelFileError(f"{where}: {METADATA} is not UTF-8 ({err.reason})") from None

    def unique(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        keys = [k for k, _ in pairs]
        if len(set(keys)) != len(keys):
            raise ModelFileError(f"{where}: {METADATA} repeats a key")
        return dict(pairs)

    try:
        value = json.loads(text, object_pairs_hook=unique)
    except RecursionError:
        raise ModelFileError(f"{where}: {METADATA} is nested too deeply") from None
    except json.JSONDecodeError as err:
        raise ModelFileError(f"{where}: {METADATA} is not valid JSON ({err})") from None
    level, deepest = [(value, 1)], 1
    while level:  # the format's metadata is a few levels deep; refuse what is not
        item, depth = level.pop()
        deepest = max(deepest, depth)
        children = (
            item.values() if isinstance(item, dict) else item if isinstance(item, list) else ()
        )
        level.extend((child, depth + 1) for child in children)
    if deepest > MAX_JSON_DEPTH:
        raise ModelFileError(
            f"{where}: {METADATA} is nested {deepest} levels deep (at most {MAX_JSON_DEPTH})"
        )
    return value


# ---- reading: the arrays ------------------------------------------------------------------


def _read_npy(stream: IO[bytes], size: int, name: str, where: str) -> np.ndarray:
    """One .npy member: header first (dtype real numbers, declared size = stored size)."""
    fmt = np.lib.format
    try:
        version = fmt.read_magic(stream)
        if version == (1, 0):
            shape, fortran, dtype = fmt.read_array_header_1_0(stream)
        elif version in ((2, 0), (3, 0)):
            shape, fortran, dtype = fmt.read_array_header_2_0(stream)
        else:
            raise ValueError(f"unknown .npy version {version}")
    except (ValueError, SyntaxError, TypeError, EOFError) as err:
        raise ModelFileError(f"{where}: array {name} has an unreadable header ({err})") from None
    if dtype.hasobject or dtype.fields is not None or dtype.kind not in "biuf":
        raise ModelFileError(
            f"{where}: array {name} has dtype {dtype}; the format holds real numbers only"
        )
    if dtype.itemsize > 8 or dtype.byteorder == ">":
        raise ModelFileError(f"{where}: array {name} has unsupported dtype {dtype}")
    count = math.prod(shape)
    expected = size - stream.tell()
    if count * dtype.itemsize != expected:
        raise ModelFileError(
            f"{where}: array {name} declares shape {shape} ({count} elements) but holds "
            f"{expected} bytes of data"
        )
    data = stream.read(expected)
    if len(data) != expected:
        raise ModelFileError(f"{where}: array {name} is truncated")
    return np.frombuffer(data, dtype=dtype).reshape(shape, order="F" if fortran else "C").copy()


def _read_arrays(payload: bytes, fields: Fields, where: str) -> dict[str, np.ndarray]:
    allowed = {f"{a}.npy" for a in fields.arrays}
    allowed |= {f"cv_results_/{k}.npy" for k in fields.results}
    return _read_npz(payload, allowed, where)


def _read_npz(payload: bytes, allowed: set[str], where: str) -> dict[str, np.ndarray]:
    """The members of arrays.npz named in ``allowed`` (anything else is refused)."""
    try:
        with zipfile.ZipFile(io.BytesIO(payload)) as archive:
            infos = _members(archive, allowed, f"{where} ({ARRAYS})")
            out = {}
            for member, info in infos.items():
                with archive.open(info) as stream:
                    out[member.removesuffix(".npy")] = _read_npy(
                        stream, info.file_size, member, where
                    )
            return out
    except ModelFileError:
        raise
    except _DAMAGE as err:
        raise ModelFileError(f"{where}: {ARRAYS} is damaged: {type(err).__name__}: {err}") from None


# ---- reading: the model -------------------------------------------------------------------


def _check(condition: bool, where: str, problem: str) -> None:
    if not condition:
        raise ModelFileError(f"{where}: {problem}")


def _check_arrays(arrays: dict[str, np.ndarray], meta: dict[str, Any], fields: Fields,
                  where: str) -> int:  # fmt: skip
    """Shapes against each other, n_features_in_ and the classes; returns n_features."""
    _check("coef_" in arrays and "intercept_" in arrays, where, "coef_ or intercept_ missing")
    for key in FINITE:
        if key in arrays:
            _check(arrays[key].dtype.kind == "f" or key == "df_", where, f"{key} is not float")
            _check(bool(np.isfinite(arrays[key]).all()), where, f"{key} holds NaN or inf")
    coef, intercept = arrays["coef_"], arrays["intercept_"]
    _check(coef.ndim in (1, 2) and coef.shape[-1] >= 1, where, f"coef_ has shape {coef.shape}")
    n_features = coef.shape[-1]
    _check(intercept.shape == coef.shape[:-1], where,
           f"intercept_ has shape {intercept.shape} for coef_ {coef.shape}")  # fmt: skip
    declared = meta.get("attributes", {}).get("n_features_in_", n_features)
    _check(declared == n_features, where, f"n_features_in_ {declared!r} but coef_ {coef.shape}")
    names = meta.get("feature_names")
    if names is not None:
        _check(isinstance(names, list) and all(isinstance(v, str) for v in names)
               and len(names) == n_features, where,
               "feature_names do not match the coefficients")  # fmt: skip
    classes = meta.get("classes")
    if fields.classifier:
        _check(isinstance(classes, list) and len(classes) >= 2, where, "classes missing")
        assert isinstance(classes, list)
        _check(all(isinstance(c, str | int | float | bool) for c in classes)
               and len({repr(c) for c in classes}) == len(classes), where,
               "classes must be distinct numbers or text")  # fmt: skip
        outputs = 1 if len(classes) == 2 else len(classes)
        _check(coef.ndim == 2 and coef.shape[0] == outputs, where,
               f"coef_ {coef.shape} does not match {len(classes)} classes")  # fmt: skip
    else:
        _check(classes is None, where, "a regressor has no classes")
    grid = arrays.get("cv_results_/l2")
    for key, value in arrays.items():
        if (
            key.startswith("cv_results_/")
            and grid is not None
            and value.ndim
            and not key.endswith("best_index")
        ):
            _check(value.shape[0] == grid.shape[0], where, f"{key} does not match the λ grid")
    if "coef_path_" in arrays:
        path = arrays["coef_path_"]
        _check(path.shape[-1] == n_features and (grid is None or path.shape[0] == grid.size),
               where, f"coef_path_ has shape {path.shape}")  # fmt: skip
    return n_features


_SCALAR_TYPES: dict[str, tuple[type, ...]] = {
    "n_features_in_": (int,),
    "best_index_": (int,),
    "best_score_": (int, float),
    "l1_share_": (int, float),
    "decomposition_": (str,),
}


def _attributes(meta: dict[str, Any], fields: Fields, where: str) -> dict[str, Any]:
    attributes = meta.get("attributes", {})
    _check(isinstance(attributes, dict), where, "attributes is not an object")
    unknown = sorted(set(attributes) - set(fields.scalars))
    _check(not unknown, where, f"unexpected attribute(s) {', '.join(unknown[:5])}")
    for key, value in attributes.items():
        kinds = _SCALAR_TYPES[key]
        values = (
            value if isinstance(value, list) and key in ("best_index_", "best_score_") else [value]
        )  # per-target selections hold one per target
        _check(all(isinstance(v, kinds) and not isinstance(v, bool) for v in values), where,
               f"attribute {key} is {type(value).__name__}")  # fmt: skip
    return dict(attributes)


def _param_value_ok(value: Any, depth: int = 0) -> bool:
    if value is None or isinstance(value, bool | int | float | str):
        return True
    return isinstance(value, list) and depth < 2 and all(_param_value_ok(v, depth + 1)
                                                         for v in value)  # fmt: skip


def _check_extra(extra: Any, where: str) -> dict[str, Any]:
    """The split notes ``ridgeway report`` uses; other keys are kept as they are."""
    _check(isinstance(extra, dict), where, "extra is not an object")
    checks = {
        "seed": lambda v: isinstance(v, int) and not isinstance(v, bool),
        "test_size": lambda v: isinstance(v, int | float) and 0 < v < 1,
        "task": lambda v: v in (None, "regression", "classification"),
        "cv": lambda v: isinstance(v, int | str),
        "rule": lambda v: v in ("min", "1se"),
        "positive_class": lambda v: v is None or isinstance(v, str | int | float | bool),
        "categorical": lambda v: isinstance(v, list) and all(isinstance(c, str) for c in v),
    }
    for key, ok in checks.items():
        if key in extra:
            _check(bool(ok(extra[key])), where, f"extra {key} is invalid: {extra[key]!r}")
    return extra


def load_model(path: str | Path) -> tuple[Any, Preprocessor | None, dict[str, Any]]:
    """(model, preprocessor or None, metadata) from a file written by :func:`save_model`."""
    path = Path(path)
    where = repr(str(path))
    meta, payload, _ = _read_container(path)
    if meta.get("estimator") in NETWORKS:
        return _load_network(meta, payload, where)
    cls = ESTIMATORS.get(meta.get("estimator"))  # type: ignore[arg-type]
    if cls is None:
        raise ModelFileError(f"{where} names an unknown estimator {meta.get('estimator')!r}")
    fields = FIELDS[cls]
    arrays = _read_arrays(payload, fields, where)
    _check_arrays(arrays, meta, fields, where)
    attributes = _attributes(meta, fields, where)
    _check_extra(meta.setdefault("extra", {}), where)
    target = meta.get("target")
    _check(target is None or isinstance(target, str), where, "target is not text")
    params = meta.get("params", {})
    _check(isinstance(params, dict), where, "params is not an object")
    known = cls().get_params(deep=False)
    renamed = {RENAMED_PARAMETERS.get(k, k): v for k, v in params.items()}  # older files
    settable = {k: v for k, v in renamed.items() if k in known and v is not None}
    _check(all(_param_value_ok(v) for v in settable.values()), where, "a parameter is invalid")
    model = cls()
    try:
        model.set_params(**settable)
    except (ValueError, TypeError) as err:
        raise ModelFileError(f"{where} has invalid parameters: {err}") from None
    results = {}
    for key, value in arrays.items():
        if key.startswith("cv_results_/"):
            results[key.split("/", 1)[1]] = value
        else:
            setattr(model, key, value if value.ndim else value[()])
    if results:
        model.cv_results_ = results
    for key, value in attributes.items():
        setattr(model, key, value)
    if meta.get("feature_names") is not None:
        model.feature_names_in_ = np.asarray(meta["feature_names"], dtype=object)
    if meta.get("classes") is not None:
        model.classes_ = np.asarray(meta["classes"])
    spec = meta.get("preprocessing")
    try:
        pre = None if spec is None else Preprocessor.from_dict(spec)
    except DataError as err:
        raise ModelFileError(f"{where}: {err}") from None
    names = meta.get("feature_names")
    if pre is not None and (len(pre.feature_names) != model.coef_.shape[-1] or (
        names is not None and list(pre.feature_names) != names
    )):  # fmt: skip
        raise ModelFileError(f"{where}: the preprocessing does not give the model's features")
    return model, pre, meta


# ---- neural networks (ridgeway.nn; torch imported only for these files) ---------------------

#: the network estimators a file may name, with their fields; their tensors, history and
#: search summary are allowed by name from the declared architecture (ridgeway.nn.state)
NETWORKS: dict[str, Fields] = {
    "MLPRegressor": Fields((), (), ("n_features_in_",)),
    "MLPClassifier": Fields((), (), ("n_features_in_",), classifier=True),
}
BASELINE = "baseline/"


def _network_class(name: str, where: str) -> Any:
    try:
        from ridgeway.nn import estimators
    except ImportError as err:
        raise ModelFileError(
            f"{where} holds a neural network ({name}): install ridgeway's nn extra (torch) to "
            f"load it ({err})"
        ) from None
    return getattr(estimators, name)


def _save_network(
    model: Any,
    path: Path,
    preprocessor: Preprocessor | None,
    target: str | None,
    extra: dict[str, Any] | None,
    baseline: Any,
) -> Path:
    """An MLP file: the network spec in metadata ``network``, tensors as arrays (no pickle)."""
    name = type(model).__name__
    spec, arrays = model.to_arrays()
    base_spec = None
    if baseline is not None:
        if type(baseline) is not type(model):
            raise TypeError(f"baseline must be a fitted {name}; got {type(baseline).__name__}")
        base_spec, base_arrays = baseline.to_arrays()
        if base_spec["architecture"] != spec["architecture"]:
            raise ValueError("baseline must have the model's architecture")
        arrays.update({BASELINE + k: v for k, v in base_arrays.items()})
    meta = _metadata(model, {"n_features_in_": int(model.n_features_in_)}, preprocessor,
                     target, extra)  # fmt: skip
    meta.update(network=spec, baseline=base_spec)
    return _write_container(path, meta, _npz_bytes(arrays), allow_nan=False)


_NETWORK_META = {"format", "format_version", "estimator", "params", "attributes",
                 "feature_names", "classes", "preprocessing", "target", "extra", "network",
                 "baseline"}  # fmt: skip


def _network_members(spec: Any, prefix: str, where: str) -> set[str]:
    """The array members a network spec allows (computed from its architecture, no torch)."""
    from ridgeway.nn import state

    _check(isinstance(spec, dict) and isinstance(spec.get("architecture"), dict), where,
           "the network spec is missing its architecture")  # fmt: skip
    try:
        arch = state._check_architecture(spec["architecture"])
    except ValueError as err:
        raise ModelFileError(f"{where}: {err}") from None
    names = set(state.expected_names(arch))
    if spec.get("history") is True:
        names |= {state.HISTORY + c for c in state.HISTORY_COLUMNS}
    if spec.get("search") is not None:
        names |= {state.RESULTS + k for k in state.RESULT_KEYS}
    return {f"{prefix}{n}.npy" for n in names}


def _restore(est: Any, spec: Any, arrays: dict[str, np.ndarray], where: str) -> Any:
    try:
        return est.from_arrays(spec, arrays)
    except (ValueError, TypeError, KeyError, RuntimeError) as err:
        raise ModelFileError(f"{where}: {err}") from None


def _load_network(meta: dict[str, Any], payload: bytes,
                  where: str) -> tuple[Any, Preprocessor | None, dict[str, Any]]:  # fmt: skip
    """An MLP file: the class by name from the fixed table, tensors checked, module rebuilt."""
    name = meta["estimator"]
    fields = NETWORKS[name]
    unknown = sorted(set(meta) - _NETWORK_META)
    _check(not unknown, where, f"unexpected metadata {', '.join(unknown[:5])}")
    cls = _network_class(name, where)
    spec, base_spec = meta.get("network"), meta.get("baseline")
    allowed = _network_members(spec, "", where)
    if base_spec is not None:
        allowed |= _network_members(base_spec, BASELINE, where)
    arrays = _read_npz(payload, allowed, where)
    _attributes(meta, fields, where)
    _check_extra(meta.setdefault("extra", {}), where)
    target = meta.get("target")
    _check(target is None or isinstance(target, str), where, "target is not text")
    params = meta.get("params", {})
    _check(isinstance(params, dict), where, "params is not an object")
    known = cls().get_params(deep=False)
    settable = {k: v for k, v in params.items() if k in known}
    _check(all(_param_value_ok(v) for v in settable.values()), where, "a parameter is invalid")
    if isinstance(settable.get("hidden"), list):
        settable["hidden"] = tuple(settable["hidden"])
    model = cls().set_params(**settable)
    names = meta.get("feature_names")
    if names is not None:
        _check(isinstance(names, list) and all(isinstance(v, str) for v in names), where,
               "feature_names must be a list of text")  # fmt: skip
        model.feature_names_in_ = np.asarray(names, dtype=object)
    classes = meta.get("classes")
    if fields.classifier:
        _check(isinstance(classes, list) and len(classes) >= 2
               and all(isinstance(c, str | int | float | bool) for c in classes)
               and len({repr(c) for c in classes}) == len(classes), where,
               "classes must be at least two distinct numbers or text")  # fmt: skip
        model.classes_ = np.asarray(classes)
    else:
        _check(classes is None, where, "a regressor has no classes")
    declared = meta.get("attributes", {}).get("n_features_in_")
    own = {k: v for k, v in arrays.items() if not k.startswith(BASELINE)}
    _restore(model, spec, own, where)
    _check(declared == model.n_features_in_, where,
           f"n_features_in_ {declared!r} does not match the network")  # fmt: skip
    if base_spec is not None:
        from sklearn.base import clone

        baseline = clone(model).set_params(l2=0.0)
        if fields.classifier:
            baseline.classes_ = model.classes_
        if names is not None:
            baseline.feature_names_in_ = model.feature_names_in_
        base = {k.removeprefix(BASELINE): v for k, v in arrays.items() if k.startswith(BASELINE)}
        meta["baseline_model"] = _restore(baseline, base_spec, base, where)
    spec_pre = meta.get("preprocessing")
    try:
        pre = None if spec_pre is None else Preprocessor.from_dict(spec_pre)
    except DataError as err:
        raise ModelFileError(f"{where}: {err}") from None
    if pre is not None and (len(pre.feature_names) != model.n_features_in_ or (
        names is not None and list(pre.feature_names) != names
    )):  # fmt: skip
        raise ModelFileError(f"{where}: the preprocessing does not give the model's features")
    return model, pre, meta
