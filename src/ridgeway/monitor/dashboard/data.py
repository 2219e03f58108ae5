"""What the dashboard reads: the model list, downsampled series, drift, versions, alerts.

Series are downsampled in the database: the time span is cut into at most ``points``
buckets and each bucket sends its mean, minimum and maximum, so a page costs the same with a
thousand or a million stored values.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from ridgeway.monitor.jsonsafe import finite
from ridgeway.monitor.schema import alerts, metrics, models, rules, versions

__all__ = ["drift_table", "model_list", "series", "series_names"]

MAX_POINTS = 2000


def model_list(connection: sa.Connection) -> list[dict[str, Any]]:
    latest = (
        sa.select(versions.c.model_id, sa.func.max(versions.c.version).label("version"))
        .group_by(versions.c.model_id)
        .subquery()
    )
    open_count = (
        sa.select(alerts.c.model_id, sa.func.count().label("open_alerts"))
        .where(alerts.c.status == "open")
        .group_by(alerts.c.model_id)
        .subquery()
    )
    query = (
        sa.select(
            models.c.name,
            models.c.task,
            latest.c.version,
            sa.func.coalesce(open_count.c.open_alerts, 0).label("open_alerts"),
        )
        .join(latest, latest.c.model_id == models.c.id)
        .outerjoin(open_count, open_count.c.model_id == models.c.id)
        .order_by(models.c.name)
    )
    out = [dict(row._mapping) for row in connection.execute(query)]
    for row in out:
        row["last_ts"] = connection.execute(
            sa.select(sa.func.max(metrics.c.ts)).where(
                metrics.c.model_id
                == sa.select(models.c.id).where(models.c.name == row["name"]).scalar_subquery()
            )
        ).scalar()
    return out


def model_row(connection: sa.Connection, name: str) -> Any:
    return connection.execute(
        sa.select(models.c.id, models.c.name, models.c.task).where(models.c.name == name)
    ).first()


def series_names(connection: sa.Connection, model_id: int) -> list[str]:
    """Distinct model-level metric names by a loose index scan (one index seek per name)."""
    first = sa.select(sa.func.min(metrics.c.metric).label("metric")).where(
        metrics.c.model_id == model_id
    )
    names = sa.select(first.subquery().c.metric).cte("names", recursive=True)
    following = sa.select(
        sa.select(sa.func.min(metrics.c.metric))
        .where(metrics.c.model_id == model_id, metrics.c.metric > names.c.metric)
        .scalar_subquery()
    ).where(names.c.metric.is_not(None))
    names = names.union_all(following)
    found = connection.execute(
        sa.select(names.c.metric).where(names.c.metric.is_not(None))
    ).scalars()
    return [name for name in found if name not in ("psi", "mean_shift")]


KEYS = ("ts", "mean", "min", "max", "count", "version")


def series_many(
    connection: sa.Connection,
    model_id: int,
    names: list[str],
    features: list[str] | None = None,
    points: int = 150,
) -> dict[str, dict[str, list]]:
    """Several series in one query over one time span, each in ≤ ``points`` buckets
    ({"ts", "mean", "min", "max", "count", "version"} per bucket).

    Model-level metrics ``names`` keyed by metric (``features`` None), or one per-feature
    metric ``names[0]`` for each of ``features``, keyed by feature. The covering index
    (model_id, metric, feature, ts, value, version) answers it without touching the table.
    """
    points = max(1, min(int(points), MAX_POINTS))
    where = [metrics.c.model_id == model_id]
    if features is None:
        where += [metrics.c.metric.in_(names), metrics.c.feature.is_(None)]
        key = metrics.c.metric
    else:
        where += [metrics.c.metric == names[0], metrics.c.feature.in_(features)]
        key = metrics.c.feature
    out: dict[str, dict[str, list]] = {
        name: {k: [] for k in KEYS} for name in (names if features is None else features)
    }
    span = connection.execute(
        sa.select(sa.func.min(metrics.c.ts), sa.func.max(metrics.c.ts)).where(*where)
    ).first()
    if span is None or span[0] is None:
        return out
    start, stop = float(span[0]), float(span[1])
    width = (stop - start) / points or 1.0
    bucket = sa.cast((metrics.c.ts - start) / width, sa.Integer).label("bucket")
    query = (
        sa.select(
            key,
            bucket,
            sa.func.avg(metrics.c.ts),
            sa.func.avg(metrics.c.value),
            sa.func.min(metrics.c.value),
            sa.func.max(metrics.c.value),
            sa.func.count(metrics.c.value),
            sa.func.max(metrics.c.version),
        )
        .where(*where)
        .group_by(key, bucket)
        .order_by(key, bucket)
    )
    for row in connection.execute(query):
        target = out[row[0]]
        for name, value in zip(KEYS, row[2:]):
            target[name].append(value)
    return finite(out)


def series(
    connection: sa.Connection,
    model_id: int,
    metric: str,
    feature: str | None = None,
    points: int = 150,
) -> dict[str, list]:
    """One series (see :func:`series_many`)."""
    if feature is None:
        return series_many(connection, model_id, [metric], None, points)[metric]
    return series_many(connection, model_id, [metric], [feature], points)[feature]


def drift_table(connection: sa.Connection, model_id: int) -> list[dict[str, Any]]:
    """PSI and mean shift per feature in the latest batch that measured drift."""
    last = connection.execute(
        sa.select(metrics.c.batch_id)
        .where(metrics.c.model_id == model_id, metrics.c.metric == "psi_max")
        .order_by(metrics.c.ts.desc())  # the index order: no sort over the whole series
        .limit(1)
    ).scalar()
    if last is None:
        return []
    rows = connection.execute(
        sa.select(metrics.c.feature, metrics.c.metric, metrics.c.value).where(
            metrics.c.batch_id == last, metrics.c.feature.is_not(None)
        )
    ).all()
    table: dict[str, dict[str, Any]] = {}
    for feature, metric, value in rows:
        table.setdefault(feature, {"feature": feature})[metric] = value
    return finite(sorted(table.values(), key=lambda r: -(r.get("psi") or 0.0)))


def version_list(connection: sa.Connection, model_id: int) -> list[dict[str, Any]]:
    rows = connection.execute(
        sa.select(
            versions.c.version,
            versions.c.created_at,
            versions.c.estimator,
            versions.c.l2,
            versions.c.gap_metric,
            versions.c.selection,
            versions.c.reference,
        )
        .where(versions.c.model_id == model_id)
        .order_by(versions.c.version)
    ).all()
    return finite(
        [
            {
                "version": r.version,
                "created_at": r.created_at,
                "estimator": r.estimator,
                "l2": r.l2,
                "gap_metric": r.gap_metric,
                "cv": r.selection.get("cv"),
                "rule": r.selection.get("rule"),
                "scoring": r.selection.get("scoring"),
                "validation_score": r.selection.get("validation_score"),
                "cv_gap": r.selection.get("cv_gap"),
                "train": r.reference.get("train", {}),
                "effective_df": r.reference.get("coefficients", {}).get("effective_df"),
            }
            for r in rows
        ]
    )


def alert_list(connection: sa.Connection, model_id: int, limit: int = 200) -> list[dict[str, Any]]:
    rows = connection.execute(
        sa.select(
            alerts.c.id,
            alerts.c.severity,
            alerts.c.status,
            alerts.c.message,
            alerts.c.opened_at,
            alerts.c.resolved_at,
            alerts.c.acknowledged_at,
            alerts.c.acknowledged_by,
            alerts.c.last_value,
            alerts.c.n_breaches,
            rules.c.metric,
            rules.c.feature,
            rules.c.threshold,
            rules.c.direction,
            rules.c.relative,
        )
        .join(rules, rules.c.id == alerts.c.rule_id)
        .where(alerts.c.model_id == model_id)
        .order_by(alerts.c.opened_at.desc(), alerts.c.id.desc())
        .limit(limit)
    ).all()
    return finite([dict(r._mapping) for r in rows])


def rule_thresholds(connection: sa.Connection, model_id: int) -> list[dict[str, Any]]:
    rows = connection.execute(
        sa.select(
            rules.c.id,
            rules.c.metric,
            rules.c.feature,
            rules.c.direction,
            rules.c.threshold,
            rules.c.relative,
            rules.c.severity,
            rules.c.patience,
        )
        .where(rules.c.model_id == model_id)
        .order_by(rules.c.id)
    ).all()
    return [dict(r._mapping) for r in rows]
