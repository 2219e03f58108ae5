"""Reads for people: metrics, alerts, versions and rules as pandas DataFrames."""

from __future__ import annotations

from typing import Any

import pandas as pd
import sqlalchemy as sa

from ridgeway.monitor.alerts import rule_from_row
from ridgeway.monitor.schema import alerts, metrics, models, rules, versions
from ridgeway.monitor.timestamps import to_epoch, to_timestamps

__all__ = ["alert_frame", "metric_frame", "rule_frame", "version_frame"]

ALERT_STATUSES = ("open", "resolved")


def _frame(connection: sa.Connection, query: Any, times: tuple[str, ...]) -> pd.DataFrame:
    result = connection.execute(query)
    frame = pd.DataFrame(result.fetchall(), columns=list(result.keys()))
    for column in times:
        frame[column] = to_timestamps(frame[column].astype("float64"))
    return frame


def metric_frame(
    connection: sa.Connection,
    name: str | None = None,
    metric: str | None = None,
    feature: str | None = None,
    since: Any = None,
    until: Any = None,
) -> pd.DataFrame:
    query = (
        sa.select(
            models.c.name.label("model"),
            metrics.c.version,
            metrics.c.batch_id,
            metrics.c.ts,
            metrics.c.metric,
            metrics.c.feature,
            metrics.c.value,
        )
        .join(models, models.c.id == metrics.c.model_id)
        .order_by(metrics.c.ts, metrics.c.id)
    )
    if name is not None:
        query = query.where(models.c.name == name)
    if metric is not None:
        query = query.where(metrics.c.metric == metric)
    if feature is not None:
        query = query.where(metrics.c.feature == feature)
    if since is not None:
        query = query.where(metrics.c.ts >= to_epoch(since, "since"))
    if until is not None:
        query = query.where(metrics.c.ts <= to_epoch(until, "until"))
    return _frame(connection, query, ("ts",))


def alert_frame(
    connection: sa.Connection,
    name: str | None = None,
    status: str | None = None,
    severity: str | None = None,
) -> pd.DataFrame:
    if status is not None and status not in ALERT_STATUSES:
        raise ValueError(f"status must be one of {ALERT_STATUSES} or None; got {status!r}")
    query = (
        sa.select(
            alerts.c.id,
            models.c.name.label("model"),
            alerts.c.rule_id,
            rules.c.metric,
            rules.c.feature,
            alerts.c.severity,
            alerts.c.status,
            alerts.c.message,
            alerts.c.opened_at,
            alerts.c.resolved_at,
            alerts.c.acknowledged_at,
            alerts.c.acknowledged_by,
            alerts.c.last_value,
            alerts.c.n_breaches,
            alerts.c.evidence,
        )
        .join(models, models.c.id == alerts.c.model_id)
        .join(rules, rules.c.id == alerts.c.rule_id)
        .order_by(alerts.c.opened_at.desc(), alerts.c.id.desc())
    )
    if name is not None:
        query = query.where(models.c.name == name)
    if status is not None:
        query = query.where(alerts.c.status == status)
    if severity is not None:
        query = query.where(alerts.c.severity == severity)
    return _frame(connection, query, ("opened_at", "resolved_at", "acknowledged_at"))


def version_frame(connection: sa.Connection, name: str) -> pd.DataFrame:
    """One row per version: λ, how it was chosen, its reference and validation KPIs."""
    query = (
        sa.select(
            versions.c.version,
            versions.c.created_at,
            versions.c.estimator,
            versions.c.l2,
            versions.c.gap_metric,
            versions.c.selection,
            versions.c.reference,
        )
        .join(models, models.c.id == versions.c.model_id)
        .where(models.c.name == name)
        .order_by(versions.c.version)
    )
    frame = _frame(connection, query, ("created_at",))
    selection = frame.pop("selection")
    reference = frame.pop("reference")
    frame["cv"] = [s.get("cv") for s in selection]
    frame["rule"] = [s.get("rule") for s in selection]
    frame["scoring"] = [s.get("scoring") for s in selection]
    frame["validation_score"] = [s.get("validation_score") for s in selection]
    frame["cv_gap"] = [s.get("cv_gap") for s in selection]
    frame["train"] = [r.get("train", {}) for r in reference]
    frame["effective_df"] = [r.get("coefficients", {}).get("effective_df") for r in reference]
    frame["coef_norm2"] = [r.get("coefficients", {}).get("coef_norm2") for r in reference]
    return frame


def rule_frame(connection: sa.Connection, name: str | None = None) -> pd.DataFrame:
    """Rules with their state: warmup, ok, pending (breaching, patience not reached), firing."""
    query = (
        sa.select(rules, models.c.name.label("model"))
        .join(models, models.c.id == rules.c.model_id)
        .order_by(rules.c.id)
    )
    if name is not None:
        query = query.where(models.c.name == name)
    firing = set(
        connection.execute(sa.select(alerts.c.rule_id).where(alerts.c.status == "open")).scalars()
    )
    out = []
    for row in connection.execute(query):
        rule = rule_from_row(row)
        if row.id in firing:
            state = "firing"
        elif row.evaluated < rule.warmup:
            state = "warmup"
        else:
            state = "pending" if row.streak else "ok"
        out.append(
            {
                "id": row.id,
                "model": row.model,
                "rule": rule.describe(),
                "metric": rule.metric,
                "feature": rule.feature,
                "direction": rule.direction,
                "threshold": rule.threshold,
                "severity": rule.severity,
                "patience": rule.patience,
                "warmup": rule.warmup,
                "evaluated": row.evaluated,
                "streak": len(row.streak),
                "state": state,
                "webhook": rule.webhook,
            }
        )
    columns = [
        "id",
        "model",
        "rule",
        "metric",
        "feature",
        "direction",
        "threshold",
        "severity",
        "patience",
        "warmup",
        "evaluated",
        "streak",
        "state",
        "webhook",
    ]
    return pd.DataFrame(out, columns=columns)
