"""Models and their versions in the store: the model file (ridgeway's safe format, as bytes),
λ and how it was chosen, reference KPIs and per-feature reference statistics."""

from __future__ import annotations

import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import sqlalchemy as sa

from ridgeway.monitor import drift, metrics
from ridgeway.monitor.jsonsafe import finite
from ridgeway.monitor.schema import models, versions

__all__ = [
    "TRAINING_RUN",
    "Reference",
    "Version",
    "design",
    "feature_names",
    "load_version",
    "model_bytes",
    "training_reference",
]

#: the estimator name of a version that records a training run (no model file, no reference
#: data: its metrics are logged by the trainer, one batch per epoch)
TRAINING_RUN = "training run"


def model_bytes(model: Any, preprocessor: Any = None) -> bytes:
    """``model`` written by ``ridgeway.persist.save_model``, as bytes."""
    from ridgeway import persist

    with tempfile.TemporaryDirectory() as folder:
        path = persist.save_model(model, Path(folder) / "model.zip", preprocessor=preprocessor)
        return path.read_bytes()


def model_from_bytes(data: bytes) -> tuple[Any, Any]:
    """(model, preprocessor or None), read back by ``ridgeway.persist.load_model`` (no pickle)."""
    from ridgeway import persist

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "model.zip"
        path.write_bytes(data)
        model, preprocessor, _ = persist.load_model(path)
    return model, preprocessor


def design(X: Any, preprocessor: Any) -> Any:
    """The model's input: raw columns go through the saved preprocessing when there is one."""
    return X if preprocessor is None else preprocessor.transform(X)


def feature_names(model: Any, X: Any) -> list[str]:
    names = getattr(model, "feature_names_in_", None)
    if names is None and hasattr(X, "columns"):
        names = X.columns
    if names is None:
        names = [f"x{j}" for j in range(np.shape(X)[1])]
    return [str(name) for name in names]


def prediction_mean(model: Any, X: Any) -> float:
    """Mean prediction (regression) or mean probability of ``classes_[1]`` (binary)."""
    if metrics.model_task(model) == "regression":
        return float(np.mean(model.predict(X)))
    if hasattr(model, "predict_proba") and len(model.classes_) == 2:
        return float(np.mean(model.predict_proba(X)[:, 1]))
    return float(np.mean(model.predict(X) == model.classes_[-1]))


@dataclass(frozen=True)
class Reference:
    """What registration measured on the reference data."""

    kpis: dict[str, Any]
    feature_stats: dict[str, dict[str, Any]]


def reference_kpis(model: Any, X: Any, y: Any) -> Reference:
    n = int(np.shape(X)[0])
    if n < 2:
        raise ValueError(f"X_ref must have at least 2 rows; got {n}")
    if y is None or len(y) != n:
        raise ValueError(f"y_ref must have one label per row of X_ref ({n})")
    names = feature_names(model, X)
    kpis = {
        "train": metrics.task_scores(model, X, y),
        "coefficients": metrics.coefficient_kpis(model),
        "selection": metrics.selection_summary(model),
        "error_metric": metrics.error_metric(model),
        "prediction_mean": prediction_mean(model, X),
        "n_rows": n,
        "features": names,
    }
    stats = drift.reference_statistics(np.asarray(X, dtype=np.float64), names)
    return Reference(finite(kpis), finite(stats))


def training_reference(l2: float | None) -> Reference:
    """The reference of a training run: nothing measured beforehand (its gap is the trainer's
    validation − training loss, positive when validation is worse, as for deployed models)."""
    kpis: dict[str, Any] = {
        "train": {},
        "coefficients": {"l2": l2},
        "selection": {},
        "error_metric": "val_loss",
        "prediction_mean": None,
        "n_rows": 0,
        "features": [],
    }
    return Reference(finite(kpis), {})


@dataclass(frozen=True)
class Version:
    """One registered version, its model loaded (None for a training run)."""

    model_id: int
    name: str
    task: str
    version: int
    gap_metric: str
    reference: dict[str, Any]
    feature_stats: dict[str, dict[str, Any]]
    model: Any
    preprocessor: Any


def insert_version(
    connection: sa.Connection,
    name: str,
    model: Any,
    reference: Reference,
    blob: bytes,
    gap_metric: str,
    version: int | None,
    *,
    task: str | None = None,
    estimator: str | None = None,
) -> int:
    """A new version of ``name`` (the model row made on first use); ``task`` and
    ``estimator`` default to the model's (a training run passes both and no model)."""
    task = task or metrics.model_task(model)
    row = connection.execute(sa.select(models.c.id, models.c.task).where(models.c.name == name))
    found = row.first()
    if found is None:
        model_id = connection.execute(
            sa.insert(models)
            .values(name=name, task=task, created_at=time.time())
            .returning(models.c.id)
        ).scalar_one()
    elif found.task != task:
        raise ValueError(f"model {name!r} is a {found.task} model; got a {task} model")
    else:
        model_id = found.id
    latest = connection.execute(
        sa.select(sa.func.max(versions.c.version)).where(versions.c.model_id == model_id)
    ).scalar()
    if version is None:
        version = (latest or 0) + 1
    elif latest is not None and version <= latest:
        raise ValueError(f"version must be above {latest} (the latest of {name!r}); got {version}")
    connection.execute(
        sa.insert(versions).values(
            model_id=model_id,
            version=version,
            created_at=time.time(),
            estimator=estimator or type(model).__name__,
            l2=reference.kpis["coefficients"].get("l2"),
            gap_metric=gap_metric,
            selection=reference.kpis["selection"],
            reference=reference.kpis,
            feature_stats=reference.feature_stats,
            model_file=blob,
        )
    )
    return version


def load_version(connection: sa.Connection, name: str, version: int | None, cache: dict) -> Version:
    """The version (default: the latest) of model ``name``. Versions never change once
    registered, so each is read and decoded once per process; a call costs one small query."""
    query = (
        sa.select(models.c.id, versions.c.version)
        .join(versions, versions.c.model_id == models.c.id)
        .where(models.c.name == name)
    )
    if version is not None:
        query = query.where(versions.c.version == version)
    row = connection.execute(query.order_by(versions.c.version.desc()).limit(1)).first()
    if row is None:
        known = connection.execute(sa.select(models.c.name)).scalars().all()
        what = f"model {name!r}" if version is None else f"version {version} of model {name!r}"
        raise KeyError(f"{what} is not registered; registered models: {sorted(known)}")
    key = (row.id, row.version)
    if key not in cache:
        full = connection.execute(
            sa.select(
                models.c.task,
                versions.c.gap_metric,
                versions.c.reference,
                versions.c.feature_stats,
                versions.c.model_file,
            )
            .join(versions, versions.c.model_id == models.c.id)
            .where(versions.c.model_id == row.id, versions.c.version == row.version)
        ).one()
        # a training run stores no model file
        model, preprocessor = model_from_bytes(full.model_file) if full.model_file else (None, None)
        cache[key] = Version(
            row.id,
            name,
            full.task,
            row.version,
            full.gap_metric,
            full.reference,
            full.feature_stats,
            model,
            preprocessor,
        )
    return cache[key]
